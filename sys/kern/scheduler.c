/*
 * The rump kernel's scheduling context: NCPU virtual CPUs, handed to
 * threads by rump_schedule and taken back by rump_unschedule, and the
 * upcalls the hypervisor makes to release and re-take them around
 * blocking hypercalls.
 *
 * The pool of free CPUs is a stack (rs_free) under rs_mtx, a SPIN
 * hypercall mutex, with rs_cv to wait on. Both are used only through the
 * *_nowrap calls: a thread waiting for a CPU holds none, so the waiting
 * must not (and does not) make upcalls. A CPU is held by at most one lwp
 * at a time: ci_curlwp == l iff l->l_cpu == ci.
 *
 * Blocking hypercalls: the hypervisor calls hyp_backend_unschedule
 * before it blocks and hyp_backend_schedule before it returns. The
 * interlock argument is the mutex the hypercall is about to wait on (or
 * NULL). Our CPU pool never waits for any kernel mutex, so taking a CPU
 * while the hypervisor holds the interlock cannot deadlock, and the
 * scheduler needs nothing more from it. There is no big kernel lock, so
 * the lock count is 0 both ways.
 */
#include <errno.h>
#include <stddef.h>

#include <rump/rumpuser.h>

#include <kern/kassert.h>
#include <kern/lwp.h>
#include <kern/rump.h>

#include "kern_impl.h"

static struct cpu_info rs_cpus[RUMP_MAXCPU];
static unsigned rs_ncpu;
static struct cpu_info *rs_free;
static struct rumpuser_mtx *rs_mtx;
static struct rumpuser_cv *rs_cv;
static struct rump_sched_stats rs_stats;	/* under rs_mtx */

int
rsched_init(unsigned ncpu)
{
	KASSERT(ncpu >= 1 && ncpu <= RUMP_MAXCPU);
	rumpuser_mutex_init(&rs_mtx, RUMPUSER_MTX_SPIN);
	rumpuser_cv_init(&rs_cv);
	rs_ncpu = ncpu;
	for (unsigned i = ncpu; i-- > 0;) {
		rs_cpus[i].ci_index = i;
		rs_cpus[i].ci_next = rs_free;
		rs_free = &rs_cpus[i];
	}
	return 0;
}

unsigned
rump_ncpu(void)
{
	return rs_ncpu;
}

/* Unlink ci (known free) from the free stack; rs_mtx held. */
static void
unlink_free(struct cpu_info *ci)
{
	struct cpu_info **pp = &rs_free;

	while (*pp != ci)
		pp = &(*pp)->ci_next;
	*pp = ci->ci_next;
}

/* l's last CPU if it is free, else the top of the stack; rs_mtx held. */
static struct cpu_info *
pick_free(struct lwp *l)
{
	struct cpu_info *ci = l->l_lastcpu;

	if (ci == NULL || ci->ci_curlwp != NULL)
		ci = rs_free;
	unlink_free(ci);
	return ci;
}

void
rsched_take_cpu(struct lwp *l)
{
	struct cpu_info *ci;

	KASSERT(l->l_cpu == NULL);
	rumpuser_mutex_enter_nowrap(rs_mtx);
	rs_stats.rss_schedule++;
	if (rs_free == NULL)
		rs_stats.rss_waits++;
	while (rs_free == NULL)
		rumpuser_cv_wait_nowrap(rs_cv, rs_mtx);
	ci = pick_free(l);
	ci->ci_curlwp = l;
	if (++rs_stats.rss_busy > rs_stats.rss_maxbusy)
		rs_stats.rss_maxbusy = rs_stats.rss_busy;
	rumpuser_mutex_exit(rs_mtx);
	l->l_cpu = ci;
	l->l_lastcpu = ci;
}

static void
release(struct lwp *l, int backend)
{
	struct cpu_info *ci = l->l_cpu;

	KASSERT(ci != NULL && ci->ci_curlwp == l);
	l->l_cpu = NULL;
	rumpuser_mutex_enter_nowrap(rs_mtx);
	ci->ci_curlwp = NULL;
	ci->ci_next = rs_free;
	rs_free = ci;
	rs_stats.rss_busy--;
	rs_stats.rss_backend += backend;
	rumpuser_cv_signal(rs_cv);
	rumpuser_mutex_exit(rs_mtx);
}

void
rsched_release_cpu(struct lwp *l)
{
	release(l, 0);
}

/* Give old's CPU to new, which holds none; for rump_lwproc_switch. */
void
rsched_handoff(struct lwp *old, struct lwp *new)
{
	struct cpu_info *ci = old->l_cpu;

	KASSERT(ci != NULL && ci->ci_curlwp == old && new->l_cpu == NULL);
	rumpuser_mutex_enter_nowrap(rs_mtx);
	ci->ci_curlwp = new;
	rumpuser_mutex_exit(rs_mtx);
	old->l_cpu = NULL;
	new->l_cpu = ci;
	new->l_lastcpu = ci;
}

void
rump_sched_get_stats(struct rump_sched_stats *st)
{
	rumpuser_mutex_enter_nowrap(rs_mtx);
	*st = rs_stats;
	rumpuser_mutex_exit(rs_mtx);
}

/*
 * Enter the kernel. A thread with no lwp gets a temporary one in proc0
 * (LW_IMPLICIT), which rump_unschedule frees.
 */
void
rump_schedule(void)
{
	struct lwp *l = curlwp();

	if (l == NULL) {
		l = lwp_create(&proc0, LW_IMPLICIT, "implicit");
		if (l == NULL)
			panic("rump_schedule: no memory for an lwp");
		lwp_bind(l);
	}
	KASSERT(l->l_cpu == NULL);
	rsched_take_cpu(l);
}

void
rump_unschedule(void)
{
	struct lwp *l = lwp_checked(curlwp());

	rsched_release_cpu(l);
	if ((l->l_flags & LW_IMPLICIT) != 0) {
		lwp_unbind(l);
		lwp_destroy(l);
	}
}

/* The hyp_backend_* upcalls: see the comment at the top. */
void
rsched_backend_unschedule(int nlocks, int *countp, void *interlock)
{
	struct lwp *l = lwp_checked(curlwp());

	(void)nlocks;
	(void)interlock;
	*countp = 0;
	release(l, 1);
}

void
rsched_backend_schedule(int nlocks, void *interlock)
{
	struct lwp *l = lwp_checked(curlwp());

	(void)interlock;
	KASSERT(nlocks == 0);
	rsched_take_cpu(l);
}
