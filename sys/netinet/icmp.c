/*
 * ICMP for IPv4 (RFC 792, RFC 1122 section 3.2.2): echo replies to
 * requests for our unicast addresses (broadcast and multicast echo
 * requests are ignored, as Linux does by default), delivery of echo
 * replies and of errors about our echo requests to ICMP inpcbs (ping
 * sockets) by identifier, of errors about our TCP segments to TCP
 * (tcp_ctlinput), the errors we send, and echo requests.
 *
 * Errors we send quote the offending IP header and the first 8 bytes of
 * its data. They are never sent about an ICMP error, a datagram sent to
 * a broadcast or multicast address (or in a link broadcast), a fragment
 * other than the first, or a datagram whose source is not a unicast
 * host; and at most ICMP_ERRPPS per second leave (a token bucket).
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

static uint64_t icmp_tokens;	/* in units of 1/ICMP_ERRPPS second */
static uint64_t icmp_tokens_ns;	/* when last refilled */

/* ---- errors ------------------------------------------------------------- */

/* A token of the error rate limiter; false if none is left. */
static bool
icmp_ratelim_take(void)
{
	uint64_t now = inet_now_ns(), add;

	add = (now - icmp_tokens_ns) / (INET_NS_PER_S / ICMP_ERRPPS);
	if (add > 0) {
		icmp_tokens += add;
		if (icmp_tokens > ICMP_ERRPPS)
			icmp_tokens = ICMP_ERRPPS;
		icmp_tokens_ns += add * (INET_NS_PER_S / ICMP_ERRPPS);
		if (icmp_tokens == ICMP_ERRPPS)
			icmp_tokens_ns = now;
	}
	if (icmp_tokens == 0)
		return false;
	icmp_tokens--;
	return true;
}

static bool
icmp_is_error_type(uint8_t type)
{
	return type == ICMP_UNREACH || type == ICMP_TIMXCEED ||
	    type == ICMP_PARAMPROB || type == 4 /* source quench */ ||
	    type == 5 /* redirect */;
}

/* May we send an error about the datagram m (header hlen bytes)? */
static bool
icmp_error_allowed(struct ifnet *ifp, const struct mbuf *m, unsigned hlen)
{
	const struct ip_hdr *ip = mtod(m, const struct ip_hdr *);
	uint8_t type;

	if ((m->m_flags & (M_BCAST | M_MCAST)) != 0 ||
	    (ip->ip_off & net_htons(IP_OFFMASK)) != 0)
		return false;
	if (IN_MULTICAST_N(ip->ip_dst) || in_broadcast(ip->ip_dst, ifp))
		return false;
	if (ip->ip_src == 0 || IN_MULTICAST_N(ip->ip_src) ||
	    in_broadcast(ip->ip_src, ifp) || IN_LOOPBACK_N(ip->ip_src))
		return false;
	if (ip->ip_p == IPPROTO_ICMP) {
		if (m->m_pkthdr.len < hlen + 1)
			return false;
		m_copydata(m, hlen, 1, &type);
		if (icmp_is_error_type(type))
			return false;
	}
	return true;
}

void
icmp_error(struct ifnet *ifp, struct mbuf *m, int type, int code)
{
	const struct ip_hdr *ip;
	struct icmp_hdr *ic;
	struct mbuf *e;
	unsigned hlen, quote;
	struct ip_out io;

	if (m->m_pkthdr.len < sizeof(*ip) ||
	    (m = m_pullup(m, sizeof(*ip))) == NULL)
		goto drop;
	ip = mtod(m, const struct ip_hdr *);
	hlen = (ip->ip_vhl & 0x0fu) << 2;
	if (hlen < sizeof(*ip) || hlen > m->m_pkthdr.len ||
	    (m = m_pullup(m, hlen)) == NULL ||
	    !icmp_error_allowed(ifp, m, hlen))
		goto drop;
	if (in_ifaddr(ifp) == 0)	/* no source address to send from */
		goto drop;
	if (!icmp_ratelim_take()) {
		if_stat_add(ifp, IFS_ICMP_RATELIM, 1);
		goto drop;
	}
	quote = m->m_pkthdr.len < hlen + 8 ? m->m_pkthdr.len : hlen + 8;
	if ((e = inet_getpkt(sizeof(*ic) + quote, INET_HEADROOM)) == NULL)
		goto drop;
	ic = mtod(e, struct icmp_hdr *);
	memset(ic, 0, sizeof(*ic));
	ic->icmp_type = (uint8_t)type;
	ic->icmp_code = (uint8_t)code;
	m_copydata(m, 0, quote, ic + 1);
	ic->icmp_cksum = in_cksum(e, 0, e->m_pkthdr.len);
	ip = mtod(m, const struct ip_hdr *);
	memset(&io, 0, sizeof(io));
	io.io_dst = ip->ip_src;
	io.io_src = in_ifaddr_find(ip->ip_dst) != NULL ? ip->ip_dst : 0;
	io.io_proto = IPPROTO_ICMP;
	m_freem(m);
	(void)ip_output(e, &io);
	return;
drop:
	m_freem(m);
}

/* ---- input -------------------------------------------------------------- */

/* Answers an echo request for one of our addresses. Consumes m. */
static void
icmp_echo_reply(struct ifnet *ifp, struct mbuf *m, unsigned hlen)
{
	const struct ip_hdr *ip = mtod(m, const struct ip_hdr *);
	struct ip_out io = {.io_proto = IPPROTO_ICMP};
	struct icmp_hdr *ic;

	if ((m->m_flags & (M_BCAST | M_MCAST)) != 0 ||
	    in_ifaddr_find(ip->ip_dst) == NULL) {
		if_stat_add(ifp, IFS_IP_NOTOURS, 1);
		m_freem(m);
		return;
	}
	io.io_src = ip->ip_dst;
	io.io_dst = ip->ip_src;
	io.io_tos = ip->ip_tos;
	m_adj(m, (int)hlen);
	if ((m = m_pullup(m, sizeof(*ic))) == NULL ||
	    m_makewritable(&m, 0, sizeof(*ic), M_NOWAIT) != 0) {
		if_stat_add(ifp, IFS_IQDROPS, 1);
		m_freem(m);
		return;
	}
	ic = mtod(m, struct icmp_hdr *);
	ic->icmp_type = ICMP_ECHOREPLY;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = in_cksum(m, 0, m->m_pkthdr.len);
	(void)ip_output(m, &io);
}

/* An error quoting a TCP segment we sent (th8: the first 8 bytes of its
 * TCP header): to TCP. Consumes m (the ICMP message). */
static void
icmp_error_tcp(struct mbuf *m, const struct ip_hdr *in, const uint8_t *th8)
{
	struct icmp_hdr ic;

	m_copydata(m, 0, sizeof(ic), &ic);
	tcp_ctlinput(ic.icmp_type, ic.icmp_code,
	    ic.icmp_type == ICMP_UNREACH && ic.icmp_code ==
	    ICMP_UNREACH_NEEDFRAG ? net_ntohs(ic.icmp_seq) : 0, in, th8);
	m_freem(m);
}

/* An error about a datagram we sent: to TCP if it quotes one of our
 * segments, to the ping socket if it quotes one of our echo requests.
 * Consumes m (the ICMP message). */
static void
icmp_error_input(struct ifnet *ifp, struct mbuf *m,
    const struct inpcb_from *from)
{
	struct ip_hdr in;
	struct icmp_hdr inic;
	unsigned ihl;

	if (m->m_pkthdr.len < sizeof(struct icmp_hdr) + sizeof(in))
		goto bad;
	m_copydata(m, sizeof(struct icmp_hdr), sizeof(in), &in);
	ihl = (in.ip_vhl & 0x0fu) << 2;
	if ((in.ip_vhl >> 4) != 4 || ihl < sizeof(in) ||
	    m->m_pkthdr.len < sizeof(struct icmp_hdr) + ihl + sizeof(inic))
		goto bad;
	m_copydata(m, sizeof(struct icmp_hdr) + ihl, sizeof(inic), &inic);
	if (in.ip_p == IPPROTO_TCP && in_ifaddr_find(in.ip_src) != NULL) {
		icmp_error_tcp(m, &in, (const uint8_t *)&inic);
		return;
	}
	if (in.ip_p != IPPROTO_ICMP || inic.icmp_type != ICMP_ECHO ||
	    in_ifaddr_find(in.ip_src) == NULL) {
		if_stat_add(ifp, IFS_NOPROTO, 1);
		m_freem(m);
		return;
	}
	(void)inpcb_deliver_icmp(ifp, m, inic.icmp_id, from);
	return;
bad:
	if_stat_add(ifp, IFS_ICMP_BAD, 1);
	m_freem(m);
}

void
icmp_input(struct ifnet *ifp, struct mbuf *m, unsigned hlen)
{
	const struct ip_hdr *ip = mtod(m, const struct ip_hdr *);
	struct inpcb_from from;
	struct icmp_hdr ic;
	unsigned len = m->m_pkthdr.len - hlen;

	if (len < sizeof(ic) || in_cksum(m, hlen, len) != 0) {
		if_stat_add(ifp, IFS_ICMP_BAD, 1);
		m_freem(m);
		return;
	}
	m_copydata(m, hlen, sizeof(ic), &ic);
	if (ic.icmp_type == ICMP_ECHO) {
		icmp_echo_reply(ifp, m, hlen);
		return;
	}
	memset(&from, 0, sizeof(from));
	from.if_src = ip->ip_src;
	from.if_dst = ip->ip_dst;
	from.if_ifp = ifp;
	from.if_ttl = ip->ip_ttl;
	from.if_sport = ic.icmp_id;
	m_adj(m, (int)hlen);
	if (ic.icmp_type == ICMP_ECHOREPLY)
		(void)inpcb_deliver_icmp(ifp, m, ic.icmp_id, &from);
	else if (icmp_is_error_type(ic.icmp_type))
		icmp_error_input(ifp, m, &from);
	else {
		if_stat_add(ifp, IFS_NOPROTO, 1);
		m_freem(m);
	}
}

/* ---- output ------------------------------------------------------------- */

int
icmp_echo_send(struct inpcb *inp, struct mbuf *m, in_addr_t dst)
{
	struct ip_out io = {.io_proto = IPPROTO_ICMP};
	struct icmp_hdr *ic;
	int rv;

	if (dst == 0)
		dst = inp->inp_faddr;
	rv = EDESTADDRREQ;
	if (dst == 0)
		goto drop;
	rv = EINVAL;
	if (m->m_pkthdr.len < sizeof(*ic))
		goto drop;
	if (inp->inp_lport == 0 && (rv = inpcb_bind(inp, inp->inp_laddr, 0)) != 0)
		goto drop;
	if ((m = m_pullup(m, sizeof(*ic))) == NULL ||
	    m_makewritable(&m, 0, sizeof(*ic), M_NOWAIT) != 0) {
		m_freem(m);
		return ENOBUFS;
	}
	ic = mtod(m, struct icmp_hdr *);
	ic->icmp_type = ICMP_ECHO;
	ic->icmp_code = 0;
	ic->icmp_id = inp->inp_lport;
	ic->icmp_cksum = 0;
	ic->icmp_cksum = in_cksum(m, 0, m->m_pkthdr.len);
	io.io_src = inp->inp_laddr;
	io.io_dst = dst;
	io.io_ttl = inp->inp_ttl;
	if ((inp->inp_flags & INP_BROADCAST) != 0)
		io.io_flags |= IPO_BROADCAST;
	return ip_output(m, &io);
drop:
	m_freem(m);
	return rv;
}

void
icmp_init(void)
{
	icmp_tokens = ICMP_ERRPPS;
	icmp_tokens_ns = inet_now_ns();
}
