/*
 * Kernel threads: each is a hypervisor thread with its own lwp in proc0
 * (LW_SYSTEM), created unbound by kthread_create and bound by the new
 * thread itself before it takes a CPU.
 *
 * Who frees the lwp: a KTHREAD_MUSTJOIN thread's lwp outlives the
 * thread and is freed by kthread_join (after rumpuser_thread_join says
 * the thread is gone); any other thread frees its own lwp on exit, after
 * giving back its CPU and unbinding.
 */
#include <errno.h>
#include <stddef.h>

#include <rump/rumpuser.h>

#include <kern/kassert.h>
#include <kern/kthread.h>
#include <kern/lwp.h>
#include <kern/rump.h>

#include "kern_impl.h"

static void *
kthread_start(void *arg)
{
	struct lwp *l = arg;

	lwp_bind(l);
	rump_schedule();
	l->l_kfn(l->l_karg);
	kthread_exit();
}

int
kthread_create(void (*fn)(void *), void *arg, const char *name, int flags,
    struct lwp **lp)
{
	int mustjoin = (flags & KTHREAD_MUSTJOIN) != 0;
	struct lwp *l;
	int rv;

	KASSERT(!mustjoin || lp != NULL);
	l = lwp_create(&proc0, LW_SYSTEM | (mustjoin ? LW_MUSTJOIN : 0), name);
	if (l == NULL)
		return ENOMEM;
	l->l_kfn = fn;
	l->l_karg = arg;
	if (lp != NULL)
		*lp = l;
	rv = rumpuser_thread_create(kthread_start, l, name, mustjoin, 0, -1,
	    &l->l_kcookie);
	if (rv != 0)
		lwp_destroy(l);
	return rv;
}

void
kthread_exit(void)
{
	struct lwp *l = lwp_checked(curlwp());

	KASSERT((l->l_flags & LW_SYSTEM) != 0);
	rump_unschedule();
	lwp_unbind(l);
	if ((l->l_flags & LW_MUSTJOIN) == 0)
		lwp_destroy(l);
	rumpuser_thread_exit();
}

int
kthread_join(struct lwp *l)
{
	int rv;

	lwp_checked(l);
	KASSERT((l->l_flags & LW_MUSTJOIN) != 0 && l != curlwp());
	if ((rv = rumpuser_thread_join(l->l_kcookie)) != 0)
		return rv;
	lwp_destroy(l);
	return 0;
}
