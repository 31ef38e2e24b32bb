/*
 * TCP: losses at the end of a flight. A tail loss probe (RFC 8985
 * section 7) goes two smoothed round trips after the last ACK instead
 * of waiting for the retransmission timeout; with fewer than four
 * segments out and nothing more to send, fast retransmit needs one
 * duplicate ACK less than there are segments out (early retransmit,
 * RFC 5827).
 */
#include "test_tcp.h"

static uint8_t data[8 * 1460];

/*
 * A connection on ifp with one segment sent and acknowledged 20 ms
 * later (the handshake took none: the test's clock stands still), then
 * SRTT 20 ms and RTTVAR 10 ms, and cwnd segments of cwnd. Its MSS in
 * *mss.
 */
static struct socket *
loss_connect(struct ttp *p, struct ifnet *ifp, uint32_t cwnd, uint32_t *mss)
{
	struct ttp_seg s;
	struct socket *so;

	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13);
	so = ttp_connect(p, ifp, false);
	mutex_enter(&net_lock);
	*mss = sototcpcb(so)->t_maxseg;
	mutex_exit(&net_lock);
	NT_CHECK_EQ(ttp_app_send(so, data, *mss), *mss);
	NT_CHECK(ttp_recv(p, &s));
	ttp_advance(20);
	p->rcv_nxt = s.seq + *mss;
	ttp_ack(p);
	mutex_enter(&net_lock);
	sototcpcb(so)->t_srtt_us = 20000;
	sototcpcb(so)->t_rttvar_us = 10000;
	sototcpcb(so)->snd_cwnd = cwnd * *mss;
	mutex_exit(&net_lock);
	return so;
}

NT_CASE(tcp_tail_loss_probe)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s, seg[4];
	struct ifnet *ifp;
	struct socket *so;
	struct tcpstat st0, st1;
	uint32_t mss;
	unsigned n = 0;

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpt0");
	so = loss_connect(&p, ifp, 20, &mss);
	/* four more: the first two arrive, the last two are lost */
	NT_CHECK_EQ(ttp_app_send(so, data, 4 * mss), 4 * mss);
	while (n < 4 && ttp_recv(&p, &seg[n]))
		n++;
	NT_CHECK_EQ(n, 4);
	tcp_getstat(&st0);
	p.rcv_nxt = seg[2].seq;
	ttp_ack(&p);
	NT_CHECK(!ttp_recv(&p, &s));
	/* the probe: the last segment again, after 2 SRTT (the ACK
	 * brought a sample of 0: SRTT 17.5 ms, so 35 ms), long before the
	 * 200 ms retransmission timeout */
	ttp_advance(25);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(25);
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.seq == seg[3].seq && s.dlen == mss);
	NT_CHECK(memcmp(s.data, data + 3 * mss, mss) == 0);
	NT_CHECK(!ttp_recv(&p, &s));
	tcp_getstat(&st1);
	NT_CHECK_EQ(st1.tcps_tlp, st0.tcps_tlp + 1);
	NT_CHECK_EQ(st1.tcps_rexmttimeo, st0.tcps_rexmttimeo);
	/* one probe per flight: then the retransmission timeout */
	ttp_advance(100);
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_advance(200);
	NT_CHECK(ttp_recv(&p, &s) && s.seq == seg[2].seq);
	tcp_getstat(&st1);
	NT_CHECK_EQ(st1.tcps_tlp, st0.tcps_tlp + 1);
	NT_CHECK_EQ(st1.tcps_rexmttimeo, st0.tcps_rexmttimeo + 1);
	while (ttp_recv(&p, &s))
		;
	p.rcv_nxt = seg[3].seq + mss;
	ttp_ack(&p);
	ttp_abort(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

/* A probe that sends new data (the window takes more than cwnd let
 * go) is still the flight's only probe: the timeout comes next. */
NT_CASE(tcp_tail_loss_probe_new_data_then_timeout)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s, seg[2];
	struct ifnet *ifp;
	struct socket *so;
	struct tcpstat st0, st1;
	uint32_t mss;

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpt2");
	so = loss_connect(&p, ifp, 2, &mss);
	/* cwnd lets two of four go; nothing is acknowledged */
	NT_CHECK_EQ(ttp_app_send(so, data, 4 * mss), 4 * mss);
	NT_CHECK(ttp_recv(&p, &seg[0]) && ttp_recv(&p, &seg[1]));
	NT_CHECK(!ttp_recv(&p, &s));
	tcp_getstat(&st0);
	/* the probe after 2 SRTT is the third segment, new data */
	ttp_advance(50);
	NT_CHECK(ttp_recv(&p, &s) && s.seq == seg[1].seq + mss);
	NT_CHECK(!ttp_recv(&p, &s));
	/* then the retransmission timeout (200 ms), not a second probe */
	ttp_advance(250);
	NT_CHECK(ttp_recv(&p, &s) && s.seq == seg[0].seq);
	tcp_getstat(&st1);
	NT_CHECK_EQ(st1.tcps_tlp, st0.tcps_tlp + 1);
	NT_CHECK_EQ(st1.tcps_rexmttimeo, st0.tcps_rexmttimeo + 1);
	ttp_abort(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_early_retransmit)
{
	struct nt_leak lk;
	struct ttp p;
	struct ttp_seg s, seg[3];
	struct ifnet *ifp;
	struct socket *so;
	struct tcpstat st0, st1;
	uint32_t mss;
	unsigned n = 0;

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpt1");
	so = ttp_connect(&p, ifp, false);
	mutex_enter(&net_lock);
	mss = sototcpcb(so)->t_maxseg;
	mutex_exit(&net_lock);
	ttp_ack(&p);		/* the window, scaled (the SYN's was not) */
	/* three segments and nothing more to send; the first is lost */
	NT_CHECK_EQ(ttp_app_send(so, data, 3 * mss), 3 * mss);
	while (n < 3 && ttp_recv(&p, &seg[n]))
		n++;
	NT_CHECK_EQ(n, 3);
	tcp_getstat(&st0);
	p.rcv_nxt = seg[0].seq;
	ttp_ack(&p);		/* segment 1 arrived: a duplicate */
	NT_CHECK(!ttp_recv(&p, &s));
	ttp_ack(&p);		/* segment 2: the second, and the last */
	NT_CHECK(ttp_recv(&p, &s));
	NT_CHECK(s.seq == seg[0].seq && s.dlen == mss);
	tcp_getstat(&st1);
	NT_CHECK_EQ(st1.tcps_fastrexmt, st0.tcps_fastrexmt + 1);
	NT_CHECK_EQ(st1.tcps_rexmttimeo, st0.tcps_rexmttimeo);
	p.rcv_nxt = seg[2].seq + mss;
	ttp_ack(&p);
	ttp_abort(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}
