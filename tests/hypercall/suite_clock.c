/*
 * Conformance cases: clocks. Sleeps are measured on the ABSMONO clock;
 * a sleep must last at least what was asked and not wildly more
 * (hc_late: 10x + 50 ms, room for a slow emulator). Every sleep releases
 * the rump kernel CPU exactly once and hands the big-lock count back.
 */
#include <errno.h>

#include "suite.h"

static int
t_gettime_both(void)
{
	int64_t sec;
	long nsec;
	int clk, rv;

	for (clk = RUMPUSER_CLOCK_RELWALL; clk <= RUMPUSER_CLOCK_ABSMONO;
	    clk++) {
		sec = -1;
		nsec = -1;
		if ((rv = rumpuser_clock_gettime(clk, &sec, &nsec)) != 0)
			return hc_failv("clock_gettime", rv);
		if (sec < 0 || nsec < 0 || nsec >= 1000000000L)
			return hc_failv("bad timespec for clock", clk);
	}
	return HC_PASS;
}

static int
t_gettime_bad_clock(void)
{
	int64_t sec;
	long nsec;
	int rv = rumpuser_clock_gettime(99, &sec, &nsec);

	if (rv != EINVAL)
		return hc_failv("want EINVAL", rv);
	return HC_PASS;
}

/* Wall time after 2020-01-01: the platform found a real-time clock. */
static int
t_wall_plausible(void)
{
	int64_t sec = 0;
	long nsec;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_RELWALL, &sec, &nsec);
	if (sec < 1577836800LL)
		return hc_failv("wall clock seconds", sec);
	return HC_PASS;
}

static int
t_monotonic(void)
{
	int64_t prev = hc_now_ns(), now;
	int i;

	for (i = 0; i < 20000; i++) {
		now = hc_now_ns();
		if (now < prev)
			return hc_failv("went back by ns", prev - now);
		prev = now;
	}
	return HC_PASS;
}

static int
t_monotonic_advances(void)
{
	int64_t t0 = hc_now_ns();

	hc_busy_ns(5 * HC_MS);
	if (hc_now_ns() - t0 < 5 * HC_MS)
		return hc_fail("clock did not advance 5 ms");
	return HC_PASS;
}

static int
t_sleep_relwall(void)
{
	int64_t t0 = hc_now_ns(), dt;
	int rv = rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, 20 * HC_MS);

	dt = hc_now_ns() - t0;
	if (rv != 0)
		return hc_failv("clock_sleep", rv);
	if (dt < 20 * HC_MS)
		return hc_failv("woke early, ns", dt);
	if (hc_late(dt, 20 * HC_MS))
		return hc_failv("overslept, ns", dt);
	return HC_PASS;
}

static int
t_sleep_absmono(void)
{
	int64_t deadline = hc_now_ns() + 20 * HC_MS, late;
	int rv = rumpuser_clock_sleep(RUMPUSER_CLOCK_ABSMONO,
	    deadline / 1000000000LL, (long)(deadline % 1000000000LL));

	late = hc_now_ns() - deadline;
	if (rv != 0)
		return hc_failv("clock_sleep", rv);
	if (late < 0)
		return hc_failv("woke early, ns", -late);
	if (hc_late(late + 20 * HC_MS, 20 * HC_MS))
		return hc_failv("overslept, ns", late);
	return HC_PASS;
}

static int
t_sleep_absmono_past(void)
{
	int64_t past = hc_now_ns() - 1000 * HC_MS, t0 = hc_now_ns();

	if (past < 0)
		past = 0;
	rumpuser_clock_sleep(RUMPUSER_CLOCK_ABSMONO, past / 1000000000LL,
	    (long)(past % 1000000000LL));
	if (hc_now_ns() - t0 > 50 * HC_MS)
		return hc_fail("a deadline in the past still slept");
	return HC_PASS;
}

static int
t_sleep_releases_cpu(void)
{
	struct fk_counts fc;
	int pairs;

	fk_counts_get(&fc);
	hc_sleep_ns(1 * HC_MS);
	if ((pairs = fk_pairs_since(&fc)) != 1)
		return hc_failv("backend unschedule/schedule pairs", pairs);
	fk_counts_get(&fc);
	hc_sleep_ns(0);
	if ((pairs = fk_pairs_since(&fc)) != 1)
		return hc_failv("pairs for a zero sleep", pairs);
	return HC_PASS;
}

static int
t_sleep_keeps_biglocks(void)
{
	fk_set_biglocks(3);
	hc_sleep_ns(1 * HC_MS);
	if (fk_biglocks() != 3)
		return hc_failv("nlocks not handed back", fk_biglocks());
	return HC_PASS;
}

static void
set_flag(void *arg)
{
	hc_flag_add(arg, 1);
}

/* With one CPU, another thread runs only while we sleep. */
static int
t_sleep_lets_others_run(void)
{
	struct hc_flag f;
	void *ck;
	int v;

	hc_flag_init(&f);
	if (hc_spawn(set_flag, &f, &ck) != 0)
		return hc_fail("thread_create");
	hc_sleep_ns(100 * HC_MS);
	v = hc_flag_get(&f);
	rumpuser_thread_join(ck);
	hc_flag_destroy(&f);
	if (v != 1)
		return hc_fail("other thread did not run during the sleep");
	return HC_PASS;
}

const struct hc_case hc_cases_clock[] = {
	{"clock_gettime_both", t_gettime_both},
	{"clock_gettime_bad_clock", t_gettime_bad_clock},
	{"clock_wall_plausible", t_wall_plausible},
	{"clock_monotonic", t_monotonic},
	{"clock_monotonic_advances", t_monotonic_advances},
	{"clock_sleep_relwall_20ms", t_sleep_relwall},
	{"clock_sleep_absmono_20ms", t_sleep_absmono},
	{"clock_sleep_absmono_past", t_sleep_absmono_past},
	{"clock_sleep_releases_cpu", t_sleep_releases_cpu},
	{"clock_sleep_keeps_nlocks", t_sleep_keeps_biglocks},
	{"clock_sleep_lets_others_run", t_sleep_lets_others_run},
	{NULL, NULL},
};
