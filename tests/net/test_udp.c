/*
 * UDP (sys/netinet/udp.c) and its inpcbs (inpcb.c): demultiplexing by
 * specificity, broadcast to every match, no-port errors, length and
 * checksum checks, a full receiver, binding rules, and what udp_send
 * puts on the wire (checksum, ports, broadcast permission, the DHCP
 * path on an interface without an address).
 */
#include <errno.h>
#include <string.h>

#include "inet_nt.h"

static struct nti_rx wild, bound, conn, other;

static void
inject_udp(struct ifnet *ifp, const uint8_t *edst, uint16_t sport,
    in_addr_t dst, uint16_t dport)
{
	uint8_t f[NT_FRAME_MAX];
	unsigned n = nti_udp(f, edst, NT_PEER_IP, sport, dst, dport, "data", 4,
	    true);

	fakeif_inject(ifp, f, n);
}

NT_CASE(udp_demux_most_specific)
{
	struct nt_leak lk;
	struct ifnet *ifp;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("udp0");
	NT_CHECK_EQ(nti_rx_open(&wild, IPPROTO_UDP, 0, 5000), 0);
	NT_CHECK_EQ(nti_rx_open(&bound, IPPROTO_UDP, NT_MY_IP, 5000),
	    EADDRINUSE);
	nti_rx_close(&bound);
	NT_CHECK_EQ(nti_rx_open(&bound, IPPROTO_UDP, NT_MY_IP, 5001), 0);
	NT_CHECK_EQ(nti_rx_open(&conn, IPPROTO_UDP, 0, 5002), 0);
	mutex_enter(&net_lock);
	/* Port sharing is not offered: move them onto one port by hand. */
	bound.r_inp.inp_lport = conn.r_inp.inp_lport = net_htons(5000);
	NT_CHECK_EQ(inpcb_connect(&conn.r_inp, NT_PEER_IP, net_htons(1234)), 0);
	mutex_exit(&net_lock);
	inject_udp(ifp, nt_my_mac, 1234, NT_MY_IP, 5000);
	NT_CHECK(conn.r_count == 1 && bound.r_count == 0 && wild.r_count == 0);
	NT_CHECK(conn.r_len == 4 && memcmp(conn.r_data, "data", 4) == 0);
	NT_CHECK(conn.r_from.if_src == NT_PEER_IP &&
	    conn.r_from.if_sport == net_htons(1234) &&
	    conn.r_from.if_dst == NT_MY_IP && conn.r_from.if_ifp == ifp);
	inject_udp(ifp, nt_my_mac, 999, NT_MY_IP, 5000);
	NT_CHECK(conn.r_count == 1 && bound.r_count == 1 && wild.r_count == 0);
	nti_rx_close(&bound);
	inject_udp(ifp, nt_my_mac, 999, NT_MY_IP, 5000);
	NT_CHECK(conn.r_count == 1 && wild.r_count == 1);
	/* A broadcast reaches every match: wild, and conn (from 1234). */
	inject_udp(ifp, etherbroadcastaddr, 1234, INADDR_BROADCAST_N, 5000);
	NT_CHECK(conn.r_count == 2 && wild.r_count == 2);
	inject_udp(ifp, etherbroadcastaddr, 999, INET_ADDR(10, 0, 0, 255),
	    5000);
	NT_CHECK(conn.r_count == 2 && wild.r_count == 3);
	/* A full receiver is counted. */
	wild.r_full = true;
	inject_udp(ifp, nt_my_mac, 999, NT_MY_IP, 5000);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_UDP_FULL), 1);
	nti_rx_close(&wild);
	nti_rx_close(&conn);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(udp_no_port_unreachable)
{
	uint8_t f[NT_FRAME_MAX];
	const struct ip_hdr *ip = nti_iph(f);
	struct nt_leak lk;
	struct ifnet *ifp;
	size_t n;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("udp1");
	nti_learn_peer(ifp);
	nti_advance_ms(2000);	/* the ICMP error bucket full */
	inject_udp(ifp, nt_my_mac, 1234, NT_MY_IP, 6000);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_UDP_NOPORT), 1);
	n = fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK_EQ(n, 14 + 20 + 8 + 20 + 8);
	if (n != 70)
		goto out;
	NT_CHECK(ip->ip_p == IPPROTO_ICMP && ip->ip_dst == NT_PEER_IP &&
	    ip->ip_src == NT_MY_IP);
	NT_CHECK(f[34] == ICMP_UNREACH && f[35] == ICMP_UNREACH_PORT);
	NT_CHECK_EQ(in_cksum_buf(f + 34, n - 34), 0);
	/* The quoted UDP header names the port. */
	NT_CHECK(f[42 + 20 + 2] == 6000 >> 8 && f[42 + 20 + 3] == (6000 & 0xff));
	inject_udp(ifp, etherbroadcastaddr, 1234, INADDR_BROADCAST_N, 6000);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_UDP_NOPORT), 2);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
out:
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(udp_bad_lengths_and_sums)
{
	uint8_t f[NT_FRAME_MAX], g[NT_FRAME_MAX];
	struct nt_leak lk;
	struct ifnet *ifp;
	struct mbuf *m;
	uint64_t rnd = 5;
	unsigned n;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("udp2");
	NT_CHECK_EQ(nti_rx_open(&wild, IPPROTO_UDP, 0, 7), 0);
	n = nti_udp(f, nt_my_mac, NT_PEER_IP, 1, NT_MY_IP, 7, "abcdef", 6,
	    true);
	memcpy(g, f, n);
	g[n - 1] ^= 1;				/* data changed: bad sum */
	fakeif_inject(ifp, g, n);
	memcpy(g, f, n);
	g[39] = 7;				/* UDP length 7 */
	fakeif_inject(ifp, g, n);
	g[39] = 15;				/* beyond the IP payload */
	fakeif_inject(ifp, g, n);
	fakeif_inject(ifp, f, 14 + 20 + 4);	/* no room for the header */
	NT_CHECK_EQ(if_stat_get(ifp, IFS_UDP_BAD), 3);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_IP_BADHDR), 1);
	/* The device verified the sum: not checked again. */
	memcpy(g, f, n);
	g[n - 1] ^= 1;
	m = fakeif_build(g, n, FAKEIF_FLAT, &rnd);
	m->m_pkthdr.csum_flags = M_CSUM_DATA_OK;
	ether_input(ifp, m);
	NT_CHECK_EQ(wild.r_count, 1);
	/* No sum (0) is accepted; a shorter UDP length trims the data. */
	n = nti_udp(f, nt_my_mac, NT_PEER_IP, 1, NT_MY_IP, 7, "abcdef", 6,
	    false);
	f[39] = 8 + 4;
	fakeif_inject(ifp, f, n);
	NT_CHECK(wild.r_count == 2 && wild.r_len == 4);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_UDP_BAD), 3);
	nti_rx_close(&wild);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

/* udp_send of len bytes of data through r's inpcb. */
static int
send_udp(struct nti_rx *r, in_addr_t dst, uint16_t dport, const void *data,
    unsigned len)
{
	struct mbuf *m;
	int rv;

	mutex_enter(&net_lock);
	m = inet_getpkt(len, INET_HEADROOM + 8);
	memcpy(mtod(m, void *), data, len);
	rv = udp_send(&r->r_inp, m, dst, dport == 0 ? 0 : net_htons(dport));
	mutex_exit(&net_lock);
	return rv;
}

NT_CASE(udp_send_wire_format)
{
	uint8_t f[NT_FRAME_MAX], data[64];
	const struct ip_hdr *ip = nti_iph(f);
	struct nt_leak lk;
	struct ifnet *ifp;
	uint16_t sport, c;
	size_t n;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("udp3");
	nti_learn_peer(ifp);
	memset(&conn, 0, sizeof(conn));
	mutex_enter(&net_lock);
	inpcb_init(&conn.r_inp, IPPROTO_UDP, nti_rx_input, &conn);
	mutex_exit(&net_lock);
	NT_CHECK_EQ(send_udp(&conn, 0, 0, "x", 1), EDESTADDRREQ);
	NT_CHECK_EQ(send_udp(&conn, NT_PEER_IP, 53, "query", 5), 0);
	sport = net_ntohs(conn.r_inp.inp_lport);
	NT_CHECK(sport >= 49152);
	n = fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK_EQ(n, 14 + 20 + 8 + 5);
	NT_CHECK(ip->ip_p == IPPROTO_UDP && ip->ip_src == NT_MY_IP);
	NT_CHECK(f[34] == sport >> 8 && f[35] == (sport & 0xff));
	NT_CHECK(f[36] == 0 && f[37] == 53 && f[38] == 0 && f[39] == 13);
	NT_CHECK_EQ(nti_udp_sum(NT_MY_IP, NT_PEER_IP, f + 34, 13), 0);
	/* Broadcast needs permission. */
	NT_CHECK_EQ(send_udp(&conn, INADDR_BROADCAST_N, 9, "b", 1), EACCES);
	NT_CHECK_EQ(send_udp(&conn, INET_ADDR(10, 0, 0, 255), 9, "b", 1),
	    EACCES);
	conn.r_inp.inp_flags |= INP_BROADCAST;
	NT_CHECK_EQ(send_udp(&conn, INADDR_BROADCAST_N, 9, "b", 1), 0);
	NT_CHECK(fakeif_take_sent_buf(ifp, f, sizeof(f)) == 14 + 29 &&
	    memcmp(f, etherbroadcastaddr, 6) == 0);
	/* Data whose sum is all ones: the checksum 0 goes out as 0xffff. */
	memset(data, 0x42, sizeof(data));
	memset(data + 62, 0, 2);
	{
		uint8_t d[8 + 64] = {(uint8_t)(sport >> 8), (uint8_t)sport,
		    0, 53, 0, 72, 0, 0};

		memcpy(d + 8, data, 64);
		c = nti_udp_sum(NT_MY_IP, NT_PEER_IP, d, 72);
		memcpy(data + 62, &c, 2);
	}
	NT_CHECK_EQ(send_udp(&conn, NT_PEER_IP, 53, data, 64), 0);
	fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK(f[40] == 0xff && f[41] == 0xff);
	/* Connected: the peer is the default destination. */
	mutex_enter(&net_lock);
	NT_CHECK_EQ(inpcb_connect(&conn.r_inp, NT_PEER_IP, net_htons(77)), 0);
	mutex_exit(&net_lock);
	NT_CHECK_EQ(send_udp(&conn, 0, 0, "c", 1), 0);
	fakeif_take_sent_buf(ifp, f, sizeof(f));
	NT_CHECK(f[36] == 0 && f[37] == 77);
	nti_rx_close(&conn);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(udp_bound_interface_without_address)
{
	uint8_t f[NT_FRAME_MAX];
	const struct ip_hdr *ip = nti_iph(f);
	struct nt_leak lk;
	struct ifnet *ifp, *ifp2;

	nt_leak_start(&lk);
	ifp = fakeif_create("udp4", nt_my_mac);
	ifp2 = nti_ifcreate("udp5");
	NT_CHECK_EQ(nti_rx_open(&other, IPPROTO_UDP, 0, 68), 0);
	mutex_enter(&net_lock);
	other.r_inp.inp_flags |= INP_BOUNDIF | INP_BROADCAST;
	other.r_inp.inp_ifp = ifp;
	mutex_exit(&net_lock);
	NT_CHECK_EQ(send_udp(&other, INADDR_BROADCAST_N, 67, "discover", 8),
	    0);
	NT_CHECK_EQ(fakeif_sent_count(ifp2), 0);
	NT_CHECK_EQ(fakeif_take_sent_buf(ifp, f, sizeof(f)), 14 + 20 + 8 + 8);
	NT_CHECK(memcmp(f, etherbroadcastaddr, 6) == 0);
	NT_CHECK(ip->ip_src == 0 && ip->ip_dst == INADDR_BROADCAST_N);
	NT_CHECK_EQ(nti_udp_sum(0, INADDR_BROADCAST_N, f + 34, 16), 0);
	/* Answers: broadcast on our interface, unicast to the offered
	 * address; a broadcast on the other interface is not ours. */
	inject_udp(ifp, etherbroadcastaddr, 67, INADDR_BROADCAST_N, 68);
	inject_udp(ifp, nt_my_mac, 67, INET_ADDR(10, 0, 0, 77), 68);
	inject_udp(ifp2, etherbroadcastaddr, 67, INADDR_BROADCAST_N, 68);
	NT_CHECK_EQ(other.r_count, 2);
	NT_CHECK_EQ(if_stat_get(ifp2, IFS_UDP_NOPORT), 1);
	nti_rx_close(&other);
	fakeif_destroy(ifp2);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(udp_bind_rules)
{
	struct nti_rx *a = &wild, *b = &bound;

	NT_CHECK_EQ(nti_rx_open(a, IPPROTO_UDP, INET_ADDR(10, 9, 9, 9), 1),
	    EADDRNOTAVAIL);
	nti_rx_close(a);
	NT_CHECK_EQ(nti_rx_open(a, IPPROTO_UDP, 0, 0), 0);
	NT_CHECK(net_ntohs(a->r_inp.inp_lport) >= 49152);
	mutex_enter(&net_lock);
	NT_CHECK_EQ(inpcb_bind(&a->r_inp, 0, net_htons(9)), EINVAL);
	mutex_exit(&net_lock);
	/* Same port, other protocol: fine. */
	NT_CHECK_EQ(nti_rx_open(b, IPPROTO_ICMP, 0,
	    net_ntohs(a->r_inp.inp_lport)), 0);
	nti_rx_close(b);
	nti_rx_close(a);
}

NT_CASE(udp_to_own_address_loops_back)
{
	struct nt_leak lk;
	struct ifnet *ifp;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("udp6");
	NT_CHECK_EQ(nti_rx_open(&wild, IPPROTO_UDP, 0, 4000), 0);
	NT_CHECK_EQ(nti_rx_open(&conn, IPPROTO_UDP, 0, 0), 0);
	NT_CHECK_EQ(send_udp(&conn, NT_MY_IP, 4000, "self", 4), 0);
	for (int i = 0; i < 100 && wild.r_count == 0; i++)
		nt_sleep_ms(10);
	NT_CHECK(wild.r_count == 1 && wild.r_len == 4);
	NT_CHECK(memcmp(wild.r_data, "self", 4) == 0);
	NT_CHECK(wild.r_from.if_src == NT_MY_IP &&
	    wild.r_from.if_sport == conn.r_inp.inp_lport);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	/* Nobody on the port: the port unreachable comes back too. */
	NT_CHECK_EQ(send_udp(&conn, NT_MY_IP, 4001, "none", 4), 0);
	for (int i = 0; i < 100 && if_stat_get(ifp, IFS_NOPROTO) == 0; i++)
		nt_sleep_ms(10);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_UDP_NOPORT), 1);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_NOPROTO), 1);	/* unclaimed error */
	nti_rx_close(&conn);
	nti_rx_close(&wild);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}
