/*
 * UDP (RFC 768, RFC 1122 section 4.1): input checks and delivery to
 * inpcbs, and datagram output.
 *
 * Input: the UDP length must be at least 8 and within the IP payload
 * (anything after it is dropped); a nonzero checksum must verify unless
 * the device did it (M_CSUM_DATA_OK). A unicast datagram goes to the
 * most specific inpcb (inpcb.c); a broadcast or multicast one to every
 * matching inpcb. Nobody listening: ICMP port unreachable (unicast only).
 *
 * Output: the checksum is always computed (a result of 0 is sent as
 * 0xffff). Broadcast needs INP_BROADCAST. An inpcb bound to an interface
 * (INP_BOUNDIF) that sends to 255.255.255.255, or whose interface has no
 * address yet, sends as a link broadcast out of that interface (IPO_IFP),
 * from its address or 0.0.0.0: the DHCP client before it has a lease.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

static void
udp_drop(struct ifnet *ifp, struct mbuf *m, enum if_stat why)
{
	if_stat_add(ifp, why, 1);
	m_freem(m);
}

/* Checks of the header; NULL if dropped (counted). The UDP length is
 * returned in *ulenp and the packet trimmed to it. */
static struct mbuf *
udp_check(struct ifnet *ifp, struct mbuf *m, unsigned hlen, unsigned *ulenp)
{
	const struct ip_hdr *ip;
	const struct udp_hdr *uh;
	unsigned ulen, plen = m->m_pkthdr.len - hlen;

	if (plen < sizeof(*uh)) {
		udp_drop(ifp, m, IFS_UDP_BAD);
		return NULL;
	}
	if ((m = m_pullup(m, hlen + sizeof(*uh))) == NULL) {
		if_stat_add(ifp, IFS_IQDROPS, 1);
		return NULL;
	}
	ip = mtod(m, const struct ip_hdr *);
	uh = (const struct udp_hdr *)(mtod(m, const uint8_t *) + hlen);
	ulen = net_ntohs(uh->uh_ulen);
	if (ulen < sizeof(*uh) || ulen > plen || uh->uh_dport == 0) {
		udp_drop(ifp, m, IFS_UDP_BAD);
		return NULL;
	}
	if (ulen < plen)
		m_adj(m, -(int)(plen - ulen));
	if (uh->uh_sum != 0 &&
	    (m->m_pkthdr.csum_flags & M_CSUM_DATA_OK) == 0 &&
	    in4_cksum(m, IPPROTO_UDP, ip->ip_src, ip->ip_dst, hlen, ulen) != 0) {
		udp_drop(ifp, m, IFS_UDP_BAD);
		return NULL;
	}
	*ulenp = ulen;
	return m;
}

static void
udp_deliver(struct ifnet *ifp, struct inpcb *inp, struct mbuf *m,
    unsigned off, const struct inpcb_from *from)
{
	m_adj(m, (int)off);
	if (!inp->inp_input(inp, m, from))
		if_stat_add(ifp, IFS_UDP_FULL, 1);
}

/* A broadcast or multicast datagram: a copy to every match. */
static void
udp_input_multi(struct ifnet *ifp, struct mbuf *m, unsigned off,
    const struct inpcb_from *from, in_port_t dport)
{
	struct inpcb *prev = NULL;
	struct mbuf *n;

	for (struct inpcb *inp = inpcb_first(); inp != NULL;
	    inp = inp->inp_next) {
		if (!inpcb_match_udp(inp, ifp, from->if_src, from->if_sport,
		    from->if_dst, dport))
			continue;
		if (prev != NULL) {
			if ((n = m_copym(m, 0, M_COPYALL, M_NOWAIT)) == NULL)
				if_stat_add(ifp, IFS_IQDROPS, 1);
			else
				udp_deliver(ifp, prev, n, off, from);
		}
		prev = inp;
	}
	if (prev == NULL)
		udp_drop(ifp, m, IFS_UDP_NOPORT);
	else
		udp_deliver(ifp, prev, m, off, from);
}

void
udp_input(struct ifnet *ifp, struct mbuf *m, unsigned hlen)
{
	const struct ip_hdr *ip;
	const struct udp_hdr *uh;
	struct inpcb_from from;
	struct inpcb *inp;
	unsigned ulen;

	if ((m = udp_check(ifp, m, hlen, &ulen)) == NULL)
		return;
	ip = mtod(m, const struct ip_hdr *);
	uh = (const struct udp_hdr *)(mtod(m, const uint8_t *) + hlen);
	memset(&from, 0, sizeof(from));
	from.if_src = ip->ip_src;
	from.if_sport = uh->uh_sport;
	from.if_dst = ip->ip_dst;
	from.if_ifp = ifp;
	from.if_ttl = ip->ip_ttl;
	if ((m->m_flags & (M_BCAST | M_MCAST)) != 0 ||
	    IN_MULTICAST_N(ip->ip_dst) || in_broadcast(ip->ip_dst, ifp)) {
		udp_input_multi(ifp, m, hlen + sizeof(*uh), &from, uh->uh_dport);
		return;
	}
	inp = inpcb_lookup_udp(ifp, from.if_src, from.if_sport, from.if_dst,
	    uh->uh_dport);
	if (inp == NULL) {
		if_stat_add(ifp, IFS_UDP_NOPORT, 1);
		icmp_error(ifp, m, ICMP_UNREACH, ICMP_UNREACH_PORT);
		return;
	}
	udp_deliver(ifp, inp, m, hlen + sizeof(*uh), &from);
}

/* ---- output ------------------------------------------------------------- */

/* How the datagram leaves: fills io (not the source). */
static int
udp_route(const struct inpcb *inp, in_addr_t dst, struct ip_out *io)
{
	bool bcast = dst == INADDR_BROADCAST_N;
	struct ifnet *ifp = inp->inp_ifp;

	memset(io, 0, sizeof(*io));
	io->io_dst = dst;
	io->io_proto = IPPROTO_UDP;
	io->io_ttl = inp->inp_ttl;
	if ((inp->inp_flags & INP_BOUNDIF) != 0 && ifp != NULL &&
	    (bcast || in_ifaddr(ifp) == 0)) {
		io->io_flags = IPO_IFP;
		io->io_ifp = ifp;
		io->io_src = inp->inp_laddr != 0 ? inp->inp_laddr :
		    in_ifaddr(ifp);
		bcast = bcast || in_broadcast(dst, ifp);
	} else {
		bcast = bcast || in_broadcast(dst, NULL);
		io->io_src = inp->inp_laddr != 0 ? inp->inp_laddr :
		    ip_select_source(dst);
	}
	if (bcast && (inp->inp_flags & INP_BROADCAST) == 0)
		return EACCES;
	if ((inp->inp_flags & INP_BROADCAST) != 0)
		io->io_flags |= IPO_BROADCAST;
	return 0;
}

int
udp_send(struct inpcb *inp, struct mbuf *m, in_addr_t dst, in_port_t dport)
{
	struct ip_out io;
	struct udp_hdr *uh;
	unsigned len;
	uint16_t sum;
	int rv;

	if (dst == 0) {
		dst = inp->inp_faddr;
		dport = inp->inp_fport;
	}
	rv = dst == 0 ? EDESTADDRREQ : EINVAL;
	if (dst == 0 || dport == 0)
		goto drop;
	if (inp->inp_lport == 0 &&
	    (rv = inpcb_bind(inp, inp->inp_laddr, 0)) != 0)
		goto drop;
	len = m->m_pkthdr.len + sizeof(*uh);
	rv = EMSGSIZE;
	if (len + sizeof(struct ip_hdr) > IP_MAXPACKET)
		goto drop;
	if ((rv = udp_route(inp, dst, &io)) != 0)
		goto drop;
	if ((m = m_prepend(m, sizeof(*uh), M_NOWAIT)) == NULL ||
	    (m = m_pullup(m, sizeof(*uh))) == NULL)
		return ENOBUFS;
	uh = mtod(m, struct udp_hdr *);
	uh->uh_sport = inp->inp_lport;
	uh->uh_dport = dport;
	uh->uh_ulen = net_htons((uint16_t)len);
	uh->uh_sum = 0;
	sum = in4_cksum(m, IPPROTO_UDP, io.io_src, dst, 0, len);
	uh->uh_sum = sum == 0 ? 0xffff : sum;
	return ip_output(m, &io);
drop:
	m_freem(m);
	return rv;
}
