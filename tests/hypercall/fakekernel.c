/*
 * The test rump "kernel" (see fakekernel.h for the model). Portable: it
 * uses rump/rumpuser.h and nothing else, so it runs over hypercall-posix
 * on Linux and over hypercall-bm on bare metal.
 *
 * Invariant relied on throughout: an lwp's counters and l_cpu are only
 * touched by the thread the lwp is bound to. The CPU pool (fk_cpu_*) is
 * touched only under fk_cpu_mtx, a SPIN mutex taken with enter_nowrap;
 * the only wrapped hypercall the pool uses is the timed wait in cpu_take,
 * whose upcalls are recognized and ignored (l_cpuwait).
 */
#include <errno.h>
#include <stddef.h>

#include "fakekernel.h"

#define LWP_MAGIC 0x6c77704bu

struct lwp {
	unsigned l_magic;
	int l_cpu;		/* holds a rump kernel CPU */
	int l_biglocks;
	int l_implicit;		/* made by hyp_schedule for a bare thread */
	int l_cpuwait;		/* inside cpu_take: backend upcalls are ours */
	struct fk_counts l_counts;
};

static struct rumpuser_mtx *fk_cpu_mtx;
static struct rumpuser_cv *fk_cpu_cv;
static int fk_cpu_free;		/* CPUs nobody holds */
static int fk_ncpu;
static int fk_initialized;

static unsigned fk_nerrors;
static const char *fk_lasterror;

static void
fk_error(const char *why)
{
	__atomic_store_n(&fk_lasterror, why, __ATOMIC_RELAXED);
	__atomic_add_fetch(&fk_nerrors, 1, __ATOMIC_RELAXED);
}

unsigned
fk_errors(const char **last)
{
	if (last != NULL)
		*last = __atomic_load_n(&fk_lasterror, __ATOMIC_RELAXED);
	return __atomic_load_n(&fk_nerrors, __ATOMIC_RELAXED);
}

static struct lwp *
lwp_alloc(int implicit)
{
	void *p;
	struct lwp *l;
	unsigned char *b;
	size_t i;

	if (rumpuser_malloc(sizeof(*l), 0, &p) != 0)
		return NULL;
	b = p;
	for (i = 0; i < sizeof(*l); i++)
		b[i] = 0;
	l = p;
	l->l_magic = LWP_MAGIC;
	l->l_implicit = implicit;
	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, l);
	return l;
}

static void
lwp_free(struct lwp *l)
{
	rumpuser_curlwpop(RUMPUSER_LWP_DESTROY, l);
	l->l_magic = 0;
	rumpuser_free(l, sizeof(*l));
}

static struct lwp *
cur(const char *who)
{
	struct lwp *l = rumpuser_curlwp();

	if (l == NULL || l->l_magic != LWP_MAGIC) {
		fk_error(who);
		return NULL;
	}
	return l;
}

/*
 * Wait for a free CPU. A thread that waits FK_DEADLOCK_S seconds is taken
 * to be in a deadlock with a hypercall that blocked while holding a CPU:
 * that is reported and the CPU is over-committed, so that the suite goes
 * on (and fails the case) instead of hanging. The timed wait is itself a
 * wrapped hypercall; the backend upcalls it makes while l_cpuwait is set
 * belong to this scheduler and are not counted.
 */
#define FK_DEADLOCK_S 5

static void
cpu_take(struct lwp *l)
{
	int timeouts = 0;

	rumpuser_mutex_enter_nowrap(fk_cpu_mtx);
	while (fk_cpu_free <= 0) {
		l->l_cpuwait = 1;
		if (rumpuser_cv_timedwait(fk_cpu_cv, fk_cpu_mtx, 1, 0) != 0)
			timeouts++;
		l->l_cpuwait = 0;
		if (timeouts >= FK_DEADLOCK_S) {
			fk_error("deadlock: waited 5 s for the rump kernel "
			    "CPU (a hypercall blocked while holding it?)");
			break;
		}
	}
	fk_cpu_free--;
	rumpuser_mutex_exit(fk_cpu_mtx);
	l->l_cpu = 1;
}

static void
cpu_release(struct lwp *l)
{
	l->l_cpu = 0;
	rumpuser_mutex_enter_nowrap(fk_cpu_mtx);
	fk_cpu_free++;
	rumpuser_cv_signal(fk_cpu_cv);
	rumpuser_mutex_exit(fk_cpu_mtx);
}

/* --- upcalls ---------------------------------------------------------- */

static void
up_backend_unschedule(int nlocks, int *countp, void *interlock)
{
	struct lwp *l = cur("backend_unschedule: no current lwp");

	(void)nlocks;
	(void)interlock;
	*countp = 0;
	if (l == NULL || l->l_cpuwait)
		return;
	l->l_counts.fc_bunsched++;
	if (!l->l_cpu) {
		fk_error("backend_unschedule without holding a CPU");
		return;
	}
	*countp = l->l_biglocks;
	l->l_biglocks = 0;
	cpu_release(l);
}

static void
up_backend_schedule(int nlocks, void *interlock)
{
	struct lwp *l = cur("backend_schedule: no current lwp");

	(void)interlock;
	if (l == NULL || l->l_cpuwait)
		return;
	l->l_counts.fc_bsched++;
	if (l->l_cpu) {
		fk_error("backend_schedule while already holding a CPU");
		return;
	}
	cpu_take(l);
	l->l_biglocks = nlocks;
}

/* A host thread entering the kernel; it may have no lwp yet. */
static void
up_schedule(void)
{
	struct lwp *l = rumpuser_curlwp();

	if (l == NULL) {
		if ((l = lwp_alloc(1)) == NULL) {
			fk_error("schedule: out of memory");
			return;
		}
		rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	}
	l->l_counts.fc_hsched++;
	if (l->l_cpu) {
		fk_error("schedule while already holding a CPU");
		return;
	}
	cpu_take(l);
}

static void
up_unschedule(void)
{
	struct lwp *l = cur("unschedule: no current lwp");

	if (l == NULL)
		return;
	l->l_counts.fc_hunsched++;
	if (!l->l_cpu) {
		fk_error("unschedule without holding a CPU");
		return;
	}
	cpu_release(l);
	if (l->l_implicit) {
		rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
		lwp_free(l);
	}
}

/* Give the calling (scheduled) thread a permanent lwp of its own. */
static int
up_lwproc_newlwp(int pid)
{
	struct lwp *old = cur("newlwp: no current lwp"), *l;

	(void)pid;
	if (old == NULL || !old->l_cpu) {
		fk_error("newlwp while not scheduled");
		return EINVAL;
	}
	if ((l = lwp_alloc(0)) == NULL)
		return ENOMEM;
	l->l_cpu = 1;
	old->l_cpu = 0;
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, old);
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	if (old->l_implicit)
		lwp_free(old);
	return 0;
}

static struct lwp *
up_lwproc_curlwp(void)
{
	return rumpuser_curlwp();
}

/* Upcalls a hypervisor without syscall proxy or exec has no use for. */
static void
up_lwproc_switch(struct lwp *l)
{
	(void)l;
	fk_error("unexpected upcall lwproc_switch");
}

static void
up_lwproc_release(void)
{
	fk_error("unexpected upcall lwproc_release");
}

static int
up_lwproc_rfork(void *priv, int flags, const char *comm)
{
	(void)priv;
	(void)flags;
	(void)comm;
	fk_error("unexpected upcall lwproc_rfork");
	return ENOSYS;
}

static int
up_syscall(int num, void *arg, long *retval)
{
	(void)num;
	(void)arg;
	(void)retval;
	fk_error("unexpected upcall syscall");
	return ENOSYS;
}

static void
up_lwpexit(void)
{
	fk_error("unexpected upcall lwpexit");
}

static void
up_execnotify(const char *comm)
{
	(void)comm;
	fk_error("unexpected upcall execnotify");
}

static int
up_getpid(void)
{
	return 1;
}

static const struct rumpuser_hyperup fk_hyp = {
	.hyp_schedule = up_schedule,
	.hyp_unschedule = up_unschedule,
	.hyp_backend_unschedule = up_backend_unschedule,
	.hyp_backend_schedule = up_backend_schedule,
	.hyp_lwproc_switch = up_lwproc_switch,
	.hyp_lwproc_release = up_lwproc_release,
	.hyp_lwproc_rfork = up_lwproc_rfork,
	.hyp_lwproc_newlwp = up_lwproc_newlwp,
	.hyp_lwproc_curlwp = up_lwproc_curlwp,
	.hyp_syscall = up_syscall,
	.hyp_lwpexit = up_lwpexit,
	.hyp_execnotify = up_execnotify,
	.hyp_getpid = up_getpid,
};

const struct rumpuser_hyperup *
fk_upcalls(void)
{
	return &fk_hyp;
}

/* --- test interface --------------------------------------------------- */

int
fk_init(void)
{
	struct lwp *l;
	int rv;

	if (fk_initialized)
		return 0;
	if ((rv = rumpuser_init(RUMPUSER_VERSION, &fk_hyp)) != 0)
		return rv;
	rumpuser_mutex_init(&fk_cpu_mtx, RUMPUSER_MTX_SPIN);
	rumpuser_cv_init(&fk_cpu_cv);
	fk_ncpu = fk_cpu_free = 1;
	if ((l = lwp_alloc(0)) == NULL)
		return ENOMEM;
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	cpu_take(l);
	fk_initialized = 1;
	return 0;
}

void
fk_counts_get(struct fk_counts *fc)
{
	struct lwp *l = cur("counts: no current lwp");
	struct fk_counts zero = {0, 0, 0, 0};

	*fc = l != NULL ? l->l_counts : zero;
}

int
fk_pairs_since(const struct fk_counts *before)
{
	struct fk_counts now;
	unsigned u, s;

	fk_counts_get(&now);
	u = now.fc_bunsched - before->fc_bunsched;
	s = now.fc_bsched - before->fc_bsched;
	return u == s ? (int)u : -1;
}

int
fk_have_cpu(void)
{
	struct lwp *l = rumpuser_curlwp();

	return l != NULL && l->l_magic == LWP_MAGIC && l->l_cpu;
}

void
fk_repair(void)
{
	struct lwp *l = cur("repair: no current lwp");

	if (l != NULL && !l->l_cpu)
		cpu_take(l);
}

void
fk_set_ncpu(int ncpu)
{
	rumpuser_mutex_enter_nowrap(fk_cpu_mtx);
	fk_cpu_free += ncpu - fk_ncpu;
	fk_ncpu = ncpu;
	rumpuser_cv_broadcast(fk_cpu_cv);
	rumpuser_mutex_exit(fk_cpu_mtx);
}

void
fk_set_biglocks(int n)
{
	struct lwp *l = cur("set_biglocks: no current lwp");

	if (l != NULL)
		l->l_biglocks = n;
}

int
fk_biglocks(void)
{
	struct lwp *l = cur("biglocks: no current lwp");

	return l != NULL ? l->l_biglocks : -1;
}

/* --- kernel threads --------------------------------------------------- */

struct fk_start {
	void (*s_fn)(void *);
	void *s_arg;
};

static void *
trampoline(void *arg)
{
	struct fk_start s = *(struct fk_start *)arg;
	struct lwp *l;

	rumpuser_free(arg, sizeof(s));
	if ((l = lwp_alloc(0)) == NULL) {
		fk_error("thread: out of memory");
		rumpuser_thread_exit();
	}
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
	cpu_take(l);
	s.s_fn(s.s_arg);
	if (!l->l_cpu)
		fk_error("thread function returned without a CPU");
	else
		cpu_release(l);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
	lwp_free(l);
	rumpuser_thread_exit();
}

int
fk_thread_create(void (*fn)(void *), void *arg, const char *name,
    int mustjoin, void **cookie)
{
	struct fk_start *s;
	void *p;
	int rv;

	if ((rv = rumpuser_malloc(sizeof(*s), 0, &p)) != 0)
		return rv;
	s = p;
	s->s_fn = fn;
	s->s_arg = arg;
	rv = rumpuser_thread_create(trampoline, s, name, mustjoin, 0, -1,
	    cookie);
	if (rv != 0)
		rumpuser_free(s, sizeof(*s));
	return rv;
}
