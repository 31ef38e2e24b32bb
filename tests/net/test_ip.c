/*
 * IPv4 input and output (sys/netinet/ip_input.c, ip_output.c), routes
 * and addresses (route.c, in.c): every header error counted under its
 * counter, local delivery rules, padding and options, protocol
 * unreachable, the header we send, routing (longest prefix, default
 * route through a gateway), broadcast rules, IPO_IFP, checksum offload,
 * and the address helpers.
 */
#include <errno.h>
#include <string.h>

#include "inet_nt.h"

static struct nti_rx rx;

/* A valid UDP frame to port 7 of dst, checksummed. */
static unsigned
udp_frame(uint8_t *f, const uint8_t *edst, in_addr_t src, in_addr_t dst)
{
	return nti_udp(f, edst, src, 1234, dst, 7, "hello", 5, true);
}

/* Re-checksums the IP header of frame f (hlen bytes). */
static void
fix_sum(uint8_t *f, unsigned hlen)
{
	uint16_t s = 0;

	memcpy(f + 24, &s, 2);
	s = in_cksum_buf(f + 14, hlen);
	memcpy(f + 24, &s, 2);
}

static void
inject_mut(struct ifnet *ifp, const uint8_t *f, unsigned n, unsigned off,
    uint8_t val, bool fix)
{
	uint8_t g[NT_FRAME_MAX];

	memcpy(g, f, n);
	g[off] = val;
	if (fix)
		fix_sum(g, 20);
	fakeif_inject(ifp, g, n);
}

NT_CASE(ip_header_errors_counted)
{
	uint8_t f[NT_FRAME_MAX];
	struct nt_leak lk;
	struct ifnet *ifp;
	unsigned n;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("ip0");
	NT_CHECK_EQ(nti_rx_open(&rx, IPPROTO_UDP, 0, 7), 0);
	n = udp_frame(f, nt_my_mac, NT_PEER_IP, NT_MY_IP);
	fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(rx.r_count, 1);
	inject_mut(ifp, f, n, 14, 0x65, true);		/* version 6 */
	inject_mut(ifp, f, n, 14, 0x44, true);		/* hlen 16 */
	inject_mut(ifp, f, n, 14, 0x4f, true);		/* hlen 60 > packet */
	inject_mut(ifp, f, n, 17, 19, true);		/* total < hlen */
	inject_mut(ifp, f, n, 17, (uint8_t)(n - 14 + 1), true); /* > packet */
	fakeif_inject(ifp, f, 14 + 19);			/* truncated */
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IP_BADHDR), 6);
	inject_mut(ifp, f, n, 22, 63, false);		/* TTL, old sum */
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IP_BADSUM), 1);
	inject_mut(ifp, f, n, 29, 255, true);		/* src 10.0.0.255 */
	inject_mut(ifp, f, n, 26, 224, true);		/* src multicast */
	inject_mut(ifp, f, n, 26, 127, true);		/* src loopback */
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IP_BADHDR), 9);
	inject_mut(ifp, f, n, 33, 99, true);		/* someone else */
	inject_mut(ifp, f, n, 30, 225, true);		/* a group we left */
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IP_NOTOURS), 2);
	/* Our unicast address in a link broadcast (RFC 1122 3.3.6). */
	n = udp_frame(f, etherbroadcastaddr, NT_PEER_IP, NT_MY_IP);
	fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IP_NOTOURS), 3);
	NT_CHECK_EQ(rx.r_count, 1);
	/* A low TTL is fine for local delivery. */
	n = udp_frame(f, nt_my_mac, NT_PEER_IP, NT_MY_IP);
	inject_mut(ifp, f, n, 22, 1, true);
	NT_CHECK_EQ(rx.r_count, 2);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	nti_rx_close(&rx);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(ip_padding_options_broadcasts_accepted)
{
	uint8_t f[NT_FRAME_MAX], g[NT_FRAME_MAX];
	struct nt_leak lk;
	struct ifnet *ifp;
	unsigned n;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("ip1");
	NT_CHECK_EQ(nti_rx_open(&rx, IPPROTO_UDP, 0, 7), 0);
	n = udp_frame(f, nt_my_mac, NT_PEER_IP, NT_MY_IP);
	memcpy(g, f, n);
	memset(g + n, 0xee, 60 - n);		/* Ethernet padding */
	fakeif_inject(ifp, g, 60);
	NT_CHECK(rx.r_count == 1 && rx.r_len == 5);
	NT_CHECK(memcmp(rx.r_data, "hello", 5) == 0);
	/* Eight bytes of options (NOP, NOP, ..., EOL) are skipped. */
	memcpy(g, f, 34);
	memset(g + 34, 1, 7);
	g[41] = 0;
	memcpy(g + 42, f + 34, n - 34);
	g[14] = 0x47;
	g[17] = (uint8_t)(n - 14 + 8);
	fix_sum(g, 28);
	fakeif_inject(ifp, g, n + 8);
	NT_CHECK(rx.r_count == 2 && rx.r_len == 5);
	/* Limited, subnet-directed, all-hosts multicast. */
	n = udp_frame(f, etherbroadcastaddr, NT_PEER_IP, INADDR_BROADCAST_N);
	fakeif_inject(ifp, f, n);
	n = udp_frame(f, etherbroadcastaddr, NT_PEER_IP,
	    INET_ADDR(10, 0, 0, 255));
	fakeif_inject(ifp, f, n);
	n = udp_frame(f, (const uint8_t[]){1, 0, 0x5e, 0, 0, 1}, NT_PEER_IP,
	    INET_ADDR(224, 0, 0, 1));
	fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(rx.r_count, 5);
	NT_CHECK_EQ(rx.r_from.if_dst, INET_ADDR(224, 0, 0, 1));
	nti_rx_close(&rx);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(ip_unknown_protocol_unreachable)
{
	uint8_t f[NT_FRAME_MAX];
	struct nti_ip p = {.src = NT_PEER_IP, .dst = NT_MY_IP, .proto = 99};
	struct nt_leak lk;
	struct ifnet *ifp;
	const struct ip_hdr *ip;
	unsigned n;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("ip2");
	nti_learn_peer(ifp);
	n = nti_ipv4(f, nt_my_mac, &p, "0123456789abcdef", 16);
	fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_NOPROTO), 1);
	n = fakeif_take_sent_buf(ifp, f, sizeof(f));
	ip = nti_iph(f);
	NT_CHECK_EQ(n, 14 + 20 + 8 + 20 + 8);
	NT_CHECK(ip->ip_p == IPPROTO_ICMP && ip->ip_dst == NT_PEER_IP);
	NT_CHECK(f[34] == ICMP_UNREACH && f[35] == ICMP_UNREACH_PROTOCOL);
	NT_CHECK_EQ(in_cksum_buf(f + 34, 8 + 28), 0);
	NT_CHECK(memcmp(f + 42 + 20, "01234567", 8) == 0);
	/* Not for a broadcast. */
	p.dst = INADDR_BROADCAST_N;
	n = nti_ipv4(f, etherbroadcastaddr, &p, "x", 1);
	fakeif_inject(ifp, f, n);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_NOPROTO), 2);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

static int
out(in_addr_t dst, unsigned flags, struct ifnet *ifp, unsigned len)
{
	struct ip_out io = {.io_dst = dst, .io_proto = 253, .io_ttl = 9,
	    .io_tos = 0x10, .io_flags = flags, .io_ifp = ifp};
	struct mbuf *m;
	int rv;

	mutex_enter(&net_lock);
	m = inet_getpkt(len, INET_HEADROOM);
	memset(mtod(m, void *), 0x33, len);
	rv = ip_output(m, &io);
	mutex_exit(&net_lock);
	return rv;
}

NT_CASE(ip_output_header_and_routes)
{
	const uint8_t gwmac[6] = {2, 0, 0, 0, 0, 0x99};
	in_addr_t gw = INET_ADDR(10, 0, 0, 254);
	uint8_t f[NT_FRAME_MAX];
	const struct ip_hdr *ip;
	struct nt_leak lk;
	struct ifnet *ifp;
	uint16_t id1;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("ip3");
	nti_learn_peer(ifp);
	NT_CHECK_EQ(out(NT_PEER_IP, IPO_DF, NULL, 10), 0);
	NT_CHECK_EQ(fakeif_take_sent_buf(ifp, f, sizeof(f)), 14 + 30);
	ip = nti_iph(f);
	NT_CHECK(memcmp(f, nt_peer_mac, 6) == 0);
	NT_CHECK(ip->ip_vhl == 0x45 && ip->ip_tos == 0x10 && ip->ip_ttl == 9);
	NT_CHECK(ip->ip_len == net_htons(30) && ip->ip_p == 253);
	NT_CHECK(ip->ip_off == net_htons(IP_DF));
	NT_CHECK(ip->ip_src == NT_MY_IP && ip->ip_dst == NT_PEER_IP);
	NT_CHECK_EQ(in_cksum_buf(ip, 20), 0);
	id1 = net_ntohs(ip->ip_id);
	NT_CHECK_EQ(out(NT_PEER_IP, 0, NULL, 10), 0);
	fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK_EQ(net_ntohs(ip->ip_id), (uint16_t)(id1 + 1));
	NT_CHECK(ip->ip_off == 0 && ip->ip_ttl == 9);
	/* No route off the subnet until a default route exists. */
	NT_CHECK_EQ(out(INET_ADDR(8, 8, 8, 8), 0, NULL, 10), EHOSTUNREACH);
	mutex_enter(&net_lock);
	NT_CHECK_EQ(rt_add(0, 0, gw, NULL, RTF_GATEWAY), 0);
	NT_CHECK_EQ(rt_add(0, 0, gw, ifp, RTF_GATEWAY), EEXIST);
	NT_CHECK_EQ(rt_add(INET_ADDR(10, 0, 0, 1), NT_MASK, 0, ifp, 0), EINVAL);
	NT_CHECK_EQ(rt_add(0, INET_ADDR(255, 0, 255, 0), 0, ifp, 0), EINVAL);
	NT_CHECK(rt_lookup(INET_ADDR(8, 8, 8, 8))->rt_gw == gw);
	NT_CHECK(rt_lookup(NT_PEER_IP)->rt_flags == RTF_CONNECTED);
	NT_CHECK(ip_select_source(INET_ADDR(8, 8, 8, 8)) == NT_MY_IP);
	mutex_exit(&net_lock);
	fakeif_inject(ifp, f, nti_arp(f, etherbroadcastaddr, 1, gwmac, gw,
	    NULL, NT_MY_IP));
	fakeif_drop_sent(ifp);
	NT_CHECK_EQ(out(INET_ADDR(8, 8, 8, 8), 0, NULL, 10), 0);
	fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK(memcmp(f, gwmac, 6) == 0 && ip->ip_dst == INET_ADDR(8, 8, 8, 8));
	/* A host route wins over the connected one (longest prefix). */
	mutex_enter(&net_lock);
	NT_CHECK_EQ(rt_add(NT_PEER_IP, 0xffffffffu, gw, ifp, RTF_GATEWAY), 0);
	mutex_exit(&net_lock);
	NT_CHECK_EQ(out(NT_PEER_IP, 0, NULL, 10), 0);
	fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK(memcmp(f, gwmac, 6) == 0);
	mutex_enter(&net_lock);
	NT_CHECK_EQ(rt_delete(NT_PEER_IP, 0xffffffffu), 0);
	NT_CHECK_EQ(rt_delete(NT_PEER_IP, 0xffffffffu), ESRCH);
	mutex_exit(&net_lock);
	fakeif_destroy(ifp);
	mutex_enter(&net_lock);
	NT_CHECK(rt_lookup(INET_ADDR(8, 8, 8, 8)) == NULL);
	mutex_exit(&net_lock);
	nt_leak_check(&lk);
}

NT_CASE(ip_output_broadcast_and_ifp)
{
	uint8_t f[NT_FRAME_MAX];
	const struct ip_hdr *ip = nti_iph(f);
	struct nt_leak lk;
	struct ifnet *ifp, *bare;
	struct mbuf *m;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("ip4");
	NT_CHECK_EQ(out(INADDR_BROADCAST_N, 0, NULL, 4), EACCES);
	NT_CHECK_EQ(out(INET_ADDR(10, 0, 0, 255), 0, NULL, 4), EACCES);
	NT_CHECK_EQ(out(INET_ADDR(10, 0, 0, 255), IPO_BROADCAST, NULL, 4), 0);
	fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK(memcmp(f, etherbroadcastaddr, 6) == 0);
	NT_CHECK_EQ(out(INET_ADDR(224, 0, 0, 251), 0, NULL, 4), 0);
	fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK(memcmp(f, (const uint8_t[]){1, 0, 0x5e, 0, 0, 251}, 6) == 0);
	/* An interface without an address: only IPO_IFP, from 0.0.0.0. */
	bare = fakeif_create("ip4b", NULL);
	NT_CHECK_EQ(out(INADDR_BROADCAST_N, IPO_IFP | IPO_BROADCAST, bare, 300),
	    0);
	NT_CHECK_EQ(fakeif_take_sent_buf(bare, f, sizeof(f)), 14 + 320);
	NT_CHECK(memcmp(f, etherbroadcastaddr, 6) == 0);
	NT_CHECK(ip->ip_src == 0 && ip->ip_dst == INADDR_BROADCAST_N);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	/* Header checksum offload: left to the device when enabled. */
	ifp->if_capenable |= IFCAP_CSUM_IPv4_Tx;
	NT_CHECK_EQ(out(INADDR_BROADCAST_N, IPO_BROADCAST, NULL, 4), 0);
	m = fakeif_take_sent(ifp);
	NT_CHECK(m != NULL && (m->m_pkthdr.csum_flags & M_CSUM_IPV4) != 0);
	m_copydata(m, 0, 34, f);
	NT_CHECK(ip->ip_sum == 0);
	m_freem(m);
	ifp->if_capenable = 0;
	fakeif_destroy(bare);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(in_addresses_and_masks)
{
	char buf[16];
	in_addr_t a;
	struct ifnet *ifp;

	NT_CHECK(inet_aton_n("10.0.2.15", &a) && a == INET_ADDR(10, 0, 2, 15));
	NT_CHECK(strcmp(inet_ntoa_r(a, buf), "10.0.2.15") == 0);
	NT_CHECK(inet_aton_n("255.255.255.255", &a) && a == 0xffffffffu);
	NT_CHECK(!inet_aton_n("256.1.1.1", &a));
	NT_CHECK(!inet_aton_n("1.2.3", &a));
	NT_CHECK(!inet_aton_n("1.2.3.4.", &a));
	NT_CHECK(!inet_aton_n("1..3.4", &a));
	NT_CHECK(!inet_aton_n("1.2.3.4x", &a));
	NT_CHECK(!inet_aton_n("0001.2.3.4", &a));
	NT_CHECK(!inet_aton_n("", &a));
	NT_CHECK_EQ(in_masklen(INET_ADDR(255, 255, 255, 0)), 24);
	NT_CHECK_EQ(in_masklen(0), 0);
	NT_CHECK_EQ(in_masklen(0xffffffffu), 32);
	NT_CHECK_EQ(in_masklen(INET_ADDR(255, 0, 255, 0)), -1);
	NT_CHECK(in_lenmask(20) == INET_ADDR(255, 255, 240, 0));
	NT_CHECK(in_lenmask(0) == 0 && in_lenmask(32) == 0xffffffffu);
	ifp = fakeif_create("ip5", NULL);
	mutex_enter(&net_lock);
	NT_CHECK_EQ(in_ifaddr_set(ifp, INET_ADDR(10, 0, 0, 0), NT_MASK), EINVAL);
	NT_CHECK_EQ(in_ifaddr_set(ifp, INET_ADDR(224, 0, 0, 5), NT_MASK),
	    EINVAL);
	NT_CHECK_EQ(in_ifaddr_set(ifp, NT_MY_IP, INET_ADDR(255, 0, 255, 0)),
	    EINVAL);
	NT_CHECK(!in_ifaddr_get(ifp, NULL, NULL));
	NT_CHECK_EQ(in_ifaddr_set(ifp, INET_ADDR(192, 168, 7, 9),
	    INET_ADDR(255, 255, 252, 0)), 0);
	NT_CHECK(in_ifaddr_find(INET_ADDR(192, 168, 7, 9)) == ifp);
	NT_CHECK(in_broadcast(INET_ADDR(192, 168, 7, 255), ifp));
	NT_CHECK(!in_broadcast(INET_ADDR(192, 168, 6, 255), NULL));
	NT_CHECK(in_broadcast(INET_ADDR(192, 168, 4, 0), NULL));
	NT_CHECK(in_broadcast(0xffffffffu, NULL));
	NT_CHECK(rt_lookup(INET_ADDR(192, 168, 5, 1))->rt_ifp == ifp);
	in_ifaddr_clear(ifp);
	NT_CHECK(rt_lookup(INET_ADDR(192, 168, 5, 1)) == NULL);
	NT_CHECK(in_ifaddr_find(INET_ADDR(192, 168, 7, 9)) == NULL);
	mutex_exit(&net_lock);
	fakeif_destroy(ifp);
}
