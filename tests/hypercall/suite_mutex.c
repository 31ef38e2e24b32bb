/*
 * Conformance cases: mutexes. What is checked besides mutual exclusion:
 * - an uncontended enter makes no upcall; a contended rumpuser_mutex_enter
 *   releases the rump kernel CPU exactly once (one backend unschedule /
 *   schedule pair) and hands the big-lock count back unchanged;
 * - enter_nowrap and SPIN mutexes never release the CPU, even contended
 *   (these run with two CPUs so the holder can still finish);
 * - mutex_owner reports the holding lwp of a KMUTEX, NULL when free.
 */
#include <errno.h>

#include "suite.h"

/* A thread that holds a mutex for a while, sleeping with it held. */
struct holder {
	struct rumpuser_mtx *h_mtx;
	int64_t h_hold;
	struct lwp *h_lwp;
	struct hc_flag h_flag;
	void *h_cookie;
};

static void
holder_fn(void *arg)
{
	struct holder *h = arg;

	rumpuser_mutex_enter(h->h_mtx);
	h->h_lwp = rumpuser_curlwp();
	hc_flag_add(&h->h_flag, 1);
	hc_sleep_ns(h->h_hold);
	rumpuser_mutex_exit(h->h_mtx);
}

/* Returns once the holder owns mtx. */
static int
holder_start(struct holder *h, struct rumpuser_mtx *mtx, int64_t hold)
{
	h->h_mtx = mtx;
	h->h_hold = hold;
	h->h_lwp = NULL;
	hc_flag_init(&h->h_flag);
	if (hc_spawn(holder_fn, h, &h->h_cookie) != 0)
		return hc_fail("thread_create");
	hc_flag_wait(&h->h_flag, 1);
	return HC_PASS;
}

static void
holder_finish(struct holder *h)
{
	rumpuser_thread_join(h->h_cookie);
	hc_flag_destroy(&h->h_flag);
}

static int
t_init_flags(void)
{
	static const int flags[] = {RUMPUSER_MTX_SPIN, RUMPUSER_MTX_KMUTEX,
	    RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX};
	struct rumpuser_mtx *m;
	unsigned i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		rumpuser_mutex_init(&m, flags[i]);
		rumpuser_mutex_enter(m);
		rumpuser_mutex_exit(m);
		rumpuser_mutex_enter_nowrap(m);
		rumpuser_mutex_exit(m);
		rumpuser_mutex_destroy(m);
	}
	return HC_PASS;
}

static int
t_uncontended(void)
{
	struct rumpuser_mtx *m;
	struct fk_counts a, b;
	int i;

	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	fk_counts_get(&a);
	for (i = 0; i < 100; i++) {
		rumpuser_mutex_enter(m);
		rumpuser_mutex_exit(m);
	}
	fk_counts_get(&b);
	rumpuser_mutex_destroy(m);
	if (b.fc_bunsched != a.fc_bunsched || b.fc_bsched != a.fc_bsched)
		return hc_fail("uncontended enter made upcalls");
	return HC_PASS;
}

static int
t_tryenter_free(void)
{
	struct rumpuser_mtx *m;
	int rv;

	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	rv = rumpuser_mutex_tryenter(m);
	if (rv == 0)
		rumpuser_mutex_exit(m);
	rumpuser_mutex_destroy(m);
	if (rv != 0)
		return hc_failv("tryenter of a free mutex", rv);
	return HC_PASS;
}

static int
t_tryenter_busy(void)
{
	struct rumpuser_mtx *m;
	struct holder h;
	int rv;

	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	if (holder_start(&h, m, 50 * HC_MS) != HC_PASS)
		return HC_FAIL;
	rv = rumpuser_mutex_tryenter(m);
	if (rv == 0)
		rumpuser_mutex_exit(m);
	holder_finish(&h);
	rumpuser_mutex_destroy(m);
	if (rv != EBUSY)
		return hc_failv("tryenter of a held mutex: want EBUSY", rv);
	return HC_PASS;
}

static int
t_owner_self(void)
{
	struct rumpuser_mtx *m;
	struct lwp *held, *after, *tried;

	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	rumpuser_mutex_enter(m);
	rumpuser_mutex_owner(m, &held);
	rumpuser_mutex_exit(m);
	rumpuser_mutex_owner(m, &after);
	rumpuser_mutex_tryenter(m);
	rumpuser_mutex_owner(m, &tried);
	rumpuser_mutex_exit(m);
	rumpuser_mutex_destroy(m);
	if (held != rumpuser_curlwp())
		return hc_fail("owner is not the holder after enter");
	if (after != NULL)
		return hc_fail("owner not NULL after exit");
	if (tried != rumpuser_curlwp())
		return hc_fail("owner is not the holder after tryenter");
	return HC_PASS;
}

static int
t_owner_spin_kmutex(void)
{
	struct rumpuser_mtx *m;
	struct lwp *held;

	rumpuser_mutex_init(&m, RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX);
	rumpuser_mutex_enter(m);
	rumpuser_mutex_owner(m, &held);
	rumpuser_mutex_exit(m);
	rumpuser_mutex_destroy(m);
	if (held != rumpuser_curlwp())
		return hc_fail("owner of a spin kmutex is not the holder");
	return HC_PASS;
}

static int
t_owner_other(void)
{
	struct rumpuser_mtx *m;
	struct holder h;
	struct lwp *o;

	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	if (holder_start(&h, m, 50 * HC_MS) != HC_PASS)
		return HC_FAIL;
	rumpuser_mutex_owner(m, &o);
	holder_finish(&h);
	rumpuser_mutex_destroy(m);
	if (o == NULL || o != h.h_lwp)
		return hc_fail("owner is not the holding thread's lwp");
	if (o == rumpuser_curlwp())
		return hc_fail("owner claims the caller");
	return HC_PASS;
}

static int
t_contended(void)
{
	struct rumpuser_mtx *m;
	struct fk_counts fc;
	struct holder h;
	struct lwp *o;
	int pairs, nl;

	rumpuser_mutex_init(&m, RUMPUSER_MTX_KMUTEX);
	if (holder_start(&h, m, 100 * HC_MS) != HC_PASS)
		return HC_FAIL;
	fk_set_biglocks(2);
	fk_counts_get(&fc);
	rumpuser_mutex_enter(m);
	pairs = fk_pairs_since(&fc);
	nl = fk_biglocks();
	rumpuser_mutex_owner(m, &o);
	rumpuser_mutex_exit(m);
	holder_finish(&h);
	rumpuser_mutex_destroy(m);
	if (pairs != 1)
		return hc_failv("backend pairs, contended enter", pairs);
	if (nl != 2)
		return hc_failv("nlocks not handed back", nl);
	if (o != rumpuser_curlwp())
		return hc_fail("owner after a contended enter");
	return HC_PASS;
}

/* Contended, yet no upcall: two CPUs, so the holder can still finish. */
static int
contended_no_release(int flags, int nowrap)
{
	struct rumpuser_mtx *m;
	struct fk_counts a, b;
	struct holder h;

	fk_set_ncpu(2);
	rumpuser_mutex_init(&m, flags);
	if (holder_start(&h, m, 50 * HC_MS) != HC_PASS)
		return HC_FAIL;
	fk_counts_get(&a);
	if (nowrap)
		rumpuser_mutex_enter_nowrap(m);
	else
		rumpuser_mutex_enter(m);
	fk_counts_get(&b);
	rumpuser_mutex_exit(m);
	holder_finish(&h);
	rumpuser_mutex_destroy(m);
	if (b.fc_bunsched != a.fc_bunsched || b.fc_bsched != a.fc_bsched)
		return hc_fail("the CPU was released");
	return HC_PASS;
}

static int
t_nowrap_contended(void)
{
	return contended_no_release(RUMPUSER_MTX_KMUTEX, 1);
}

static int
t_spin_contended(void)
{
	return contended_no_release(RUMPUSER_MTX_SPIN, 0);
}

#define STRESS_THREADS 8
#define STRESS_ITER 1000

struct stress {
	struct rumpuser_mtx *s_mtx;
	long s_counter;
	int s_inside;
	int s_bad;
};

static void
stress_fn(void *arg)
{
	struct stress *s = arg;
	long c;
	int i;

	for (i = 0; i < STRESS_ITER; i++) {
		rumpuser_mutex_enter(s->s_mtx);
		if (s->s_inside++ != 0)
			s->s_bad = 1;
		c = s->s_counter;
		if (i % 64 == 0)
			hc_sleep_ns(0);	/* let others pile up on the lock */
		s->s_counter = c + 1;
		s->s_inside--;
		rumpuser_mutex_exit(s->s_mtx);
	}
}

static int
t_exclusion_stress(void)
{
	struct stress s = {.s_counter = 0};
	void *ck[STRESS_THREADS];
	int i;

	fk_set_ncpu(4);
	rumpuser_mutex_init(&s.s_mtx, RUMPUSER_MTX_KMUTEX);
	for (i = 0; i < STRESS_THREADS; i++)
		if (hc_spawn(stress_fn, &s, &ck[i]) != 0)
			return hc_fail("thread_create");
	for (i = 0; i < STRESS_THREADS; i++)
		rumpuser_thread_join(ck[i]);
	rumpuser_mutex_destroy(s.s_mtx);
	if (s.s_bad)
		return hc_fail("two threads inside the mutex");
	if (s.s_counter != STRESS_THREADS * STRESS_ITER)
		return hc_failv("lost updates: counter", s.s_counter);
	return HC_PASS;
}

const struct hc_case hc_cases_mutex[] = {
	{"mutex_init_flags", t_init_flags},
	{"mutex_uncontended_no_upcalls", t_uncontended},
	{"mutex_tryenter_free", t_tryenter_free},
	{"mutex_tryenter_busy", t_tryenter_busy},
	{"mutex_owner_self", t_owner_self},
	{"mutex_owner_spin_kmutex", t_owner_spin_kmutex},
	{"mutex_owner_other_thread", t_owner_other},
	{"mutex_contended_releases_cpu_once", t_contended},
	{"mutex_nowrap_contended_keeps_cpu", t_nowrap_contended},
	{"mutex_spin_contended_keeps_cpu", t_spin_contended},
	{"mutex_exclusion_8x1000", t_exclusion_stress},
	{NULL, NULL},
};
