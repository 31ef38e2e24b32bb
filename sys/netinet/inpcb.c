/*
 * Protocol control blocks: the endpoints of UDP and of ICMP echo (ping
 * sockets, identified by inp_lport = the echo identifier), their local
 * and foreign addresses and ports, and the demultiplexing of received
 * datagrams to them.
 *
 * One list holds every registered inpcb. A bound inpcb has inp_lport !=
 * 0; two bound inpcbs of one protocol never share a port unless their
 * local addresses differ and neither is the wildcard (no address reuse
 * options yet). Ephemeral ports are drawn from 49152-65535 (RFC 6335)
 * starting at a random point (RFC 6056 algorithm 1).
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u

static struct inpcb *inpcb_list;

struct inpcb *
inpcb_first(void)
{
	return inpcb_list;
}

void
inpcb_init(struct inpcb *inp, uint8_t proto, inpcb_input_t input, void *arg)
{
	memset(inp, 0, sizeof(*inp));
	inp->inp_proto = proto;
	inp->inp_input = input;
	inp->inp_arg = arg;
	inp->inp_next = inpcb_list;
	inpcb_list = inp;
}

void
inpcb_destroy(struct inpcb *inp)
{
	for (struct inpcb **pp = &inpcb_list; *pp != NULL;
	    pp = &(*pp)->inp_next) {
		if (*pp == inp) {
			*pp = inp->inp_next;
			break;
		}
	}
	inp->inp_next = NULL;
	inp->inp_lport = 0;
}

static bool
inpcb_port_used(const struct inpcb *self, in_addr_t laddr, in_port_t lport)
{
	for (const struct inpcb *inp = inpcb_list; inp != NULL;
	    inp = inp->inp_next) {
		if (inp == self || inp->inp_proto != self->inp_proto ||
		    inp->inp_lport != lport)
			continue;
		if (inp->inp_laddr == 0 || laddr == 0 || inp->inp_laddr == laddr)
			return true;
	}
	return false;
}

static int
inpcb_ephemeral(const struct inpcb *inp, in_addr_t laddr, in_port_t *lport)
{
	unsigned start = inet_random() % EPHEMERAL_COUNT;

	for (unsigned i = 0; i < EPHEMERAL_COUNT; i++) {
		in_port_t p = net_htons((uint16_t)(EPHEMERAL_FIRST +
		    (start + i) % EPHEMERAL_COUNT));

		if (!inpcb_port_used(inp, laddr, p)) {
			*lport = p;
			return 0;
		}
	}
	return EADDRINUSE;
}

int
inpcb_bind(struct inpcb *inp, in_addr_t laddr, in_port_t lport)
{
	int rv;

	if (inp->inp_lport != 0)
		return EINVAL;
	if (laddr != 0 && laddr != INADDR_BROADCAST_N &&
	    !IN_MULTICAST_N(laddr) && in_ifaddr_find(laddr) == NULL)
		return EADDRNOTAVAIL;
	if (lport == 0) {
		if ((rv = inpcb_ephemeral(inp, laddr, &lport)) != 0)
			return rv;
	} else if (inpcb_port_used(inp, laddr, lport)) {
		return EADDRINUSE;
	}
	inp->inp_laddr = laddr;
	inp->inp_lport = lport;
	return 0;
}

int
inpcb_connect(struct inpcb *inp, in_addr_t faddr, in_port_t fport)
{
	int rv;

	if (faddr == 0)
		return EADDRNOTAVAIL;
	if (inp->inp_lport == 0 &&
	    (rv = inpcb_bind(inp, inp->inp_laddr, 0)) != 0)
		return rv;
	inp->inp_faddr = faddr;
	inp->inp_fport = fport;
	return 0;
}

void
inpcb_disconnect(struct inpcb *inp)
{
	inp->inp_faddr = 0;
	inp->inp_fport = 0;
}

/* ---- demultiplexing ----------------------------------------------------- */

bool
inpcb_match_udp(const struct inpcb *inp, struct ifnet *ifp, in_addr_t src,
    in_port_t sport, in_addr_t dst, in_port_t dport)
{
	if (inp->inp_proto != IPPROTO_UDP || inp->inp_lport == 0 ||
	    inp->inp_lport != dport)
		return false;
	if ((inp->inp_flags & INP_BOUNDIF) != 0 && inp->inp_ifp != ifp)
		return false;
	if (inp->inp_laddr != 0 && inp->inp_laddr != dst)
		return false;
	if (inp->inp_faddr != 0 &&
	    (inp->inp_faddr != src || inp->inp_fport != sport))
		return false;
	return true;
}

/* The most specific match: connected, then bound address, then wildcard. */
struct inpcb *
inpcb_lookup_udp(struct ifnet *ifp, in_addr_t src, in_port_t sport,
    in_addr_t dst, in_port_t dport)
{
	struct inpcb *best = NULL;
	int bestscore = -1, score;

	for (struct inpcb *inp = inpcb_list; inp != NULL; inp = inp->inp_next) {
		if (!inpcb_match_udp(inp, ifp, src, sport, dst, dport))
			continue;
		score = (inp->inp_faddr != 0 ? 2 : 0) +
		    (inp->inp_laddr != 0 ? 1 : 0);
		if (score > bestscore) {
			best = inp;
			bestscore = score;
		}
	}
	return best;
}

bool
inpcb_deliver_icmp(struct ifnet *ifp, struct mbuf *m, in_port_t id,
    const struct inpcb_from *from)
{
	for (struct inpcb *inp = inpcb_list; inp != NULL; inp = inp->inp_next) {
		if (inp->inp_proto != IPPROTO_ICMP || inp->inp_lport == 0 ||
		    inp->inp_lport != id)
			continue;
		if ((inp->inp_flags & INP_BOUNDIF) != 0 && inp->inp_ifp != ifp)
			continue;
		if (!inp->inp_input(inp, m, from))
			if_stat_add(ifp, IFS_UDP_FULL, 1);
		return true;
	}
	if_stat_add(ifp, IFS_NOPROTO, 1);
	m_freem(m);
	return false;
}
