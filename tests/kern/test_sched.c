/*
 * The scheduling context: NCPU respected, blocking hypercalls made while
 * holding CPUs never deadlock, host threads entering the kernel.
 */
#include <pthread.h>
#include <stdlib.h>

#include <rump/rumpuser.h>

#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/kmem.h>
#include <kern/kthread.h>
#include <kern/lwp.h>
#include <kern/mutex.h>
#include <kern/rump.h>
#include <kern/rwlock.h>

#include "kt.h"

static int busy_now, busy_max;

static void
busy(void *arg)
{
	uint64_t end = kclock_ns() + 30000000;
	int n;

	(void)arg;
	n = __atomic_add_fetch(&busy_now, 1, __ATOMIC_SEQ_CST);
	KT_CHECK(curcpu() != NULL && cpu_index(curcpu()) < rump_ncpu());
	for (int m = busy_max; n > m;)
		__atomic_compare_exchange_n(&busy_max, &m, n, 0,
		    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	while (kclock_ns() < end)	/* hold the CPU */
		continue;
	__atomic_sub_fetch(&busy_now, 1, __ATOMIC_SEQ_CST);
}

KT_CASE(sched_ncpu_respected)
{
	struct rump_sched_stats st;
	const char *env = getenv("RUMP_NCPU");
	unsigned ncpu = rump_ncpu();
	struct lwp *l[12];

	KT_CHECK(ncpu >= 1 && ncpu <= RUMP_MAXCPU);
	if (env != NULL)
		KT_CHECK(ncpu == (unsigned)atoi(env));
	busy_max = 0;
	for (int i = 0; i < 12; i++)
		KT_CHECK(kthread_create(busy, NULL, "busy", KTHREAD_MUSTJOIN,
		    &l[i]) == 0);
	for (int i = 0; i < 12; i++)
		KT_CHECK(kthread_join(l[i]) == 0);
	KT_CHECK(busy_max >= 1 && (unsigned)busy_max <= ncpu);
	if (ncpu >= 2)
		KT_CHECK(busy_max >= 2);
	rump_sched_get_stats(&st);
	KT_CHECK(st.rss_maxbusy <= ncpu && st.rss_busy >= 1);
}

/* Every kind of blocking hypercall, many threads, few CPUs. */
struct storm {
	kmutex_t s_mtx;
	krwlock_t s_rw;
	kcondvar_t s_cv;
	int s_token;
	int s_nthreads;
};

static void
storm_worker(void *arg)
{
	struct storm *s = arg;
	int me, mine;

	mutex_enter(&s->s_mtx);
	me = s->s_nthreads++;
	mutex_exit(&s->s_mtx);
	for (int i = 0; i < 30; i++) {
		mutex_enter(&s->s_mtx);
		kt_sleep_ms(i % 7 == 0 ? 1 : 0);	/* sleep holding it */
		mutex_exit(&s->s_mtx);
		rw_enter(&s->s_rw, (i + me) % 3 == 0 ? RW_WRITER : RW_READER);
		kt_sleep_ms(0);
		rw_exit(&s->s_rw);
		/* pass a token around the ring of threads */
		mutex_enter(&s->s_mtx);
		mine = 0;
		while (!mine && s->s_token % 16 != me)
			if (cv_timedwait_ns(&s->s_cv, &s->s_mtx, 2000000) != 0)
				mine = 1;	/* don't wait for ever */
		s->s_token++;
		cv_broadcast(&s->s_cv);
		mutex_exit(&s->s_mtx);
	}
}

KT_CASE(sched_blocking_hypercalls_no_deadlock)
{
	struct rump_sched_stats before, after;
	struct storm s = {0};
	struct lwp *l[16];

	mutex_init(&s.s_mtx, MUTEX_DEFAULT);
	rw_init(&s.s_rw);
	cv_init(&s.s_cv, "storm");
	rump_sched_get_stats(&before);
	for (int i = 0; i < 16; i++)
		KT_CHECK(kthread_create(storm_worker, &s, "storm",
		    KTHREAD_MUSTJOIN, &l[i]) == 0);
	for (int i = 0; i < 16; i++)
		KT_CHECK(kthread_join(l[i]) == 0);
	rump_sched_get_stats(&after);
	KT_CHECK(s.s_token == 16 * 30);
	KT_CHECK(after.rss_backend > before.rss_backend);
	cv_destroy(&s.s_cv);
	rw_destroy(&s.s_rw);
	mutex_destroy(&s.s_mtx);
}

static kmutex_t host_mtx;
static long host_count;

static void *
host_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++) {
		KT_CHECK(curlwp() == NULL);
		rump_schedule();
		KT_CHECK(curlwp() != NULL && curcpu() != NULL);
		KT_CHECK(proc_pid(curproc()) == 0);
		mutex_enter(&host_mtx);
		host_count++;
		mutex_exit(&host_mtx);
		rump_unschedule();
	}
	KT_CHECK(curlwp() == NULL);
	return NULL;
}

KT_CASE(sched_host_threads_enter)
{
	struct kmem_stats before, after;
	pthread_t t[8];

	kmem_get_stats(&before);
	mutex_init(&host_mtx, MUTEX_DEFAULT);
	host_count = 0;
	rump_unschedule();	/* pthread_join blocks in the host */
	for (int i = 0; i < 8; i++)
		pthread_create(&t[i], NULL, host_thread, NULL);
	for (int i = 0; i < 8; i++)
		pthread_join(t[i], NULL);
	rump_schedule();
	KT_CHECK(host_count == 8 * 200);
	mutex_destroy(&host_mtx);
	kmem_get_stats(&after);
	KT_CHECK(after.ks_inuse == before.ks_inuse);
}
