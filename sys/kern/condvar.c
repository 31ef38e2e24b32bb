/*
 * Condition variables over the rumpuser cv hypercalls. A wait releases
 * the rump kernel CPU for its duration; the hypervisor takes CPU and
 * mutex back in the order the manual requires for the mutex's kind.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <rump/rumpuser.h>

#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/kassert.h>
#include <kern/lwp.h>

#define NS_PER_SEC 1000000000ULL

void
cv_init(kcondvar_t *cv, const char *wmesg)
{
	rumpuser_cv_init(&cv->cv_hyp);
	cv->cv_wmesg = wmesg;
}

void
cv_destroy(kcondvar_t *cv)
{
	KASSERT(!cv_has_waiters(cv));
	rumpuser_cv_destroy(cv->cv_hyp);
	cv->cv_hyp = 0;
}

void
cv_wait(kcondvar_t *cv, kmutex_t *mtx)
{
	KASSERT(mutex_owned(mtx) && curcpu() != NULL);
	rumpuser_cv_wait(cv->cv_hyp, mtx->mtx_hyp);
	KASSERT(mutex_owned(mtx));
}

int
cv_timedwait_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t ns)
{
	int rv;

	KASSERT(mutex_owned(mtx) && curcpu() != NULL);
	rv = rumpuser_cv_timedwait(cv->cv_hyp, mtx->mtx_hyp,
	    (int64_t)(ns / NS_PER_SEC), (int64_t)(ns % NS_PER_SEC));
	KASSERT(mutex_owned(mtx));
	KASSERT(rv == 0 || rv == ETIMEDOUT);
	return rv;
}

int
cv_timedwait(kcondvar_t *cv, kmutex_t *mtx, int ticks)
{
	KASSERT(ticks >= 0);
	if (ticks == 0) {
		cv_wait(cv, mtx);
		return 0;
	}
	return cv_timedwait_ns(cv, mtx, (uint64_t)ticks * (NS_PER_SEC / KERN_HZ));
}

void
cv_signal(kcondvar_t *cv)
{
	rumpuser_cv_signal(cv->cv_hyp);
}

void
cv_broadcast(kcondvar_t *cv)
{
	rumpuser_cv_broadcast(cv->cv_hyp);
}

bool
cv_has_waiters(kcondvar_t *cv)
{
	int n;

	rumpuser_cv_has_waiters(cv->cv_hyp, &n);
	return n != 0;
}
