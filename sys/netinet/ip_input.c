/*
 * IPv4 input of a host (RFC 791, RFC 1122 section 3.2.1): header checks,
 * the local-delivery decision, reassembly, and the hand-off to ICMP,
 * UDP and TCP. We do not forward: datagrams for other hosts are counted and
 * dropped.
 *
 * Header checks, in order: version 4; header length at least 20 and
 * within the packet; total length at least the header and within the
 * packet (what lies beyond it is link padding and is trimmed); header
 * checksum (unless the device verified it). Options are skipped, never
 * parsed. A source that is broadcast, multicast or loopback is bogus.
 *
 * On return from the checks, the header (hlen bytes) is contiguous in the
 * first mbuf and m_pkthdr.len equals ip_len.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

static void
ip_drop(struct ifnet *ifp, struct mbuf *m, enum if_stat why)
{
	if_stat_add(ifp, why, 1);
	m_freem(m);
}

/* The header checks above; NULL (counted, freed) if the packet fails. */
static struct mbuf *
ip_check(struct ifnet *ifp, struct mbuf *m, unsigned *hlenp)
{
	const struct ip_hdr *ip;
	unsigned hlen, len;

	if (m->m_pkthdr.len < sizeof(struct ip_hdr))
		goto bad;
	if ((m = m_pullup(m, sizeof(struct ip_hdr))) == NULL)
		goto nomem;
	ip = mtod(m, const struct ip_hdr *);
	hlen = (ip->ip_vhl & 0x0fu) << 2;
	if ((ip->ip_vhl >> 4) != 4 || hlen < sizeof(struct ip_hdr) ||
	    hlen > m->m_pkthdr.len)
		goto bad;
	if ((m = m_pullup(m, hlen)) == NULL)
		goto nomem;
	ip = mtod(m, const struct ip_hdr *);
	len = net_ntohs(ip->ip_len);
	if (len < hlen || len > m->m_pkthdr.len)
		goto bad;
	if (m->m_pkthdr.len > len)
		m_adj(m, -(int)(m->m_pkthdr.len - len));
	if ((m->m_pkthdr.csum_flags & M_CSUM_IPV4_OK) == 0 &&
	    in_cksum(m, 0, hlen) != 0) {
		ip_drop(ifp, m, IFS_IP_BADSUM);
		return NULL;
	}
	*hlenp = hlen;
	return m;
bad:
	ip_drop(ifp, m, IFS_IP_BADHDR);
	return NULL;
nomem:
	if_stat_add(ifp, IFS_IQDROPS, 1);
	return NULL;
}

static bool
ip_src_bogus(in_addr_t src, struct ifnet *ifp)
{
	return src == INADDR_BROADCAST_N || IN_MULTICAST_N(src) ||
	    IN_LOOPBACK_N(src) || (src != 0 && in_broadcast(src, ifp));
}

/*
 * Is the destination ours? Unicast to any of our addresses (the weak
 * host model of RFC 1122 3.3.4.2), a broadcast of ifp's network, the
 * all-hosts group. An interface without an address accepts unicast UDP
 * (a DHCP server may answer to the address it offers).
 */
static bool
ip_for_us(struct ifnet *ifp, const struct mbuf *m, const struct ip_hdr *ip)
{
	in_addr_t dst = ip->ip_dst, mine = in_ifaddr(ifp);

	/* the common case first: unicast to ifp's own address */
	if (dst == mine && mine != 0 && (m->m_flags & (M_BCAST | M_MCAST)) == 0)
		return true;
	if (IN_MULTICAST_N(dst))
		return dst == INET_ADDR(224, 0, 0, 1);
	if (in_broadcast(dst, ifp))
		return true;
	if (in_ifaddr(ifp) == 0)
		return ip->ip_p == IPPROTO_UDP;
	/* RFC 1122 3.3.6: unicast in a link broadcast is not for us. */
	if ((m->m_flags & (M_BCAST | M_MCAST)) != 0)
		return false;
	return in_ifaddr_find(dst) != NULL;
}

/* The protocol is not one we speak. */
static void
ip_noproto(struct ifnet *ifp, struct mbuf *m, const struct ip_hdr *ip)
{
	if_stat_add(ifp, IFS_NOPROTO, 1);
	if ((m->m_flags & (M_BCAST | M_MCAST)) != 0 ||
	    IN_MULTICAST_N(ip->ip_dst) || in_broadcast(ip->ip_dst, ifp)) {
		m_freem(m);
		return;
	}
	icmp_error(ifp, m, ICMP_UNREACH, ICMP_UNREACH_PROTOCOL);
}

void
ip_input(struct ifnet *ifp, struct mbuf *m)
{
	const struct ip_hdr *ip;
	unsigned hlen;

	KASSERT((m->m_flags & M_PKTHDR) != 0);
	m->m_pkthdr.rcvif = ifp;
	if ((m = ip_check(ifp, m, &hlen)) == NULL)
		return;
	ip = mtod(m, const struct ip_hdr *);
	if (ip_src_bogus(ip->ip_src, ifp)) {
		ip_drop(ifp, m, IFS_IP_BADHDR);
		return;
	}
	if (!ip_for_us(ifp, m, ip)) {
		ip_drop(ifp, m, IFS_IP_NOTOURS);
		return;
	}
	if ((ip->ip_off & net_htons(IP_MF | IP_OFFMASK)) != 0) {
		if ((m = ip_reass(ifp, m, hlen)) == NULL)
			return;
		ip = mtod(m, const struct ip_hdr *);
		hlen = (ip->ip_vhl & 0x0fu) << 2;
	}
	switch (ip->ip_p) {
	case IPPROTO_UDP:
		udp_input(ifp, m, hlen);
		break;
	case IPPROTO_ICMP:
		icmp_input(ifp, m, hlen);
		break;
	case IPPROTO_TCP:
		tcp_input(ifp, m, hlen);
		break;
	default:
		ip_noproto(ifp, m, ip);
		break;
	}
}
