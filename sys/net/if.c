/*
 * Network interfaces: the list of attached interfaces, their indexes,
 * administrative state, link state and its listeners, the send queue
 * (if_snd) between the stack and the driver, counters and packet taps.
 *
 * Locking (see <net/netif.h>): the list, if_flags changes, if_link_state,
 * the hooks and the taps are guarded by net_lock. Entry points that
 * drivers or applications may call either way take it conditionally
 * (net_lock_cond). if_snd is guarded by if_snd_lock, a spin mutex held
 * only to link or unlink packets: nothing is freed and no driver code
 * runs under it (freeing may call a driver's buffer free function).
 *
 * Indexes are never reused: a stale index finds nothing.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/mutex.h>
#include <net/mbuf.h>
#include <net/netif.h>

#define IF_SNDQ_DEFAULT 256
#define IF_HOOKS_MAX 16

const char *const if_stat_names[IFS_MAX] = {
	[IFS_IPACKETS] = "ipackets",
	[IFS_IBYTES] = "ibytes",
	[IFS_IMCASTS] = "imcasts",
	[IFS_IERRORS] = "ierrors",
	[IFS_IQDROPS] = "iqdrops",
	[IFS_OPACKETS] = "opackets",
	[IFS_OBYTES] = "obytes",
	[IFS_OMCASTS] = "omcasts",
	[IFS_OERRORS] = "oerrors",
	[IFS_OQDROPS] = "oqdrops",
	[IFS_COLLISIONS] = "collisions",
	[IFS_NOPROTO] = "noproto",
	[IFS_RUNT] = "runt",
	[IFS_BADDESC] = "baddesc",
	[IFS_ARP_BAD] = "arp_bad",
	[IFS_ARP_UNSOLICITED] = "arp_unsolicited",
	[IFS_ARP_DUPADDR] = "arp_dupaddr",
	[IFS_IP_BADHDR] = "ip_badhdr",
	[IFS_IP_BADSUM] = "ip_badsum",
	[IFS_IP_NOTOURS] = "ip_notours",
	[IFS_IP_FRAGDROP] = "ip_fragdrop",
	[IFS_IP_TTL] = "ip_ttl",
	[IFS_ICMP_BAD] = "icmp_bad",
	[IFS_ICMP_RATELIM] = "icmp_ratelim",
	[IFS_UDP_BAD] = "udp_bad",
	[IFS_UDP_NOPORT] = "udp_noport",
	[IFS_UDP_FULL] = "udp_full",
	[IFS_DHCP_BAD] = "dhcp_bad",
	[IFS_TCP_BADHDR] = "tcp_badhdr",
	[IFS_TCP_BADSUM] = "tcp_badsum",
	[IFS_TCP_BADOPT] = "tcp_badopt",
	[IFS_TCP_BADFLAGS] = "tcp_badflags",
	[IFS_TCP_BADSEQ] = "tcp_badseq",
	[IFS_TCP_BADACK] = "tcp_badack",
	[IFS_TCP_NOPORT] = "tcp_noport",
	[IFS_TCP_SYNDROP] = "tcp_syndrop",
	[IFS_TCP_RCVDROP] = "tcp_rcvdrop",
};
CTASSERT(IFS_TCP_RCVDROP + 1 == IFS_MAX);

static struct ifnet *if_list;		/* net_lock */
static unsigned if_batch_depth;		/* net_lock */
static struct ifnet *if_start_owed_list;	/* net_lock */
static unsigned if_lastindex;		/* net_lock */
static void (*if_link_hooks[IF_HOOKS_MAX])(struct ifnet *, int);
static unsigned if_nlink_hooks;
static void (*if_detach_hooks[IF_HOOKS_MAX])(struct ifnet *);
static unsigned if_ndetach_hooks;
static void (*if_attach_hooks[IF_HOOKS_MAX])(struct ifnet *);
static unsigned if_nattach_hooks;

void
if_attach(struct ifnet *ifp)
{
	struct ifnet **pp;
	bool taken;

	net_init();
	if (ifp->if_mtu_max == 0)
		ifp->if_mtu_max = ifp->if_mtu;
	mutex_init(&ifp->if_snd_lock, MUTEX_SPIN);
	if (ifp->if_snd.mq_maxlen == 0)
		mq_init(&ifp->if_snd, IF_SNDQ_DEFAULT);
	taken = net_lock_cond();
	for (pp = &if_list; *pp != NULL; pp = &(*pp)->if_next)
		KASSERT(*pp != ifp);
	ifp->if_index = ++if_lastindex;
	ifp->if_next = NULL;
	*pp = ifp;
	for (unsigned i = 0; i < if_nattach_hooks; i++)
		if_attach_hooks[i](ifp);
	net_unlock_cond(taken);
}

/* Takes every queued frame off if_snd; the caller frees them. */
static struct mbuf *
if_snd_take(struct ifnet *ifp)
{
	struct mbuf *m;

	mutex_enter(&ifp->if_snd_lock);
	m = ifp->if_snd.mq_head;
	ifp->if_snd.mq_head = NULL;
	ifp->if_snd.mq_tail = NULL;
	ifp->if_snd.mq_len = 0;
	mutex_exit(&ifp->if_snd_lock);
	return m;
}

/* Stops the driver and clears IFF_UP/IFF_RUNNING; net_lock held. */
static void
if_stop_locked(struct ifnet *ifp)
{
	bool was = (ifp->if_flags & (IFF_UP | IFF_RUNNING)) != 0;

	ifp->if_flags &= ~IFF_UP;
	if (was && ifp->if_stop != NULL)
		ifp->if_stop(ifp);
	ifp->if_flags &= ~IFF_RUNNING;
	m_freem_list(if_snd_take(ifp));
}

/*
 * The driver must have quiesced its receive path first, or hold it off
 * until this returns: nothing may call ether_input(ifp) afterwards.
 */
void
if_detach(struct ifnet *ifp)
{
	struct ifnet **pp;
	bool taken = net_lock_cond();

	for (unsigned i = 0; i < if_ndetach_hooks; i++)
		if_detach_hooks[i](ifp);
	if_stop_locked(ifp);
	for (pp = &if_list; *pp != NULL && *pp != ifp; pp = &(*pp)->if_next)
		continue;
	KASSERT(*pp == ifp);
	*pp = ifp->if_next;
	ifp->if_next = NULL;
	ifp->if_taps = NULL;
	if (ifp->if_start_owed) {
		for (pp = &if_start_owed_list; *pp != ifp;
		    pp = &(*pp)->if_start_next)
			continue;
		*pp = ifp->if_start_next;
		ifp->if_start_owed = false;
	}
	net_unlock_cond(taken);
	mutex_destroy(&ifp->if_snd_lock);
}

struct ifnet *
if_find(const char *xname)
{
	struct ifnet *ifp;
	bool taken = net_lock_cond();

	for (ifp = if_list; ifp != NULL; ifp = ifp->if_next)
		if (strncmp(ifp->if_xname, xname, IFNAMSIZ) == 0)
			break;
	net_unlock_cond(taken);
	return ifp;
}

struct ifnet *
if_byindex(unsigned index)
{
	struct ifnet *ifp;
	bool taken = net_lock_cond();

	for (ifp = if_list; ifp != NULL; ifp = ifp->if_next)
		if (ifp->if_index == index)
			break;
	net_unlock_cond(taken);
	return ifp;
}

struct ifnet *
if_first(void)
{
	KASSERT(mutex_owned(&net_lock));
	return if_list;
}

int
if_up(struct ifnet *ifp)
{
	bool taken = net_lock_cond();
	int rv = 0;

	if ((ifp->if_flags & IFF_UP) == 0) {
		ifp->if_flags |= IFF_UP;
		if (ifp->if_init != NULL)
			rv = ifp->if_init(ifp);
		else
			ifp->if_flags |= IFF_RUNNING;
		if (rv != 0)
			ifp->if_flags &= ~IFF_UP;
	}
	net_unlock_cond(taken);
	return rv;
}

void
if_down(struct ifnet *ifp)
{
	bool taken = net_lock_cond();

	if_stop_locked(ifp);
	net_unlock_cond(taken);
}

int
if_set_mtu(struct ifnet *ifp, unsigned mtu)
{
	bool taken;

	if (mtu < 1 || mtu > ifp->if_mtu_max)
		return EINVAL;
	taken = net_lock_cond();
	ifp->if_mtu = mtu;
	net_unlock_cond(taken);
	return 0;
}

void
if_link_hook(void (*fn)(struct ifnet *, int state))
{
	bool taken = net_lock_cond();

	KASSERT(if_nlink_hooks < IF_HOOKS_MAX);
	if_link_hooks[if_nlink_hooks++] = fn;
	net_unlock_cond(taken);
}

void
if_attach_hook(void (*fn)(struct ifnet *))
{
	bool taken = net_lock_cond();

	KASSERT(if_nattach_hooks < IF_HOOKS_MAX);
	if_attach_hooks[if_nattach_hooks++] = fn;
	net_unlock_cond(taken);
}

void
if_detach_hook(void (*fn)(struct ifnet *))
{
	bool taken = net_lock_cond();

	KASSERT(if_ndetach_hooks < IF_HOOKS_MAX);
	if_detach_hooks[if_ndetach_hooks++] = fn;
	net_unlock_cond(taken);
}

void
if_link_state_change(struct ifnet *ifp, int state)
{
	bool taken = net_lock_cond();

	if (ifp->if_link_state != state) {
		ifp->if_link_state = state;
		klog(LOG_INFO, "%s: link %s", ifp->if_xname,
		    state == LINK_STATE_UP ? "up" :
		    state == LINK_STATE_DOWN ? "down" : "state unknown");
		for (unsigned i = 0; i < if_nlink_hooks; i++)
			if_link_hooks[i](ifp, state);
	}
	net_unlock_cond(taken);
}


static void (*if_batch_done)(void);	/* set once at init */

void
if_batch_hook(void (*fn)(void))
{
	if_batch_done = fn;
}

bool
if_batch_active(void)
{
	return if_batch_depth > 0 && mutex_owned(&net_lock);
}

void
if_batch_begin(void)
{
	KASSERT(mutex_owned(&net_lock));
	if_batch_depth++;
}

void
if_batch_end(void)
{
	struct ifnet *ifp;

	KASSERT(mutex_owned(&net_lock) && if_batch_depth > 0);
	if (--if_batch_depth > 0)
		return;
	while ((ifp = if_start_owed_list) != NULL) {
		if_start_owed_list = ifp->if_start_next;
		ifp->if_start_next = NULL;
		ifp->if_start_owed = false;
		if (ifp->if_start != NULL)
			ifp->if_start(ifp);
	}
	if (if_batch_done != NULL)
		if_batch_done();
}

/* Inside a batch: remember to start ifp at its end. */
static bool
if_start_defer(struct ifnet *ifp)
{
	if (!mutex_owned(&net_lock) || if_batch_depth == 0)
		return false;
	if (!ifp->if_start_owed) {
		ifp->if_start_owed = true;
		ifp->if_start_next = if_start_owed_list;
		if_start_owed_list = ifp;
	}
	return true;
}

int
if_transmit(struct ifnet *ifp, struct mbuf *m)
{
	struct mbuf_queue *q = &ifp->if_snd;
	bool taken, full;

	KASSERT((m->m_flags & M_PKTHDR) != 0);
	if (__atomic_load_n(&ifp->if_taps, __ATOMIC_RELAXED) != NULL) {
		taken = net_lock_cond();
		if_tap_run(ifp, m, IF_TAP_OUT);
		net_unlock_cond(taken);
	}
	mutex_enter(&ifp->if_snd_lock);
	full = q->mq_len >= q->mq_maxlen;
	if (full)
		q->mq_drops++;
	else
		mq_enqueue(q, m);
	mutex_exit(&ifp->if_snd_lock);
	if (full) {
		m_freem(m);
		if_stat_add(ifp, IFS_OQDROPS, 1);
		return ENOBUFS;
	}
	if (ifp->if_start != NULL && !if_start_defer(ifp))
		ifp->if_start(ifp);
	return 0;
}

struct mbuf *
if_dequeue(struct ifnet *ifp)
{
	struct mbuf *m;

	mutex_enter(&ifp->if_snd_lock);
	m = mq_dequeue(&ifp->if_snd);
	mutex_exit(&ifp->if_snd_lock);
	return m;
}

/* The frame was just dequeued, so the limit is not checked. */
void
if_requeue(struct ifnet *ifp, struct mbuf *m)
{
	struct mbuf_queue *q = &ifp->if_snd;

	mutex_enter(&ifp->if_snd_lock);
	m->m_nextpkt = q->mq_head;
	q->mq_head = m;
	if (q->mq_tail == NULL)
		q->mq_tail = m;
	q->mq_len++;
	mutex_exit(&ifp->if_snd_lock);
}

void
if_stats_print(struct ifnet *ifp, void (*out)(void *, const char *),
    void *arg)
{
	char line[80];
	uint64_t v;

	for (int s = 0; s < IFS_MAX; s++) {
		if ((v = if_stat_get(ifp, (enum if_stat)s)) == 0)
			continue;
		ksnprintf(line, sizeof(line), "%s: %s %llu", ifp->if_xname,
		    if_stat_names[s], (unsigned long long)v);
		out(arg, line);
	}
}

void
if_tap_attach(struct ifnet *ifp, struct if_tap *t)
{
	bool taken = net_lock_cond();

	t->it_next = ifp->if_taps;
	__atomic_store_n(&ifp->if_taps, t, __ATOMIC_RELEASE);
	net_unlock_cond(taken);
}

void
if_tap_detach(struct ifnet *ifp, struct if_tap *t)
{
	struct if_tap **pp;
	bool taken = net_lock_cond();

	for (pp = &ifp->if_taps; *pp != NULL; pp = &(*pp)->it_next) {
		if (*pp == t) {
			__atomic_store_n(pp, t->it_next, __ATOMIC_RELEASE);
			break;
		}
	}
	net_unlock_cond(taken);
}

void
if_tap_run(struct ifnet *ifp, const struct mbuf *m, int dir)
{
	KASSERT(mutex_owned(&net_lock));
	for (struct if_tap *t = ifp->if_taps; t != NULL; t = t->it_next)
		t->it_fn(t->it_arg, ifp, m, dir);
}
