/*
 * Fuzzing the IPv4 input paths: valid ARP, IP, UDP, ICMP frames and
 * fragments, mutated (bytes flipped, mostly in the headers; truncated;
 * extended; checksums sometimes repaired so that the mutation reaches
 * the code behind the checksum test) or wholly random, in random mbuf
 * shapes, with the clock moved now and then so that timers run. Nothing
 * may crash, and after draining and purging every mbuf is back.
 */
#include <string.h>

#include "inet_nt.h"

#define FUZZ_ROUNDS 20000

static struct nti_rx fz_udp, fz_ping;

struct seed {
	uint8_t s_f[NT_FRAME_MAX];
	unsigned s_len;
};
static struct seed seeds[16];
static unsigned nseeds;

static struct seed *
seed_add(void)
{
	return &seeds[nseeds++];
}

static void
seeds_make(void)
{
	static uint8_t dgram[4000];
	struct nti_ip p = {.src = NT_PEER_IP, .dst = NT_MY_IP,
	    .proto = IPPROTO_UDP, .id = 77};
	struct seed *s;

	nseeds = 0;
	s = seed_add();
	s->s_len = nti_arp(s->s_f, etherbroadcastaddr, 1, nt_peer_mac,
	    NT_PEER_IP, NULL, NT_MY_IP);
	s = seed_add();
	s->s_len = nti_arp(s->s_f, nt_my_mac, 2, nt_peer_mac,
	    INET_ADDR(10, 0, 0, 3), nt_my_mac, NT_MY_IP);
	s = seed_add();
	s->s_len = nti_udp(s->s_f, nt_my_mac, NT_PEER_IP, 99, NT_MY_IP, 7,
	    "fuzzing udp", 11, true);
	s = seed_add();
	s->s_len = nti_udp(s->s_f, etherbroadcastaddr, NT_PEER_IP, 99,
	    INADDR_BROADCAST_N, 7, "bcast", 5, true);
	s = seed_add();
	s->s_len = nti_udp(s->s_f, nt_my_mac, NT_PEER_IP, 99, NT_MY_IP, 9,
	    "noport", 6, true);
	s = seed_add();
	s->s_len = nti_icmp(s->s_f, nt_my_mac, NT_PEER_IP, NT_MY_IP, ICMP_ECHO,
	    5, 6, "echo echo echo", 14);
	s = seed_add();
	s->s_len = nti_icmp(s->s_f, nt_my_mac, NT_PEER_IP, NT_MY_IP,
	    ICMP_ECHOREPLY, net_ntohs(fz_ping.r_inp.inp_lport), 1, "re", 2);
	/* Three fragments of a 3000-byte datagram. */
	memset(dgram, 0x61, sizeof(dgram));
	for (unsigned i = 0; i < 3; i++) {
		s = seed_add();
		p.off = (uint16_t)(i * 1000 / 8) | (i < 2 ? IP_MF : 0);
		s->s_len = nti_ipv4(s->s_f, nt_my_mac, &p, dgram, 1000);
	}
	p.proto = 200;
	p.off = 0;
	s = seed_add();
	s->s_len = nti_ipv4(s->s_f, nt_my_mac, &p, dgram, 40);
}

/* Repairs the IP header sum (and sometimes the UDP/ICMP sum). */
static void
fix_sums(uint8_t *f, unsigned len, uint64_t *rnd)
{
	unsigned hlen = (f[14] & 0xfu) * 4u, tot;
	uint16_t s = 0;

	if (len < 14 + 20 || nti_etype(f) != ETHERTYPE_IP || hlen < 20 ||
	    14 + hlen > len)
		return;
	memcpy(f + 24, &s, 2);
	s = in_cksum_buf(f + 14, hlen);
	memcpy(f + 24, &s, 2);
	tot = (unsigned)(f[16] << 8 | f[17]);
	if (nt_randn(rnd, 2) == 0 || tot < hlen + 8 || 14 + tot > len)
		return;
	s = 0;
	if (f[23] == IPPROTO_ICMP) {
		memcpy(f + 14 + hlen + 2, &s, 2);
		s = in_cksum_buf(f + 14 + hlen, tot - hlen);
		memcpy(f + 14 + hlen + 2, &s, 2);
	} else if (f[23] == IPPROTO_UDP) {
		in_addr_t src, dst;

		memcpy(&src, f + 26, 4);
		memcpy(&dst, f + 30, 4);
		memcpy(f + 14 + hlen + 6, &s, 2);
		s = nti_udp_sum(src, dst, f + 14 + hlen, tot - hlen);
		memcpy(f + 14 + hlen + 6, &s, 2);
	}
}

/* One fuzzed frame into f; its length. */
static unsigned
mutate(uint8_t *f, uint64_t *rnd)
{
	const struct seed *s = &seeds[nt_randn(rnd, nseeds)];
	unsigned len = s->s_len, k = nt_randn(rnd, 16), n;

	memcpy(f, s->s_f, len);
	if (k == 0) {			/* random bytes behind a real header */
		len = 14 + nt_randn(rnd, 200);
		for (unsigned i = 14; i < len; i++)
			f[i] = (uint8_t)nt_rand(rnd);
		return len;
	}
	n = 1 + nt_randn(rnd, 6);
	for (unsigned i = 0; i < n; i++) {
		unsigned pos = nt_randn(rnd, 3) != 0 ?
		    12 + nt_randn(rnd, 50) : nt_randn(rnd, len);

		if (pos < len)
			f[pos] = (uint8_t)(nt_randn(rnd, 4) == 0 ?
			    nt_rand(rnd) : f[pos] ^ (1u << nt_randn(rnd, 8)));
	}
	if (k == 1)
		len = nt_randn(rnd, len + 1);
	else if (k == 2 && len + 64 <= NT_FRAME_MAX) {
		for (unsigned i = 0; i < 64; i++)
			f[len + i] = (uint8_t)nt_rand(rnd);
		len += nt_randn(rnd, 65);
	}
	if (nt_randn(rnd, 3) != 0)
		fix_sums(f, len, rnd);
	return len;
}

NT_CASE(inet_fuzz_input)
{
	static uint8_t f[NT_FRAME_MAX];
	struct nt_leak lk;
	struct ifnet *ifp;
	uint64_t rnd = 2024;
	unsigned len;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("fuzz0");
	nti_learn_peer(ifp);
	NT_CHECK_EQ(nti_rx_open(&fz_udp, IPPROTO_UDP, 0, 7), 0);
	NT_CHECK_EQ(nti_rx_open(&fz_ping, IPPROTO_ICMP, 0, 0), 0);
	seeds_make();
	fakeif_set_shape(ifp, FAKEIF_RANDOM);
	for (unsigned i = 0; i < FUZZ_ROUNDS; i++) {
		len = mutate(f, &rnd);
		fakeif_inject(ifp, f, len);
		if (i % 64 == 0)
			fakeif_drop_sent(ifp);
		if (i % 997 == 0)
			nti_advance_ms(nt_randn(&rnd, 4000));
	}
	/* Every seed unmutated still works. */
	fz_udp.r_count = 0;
	fakeif_inject(ifp, seeds[2].s_f, seeds[2].s_len);
	NT_CHECK_EQ(fz_udp.r_count, 1);
	nti_advance_ms(IP_REASS_TIMEOUT_S * 1000 + 1000);
	NT_CHECK_EQ(ip_reass_pending(), 0);
	fakeif_drop_sent(ifp);
	nti_rx_close(&fz_udp);
	nti_rx_close(&fz_ping);
	fakeif_destroy(ifp);
	NT_CHECK_EQ(arp_held_packets(), 0);
	nt_leak_check(&lk);
}

NT_CASE(inet_fuzz_random_frames)
{
	static uint8_t f[NT_FRAME_MAX];
	struct nt_leak lk;
	struct ifnet *ifp;
	uint64_t rnd = 99;
	unsigned len;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("fuzz1");
	for (unsigned i = 0; i < FUZZ_ROUNDS / 4; i++) {
		len = nt_randn(&rnd, 1514 + 1);
		for (unsigned j = 0; j < len; j++)
			f[j] = (uint8_t)nt_rand(&rnd);
		if (len >= 14) {
			memcpy(f, nt_randn(&rnd, 2) ? nt_my_mac :
			    etherbroadcastaddr, 6);
			f[12] = 0x08;
			f[13] = nt_randn(&rnd, 2) ? 0x00 : 0x06;
			if (f[13] == 0 && len >= 34) {
				f[14] = (uint8_t)(0x45 + nt_randn(&rnd, 3));
				fix_sums(f, len, &rnd);
			}
		}
		fakeif_inject(ifp, f, len);
		if (i % 64 == 0)
			fakeif_drop_sent(ifp);
	}
	fakeif_drop_sent(ifp);
	fakeif_destroy(ifp);
	NT_CHECK_EQ(ip_reass_pending(), 0);
	NT_CHECK_EQ(arp_held_packets(), 0);
	nt_leak_check(&lk);
}
