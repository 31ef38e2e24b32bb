/*
 * Threads over the cooperative scheduler, and the current-lwp database
 * as the scheduler's per-thread cookie (bmk/sched.h).
 *
 * A rumpuser thread is a sched thread; a joinable one is created
 * SCHED_JOINABLE and its struct sched_thread is the join cookie. The
 * rump kernel's function has the pthread shape (returns void *) and
 * the scheduler's does not, so a small start record carries it; the new
 * thread frees the record first thing. Priority and CPU hints mean
 * nothing on one CPU with cooperative threads and are ignored. Names
 * longer than SCHED_NAMELEN - 1 are cut.
 *
 * Joining releases the rump kernel CPU: the thread being joined may need
 * it to finish.
 */
#include <stddef.h>

#include <bmk/errno.h>
#include <bmk/memalloc.h>
#include <bmk/sched.h>

#include "rumpuser_impl.h"

struct ru_start {
	void *(*s_fun)(void *);
	void *s_arg;
};

static void
trampoline(void *arg)
{
	struct ru_start s = *(struct ru_start *)arg;

	memfree(arg);
	s.s_fun(s.s_arg);
	sched_exit(NULL);	/* fun should have called thread_exit */
}

int
rumpuser_thread_create(void *(*fun)(void *), void *arg, const char *thrname,
    int mustjoin, int priority, int cpuidx, void **cookie)
{
	struct sched_thread *t;
	struct ru_start *s;

	(void)priority;
	(void)cpuidx;
	if ((s = memalloc(sizeof(*s), 0)) == NULL)
		return ENOMEM;
	s->s_fun = fun;
	s->s_arg = arg;
	t = sched_create(thrname, trampoline, s, 0,
	    mustjoin ? SCHED_JOINABLE : 0);
	if (t == NULL) {
		memfree(s);
		return ENOMEM;
	}
	if (mustjoin)
		*cookie = t;
	return 0;
}

void
rumpuser_thread_exit(void)
{
	sched_exit(NULL);
}

int
rumpuser_thread_join(void *cookie)
{
	int nlocks, rv;

	ru_cpu_release(&nlocks, NULL);
	rv = sched_join(cookie, NULL);
	ru_cpu_take(nlocks, NULL);
	return rv;
}

/* CREATE and DESTROY are informational; SET and CLEAR bind this thread. */
void
rumpuser_curlwpop(int enum_rumplwpop, struct lwp *l)
{
	struct sched_thread *t = sched_current();

	switch (enum_rumplwpop) {
	case RUMPUSER_LWP_SET:
		sched_set_cookie(t, l);
		break;
	case RUMPUSER_LWP_CLEAR:
		sched_set_cookie(t, NULL);
		break;
	default:
		break;
	}
}

struct lwp *
rumpuser_curlwp(void)
{
	return sched_current_cookie();
}
