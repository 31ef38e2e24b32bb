/*
 * Fragmentation (ip_output.c) and reassembly (ip_reass.c): a big UDP
 * datagram sent through the fake interface comes out as MTU-sized
 * fragments; turned around and fed back in shuffled order (in every mbuf
 * shape) they make one datagram equal to the original. Overlaps,
 * duplicates, endless and oversized datagrams, and the limits, each
 * dropped and counted; the timeout sends time exceeded.
 */
#include <errno.h>
#include <string.h>

#include "inet_nt.h"

static struct nti_rx rx;
static uint8_t frames[64][NT_FRAME_MAX];
static unsigned frame_len[64];

/* Sends len bytes of data as one UDP datagram to the peer, port 7;
 * collects the frames. Returns how many. */
static unsigned
send_big(struct ifnet *ifp, const uint8_t *data, unsigned len)
{
	struct mbuf *m;
	unsigned n = 0, off = 0, c;

	mutex_enter(&net_lock);
	m = inet_getpkt(0, INET_HEADROOM + 8);
	for (; off < len; off += c) {
		c = len - off < 1000 ? len - off : 1000;
		NT_CHECK(m_append(m, c, data + off) == 0);
	}
	NT_CHECK_EQ(udp_send(&rx.r_inp, m, NT_PEER_IP, net_htons(7)), 0);
	mutex_exit(&net_lock);
	while (n < 64 && (frame_len[n] = fakeif_take_sent_buf(ifp, frames[n],
	    NT_FRAME_MAX)) != 0)
		n++;
	return n;
}

/* A sent frame as if the peer had sent it to us. */
static void
turn_around(uint8_t *f)
{
	uint16_t s = 0;

	memcpy(f, nt_my_mac, 6);
	memcpy(f + 6, nt_peer_mac, 6);
	memcpy(f + 26, &(in_addr_t){NT_PEER_IP}, 4);
	memcpy(f + 30, &(in_addr_t){NT_MY_IP}, 4);
	memcpy(f + 24, &s, 2);
	s = in_cksum_buf(f + 14, 20);
	memcpy(f + 24, &s, 2);
}

NT_CASE(reass_fragment_roundtrip)
{
	static uint8_t data[65507];
	static const unsigned sizes[] = {1472, 1473, 2000, 2953, 5000, 8000,
	    30000, 65507};
	struct nt_leak lk;
	struct ifnet *ifp;
	uint64_t rnd = 77;
	unsigned n, expect, order[64];

	nt_leak_start(&lk);
	ifp = nti_ifcreate("reass0");
	nti_learn_peer(ifp);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)nt_rand(&rnd);
	NT_CHECK_EQ(nti_rx_open(&rx, IPPROTO_UDP, 0, 7), 0);
	fakeif_set_shape(ifp, FAKEIF_RANDOM);
	for (unsigned k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		n = send_big(ifp, data, sizes[k]);
		expect = (sizes[k] + 8 + 1479) / 1480;
		NT_CHECK_EQ(n, expect);
		for (unsigned i = 0; i < n; i++) {
			const struct ip_hdr *ip = nti_iph(frames[i]);
			uint16_t off = net_ntohs(ip->ip_off);

			NT_CHECK(frame_len[i] <= 1514);
			NT_CHECK_EQ((off & IP_OFFMASK) * 8u, i * 1480);
			NT_CHECK_EQ((off & IP_MF) != 0, i + 1 < n);
			NT_CHECK_EQ(in_cksum_buf(ip, 20), 0);
			turn_around(frames[i]);
			order[i] = i;
		}
		for (unsigned i = n; i > 1; i--) {	/* shuffle */
			unsigned j = nt_randn(&rnd, i), t = order[i - 1];

			order[i - 1] = order[j];
			order[j] = t;
		}
		for (unsigned i = 0; i < n; i++)
			fakeif_inject(ifp, frames[order[i]], frame_len[order[i]]);
		NT_CHECK_EQ(rx.r_count, k + 1);
		NT_CHECK_EQ(rx.r_len, sizes[k]);
		NT_CHECK(memcmp(rx.r_data, data, sizes[k]) == 0);
		NT_CHECK_EQ(ip_reass_pending(), 0);
	}
	NT_CHECK_EQ(if_stat_get(ifp, IFS_UDP_BAD), 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IP_FRAGDROP), 0);
	/* Too big for one datagram; DF and too big for the MTU. */
	mutex_enter(&net_lock);
	{
		struct mbuf *m = inet_getpkt(0, INET_HEADROOM + 8);
		struct ip_out io = {.io_dst = NT_PEER_IP, .io_proto = 253,
		    .io_flags = IPO_DF};

		NT_CHECK(m_append(m, 1600, data) == 0);
		NT_CHECK_EQ(ip_output(m, &io), EMSGSIZE);
	}
	mutex_exit(&net_lock);
	nti_rx_close(&rx);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

/* One fragment of datagram id from the peer: data offset off (bytes),
 * len bytes of pattern, MF if mf. */
static void
frag(struct ifnet *ifp, uint16_t id, unsigned off, unsigned len, bool mf)
{
	static uint8_t f[NT_FRAME_MAX], pay[NT_FRAME_MAX];
	struct nti_ip p = {.src = NT_PEER_IP, .dst = NT_MY_IP, .proto = 99,
	    .id = id, .off = (uint16_t)((off / 8) | (mf ? IP_MF : 0))};

	for (unsigned i = 0; i < len; i++)
		pay[i] = (uint8_t)(off + i);
	fakeif_inject(ifp, f, nti_ipv4(f, nt_my_mac, &p, pay, len));
}

static uint64_t
fragdrop(struct ifnet *ifp)
{
	return if_stat_get(ifp, IFS_IP_FRAGDROP);
}

NT_CASE(reass_bad_fragments_dropped)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	uint64_t noproto;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("reass1");
	noproto = if_stat_get(ifp, IFS_NOPROTO);
	/* Overlap: the whole datagram goes. */
	frag(ifp, 1, 0, 16, true);
	frag(ifp, 1, 8, 16, true);
	NT_CHECK_EQ(fragdrop(ifp), 2);
	NT_CHECK_EQ(ip_reass_pending(), 0);
	/* A duplicate goes alone; the datagram still completes. */
	frag(ifp, 2, 0, 16, true);
	frag(ifp, 2, 0, 16, true);
	NT_CHECK_EQ(fragdrop(ifp), 3);
	frag(ifp, 2, 16, 5, false);
	NT_CHECK_EQ(ip_reass_pending(), 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_NOPROTO) - noproto, 1);
	/* A middle fragment whose length is not a multiple of 8. */
	frag(ifp, 3, 0, 12, true);
	NT_CHECK_EQ(fragdrop(ifp), 4);
	/* Two different ends; data past the end. */
	frag(ifp, 4, 8, 8, false);
	frag(ifp, 4, 16, 8, false);
	NT_CHECK_EQ(fragdrop(ifp), 6);
	frag(ifp, 5, 16, 8, false);
	frag(ifp, 5, 24, 8, true);
	NT_CHECK_EQ(fragdrop(ifp), 8);
	/* Beyond 65535 bytes. */
	frag(ifp, 6, 8184 * 8, 1000, true);
	NT_CHECK_EQ(fragdrop(ifp), 9);
	NT_CHECK_EQ(ip_reass_pending(), 0);
	/* Too many fragments for one datagram. */
	for (unsigned i = 0; i <= IP_REASS_MAXFRAGS; i++)
		frag(ifp, 7, 8 + i * 8, 8, true);
	NT_CHECK_EQ(fragdrop(ifp), 9 + IP_REASS_MAXFRAGS + 1);
	NT_CHECK_EQ(ip_reass_pending(), 0);
	/* Too many datagrams: the oldest go. */
	for (unsigned i = 0; i < IP_REASS_MAXPKTS + 5; i++) {
		nti_advance_ms(1);
		frag(ifp, (uint16_t)(100 + i), 8, 8, true);
	}
	NT_CHECK_EQ(ip_reass_pending(), IP_REASS_MAXPKTS);
	NT_CHECK_EQ(fragdrop(ifp), 9 + IP_REASS_MAXFRAGS + 1 + 5);
	fakeif_destroy(ifp);
	NT_CHECK_EQ(ip_reass_pending(), 0);
	nt_leak_check(&lk);
}

NT_CASE(reass_timeout_time_exceeded)
{
	uint8_t f[NT_FRAME_MAX];
	struct nt_leak lk;
	struct ifnet *ifp;
	size_t n;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("reass2");
	nti_learn_peer(ifp);
	frag(ifp, 9, 0, 64, true);	/* first fragment, never finished */
	frag(ifp, 9, 128, 8, true);
	frag(ifp, 10, 64, 64, true);	/* no first fragment */
	NT_CHECK_EQ(ip_reass_pending(), 2);
	nti_advance_ms(IP_REASS_TIMEOUT_S * 1000 - 100);
	NT_CHECK_EQ(ip_reass_pending(), 2);
	nti_advance_ms(200);
	NT_CHECK_EQ(ip_reass_pending(), 0);
	NT_CHECK_EQ(fragdrop(ifp), 3);
	n = fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK_EQ(n, 14 + 20 + 8 + 20 + 8);
	NT_CHECK(f[34] == ICMP_TIMXCEED && f[35] == ICMP_TIMXCEED_REASS);
	NT_CHECK_EQ(in_cksum_buf(f + 34, n - 34), 0);
	NT_CHECK(f[42 + 4] == 0 && f[42 + 5] == 9);	/* quoted id */
	NT_CHECK(f[62] == 0 && f[69] == 7);		/* first data bytes */
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}
