/*
 * ARP (sys/netinet/arp.c) through a fake interface: replies to requests
 * for our address, resolution with the hold queue, retries and failure,
 * expiry, the learning rule, conflicts, malformed packets, announcements,
 * eviction, and purging on detach. Time is moved with nti_advance_ms.
 */
#include <errno.h>
#include <string.h>

#include "inet_nt.h"

struct arpf {
	uint16_t op;
	uint8_t sha[6], tha[6];
	in_addr_t spa, tpa;
	uint8_t edst[6];
};

/* Takes the next sent frame; true if it is ARP (parsed into *a). */
static bool
take_arp(struct ifnet *ifp, struct arpf *a)
{
	uint8_t f[NT_FRAME_MAX];
	size_t n = fakeif_take_sent_buf(ifp, f, sizeof(f));

	if (n < ETHER_HDR_LEN + 28 || nti_etype(f) != ETHERTYPE_ARP)
		return false;
	memcpy(a->edst, f, 6);
	a->op = (uint16_t)(f[20] << 8 | f[21]);
	memcpy(a->sha, f + 22, 6);
	memcpy(&a->spa, f + 28, 4);
	memcpy(a->tha, f + 32, 6);
	memcpy(&a->tpa, f + 38, 4);
	return true;
}

/* ip_output of a small datagram to dst; its return value. */
static int
send_ip(in_addr_t dst)
{
	struct ip_out io = {.io_dst = dst, .io_proto = 253};
	struct mbuf *m;
	int rv;

	mutex_enter(&net_lock);
	m = inet_getpkt(32, INET_HEADROOM);
	NT_CHECK(m != NULL);
	memset(mtod(m, void *), 0x5a, 32);
	rv = ip_output(m, &io);
	mutex_exit(&net_lock);
	return rv;
}

static void
inject_arp(struct ifnet *ifp, uint16_t op, const uint8_t *sha, in_addr_t spa,
    in_addr_t tpa)
{
	uint8_t f[64];
	unsigned n = nti_arp(f, op == 1 ? etherbroadcastaddr : nt_my_mac, op,
	    sha, spa, op == 2 ? nt_my_mac : NULL, tpa);

	fakeif_inject(ifp, f, n);
}

static bool
lookup(in_addr_t a, uint8_t *ll)
{
	bool r;

	mutex_enter(&net_lock);
	r = arp_lookup(a, ll);
	mutex_exit(&net_lock);
	return r;
}

NT_CASE(arp_reply_to_request_and_learn)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct arpf a;
	uint8_t ll[6];

	nt_leak_start(&lk);
	ifp = nti_ifcreate("arp0");
	inject_arp(ifp, 1, nt_peer_mac, NT_PEER_IP, NT_MY_IP);
	NT_CHECK(take_arp(ifp, &a));
	NT_CHECK_EQ(a.op, 2);
	NT_CHECK(memcmp(a.edst, nt_peer_mac, 6) == 0);
	NT_CHECK(memcmp(a.sha, nt_my_mac, 6) == 0);
	NT_CHECK(memcmp(a.tha, nt_peer_mac, 6) == 0);
	NT_CHECK(a.spa == NT_MY_IP && a.tpa == NT_PEER_IP);
	NT_CHECK(lookup(NT_PEER_IP, ll) && memcmp(ll, nt_peer_mac, 6) == 0);
	/* A request for someone else: no reply, not learnt. */
	inject_arp(ifp, 1, (const uint8_t[]){2, 0, 0, 0, 0, 0xbb},
	    INET_ADDR(10, 0, 0, 7), INET_ADDR(10, 0, 0, 9));
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	NT_CHECK(!lookup(INET_ADDR(10, 0, 0, 7), NULL));
	/* An ARP probe (sender 0.0.0.0) for our address gets a reply. */
	inject_arp(ifp, 1, (const uint8_t[]){2, 0, 0, 0, 0, 0xbc}, 0, NT_MY_IP);
	NT_CHECK(take_arp(ifp, &a) && a.op == 2 && a.tpa == 0);
	NT_CHECK(!lookup(0, NULL));
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(arp_resolve_holds_then_sends)
{
	in_addr_t dst = INET_ADDR(10, 0, 0, 3);
	const uint8_t mac3[6] = {2, 0, 0, 0, 0, 3};
	struct nt_leak lk;
	struct ifnet *ifp;
	struct arpf a;
	uint64_t drops;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("arp1");
	NT_CHECK_EQ(send_ip(dst), 0);
	NT_CHECK(take_arp(ifp, &a));
	NT_CHECK(a.op == 1 && a.tpa == dst && a.spa == NT_MY_IP);
	NT_CHECK(memcmp(a.edst, etherbroadcastaddr, 6) == 0);
	NT_CHECK_EQ(arp_held_packets(), 1);
	drops = if_stat_get(ifp, IFS_OQDROPS);
	for (int i = 0; i < ARP_MAXHOLD + 4; i++)
		NT_CHECK_EQ(send_ip(dst), 0);
	/* No second request before the retry time. */
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	NT_CHECK_EQ(arp_held_packets(), ARP_MAXHOLD);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_OQDROPS) - drops, 5);
	inject_arp(ifp, 2, mac3, dst, NT_MY_IP);
	NT_CHECK_EQ(arp_held_packets(), 0);
	NT_CHECK_EQ(fakeif_sent_count(ifp), ARP_MAXHOLD);
	for (int i = 0; i < ARP_MAXHOLD; i++) {
		uint8_t f[NT_FRAME_MAX];

		NT_CHECK(fakeif_take_sent_buf(ifp, f, sizeof(f)) == 14 + 52);
		NT_CHECK(memcmp(f, mac3, 6) == 0);
		NT_CHECK(nti_etype(f) == ETHERTYPE_IP);
	}
	/* Now resolved: sent at once. */
	NT_CHECK_EQ(send_ip(dst), 0);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 1);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_ARP_UNSOLICITED), 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(arp_retries_then_fails)
{
	in_addr_t dst = INET_ADDR(10, 0, 0, 4);
	struct nt_leak lk;
	struct ifnet *ifp;
	struct arpf a;
	uint64_t oerr;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("arp2");
	oerr = if_stat_get(ifp, IFS_OERRORS);
	NT_CHECK_EQ(send_ip(dst), 0);
	NT_CHECK_EQ(send_ip(dst), 0);
	for (int i = 1; i < ARP_MAXTRIES; i++) {
		NT_CHECK(take_arp(ifp, &a) && a.op == 1 && a.tpa == dst);
		nti_advance_ms(ARP_RETRY_MS);
	}
	NT_CHECK(take_arp(ifp, &a) && a.tpa == dst);
	NT_CHECK_EQ(arp_held_packets(), 2);
	nti_advance_ms(ARP_RETRY_MS);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	NT_CHECK_EQ(arp_held_packets(), 0);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_OERRORS) - oerr, 2);
	NT_CHECK_EQ(send_ip(dst), EHOSTDOWN);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	/* After a while it tries again. */
	nti_advance_ms(ARP_DOWN_S * 1000 + 1);
	NT_CHECK_EQ(send_ip(dst), 0);
	NT_CHECK(take_arp(ifp, &a) && a.tpa == dst);
	fakeif_destroy(ifp);
	NT_CHECK_EQ(arp_held_packets(), 0);
	nt_leak_check(&lk);
}

NT_CASE(arp_entries_expire)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct arpf a;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("arp3");
	nti_learn_peer(ifp);
	NT_CHECK(lookup(NT_PEER_IP, NULL));
	nti_advance_ms((uint64_t)ARP_TIMEOUT_S * 1000 - 1000);
	NT_CHECK(lookup(NT_PEER_IP, NULL));
	nti_advance_ms(1001);
	NT_CHECK(!lookup(NT_PEER_IP, NULL));
	NT_CHECK_EQ(send_ip(NT_PEER_IP), 0);
	NT_CHECK(take_arp(ifp, &a) && a.op == 1 && a.tpa == NT_PEER_IP);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(arp_unsolicited_replies_not_learnt)
{
	in_addr_t x = INET_ADDR(10, 0, 0, 5);
	const uint8_t macx[6] = {2, 0, 0, 0, 0, 5}, macy[6] = {2, 0, 0, 0, 0, 6};
	struct nt_leak lk;
	struct ifnet *ifp;
	uint8_t ll[6];

	nt_leak_start(&lk);
	ifp = nti_ifcreate("arp4");
	inject_arp(ifp, 2, macx, x, NT_MY_IP);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_ARP_UNSOLICITED), 1);
	NT_CHECK(!lookup(x, NULL));
	/* Known (it asked for us); an unsolicited reply updates it. */
	inject_arp(ifp, 1, macx, x, NT_MY_IP);
	fakeif_drop_sent(ifp);
	NT_CHECK(lookup(x, ll) && memcmp(ll, macx, 6) == 0);
	inject_arp(ifp, 2, macy, x, NT_MY_IP);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_ARP_UNSOLICITED), 2);
	NT_CHECK(lookup(x, ll) && memcmp(ll, macy, 6) == 0);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(arp_duplicate_address_detected)
{
	const uint8_t thief[6] = {2, 0, 0, 0, 0, 0x66};
	struct nt_leak lk;
	struct ifnet *ifp;
	struct arpf a;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("arp5");
	inject_arp(ifp, 1, thief, NT_MY_IP, NT_MY_IP);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_ARP_DUPADDR), 1);
	NT_CHECK(nt_dmesg_has("address 10.0.0.1 is also used by"));
	/* We defend once: an announcement. */
	NT_CHECK(take_arp(ifp, &a) && a.op == 1 && a.spa == NT_MY_IP &&
	    a.tpa == NT_MY_IP);
	inject_arp(ifp, 2, thief, NT_MY_IP, NT_MY_IP);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_ARP_DUPADDR), 2);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	NT_CHECK(!lookup(NT_MY_IP, NULL));
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(arp_malformed_counted)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	uint8_t f[64], g[64];
	unsigned n;
	static const struct { int off; uint8_t val; } bad[] = {
		{14 + 1, 6},	/* hardware type */
		{14 + 2, 0x86},	/* protocol type */
		{14 + 4, 8},	/* hardware length */
		{14 + 5, 16},	/* protocol length */
		{14 + 7, 9},	/* opcode */
		{14 + 8, 0x01},	/* multicast sender */
	};

	nt_leak_start(&lk);
	ifp = nti_ifcreate("arp6");
	n = nti_arp(f, etherbroadcastaddr, 1, nt_peer_mac, NT_PEER_IP, NULL,
	    NT_MY_IP);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(g, f, n);
		g[bad[i].off] = bad[i].val;
		fakeif_inject(ifp, g, n);
	}
	for (unsigned len = 14; len < n; len += 3)
		fakeif_inject(ifp, f, len);
	NT_CHECK_EQ(if_stat_get(ifp, IFS_ARP_BAD), 6 + (n - 14 + 2) / 3);
	NT_CHECK_EQ(fakeif_sent_count(ifp), 0);
	NT_CHECK(!lookup(NT_PEER_IP, NULL));
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(arp_announce_on_link_up)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct arpf a;

	nt_leak_start(&lk);
	ifp = fakeif_create("arp7", nt_my_mac);
	mutex_enter(&net_lock);
	NT_CHECK(in_ifaddr_set(ifp, NT_MY_IP, NT_MASK) == 0);
	mutex_exit(&net_lock);
	NT_CHECK(take_arp(ifp, &a) && a.op == 1 && a.spa == NT_MY_IP &&
	    a.tpa == NT_MY_IP && memcmp(a.tha, "\0\0\0\0\0\0", 6) == 0);
	nti_learn_peer(ifp);
	fakeif_set_link(ifp, false);
	NT_CHECK(!lookup(NT_PEER_IP, NULL));
	fakeif_set_link(ifp, true);
	NT_CHECK(take_arp(ifp, &a) && a.spa == NT_MY_IP && a.tpa == NT_MY_IP);
	fakeif_destroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(arp_table_full_evicts_lru)
{
	const uint8_t mac[6] = {2, 0, 0, 0, 1, 1};
	struct nt_leak lk;
	struct ifnet *ifp;
	unsigned count = 0;
	uint8_t macn[6];

	nt_leak_start(&lk);
	ifp = nti_ifcreate("arp8");
	for (unsigned i = 0; i < ARP_MAXENTRIES + 10; i++) {
		memcpy(macn, mac, 6);
		macn[4] = (uint8_t)(i >> 8);
		macn[5] = (uint8_t)(i + 1);
		nti_advance_ms(1);
		inject_arp(ifp, 1, macn, INET_ADDR(10, 1, i >> 8, i & 0xff),
		    NT_MY_IP);
		fakeif_drop_sent(ifp);
	}
	for (unsigned i = 0; i < ARP_MAXENTRIES + 10; i++)
		count += lookup(INET_ADDR(10, 1, i >> 8, i & 0xff), NULL);
	NT_CHECK_EQ(count, ARP_MAXENTRIES);
	NT_CHECK(!lookup(INET_ADDR(10, 1, 0, 0), NULL));
	NT_CHECK(lookup(INET_ADDR(10, 1, 1, 9), NULL));
	fakeif_destroy(ifp);
	NT_CHECK(!lookup(INET_ADDR(10, 1, 1, 9), NULL));
	nt_leak_check(&lk);
}

NT_CASE(arp_detach_frees_held)
{
	struct nt_leak lk;
	struct ifnet *ifp;

	nt_leak_start(&lk);
	ifp = nti_ifcreate("arp9");
	for (int i = 0; i < 5; i++)
		NT_CHECK_EQ(send_ip(INET_ADDR(10, 0, 0, 50 + i)), 0);
	NT_CHECK_EQ(arp_held_packets(), 5);
	fakeif_destroy(ifp);
	NT_CHECK_EQ(arp_held_packets(), 0);
	nt_leak_check(&lk);
}
