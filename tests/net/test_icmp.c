/*
 * ICMP (sys/netinet/icmp.c): echo replies (content, checksums, every
 * input mbuf shape), broadcast pings ignored, malformed messages,
 * delivery to ping inpcbs, echo requests we send, the error rate limit
 * and the cases where no error may be sent.
 */
#include <errno.h>
#include <string.h>

#include "inet_nt.h"

static struct nti_rx ping;

NT_CASE(icmp_echo_reply_content)
{
	static const enum fakeif_shape shapes[] = {FAKEIF_FLAT, FAKEIF_SPLIT,
	    FAKEIF_EXT, FAKEIF_EXT_SPLIT, FAKEIF_RANDOM};
	uint8_t f[NT_FRAME_MAX], r[NT_FRAME_MAX], data[1400];
	const struct ip_hdr *ip = nti_iph(r);
	struct nt_leak lk;
	struct ifnet *ifp;
	unsigned n, dlen;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("icmp0");
	nti_learn_peer(ifp);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	for (unsigned s = 0; s < 5; s++) {
		for (dlen = 0; dlen < sizeof(data); dlen += 97 + s) {
			n = nti_icmp(f, nt_my_mac, NT_PEER_IP, NT_MY_IP,
			    ICMP_ECHO, 0x1234, (uint16_t)dlen, data, dlen);
			fakeif_inject_shaped(ifp, f, n, shapes[s]);
			NT_CHECK_EQ(fakeif_take_sent_buf(ifp, r, sizeof(r)), n);
			NT_CHECK(memcmp(r, nt_peer_mac, 6) == 0);
			NT_CHECK(ip->ip_src == NT_MY_IP &&
			    ip->ip_dst == NT_PEER_IP && ip->ip_p == IPPROTO_ICMP);
			NT_CHECK_EQ(in_cksum_buf(ip, 20), 0);
			NT_CHECK(r[34] == ICMP_ECHOREPLY && r[35] == 0);
			NT_CHECK_EQ(in_cksum_buf(r + 34, n - 34), 0);
			/* identifier, sequence and data unchanged */
			NT_CHECK(memcmp(r + 38, f + 38, n - 38) == 0);
		}
	}
	NT_CHECK_EQ(if_stat_get(ifp, IFS_ICMP_BAD), 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(icmp_ignored_and_bad)
{
	uint8_t f[NT_FRAME_MAX];
	struct nt_leak lk;
	struct ifnet *ifp;
	unsigned n;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("icmp1");
	nti_learn_peer(ifp);
	n = nti_icmp(f, etherbroadcastaddr, NT_PEER_IP, INADDR_BROADCAST_N,
	    ICMP_ECHO, 1, 1, "ping", 4);
	fakeif_inject(ifp, f, n);
	n = nti_icmp(f, etherbroadcastaddr, NT_PEER_IP,
	    INET_ADDR(10, 0, 0, 255), ICMP_ECHO, 1, 1, "ping", 4);
	fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IP_NOTOURS), 2);
	n = nti_icmp(f, nt_my_mac, NT_PEER_IP, NT_MY_IP, ICMP_ECHO, 1, 1,
	    "ping", 4);
	f[n - 1] ^= 0x40;
	fakeif_inject(ifp, f, n);		/* bad sum */
	f[n - 1] ^= 0x40;
	f[16] = 0, f[17] = 20 + 7;		/* 7 bytes: too short */
	{
		uint16_t s = 0;

		memcpy(f + 24, &s, 2);
		s = in_cksum_buf(f + 14, 20);
		memcpy(f + 24, &s, 2);
	}
	fakeif_inject(ifp, f, 14 + 27);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_ICMP_BAD), 2);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	/* Unknown types and replies nobody waits for: counted. */
	n = nti_icmp(f, nt_my_mac, NT_PEER_IP, NT_MY_IP, 13, 1, 1, "ts", 2);
	fakeif_inject(ifp, f, n);
	n = nti_icmp(f, nt_my_mac, NT_PEER_IP, NT_MY_IP, ICMP_ECHOREPLY, 4321,
	    1, "r", 1);
	fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_NOPROTO), 2);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(icmp_ping_socket_roundtrip)
{
	uint8_t f[NT_FRAME_MAX], q[NT_FRAME_MAX];
	const struct ip_hdr *ip = nti_iph(f);
	struct icmp_hdr ic = {.icmp_type = ICMP_ECHO, .icmp_seq = 0x0100};
	struct nt_leak lk;
	struct ifnet *ifp;
	struct mbuf *m;
	uint16_t id;
	size_t n;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("icmp2");
	nti_learn_peer(ifp);
	memset(&ping, 0, sizeof(ping));
	mutex_enter(&net_lock);
	inpcb_init(&ping.r_inp, IPPROTO_ICMP, nti_rx_input, &ping);
	m = inet_getpkt(8 + 16, INET_HEADROOM);
	memcpy(mtod(m, void *), &ic, 8);
	memset(mtod(m, uint8_t *) + 8, 0xab, 16);
	NT_CHECK_EQ(icmp_echo_send(&ping.r_inp, m, NT_PEER_IP), 0);
	mutex_exit(&net_lock);
	id = ping.r_inp.inp_lport;
	NT_CHECK(id != 0);
	n = fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK_EQ(n, 14 + 20 + 24);
	NT_CHECK(ip->ip_p == IPPROTO_ICMP && f[34] == ICMP_ECHO);
	NT_CHECK(memcmp(f + 38, &id, 2) == 0);
	NT_CHECK_EQ(in_cksum_buf(f + 34, 24), 0);
	/* The reply comes back whole to the socket. */
	n = nti_icmp(q, nt_my_mac, NT_PEER_IP, NT_MY_IP, ICMP_ECHOREPLY,
	    net_ntohs(id), 1, f + 42, 16);
	fakeif_inject(ifp, q, n);
	NT_CHECK(ping.r_count == 1 && ping.r_len == 24);
	NT_CHECK(ping.r_data[0] == ICMP_ECHOREPLY && ping.r_from.if_src ==
	    NT_PEER_IP);
	/* An error quoting our request reaches it too. */
	{
		uint8_t quote[28];

		memcpy(quote, f + 14, 28);
		n = nti_icmp(q, nt_my_mac, INET_ADDR(10, 0, 0, 254), NT_MY_IP,
		    ICMP_UNREACH, 0, 0, quote, 28);
		q[35] = ICMP_UNREACH_HOST;
		q[36] = q[37] = 0;
		{
			uint16_t s = in_cksum_buf(q + 34, n - 34);

			memcpy(q + 36, &s, 2);
		}
		fakeif_inject(ifp, q, n);
	}
	NT_CHECK(ping.r_count == 2 && ping.r_data[0] == ICMP_UNREACH);
	NT_CHECK_EQ(ping.r_from.if_src, INET_ADDR(10, 0, 0, 254));
	nti_rx_close(&ping);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(icmp_error_rate_limited)
{
	uint8_t f[NT_FRAME_MAX];
	struct nt_leak lk;
	struct ifnet *ifp;
	unsigned n, sent, lim;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("icmp3");
	nti_learn_peer(ifp);
	nti_advance_ms(2000);	/* a full bucket */
	n = nti_udp(f, nt_my_mac, NT_PEER_IP, 1, NT_MY_IP, 9, "x", 1, true);
	for (int i = 0; i < 3 * ICMP_ERRPPS; i++)
		fakeif_inject(ifp, f, n);
	sent = fakeif_sent_count(ifp);
	lim = (unsigned)if_stat_get(ifp, IFS_ICMP_RATELIM);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_UDP_NOPORT), 3 * ICMP_ERRPPS);
	NT_CHECK_EQ(sent + lim, 3 * ICMP_ERRPPS);
	NT_CHECK(sent >= ICMP_ERRPPS && sent < ICMP_ERRPPS + 20);
	fakeif_drop_sent(ifp);
	/* A second later the bucket is full again. */
	nti_advance_ms(1000);
	for (int i = 0; i < ICMP_ERRPPS; i++)
		fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(fakeif_sent_count(ifp), ICMP_ERRPPS);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

/* icmp_error about a crafted datagram; how many frames went out. */
static unsigned
error_about(struct ifnet *ifp, uint8_t proto, uint16_t off, uint8_t type,
    in_addr_t src, in_addr_t dst, unsigned mflags)
{
	uint8_t f[NT_FRAME_MAX];
	struct nti_ip p = {.src = src, .dst = dst, .proto = proto, .off = off};
	uint8_t body[16] = {type};
	struct mbuf *m;
	unsigned n = nti_ipv4(f, nt_my_mac, &p, body, sizeof(body));

	mutex_enter(&net_lock);
	m = inet_getpkt(n - 14, 0);
	memcpy(mtod(m, void *), f + 14, n - 14);
	m->m_flags |= mflags;
	icmp_error(ifp, m, ICMP_UNREACH, ICMP_UNREACH_PORT);
	mutex_exit(&net_lock);
	n = fakeif_sent_count(ifp);
	fakeif_drop_sent(ifp);
	return n;
}

NT_CASE(icmp_no_error_about_errors_broadcasts_fragments)
{
	struct nt_leak lk;
	struct ifnet *ifp;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("icmp4");
	nti_learn_peer(ifp);
	nti_advance_ms(2000);
	NT_CHECK_EQ(error_about(ifp, 17, 0, 0, NT_PEER_IP, NT_MY_IP, 0), 1);
	NT_CHECK_EQ(error_about(ifp, 1, 0, ICMP_ECHO, NT_PEER_IP, NT_MY_IP, 0),
	    1);
	NT_CHECK_EQ(error_about(ifp, 1, 0, ICMP_UNREACH, NT_PEER_IP, NT_MY_IP,
	    0), 0);
	NT_CHECK_EQ(error_about(ifp, 1, 0, ICMP_TIMXCEED, NT_PEER_IP,
	    NT_MY_IP, 0), 0);
	NT_CHECK_EQ(error_about(ifp, 17, IP_MF | 4, 0, NT_PEER_IP, NT_MY_IP,
	    0), 0);
	NT_CHECK_EQ(error_about(ifp, 17, IP_MF, 0, NT_PEER_IP, NT_MY_IP, 0), 1);
	NT_CHECK_EQ(error_about(ifp, 17, 0, 0, NT_PEER_IP, NT_MY_IP, M_BCAST),
	    0);
	NT_CHECK_EQ(error_about(ifp, 17, 0, 0, NT_PEER_IP,
	    INET_ADDR(10, 0, 0, 255), 0), 0);
	NT_CHECK_EQ(error_about(ifp, 17, 0, 0, NT_PEER_IP,
	    INET_ADDR(224, 0, 0, 1), 0), 0);
	NT_CHECK_EQ(error_about(ifp, 17, 0, 0, 0, NT_MY_IP, 0), 0);
	NT_CHECK_EQ(error_about(ifp, 17, 0, 0, INET_ADDR(10, 0, 0, 255),
	    NT_MY_IP, 0), 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}
