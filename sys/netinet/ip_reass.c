/*
 * IPv4 reassembly (RFC 791 section 3.2, RFC 815's hole bookkeeping
 * replaced by a sorted fragment array).
 *
 * A datagram being reassembled is identified by (source, destination,
 * protocol, identification). At most IP_REASS_MAXPKTS are pending (a new
 * one evicts the oldest), each with at most IP_REASS_MAXFRAGS fragments,
 * each for at most IP_REASS_TIMEOUT_S from its first fragment: after
 * that it is dropped, with an ICMP time exceeded (reassembly) if its
 * first fragment had arrived (RFC 1122 3.3.2).
 *
 * Fragments that cannot be honest drop the whole datagram: overlapping
 * data (in the spirit of RFC 5722), data past the end the last fragment
 * gave, two different ends, a total beyond 65535 bytes. An exact
 * duplicate of a fragment we hold is dropped alone. Every fragment
 * dropped is counted in IFS_IP_FRAGDROP.
 *
 * Invariants: q_frags[0..q_nfrags) are sorted by offset and do not
 * overlap; each holds only the fragment's data (IP header removed);
 * q_hlen != 0 iff the first fragment (offset 0) arrived, and then
 * q_hdr holds its header.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

struct ipq_frag {
	struct mbuf *f_m;
	unsigned f_off;
	unsigned f_len;
};

struct ipq {
	struct ifnet *q_ifp;	/* NULL: slot free */
	in_addr_t q_src, q_dst;
	uint16_t q_id;
	uint8_t q_p;
	bool q_havelast;
	unsigned q_end;		/* data length, once the last fragment came */
	unsigned q_hlen;
	uint64_t q_deadline;
	uint8_t q_hdr[60];
	unsigned q_nfrags;
	struct ipq_frag q_frags[IP_REASS_MAXFRAGS];
};

static struct ipq ipq_table[IP_REASS_MAXPKTS];
static struct inet_timer ipq_timer;

/* Frees q and its fragments; counts them (and extra) as dropped. */
static void
ipq_drop(struct ipq *q, unsigned extra)
{
	for (unsigned i = 0; i < q->q_nfrags; i++)
		m_freem(q->q_frags[i].f_m);
	if_stat_add(q->q_ifp, IFS_IP_FRAGDROP, q->q_nfrags + extra);
	memset(q, 0, sizeof(*q));
}

static struct ipq *
ipq_find(const struct ip_hdr *ip)
{
	for (unsigned i = 0; i < IP_REASS_MAXPKTS; i++) {
		struct ipq *q = &ipq_table[i];

		if (q->q_ifp != NULL && q->q_src == ip->ip_src &&
		    q->q_dst == ip->ip_dst && q->q_id == ip->ip_id &&
		    q->q_p == ip->ip_p)
			return q;
	}
	return NULL;
}

/* A new entry; the oldest goes if all are taken. */
static struct ipq *
ipq_new(struct ifnet *ifp, const struct ip_hdr *ip)
{
	struct ipq *q = NULL, *oldest = &ipq_table[0];

	for (unsigned i = 0; i < IP_REASS_MAXPKTS && q == NULL; i++) {
		if (ipq_table[i].q_ifp == NULL)
			q = &ipq_table[i];
		else if (ipq_table[i].q_deadline < oldest->q_deadline)
			oldest = &ipq_table[i];
	}
	if (q == NULL) {
		q = oldest;
		ipq_drop(q, 0);
	}
	q->q_ifp = ifp;
	q->q_src = ip->ip_src;
	q->q_dst = ip->ip_dst;
	q->q_id = ip->ip_id;
	q->q_p = ip->ip_p;
	q->q_deadline = inet_now_ns() + IP_REASS_TIMEOUT_S * INET_NS_PER_S;
	inet_timer_arm(&ipq_timer, q->q_deadline);
	return q;
}

/*
 * Where a fragment [off, off + len) goes in q: its index, or -1 if it
 * overlaps one we hold, -2 if it duplicates one exactly.
 */
static int
ipq_slot(const struct ipq *q, unsigned off, unsigned len)
{
	unsigned i;

	for (i = 0; i < q->q_nfrags; i++) {
		const struct ipq_frag *f = &q->q_frags[i];

		if (f->f_off == off && f->f_len == len)
			return -2;
		if (off < f->f_off + f->f_len && f->f_off < off + len)
			return -1;
		if (off < f->f_off)
			break;
	}
	return (int)i;
}

/* The fragment fits what q knows of the datagram's end. */
static bool
ipq_end_ok(struct ipq *q, unsigned off, unsigned len, bool mf)
{
	unsigned end = off + len;

	if (mf)
		return !q->q_havelast || end <= q->q_end;
	if (q->q_havelast)
		return end == q->q_end;
	if (q->q_nfrags > 0) {
		const struct ipq_frag *f = &q->q_frags[q->q_nfrags - 1];

		if (f->f_off + f->f_len > end)
			return false;
	}
	q->q_havelast = true;
	q->q_end = end;
	return true;
}

static bool
ipq_complete(const struct ipq *q)
{
	unsigned next = 0;

	if (!q->q_havelast || q->q_hlen == 0)
		return false;
	for (unsigned i = 0; i < q->q_nfrags; i++) {
		if (q->q_frags[i].f_off != next)
			return false;
		next += q->q_frags[i].f_len;
	}
	return next == q->q_end;
}

/* Chains the fragments of a complete q behind its header; frees q. */
static struct mbuf *
ipq_join(struct ipq *q)
{
	struct mbuf *m = q->q_frags[0].f_m;
	struct ip_hdr *ip;
	unsigned total = q->q_hlen + q->q_end;

	for (unsigned i = 1; i < q->q_nfrags; i++)
		m_cat(m, q->q_frags[i].f_m);
	m->m_pkthdr.len = q->q_end;
	m->m_pkthdr.csum_flags = 0;
	q->q_nfrags = 0;
	if ((m = m_prepend(m, q->q_hlen, M_NOWAIT)) == NULL ||
	    (m = m_pullup(m, q->q_hlen)) == NULL) {
		if_stat_add(q->q_ifp, IFS_IQDROPS, 1);
		memset(q, 0, sizeof(*q));
		return NULL;
	}
	memcpy(mtod(m, uint8_t *), q->q_hdr, q->q_hlen);
	ip = mtod(m, struct ip_hdr *);
	ip->ip_len = net_htons((uint16_t)total);
	ip->ip_off &= net_htons(IP_DF);
	ip->ip_sum = 0;
	ip->ip_sum = in_cksum(m, 0, q->q_hlen);
	memset(q, 0, sizeof(*q));
	return m;
}

/* Adds the fragment (data only now) at slot i of q. */
static void
ipq_insert(struct ipq *q, int i, struct mbuf *m, unsigned off, unsigned len)
{
	memmove(&q->q_frags[i + 1], &q->q_frags[i],
	    (q->q_nfrags - (unsigned)i) * sizeof(q->q_frags[0]));
	q->q_frags[i].f_m = m;
	q->q_frags[i].f_off = off;
	q->q_frags[i].f_len = len;
	q->q_nfrags++;
}

struct mbuf *
ip_reass(struct ifnet *ifp, struct mbuf *m, unsigned hlen)
{
	const struct ip_hdr *ip = mtod(m, const struct ip_hdr *);
	uint16_t offw = net_ntohs(ip->ip_off);
	unsigned off = (offw & IP_OFFMASK) * 8u, len = m->m_pkthdr.len - hlen;
	bool mf = (offw & IP_MF) != 0;
	struct ipq *q;
	int i;

	if (len == 0 || (mf && (len & 7) != 0)) {
		if_stat_add(ifp, IFS_IP_FRAGDROP, 1);
		m_freem(m);
		return NULL;
	}
	if ((q = ipq_find(ip)) == NULL)
		q = ipq_new(ifp, ip);
	if (off + len + hlen > IP_MAXPACKET || !ipq_end_ok(q, off, len, mf) ||
	    q->q_nfrags >= IP_REASS_MAXFRAGS ||
	    (i = ipq_slot(q, off, len)) == -1) {
		ipq_drop(q, 1);
		m_freem(m);
		return NULL;
	}
	if (i == -2) {
		if_stat_add(ifp, IFS_IP_FRAGDROP, 1);
		m_freem(m);
		return NULL;
	}
	if (off == 0) {
		memcpy(q->q_hdr, mtod(m, const uint8_t *), hlen);
		q->q_hlen = hlen;
	}
	m_adj(m, (int)hlen);
	ipq_insert(q, i, m, off, len);
	if (!ipq_complete(q))
		return NULL;
	if (q->q_hlen + q->q_end > IP_MAXPACKET) {
		ipq_drop(q, 0);
		return NULL;
	}
	return ipq_join(q);
}

/* The datagram timed out: an ICMP error quoting its first fragment. */
static void
ipq_timeout(struct ipq *q)
{
	struct mbuf *first, *h;
	unsigned n;

	if (q->q_hlen == 0 || q->q_frags[0].f_off != 0) {
		ipq_drop(q, 0);
		return;
	}
	first = q->q_frags[0].f_m;
	n = first->m_pkthdr.len < 8 ? first->m_pkthdr.len : 8;
	h = inet_getpkt(q->q_hlen, INET_HEADROOM + 8);
	if (h != NULL && (h->m_next = m_copym(first, 0, n, M_NOWAIT)) != NULL) {
		memcpy(mtod(h, uint8_t *), q->q_hdr, q->q_hlen);
		h->m_pkthdr.len = q->q_hlen + n;
		h->m_pkthdr.rcvif = q->q_ifp;
		h->m_flags |= first->m_flags & (M_BCAST | M_MCAST);
		icmp_error(q->q_ifp, h, ICMP_TIMXCEED, ICMP_TIMXCEED_REASS);
	} else {
		m_freem(h);
	}
	ipq_drop(q, 0);
}

void
ip_reass_timer_run(void)
{
	uint64_t now = inet_now_ns(), next = UINT64_MAX;

	KASSERT(mutex_owned(&net_lock));
	for (unsigned i = 0; i < IP_REASS_MAXPKTS; i++) {
		struct ipq *q = &ipq_table[i];

		if (q->q_ifp != NULL && q->q_deadline <= now)
			ipq_timeout(q);
		if (q->q_ifp != NULL && q->q_deadline < next)
			next = q->q_deadline;
	}
	if (next != UINT64_MAX)
		inet_timer_arm(&ipq_timer, next);
}

void
ip_reass_purge_ifp(struct ifnet *ifp)
{
	for (unsigned i = 0; i < IP_REASS_MAXPKTS; i++)
		if (ipq_table[i].q_ifp == ifp)
			ipq_drop(&ipq_table[i], 0);
}

unsigned
ip_reass_pending(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < IP_REASS_MAXPKTS; i++)
		if (ipq_table[i].q_ifp != NULL)
			n++;
	return n;
}

void
ip_reass_init(void)
{
	inet_timer_init(&ipq_timer, ip_reass_timer_run);
}
