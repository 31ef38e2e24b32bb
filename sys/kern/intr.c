/*
 * Driver interrupt handlers, run with a rump kernel CPU.
 *
 * The hypervisor calls kintr_dispatch(ih) from its interrupt thread for
 * the line: thread context, no CPU, and (for a thread of its own) no
 * lwp. Each handle has an lwp of its own (ih_lwp, in proc0), bound for
 * the duration of the call, so that handlers see a stable curlwp and no
 * lwp is allocated per interrupt. A thread that already has an lwp keeps
 * it. The hypervisor never runs one handle on two threads at once (one
 * interrupt thread per line), which is what lets ih_lwp be shared.
 *
 * The contract has no way to take a handler back from the hypervisor, so
 * a handle lives as long as the kernel: kintr_disestablish only disables
 * it. Every handle stays on kintr_all, which says so to leak checkers.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include <rump/rumpcomp_pci.h>

#include <kern/intr.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/lwp.h>
#include <kern/rump.h>

#include "kern_impl.h"

#define KINTR_MAGIC 0x696e7472U

struct kintr {
	unsigned ih_magic;
	int (*ih_handler)(void *);
	void *ih_arg;
	struct lwp *ih_lwp;
	unsigned long ih_count;		/* atomic */
	int ih_disabled;		/* atomic */
	char ih_name[16];
	struct kintr *ih_next;		/* kintr_all */
};

static struct kintr *kintr_all;		/* atomic push only */

static int
kintr_dispatch(void *arg)
{
	struct kintr *ih = arg;
	bool bind = curlwp() == NULL;
	int rv = 0;

	KASSERT(ih->ih_magic == KINTR_MAGIC);
	if (__atomic_load_n(&ih->ih_disabled, __ATOMIC_ACQUIRE))
		return 0;
	if (bind)
		lwp_bind(ih->ih_lwp);
	rump_schedule();
	rv = ih->ih_handler(ih->ih_arg);
	rump_unschedule();
	if (bind)
		lwp_unbind(ih->ih_lwp);
	if (rv != 0)
		__atomic_add_fetch(&ih->ih_count, 1, __ATOMIC_RELAXED);
	return rv;
}

int
kintr_establish(unsigned cookie, int (*handler)(void *), void *arg,
    const char *xname, struct kintr **ihp)
{
	struct kintr *ih;
	int rv = ENOMEM;

	KASSERT(handler != NULL);
	if ((ih = kmem_zalloc(sizeof(*ih), KM_SLEEP)) == NULL)
		return rv;
	ih->ih_magic = KINTR_MAGIC;
	ih->ih_handler = handler;
	ih->ih_arg = arg;
	kstrlcpy(ih->ih_name, xname != NULL ? xname : "intr",
	    sizeof(ih->ih_name));
	if ((ih->ih_lwp = lwp_create(&proc0, 0, ih->ih_name)) == NULL)
		goto fail_ih;
	if (rumpcomp_pci_irq_establish(cookie, kintr_dispatch, ih) == NULL) {
		rv = ENXIO;
		goto fail_lwp;
	}
	ih->ih_next = __atomic_load_n(&kintr_all, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&kintr_all, &ih->ih_next, ih, true,
	    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		continue;
	*ihp = ih;
	return 0;

fail_lwp:
	lwp_destroy(ih->ih_lwp);
fail_ih:
	ih->ih_magic = 0;
	kmem_free(ih, sizeof(*ih));
	klog(LOG_ERR, "%s: cannot establish interrupt %u: error %d",
	    xname != NULL ? xname : "intr", cookie, rv);
	return rv;
}

/* The hypervisor keeps the wrapper registered: it is disabled, not freed. */
void
kintr_disestablish(struct kintr *ih)
{
	KASSERT(ih->ih_magic == KINTR_MAGIC);
	__atomic_store_n(&ih->ih_disabled, 1, __ATOMIC_RELEASE);
}

unsigned long
kintr_count(const struct kintr *ih)
{
	return __atomic_load_n(&ih->ih_count, __ATOMIC_RELAXED);
}
