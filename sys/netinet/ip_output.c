/*
 * IPv4 output (RFC 791, RFC 1122 section 3.3): choosing the interface,
 * next hop and source address, the header, fragmentation to the
 * interface MTU, and the link-level send (Ethernet broadcast, the
 * multicast mapping of RFC 1112, or ARP); datagrams to our own
 * addresses loop back to ip_input.
 *
 * Header: no options; the identification comes from a counter that
 * starts at a random value; DF only when the caller asks for it.
 * The header checksum is left to the device only if its if_capenable
 * says it computes it.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

/* Where a datagram goes. */
struct ip_route {
	struct ifnet *ir_ifp;
	in_addr_t ir_nh;	/* link-level next hop */
	in_addr_t ir_src;
	bool ir_bcast;		/* link broadcast */
};

static uint16_t ip_id_next;

/*
 * Datagrams to one of our own addresses: queued, and handed to ip_input
 * from a callout, never from inside ip_output (whose caller may be deep
 * in the input path already). The receiving interface is the one that
 * owns the address when the datagram is delivered.
 */
#define IP_LOOP_MAXLEN 128
static struct mbuf_queue ip_loopq;
static callout_t ip_loop_co;

void
ip_init(void)
{
	ip_id_next = (uint16_t)inet_random();
	mq_init(&ip_loopq, IP_LOOP_MAXLEN);
	callout_init(&ip_loop_co);
}

static void
ip_loop_run(void *arg)
{
	const struct ip_hdr *ip;
	struct ifnet *ifp;
	struct mbuf *m;

	(void)arg;
	mutex_enter(&net_lock);
	while ((m = mq_dequeue(&ip_loopq)) != NULL) {
		ip = mtod(m, const struct ip_hdr *);
		if ((ifp = in_ifaddr_find(ip->ip_dst)) == NULL) {
			m_freem(m);
			continue;
		}
		ip_input(ifp, m);
	}
	mutex_exit(&net_lock);
}

/* m (header complete) goes to ifp's own address. */
static int
ip_loop(struct ifnet *ifp, struct mbuf *m)
{
	struct ip_hdr *ip = mtod(m, struct ip_hdr *);

	ip->ip_sum = 0;
	ip->ip_sum = in_cksum(m, 0, sizeof(*ip));
	m->m_flags |= M_LOOP;
	m->m_pkthdr.csum_flags = M_CSUM_IPV4_OK | M_CSUM_DATA_OK;
	if (!mq_enqueue(&ip_loopq, m)) {
		if_stat_add(ifp, IFS_OQDROPS, 1);
		return ENOBUFS;
	}
	if (!callout_pending(&ip_loop_co))
		callout_reset(&ip_loop_co, 0, ip_loop_run, NULL);
	return 0;
}

void
ip_mcast_lladdr(in_addr_t a, uint8_t ll[ETHER_ADDR_LEN])
{
	uint32_t h = net_ntohl(a);

	ll[0] = 0x01;
	ll[1] = 0x00;
	ll[2] = 0x5e;
	ll[3] = (uint8_t)((h >> 16) & 0x7f);
	ll[4] = (uint8_t)(h >> 8);
	ll[5] = (uint8_t)h;
}

/* For destinations no prefix covers (255.255.255.255, multicast): the
 * default route's interface, else the first interface that is up and
 * has an address. */
static struct ifnet *
ip_any_ifp(in_addr_t dst)
{
	const struct rtentry *rt = rt_lookup(dst);

	if (rt != NULL)
		return rt->rt_ifp;
	for (struct ifnet *ifp = if_first(); ifp != NULL; ifp = ifp->if_next)
		if ((ifp->if_flags & IFF_UP) != 0 && in_ifaddr(ifp) != 0)
			return ifp;
	return NULL;
}

static int
ip_route(const struct ip_out *io, struct ip_route *r)
{
	const struct rtentry *rt;
	in_addr_t dst = io->io_dst;

	memset(r, 0, sizeof(*r));
	if ((io->io_flags & IPO_IFP) != 0) {
		if (io->io_ifp == NULL)
			return EINVAL;
		r->ir_ifp = io->io_ifp;
		r->ir_bcast = true;
		r->ir_src = io->io_src;
		return 0;
	}
	if (dst == 0 || IN_LOOPBACK_N(dst))
		return ENETUNREACH;
	if (dst == INADDR_BROADCAST_N || IN_MULTICAST_N(dst)) {
		if ((r->ir_ifp = ip_any_ifp(dst)) == NULL)
			return ENETUNREACH;
		r->ir_nh = dst;
	} else {
		if ((rt = rt_lookup(dst)) == NULL)
			return EHOSTUNREACH;
		r->ir_ifp = rt->rt_ifp;
		r->ir_nh = (rt->rt_flags & RTF_GATEWAY) != 0 ? rt->rt_gw : dst;
	}
	r->ir_bcast = in_broadcast(dst, r->ir_ifp);
	if (r->ir_bcast && (io->io_flags & IPO_BROADCAST) == 0)
		return EACCES;
	r->ir_src = io->io_src != 0 ? io->io_src : in_ifaddr(r->ir_ifp);
	if (r->ir_src == 0)
		return EADDRNOTAVAIL;
	return 0;
}

in_addr_t
ip_select_source(in_addr_t dst)
{
	struct ip_out io = {.io_dst = dst, .io_flags = IPO_BROADCAST};
	struct ip_route r;

	if (ip_route(&io, &r) != 0)
		return 0;
	return r.ir_src;
}

/* The header checksum of the packet m, by the device if it can. */
static void
ip_hdr_cksum(struct ifnet *ifp, struct mbuf *m)
{
	struct ip_hdr *ip = mtod(m, struct ip_hdr *);

	ip->ip_sum = 0;
	if ((ifp->if_capenable & IFCAP_CSUM_IPv4_Tx) != 0)
		m->m_pkthdr.csum_flags |= M_CSUM_IPV4;
	else
		ip->ip_sum = in_cksum(m, 0, sizeof(*ip));
}

int
ip_send_link(struct ifnet *ifp, struct mbuf *m, in_addr_t nh, bool bcast)
{
	uint8_t ll[ETHER_ADDR_LEN];
	int rv;

	if (bcast) {
		memcpy(ll, etherbroadcastaddr, ETHER_ADDR_LEN);
	} else if (IN_MULTICAST_N(nh)) {
		ip_mcast_lladdr(nh, ll);
	} else {
		rv = arp_resolve(ifp, nh, m, ll);
		if (rv == EWOULDBLOCK)
			return 0;
		if (rv != 0)
			return rv;
	}
	return ifp->if_output(ifp, m, ETHERTYPE_IP, ll);
}

/*
 * Sends the datagram m (header filled, hlen 20) as fragments of at most
 * mtu bytes: offsets in 8-byte units, MF on all but the last. Consumes m.
 */
static int
ip_fragment(struct mbuf *m, const struct ip_route *r, unsigned mtu)
{
	const unsigned hlen = sizeof(struct ip_hdr);
	unsigned total = m->m_pkthdr.len, chunk = (mtu - hlen) & ~7u, n;
	struct ip_hdr hdr, *fh;
	struct mbuf *f;
	int rv, err = 0;

	m_copydata(m, 0, hlen, &hdr);
	for (unsigned off = 0; off < total - hlen && err == 0; off += n) {
		n = total - hlen - off < chunk ? total - hlen - off : chunk;
		if ((f = inet_getpkt(hlen, M_LINKSPACE)) == NULL ||
		    (f->m_next = m_copym(m, hlen + off, n, M_NOWAIT)) == NULL) {
			m_freem(f);
			err = ENOBUFS;
			break;
		}
		f->m_pkthdr.len = hlen + n;
		fh = mtod(f, struct ip_hdr *);
		*fh = hdr;
		fh->ip_len = net_htons((uint16_t)(hlen + n));
		fh->ip_off = net_htons((uint16_t)((off >> 3) |
		    (off + n < total - hlen ? IP_MF : 0)));
		ip_hdr_cksum(r->ir_ifp, f);
		if ((rv = ip_send_link(r->ir_ifp, f, r->ir_nh, r->ir_bcast)) != 0)
			err = rv;
	}
	if (err == ENOBUFS)
		if_stat_add(r->ir_ifp, IFS_OQDROPS, 1);
	m_freem(m);
	return err;
}

static void
ip_fill(struct mbuf *m, const struct ip_out *io, in_addr_t src, unsigned len)
{
	struct ip_hdr *ip = mtod(m, struct ip_hdr *);

	ip->ip_vhl = 0x45;
	ip->ip_tos = io->io_tos;
	ip->ip_len = net_htons((uint16_t)len);
	ip->ip_id = net_htons(ip_id_next++);
	ip->ip_off = (io->io_flags & IPO_DF) != 0 ? net_htons(IP_DF) : 0;
	ip->ip_ttl = io->io_ttl != 0 ? io->io_ttl : IP_DEFTTL;
	ip->ip_p = io->io_proto;
	ip->ip_sum = 0;
	ip->ip_src = src;
	ip->ip_dst = io->io_dst;
}

int
ip_output(struct mbuf *m, const struct ip_out *io)
{
	struct ip_route r;
	unsigned len, mtu;
	int rv;

	KASSERT((m->m_flags & M_PKTHDR) != 0);
	if ((rv = ip_route(io, &r)) != 0)
		goto drop;
	rv = ENETDOWN;
	if ((r.ir_ifp->if_flags & IFF_UP) == 0)
		goto drop;
	len = m->m_pkthdr.len + sizeof(struct ip_hdr);
	rv = EMSGSIZE;
	if (len > IP_MAXPACKET)
		goto drop;
	m->m_flags &= ~(M_BCAST | M_MCAST | M_LOOP);
	m->m_pkthdr.csum_flags = 0;
	m->m_pkthdr.rcvif = NULL;
	if ((m = m_prepend(m, sizeof(struct ip_hdr), M_NOWAIT)) == NULL ||
	    (m = m_pullup(m, sizeof(struct ip_hdr))) == NULL) {
		if_stat_add(r.ir_ifp, IFS_OQDROPS, 1);
		return ENOBUFS;
	}
	ip_fill(m, io, r.ir_src, len);
	if ((io->io_flags & IPO_IFP) == 0 && in_ifaddr_find(io->io_dst) != NULL)
		return ip_loop(in_ifaddr_find(io->io_dst), m);
	mtu = r.ir_ifp->if_mtu >= 68 ? r.ir_ifp->if_mtu : ETHERMTU;
	if (len <= mtu) {
		ip_hdr_cksum(r.ir_ifp, m);
		return ip_send_link(r.ir_ifp, m, r.ir_nh, r.ir_bcast);
	}
	if ((io->io_flags & IPO_DF) != 0)
		goto drop;
	return ip_fragment(m, &r, mtu);
drop:
	m_freem(m);
	return rv;
}
