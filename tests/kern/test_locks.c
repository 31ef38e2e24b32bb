/* Mutexes, rwlocks and condition variables, with several kthreads. */
#include <errno.h>
#include <stdint.h>

#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/kthread.h>
#include <kern/lwp.h>
#include <kern/mutex.h>
#include <kern/rwlock.h>

#include "kt.h"

#define NTHREADS 6
#define NLOOPS 3000

struct shared {
	kmutex_t s_mtx;
	krwlock_t s_rw;
	int s_inside;
	long s_count;
	int s_readers, s_maxreaders;
	int s_flag;
	kcondvar_t s_cv;
};

static void
not_owner(void *arg)
{
	kmutex_t *m = arg;

	KT_CHECK(!mutex_owned(m));
	KT_CHECK(!mutex_tryenter(m));
}

KT_CASE(mutex_owner)
{
	struct lwp *l;
	kmutex_t m;

	mutex_init(&m, MUTEX_DEFAULT);
	KT_CHECK(!mutex_owned(&m));
	mutex_enter(&m);
	KT_CHECK(mutex_owned(&m));
	KT_CHECK(kthread_create(not_owner, &m, "notowner", KTHREAD_MUSTJOIN,
	    &l) == 0);
	KT_CHECK(kthread_join(l) == 0);
	mutex_exit(&m);
	KT_CHECK(!mutex_owned(&m));
	KT_CHECK(mutex_tryenter(&m));
	mutex_exit(&m);
	mutex_destroy(&m);
}

static void
mutex_worker(void *arg)
{
	struct shared *s = arg;

	for (int i = 0; i < NLOOPS; i++) {
		mutex_enter(&s->s_mtx);
		KT_CHECK(s->s_inside == 0);
		s->s_inside = 1;
		s->s_count++;
		if (i % 500 == 0)
			kt_sleep_ms(1);	/* block holding the mutex */
		s->s_inside = 0;
		mutex_exit(&s->s_mtx);
	}
}

static void
exclusion(kmutex_type_t type)
{
	struct shared s = {0};
	struct lwp *l[NTHREADS];

	mutex_init(&s.s_mtx, type);
	for (int i = 0; i < NTHREADS; i++)
		KT_CHECK(kthread_create(mutex_worker, &s, "mtx",
		    KTHREAD_MUSTJOIN, &l[i]) == 0);
	for (int i = 0; i < NTHREADS; i++)
		KT_CHECK(kthread_join(l[i]) == 0);
	KT_CHECK(s.s_count == (long)NTHREADS * NLOOPS);
	mutex_destroy(&s.s_mtx);
}

KT_CASE(mutex_exclusion_adaptive)
{
	exclusion(MUTEX_DEFAULT);
}

static void
spin_worker(void *arg)
{
	struct shared *s = arg;

	for (int i = 0; i < NLOOPS; i++) {
		mutex_enter(&s->s_mtx);
		KT_CHECK(s->s_inside == 0);
		s->s_inside = 1;
		s->s_count++;
		s->s_inside = 0;
		mutex_exit(&s->s_mtx);
	}
}

KT_CASE(mutex_exclusion_spin)
{
	struct shared s = {0};
	struct lwp *l[NTHREADS];

	mutex_init(&s.s_mtx, MUTEX_SPIN);
	for (int i = 0; i < NTHREADS; i++)
		KT_CHECK(kthread_create(spin_worker, &s, "spin",
		    KTHREAD_MUSTJOIN, &l[i]) == 0);
	for (int i = 0; i < NTHREADS; i++)
		KT_CHECK(kthread_join(l[i]) == 0);
	KT_CHECK(s.s_count == (long)NTHREADS * NLOOPS);
	mutex_destroy(&s.s_mtx);
}

static void
rw_worker(void *arg)
{
	struct shared *s = arg;

	for (int i = 0; i < 200; i++) {
		if (i % 4 == 0) {
			rw_enter(&s->s_rw, RW_WRITER);
			KT_CHECK(rw_write_held(&s->s_rw));
			KT_CHECK(s->s_inside == 0);
			s->s_inside = 1;
			s->s_count++;
			s->s_inside = 0;
			rw_exit(&s->s_rw);
		} else {
			rw_enter(&s->s_rw, RW_READER);
			KT_CHECK(s->s_inside == 0);
			rw_exit(&s->s_rw);
		}
	}
}

KT_CASE(rwlock_basic)
{
	struct shared s = {0};
	struct lwp *l[NTHREADS];

	rw_init(&s.s_rw);
	rw_enter(&s.s_rw, RW_READER);
	KT_CHECK(rw_read_held(&s.s_rw) && !rw_write_held(&s.s_rw));
	KT_CHECK(rw_tryupgrade(&s.s_rw));
	KT_CHECK(rw_write_held(&s.s_rw));
	rw_downgrade(&s.s_rw);
	KT_CHECK(!rw_write_held(&s.s_rw) && rw_read_held(&s.s_rw));
	KT_CHECK(rw_tryenter(&s.s_rw, RW_READER));
	KT_CHECK(!rw_tryupgrade(&s.s_rw));	/* two readers */
	rw_exit(&s.s_rw);
	rw_exit(&s.s_rw);
	KT_CHECK(!rw_lock_held(&s.s_rw));
	for (int i = 0; i < NTHREADS; i++)
		KT_CHECK(kthread_create(rw_worker, &s, "rw", KTHREAD_MUSTJOIN,
		    &l[i]) == 0);
	for (int i = 0; i < NTHREADS; i++)
		KT_CHECK(kthread_join(l[i]) == 0);
	KT_CHECK(s.s_count == NTHREADS * 50);
	rw_destroy(&s.s_rw);
}

static void
signaller(void *arg)
{
	struct shared *s = arg;

	kt_sleep_ms(20);
	mutex_enter(&s->s_mtx);
	s->s_flag = 1;
	cv_signal(&s->s_cv);
	mutex_exit(&s->s_mtx);
}

KT_CASE(condvar_wait_signal)
{
	struct shared s = {0};
	struct lwp *l;

	mutex_init(&s.s_mtx, MUTEX_DEFAULT);
	cv_init(&s.s_cv, "test");
	KT_CHECK(kthread_create(signaller, &s, "signal", KTHREAD_MUSTJOIN,
	    &l) == 0);
	mutex_enter(&s.s_mtx);
	while (!s.s_flag)
		cv_wait(&s.s_cv, &s.s_mtx);
	KT_CHECK(mutex_owned(&s.s_mtx));
	mutex_exit(&s.s_mtx);
	KT_CHECK(kthread_join(l) == 0);
	cv_destroy(&s.s_cv);
	mutex_destroy(&s.s_mtx);
}

KT_CASE(condvar_timedwait)
{
	kmutex_t m;
	kcondvar_t cv;
	uint64_t t0, t1;

	mutex_init(&m, MUTEX_SPIN);
	cv_init(&cv, "timed");
	mutex_enter(&m);
	t0 = kclock_ns();
	KT_CHECK(cv_timedwait_ns(&cv, &m, 30000000) == ETIMEDOUT);
	t1 = kclock_ns();
	KT_CHECK(t1 - t0 >= 30000000);
	KT_CHECK(cv_timedwait(&cv, &m, 2) == ETIMEDOUT);
	KT_CHECK(kclock_ns() - t1 >= 2 * (1000000000 / KERN_HZ));
	KT_CHECK(mutex_owned(&m));
	mutex_exit(&m);
	cv_destroy(&cv);
	mutex_destroy(&m);
}
