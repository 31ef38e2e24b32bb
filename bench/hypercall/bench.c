/*
 * Hypercall micro-benchmarks, written against rump/rumpuser.h only so the
 * same code runs over hypercall-posix (Linux) and hypercall-bm (bare
 * metal). Times come from rumpuser_clock_gettime(ABSMONO).
 *
 * The benchmark is its own minimal rump kernel: it calls rumpuser_init
 * with upcalls that do nothing, so what is measured is the hypercall
 * layer and the host below it, not a scheduler above it.
 *
 * Each line: "hypercall-bench: WHAT: N ns (R x baseline)", the baseline
 * being one rumpuser_curlwp() call measured in the same run.
 */
#include <stddef.h>

#include <rump/rumpuser.h>

#define ITER_FAST 1000000
#define ITER_HANDOFF 20000

/* --- a rump kernel that does nothing ---------------------------------- */

static void
nop(void)
{
}

static void
nop_backend_unschedule(int nlocks, int *countp, void *interlock)
{
	(void)nlocks;
	(void)interlock;
	*countp = 0;
}

static void
nop_backend_schedule(int nlocks, void *interlock)
{
	(void)nlocks;
	(void)interlock;
}

static int
nop_newlwp(int pid)
{
	(void)pid;
	return 0;
}

static const struct rumpuser_hyperup bench_hyp = {
	.hyp_schedule = nop,
	.hyp_unschedule = nop,
	.hyp_backend_unschedule = nop_backend_unschedule,
	.hyp_backend_schedule = nop_backend_schedule,
	.hyp_lwproc_newlwp = nop_newlwp,
};

/* --- timing ----------------------------------------------------------- */

static int64_t
now_ns(void)
{
	int64_t sec = 0;
	long nsec = 0;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	return sec * 1000000000LL + nsec;
}

static int64_t baseline_ps;	/* picoseconds per baseline operation */

/* Print picoseconds as nanoseconds with one decimal. */
static void
print_ns(const char *what, int64_t ps, const char *tail)
{
	rumpuser_dprintf("hypercall-bench: %s: %lld.%lld ns%s", what,
	    (long long)(ps / 1000), (long long)(ps % 1000 / 100), tail);
}

/* total ns over n operations: per-operation time and ratio to baseline. */
static void
report(const char *what, int64_t total_ns, int64_t n)
{
	int64_t ps = total_ns * 1000 / n, ratio10 = ps * 10 / baseline_ps;

	print_ns(what, ps, "");
	rumpuser_dprintf(" (%lld.%lld x baseline)\n", (long long)(ratio10 / 10),
	    (long long)(ratio10 % 10));
}

/* --- the measurements ------------------------------------------------- */

static volatile uintptr_t sink;

static void
bench_baseline(void)
{
	int64_t t0 = now_ns();
	int i;

	for (i = 0; i < ITER_FAST; i++)
		sink += (uintptr_t)rumpuser_curlwp();
	baseline_ps = (now_ns() - t0) * 1000 / ITER_FAST;
	if (baseline_ps <= 0)
		baseline_ps = 1;
	print_ns("baseline (curlwp call)", baseline_ps, "\n");
}

static void
bench_clock(void)
{
	int64_t t0 = now_ns();
	int i;

	for (i = 0; i < ITER_FAST; i++)
		sink += (uintptr_t)now_ns();
	report("clock_gettime", now_ns() - t0, ITER_FAST);
}

static void
bench_mutex(void)
{
	struct rumpuser_mtx *m;
	int64_t t0;
	int i;

	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	t0 = now_ns();
	for (i = 0; i < ITER_FAST; i++) {
		rumpuser_mutex_enter(m);
		rumpuser_mutex_exit(m);
	}
	report("mutex enter/exit pair", now_ns() - t0, ITER_FAST);
	rumpuser_mutex_destroy(m);
}

static void
bench_malloc(void)
{
	int64_t t0 = now_ns();
	void *p;
	int i;

	for (i = 0; i < ITER_FAST; i++) {
		if (rumpuser_malloc(64, 0, &p) != 0)
			return;
		sink += (uintptr_t)p;
		rumpuser_free(p, 64);
	}
	report("malloc/free 64 bytes", now_ns() - t0, ITER_FAST);
}

/* Two threads pass a turn back and forth through two condvars. */
struct handoff {
	struct rumpuser_mtx *h_mtx;
	struct rumpuser_cv *h_cv[2];
	int h_turn;
};

static void *
handoff_peer(void *arg)
{
	struct handoff *h = arg;
	int i;

	rumpuser_mutex_enter(h->h_mtx);
	for (i = 0; i < ITER_HANDOFF; i++) {
		while (h->h_turn != 1)
			rumpuser_cv_wait(h->h_cv[1], h->h_mtx);
		h->h_turn = 0;
		rumpuser_cv_signal(h->h_cv[0]);
	}
	rumpuser_mutex_exit(h->h_mtx);
	rumpuser_thread_exit();
}

static void
handoff_run(struct handoff *h)
{
	int i;

	rumpuser_mutex_enter(h->h_mtx);
	for (i = 0; i < ITER_HANDOFF; i++) {
		h->h_turn = 1;
		rumpuser_cv_signal(h->h_cv[1]);
		while (h->h_turn != 0)
			rumpuser_cv_wait(h->h_cv[0], h->h_mtx);
	}
	rumpuser_mutex_exit(h->h_mtx);
}

static void
bench_handoff(void)
{
	struct handoff h = {.h_turn = 0};
	void *cookie;
	int64_t t0;

	rumpuser_mutex_init(&h.h_mtx, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_init(&h.h_cv[0]);
	rumpuser_cv_init(&h.h_cv[1]);
	if (rumpuser_thread_create(handoff_peer, &h, "bench-peer", 1, 0, -1,
	    &cookie) != 0) {
		rumpuser_dprintf("hypercall-bench: thread_create failed\n");
		return;
	}
	t0 = now_ns();
	handoff_run(&h);
	report("cv handoff, one way", now_ns() - t0, 2LL * ITER_HANDOFF);
	rumpuser_thread_join(cookie);
	rumpuser_cv_destroy(h.h_cv[1]);
	rumpuser_cv_destroy(h.h_cv[0]);
	rumpuser_mutex_destroy(h.h_mtx);
}

void hypercall_bench_main(void);

void
hypercall_bench_main(void)
{
	int rv = rumpuser_init(RUMPUSER_VERSION, &bench_hyp);

	if (rv != 0) {
		rumpuser_dprintf("hypercall-bench: rumpuser_init: %d\n", rv);
		return;
	}
	bench_baseline();
	bench_clock();
	bench_mutex();
	bench_malloc();
	bench_handoff();
}
