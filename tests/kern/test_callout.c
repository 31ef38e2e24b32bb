/* Callouts: order, stop, reset, halt, thread context. */
#include <string.h>

#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/lwp.h>
#include <kern/mutex.h>

#include "kt.h"

static kmutex_t co_mtx;
static kcondvar_t co_cv;
static int co_order[8];
static int co_n;
static int co_inthread;

static void
co_setup(void)
{
	mutex_init(&co_mtx, MUTEX_DEFAULT);
	cv_init(&co_cv, "cotest");
	co_n = 0;
	co_inthread = 1;
}

static void
co_teardown(void)
{
	cv_destroy(&co_cv);
	mutex_destroy(&co_mtx);
}

static void
fired(void *arg)
{
	mutex_enter(&co_mtx);
	if (curcpu() == NULL || strcmp(lwp_name(curlwp()), "softclock") != 0)
		co_inthread = 0;
	if (co_n < 8)
		co_order[co_n] = (int)(long)arg;
	co_n++;
	cv_broadcast(&co_cv);
	mutex_exit(&co_mtx);
}

/* Wait until n callouts fired or ms passed; returns co_n. */
static int
wait_fired(int n, int ms)
{
	uint64_t end = kclock_ns() + (uint64_t)ms * 1000000;
	int got;

	mutex_enter(&co_mtx);
	while (co_n < n && kclock_ns() < end)
		cv_timedwait_ns(&co_cv, &co_mtx, 5000000);
	got = co_n;
	mutex_exit(&co_mtx);
	return got;
}

KT_CASE(callout_fire_in_order)
{
	static const int ms[5] = {50, 10, 40, 20, 30};
	callout_t c[5];

	co_setup();
	for (int i = 0; i < 5; i++) {
		callout_init(&c[i]);
		callout_reset_ns(&c[i], (uint64_t)ms[i] * 1000000, fired,
		    (void *)(long)ms[i]);
	}
	KT_CHECK(wait_fired(5, 2000) == 5);
	for (int i = 0; i < 5; i++)
		KT_CHECK(co_order[i] == 10 * (i + 1));
	KT_CHECK(co_inthread);
	for (int i = 0; i < 5; i++) {
		KT_CHECK(!callout_pending(&c[i]));
		callout_halt(&c[i]);
		callout_destroy(&c[i]);
	}
	co_teardown();
}

KT_CASE(callout_stop_and_reset)
{
	callout_t a, b;

	co_setup();
	callout_init(&a);
	callout_init(&b);
	callout_reset(&a, mstohz(30), fired, (void *)1L);
	KT_CHECK(callout_pending(&a));
	KT_CHECK(callout_stop(&a));
	KT_CHECK(!callout_stop(&a));
	/* b first set far away, then moved close: fires once, soon */
	callout_reset_ns(&b, 5000000000ULL, fired, (void *)2L);
	callout_reset_ns(&b, 10000000, fired, (void *)3L);
	KT_CHECK(wait_fired(1, 1000) == 1);
	kt_sleep_ms(60);
	KT_CHECK(wait_fired(2, 0) == 1);
	KT_CHECK(co_order[0] == 3);
	callout_halt(&a);
	callout_halt(&b);
	callout_destroy(&a);
	callout_destroy(&b);
	co_teardown();
}

static int slow_state;

static void
slow(void *arg)
{
	(void)arg;
	__atomic_store_n(&slow_state, 1, __ATOMIC_SEQ_CST);
	kt_sleep_ms(80);
	__atomic_store_n(&slow_state, 2, __ATOMIC_SEQ_CST);
}

KT_CASE(callout_halt_waits_for_handler)
{
	callout_t c;

	slow_state = 0;
	callout_init(&c);
	callout_reset(&c, 0, slow, NULL);
	for (int i = 0; i < 200 && !__atomic_load_n(&slow_state,
	    __ATOMIC_SEQ_CST); i++)
		kt_sleep_ms(2);
	KT_CHECK(__atomic_load_n(&slow_state, __ATOMIC_SEQ_CST) == 1);
	KT_CHECK(!callout_halt(&c));	/* not pending: running */
	KT_CHECK(__atomic_load_n(&slow_state, __ATOMIC_SEQ_CST) == 2);
	callout_destroy(&c);
}
