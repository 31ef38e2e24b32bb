/*
 * Condition variables: a FIFO wait queue (rumpuser_waitq.c). Signal
 * wakes the longest waiter, broadcast all; a signal with nobody waiting
 * is not remembered. has_waiters reports threads still on the queue: a
 * woken thread is off it at once and never touches the cv again, so the
 * cv may be destroyed right after a broadcast.
 *
 * A wrapped wait releases the rump kernel CPU while still holding the
 * interlock, then queues itself, drops the interlock and sleeps (nothing
 * runs between the drop and the sleep: threads are cooperative, so no
 * wakeup is lost). Before returning it holds both again, in the order of
 * the manual and of hypercall-posix:
 * - SPIN|KMUTEX interlock: CPU first, then the mutex, taken without
 *   releasing the CPU (a kernel spin mutex holder never gives up the
 *   CPU, so waiting for the CPU while holding the mutex could deadlock);
 * - any other interlock: mutex first, then the CPU.
 * The timeout of timedwait is relative to the moment of the call, on the
 * monotonic clock; the time spent getting the CPU back counts against
 * it. The *_nowrap wait never touches the CPU.
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/bmk.h>
#include <bmk/errno.h>
#include <bmk/memalloc.h>
#include <bmk/platform.h>

#include "bm_assert.h"
#include "rumpuser_impl.h"

#define NS_PER_SEC 1000000000LL

struct rumpuser_cv {
	struct ru_waitq c_waitq;
};

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv;

	if ((cv = memalloc(sizeof(*cv), 0)) == NULL)
		plat_halt("rumpuser_cv_init: out of memory");
	ru_waitq_init(&cv->c_waitq);
	*cvp = cv;
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	bm_assert(ru_waitq_empty(&cv->c_waitq));
	memfree(cv);
}

/*
 * Drop mtx and sleep on cv until woken or the deadline: 0 or ETIMEDOUT.
 * ru_waitq_sleep queues us before it can block, and ru_mtx_unlock only
 * makes the next mutex waiter runnable: no wakeup is lost in between.
 */
static int
sleep_on(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx, uint64_t deadline)
{
	ru_mtx_unlock(mtx);
	return ru_waitq_sleep(&cv->c_waitq, deadline);
}

static void
reacquire(struct rumpuser_mtx *mtx, int nlocks)
{
	const int both = RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX;

	if ((mtx->m_flags & both) == both) {
		ru_cpu_take(nlocks, mtx);
		ru_mtx_lock_nocpu(mtx);
	} else {
		ru_mtx_lock_nocpu(mtx);
		ru_cpu_take(nlocks, mtx);
	}
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	int nlocks;

	ru_cpu_release(&nlocks, mtx);
	sleep_on(cv, mtx, RU_NODEADLINE);
	reacquire(mtx, nlocks);
}

void
rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	sleep_on(cv, mtx, RU_NODEADLINE);
	ru_mtx_lock_nocpu(mtx);
}

/* now + (sec, nsec) on the monotonic clock; negative means "now". */
static uint64_t
deadline_after(int64_t sec, int64_t nsec)
{
	uint64_t now = bmk_clock_monotonic(), rel;

	if (sec < 0 || nsec < 0)
		return now;
	sec += nsec / NS_PER_SEC;
	nsec %= NS_PER_SEC;
	if (sec >= INT64_MAX / NS_PER_SEC - 1)
		return RU_NODEADLINE - 1;	/* centuries: as good as never */
	rel = (uint64_t)sec * NS_PER_SEC + (uint64_t)nsec;
	return now + rel;
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    int64_t sec, int64_t nsec)
{
	uint64_t deadline = deadline_after(sec, nsec);
	int nlocks, rv;

	ru_cpu_release(&nlocks, mtx);
	rv = sleep_on(cv, mtx, deadline);
	reacquire(mtx, nlocks);
	return rv;
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	ru_waitq_wakeone(&cv->c_waitq);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	ru_waitq_wakeall(&cv->c_waitq);
}

void
rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waitersp)
{
	*waitersp = !ru_waitq_empty(&cv->c_waitq);
}
