/*
 * Conformance cases: condition variables.
 * - timedwait: (sec, nsec) is relative to the call; ETIMEDOUT when it
 *   passes, 0 when signalled first; the mutex is held again on return.
 * - signal wakes one waiter, broadcast all; a signal with no waiter is
 *   not remembered; has_waiters reports sleepers.
 * - wrapped waits release the CPU exactly once and hand nlocks back;
 *   wait_nowrap never releases it.
 * - with a SPIN|KMUTEX interlock the CPU is retaken before the mutex
 *   (rumpuser(3)); the order case below deadlocks if it is the other
 *   way round, which the fake kernel reports after 5 s.
 */
#include <errno.h>

#include "suite.h"

struct cvpair {
	struct rumpuser_mtx *p_mtx;
	struct rumpuser_cv *p_cv;
	int p_pred;
	int64_t p_delay;
	int p_waiting;
	int p_woken;
};

static void
cvpair_init(struct cvpair *p, int mtxflags)
{
	rumpuser_mutex_init(&p->p_mtx, mtxflags);
	rumpuser_cv_init(&p->p_cv);
	p->p_pred = 0;
	p->p_delay = 0;
	p->p_waiting = 0;
	p->p_woken = 0;
}

static void
cvpair_destroy(struct cvpair *p)
{
	rumpuser_cv_destroy(p->p_cv);
	rumpuser_mutex_destroy(p->p_mtx);
}

/* After p_delay, set the predicate and signal. */
static void
waker_fn(void *arg)
{
	struct cvpair *p = arg;

	hc_sleep_ns(p->p_delay);
	rumpuser_mutex_enter(p->p_mtx);
	p->p_pred = 1;
	rumpuser_cv_signal(p->p_cv);
	rumpuser_mutex_exit(p->p_mtx);
}

static int
t_timedwait_timeout(void)
{
	struct lwp *owner;
	struct fk_counts fc;
	struct cvpair p;
	int64_t t0, dt;
	int rv, pairs;

	cvpair_init(&p, RUMPUSER_MTX_KMUTEX);
	rumpuser_mutex_enter(p.p_mtx);
	fk_counts_get(&fc);
	t0 = hc_now_ns();
	rv = rumpuser_cv_timedwait(p.p_cv, p.p_mtx, 0, 20 * HC_MS);
	dt = hc_now_ns() - t0;
	pairs = fk_pairs_since(&fc);
	rumpuser_mutex_owner(p.p_mtx, &owner);
	rumpuser_mutex_exit(p.p_mtx);
	cvpair_destroy(&p);
	if (rv != ETIMEDOUT)
		return hc_failv("want ETIMEDOUT", rv);
	if (dt < 20 * HC_MS)
		return hc_failv("timed out early, ns", dt);
	if (hc_late(dt, 20 * HC_MS))
		return hc_failv("timed out late, ns", dt);
	if (pairs != 1)
		return hc_failv("backend pairs", pairs);
	if (owner != rumpuser_curlwp())
		return hc_fail("mutex not held again after the timeout");
	return HC_PASS;
}

static int
t_timedwait_zero(void)
{
	struct cvpair p;
	int64_t t0 = hc_now_ns();
	int rv;

	cvpair_init(&p, RUMPUSER_MTX_KMUTEX);
	rumpuser_mutex_enter(p.p_mtx);
	rv = rumpuser_cv_timedwait(p.p_cv, p.p_mtx, 0, 0);
	rumpuser_mutex_exit(p.p_mtx);
	cvpair_destroy(&p);
	if (rv != ETIMEDOUT)
		return hc_failv("zero timeout: want ETIMEDOUT", rv);
	if (hc_late(hc_now_ns() - t0, 0))
		return hc_fail("zero timeout took long");
	return HC_PASS;
}

static int
t_timedwait_woken(void)
{
	struct lwp *owner;
	struct cvpair p;
	int64_t t0, dt;
	void *ck;
	int rv = 0;

	cvpair_init(&p, RUMPUSER_MTX_KMUTEX);
	p.p_delay = 20 * HC_MS;
	rumpuser_mutex_enter(p.p_mtx);
	if (hc_spawn(waker_fn, &p, &ck) != 0)
		return hc_fail("thread_create");
	t0 = hc_now_ns();
	while (!p.p_pred && rv == 0)
		rv = rumpuser_cv_timedwait(p.p_cv, p.p_mtx, 5, 0);
	dt = hc_now_ns() - t0;
	rumpuser_mutex_owner(p.p_mtx, &owner);
	rumpuser_mutex_exit(p.p_mtx);
	rumpuser_thread_join(ck);
	cvpair_destroy(&p);
	if (rv != 0)
		return hc_failv("signalled timedwait returned", rv);
	if (dt >= 4000 * HC_MS)
		return hc_failv("wakeup took ns", dt);
	if (owner != rumpuser_curlwp())
		return hc_fail("mutex not held again after the wakeup");
	return HC_PASS;
}

/* One wrapped cv_wait, woken by a signal. */
static int
t_wait_releases_cpu(void)
{
	struct fk_counts fc;
	struct cvpair p;
	struct lwp *owner;
	int pairs, nl;
	void *ck;

	cvpair_init(&p, RUMPUSER_MTX_KMUTEX);
	p.p_delay = 10 * HC_MS;
	rumpuser_mutex_enter(p.p_mtx);
	if (hc_spawn(waker_fn, &p, &ck) != 0)
		return hc_fail("thread_create");
	fk_set_biglocks(4);
	fk_counts_get(&fc);
	rumpuser_cv_wait(p.p_cv, p.p_mtx);
	pairs = fk_pairs_since(&fc);
	nl = fk_biglocks();
	while (!p.p_pred)
		rumpuser_cv_wait(p.p_cv, p.p_mtx);
	rumpuser_mutex_owner(p.p_mtx, &owner);
	rumpuser_mutex_exit(p.p_mtx);
	rumpuser_thread_join(ck);
	cvpair_destroy(&p);
	if (pairs != 1)
		return hc_failv("backend pairs around cv_wait", pairs);
	if (nl != 4)
		return hc_failv("nlocks not handed back", nl);
	if (owner != rumpuser_curlwp())
		return hc_fail("mutex not held again after cv_wait");
	return HC_PASS;
}

/* Two CPUs: the waker needs one while we wait holding ours. */
static int
wait_nowrap(int mtxflags)
{
	struct fk_counts a, b;
	struct cvpair p;
	void *ck;

	fk_set_ncpu(2);
	cvpair_init(&p, mtxflags);
	p.p_delay = 10 * HC_MS;
	rumpuser_mutex_enter_nowrap(p.p_mtx);
	if (hc_spawn(waker_fn, &p, &ck) != 0)
		return hc_fail("thread_create");
	fk_counts_get(&a);
	while (!p.p_pred)
		rumpuser_cv_wait_nowrap(p.p_cv, p.p_mtx);
	fk_counts_get(&b);
	rumpuser_mutex_exit(p.p_mtx);
	rumpuser_thread_join(ck);
	cvpair_destroy(&p);
	if (b.fc_bunsched != a.fc_bunsched || b.fc_bsched != a.fc_bsched)
		return hc_fail("cv_wait_nowrap released the CPU");
	return HC_PASS;
}

static int
t_wait_nowrap(void)
{
	return wait_nowrap(RUMPUSER_MTX_KMUTEX);
}

static int
t_wait_nowrap_spin(void)
{
	return wait_nowrap(RUMPUSER_MTX_SPIN);
}

static void
crowd_fn(void *arg)
{
	struct cvpair *p = arg;

	rumpuser_mutex_enter(p->p_mtx);
	p->p_waiting++;
	rumpuser_cv_wait(p->p_cv, p->p_mtx);
	p->p_woken++;
	rumpuser_mutex_exit(p->p_mtx);
}

/* Returns once n threads sleep on p_cv (p_waiting counts under p_mtx). */
static int
crowd_start(struct cvpair *p, int n, void **ck)
{
	int i, w = 0;

	for (i = 0; i < n; i++)
		if (hc_spawn(crowd_fn, p, &ck[i]) != 0)
			return hc_fail("thread_create");
	for (i = 0; i < 1000 && w < n; i++) {
		rumpuser_mutex_enter(p->p_mtx);
		w = p->p_waiting;
		rumpuser_mutex_exit(p->p_mtx);
		if (w < n)
			hc_sleep_ns(5 * HC_MS);
	}
	return w == n ? HC_PASS : hc_fail("waiters did not arrive");
}

static int
woken(struct cvpair *p)
{
	int n;

	rumpuser_mutex_enter(p->p_mtx);
	n = p->p_woken;
	rumpuser_mutex_exit(p->p_mtx);
	return n;
}

#define CROWD 4

static int
t_signal_wakes_one(void)
{
	struct cvpair p;
	void *ck[CROWD];
	int i, one, all;

	cvpair_init(&p, RUMPUSER_MTX_KMUTEX);
	if (crowd_start(&p, CROWD, ck) != HC_PASS)
		return HC_FAIL;
	rumpuser_mutex_enter(p.p_mtx);
	rumpuser_cv_signal(p.p_cv);
	rumpuser_mutex_exit(p.p_mtx);
	hc_sleep_ns(100 * HC_MS);
	one = woken(&p);
	rumpuser_mutex_enter(p.p_mtx);
	rumpuser_cv_broadcast(p.p_cv);
	rumpuser_mutex_exit(p.p_mtx);
	for (i = 0; i < CROWD; i++)
		rumpuser_thread_join(ck[i]);
	all = woken(&p);
	cvpair_destroy(&p);
	if (one != 1)
		return hc_failv("one signal woke", one);
	if (all != CROWD)
		return hc_failv("broadcast left asleep", CROWD - all);
	return HC_PASS;
}

static int
t_broadcast_wakes_all(void)
{
	struct cvpair p;
	void *ck[CROWD];
	int i, n;

	cvpair_init(&p, RUMPUSER_MTX_KMUTEX);
	if (crowd_start(&p, CROWD, ck) != HC_PASS)
		return HC_FAIL;
	rumpuser_mutex_enter(p.p_mtx);
	rumpuser_cv_broadcast(p.p_cv);
	rumpuser_mutex_exit(p.p_mtx);
	hc_sleep_ns(100 * HC_MS);
	n = woken(&p);
	for (i = 0; i < CROWD; i++)
		rumpuser_thread_join(ck[i]);
	cvpair_destroy(&p);
	if (n != CROWD)
		return hc_failv("one broadcast woke", n);
	return HC_PASS;
}

static int
t_has_waiters(void)
{
	struct cvpair p;
	int before, during, after;
	void *ck[1];

	cvpair_init(&p, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_has_waiters(p.p_cv, &before);
	if (crowd_start(&p, 1, ck) != HC_PASS)
		return HC_FAIL;
	rumpuser_mutex_enter(p.p_mtx);
	rumpuser_cv_has_waiters(p.p_cv, &during);
	rumpuser_cv_signal(p.p_cv);
	rumpuser_mutex_exit(p.p_mtx);
	rumpuser_thread_join(ck[0]);
	rumpuser_cv_has_waiters(p.p_cv, &after);
	cvpair_destroy(&p);
	if (before != 0 || after != 0)
		return hc_fail("has_waiters true with nobody waiting");
	if (during == 0)
		return hc_fail("has_waiters false with a sleeper");
	return HC_PASS;
}

static int
t_signal_not_remembered(void)
{
	struct cvpair p;
	int rv;

	cvpair_init(&p, RUMPUSER_MTX_KMUTEX);
	rumpuser_mutex_enter(p.p_mtx);
	rumpuser_cv_signal(p.p_cv);
	rumpuser_cv_broadcast(p.p_cv);
	rv = rumpuser_cv_timedwait(p.p_cv, p.p_mtx, 0, 10 * HC_MS);
	rumpuser_mutex_exit(p.p_mtx);
	cvpair_destroy(&p);
	if (rv != ETIMEDOUT)
		return hc_failv("an earlier signal woke a later wait", rv);
	return HC_PASS;
}

static int
t_timedwait_spin_kmutex(void)
{
	const int flags = RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX;
	struct lwp *owner;
	struct cvpair p;
	int rv;

	cvpair_init(&p, flags);
	rumpuser_mutex_enter(p.p_mtx);
	rv = rumpuser_cv_timedwait(p.p_cv, p.p_mtx, 0, 5 * HC_MS);
	rumpuser_mutex_owner(p.p_mtx, &owner);
	rumpuser_mutex_exit(p.p_mtx);
	cvpair_destroy(&p);
	if (rv != ETIMEDOUT)
		return hc_failv("want ETIMEDOUT", rv);
	if (owner != rumpuser_curlwp())
		return hc_fail("spin kmutex not held again");
	return HC_PASS;
}

static void
order_fn(void *arg)
{
	struct cvpair *p = arg;

	rumpuser_mutex_enter(p->p_mtx);
	p->p_waiting = 1;
	while (!p->p_pred)
		rumpuser_cv_wait(p->p_cv, p->p_mtx);
	p->p_woken = 1;
	rumpuser_mutex_exit(p->p_mtx);
}

/*
 * One CPU, SPIN|KMUTEX interlock. After the signal, we keep the CPU for
 * 50 ms (the woken waiter then wants the CPU) and then take the spin
 * mutex without giving up the CPU. A waiter that re-took the mutex before
 * asking for the CPU would now wait for us while we wait for it.
 */
static int
t_spin_kmutex_order(void)
{
	struct cvpair p;
	void *ck;
	int i, ready = 0;

	cvpair_init(&p, RUMPUSER_MTX_SPIN | RUMPUSER_MTX_KMUTEX);
	if (hc_spawn(order_fn, &p, &ck) != 0)
		return hc_fail("thread_create");
	for (i = 0; i < 1000 && !ready; i++) {
		hc_sleep_ns(5 * HC_MS);
		rumpuser_mutex_enter(p.p_mtx);
		ready = p.p_waiting;
		rumpuser_mutex_exit(p.p_mtx);
	}
	rumpuser_mutex_enter(p.p_mtx);
	p.p_pred = 1;
	rumpuser_cv_signal(p.p_cv);
	rumpuser_mutex_exit(p.p_mtx);
	hc_busy_ns(50 * HC_MS);
	rumpuser_mutex_enter(p.p_mtx);
	rumpuser_mutex_exit(p.p_mtx);
	rumpuser_thread_join(ck);
	ready = p.p_woken;
	cvpair_destroy(&p);
	return ready ? HC_PASS : hc_fail("waiter did not finish");
}

#define HANDOFFS 2000

struct pingpong {
	struct rumpuser_mtx *g_mtx;
	struct rumpuser_cv *g_cv[2];
	int g_turn;
};

static void
pong_fn(void *arg)
{
	struct pingpong *g = arg;
	int i;

	rumpuser_mutex_enter(g->g_mtx);
	for (i = 0; i < HANDOFFS; i++) {
		while (g->g_turn != 1)
			rumpuser_cv_wait(g->g_cv[1], g->g_mtx);
		g->g_turn = 0;
		rumpuser_cv_signal(g->g_cv[0]);
	}
	rumpuser_mutex_exit(g->g_mtx);
}

/* Lost wakeups would hang here. */
static int
t_pingpong(void)
{
	struct pingpong g = {.g_turn = 0};
	void *ck;
	int i;

	rumpuser_mutex_init(&g.g_mtx, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_init(&g.g_cv[0]);
	rumpuser_cv_init(&g.g_cv[1]);
	rumpuser_mutex_enter(g.g_mtx);
	if (hc_spawn(pong_fn, &g, &ck) != 0)
		return hc_fail("thread_create");
	for (i = 0; i < HANDOFFS; i++) {
		g.g_turn = 1;
		rumpuser_cv_signal(g.g_cv[1]);
		while (g.g_turn != 0)
			rumpuser_cv_wait(g.g_cv[0], g.g_mtx);
	}
	rumpuser_mutex_exit(g.g_mtx);
	rumpuser_thread_join(ck);
	rumpuser_cv_destroy(g.g_cv[1]);
	rumpuser_cv_destroy(g.g_cv[0]);
	rumpuser_mutex_destroy(g.g_mtx);
	return HC_PASS;
}

const struct hc_case hc_cases_cv[] = {
	{"cv_timedwait_times_out", t_timedwait_timeout},
	{"cv_timedwait_zero", t_timedwait_zero},
	{"cv_timedwait_woken", t_timedwait_woken},
	{"cv_wait_releases_cpu_once", t_wait_releases_cpu},
	{"cv_wait_nowrap_keeps_cpu", t_wait_nowrap},
	{"cv_wait_nowrap_spin_keeps_cpu", t_wait_nowrap_spin},
	{"cv_signal_wakes_one", t_signal_wakes_one},
	{"cv_broadcast_wakes_all", t_broadcast_wakes_all},
	{"cv_has_waiters", t_has_waiters},
	{"cv_signal_not_remembered", t_signal_not_remembered},
	{"cv_timedwait_spin_kmutex", t_timedwait_spin_kmutex},
	{"cv_spin_kmutex_cpu_before_mutex", t_spin_kmutex_order},
	{"cv_pingpong_2000", t_pingpong},
	{NULL, NULL},
};
