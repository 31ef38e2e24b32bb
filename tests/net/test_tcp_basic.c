/*
 * TCP: the handshake both ways (options offered and mirrored), data
 * with its ACKs and windows, the close sequences (active, passive,
 * simultaneous; TIME_WAIT and its expiry), resets for closed ports (rate
 * limited) and refused connects, accept and poll on listeners.
 */
#include "test_tcp.h"

NT_CASE(tcp_active_open_data_close)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	struct sockaddr_in_k sin = ttp_sin(NT_PEER_IP, TTP_PORT);
	uint8_t buf[100];
	uint64_t pcbs = ttp_pcbs();

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpa0");
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	p.win = 65535;
	p.ts = true;
	so = ttp_socket();
	so_setnbio(so, true);
	NT_CHECK_EQ(so_connect(so, &sin, sizeof(sin)), EINPROGRESS);
	NT_CHECK_EQ(so_connect(so, &sin, sizeof(sin)), EALREADY);
	NT_CHECK_EQ(so_poll(so, SO_POLLOUT | SO_POLLIN), 0);
	NT_CHECK(ttp_recv(&p, &s));
	/* the SYN: MSS from the MTU, window scale, timestamps, SACK */
	NT_CHECK_EQ(s.flags, TH_SYN);
	NT_CHECK_EQ(s.mss, 1460);
	NT_CHECK_EQ(s.ws, TCP_RCV_WSCALE);
	NT_CHECK(s.has_ts && s.tsecr == 0 && s.sackok);
	NT_CHECK(s.sport >= 49152);
	p.lport = s.sport;
	p.rcv_nxt = s.seq + 1;
	p.snd_nxt = 777;
	{
		uint8_t o[8] = {2, 4, 0x02, 0x00, 1, 3, 3, 2};	/* MSS 512 */

		p.tsval = 50;
		ttp_inject(&p, TH_SYN | TH_ACK, p.snd_nxt, p.rcv_nxt, o, 8,
		    NULL, 0);
	}
	p.snd_nxt++;
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_ACK && s.seq == p.rcv_nxt &&
	    s.ack == p.snd_nxt);
	NT_CHECK(s.has_ts && s.tsecr == 51);
	NT_CHECK_EQ(ttp_state(so), TCPS_ESTABLISHED);
	NT_CHECK_EQ(so_poll(so, SO_POLLOUT | SO_POLLIN), SO_POLLOUT);
	NT_CHECK_EQ(so_connect(so, &sin, sizeof(sin)), EISCONN);
	/* data out: the MSS is the peer's 512 less the timestamps */
	memset(buf, 'a', sizeof(buf));
	NT_CHECK_EQ(ttp_app_send(so, buf, 100), 100);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.dlen == 100 && s.seq == p.rcv_nxt &&
	    (s.flags & TH_PUSH) != 0 && memcmp(s.data, buf, 100) == 0);
	p.rcv_nxt += 100;
	ttp_ack(&p);
	NT_CHECK(!ttp_recv(&p, &s));
	/* data in: delivered, ACKed after the delayed ACK timer */
	ttp_send(&p, "hello", 5);
	NT_CHECK(!ttp_recv(&p, &s));
	NT_CHECK_EQ(ttp_app_recv(so, buf, sizeof(buf)), 5);
	NT_CHECK(memcmp(buf, "hello", 5) == 0);
	NT_CHECK_EQ(ttp_app_recv(so, buf, sizeof(buf)), -EWOULDBLOCK);
	ttp_advance(tcp_delack_ms);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_ACK && s.ack == p.snd_nxt && s.dlen == 0);
	/* close: FIN; the peer ACKs and FINs; TIME_WAIT; expiry */
	NT_CHECK_EQ(so_close(so), 0);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == (TH_FIN | TH_ACK) && s.seq == p.rcv_nxt);
	p.rcv_nxt++;
	ttp_ack(&p);
	ttp_inject(&p, TH_FIN | TH_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL,
	    0);
	p.snd_nxt++;
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_ACK && s.ack == p.snd_nxt);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 1);	/* TIME_WAIT */
	/* a retransmitted FIN is ACKed again */
	ttp_inject(&p, TH_FIN | TH_ACK, p.snd_nxt - 1, p.rcv_nxt, NULL, 0,
	    NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_ACK && s.ack == p.snd_nxt);
	ttp_advance(2 * tcp_msl_ms - 1000);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 1);
	ttp_advance(2000);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	/* now the port is closed: a segment gets a reset */
	ttp_ack(&p);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_RST && s.seq == p.rcv_nxt);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_passive_open_accept)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *ls, *ns = NULL;
	uint8_t o[8] = {2, 4, 0x05, 0xb4, 1, 3, 3, 9};	/* MSS 1460, WS 9 */
	uint64_t pcbs = ttp_pcbs();
	int v = 0;
	unsigned vl = sizeof(v);

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpp0");
	ls = ttp_listen(8080, 5);
	NT_CHECK_EQ(so_getsockopt(ls, SOL_SOCKET_K, SO_ACCEPTCONN_K, &v, &vl),
	    0);
	NT_CHECK_EQ(v, 1);
	NT_CHECK_EQ(so_accept(ls, &ns, NULL, NULL), EWOULDBLOCK);
	NT_CHECK_EQ(so_poll(ls, SO_POLLIN), 0);
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	p.lport = 8080;
	p.win = 1000;
	p.snd_nxt = 4242;
	/* a SYN without timestamps: none in the SYN-ACK either */
	ttp_inject(&p, TH_SYN, p.snd_nxt, 0, o, 8, NULL, 0);
	p.snd_nxt++;
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == (TH_SYN | TH_ACK) && s.ack == p.snd_nxt);
	NT_CHECK(s.mss == 1460 && s.ws == TCP_RCV_WSCALE && !s.has_ts);
	NT_CHECK(!s.sackok);	/* not offered: not taken */
	NT_CHECK(s.win > 0);
	p.rcv_nxt = s.seq + 1;
	NT_CHECK_EQ(so_poll(ls, SO_POLLIN), 0);
	/* the SYN again: the SYN-ACK again */
	ttp_inject(&p, TH_SYN, p.snd_nxt - 1, 0, o, 8, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == (TH_SYN | TH_ACK) && s.seq + 1 == p.rcv_nxt);
	/* an ACK of something else: reset, the embryo stays */
	ttp_inject(&p, TH_ACK, p.snd_nxt, p.rcv_nxt + 5, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_RST && s.seq == p.rcv_nxt + 5);
	ttp_ack(&p);
	NT_CHECK_EQ(so_poll(ls, SO_POLLIN), SO_POLLIN);
	NT_CHECK_EQ(so_accept(ls, &ns, NULL, NULL), 0);
	NT_CHECK(ns != NULL);
	NT_CHECK_EQ(ttp_state(ns), TCPS_ESTABLISHED);
	so_setnbio(ns, true);
	/* the window is scaled by the peer's 9: 1000 << 9 */
	mutex_enter(&net_lock);
	NT_CHECK_EQ(sototcpcb(ns)->snd_wnd, 1000u << 9);
	mutex_exit(&net_lock);
	/* the peer closes first: CLOSE_WAIT, EOF, then our FIN: LAST_ACK */
	ttp_inject(&p, TH_FIN | TH_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0, "bye",
	    3);
	p.snd_nxt += 4;
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_ACK && s.ack == p.snd_nxt);
	NT_CHECK_EQ(ttp_state(ns), TCPS_CLOSE_WAIT);
	{
		uint8_t b[8];

		NT_CHECK_EQ(ttp_app_recv(ns, b, 8), 3);
		NT_CHECK_EQ(ttp_app_recv(ns, b, 8), 0);
	}
	NT_CHECK_EQ(ttp_app_send(ns, "ok", 2), 2);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.dlen == 2 && s.seq == p.rcv_nxt);
	p.rcv_nxt += 2;
	NT_CHECK_EQ(so_shutdown(ns, 1), 0);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == (TH_FIN | TH_ACK) && s.seq == p.rcv_nxt);
	NT_CHECK_EQ(ttp_state(ns), TCPS_LAST_ACK);
	{
		size_t sent;

		NT_CHECK_EQ(so_sendto(ns, "x", 1, 0, NULL, 0, &sent), EPIPE);
	}
	p.rcv_nxt++;
	ttp_ack(&p);
	NT_CHECK_EQ(ttp_state(ns), -1);
	NT_CHECK(so_poll(ns, SO_POLLIN) & SO_POLLHUP);
	NT_CHECK_EQ(so_close(ns), 0);
	NT_CHECK_EQ(so_close(ls), 0);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_refused_and_closed_ports)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	struct sockaddr_in_k sin = ttp_sin(NT_PEER_IP, TTP_PORT);
	int e = 0;
	unsigned el = sizeof(e);

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpr0");
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	so = ttp_socket();
	so_setnbio(so, true);
	NT_CHECK_EQ(so_connect(so, &sin, sizeof(sin)), EINPROGRESS);
	NT_CHECK(ttp_recv(&p, &s));
	p.lport = s.sport;
	/* a reset that does not acknowledge our SYN is ignored */
	ttp_inject(&p, TH_RST | TH_ACK, 0, s.seq + 7, NULL, 0, NULL, 0);
	NT_CHECK(!ttp_recv(&p, &s));
	NT_CHECK_EQ(ttp_state(so), TCPS_SYN_SENT);
	mutex_enter(&net_lock);
	{
		uint32_t iss = sototcpcb(so)->iss;

		mutex_exit(&net_lock);
		ttp_inject(&p, TH_RST | TH_ACK, 0, iss + 1, NULL, 0, NULL, 0);
	}
	NT_CHECK_EQ(ttp_state(so), -1);
	NT_CHECK(so_poll(so, SO_POLLOUT) & SO_POLLOUT);
	NT_CHECK_EQ(so_getsockopt(so, SOL_SOCKET_K, SO_ERROR_K, &e, &el), 0);
	NT_CHECK_EQ(e, ECONNREFUSED);
	NT_CHECK(!ttp_recv(&p, &s));
	so_close(so);
	/* closed port: SYN gets RST|ACK, ACK gets RST, RST gets nothing */
	p.lport = 9;
	ttp_inject(&p, TH_SYN, 100, 0, NULL, 0, "abc", 3);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == (TH_RST | TH_ACK) && s.seq == 0 && s.ack == 104);
	ttp_inject(&p, TH_ACK, 100, 5555, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_RST && s.seq == 5555);
	ttp_inject(&p, TH_RST, 100, 0, NULL, 0, NULL, 0);
	NT_CHECK(!ttp_recv(&p, &s));
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_NOPORT), 3);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

/* A flood of a closed port gets TCP_CLOSED_RST_PER_S resets a second. */
NT_CASE(tcp_closed_port_resets_rate_limited)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct tcpstat st0, st1;
	unsigned rsts = 0, n = TCP_CLOSED_RST_PER_S + 50;

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpr1");
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	p.lport = 9;
	/* at the start of a second of the stack's clock */
	ttp_advance((INET_NS_PER_S - inet_now_ns() % INET_NS_PER_S) /
	    INET_NS_PER_MS + 1);
	tcp_getstat(&st0);
	for (unsigned i = 0; i < n; i++) {
		ttp_inject(&p, TH_SYN, 1000 * i, 0, NULL, 0, NULL, 0);
		while (ttp_recv(&p, &s))
			rsts += (s.flags & TH_RST) != 0;
	}
	tcp_getstat(&st1);
	NT_CHECK_EQ(rsts, TCP_CLOSED_RST_PER_S);
	NT_CHECK_EQ(st1.tcps_rstlimited, st0.tcps_rstlimited + 50);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_NOPORT), n);
	/* a second later they are answered again */
	ttp_advance(1000);
	ttp_inject(&p, TH_SYN, 7, 0, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == (TH_RST | TH_ACK) &&
	    s.ack == 8);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_bind_rules_and_reuseaddr)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *ls, *ns, *a;
	struct sockaddr_in_k sin = ttp_sin(0, 8888);
	struct sockaddr_in_k bad = ttp_sin(INET_ADDR(10, 9, 9, 9), 8889);
	int one = 1;
	uint64_t pcbs = ttp_pcbs();
	unsigned alen = sizeof(sin);

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpp1");
	ls = ttp_listen(8888, 2);
	a = ttp_socket();
	NT_CHECK_EQ(so_bind(a, &sin, sizeof(sin)), EADDRINUSE);
	NT_CHECK_EQ(so_setsockopt(a, SOL_SOCKET_K, SO_REUSEADDR_K, &one,
	    sizeof(one)), 0);
	/* even with SO_REUSEADDR: not two listeners on one port */
	NT_CHECK_EQ(so_bind(a, &sin, sizeof(sin)), EADDRINUSE);
	NT_CHECK_EQ(so_bind(a, &bad, sizeof(bad)), EADDRNOTAVAIL);
	so_close(a);
	ns = ttp_accept(&p, ifp, ls, 8888, true);
	NT_CHECK_EQ(so_getsockname(ns, &sin, &alen), 0);
	NT_CHECK(sin.sin_addr == NT_MY_IP && sin.sin_port == net_htons(8888));
	so_close(ls);
	/* we close first: TIME_WAIT holds the port */
	so_close(ns);
	NT_CHECK(ttp_recv(&p, &s) && (s.flags & TH_FIN) != 0);
	p.rcv_nxt++;
	ttp_inject(&p, TH_ACK | TH_FIN, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_ACK);
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 1);
	sin = ttp_sin(0, 8888);
	a = ttp_socket();
	NT_CHECK_EQ(so_bind(a, &sin, sizeof(sin)), EADDRINUSE);
	NT_CHECK_EQ(so_setsockopt(a, SOL_SOCKET_K, SO_REUSEADDR_K, &one,
	    sizeof(one)), 0);
	NT_CHECK_EQ(so_bind(a, &sin, sizeof(sin)), 0);
	NT_CHECK_EQ(so_listen(a, 1), 0);
	so_close(a);
	ttp_advance(2 * tcp_msl_ms + 10);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_waitall_peek_and_ip_ttl)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	uint8_t b[32], f[NT_FRAME_MAX];
	size_t got;
	int ttl = 9;

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpp2");
	so = ttp_connect(&p, ifp, true);
	/* IP_TTL reaches the wire */
	NT_CHECK_EQ(so_setsockopt(so, IPPROTO_IP_K, IP_TTL_K, &ttl,
	    sizeof(ttl)), 0);
	NT_CHECK_EQ(ttp_app_send(so, "t", 1), 1);
	NT_CHECK(fakeif_take_sent_buf(ifp, f, sizeof(f)) > 34);
	NT_CHECK_EQ(nti_iph(f)->ip_ttl, 9);
	p.rcv_nxt++;
	ttp_ack(&p);
	/* a peek sees across records and takes nothing */
	ttp_send(&p, "abc", 3);
	ttp_send(&p, "def", 3);
	NT_CHECK_EQ(so_recvfrom(so, b, 5, MSG_PEEK_K, NULL, NULL, &got), 0);
	NT_CHECK(got == 5 && memcmp(b, "abcde", 5) == 0);
	/* WAITALL on a non-blocking socket: what there is */
	NT_CHECK_EQ(so_recvfrom(so, b, 10, MSG_WAITALL_K, NULL, NULL, &got),
	    0);
	NT_CHECK(got == 6 && memcmp(b, "abcdef", 6) == 0);
	/* WAITALL stops at EOF with what came, then EOF */
	ttp_send(&p, "gh", 2);
	ttp_inject(&p, TH_ACK | TH_FIN, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL, 0);
	p.snd_nxt++;
	so_setnbio(so, false);
	NT_CHECK_EQ(so_recvfrom(so, b, 10, MSG_WAITALL_K, NULL, NULL, &got),
	    0);
	NT_CHECK(got == 2 && memcmp(b, "gh", 2) == 0);
	NT_CHECK_EQ(so_recvfrom(so, b, 10, MSG_WAITALL_K, NULL, NULL, &got),
	    0);
	NT_CHECK_EQ(got, 0);
	while (ttp_recv(&p, &s))
		;
	ttp_abort(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}
