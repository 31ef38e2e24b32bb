/*
 * The DHCP client (RFC 2131): one state machine per interface, driven by
 * received replies (the UDP inpcb on port 68) and by one callout.
 *
 *   INIT -> SELECTING  DISCOVER, retransmitted 4, 8, 16, 32, 64, 64... s
 *                      (+-1 s, RFC 2131 4.1) until an acceptable OFFER;
 *   REQUESTING         REQUEST (server id, requested address) until ACK
 *                      (bound), NAK (INIT) or 4 sends (INIT);
 *   BOUND              address, default route and DNS configured; at T1:
 *   RENEWING           REQUEST unicast to the server, at T2:
 *   REBINDING          REQUEST broadcast, at expiry: address removed, INIT.
 *   INIT_REBOOT        link went down holding a lease; on link up:
 *   REBOOTING          REQUEST for the old address (broadcast); no answer
 *                      after 2 sends: keep the lease (RFC 2131 3.2), BOUND.
 *
 * Receiving before we have an address: every message sent without
 * ciaddr (DISCOVER, REQUEST in REQUESTING/REBOOTING) carries the
 * BROADCAST flag, so servers and relays answer to 255.255.255.255 and
 * nothing depends on how the stack treats unicast to an address it does
 * not hold yet (ip_input does accept unicast UDP on an interface without
 * an address, so a server that ignores the flag works too).
 *
 * One inpcb on port 68 serves every client: a UDP port cannot be bound
 * once per interface, so it receives on all interfaces (from->if_ifp
 * picks the client), and for each send it is bound to the client's
 * interface (INP_BOUNDIF) for the length of udp_send, which then goes
 * out that interface to the link broadcast with source 0.0.0.0 while
 * there is no address (IPO_IFP in ip_output).
 *
 * Not done: the ARP probe of an offered address and DHCPDECLINE (RFC
 * 2131 4.4.1 SHOULD), DHCPRELEASE on stop, DHCPINFORM, option overload
 * and options longer than 255 bytes (RFC 3396).
 *
 * Invariants (net_lock guards everything here): a client stays on
 * dhcp_clients once made and is never freed, so a callout that lost
 * the race for net_lock never touches freed memory; when its interface
 * detaches it stops, dc_ifp becomes NULL and the next dhcp_start may
 * reuse it. dhcp_inp is registered iff dhcp_nrunning > 0, the number of
 * clients whose dc_state != DHCP_OFF. dc_bound iff dc_lease is
 * configured on the interface; dc_route iff we added the default route.
 * The callout is armed for dc_due; a handler that finds the callout
 * pending again, or the deadline not reached, is stale and returns.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <kern/callout.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <net/mbuf.h>
#include <net/netif.h>
#include <netinet/dhcp.h>
#include <netinet/inet.h>
#include <rump/rumpuser.h>

#include "dhcp_impl.h"

#define NS_PER_S 1000000000ull
#define NS_PER_MS 1000000ull
#define REQUEST_TRIES 4		/* REQUESTING: then back to INIT */
#define REBOOT_TRIES 2		/* REBOOTING: then keep the lease */
#define DEFAULT_LEASE_S 3600	/* an ACK without option 51 */
#define RENEW_MIN_S 60		/* RFC 2131 4.4.5 */
#define NO_DEADLINE UINT64_MAX

struct dhcp_client {
	struct dhcp_client *dc_next;
	struct ifnet *dc_ifp;
	enum dhcp_state dc_state;
	callout_t dc_timer;
	uint64_t dc_due;		/* kclock_ns the callout is for */
	uint32_t dc_xid;
	uint64_t dc_start_ns;		/* this exchange began (secs) */
	uint64_t dc_sent_ns;		/* last REQUEST went out */
	unsigned dc_tries;		/* sends of the current message */
	uint16_t dc_disc_secs;		/* secs of the last DISCOVER */
	unsigned dc_naks;		/* NAKs in a row */
	bool dc_linkdown;		/* saw the link go down */
	struct dhcp_lease dc_offer;	/* SELECTING -> REQUESTING */
	struct dhcp_lease dc_lease;	/* dc_bound */
	bool dc_bound;
	bool dc_route;
	char dc_hostname[64];
};

static struct dhcp_client *dhcp_clients;
static struct inpcb dhcp_inp;
static unsigned dhcp_nrunning;
static bool dhcp_hooked;
/* Received messages are copied here; net_lock held. */
static uint8_t dhcp_rxbuf[DHCP_MAX_MSG];

static void dhcp_timeout(void *arg);
static void start_discover(struct dhcp_client *dc);

/* ---- small helpers ------------------------------------------------------ */

static struct dhcp_client *
client_find(struct ifnet *ifp)
{
	struct dhcp_client *dc;

	for (dc = dhcp_clients; dc != NULL; dc = dc->dc_next)
		if (dc->dc_ifp == ifp)
			return dc;
	return NULL;
}

static uint32_t
dhcp_random(void)
{
	uint32_t v = 0;
	size_t n = 0;

	if (rumpuser_getrandom(&v, sizeof(v), RUMPUSER_RANDOM_NOWAIT, &n) !=
	    0 || n != sizeof(v))
		v ^= (uint32_t)(kclock_ns() * 2654435761u);
	return v;
}

static void
arm(struct dhcp_client *dc, uint64_t ns)
{
	dc->dc_due = kclock_ns() + ns;
	callout_reset_ns(&dc->dc_timer, ns, dhcp_timeout, dc);
}

static void
disarm(struct dhcp_client *dc)
{
	dc->dc_due = NO_DEADLINE;
	callout_stop(&dc->dc_timer);
}

/* RFC 2131 4.1: 4 s doubling to 64 s, randomised by +-1 s. */
static uint64_t
backoff_ns(unsigned tries)
{
	uint64_t base = (uint64_t)(4u << (tries < 4 ? tries : 4)) * NS_PER_S;
	uint32_t r = dhcp_random() % 2001;	/* 0..2000 ms */

	return base - NS_PER_S + (uint64_t)r * NS_PER_MS;
}

static bool
lease_valid(const struct dhcp_client *dc, uint64_t now)
{
	const struct dhcp_lease *l = &dc->dc_lease;

	if (!dc->dc_bound)
		return false;
	return l->dl_lease_s == DHCP_INFINITE ||
	    now < l->dl_obtained_ns + (uint64_t)l->dl_lease_s * NS_PER_S;
}

/* An address a server may give us. */
static bool
addr_usable(in_addr_t a)
{
	uint32_t h = net_ntohl(a);

	return h != 0 && a != INADDR_BROADCAST_N && !IN_MULTICAST_N(a) &&
	    !IN_LOOPBACK_N(a) && (h >> 24) != 0 && (h >> 28) != 0xf;
}

/* ---- sending ------------------------------------------------------------ */

/* The message of type for the current state; returns where it goes. */
static in_addr_t
fill_req(struct dhcp_client *dc, uint8_t type, struct dhcp_req *dr)
{
	uint64_t secs = (kclock_ns() - dc->dc_start_ns) / NS_PER_S;
	in_addr_t dst = INADDR_BROADCAST_N;

	memset(dr, 0, sizeof(*dr));
	dr->dr_type = type;
	dr->dr_xid = dc->dc_xid;
	dr->dr_secs = secs > 0xffff ? 0xffff : (uint16_t)secs;
	/* RFC 2131 4.4.1: a REQUEST answering an OFFER repeats its secs. */
	if (type == DHCPDISCOVER)
		dc->dc_disc_secs = dr->dr_secs;
	else if (dc->dc_state == DHCP_REQUESTING)
		dr->dr_secs = dc->dc_disc_secs;
	memcpy(dr->dr_chaddr, dc->dc_ifp->if_lladdr, ETHER_ADDR_LEN);
	dr->dr_hostname = dc->dc_hostname;
	switch (dc->dc_state) {
	case DHCP_REQUESTING:
		dr->dr_server = dc->dc_offer.dl_server;
		dr->dr_reqaddr = dc->dc_offer.dl_addr;
		break;
	case DHCP_REBOOTING:
		dr->dr_reqaddr = dc->dc_lease.dl_addr;
		break;
	case DHCP_RENEWING:
		if (dc->dc_lease.dl_server != 0)
			dst = dc->dc_lease.dl_server;
		/* FALLTHROUGH */
	case DHCP_REBINDING:
		dr->dr_ciaddr = dc->dc_lease.dl_addr;
		break;
	default:
		break;
	}
	dr->dr_broadcast = dr->dr_ciaddr == 0;
	return dst;
}

static void
send_msg(struct dhcp_client *dc, uint8_t type)
{
	struct dhcp_req dr;
	struct mbuf *m;
	in_addr_t dst = fill_req(dc, type, &dr);
	int error;

	dc->dc_tries++;
	dc->dc_sent_ns = kclock_ns();
	if ((m = dhcp_build_mbuf(&dr)) == NULL) {
		if_stat_add(dc->dc_ifp, IFS_OQDROPS, 1);
		return;		/* the retransmission tries again */
	}
	dhcp_inp.inp_flags = INP_BOUNDIF | INP_BROADCAST;
	dhcp_inp.inp_ifp = dc->dc_ifp;
	error = udp_send(&dhcp_inp, m, dst, net_htons(DHCP_SERVER_PORT));
	dhcp_inp.inp_flags = INP_BROADCAST;
	dhcp_inp.inp_ifp = NULL;
	if (error != 0)
		klog(LOG_DEBUG, "%s: DHCP send failed (error %d)",
		    dc->dc_ifp->if_xname, error);
}

/* A new exchange (new xid, secs from 0) in state st. */
static void
exchange_begin(struct dhcp_client *dc, enum dhcp_state st)
{
	dc->dc_state = st;
	dc->dc_xid = dhcp_random();
	dc->dc_start_ns = kclock_ns();
	dc->dc_tries = 0;
}

static void
start_discover(struct dhcp_client *dc)
{
	exchange_begin(dc, DHCP_SELECTING);
	send_msg(dc, DHCPDISCOVER);
	arm(dc, backoff_ns(0));
}

static void
start_reboot(struct dhcp_client *dc)
{
	exchange_begin(dc, DHCP_REBOOTING);
	send_msg(dc, DHCPREQUEST);
	arm(dc, backoff_ns(0));
}

/* ---- configuring the interface ----------------------------------------- */

struct find_default {
	struct ifnet *fd_ifp;
	bool fd_found;
};

static void
find_default_fn(void *arg, const struct rtentry *rt)
{
	struct find_default *fd = arg;

	if (rt->rt_dst == 0 && rt->rt_mask == 0 && rt->rt_ifp == fd->fd_ifp)
		fd->fd_found = true;
}

static void
route_remove(struct dhcp_client *dc)
{
	struct find_default fd = { dc->dc_ifp, false };

	if (!dc->dc_route)
		return;
	rt_foreach(find_default_fn, &fd);
	if (fd.fd_found)
		rt_delete(0, 0);
	dc->dc_route = false;
}

static void
route_set(struct dhcp_client *dc, in_addr_t router)
{
	char a[16];
	int error;

	if (dc->dc_route && dc->dc_lease.dl_router == router)
		return;
	route_remove(dc);
	if (router == 0)
		return;
	error = rt_add(0, 0, router, dc->dc_ifp, RTF_GATEWAY);
	if (error == 0)
		dc->dc_route = true;
	else
		klog(LOG_WARNING, "%s: default route via %s not added (%s)",
		    dc->dc_ifp->if_xname, inet_ntoa_r(router, a),
		    error == EEXIST ? "another one exists" : "error");
}

/* The address, its routes and DNS servers go. */
static void
unconfigure(struct dhcp_client *dc)
{
	if (!dc->dc_bound)
		return;
	route_remove(dc);
	in_ifaddr_clear(dc->dc_ifp);	/* and the routes through it */
	netconfig_dns_set(dc->dc_ifp, NULL, 0);
	dc->dc_bound = false;
	netconfig_addr_changed();
}

static void
log_lease(const struct dhcp_client *dc, bool renewed)
{
	const struct dhcp_lease *l = &dc->dc_lease;
	char line[KLOG_LINEMAX], a[16], b[16];
	unsigned n, i;

	n = (unsigned)ksnprintf(line, sizeof(line), "DHCP lease %s/%d",
	    inet_ntoa_r(l->dl_addr, a), in_masklen(l->dl_mask));
	n += (unsigned)ksnprintf(line + n, sizeof(line) - n, "%s from %s",
	    renewed ? " renewed" : "", inet_ntoa_r(l->dl_server, b));
	if (l->dl_router != 0 && n < sizeof(line))
		n += (unsigned)ksnprintf(line + n, sizeof(line) - n,
		    ", router %s", inet_ntoa_r(l->dl_router, a));
	for (i = 0; i < l->dl_ndns && n < sizeof(line); i++)
		n += (unsigned)ksnprintf(line + n, sizeof(line) - n, "%s%s",
		    i == 0 ? ", DNS " : " ", inet_ntoa_r(l->dl_dns[i], a));
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	if (l->dl_lease_s == DHCP_INFINITE)
		ksnprintf(line + n, sizeof(line) - n, ", infinite");
	else
		ksnprintf(line + n, sizeof(line) - n, ", %u s", l->dl_lease_s);
	klog(LOG_INFO, "%s: %s", dc->dc_ifp->if_xname, line);
}

/* ---- lease timers -------------------------------------------------------- */

/* Retransmission while renewing/rebinding: half the time left to limit,
 * at least RENEW_MIN_S, never past limit (RFC 2131 4.4.5). */
static void
arm_before(struct dhcp_client *dc, uint64_t now, uint64_t limit)
{
	uint64_t left = limit - now, wait = left / 2;

	if (wait < RENEW_MIN_S * NS_PER_S)
		wait = RENEW_MIN_S * NS_PER_S;
	arm(dc, wait < left ? wait : left);
}

static void
lease_expire(struct dhcp_client *dc)
{
	char a[16];

	klog(LOG_WARNING, "%s: DHCP lease %s expired, address removed",
	    dc->dc_ifp->if_xname, inet_ntoa_r(dc->dc_lease.dl_addr, a));
	unconfigure(dc);
}

/* BOUND, RENEWING, REBINDING, INIT_REBOOT: what is due now. */
static void
lease_timer(struct dhcp_client *dc)
{
	const struct dhcp_lease *l = &dc->dc_lease;
	uint64_t now = kclock_ns(), t0 = l->dl_obtained_ns;
	uint64_t t1 = t0 + (uint64_t)l->dl_t1_s * NS_PER_S;
	uint64_t t2 = t0 + (uint64_t)l->dl_t2_s * NS_PER_S;
	uint64_t exp = t0 + (uint64_t)l->dl_lease_s * NS_PER_S;

	if (l->dl_lease_s == DHCP_INFINITE) {
		disarm(dc);
	} else if (now >= exp) {
		lease_expire(dc);
		if (dc->dc_state == DHCP_INIT_REBOOT) {
			dc->dc_state = DHCP_INIT;	/* link down: wait */
			disarm(dc);
		} else {
			start_discover(dc);
		}
	} else if (dc->dc_state == DHCP_INIT_REBOOT) {
		arm(dc, exp - now);
	} else if (now >= t2) {
		if (dc->dc_state != DHCP_REBINDING)
			exchange_begin(dc, DHCP_REBINDING);
		send_msg(dc, DHCPREQUEST);
		arm_before(dc, now, exp);
	} else if (now >= t1) {
		if (dc->dc_state != DHCP_RENEWING)
			exchange_begin(dc, DHCP_RENEWING);
		send_msg(dc, DHCPREQUEST);
		arm_before(dc, now, t2);
	} else {
		arm(dc, t1 - now);
	}
}

static void
timeout_state(struct dhcp_client *dc)
{
	switch (dc->dc_state) {
	case DHCP_INIT:
	case DHCP_SELECTING:
		if (dc->dc_state == DHCP_INIT)
			exchange_begin(dc, DHCP_SELECTING);
		send_msg(dc, DHCPDISCOVER);
		arm(dc, backoff_ns(dc->dc_tries - 1));
		break;
	case DHCP_REQUESTING:
		if (dc->dc_tries >= REQUEST_TRIES) {
			start_discover(dc);
			break;
		}
		send_msg(dc, DHCPREQUEST);
		arm(dc, backoff_ns(dc->dc_tries - 1));
		break;
	case DHCP_REBOOTING:
		if (dc->dc_tries < REBOOT_TRIES) {
			send_msg(dc, DHCPREQUEST);
			arm(dc, backoff_ns(dc->dc_tries - 1));
		} else if (lease_valid(dc, kclock_ns())) {
			dc->dc_state = DHCP_BOUND;	/* RFC 2131 3.2 */
			lease_timer(dc);
		} else {
			unconfigure(dc);
			start_discover(dc);
		}
		break;
	case DHCP_BOUND:
	case DHCP_RENEWING:
	case DHCP_REBINDING:
	case DHCP_INIT_REBOOT:
		lease_timer(dc);
		break;
	default:
		break;
	}
}

static void
dhcp_timeout(void *arg)
{
	struct dhcp_client *dc = arg;

	mutex_enter(&net_lock);
	if (dc->dc_state != DHCP_OFF && !callout_pending(&dc->dc_timer) &&
	    kclock_ns() >= dc->dc_due)
		timeout_state(dc);
	mutex_exit(&net_lock);
}

/* ---- replies ------------------------------------------------------------- */

/* The lease an ACK gives, with RFC 2131/2132 defaults filled in. */
static void
lease_from_ack(const struct dhcp_client *dc, const struct dhcp_parsed *dp,
    struct dhcp_lease *l)
{
	uint32_t h = net_ntohl(dp->dp_yiaddr);

	*l = dp->dp_lease;
	if (l->dl_mask == 0)	/* no option 1: the class's mask */
		l->dl_mask = in_lenmask(h < 0x80000000u ? 8 :
		    h < 0xc0000000u ? 16 : 24);
	if (l->dl_server == 0)
		l->dl_server = dc->dc_state == DHCP_REQUESTING ?
		    dc->dc_offer.dl_server : dc->dc_lease.dl_server;
	if (l->dl_lease_s == 0)
		l->dl_lease_s = DEFAULT_LEASE_S;
	if (l->dl_lease_s == DHCP_INFINITE) {
		l->dl_t1_s = l->dl_t2_s = DHCP_INFINITE;
	} else {
		if (l->dl_t2_s == 0 || l->dl_t2_s >= l->dl_lease_s)
			l->dl_t2_s = (uint32_t)((uint64_t)l->dl_lease_s * 7 / 8);
		if (l->dl_t1_s == 0 || l->dl_t1_s > l->dl_t2_s)
			l->dl_t1_s = l->dl_lease_s / 2 < l->dl_t2_s ?
			    l->dl_lease_s / 2 : l->dl_t2_s;
	}
	/* The lease runs from when the request went out (RFC 2131 4.4.1). */
	l->dl_obtained_ns = dc->dc_sent_ns;
}

static void
bind_lease(struct dhcp_client *dc, const struct dhcp_lease *l)
{
	bool same = dc->dc_bound && dc->dc_lease.dl_addr == l->dl_addr &&
	    dc->dc_lease.dl_mask == l->dl_mask;
	char a[16];
	int error;

	if (!same) {
		unconfigure(dc);
		error = in_ifaddr_set(dc->dc_ifp, l->dl_addr, l->dl_mask);
		if (error != 0) {
			klog(LOG_ERR, "%s: DHCP address %s not set (error %d)",
			    dc->dc_ifp->if_xname, inet_ntoa_r(l->dl_addr, a),
			    error);
			dc->dc_state = DHCP_INIT;
			arm(dc, backoff_ns(4));
			return;
		}
	}
	route_set(dc, l->dl_router);
	dc->dc_lease = *l;
	dc->dc_bound = true;
	dc->dc_state = DHCP_BOUND;
	dc->dc_naks = 0;
	netconfig_dns_set(dc->dc_ifp, l->dl_dns, l->dl_ndns);
	if (!same) {
		arp_announce(dc->dc_ifp);
		netconfig_addr_changed();
	}
	log_lease(dc, same);
	lease_timer(dc);
}

static void
on_offer(struct dhcp_client *dc, const struct dhcp_parsed *dp)
{
	if (dc->dc_state != DHCP_SELECTING || !addr_usable(dp->dp_yiaddr) ||
	    dp->dp_server == 0)
		return;
	dc->dc_offer = dp->dp_lease;
	dc->dc_state = DHCP_REQUESTING;
	dc->dc_tries = 0;	/* same xid: RFC 2131 4.4.1 */
	send_msg(dc, DHCPREQUEST);
	arm(dc, backoff_ns(0));
}

/* A REQUEST of ours is outstanding, and this reply may answer it. */
static bool
reply_expected(const struct dhcp_client *dc, const struct dhcp_parsed *dp)
{
	switch (dc->dc_state) {
	case DHCP_REQUESTING:
		return dp->dp_server == 0 ||
		    dp->dp_server == dc->dc_offer.dl_server;
	case DHCP_REBOOTING:
	case DHCP_RENEWING:
	case DHCP_REBINDING:
		return true;
	default:
		return false;
	}
}

static void
on_ack(struct dhcp_client *dc, const struct dhcp_parsed *dp)
{
	struct dhcp_lease l;

	if (!reply_expected(dc, dp) || !addr_usable(dp->dp_yiaddr))
		return;
	lease_from_ack(dc, dp, &l);
	bind_lease(dc, &l);
}

static void
on_nak(struct dhcp_client *dc, const struct dhcp_parsed *dp)
{
	char a[16];

	if (!reply_expected(dc, dp))
		return;
	klog(LOG_WARNING, "%s: DHCP NAK from %s, starting over",
	    dc->dc_ifp->if_xname, inet_ntoa_r(dp->dp_server, a));
	unconfigure(dc);
	memset(&dc->dc_lease, 0, sizeof(dc->dc_lease));
	/* A server that keeps refusing is not asked again at once. */
	if (dc->dc_naks++ == 0) {
		start_discover(dc);
	} else {
		dc->dc_state = DHCP_INIT;
		arm(dc, backoff_ns(dc->dc_naks - 2));
	}
}

/* inpcb input: the UDP payload of a datagram to port 68 on our ifp. */
static bool
dhcp_input(struct inpcb *inp, struct mbuf *m, const struct inpcb_from *from)
{
	struct ifnet *ifp = from->if_ifp;
	struct dhcp_client *dc = client_find(ifp);
	struct dhcp_parsed dp;
	unsigned len = m->m_pkthdr.len;

	(void)inp;
	if (ifp == NULL || dc == NULL || dc->dc_state == DHCP_OFF) {
		m_freem(m);	/* DHCP is not running there */
		return true;
	}
	if (len > sizeof(dhcp_rxbuf) ||
	    from->if_sport != net_htons(DHCP_SERVER_PORT)) {
		if_stat_add(ifp, IFS_DHCP_BAD, 1);
		m_freem(m);
		return true;
	}
	m_copydata(m, 0, len, dhcp_rxbuf);
	m_freem(m);
	if (dhcp_parse(dhcp_rxbuf, len, &dp) != 0) {
		if_stat_add(ifp, IFS_DHCP_BAD, 1);
		return true;
	}
	/* Another client's transaction: not ours, not an error. */
	if (dp.dp_xid != dc->dc_xid ||
	    memcmp(dp.dp_chaddr, ifp->if_lladdr, ETHER_ADDR_LEN) != 0)
		return true;
	if (dp.dp_type == DHCPOFFER)
		on_offer(dc, &dp);
	else if (dp.dp_type == DHCPACK)
		on_ack(dc, &dp);
	else if (dp.dp_type == DHCPNAK)
		on_nak(dc, &dp);
	return true;
}

/* ---- link changes and the interface ------------------------------------- */

/* (Re)start the exchange: verify a lease we still hold, else discover. */
static void
restart(struct dhcp_client *dc)
{
	dc->dc_linkdown = false;
	dc->dc_naks = 0;
	if (lease_valid(dc, kclock_ns())) {
		start_reboot(dc);
	} else {
		unconfigure(dc);
		start_discover(dc);
	}
}

static void
dhcp_link(struct ifnet *ifp, int state)
{
	struct dhcp_client *dc = client_find(ifp);

	if (dc == NULL || dc->dc_state == DHCP_OFF)
		return;
	if (state == LINK_STATE_DOWN) {
		dc->dc_linkdown = true;
		if (dc->dc_bound) {
			dc->dc_state = DHCP_INIT_REBOOT;
			lease_timer(dc);	/* only the expiry */
		} else {
			dc->dc_state = DHCP_INIT;
			disarm(dc);
		}
	} else if (state == LINK_STATE_UP) {
		if (dc->dc_linkdown || dc->dc_state == DHCP_INIT)
			restart(dc);
		else if (dc->dc_state == DHCP_SELECTING)
			start_discover(dc);	/* first DISCOVER was lost */
	}
}

/* The interface goes: its client stops and forgets it (kept for reuse). */
static void
dhcp_ifdetach(struct ifnet *ifp)
{
	struct dhcp_client *dc = client_find(ifp);

	if (dc == NULL)
		return;
	dhcp_stop(ifp);
	dc->dc_ifp = NULL;
}

static struct dhcp_client *
client_get(struct ifnet *ifp)
{
	struct dhcp_client *dc = client_find(ifp);

	if (dc != NULL)
		return dc;
	if ((dc = client_find(NULL)) != NULL) {
		dc->dc_ifp = ifp;
		return dc;
	}
	if ((dc = kmem_zalloc(sizeof(*dc), KM_NOSLEEP)) == NULL)
		return NULL;
	dc->dc_ifp = ifp;
	dc->dc_state = DHCP_OFF;
	dc->dc_due = NO_DEADLINE;
	callout_init(&dc->dc_timer);
	dc->dc_next = dhcp_clients;
	dhcp_clients = dc;
	return dc;
}

/* One more client runs: the first one opens port 68. */
static int
pcb_ref(void)
{
	int error;

	if (dhcp_nrunning > 0) {
		dhcp_nrunning++;
		return 0;
	}
	inpcb_init(&dhcp_inp, IPPROTO_UDP, dhcp_input, NULL);
	dhcp_inp.inp_flags = INP_BROADCAST;
	error = inpcb_bind(&dhcp_inp, INADDR_ANY_N,
	    net_htons(DHCP_CLIENT_PORT));
	if (error != 0) {
		inpcb_destroy(&dhcp_inp);
		return error;
	}
	dhcp_nrunning = 1;
	return 0;
}

static void
pcb_unref(void)
{
	if (--dhcp_nrunning == 0)
		inpcb_destroy(&dhcp_inp);
}

int
dhcp_start(struct ifnet *ifp)
{
	struct dhcp_client *dc;
	int error;

	if (ifp->if_addrlen != ETHER_ADDR_LEN)
		return EINVAL;
	if (!dhcp_hooked) {
		if_link_hook(dhcp_link);
		if_detach_hook(dhcp_ifdetach);
		dhcp_hooked = true;
	}
	if ((dc = client_get(ifp)) == NULL)
		return ENOMEM;
	if (dc->dc_state != DHCP_OFF) {
		restart(dc);
		return 0;
	}
	if ((error = pcb_ref()) != 0) {
		klog(LOG_ERR, "%s: DHCP cannot bind port %d (error %d)",
		    ifp->if_xname, DHCP_CLIENT_PORT, error);
		return error;
	}
	if (rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, dc->dc_hostname,
	    sizeof(dc->dc_hostname)) != 0)
		dc->dc_hostname[0] = '\0';
	restart(dc);
	return 0;
}

void
dhcp_stop(struct ifnet *ifp)
{
	struct dhcp_client *dc = client_find(ifp);

	if (dc == NULL || dc->dc_state == DHCP_OFF)
		return;
	disarm(dc);
	unconfigure(dc);
	memset(&dc->dc_lease, 0, sizeof(dc->dc_lease));
	pcb_unref();
	dc->dc_state = DHCP_OFF;
}

enum dhcp_state
dhcp_state(struct ifnet *ifp)
{
	struct dhcp_client *dc = client_find(ifp);

	return dc != NULL ? dc->dc_state : DHCP_OFF;
}

const char *
dhcp_state_name(enum dhcp_state st)
{
	static const char *const names[] = {
		[DHCP_OFF] = "OFF", [DHCP_INIT] = "INIT",
		[DHCP_SELECTING] = "SELECTING",
		[DHCP_REQUESTING] = "REQUESTING",
		[DHCP_INIT_REBOOT] = "INIT-REBOOT",
		[DHCP_REBOOTING] = "REBOOTING", [DHCP_BOUND] = "BOUND",
		[DHCP_RENEWING] = "RENEWING", [DHCP_REBINDING] = "REBINDING",
	};

	if ((unsigned)st >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[st];
}

bool
dhcp_lease_get(struct ifnet *ifp, struct dhcp_lease *l)
{
	struct dhcp_client *dc = client_find(ifp);

	if (dc == NULL || !dc->dc_bound)
		return false;
	*l = dc->dc_lease;
	return true;
}
