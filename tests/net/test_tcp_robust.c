/*
 * TCP against bad and hostile input: malformed options and headers,
 * bad checksums and flag combinations, a fuzz loop of mutated segments
 * (nothing crashes, every mbuf comes back), a SYN flood from random
 * sources (bounded memory while an established connection keeps
 * moving data), and bulk transfers of several megabytes both ways with
 * losses, checked byte for byte.
 */
#include "test_tcp.h"

static uint8_t bulk[3 * 1024 * 1024];
static uint8_t have[sizeof(bulk)];
static uint8_t rbuf[sizeof(bulk)];

static void
fill_bulk(void)
{
	uint64_t r = 99;

	for (unsigned i = 0; i < sizeof(bulk); i += 8) {
		uint64_t v = nt_rand(&r);

		memcpy(bulk + i, &v, 8);
	}
}

/* A SYN to port 7 with options o/olen; counts what came back. */
static unsigned
syn_with_options(struct ttp *p, const uint8_t *o, unsigned olen)
{
	struct ttp_seg s;
	unsigned n = 0;

	p->pport++;
	ttp_inject(p, TH_SYN, 1000, 0, o, olen, NULL, 0);
	while (ttp_recv(p, &s))
		n += s.flags == (TH_SYN | TH_ACK);
	return n;
}

NT_CASE(tcp_options_and_header_checks)
{
	/* each malformed: length 0, length 1 at the end, past the header,
	 * MSS of length 3, timestamps of length 9, WS of length 4 */
	static const uint8_t bad[][8] = {
		{2, 0, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1, 8},
		{1, 1, 1, 1, 8, 10, 0, 0}, {2, 3, 5, 1, 1, 1, 1, 1},
		{8, 9, 0, 0, 0, 0, 0, 0}, {3, 4, 1, 1, 1, 1, 1, 1},
	};
	/* accepted: EOL then junk, unknown kind, WS 20 (taken as 14),
	 * MSS 0 (taken as the minimum), SACK blocks */
	static const uint8_t good[][8] = {
		{1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
		{99, 4, 0, 0, 1, 1, 1, 1}, {3, 3, 20, 1, 1, 1, 1, 1},
		{2, 4, 0, 0, 1, 1, 1, 1}, {5, 2, 1, 1, 1, 1, 1, 1},
	};
	struct nt_leak lk;
	struct ifnet *ifp;
	struct socket *ls;
	struct ttp p;
	uint8_t f[NT_FRAME_MAX];
	unsigned n, got = 0;

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpf0");
	ls = ttp_listen(7, 64);
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = 30000;
	p.lport = 7;
	p.win = 1000;
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		got += syn_with_options(&p, bad[i], 8);
	NT_CHECK_EQ(got, 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_BADOPT), 6);
	for (unsigned i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		got += syn_with_options(&p, good[i], 8);
	NT_CHECK_EQ(got, 5);
	/* bad checksum, SYN+FIN, SYN+RST, no flags, short header, bad
	 * data offset, to a broadcast address */
	n = ttp_build(f, NT_PEER_IP, 1, NT_MY_IP, 7, TH_SYN, 1, 0, 100, NULL,
	    0, "x", 1);
	f[n - 1] ^= 0x55;
	fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_BADSUM), 1);
	/* a device that verified it (or virtio's host-made partial sum):
	 * not checked again; one that found it bad: dropped */
	{
		uint64_t rnd = 1;
		struct mbuf *m = fakeif_build(f, n, FAKEIF_FLAT, &rnd);
		struct ttp_seg s;

		m->m_pkthdr.csum_flags = M_CSUM_PARTIAL;
		ether_input(ifp, m);
		NT_CHECK(ttp_take(ifp, &s) && s.flags == (TH_SYN | TH_ACK));
		n = ttp_build(f, NT_PEER_IP, 2, NT_MY_IP, 7, TH_SYN, 1, 0,
		    100, NULL, 0, NULL, 0);
		m = fakeif_build(f, n, FAKEIF_FLAT, &rnd);
		m->m_pkthdr.csum_flags = M_CSUM_BAD;
		ether_input(ifp, m);
		NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_BADSUM), 2);
	}
	n = ttp_build(f, NT_PEER_IP, 1, NT_MY_IP, 7, TH_SYN | TH_FIN, 1, 0,
	    100, NULL, 0, NULL, 0);
	fakeif_inject(ifp, f, n);
	n = ttp_build(f, NT_PEER_IP, 1, NT_MY_IP, 7, TH_SYN | TH_RST, 1, 0,
	    100, NULL, 0, NULL, 0);
	fakeif_inject(ifp, f, n);
	n = ttp_build(f, NT_PEER_IP, 1, NT_MY_IP, 7, 0, 1, 0, 100, NULL, 0,
	    NULL, 0);
	fakeif_inject(ifp, f, n);
	n = ttp_build(f, NT_PEER_IP, 1, NT_MY_IP, 7, TH_FIN | TH_PUSH |
	    TH_URG, 1, 0, 100, NULL, 0, NULL, 0);
	fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_BADFLAGS), 4);
	{
		struct nti_ip ip = {.src = NT_PEER_IP, .dst = NT_MY_IP,
		    .proto = IPPROTO_TCP};
		uint8_t seg[20];

		memset(seg, 0, sizeof(seg));
		n = nti_ipv4(f, nt_my_mac, &ip, seg, 19);
		fakeif_inject(ifp, f, n);
		/* offset 4 words, and offset 15 words in a 20-byte one */
		n = ttp_build(f, NT_PEER_IP, 1, NT_MY_IP, 7, TH_SYN, 1, 0,
		    100, NULL, 0, NULL, 0);
		f[14 + 20 + 12] = 4 << 4;
		fakeif_inject(ifp, f, n);
		f[14 + 20 + 12] = 15 << 4;
		fakeif_inject(ifp, f, n);
		n = ttp_build(f, NT_PEER_IP, 1, INET_ADDR(10, 0, 0, 255), 7,
		    TH_SYN, 1, 0, 100, NULL, 0, NULL, 0);
		fakeif_inject(ifp, f, n);
	}
	NT_CHECK_EQ(if_stat_get(ifp, IFS_TCP_BADHDR), 4);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	so_close(ls);
	while (ttp_take(ifp, &(struct ttp_seg){0}))
		;
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

/* One mutated segment: template t (a TCP segment, n bytes) with a few
 * random changes; the checksum is right three times out of four. */
static void
fuzz_one(struct ifnet *ifp, const uint8_t *t, unsigned n, uint64_t *r)
{
	static uint8_t seg[2048], f[NT_FRAME_MAX];
	struct nti_ip ip = {.src = NT_PEER_IP, .dst = NT_MY_IP,
	    .proto = IPPROTO_TCP};
	unsigned len = n, changes = 1 + nt_randn(r, 6);
	uint16_t c;

	memcpy(seg, t, n);
	if (nt_randn(r, 4) == 0)
		len = nt_randn(r, n + 1);
	else if (nt_randn(r, 8) == 0)
		len = n + nt_randn(r, 64);
	for (unsigned i = 0; i < changes && len > 0; i++) {
		unsigned at = nt_randn(r, 4) != 0 && len > 40 ?
		    nt_randn(r, 40) : nt_randn(r, len);

		seg[at] = (uint8_t)nt_rand(r);
	}
	if (nt_randn(r, 4) != 0 && len >= 18) {
		seg[16] = seg[17] = 0;
		c = ttp_sum(ip.src, ip.dst, seg, len);
		memcpy(seg + 16, &c, 2);
	}
	n = nti_ipv4(f, nt_my_mac, &ip, seg, len);
	fakeif_inject(ifp, f, n);
}

NT_CASE(tcp_fuzz_mutated_segments)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct socket *ls, *so, *cs;
	struct ttp p, q;
	struct ttp_seg s;
	uint8_t t[4][200], f[NT_FRAME_MAX], o[20] = {2, 4, 5, 0xb4, 1, 3, 3, 7,
	    1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0};
	unsigned tl[4];
	uint64_t r = 4242, pcbs = ttp_pcbs();

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpf1");
	fakeif_set_shape(ifp, FAKEIF_RANDOM);
	ls = ttp_listen(80, 8);
	so = ttp_accept(&p, ifp, ls, 80, true);
	cs = ttp_connect(&q, ifp, true);
	/* templates: data to each connection, SYN to the listener, FIN */
	tl[0] = ttp_build(f, NT_PEER_IP, p.pport, NT_MY_IP, 80, TH_ACK |
	    TH_PUSH, p.snd_nxt, p.rcv_nxt, 100, o + 8, 12, "payload", 7) - 34;
	memcpy(t[0], f + 34, tl[0]);
	tl[1] = ttp_build(f, NT_PEER_IP, q.pport, NT_MY_IP, q.lport, TH_ACK,
	    q.snd_nxt, q.rcv_nxt, 100, NULL, 0, "data", 4) - 34;
	memcpy(t[1], f + 34, tl[1]);
	tl[2] = ttp_build(f, NT_PEER_IP, 5555, NT_MY_IP, 80, TH_SYN, 77, 0,
	    100, o, 20, NULL, 0) - 34;
	memcpy(t[2], f + 34, tl[2]);
	tl[3] = ttp_build(f, NT_PEER_IP, p.pport, NT_MY_IP, 80, TH_ACK | TH_FIN,
	    p.snd_nxt, p.rcv_nxt, 100, NULL, 0, NULL, 0) - 34;
	memcpy(t[3], f + 34, tl[3]);
	for (int i = 0; i < 20000; i++) {
		unsigned k = nt_randn(&r, 4);
		uint8_t b[4096];

		fuzz_one(ifp, t[k], tl[k], &r);
		if (i % 64 == 0) {
			fakeif_drop_sent(ifp);
			while (ttp_app_recv(so, b, sizeof(b)) > 0)
				;
			while (ttp_app_recv(cs, b, sizeof(b)) > 0)
				;
			(void)ttp_app_send(cs, "out", 3);
		}
		if (i % 1000 == 0)
			ttp_advance(500);
	}
	so_close(ls);
	ttp_abort(so);
	ttp_abort(cs);
	for (int i = 0; i < 40 && ttp_pcbs() != pcbs; i++)
		ttp_advance(60000);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	while (ttp_take(ifp, &s))
		;
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_syn_flood_bounded)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct socket *ls, *so;
	struct ttp p;
	struct ttp_seg s;
	uint8_t f[NT_FRAME_MAX], b[2048];
	uint64_t r = 777, pcbs = ttp_pcbs();
	unsigned moved = 0;
	struct mbuf_stats ms0, ms1;

	nt_leak_start(&lk);
	fill_bulk();
	ifp = ttp_ifcreate("tcpf2");
	ls = ttp_listen(443, 16);
	so = ttp_accept(&p, ifp, ls, 443, true);
	mbuf_get_stats(&ms0);
	for (int i = 0; i < 5000; i++) {
		/* half from unknown hosts off the link, half from the peer's
		 * address with random ports */
		in_addr_t src = i % 2 ? NT_PEER_IP :
		    INET_ADDR(192, 168, nt_randn(&r, 256),
		    1 + nt_randn(&r, 250));
		unsigned n = ttp_build(f, src, (uint16_t)(1024 +
		    nt_randn(&r, 60000)), NT_MY_IP, 443, TH_SYN,
		    (uint32_t)nt_rand(&r), 0, 1000, NULL, 0, NULL, 0);

		fakeif_inject(ifp, f, n);
		if (i % 100 == 0) {
			/* the established connection keeps moving data */
			ttp_send(&p, bulk + moved, 1000);
			NT_CHECK_EQ(ttp_app_recv(so, b, sizeof(b)), 1000);
			NT_CHECK(memcmp(b, bulk + moved, 1000) == 0);
			moved += 1000;
			NT_CHECK_EQ(ttp_app_send(so, "pong", 4), 4);
			while (ttp_take(ifp, &s)) {
				if (s.dport == p.pport && s.dlen == 4)
					p.rcv_nxt = s.seq + 4;
			}
			ttp_ack(&p);
			NT_CHECK(ls->so_q0len <= so_q0limit(ls));
			NT_CHECK(ttp_pcbs() <= pcbs + 2 + so_q0limit(ls));
		}
	}
	NT_CHECK_EQ(moved, 50000);
	NT_CHECK(if_stat_get(ifp, IFS_TCP_SYNDROP) >= 5000 - so_q0limit(ls));
	mbuf_get_stats(&ms1);
	NT_CHECK(ms1.ms_mbufs <= ms0.ms_mbufs + 64);
	NT_CHECK_EQ(ttp_state(so), TCPS_ESTABLISHED);
	so_close(ls);
	ttp_abort(so);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	while (ttp_take(ifp, &s))
		;
	ttp_advance(ARP_RETRY_MS * (ARP_MAXTRIES + 1));
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

/* The peer takes what we sent, checks it against bulk, loses about one
 * segment in 97 and ACKs (cumulatively, every second segment). */
static unsigned
bulk_peer_take(struct ttp *p, uint32_t base, unsigned *acked, uint64_t *r)
{
	struct ttp_seg s;
	unsigned n = 0, off;

	while (ttp_recv(p, &s)) {
		if (s.dlen == 0)
			continue;
		off = s.seq - base;
		NT_CHECK(off + s.dlen <= sizeof(bulk));
		if (off + s.dlen > sizeof(bulk))
			continue;
		NT_CHECK(memcmp(s.data, bulk + off, s.dlen) == 0);
		if (nt_randn(r, 97) == 0)
			continue;	/* lost */
		memset(have + off, 1, s.dlen);
		while (*acked < sizeof(bulk) && have[*acked])
			(*acked)++;
		p->rcv_nxt = base + *acked;
		if (++n % 2 == 0)
			ttp_ack(p);
	}
	if (n % 2 != 0 || n == 0)
		ttp_ack(p);
	return n;
}

NT_CASE(tcp_bulk_send_with_loss)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct socket *so;
	struct ttp p;
	unsigned queued = 0, acked = 0;
	uint64_t r = 31337;
	uint32_t base;
	int idle = 0;
	struct tcpstat st0, st1;

	tcp_getstat(&st0);
	nt_leak_start(&lk);
	fill_bulk();
	memset(have, 0, sizeof(have));
	ifp = ttp_ifcreate("tcpf3");
	so = ttp_connect(&p, ifp, true);
	base = p.rcv_nxt;
	for (int it = 0; it < 200000 && acked < sizeof(bulk); it++) {
		if (queued < sizeof(bulk))
			queued += ttp_app_send(so, bulk + queued,
			    sizeof(bulk) - queued);
		if (bulk_peer_take(&p, base, &acked, &r) == 0) {
			/* nothing came: let the timers run */
			ttp_advance(++idle > 3 ? 1000 : 250);
		} else {
			idle = 0;
		}
	}
	NT_CHECK_EQ(acked, sizeof(bulk));
	NT_CHECK_EQ(queued, sizeof(bulk));
	tcp_getstat(&st1);
	NT_CHECK(st1.tcps_fastrexmt > st0.tcps_fastrexmt);
	NT_CHECK(st1.tcps_sndrexmitpack > st0.tcps_sndrexmitpack);
	NT_CHECK(st1.tcps_sndbyte - st0.tcps_sndbyte == sizeof(bulk));
	ttp_abort(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_bulk_receive_reordered)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct socket *so;
	struct ttp p;
	struct ttp_seg s;
	uint32_t base, acked, wnd_end;
	unsigned got = 0;
	uint64_t r = 2718;
	long n;
	struct tcpstat st0, st1;

	tcp_getstat(&st0);
	nt_leak_start(&lk);
	fill_bulk();
	ifp = ttp_ifcreate("tcpf4");
	so = ttp_connect(&p, ifp, true);
	base = p.snd_nxt;
	acked = base;
	wnd_end = base + 65535;
	for (int it = 0; it < 100000 && got < sizeof(bulk); it++) {
		uint32_t start = p.snd_nxt;

		/* a window of segments; one in 50 lost, one in 50 late */
		while (SEQ_LT(p.snd_nxt, wnd_end) &&
		    p.snd_nxt - base < sizeof(bulk)) {
			unsigned len = wnd_end - p.snd_nxt < 1448 ?
			    wnd_end - p.snd_nxt : 1448;
			unsigned k = nt_randn(&r, 50);

			if (p.snd_nxt - base + len > sizeof(bulk))
				len = sizeof(bulk) - (p.snd_nxt - base);
			if (k == 1 && SEQ_GT(p.snd_nxt, start)) {
				/* late: a piece of what was sent before */
				ttp_inject(&p, TH_ACK, start, p.rcv_nxt, NULL,
				    0, bulk + (start - base), 700);
			}
			if (k != 0)
				ttp_send(&p, bulk + (p.snd_nxt - base), len);
			else
				p.snd_nxt += len;
		}
		n = ttp_app_recv(so, rbuf + got, sizeof(rbuf) - got);
		if (n > 0)
			got += (unsigned)n;
		ttp_advance(tcp_delack_ms);
		while (ttp_recv(&p, &s)) {
			if (SEQ_GT(s.ack, acked) || s.ack == acked) {
				acked = s.ack;
				wnd_end = s.ack + ((uint32_t)s.win <<
				    TCP_RCV_WSCALE);
			}
		}
		/* go back to what was acknowledged (the lost pieces) */
		if (SEQ_LT(acked, p.snd_nxt))
			p.snd_nxt = acked;
	}
	NT_CHECK_EQ(got, sizeof(bulk));
	NT_CHECK(memcmp(rbuf, bulk, sizeof(bulk)) == 0);
	tcp_getstat(&st1);
	NT_CHECK(st1.tcps_rcvoopack > st0.tcps_rcvoopack);
	NT_CHECK(st1.tcps_rcvduppack > st0.tcps_rcvduppack);
	ttp_abort(so);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}
