/*
 * Mutexes with owner tracking, on wait queues (rumpuser_waitq.c).
 *
 * rumpuser_mutex_enter first tries the lock; only if it is held does it
 * release the rump kernel CPU, wait for the lock, then take the CPU back
 * (lock first, CPU second, as on posix: a CPU holder that wants this
 * lock releases the CPU while it waits, so the order cannot deadlock).
 *
 * SPIN mutexes and enter_nowrap never release the rump kernel CPU. On
 * one CPU with cooperative threads a held spin mutex can only be freed
 * by its holder running, so "spinning" means sleeping on the mutex's
 * wait queue while keeping the rump kernel CPU: the holder runs, and its
 * exit wakes us. No cycles are burnt spinning.
 *
 * An exit wakes the first waiter, which then competes again (a thread
 * that enters before it runs takes the lock: no handoff, no convoy).
 * Invariants: see struct rumpuser_mtx in rumpuser_impl.h.
 */
#include <stddef.h>

#include <bmk/errno.h>
#include <bmk/memalloc.h>
#include <bmk/platform.h>
#include <bmk/sched.h>

#include "bm_assert.h"
#include "rumpuser_impl.h"

void
rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
	struct rumpuser_mtx *mtx;

	if ((mtx = memalloc(sizeof(*mtx), 0)) == NULL)
		plat_halt("rumpuser_mutex_init: out of memory");
	mtx->m_flags = flags;
	mtx->m_holder = NULL;
	mtx->m_owner = NULL;
	ru_waitq_init(&mtx->m_waitq);
	*mtxp = mtx;
}

static int
try_lock(struct rumpuser_mtx *mtx)
{
	if (mtx->m_holder != NULL)
		return 0;
	mtx->m_holder = sched_current();
	mtx->m_owner = sched_current_cookie();
	return 1;
}

void
ru_mtx_lock_nocpu(struct rumpuser_mtx *mtx)
{
	bm_assert(mtx->m_holder != sched_current());
	while (!try_lock(mtx))
		ru_waitq_sleep(&mtx->m_waitq, RU_NODEADLINE);
}

void
ru_mtx_unlock(struct rumpuser_mtx *mtx)
{
	bm_assert(mtx->m_holder == sched_current());
	mtx->m_holder = NULL;
	mtx->m_owner = NULL;
	if (mtx->m_waitq.wq_head != NULL)	/* a call saved per exit */
		ru_waitq_wakeone(&mtx->m_waitq);
}

void
rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx)
{
	ru_mtx_lock_nocpu(mtx);
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	int nlocks;

	if ((mtx->m_flags & RUMPUSER_MTX_SPIN) != 0) {
		ru_mtx_lock_nocpu(mtx);
		return;
	}
	if (try_lock(mtx))
		return;
	ru_cpu_release(&nlocks, NULL);
	ru_mtx_lock_nocpu(mtx);
	ru_cpu_take(nlocks, NULL);
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	return try_lock(mtx) ? 0 : EBUSY;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{
	ru_mtx_unlock(mtx);
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{
	bm_assert(mtx->m_holder == NULL && ru_waitq_empty(&mtx->m_waitq));
	memfree(mtx);
}

void
rumpuser_mutex_owner(struct rumpuser_mtx *mtx, struct lwp **lp)
{
	*lp = mtx->m_owner;
}
