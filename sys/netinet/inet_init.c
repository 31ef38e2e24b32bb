/*
 * Bringing up IPv4 and what its parts share: the stack's clock (with a
 * skew that only tests move), deadline timers over callouts, a small
 * random number generator, packet allocation with headroom, and the
 * hooks by which netinet follows interfaces (link changes, detach).
 *
 * inet_init runs once, from rump_init's early subsystems (or from
 * whoever calls it first); it brings up sys/net first.
 */
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/callout.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/rump.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"

uint64_t inet_clock_skew_ns;
static uint64_t inet_rand_state;

uint64_t
inet_now_ns(void)
{
	return kclock_ns() + __atomic_load_n(&inet_clock_skew_ns,
	    __ATOMIC_RELAXED);
}

/* ---- timers ------------------------------------------------------------- */

static void
inet_timer_fire(void *arg)
{
	struct inet_timer *t = arg;

	mutex_enter(&net_lock);
	t->it_armed = false;
	t->it_fn();
	mutex_exit(&net_lock);
}

void
inet_timer_init(struct inet_timer *t, void (*fn)(void))
{
	memset(t, 0, sizeof(*t));
	callout_init(&t->it_co);
	t->it_fn = fn;
}

void
inet_timer_arm(struct inet_timer *t, uint64_t deadline)
{
	uint64_t now = inet_now_ns(), delay = deadline > now ? deadline - now :
	    0, kdeadline = kclock_ns() + delay;

	if (t->it_armed && t->it_deadline <= kdeadline)
		return;
	t->it_armed = true;
	t->it_deadline = kdeadline;
	callout_reset_ns(&t->it_co, delay, inet_timer_fire, t);
}

/* ---- randomness --------------------------------------------------------- */

void
inet_random_seed(void)
{
	uint64_t seed = 0;
	size_t got = 0;

	if (rumpuser_getrandom(&seed, sizeof(seed), RUMPUSER_RANDOM_NOWAIT,
	    &got) != 0 || got < sizeof(seed))
		seed ^= kclock_ns() * 0x9e3779b97f4a7c15ull;
	inet_rand_state = seed != 0 ? seed : 0x2545f4914f6cdd1dull;
}

uint32_t
inet_random(void)
{
	uint64_t x = inet_rand_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	inet_rand_state = x;
	return (uint32_t)(x >> 32);
}

/* ---- packets ------------------------------------------------------------ */

struct mbuf *
inet_getpkt(unsigned len, unsigned headroom)
{
	struct mbuf *m;
	uint8_t *base;

	KASSERT(len + headroom <= MCLBYTES);
	if (len + headroom <= MHLEN)
		m = m_gethdr(M_NOWAIT);
	else
		m = m_getcl(M_NOWAIT);
	if (m == NULL)
		return NULL;
	base = (m->m_flags & M_EXT) != 0 ? m->m_ext->es_buf : m->m_dat;
	m->m_data = base + headroom;
	m->m_len = len;
	m->m_pkthdr.len = len;
	return m;
}

/* ---- interfaces --------------------------------------------------------- */

static void
inet_link_hook(struct ifnet *ifp, int state)
{
	arp_link_change(ifp, state);
}

void
inet_ifdetach(struct ifnet *ifp)
{
	struct in_ifinfo *ii = in_ifinfo(ifp);

	KASSERT(mutex_owned(&net_lock));
	rt_purge_ifp(ifp);
	arp_purge_ifp(ifp);
	ip_reass_purge_ifp(ifp);
	for (struct inpcb *inp = inpcb_first(); inp != NULL;
	    inp = inp->inp_next)
		if (inp->inp_ifp == ifp)
			inp->inp_ifp = NULL;
	if (ii != NULL) {
		ifp->if_inet = NULL;
		kmem_free(ii, sizeof(*ii));
	}
}

/* ---- initialisation ----------------------------------------------------- */

void
inet_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	(void)net_init();
	inet_random_seed();
	arp_init();
	ip_init();
	ip_reass_init();
	icmp_init();
	if_link_hook(inet_link_hook);
	if_detach_hook(inet_ifdetach);
	if (ether_register(ETHERTYPE_ARP, arp_input) != 0 ||
	    ether_register(ETHERTYPE_IP, ip_input) != 0)
		klog(LOG_ERR, "inet: cannot register with Ethernet");
}

static int
inet_subsys_init(void)
{
	inet_init();
	return 0;
}
RUMP_SUBSYS_EARLY("inet", inet_subsys_init);
