/* Kernel threads: context, join, self-cleanup. */
#include <string.h>

#include <kern/condvar.h>
#include <kern/kmem.h>
#include <kern/kthread.h>
#include <kern/lwp.h>
#include <kern/mutex.h>

#include "kt.h"

struct ctx {
	struct lwp *c_self;
	int c_cpu;
	int c_pid;
	char c_name[24];
};

static void
record(void *arg)
{
	struct ctx *c = arg;

	c->c_self = curlwp();
	c->c_cpu = curcpu() != NULL;
	c->c_pid = proc_pid(curproc());
	strncpy(c->c_name, lwp_name(curlwp()), sizeof(c->c_name) - 1);
}

KT_CASE(kthread_context_and_join)
{
	struct ctx c = {0};
	struct lwp *l;

	KT_CHECK(kthread_create(record, &c, "recorder", KTHREAD_MUSTJOIN,
	    &l) == 0);
	KT_CHECK(kthread_join(l) == 0);
	KT_CHECK(c.c_self == l && c.c_cpu && c.c_pid == 0);
	KT_CHECK(strcmp(c.c_name, "recorder") == 0);
}

static void
exit_early(void *arg)
{
	*(int *)arg = 1;
	kthread_exit();
}

KT_CASE(kthread_many_joined)
{
	struct kmem_stats before, after;
	struct lwp *l[32];
	int ran[32] = {0};

	kmem_get_stats(&before);
	for (int i = 0; i < 32; i++)
		KT_CHECK(kthread_create(exit_early, &ran[i], "many",
		    KTHREAD_MUSTJOIN, &l[i]) == 0);
	for (int i = 0; i < 32; i++) {
		KT_CHECK(kthread_join(l[i]) == 0);
		KT_CHECK(ran[i] == 1);
	}
	kmem_get_stats(&after);
	KT_CHECK(after.ks_inuse == before.ks_inuse);
}

struct detached {
	kmutex_t d_mtx;
	kcondvar_t d_cv;
	int d_done;
};

static void
detached_fn(void *arg)
{
	struct detached *d = arg;

	mutex_enter(&d->d_mtx);
	d->d_done++;
	cv_broadcast(&d->d_cv);
	mutex_exit(&d->d_mtx);
}

KT_CASE(kthread_detached_cleans_up)
{
	struct kmem_stats before, after;
	struct detached d = {0};
	int tries;

	kmem_get_stats(&before);
	mutex_init(&d.d_mtx, MUTEX_DEFAULT);
	cv_init(&d.d_cv, "detach");
	for (int i = 0; i < 8; i++)
		KT_CHECK(kthread_create(detached_fn, &d, "detached", 0,
		    NULL) == 0);
	mutex_enter(&d.d_mtx);
	while (d.d_done < 8)
		cv_wait(&d.d_cv, &d.d_mtx);
	mutex_exit(&d.d_mtx);
	/* they free their lwps after signalling: give them time */
	for (tries = 0; tries < 200; tries++) {
		kmem_get_stats(&after);
		if (after.ks_inuse == before.ks_inuse)
			break;
		kt_sleep_ms(5);
	}
	KT_CHECK(after.ks_inuse == before.ks_inuse);
	cv_destroy(&d.d_cv);
	mutex_destroy(&d.d_mtx);
}
