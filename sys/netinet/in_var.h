/*
 * Private to sys/netinet (and its host tests): per-interface state, the
 * stack's clock and timers, randomness, and the entry points by which
 * the IPv4 files call each other beyond what <netinet/inet.h> declares.
 *
 * Everything here runs with net_lock held unless it says otherwise.
 */
#ifndef NETINET_IN_VAR_H
#define NETINET_IN_VAR_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/callout.h>
#include <net/mbuf.h>
#include <net/netif.h>
#include <netinet/inet.h>

/* ---- per-interface state (ifp->if_inet) --------------------------------- */

struct in_ifinfo {
	in_addr_t ii_addr;	/* 0: no address */
	in_addr_t ii_mask;
	in_addr_t ii_bcast;	/* subnet-directed broadcast, 0 for /31 /32 */
	in_addr_t ii_net;	/* ii_addr & ii_mask */
	bool ii_allhosts;	/* 224.0.0.1 in the link filter */
	uint64_t ii_defend_ns;	/* last defence of our address (RFC 5227) */
	uint64_t ii_duplog_ns;	/* last "duplicate address" log line */
};

/* ifp's state, or NULL if netinet never touched ifp. */
static inline struct in_ifinfo *
in_ifinfo(const struct ifnet *ifp)
{
	return ifp != NULL ? (struct in_ifinfo *)ifp->if_inet : NULL;
}
/* ifp's address, 0 if none. */
static inline in_addr_t
in_ifaddr(const struct ifnet *ifp)
{
	const struct in_ifinfo *ii = in_ifinfo(ifp);

	return ii != NULL ? ii->ii_addr : 0;
}
/* An interface goes away: everything netinet holds about it goes. */
void inet_ifdetach(struct ifnet *ifp);

/* ---- clock, timers, randomness ----------------------------------------- */

/*
 * The stack's monotonic clock: kclock_ns() plus inet_clock_skew_ns,
 * which only tests move (forward) to make timeouts expire at once.
 */
extern uint64_t inet_clock_skew_ns;
uint64_t inet_now_ns(void);
#define INET_NS_PER_MS 1000000ull
#define INET_NS_PER_S 1000000000ull

/*
 * A timer that runs it_fn (net_lock held) at or after the earliest
 * deadline it was armed for. it_fn re-arms it for the next deadline.
 */
struct inet_timer {
	callout_t it_co;
	void (*it_fn)(void);
	/* kclock_ns time, not inet_now_ns: a skew moved after arming
	 * must not make a far callout look due */
	uint64_t it_deadline;
	bool it_armed;
};
void inet_timer_init(struct inet_timer *t, void (*fn)(void));
void inet_timer_arm(struct inet_timer *t, uint64_t deadline);

/* Not cryptographic: xorshift seeded from rumpuser_getrandom. */
uint32_t inet_random(void);
void inet_random_seed(void);

/* A packet header mbuf for len bytes after headroom bytes of room;
 * len + headroom <= MCLBYTES. NULL if no memory. */
struct mbuf *inet_getpkt(unsigned len, unsigned headroom);
/* Headroom for the IPv4 header (no options) and Ethernet. */
#define INET_HEADROOM (M_LINKSPACE + 20u)

/* ---- ARP --------------------------------------------------------------- */

void arp_init(void);
/* Runs the retries and expiries due now (the callout calls it). */
void arp_timer_run(void);
/* How long a failed resolution answers EHOSTDOWN. */
#define ARP_DOWN_S 20
/* Link state hook: announce on up, forget on down. */
void arp_link_change(struct ifnet *ifp, int state);

/* ---- IPv4 -------------------------------------------------------------- */

void ip_init(void);
/* Reassembly: m (IP header first, hlen long, a fragment) joins its
 * datagram; returns the whole datagram when complete, else NULL.
 * Consumes m. */
struct mbuf *ip_reass(struct ifnet *ifp, struct mbuf *m, unsigned hlen);
void ip_reass_init(void);
void ip_reass_timer_run(void);
void ip_reass_purge_ifp(struct ifnet *ifp);
/* Sends one complete IPv4 packet m (header filled) on ifp to link
 * next hop nh; bcast: link broadcast. Consumes m. */
int ip_send_link(struct ifnet *ifp, struct mbuf *m, in_addr_t nh,
    bool bcast);
/* Multicast IPv4 address to its Ethernet address (RFC 1112 section 6.4). */
void ip_mcast_lladdr(in_addr_t a, uint8_t ll[ETHER_ADDR_LEN]);

/* ---- ICMP and protocol control blocks ------------------------------------ */

void icmp_init(void);
/* Echo replies (and errors about our echo requests) to the inpcb with
 * identifier id; false if there is none. Consumes m either way. */
bool inpcb_deliver_icmp(struct ifnet *ifp, struct mbuf *m, in_port_t id,
    const struct inpcb_from *from);
/* The first inpcb on the list (tests, listings). */
struct inpcb *inpcb_first(void);
/* UDP demultiplexing over the inpcb list. */
struct inpcb *inpcb_lookup_udp(struct ifnet *ifp, in_addr_t src,
    in_port_t sport, in_addr_t dst, in_port_t dport);
bool inpcb_match_udp(const struct inpcb *inp, struct ifnet *ifp,
    in_addr_t src, in_port_t sport, in_addr_t dst, in_port_t dport);

#endif
