/*
 * Condition variables over pthread condition variables (on
 * CLOCK_MONOTONIC).
 *
 * A wrapped wait releases the rump kernel CPU while still holding the
 * interlock, then sleeps (pthread_cond_wait drops the interlock and
 * takes it back on wakeup). Before returning it must hold both again;
 * the order follows the manual:
 * - SPIN|KMUTEX interlock: CPU first, then the mutex. The host mutex
 *   that pthread_cond_wait re-took is dropped, the CPU is taken, and the
 *   mutex is taken again without releasing the CPU. (A kernel spin mutex
 *   holder never gives up the CPU, so waiting for the CPU while holding
 *   the mutex could deadlock.)
 * - any other interlock: mutex first (as pthread_cond_wait returns),
 *   then the CPU.
 * The timeout of timedwait is relative to the moment of the call: the
 * time spent getting the CPU back counts against it.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "hp.h"

struct rumpuser_cv {
	pthread_cond_t c_cv;
	int c_waiters;		/* threads inside a wait; atomic */
};

void
rumpuser_cv_init(struct rumpuser_cv **cvp)
{
	struct rumpuser_cv *cv;
	pthread_condattr_t attr;
	int rv;

	if ((cv = malloc(sizeof(*cv))) == NULL)
		hp_fatal("cv_init", ENOMEM);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if ((rv = pthread_cond_init(&cv->c_cv, &attr)) != 0)
		hp_fatal("pthread_cond_init", rv);
	pthread_condattr_destroy(&attr);
	cv->c_waiters = 0;
	*cvp = cv;
}

void
rumpuser_cv_destroy(struct rumpuser_cv *cv)
{
	int rv;

	if ((rv = pthread_cond_destroy(&cv->c_cv)) != 0)
		hp_fatal("pthread_cond_destroy", rv);
	free(cv);
}

static void
reacquire(struct rumpuser_mtx *mtx, int nlocks)
{
	const int both = RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX;
	int rv;

	if ((mtx->m_flags & both) == both) {
		if ((rv = pthread_mutex_unlock(&mtx->m_mtx)) != 0)
			hp_fatal("pthread_mutex_unlock", rv);
		hp_cpu_take(nlocks, mtx);
		if ((rv = pthread_mutex_lock(&mtx->m_mtx)) != 0)
			hp_fatal("pthread_mutex_lock", rv);
	} else {
		hp_cpu_take(nlocks, mtx);
	}
	hp_mtx_set_owner(mtx);
}

/* Sleep on cv; deadline NULL means no timeout. Returns 0 or ETIMEDOUT. */
static int
host_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    const struct timespec *deadline)
{
	int rv;

	__atomic_add_fetch(&cv->c_waiters, 1, __ATOMIC_RELAXED);
	hp_mtx_clear_owner(mtx);
	if (deadline == NULL)
		rv = pthread_cond_wait(&cv->c_cv, &mtx->m_mtx);
	else
		rv = pthread_cond_timedwait(&cv->c_cv, &mtx->m_mtx, deadline);
	__atomic_sub_fetch(&cv->c_waiters, 1, __ATOMIC_RELAXED);
	if (rv != 0 && rv != ETIMEDOUT)
		hp_fatal("pthread_cond_wait", rv);
	return rv;
}

void
rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	int nlocks;

	hp_cpu_release(&nlocks, mtx);
	host_wait(cv, mtx, NULL);
	reacquire(mtx, nlocks);
}

void
rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx)
{
	host_wait(cv, mtx, NULL);
	hp_mtx_set_owner(mtx);
}

/* now + (sec, nsec) on CLOCK_MONOTONIC; negative means "already due". */
static struct timespec
deadline_after(int64_t sec, int64_t nsec)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	if (sec < 0 || nsec < 0)
		return ts;
	sec += nsec / 1000000000;
	nsec %= 1000000000;
	if (sec > (int64_t)1 << 40)	/* far enough: avoid time_t overflow */
		sec = (int64_t)1 << 40;
	ts.tv_sec += (time_t)sec;
	ts.tv_nsec += (long)nsec;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

int
rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    int64_t sec, int64_t nsec)
{
	struct timespec deadline = deadline_after(sec, nsec);
	int nlocks, rv;

	hp_cpu_release(&nlocks, mtx);
	rv = host_wait(cv, mtx, &deadline);
	reacquire(mtx, nlocks);
	return rv;
}

void
rumpuser_cv_signal(struct rumpuser_cv *cv)
{
	pthread_cond_signal(&cv->c_cv);
}

void
rumpuser_cv_broadcast(struct rumpuser_cv *cv)
{
	pthread_cond_broadcast(&cv->c_cv);
}

void
rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waitersp)
{
	*waitersp = __atomic_load_n(&cv->c_waiters, __ATOMIC_RELAXED) > 0;
}
