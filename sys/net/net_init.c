/*
 * Bringing up the network stack: mbufs, net_lock, then the protocols
 * (netinet's inet_init, when netinet is linked in). net_init runs once,
 * as an early rump subsystem (before autoconf, so drivers can attach
 * interfaces); later calls return 0 at once, so netinet and if_attach
 * may call it to be sure. The flag is set before inet_init runs, so
 * inet_init may itself call net_init.
 */
#include <stdbool.h>
#include <stddef.h>

#include <kern/mutex.h>
#include <kern/rump.h>
#include <net/mbuf.h>
#include <net/netif.h>

/* Declared in <netinet/inet.h>; weak so that sys/net links without it. */
extern void inet_init(void) __attribute__((__weak__));

kmutex_t net_lock;
static int net_inited;

bool
net_lock_cond(void)
{
	if (mutex_owned(&net_lock))
		return false;
	mutex_enter(&net_lock);
	return true;
}

void
net_unlock_cond(bool taken)
{
	if (taken)
		mutex_exit(&net_lock);
}

int
net_init(void)
{
	if (__atomic_exchange_n(&net_inited, 1, __ATOMIC_ACQ_REL) != 0)
		return 0;
	mbuf_init();
	mutex_init(&net_lock, MUTEX_DEFAULT);
	if (inet_init != NULL)
		inet_init();
	return 0;
}

RUMP_SUBSYS_EARLY("net", net_init);
