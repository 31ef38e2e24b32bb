/*
 * Scheduler test, run inside the guest: round-robin yields, sleepers
 * waking in deadline order, join values (also of threads that already
 * exited), block/wake with and without timeouts. Prints one line per
 * check and exits with the number of failures.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bmk/bmk.h>
#include <bmk/sched.h>

#define NYIELD 40
#define NSLEEP 24

static int failures;

static void
check(int ok, const char *what)
{
	printf("sched: %s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
}

static int order[NYIELD * 3];
static int norder;

static void
yielder(void *arg)
{
	int i;

	for (i = 0; i < 3; i++) {
		order[norder++] = (int)(intptr_t)arg;
		sched_yield();
	}
}

static void
test_yield(void)
{
	struct sched_thread *t[NYIELD];
	int i, ok = 1;

	for (i = 0; i < NYIELD; i++)
		t[i] = sched_create("yielder", yielder, (void *)(intptr_t)i, 0,
		    SCHED_JOINABLE);
	for (i = 0; i < NYIELD; i++)
		ok &= t[i] != NULL && sched_join(t[i], NULL) == 0;
	/* Each round visits every thread once, in creation order. */
	for (i = 0; i < NYIELD * 3; i++)
		ok &= order[i] == i % NYIELD;
	check(ok && norder == NYIELD * 3, "40 threads yield round-robin");
}

static int woke[NSLEEP];
static int nwoke;
static uint64_t sleep_base;

static void
sleeper(void *arg)
{
	int ms = (int)(intptr_t)arg;

	sched_sleep_until(sleep_base + (uint64_t)ms * 1000000);
	woke[nwoke++] = ms;
}

static void
test_sleep_order(void)
{
	struct sched_thread *t[NSLEEP];
	int i, ok = 1;

	/* Deadlines 1..24 ms, created in a scrambled order (7 is coprime). */
	for (i = 0; i < NSLEEP; i++)
		t[i] = sched_create("sleeper", sleeper,
		    (void *)(intptr_t)((i * 7) % NSLEEP + 1), 0, SCHED_JOINABLE);
	/*
	 * The sleepers first run when main blocks in join, after this: the
	 * base lies far enough ahead that no deadline passes before all of
	 * them sleep, however slow thread creation is under emulation.
	 */
	sleep_base = bmk_clock_monotonic() + 50000000;
	for (i = 0; i < NSLEEP; i++)
		ok &= t[i] != NULL && sched_join(t[i], NULL) == 0;
	for (i = 0; i < NSLEEP; i++)
		ok &= woke[i] == i + 1;
	check(ok && nwoke == NSLEEP, "24 sleepers wake in deadline order");
}

static void
returner(void *arg)
{
	sched_exit((void *)((intptr_t)arg * 7 + 1));
}

static void
test_join(void)
{
	struct sched_thread *t[16];
	void *rv;
	int i, ok = 1;

	for (i = 0; i < 16; i++)
		t[i] = sched_create("returner", returner, (void *)(intptr_t)i, 0,
		    SCHED_JOINABLE);
	/* Let half of them exit before anyone joins them. */
	sched_sleep_ns(1000000);
	for (i = 15; i >= 0; i--) {
		ok &= t[i] != NULL && sched_join(t[i], &rv) == 0;
		ok &= rv == (void *)((intptr_t)i * 7 + 1);
	}
	check(ok, "join returns exit values, also of exited threads");
}

static struct sched_thread *waiter;
static int wait_result = -1;

static void
blocker(void *arg)
{
	sched_blockprepare();
	if (arg != NULL)
		sched_blockprepare_timeout(bmk_clock_monotonic() + 5000000);
	waiter = sched_current();
	wait_result = sched_block();
}

static void
test_block(void)
{
	struct sched_thread *t;
	uint64_t t0 = bmk_clock_monotonic();

	t = sched_create("blocker", blocker, (void *)1, 0, SCHED_JOINABLE);
	sched_join(t, NULL);
	check(wait_result == ETIMEDOUT &&
	    bmk_clock_monotonic() - t0 >= 5000000, "block times out");
	waiter = NULL;
	t = sched_create("blocker", blocker, NULL, 0, SCHED_JOINABLE);
	while (waiter == NULL)
		sched_yield();
	sched_wake(waiter);
	sched_join(t, NULL);
	check(wait_result == 0, "block is woken");
}

static void
idler(void *arg)
{
	(void)arg;
	sched_yield();
}

static void
test_many(void)
{
	struct sched_stats before, after;
	struct sched_thread *t[200];
	int i, n = 0;

	sched_get_stats(&before);
	for (i = 0; i < 200; i++)
		if ((t[i] = sched_create("many", idler, NULL, 8192,
		    SCHED_JOINABLE)) != NULL)
			n++;
	for (i = 0; i < 200; i++)
		if (t[i] != NULL)
			sched_join(t[i], NULL);
	sched_get_stats(&after);
	printf("sched: %d threads created, %llu context switches\n", n,
	    (unsigned long long)(after.ss_switches - before.ss_switches));
	check(n == 200 && after.ss_threads == before.ss_threads,
	    "200 threads created and all gone after join");
}

int
main(void)
{
	test_yield();
	test_sleep_order();
	test_join();
	test_block();
	test_many();
	printf("sched: %s\n", failures ? "FAIL" : "PASS");
	return failures;
}
