/*
 * Helpers shared by the IPv4 host tests (test_arp.c, test_ip.c,
 * test_reass.c, test_icmp.c, test_udp.c, test_inet_fuzz.c): a fake
 * interface with an address and a known peer, frame builders (Ethernet,
 * ARP, IPv4, UDP, ICMP) and a parser for what the stack sent.
 *
 * Our side: 10.0.0.1/24 on 02:00:00:00:01:01. The peer: 10.0.0.2 on
 * 02:00:00:00:00:aa. Everything static inline: each test file takes what
 * it uses.
 */
#ifndef TESTS_NET_INET_NT_H
#define TESTS_NET_INET_NT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <kern/mutex.h>
#include <net/mbuf.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "../../sys/netinet/in_var.h"
#include "fakeif.h"
#include "nt.h"

#define NT_MY_IP INET_ADDR(10, 0, 0, 1)
#define NT_PEER_IP INET_ADDR(10, 0, 0, 2)
#define NT_MASK INET_ADDR(255, 255, 255, 0)
#define NT_FRAME_MAX 2048

static const uint8_t nt_my_mac[6] = {0x02, 0, 0, 0, 0x01, 0x01};
static const uint8_t nt_peer_mac[6] = {0x02, 0, 0, 0, 0x00, 0xaa};

static inline void nti_advance_ms(uint64_t ms);

/* A fake interface with our address; the announcement is dropped. The
 * clock moves on a second, so that the ICMP error bucket is full. */
static inline struct ifnet *
nti_ifcreate(const char *name)
{
	struct ifnet *ifp = fakeif_create(name, nt_my_mac);

	nti_advance_ms(1100);

	mutex_enter(&net_lock);
	NT_CHECK(in_ifaddr_set(ifp, NT_MY_IP, NT_MASK) == 0);
	mutex_exit(&net_lock);
	fakeif_drop_sent(ifp);
	return ifp;
}

/* Moves the stack's clock on by ms and runs the ARP and reassembly
 * timers as their callouts would. */
static inline void
nti_advance_ms(uint64_t ms)
{
	__atomic_fetch_add(&inet_clock_skew_ns, ms * INET_NS_PER_MS,
	    __ATOMIC_RELAXED);
	mutex_enter(&net_lock);
	arp_timer_run();
	ip_reass_timer_run();
	mutex_exit(&net_lock);
}

/* ---- frame building ----------------------------------------------------- */

static inline unsigned
nti_ether(uint8_t *f, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = (uint8_t)(type >> 8);
	f[13] = (uint8_t)type;
	return ETHER_HDR_LEN;
}

/* An ARP packet (op 1 request, 2 reply) from sha/spa into f. */
static inline unsigned
nti_arp(uint8_t *f, const uint8_t *edst, uint16_t op, const uint8_t *sha,
    in_addr_t spa, const uint8_t *tha, in_addr_t tpa)
{
	static const uint8_t zero[6];
	uint8_t *p = f + nti_ether(f, edst, sha, ETHERTYPE_ARP);

	p[0] = 0, p[1] = 1, p[2] = 0x08, p[3] = 0x00, p[4] = 6, p[5] = 4;
	p[6] = 0, p[7] = (uint8_t)op;
	memcpy(p + 8, sha, 6);
	memcpy(p + 14, &spa, 4);
	memcpy(p + 18, tha != NULL ? tha : zero, 6);
	memcpy(p + 24, &tpa, 4);
	return ETHER_HDR_LEN + 28;
}

struct nti_ip {
	in_addr_t src, dst;
	uint8_t proto, ttl;
	uint16_t id, off;	/* off: host order, flags and offset */
};

/* Ethernet + IPv4 header (checksummed) + payload; returns the length. */
static inline unsigned
nti_ipv4(uint8_t *f, const uint8_t *edst, const struct nti_ip *p,
    const void *payload, unsigned plen)
{
	struct ip_hdr ip;

	nti_ether(f, edst, nt_peer_mac, ETHERTYPE_IP);
	memset(&ip, 0, sizeof(ip));
	ip.ip_vhl = 0x45;
	ip.ip_len = net_htons((uint16_t)(20 + plen));
	ip.ip_id = net_htons(p->id);
	ip.ip_off = net_htons(p->off);
	ip.ip_ttl = p->ttl != 0 ? p->ttl : 64;
	ip.ip_p = p->proto;
	ip.ip_src = p->src;
	ip.ip_dst = p->dst;
	ip.ip_sum = in_cksum_buf(&ip, sizeof(ip));
	memcpy(f + ETHER_HDR_LEN, &ip, sizeof(ip));
	memcpy(f + ETHER_HDR_LEN + 20, payload, plen);
	return ETHER_HDR_LEN + 20 + plen;
}

/* The checksum of a UDP datagram (header + data in buf). */
static inline uint16_t
nti_udp_sum(in_addr_t src, in_addr_t dst, const uint8_t *udp, unsigned len)
{
	static uint8_t tmp[12 + 65536];

	memcpy(tmp, &src, 4);
	memcpy(tmp + 4, &dst, 4);
	tmp[8] = 0;
	tmp[9] = IPPROTO_UDP;
	tmp[10] = (uint8_t)(len >> 8);
	tmp[11] = (uint8_t)len;
	memcpy(tmp + 12, udp, len);
	return in_cksum_buf(tmp, 12 + len);
}

/* UDP datagram src:sport -> dst:dport with data; checksummed if sum. */
static inline unsigned
nti_udp(uint8_t *f, const uint8_t *edst, in_addr_t src, uint16_t sport,
    in_addr_t dst, uint16_t dport, const void *data, unsigned dlen, bool sum)
{
	uint8_t udp[NT_FRAME_MAX];
	struct udp_hdr uh;
	struct nti_ip p = {.src = src, .dst = dst, .proto = IPPROTO_UDP,
	    .id = 1};
	uint16_t s;

	uh.uh_sport = net_htons(sport);
	uh.uh_dport = net_htons(dport);
	uh.uh_ulen = net_htons((uint16_t)(8 + dlen));
	uh.uh_sum = 0;
	memcpy(udp, &uh, 8);
	memcpy(udp + 8, data, dlen);
	if (sum) {
		s = nti_udp_sum(src, dst, udp, 8 + dlen);
		s = s == 0 ? 0xffff : s;
		memcpy(udp + 6, &s, 2);
	}
	return nti_ipv4(f, edst, &p, udp, 8 + dlen);
}

/* ICMP message type/code/id/seq with data; checksummed. */
static inline unsigned
nti_icmp(uint8_t *f, const uint8_t *edst, in_addr_t src, in_addr_t dst,
    uint8_t type, uint16_t id, uint16_t seq, const void *data, unsigned dlen)
{
	uint8_t msg[NT_FRAME_MAX];
	struct icmp_hdr ic = {.icmp_type = type, .icmp_id = net_htons(id),
	    .icmp_seq = net_htons(seq)};
	struct nti_ip p = {.src = src, .dst = dst, .proto = IPPROTO_ICMP,
	    .id = 2};

	memcpy(msg, &ic, 8);
	memcpy(msg + 8, data, dlen);
	ic.icmp_cksum = in_cksum_buf(msg, 8 + dlen);
	memcpy(msg + 2, &ic.icmp_cksum, 2);
	return nti_ipv4(f, edst, &p, msg, 8 + dlen);
}

/* The peer tells us its address: a request for ours (we learn it). */
static inline void
nti_learn_peer(struct ifnet *ifp)
{
	uint8_t f[64];
	unsigned n = nti_arp(f, etherbroadcastaddr, 1, nt_peer_mac, NT_PEER_IP,
	    NULL, NT_MY_IP);

	fakeif_inject(ifp, f, n);
	fakeif_drop_sent(ifp);	/* our reply */
}

/* ---- a receiving inpcb -------------------------------------------------- */

struct nti_rx {
	struct inpcb r_inp;
	unsigned r_count;
	unsigned r_len;			/* of the last datagram */
	uint8_t r_data[65536];
	struct inpcb_from r_from;
	bool r_full;			/* refuse (queue full) */
};

static inline bool
nti_rx_input(struct inpcb *inp, struct mbuf *m, const struct inpcb_from *from)
{
	struct nti_rx *r = inp->inp_arg;

	NT_CHECK((m->m_flags & M_PKTHDR) != 0);
	NT_CHECK(m->m_pkthdr.len == m_length(m));
	r->r_count++;
	r->r_len = m_length(m);
	if (r->r_len <= sizeof(r->r_data))
		m_copydata(m, 0, r->r_len, r->r_data);
	r->r_from = *from;
	m_freem(m);
	return !r->r_full;
}

/* Registers r (proto) and binds it to laddr:lport (host order port). */
static inline int
nti_rx_open(struct nti_rx *r, uint8_t proto, in_addr_t laddr, uint16_t lport)
{
	int rv;

	memset(r, 0, sizeof(*r));
	mutex_enter(&net_lock);
	inpcb_init(&r->r_inp, proto, nti_rx_input, r);
	rv = inpcb_bind(&r->r_inp, laddr, net_htons(lport));
	mutex_exit(&net_lock);
	return rv;
}

static inline void
nti_rx_close(struct nti_rx *r)
{
	mutex_enter(&net_lock);
	inpcb_destroy(&r->r_inp);
	mutex_exit(&net_lock);
}

/* ---- parsing what was sent ---------------------------------------------- */

static inline uint16_t
nti_etype(const uint8_t *f)
{
	return (uint16_t)(f[12] << 8 | f[13]);
}

static inline const struct ip_hdr *
nti_iph(const uint8_t *f)
{
	return (const struct ip_hdr *)(const void *)(f + ETHER_HDR_LEN);
}

#endif
