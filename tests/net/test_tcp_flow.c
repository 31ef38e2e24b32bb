/*
 * TCP: retransmission after loss (RTO, backoff, giving up with
 * ETIMEDOUT), fast retransmit and NewReno recovery on duplicate ACKs,
 * out-of-order segments reassembled, the zero window and its persist
 * probes, the receive window and window updates as the application
 * reads, delayed ACKs and Nagle.
 */
#include "test_tcp.h"

static uint8_t pattern[256 * 1024];

static void
fill_pattern(void)
{
	for (unsigned i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 7 + (i >> 9));
}

NT_CASE(tcp_retransmit_backoff_timeout)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	uint32_t seq;
	uint64_t rto_ms;
	int e = 0;
	unsigned el = sizeof(e);

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpl0");
	so = ttp_connect(&p, ifp, true);
	NT_CHECK_EQ(ttp_app_send(so, "lost", 4), 4);
	NT_CHECK(ttp_recv(&p, &s));
	seq = s.seq;
	mutex_enter(&net_lock);
	rto_ms = tcp_rexmt_ns(sototcpcb(so)) / INET_NS_PER_MS;
	mutex_exit(&net_lock);
	NT_CHECK(rto_ms >= 200 && rto_ms <= 1000);
	ttp_advance(rto_ms - 10);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(20);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.seq == seq && s.dlen == 4 && memcmp(s.data, "lost", 4) == 0);
	/* the second one comes after twice the time */
	ttp_advance(rto_ms + 10);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(rto_ms);
	NT_CHECK(ttp_recv(&p, &s) && s.seq == seq);
	/* it gives up after TCP_MAXRXTSHIFT: a reset and ETIMEDOUT */
	for (int i = 0; i < 20 && ttp_state(so) != -1; i++) {
		ttp_advance(TCP_RTO_MAX_US / 1000);
		while (ttp_recv(&p, &s))
			NT_CHECK(s.seq == seq || s.flags == TH_RST);
	}
	NT_CHECK_EQ(ttp_state(so), -1);
	NT_CHECK_EQ(so_getsockopt(so, SOL_SOCKET_K, SO_ERROR_K, &e, &el), 0);
	NT_CHECK_EQ(e, ETIMEDOUT);
	so_close(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_fast_retransmit_newreno)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s, segs[16];
	struct ifnet *ifp;
	struct socket *so;
	unsigned n = 0, mss;
	struct tcpstat st0, st1;

	nt_leak_start(&lk);
	fill_pattern();
	ifp = ttp_ifcreate("tcpl1");
	so = ttp_connect(&p, ifp, false);
	mutex_enter(&net_lock);
	mss = sototcpcb(so)->t_maxseg;
	mutex_exit(&net_lock);
	NT_CHECK_EQ(mss, 1460);
	tcp_getstat(&st0);
	/* the initial window: 3 segments of 1460 (RFC 5681) */
	NT_CHECK_EQ(ttp_app_send(so, pattern, 10 * mss), 10 * mss);
	while (n < 16 && ttp_recv(&p, &segs[n]))
		n++;
	NT_CHECK_EQ(n, 3);
	/* segment 0 arrives, 1 is lost, 2 arrives: ACK, then a dup ACK */
	p.rcv_nxt = segs[0].seq + mss;
	ttp_ack(&p);
	/* the ACK opened cwnd: more segments (slow start) */
	n = 3;
	while (n < 16 && ttp_recv(&p, &segs[n]))
		n++;
	NT_CHECK(n >= 5);
	/* two duplicates: one new segment each (limited transmit) */
	for (int i = 0; i < 2; i++) {
		ttp_ack(&p);
		NT_CHECK(ttp_recv(&p, &s) && s.seq == segs[n - 1].seq + mss);
		segs[n++] = s;
		NT_CHECK(!ttp_recv(&p, &s));
	}
	ttp_ack(&p);	/* the third duplicate */
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.seq == segs[1].seq && s.dlen == mss);
	NT_CHECK(memcmp(s.data, pattern + mss, mss) == 0);
	NT_CHECK(!ttp_recv(&p, &s));
	tcp_getstat(&st1);
	NT_CHECK_EQ(st1.tcps_fastrexmt, st0.tcps_fastrexmt + 1);
	NT_CHECK_EQ(st1.tcps_rexmttimeo, st0.tcps_rexmttimeo);
	/* a partial ACK (up to segment 3): segment 3 goes at once */
	p.rcv_nxt = segs[3].seq;
	ttp_ack(&p);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.seq == segs[3].seq);
	while (ttp_recv(&p, &s))
		;
	/* everything acknowledged: recovery ends */
	mutex_enter(&net_lock);
	p.rcv_nxt = sototcpcb(so)->snd_max;
	mutex_exit(&net_lock);
	ttp_ack(&p);
	mutex_enter(&net_lock);
	NT_CHECK((sototcpcb(so)->t_flags & TF_INRECOVERY) == 0);
	NT_CHECK(sototcpcb(so)->snd_cwnd <= sototcpcb(so)->snd_ssthresh);
	mutex_exit(&net_lock);
	ttp_abort(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_out_of_order_reassembly)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	uint8_t buf[4000];
	uint32_t base;

	nt_leak_start(&lk);
	fill_pattern();
	ifp = ttp_ifcreate("tcpl2");
	so = ttp_connect(&p, ifp, true);
	fakeif_set_shape(ifp, FAKEIF_EXT_SPLIT);
	base = p.snd_nxt;
	/* pieces 1000-2000, 3000-3500 (with FIN), 1500-2500 (overlap) */
	ttp_inject(&p, TH_ACK, base + 1000, p.rcv_nxt, NULL, 0,
	    pattern + 1000, 1000);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == base && s.dlen == 0);
	/* SACK blocks: the newest first, then the others from the top */
	NT_CHECK(s.nsack == 1 && s.sack[0][0] == base + 1000 &&
	    s.sack[0][1] == base + 2000);
	ttp_inject(&p, TH_ACK | TH_FIN, base + 3000, p.rcv_nxt, NULL, 0,
	    pattern + 3000, 500);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == base);
	NT_CHECK(s.nsack == 2 && s.sack[0][0] == base + 3000 &&
	    s.sack[0][1] == base + 3500 && s.sack[1][0] == base + 1000);
	ttp_inject(&p, TH_ACK, base + 1500, p.rcv_nxt, NULL, 0,
	    pattern + 1500, 1000);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == base);
	NT_CHECK(s.nsack == 2 && s.sack[0][0] == base + 1000 &&
	    s.sack[0][1] == base + 2500 && s.sack[1][0] == base + 3000);
	NT_CHECK_EQ(ttp_app_recv(so, buf, sizeof(buf)), -EWOULDBLOCK);
	/* the queued pieces hold no receive buffer of the "driver" */
	NT_CHECK_EQ(fakeif_ext_outstanding(), 0);
	/* the first piece: everything up to 2500 at once */
	ttp_inject(&p, TH_ACK, base, p.rcv_nxt, NULL, 0, pattern, 1000);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == base + 2500);
	/* the hole 2500-3000, overlapping what is there: FIN too */
	ttp_inject(&p, TH_ACK, base + 2400, p.rcv_nxt, NULL, 0,
	    pattern + 2400, 700);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == base + 3501);
	NT_CHECK_EQ(ttp_app_recv(so, buf, sizeof(buf)), 3500);
	NT_CHECK(memcmp(buf, pattern, 3500) == 0);
	NT_CHECK_EQ(ttp_app_recv(so, buf, sizeof(buf)), 0);
	NT_CHECK_EQ(ttp_state(so), TCPS_CLOSE_WAIT);
	so_close(so);
	NT_CHECK(ttp_recv(&p, &s) && (s.flags & TH_FIN) != 0);
	p.snd_nxt = base + 3501;
	p.rcv_nxt = s.seq + 1;
	ttp_ack(&p);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_zero_window_persist)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	uint64_t probes0;
	struct tcpstat st;

	nt_leak_start(&lk);
	fill_pattern();
	ifp = ttp_ifcreate("tcpl3");
	so = ttp_connect(&p, ifp, true);
	p.win = 0;
	ttp_ack(&p);
	tcp_getstat(&st);
	probes0 = st.tcps_persisttimeo;
	NT_CHECK_EQ(ttp_app_send(so, pattern, 3000), 3000);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(600);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.dlen == 1 && s.seq == p.rcv_nxt && s.data[0] == pattern[0]);
	/* the probe refused: the next one later, with backoff */
	ttp_ack(&p);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(1100);
	NT_CHECK(ttp_recv(&p, &s) && s.dlen == 1 && s.seq == p.rcv_nxt);
	ttp_ack(&p);
	tcp_getstat(&st);
	NT_CHECK_EQ(st.tcps_persisttimeo, probes0 + 2);
	NT_CHECK_EQ(ttp_state(so), TCPS_ESTABLISHED);
	/* the window opens (scaled by 7: 1920 bytes): the data flows */
	p.win = 15;
	ttp_ack(&p);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.seq == p.rcv_nxt && s.dlen == 1448);
	NT_CHECK(memcmp(s.data, pattern, 1448) == 0);
	NT_CHECK(!ttp_recv(&p, &s));	/* 472 left in the window: Nagle */
	p.rcv_nxt += 1448;
	p.win = 80;
	ttp_ack(&p);
	NT_CHECK(ttp_recv(&p, &s) && s.dlen == 1448);
	NT_CHECK(!ttp_recv(&p, &s));	/* 104 left: Nagle again */
	p.rcv_nxt += 1448;
	ttp_ack(&p);
	NT_CHECK(ttp_recv(&p, &s) && s.dlen == 104);
	p.rcv_nxt += 104;
	ttp_ack(&p);
	so_close(so);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == (TH_FIN | TH_ACK));
	p.rcv_nxt++;
	ttp_inject(&p, TH_ACK | TH_FIN, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL, 0);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_ACK);
	ttp_advance(2 * tcp_msl_ms + 1000);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_receive_window_updates)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	static uint8_t buf[SB_DEFAULT_HIWAT + 4464];
	unsigned sent = 0, wnd;

	nt_leak_start(&lk);
	fill_pattern();
	ifp = ttp_ifcreate("tcpl4");
	so = ttp_connect(&p, ifp, true);
	/* the peer fills our receive buffer; the window closes */
	while (sent < SB_DEFAULT_HIWAT) {
		unsigned n = SB_DEFAULT_HIWAT - sent < 1448 ?
		    SB_DEFAULT_HIWAT - sent : 1448;

		ttp_send(&p, pattern + sent, n);
		sent += n;
	}
	wnd = 1;
	ttp_advance(tcp_delack_ms);
	while (ttp_recv(&p, &s))
		wnd = (unsigned)s.win << TCP_RCV_WSCALE;
	NT_CHECK_EQ(wnd, 0);
	/* beyond the window: trimmed off, counted nothing else, ACKed */
	ttp_send(&p, "zzzz", 4);
	p.snd_nxt -= 4;
	NT_CHECK(ttp_recv(&p, &s) && s.ack == p.snd_nxt && s.win == 0);
	/* a zero-window probe is answered; the ACK it carries counts */
	NT_CHECK_EQ(ttp_app_send(so, "out", 3), 3);
	NT_CHECK(ttp_recv(&p, &s) && s.dlen == 3);
	p.rcv_nxt += 3;
	ttp_inject(&p, TH_ACK, p.snd_nxt, p.rcv_nxt, NULL, 0, "q", 1);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == p.snd_nxt && s.win == 0);
	mutex_enter(&net_lock);
	NT_CHECK_EQ(sototcpcb(so)->snd_una, p.rcv_nxt);
	mutex_exit(&net_lock);
	/* the application reads a little: no update yet (SWS) */
	NT_CHECK_EQ(ttp_app_recv(so, buf, 100), 100);
	NT_CHECK(!ttp_recv(&p, &s));
	/* it reads a lot: a window update */
	NT_CHECK_EQ(ttp_app_recv(so, buf + 100, 30000), 30000);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.flags == TH_ACK && s.dlen == 0);
	NT_CHECK(((unsigned)s.win << TCP_RCV_WSCALE) >= 30000);
	NT_CHECK_EQ(ttp_app_recv(so, buf + 30100, sizeof(buf) - 30100),
	    SB_DEFAULT_HIWAT - 30100);
	NT_CHECK(memcmp(buf, pattern, SB_DEFAULT_HIWAT) == 0);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_ACK);	/* update */
	so_close(so);
	NT_CHECK(ttp_recv(&p, &s) && (s.flags & TH_FIN) != 0);
	ttp_inject(&p, TH_RST, p.snd_nxt, 0, NULL, 0, NULL, 0);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_delayed_ack_and_nagle)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s;
	struct ifnet *ifp;
	struct socket *so;
	uint8_t buf[4096];
	int one = 1;

	nt_leak_start(&lk);
	fill_pattern();
	ifp = ttp_ifcreate("tcpl5");
	so = ttp_connect(&p, ifp, true);
	/* two full segments: an ACK at once; one: after the timer */
	ttp_send(&p, pattern, 1448);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_send(&p, pattern, 1448);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == p.snd_nxt);
	ttp_send(&p, pattern, 10);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(tcp_delack_ms - 1);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(2);
	NT_CHECK(ttp_recv(&p, &s) && s.ack == p.snd_nxt);
	NT_CHECK_EQ(ttp_app_recv(so, buf, sizeof(buf)), 1448 * 2 + 10);
	/* the peer still had most of the window: no update of its own
	 * (it goes when the window the peer has left at least doubles,
	 * tcp_receive_window_updates) */
	NT_CHECK(!ttp_recv(&p, &s));
	/* Nagle: a small write waits while data is unacknowledged */
	NT_CHECK_EQ(ttp_app_send(so, "a", 1), 1);
	NT_CHECK(ttp_recv(&p, &s) && s.dlen == 1);
	NT_CHECK_EQ(ttp_app_send(so, "b", 1), 1);
	NT_CHECK_EQ(ttp_app_send(so, "c", 1), 1);
	NT_CHECK(!ttp_recv(&p, &s));
	p.rcv_nxt++;
	ttp_ack(&p);
	NT_CHECK(ttp_recv(&p, &s) && s.dlen == 2);
	NT_CHECK(memcmp(s.data, "bc", 2) == 0);
	/* TCP_NODELAY: no waiting */
	NT_CHECK_EQ(so_setsockopt(so, IPPROTO_TCP_K, TCP_NODELAY_K, &one,
	    sizeof(one)), 0);
	NT_CHECK_EQ(ttp_app_send(so, "d", 1), 1);
	NT_CHECK(ttp_recv(&p, &s) && s.dlen == 1 && s.data[0] == 'd');
	p.rcv_nxt += 3;
	ttp_ack(&p);
	so_close(so);
	NT_CHECK(ttp_recv(&p, &s) && (s.flags & TH_FIN) != 0);
	p.rcv_nxt++;
	ttp_ack(&p);
	ttp_inject(&p, TH_ACK | TH_FIN, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL, 0);
	ttp_advance(2 * tcp_msl_ms + 1000);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

/* A duplicate ACK from the peer with SACK blocks [b][0], [b][1]. */
static void
dupack_sack(struct ttp *p, const uint32_t (*b)[2], unsigned n)
{
	uint8_t o[36] = {1, 1, 5, (uint8_t)(2 + 8 * n)};

	for (unsigned i = 0; i < n; i++) {
		ttp_put32(o + 4 + 8 * i, b[i][0]);
		ttp_put32(o + 8 + 8 * i, b[i][1]);
	}
	ttp_inject(p, TH_ACK, p->snd_nxt, p->rcv_nxt, o, 4 + 8 * n, NULL, 0);
}

NT_CASE(tcp_sack_recovery_fills_holes)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s, seg[10];
	struct ifnet *ifp;
	struct socket *so;
	struct tcpstat st0, st1;
	uint32_t b[2][2], mss;
	unsigned n = 0;

	nt_leak_start(&lk);
	fill_pattern();
	ifp = ttp_ifcreate("tcpl6");
	so = ttp_connect(&p, ifp, false);
	mutex_enter(&net_lock);
	NT_CHECK((sototcpcb(so)->t_flags & TF_SACK_PERMIT) != 0);
	mss = sototcpcb(so)->t_maxseg;
	sototcpcb(so)->snd_cwnd = 20 * mss;	/* all ten at once */
	mutex_exit(&net_lock);
	NT_CHECK_EQ(ttp_app_send(so, pattern, 10 * mss), 10 * mss);
	while (n < 10 && ttp_recv(&p, &seg[n]))
		n++;
	NT_CHECK_EQ(n, 10);
	tcp_getstat(&st0);
	/* segments 1 and 4 lost: ACK of 0, then SACKs of 2-3 and 5-9 */
	p.rcv_nxt = seg[1].seq;
	ttp_ack(&p);
	b[0][0] = seg[2].seq, b[0][1] = seg[4].seq;
	b[1][0] = seg[5].seq, b[1][1] = seg[9].seq + mss;
	dupack_sack(&p, b, 1);
	dupack_sack(&p, b, 2);
	NT_CHECK(!ttp_recv(&p, &s));
	dupack_sack(&p, b, 2);		/* the third: segment 1 again */
	NT_CHECK(ttp_recv(&p, &s) && s.seq == seg[1].seq && s.dlen == mss);
	NT_CHECK(!ttp_recv(&p, &s));
	dupack_sack(&p, b, 2);		/* the next: the hole at 4 */
	NT_CHECK(ttp_recv(&p, &s) && s.seq == seg[4].seq && s.dlen == mss);
	NT_CHECK(memcmp(s.data, pattern + 4 * mss, mss) == 0);
	dupack_sack(&p, b, 2);		/* no hole left: nothing */
	NT_CHECK(!ttp_recv(&p, &s));
	p.rcv_nxt = seg[9].seq + mss;
	ttp_ack(&p);
	tcp_getstat(&st1);
	NT_CHECK_EQ(st1.tcps_sndrexmitpack - st0.tcps_sndrexmitpack, 2);
	NT_CHECK_EQ(st1.tcps_rexmttimeo, st0.tcps_rexmttimeo);
	mutex_enter(&net_lock);
	NT_CHECK((sototcpcb(so)->t_flags & TF_INRECOVERY) == 0);
	NT_CHECK_EQ(sototcpcb(so)->t_nsack, 0);
	mutex_exit(&net_lock);
	ttp_abort(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}
