/*
 * TCP: resets and the challenge ACKs of RFC 5961, simultaneous open and
 * close, half-close, close with unread data or after data arrives,
 * keepalive, ICMP errors while connecting, and listeners closing with
 * connections queued.
 */
#include "test_tcp.h"

NT_CASE(tcp_rst_rules_rfc5961)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	struct tcpstat st0, st1;
	int e = 0;
	unsigned el = sizeof(e);

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcps0");
	so = ttp_connect(&p, ifp, true);
	tcp_getstat(&st0);
	/* RST in the window but not exact: challenge ACK, still alive */
	ttp_inject(&p, TH_RST, p.snd_nxt + 100, 0, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_ACK && s.ack == p.snd_nxt && s.seq == p.rcv_nxt);
	NT_CHECK_EQ(ttp_state(so), TCPS_ESTABLISHED);
	/* RST outside the window: silently dropped */
	ttp_inject(&p, TH_RST, p.snd_nxt + 0x40000000u, 0, NULL, 0, NULL, 0);
	NT_CHECK(!ttp_recv(&p, &s));
	NT_CHECK_EQ(ttp_state(so), TCPS_ESTABLISHED);
	/* SYN in a synchronized state: challenge ACK */
	ttp_inject(&p, TH_SYN, p.snd_nxt + 5, 0, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_ACK && s.ack == p.snd_nxt);
	NT_CHECK_EQ(ttp_state(so), TCPS_ESTABLISHED);
	/* an ACK of data never sent: ACKed back, dropped, counted */
	ttp_inject(&p, TH_ACK, p.snd_nxt, p.rcv_nxt + 1000, NULL, 0, "x", 1);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == p.snd_nxt);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_BADACK), 1);
	/* no ACK flag in a synchronized state: dropped, counted */
	ttp_inject(&p, TH_PUSH, p.snd_nxt, 0, NULL, 0, "y", 1);
	NT_CHECK(!ttp_recv(&p, &s));
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_BADFLAGS), 1);
	/* out of window data: BADSEQ, an ACK */
	ttp_inject(&p, TH_ACK, p.snd_nxt + 0x10000000u, p.rcv_nxt, NULL, 0,
	    "z", 1);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == p.snd_nxt);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_BADSEQ), 1);
	tcp_getstat(&st1);
	NT_CHECK_EQ(st1.tcps_challengeack, st0.tcps_challengeack + 2);
	/* PAWS: an old timestamp is refused */
	p.tsval -= 1000;
	ttp_send(&p, "old", 3);
	p.snd_nxt -= 3;
	NT_CHECK(ttp_recv(&p, &s) && s.ack == p.snd_nxt);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_BADSEQ), 2);
	p.tsval += 2000;
	/* the exact RST: ECONNRESET, no answer */
	ttp_inject(&p, TH_RST, p.snd_nxt, 0, NULL, 0, NULL, 0);
	NT_CHECK(!ttp_recv(&p, &s));
	NT_CHECK_EQ(ttp_state(so), -1);
	{
		uint8_t b[4];

		NT_CHECK_EQ(ttp_app_recv(so, b, 4), -ECONNRESET);
		NT_CHECK_EQ(ttp_app_recv(so, b, 4), 0);
		NT_CHECK_EQ(ttp_app_send(so, "a", 1), 0);
	}
	NT_CHECK_EQ(so_getsockopt(so, SOL_SOCKET_K, SO_ERROR_K, &e, &el), 0);
	NT_CHECK_EQ(e, 0);
	so_close(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_simultaneous_open_and_close)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	struct sockaddr_in_k sin = ttp_sin(NT_PEER_IP, TTP_PORT);
	uint8_t o[4] = {2, 4, 0x05, 0xb4};
	uint32_t iss;

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcps1");
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	p.win = 8192;
	so = ttp_socket();
	so_setnbio(so, true);
	NT_CHECK_EQ(so_connect(so, &sin, sizeof(sin)), EINPROGRESS);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_SYN);
	p.lport = s.sport;
	iss = s.seq;
	/* the peer's own SYN crosses ours: SYN_RECEIVED, our SYN-ACK */
	p.snd_nxt = 9000;
	ttp_inject(&p, TH_SYN, p.snd_nxt, 0, o, 4, NULL, 0);
	p.snd_nxt++;
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == (TH_SYN | TH_ACK) && s.seq == iss &&
	    s.ack == p.snd_nxt);
	NT_CHECK_EQ(ttp_state(so), TCPS_SYN_RECEIVED);
	/* the peer's SYN-ACK to our SYN: ESTABLISHED */
	p.rcv_nxt = iss + 1;
	ttp_inject(&p, TH_SYN | TH_ACK, p.snd_nxt - 1, p.rcv_nxt, o, 4, NULL,
	    0);
	NT_CHECK_EQ(ttp_state(so), TCPS_ESTABLISHED);
	NT_CHECK(so_poll(so, SO_POLLOUT) & SO_POLLOUT);
	while (ttp_recv(&p, &s))
		;
	/* both close at once: FIN_WAIT_1 -> CLOSING -> TIME_WAIT */
	NT_CHECK_EQ(so_shutdown(so, 1), 0);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == (TH_FIN | TH_ACK));
	ttp_inject(&p, TH_FIN | TH_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL, 0);
	p.snd_nxt++;
	NT_CHECK_EQ(ttp_state(so), TCPS_CLOSING);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_ACK && s.ack == p.snd_nxt);
	p.rcv_nxt++;
	ttp_ack(&p);
	NT_CHECK_EQ(ttp_state(so), TCPS_TIME_WAIT);
	ttp_advance(2 * tcp_msl_ms + 10);
	NT_CHECK_EQ(ttp_state(so), -1);
	so_close(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_half_close_and_fin_wait_2)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	uint8_t b[16];
	uint64_t pcbs = ttp_pcbs();

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcps2");
	so = ttp_connect(&p, ifp, true);
	NT_CHECK_EQ(ttp_app_send(so, "req", 3), 3);
	NT_CHECK_EQ(so_shutdown(so, 1), 0);
	NT_CHECK(ttp_recv(&p, &s) && s.dlen == 3);
	NT_CHECK(ttp_recv(&p, &s) && (s.flags & TH_FIN) != 0);
	p.rcv_nxt += 4;
	ttp_ack(&p);
	NT_CHECK_EQ(ttp_state(so), TCPS_FIN_WAIT_2);
	/* still receiving after our FIN */
	ttp_send(&p, "answer", 6);
	NT_CHECK_EQ(ttp_app_recv(so, b, sizeof(b)), 6);
	ttp_inject(&p, TH_FIN | TH_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL, 0);
	p.snd_nxt++;
	NT_CHECK(ttp_recv(&p, &s) && s.ack == p.snd_nxt);
	NT_CHECK_EQ(ttp_state(so), TCPS_TIME_WAIT);
	NT_CHECK_EQ(ttp_app_recv(so, b, sizeof(b)), 0);
	so_close(so);	/* TIME_WAIT goes on without the socket */
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 1);
	ttp_advance(2 * tcp_msl_ms + 10);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	/* FIN_WAIT_2 of a closed socket ends after its own timeout */
	so = ttp_connect(&p, ifp, true);
	so_close(so);
	NT_CHECK(ttp_recv(&p, &s) && (s.flags & TH_FIN) != 0);
	p.rcv_nxt++;
	ttp_ack(&p);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 1);
	/* data now: the application is gone, a reset */
	ttp_send(&p, "late", 4);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_RST);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	so = ttp_connect(&p, ifp, true);
	so_close(so);
	NT_CHECK(ttp_recv(&p, &s) && (s.flags & TH_FIN) != 0);
	p.rcv_nxt++;
	ttp_ack(&p);
	ttp_advance(TCP_FIN2_TIMEOUT_MS + 10);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_close_with_unread_data_resets)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	uint64_t pcbs = ttp_pcbs();

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcps3");
	so = ttp_connect(&p, ifp, true);
	ttp_send(&p, "unread", 6);
	so_close(so);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_RST && s.seq == p.rcv_nxt);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	/* SO_LINGER with zero time: a reset too */
	so = ttp_connect(&p, ifp, true);
	ttp_abort(so);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_RST);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_keepalive_probes_and_drop)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	int one = 1, v;
	unsigned vl = sizeof(v);

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcps4");
	so = ttp_connect(&p, ifp, true);
	v = 10;
	NT_CHECK_EQ(so_setsockopt(so, IPPROTO_TCP_K, TCP_KEEPIDLE_K, &v,
	    sizeof(v)), 0);
	v = 2;
	NT_CHECK_EQ(so_setsockopt(so, IPPROTO_TCP_K, TCP_KEEPINTVL_K, &v,
	    sizeof(v)), 0);
	v = 3;
	NT_CHECK_EQ(so_setsockopt(so, IPPROTO_TCP_K, TCP_KEEPCNT_K, &v,
	    sizeof(v)), 0);
	NT_CHECK_EQ(so_getsockopt(so, IPPROTO_TCP_K, TCP_KEEPCNT_K, &v, &vl),
	    0);
	NT_CHECK_EQ(v, 3);
	NT_CHECK_EQ(so_setsockopt(so, SOL_SOCKET_K, SO_KEEPALIVE_K, &one,
	    sizeof(one)), 0);
	ttp_advance(9000);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(1100);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.seq == p.rcv_nxt - 1 && s.dlen == 0 && s.flags == TH_ACK);
	/* answered: the idle time starts again */
	ttp_ack(&p);
	ttp_advance(2100);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(8000);
	NT_CHECK(ttp_recv(&p, &s) && s.seq == p.rcv_nxt - 1);
	/* unanswered: 3 probes, then a reset and ETIMEDOUT */
	for (int i = 0; i < 3; i++) {
		ttp_advance(2100);
		NT_CHECK(ttp_recv(&p, &s));
	}
	NT_CHECK(s.flags == TH_RST);
	NT_CHECK_EQ(ttp_state(so), -1);
	{
		uint8_t b[4];

		NT_CHECK_EQ(ttp_app_recv(so, b, 4), -ETIMEDOUT);
	}
	so_close(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

/* An ICMP unreachable (code) from the peer quoting our SYN s. */
static void
inject_unreach(struct ifnet *ifp, const struct ttp_seg *s, uint8_t code)
{
	uint8_t q[28], f[NT_FRAME_MAX];
	struct ip_hdr ip = {.ip_vhl = 0x45, .ip_len = net_htons(60),
	    .ip_ttl = 64, .ip_p = IPPROTO_TCP, .ip_src = NT_MY_IP,
	    .ip_dst = NT_PEER_IP};
	unsigned n;

	memcpy(q, &ip, 20);
	q[20] = (uint8_t)(s->sport >> 8), q[21] = (uint8_t)s->sport;
	q[22] = (uint8_t)(s->dport >> 8), q[23] = (uint8_t)s->dport;
	ttp_put32(q + 24, s->seq);
	n = nti_icmp(f, nt_my_mac, NT_PEER_IP, NT_MY_IP, ICMP_UNREACH, 0, 0,
	    q, 28);
	f[14 + 20 + 1] = code;
	f[14 + 20 + 2] = f[14 + 20 + 3] = 0;
	{
		uint16_t c = in_cksum_buf(f + 34, n - 34);

		memcpy(f + 36, &c, 2);
	}
	fakeif_inject(ifp, f, n);
}

NT_CASE(tcp_icmp_errors_while_connecting)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	struct sockaddr_in_k sin = ttp_sin(NT_PEER_IP, TTP_PORT);
	static const uint8_t codes[2] = {ICMP_UNREACH_PORT, ICMP_UNREACH_HOST};
	static const int errs[2] = {ECONNREFUSED, EHOSTUNREACH};

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcps5");
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	for (int i = 0; i < 2; i++) {
		int e = 0;
		unsigned el = sizeof(e);

		so = ttp_socket();
		so_setnbio(so, true);
		NT_CHECK_EQ(so_connect(so, &sin, sizeof(sin)), EINPROGRESS);
		NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_SYN);
		/* an error quoting another sequence number is ignored */
		s.seq += 100;
		inject_unreach(ifp, &s, codes[i]);
		NT_CHECK_EQ(ttp_state(so), TCPS_SYN_SENT);
		s.seq -= 100;
		inject_unreach(ifp, &s, codes[i]);
		NT_CHECK_EQ(ttp_state(so), -1);
		NT_CHECK_EQ(so_getsockopt(so, SOL_SOCKET_K, SO_ERROR_K, &e,
		    &el), 0);
		NT_CHECK_EQ(e, errs[i]);
		so_close(so);
	}
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_listener_close_resets_queued)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *ls;
	uint8_t o[4] = {2, 4, 0x05, 0xb4};
	uint64_t pcbs = ttp_pcbs();

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcps6");
	ls = ttp_listen(7070, 4);
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	p.lport = 7070;
	p.win = 4096;
	/* one complete connection and one embryonic */
	p.snd_nxt = 100;
	ttp_inject(&p, TH_SYN, 100, 0, o, 4, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	p.snd_nxt = 101;
	p.rcv_nxt = s.seq + 1;
	ttp_send(&p, "early", 5);	/* the ACK carries data */
	p.pport++;
	ttp_inject(&p, TH_SYN, 500, 0, o, 4, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK_EQ(ls->so_qlen, 1);
	NT_CHECK_EQ(ls->so_q0len, 1);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 3);
	so_close(ls);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	/* both get resets */
	NT_CHECK(ttp_take(ifp, &s) && (s.flags & TH_RST) != 0);
	NT_CHECK(ttp_take(ifp, &s) && (s.flags & TH_RST) != 0);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_close_sends_queued_data_then_fin)
{
	static uint8_t data[20000];
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	uint32_t base;
	unsigned got = 0;
	bool fin = false;
	uint64_t pcbs = ttp_pcbs();

	nt_leak_start(&lk);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13);
	ifp = ttp_ifcreate("tcps7");
	so = ttp_connect(&p, ifp, true);
	base = p.rcv_nxt;
	p.win = 0;
	ttp_ack(&p);
	NT_CHECK_EQ(ttp_app_send(so, data, sizeof(data)), sizeof(data));
	so_close(so);		/* nothing has gone yet: the window is shut */
	NT_CHECK(!ttp_recv(&p, &s));
	p.win = 40;		/* 40 << 7 = 5120 bytes at a time */
	ttp_ack(&p);
	for (int i = 0; i < 100 && !fin; i++) {
		while (ttp_recv(&p, &s)) {
			if (s.seq == p.rcv_nxt && s.dlen > 0) {
				NT_CHECK(memcmp(s.data, data + (s.seq - base),
				    s.dlen) == 0);
				p.rcv_nxt += s.dlen;
				got += s.dlen;
			}
			if ((s.flags & TH_FIN) != 0 &&
			    s.seq + s.dlen == base + sizeof(data)) {
				NT_CHECK_EQ(got, sizeof(data));
				fin = true;
			}
		}
		ttp_ack(&p);
		if (!fin)
			ttp_advance(600);
	}
	NT_CHECK(fin);
	p.rcv_nxt++;
	while (ttp_recv(&p, &s))
		;	/* FIN retransmitted on the duplicate ACKs above */
	ttp_inject(&p, TH_FIN | TH_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_ACK);
	ttp_advance(2 * tcp_msl_ms + 10);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_fin_and_rst_in_other_states)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *ls, *ns = NULL;
	uint8_t o[4] = {2, 4, 0x05, 0xb4}, b[8];
	uint64_t pcbs = ttp_pcbs();

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcps8");
	ls = ttp_listen(6060, 4);
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	p.lport = 6060;
	p.win = 4096;
	/* SYN_RECEIVED: a reset (exact) removes the embryo quietly */
	ttp_inject(&p, TH_SYN, 10, 0, o, 4, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	ttp_inject(&p, TH_RST, 11, 0, NULL, 0, NULL, 0);
	NT_CHECK_EQ(ls->so_q0len, 0);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 1);
	NT_CHECK(!ttp_recv(&p, &s));
	/* SYN_RECEIVED: the handshake ACK carries data and a FIN */
	ttp_inject(&p, TH_SYN, 10, 0, o, 4, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	p.rcv_nxt = s.seq + 1;
	p.snd_nxt = 11;
	ttp_inject(&p, TH_ACK | TH_FIN, 11, p.rcv_nxt, NULL, 0, "hi", 2);
	p.snd_nxt = 14;
	NT_CHECK(ttp_recv(&p, &s) && s.ack == 14);
	NT_CHECK_EQ(so_accept(ls, &ns, NULL, NULL), 0);
	NT_CHECK(ns != NULL);
	if (ns == NULL)
		goto out;
	so_setnbio(ns, true);
	NT_CHECK_EQ(ttp_state(ns), TCPS_CLOSE_WAIT);
	NT_CHECK_EQ(ttp_app_recv(ns, b, 8), 2);
	NT_CHECK_EQ(ttp_app_recv(ns, b, 8), 0);
	/* CLOSE_WAIT: the peer's FIN again is ACKed again */
	ttp_inject(&p, TH_ACK | TH_FIN, 13, p.rcv_nxt, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_ACK && s.ack == 14);
	NT_CHECK_EQ(ttp_state(ns), TCPS_CLOSE_WAIT);
	so_close(ns);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == (TH_FIN | TH_ACK));
	/* LAST_ACK: the FIN again, ACKed; then the ACK of ours closes */
	ttp_inject(&p, TH_ACK | TH_FIN, 13, p.rcv_nxt, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == 14);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 2);
	p.rcv_nxt++;
	ttp_ack(&p);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 1);
out:
	so_close(ls);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_time_wait_reused_by_new_syn)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *ls, *ns;
	uint64_t pcbs = ttp_pcbs();

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcps9");
	ls = ttp_listen(9090, 4);
	ns = ttp_accept(&p, ifp, ls, 9090, true);
	/* we close first: TIME_WAIT here */
	so_close(ns);
	NT_CHECK(ttp_recv(&p, &s) && (s.flags & TH_FIN) != 0);
	p.rcv_nxt++;
	ttp_inject(&p, TH_ACK | TH_FIN, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL, 0);
	p.snd_nxt++;
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_ACK);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 2);
	/* an old SYN (below rcv_nxt, old timestamp): just an ACK */
	p.tsval -= 100;
	ttp_inject(&p, TH_SYN, p.snd_nxt - 10, 0, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_ACK);
	p.tsval += 200;
	/* the same client port again, a new SYN: a new connection */
	ttp_inject(&p, TH_SYN, p.snd_nxt + 100000, 0, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == (TH_SYN | TH_ACK) &&
	    s.ack == p.snd_nxt + 100001);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 2);
	so_close(ls);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	while (ttp_recv(&p, &s))
		;
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}
