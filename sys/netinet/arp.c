/*
 * ARP for IPv4 over Ethernet (RFC 826), with the address conflict
 * handling of RFC 5227 (announcement, detecting and defending against a
 * host that uses our address).
 *
 * The cache is a fixed table of ARP_MAXENTRIES entries, each free,
 * incomplete (a request is out; packets wait on la_hold), complete (the
 * link address is known until la_deadline) or failed (no answer after
 * ARP_MAXTRIES requests; callers get EHOSTDOWN until la_deadline). One
 * timer runs at the earliest la_deadline of all entries.
 *
 * Learning rule: an entry is created only for a request addressed to us
 * (the sender will talk to us) or filled by an answer to our own
 * request; any packet from a host that already has an entry refreshes
 * it (RFC 826 "merge"). Replies nobody asked for are counted and not
 * learnt.
 *
 * Invariants: la_nhold counts the m_nextpkt list la_hold..la_holdtail and
 * is 0 unless the entry is incomplete; an entry is free iff la_ifp is
 * NULL.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <kern/klog.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

#define ARPHRD_ETHER 1
#define ARPOP_REQUEST 1
#define ARPOP_REPLY 2
#define ARP_DEFEND_INTERVAL_S 10	/* RFC 5227 DEFEND_INTERVAL */

struct arp_pkt {
	uint16_t ar_hrd;
	uint16_t ar_pro;
	uint8_t ar_hln;
	uint8_t ar_pln;
	uint16_t ar_op;
	uint8_t ar_sha[ETHER_ADDR_LEN];
	in_addr_t ar_spa;
	uint8_t ar_tha[ETHER_ADDR_LEN];
	in_addr_t ar_tpa;
} __attribute__((__packed__));
_Static_assert(sizeof(struct arp_pkt) == 28, "arp packet");

enum { LA_FREE, LA_INCOMPLETE, LA_COMPLETE, LA_FAILED };

struct llentry {
	struct ifnet *la_ifp;
	in_addr_t la_addr;
	uint8_t la_ll[ETHER_ADDR_LEN];
	uint8_t la_state;
	uint8_t la_tries;		/* requests sent */
	uint64_t la_deadline;		/* retry, expiry or end of failure */
	uint64_t la_used;		/* last resolution: LRU eviction */
	struct mbuf *la_hold;
	struct mbuf *la_holdtail;
	unsigned la_nhold;
};

static struct llentry arp_table[ARP_MAXENTRIES];
static struct inet_timer arp_timer;

static void
arp_send(struct ifnet *ifp, uint16_t op, in_addr_t spa,
    const uint8_t *tha, in_addr_t tpa, const uint8_t *dst)
{
	struct arp_pkt *ap;
	struct mbuf *m;

	if ((m = inet_getpkt(sizeof(*ap), M_LINKSPACE)) == NULL) {
		if_stat_add(ifp, IFS_OERRORS, 1);
		return;
	}
	ap = mtod(m, struct arp_pkt *);
	ap->ar_hrd = net_htons(ARPHRD_ETHER);
	ap->ar_pro = net_htons(ETHERTYPE_IP);
	ap->ar_hln = ETHER_ADDR_LEN;
	ap->ar_pln = 4;
	ap->ar_op = net_htons(op);
	memcpy(ap->ar_sha, ifp->if_lladdr, ETHER_ADDR_LEN);
	ap->ar_spa = spa;
	if (tha != NULL)
		memcpy(ap->ar_tha, tha, ETHER_ADDR_LEN);
	else
		memset(ap->ar_tha, 0, ETHER_ADDR_LEN);
	ap->ar_tpa = tpa;
	(void)ifp->if_output(ifp, m, ETHERTYPE_ARP, dst);
}

static void
arp_request(struct ifnet *ifp, in_addr_t tpa)
{
	arp_send(ifp, ARPOP_REQUEST, in_ifaddr(ifp), NULL, tpa,
	    etherbroadcastaddr);
}

void
arp_announce(struct ifnet *ifp)
{
	in_addr_t a = in_ifaddr(ifp);

	/* RFC 5227 2.3: a request with sender = target = our address. */
	if (a != 0)
		arp_send(ifp, ARPOP_REQUEST, a, NULL, a, etherbroadcastaddr);
}

/* ---- the table ---------------------------------------------------------- */

static struct llentry *
arp_find(in_addr_t addr, const struct ifnet *ifp)
{
	for (unsigned i = 0; i < ARP_MAXENTRIES; i++) {
		struct llentry *la = &arp_table[i];

		if (la->la_ifp != NULL && la->la_addr == addr &&
		    (ifp == NULL || la->la_ifp == ifp))
			return la;
	}
	return NULL;
}

/* Frees the held packets, counting each as an output error. */
static void
arp_drop_hold(struct llentry *la)
{
	if (la->la_nhold != 0)
		if_stat_add(la->la_ifp, IFS_OERRORS, la->la_nhold);
	m_freem_list(la->la_hold);
	la->la_hold = la->la_holdtail = NULL;
	la->la_nhold = 0;
}

static void
arp_free(struct llentry *la)
{
	arp_drop_hold(la);
	memset(la, 0, sizeof(*la));
}

/* A free slot; if none, the least recently used complete entry (or the
 * oldest failed one) is evicted. NULL if every entry is incomplete. */
static struct llentry *
arp_alloc(in_addr_t addr, struct ifnet *ifp)
{
	struct llentry *la = NULL, *victim = NULL;

	for (unsigned i = 0; i < ARP_MAXENTRIES && la == NULL; i++) {
		struct llentry *e = &arp_table[i];

		if (e->la_ifp == NULL)
			la = e;
		else if (e->la_state == LA_COMPLETE &&
		    (victim == NULL || victim->la_state != LA_COMPLETE ||
		    e->la_used < victim->la_used))
			victim = e;
		else if (e->la_state == LA_FAILED &&
		    (victim == NULL || (victim->la_state == LA_FAILED &&
		    e->la_deadline < victim->la_deadline)))
			victim = e;
	}
	if (la == NULL && (la = victim) != NULL)
		arp_free(la);
	if (la == NULL)
		return NULL;
	la->la_ifp = ifp;
	la->la_addr = addr;
	la->la_state = LA_INCOMPLETE;
	la->la_used = inet_now_ns();
	return la;
}

/* The entry now knows ll: complete it and send what was waiting. */
static void
arp_complete(struct llentry *la, const uint8_t *ll)
{
	struct mbuf *m, *next;

	memcpy(la->la_ll, ll, ETHER_ADDR_LEN);
	la->la_state = LA_COMPLETE;
	la->la_tries = 0;
	la->la_deadline = inet_now_ns() + ARP_TIMEOUT_S * INET_NS_PER_S;
	m = la->la_hold;
	la->la_hold = la->la_holdtail = NULL;
	la->la_nhold = 0;
	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		(void)la->la_ifp->if_output(la->la_ifp, m, ETHERTYPE_IP,
		    la->la_ll);
	}
	inet_timer_arm(&arp_timer, la->la_deadline);
}

static void
arp_hold(struct llentry *la, struct mbuf *m)
{
	struct mbuf *old;

	if (la->la_nhold >= ARP_MAXHOLD) {
		old = la->la_hold;
		la->la_hold = old->m_nextpkt;
		old->m_nextpkt = NULL;
		m_freem(old);
		la->la_nhold--;
		if_stat_add(la->la_ifp, IFS_OQDROPS, 1);
	}
	m->m_nextpkt = NULL;
	if (la->la_hold == NULL)
		la->la_hold = m;
	else
		la->la_holdtail->m_nextpkt = m;
	la->la_holdtail = m;
	la->la_nhold++;
}

/* ---- resolution --------------------------------------------------------- */

/* Starts (or restarts) resolution of la: the first request goes now. */
static void
arp_start(struct llentry *la)
{
	la->la_state = LA_INCOMPLETE;
	la->la_tries = 1;
	la->la_deadline = inet_now_ns() + ARP_RETRY_MS * INET_NS_PER_MS;
	arp_request(la->la_ifp, la->la_addr);
	inet_timer_arm(&arp_timer, la->la_deadline);
}

int
arp_resolve(struct ifnet *ifp, in_addr_t nh, struct mbuf *m,
    uint8_t lladdr[ETHER_ADDR_LEN])
{
	struct llentry *la = arp_find(nh, ifp);
	uint64_t now = inet_now_ns();

	if (la != NULL && la->la_state == LA_COMPLETE && now < la->la_deadline) {
		memcpy(lladdr, la->la_ll, ETHER_ADDR_LEN);
		la->la_used = now;
		return 0;
	}
	if (la != NULL && la->la_state == LA_FAILED && now < la->la_deadline) {
		if_stat_add(ifp, IFS_OERRORS, 1);
		m_freem(m);
		return EHOSTDOWN;
	}
	if (la == NULL && (la = arp_alloc(nh, ifp)) == NULL) {
		if_stat_add(ifp, IFS_OQDROPS, 1);
		m_freem(m);
		return ENOBUFS;
	}
	la->la_used = now;
	arp_hold(la, m);
	if (la->la_state != LA_INCOMPLETE || la->la_tries == 0)
		arp_start(la);
	return EWOULDBLOCK;
}

/* One entry whose deadline has come. */
static void
arp_expire(struct llentry *la, uint64_t now)
{
	switch (la->la_state) {
	case LA_INCOMPLETE:
		if (la->la_tries < ARP_MAXTRIES) {
			la->la_tries++;
			la->la_deadline = now + ARP_RETRY_MS * INET_NS_PER_MS;
			arp_request(la->la_ifp, la->la_addr);
			break;
		}
		arp_drop_hold(la);
		la->la_state = LA_FAILED;
		la->la_deadline = now + ARP_DOWN_S * INET_NS_PER_S;
		break;
	default:
		arp_free(la);
		break;
	}
}

void
arp_timer_run(void)
{
	uint64_t now = inet_now_ns(), next = UINT64_MAX;

	KASSERT(mutex_owned(&net_lock));
	for (unsigned i = 0; i < ARP_MAXENTRIES; i++) {
		struct llentry *la = &arp_table[i];

		if (la->la_ifp != NULL && la->la_deadline <= now)
			arp_expire(la, now);
		if (la->la_ifp != NULL && la->la_deadline < next)
			next = la->la_deadline;
	}
	if (next != UINT64_MAX)
		inet_timer_arm(&arp_timer, next);
}

/* ---- input -------------------------------------------------------------- */

/* The header is one we handle and the sender looks like a host. */
static bool
arp_valid(struct ifnet *ifp, const struct arp_pkt *ap)
{
	uint16_t op = net_ntohs(ap->ar_op);

	if (ap->ar_hrd != net_htons(ARPHRD_ETHER) ||
	    ap->ar_pro != net_htons(ETHERTYPE_IP) ||
	    ap->ar_hln != ETHER_ADDR_LEN || ap->ar_pln != 4 ||
	    (op != ARPOP_REQUEST && op != ARPOP_REPLY))
		return false;
	if ((ap->ar_sha[0] & 1) != 0 ||
	    memcmp(ap->ar_sha, ifp->if_lladdr, ETHER_ADDR_LEN) == 0)
		return false;
	if (IN_MULTICAST_N(ap->ar_spa) || in_broadcast(ap->ar_spa, ifp) ||
	    IN_LOOPBACK_N(ap->ar_spa))
		return false;
	return true;
}

/* Someone else sends with our address as its own. */
static void
arp_dupaddr(struct ifnet *ifp, const struct arp_pkt *ap)
{
	struct in_ifinfo *ii = in_ifinfo(ifp);
	uint64_t now = inet_now_ns();
	char a[16], ll[18];

	if_stat_add(ifp, IFS_ARP_DUPADDR, 1);
	if (ii->ii_duplog_ns == 0 ||
	    now - ii->ii_duplog_ns >= ARP_DEFEND_INTERVAL_S * INET_NS_PER_S) {
		ii->ii_duplog_ns = now;
		klog(LOG_WARNING, "%s: address %s is also used by %s",
		    ifp->if_xname, inet_ntoa_r(ap->ar_spa, a),
		    ether_sprintf(ll, ap->ar_sha));
	}
	/* RFC 5227 2.4 (b): defend once per DEFEND_INTERVAL. */
	if (ii->ii_defend_ns == 0 ||
	    now - ii->ii_defend_ns >= ARP_DEFEND_INTERVAL_S * INET_NS_PER_S) {
		ii->ii_defend_ns = now;
		arp_announce(ifp);
	}
}

/* Merge the sender into the cache, by the learning rule above. */
static void
arp_learn(struct ifnet *ifp, const struct arp_pkt *ap, bool for_us)
{
	bool reply = ap->ar_op == net_htons(ARPOP_REPLY);
	struct llentry *la = arp_find(ap->ar_spa, ifp);

	if (reply && (la == NULL || la->la_state != LA_INCOMPLETE))
		if_stat_add(ifp, IFS_ARP_UNSOLICITED, 1);
	if (la == NULL && !reply && for_us)
		la = arp_alloc(ap->ar_spa, ifp);
	if (la != NULL)
		arp_complete(la, ap->ar_sha);
}

void
arp_input(struct ifnet *ifp, struct mbuf *m)
{
	struct arp_pkt ap;
	in_addr_t me = in_ifaddr(ifp);
	bool for_us;

	if (m->m_pkthdr.len < sizeof(ap)) {
		if_stat_add(ifp, IFS_ARP_BAD, 1);
		m_freem(m);
		return;
	}
	m_copydata(m, 0, sizeof(ap), &ap);
	m_freem(m);
	if (!arp_valid(ifp, &ap)) {
		if_stat_add(ifp, IFS_ARP_BAD, 1);
		return;
	}
	if (me != 0 && ap.ar_spa == me) {
		arp_dupaddr(ifp, &ap);
		return;
	}
	for_us = me != 0 && ap.ar_tpa == me;
	if (ap.ar_spa != 0)
		arp_learn(ifp, &ap, for_us);
	if (for_us && ap.ar_op == net_htons(ARPOP_REQUEST))
		arp_send(ifp, ARPOP_REPLY, me, ap.ar_sha, ap.ar_spa,
		    ap.ar_sha);
}

/* ---- interfaces, listings ----------------------------------------------- */

void
arp_purge_ifp(struct ifnet *ifp)
{
	for (unsigned i = 0; i < ARP_MAXENTRIES; i++)
		if (arp_table[i].la_ifp == ifp)
			arp_free(&arp_table[i]);
}

void
arp_link_change(struct ifnet *ifp, int state)
{
	if (state == LINK_STATE_UP)
		arp_announce(ifp);
	else if (state == LINK_STATE_DOWN)
		arp_purge_ifp(ifp);
}

bool
arp_lookup(in_addr_t addr, uint8_t lladdr[ETHER_ADDR_LEN])
{
	struct llentry *la = arp_find(addr, NULL);

	if (la == NULL || la->la_state != LA_COMPLETE ||
	    inet_now_ns() >= la->la_deadline)
		return false;
	if (lladdr != NULL)
		memcpy(lladdr, la->la_ll, ETHER_ADDR_LEN);
	return true;
}

void
arp_foreach(void (*fn)(void *arg, in_addr_t, const uint8_t *lladdr,
    struct ifnet *, bool complete), void *arg)
{
	for (unsigned i = 0; i < ARP_MAXENTRIES; i++) {
		struct llentry *la = &arp_table[i];

		if (la->la_ifp != NULL)
			fn(arg, la->la_addr, la->la_ll, la->la_ifp,
			    la->la_state == LA_COMPLETE);
	}
}

unsigned
arp_held_packets(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < ARP_MAXENTRIES; i++)
		n += arp_table[i].la_nhold;
	return n;
}

void
arp_init(void)
{
	inet_timer_init(&arp_timer, arp_timer_run);
}
