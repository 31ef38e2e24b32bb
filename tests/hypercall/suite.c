/*
 * Harness of the hypercall conformance suite and its shared helpers.
 *
 * Output, through rumpuser_dprintf so it works on every platform:
 *	ok NAME
 *	FAIL NAME: why
 *	skip NAME: why
 *	N passed, N failed, N skipped        (last line)
 * After each case the harness also fails it if the fake kernel saw a
 * contract violation meanwhile, if the thread lost its CPU, or if a
 * helper thread reported an error (hc_note); then it restores one CPU
 * and a zero big-lock count for the next case.
 */
#include <stddef.h>

#include "suite.h"

static const struct hc_case *const hc_groups[] = {
	hc_cases_misc, hc_cases_mem, hc_cases_clock, hc_cases_thread,
	hc_cases_mutex, hc_cases_rw, hc_cases_cv, hc_cases_files,
};

static const char *hc_why;
static long long hc_got;
static int hc_has_got;
static const char *hc_noted;

int
hc_fail(const char *why)
{
	hc_why = why;
	hc_has_got = 0;
	return HC_FAIL;
}

int
hc_failv(const char *why, long long got)
{
	hc_why = why;
	hc_got = got;
	hc_has_got = 1;
	return HC_FAIL;
}

int
hc_skip(const char *why)
{
	hc_why = why;
	return HC_SKIP;
}

void
hc_note(const char *why)
{
	__atomic_store_n(&hc_noted, why, __ATOMIC_RELAXED);
}

/* Checks made after every case; may turn a pass into a failure. */
static int
after_case(int rv, unsigned errors_before)
{
	const char *last, *noted;

	if (fk_errors(&last) != errors_before && rv != HC_FAIL)
		rv = hc_fail(last);
	if (!fk_have_cpu() && rv != HC_FAIL)
		rv = hc_fail("case ended without the rump kernel CPU");
	noted = __atomic_exchange_n(&hc_noted, NULL, __ATOMIC_RELAXED);
	if (noted != NULL && rv != HC_FAIL)
		rv = hc_fail(noted);
	fk_repair();
	fk_set_ncpu(1);
	fk_set_biglocks(0);
	return rv;
}

static void
report(const char *name, int rv)
{
	if (rv == HC_PASS)
		rumpuser_dprintf("ok %s\n", name);
	else if (rv == HC_SKIP)
		rumpuser_dprintf("skip %s: %s\n", name, hc_why);
	else if (hc_has_got)
		rumpuser_dprintf("FAIL %s: %s (got %lld)\n", name, hc_why,
		    hc_got);
	else
		rumpuser_dprintf("FAIL %s: %s\n", name, hc_why);
}

int
hypercall_suite_main(void)
{
	int counts[3] = {0, 0, 0};	/* pass, fail, skip */
	const struct hc_case *c;
	unsigned errors;
	size_t g;
	int rv;

	if ((rv = fk_init()) != 0) {
		rumpuser_dprintf("FAIL init: fake kernel: %d\n", rv);
		rumpuser_dprintf("0 passed, 1 failed, 0 skipped\n");
		return 1;
	}
	for (g = 0; g < sizeof(hc_groups) / sizeof(hc_groups[0]); g++) {
		for (c = hc_groups[g]; c->hc_name != NULL; c++) {
			errors = fk_errors(NULL);
			rv = after_case(c->hc_fn(), errors);
			report(c->hc_name, rv);
			counts[rv]++;
		}
	}
	rumpuser_dprintf("%d passed, %d failed, %d skipped\n", counts[0],
	    counts[1], counts[2]);
	return counts[1];
}

/* --- helpers ---------------------------------------------------------- */

int64_t
hc_now_ns(void)
{
	int64_t sec = 0;
	long nsec = 0;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	return sec * 1000000000LL + nsec;
}

void
hc_sleep_ns(int64_t ns)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ns / 1000000000LL,
	    (long)(ns % 1000000000LL));
}

void
hc_busy_ns(int64_t ns)
{
	int64_t end = hc_now_ns() + ns;

	while (hc_now_ns() < end)
		continue;
}

int
hc_late(int64_t elapsed, int64_t requested)
{
	return elapsed >= 10 * requested + 50 * HC_MS;
}

void
hc_flag_init(struct hc_flag *f)
{
	rumpuser_mutex_init(&f->f_mtx, RUMPUSER_MTX_KMUTEX);
	rumpuser_cv_init(&f->f_cv);
	f->f_val = 0;
}

void
hc_flag_destroy(struct hc_flag *f)
{
	rumpuser_cv_destroy(f->f_cv);
	rumpuser_mutex_destroy(f->f_mtx);
}

void
hc_flag_add(struct hc_flag *f, int n)
{
	rumpuser_mutex_enter(f->f_mtx);
	f->f_val += n;
	rumpuser_cv_broadcast(f->f_cv);
	rumpuser_mutex_exit(f->f_mtx);
}

void
hc_flag_wait(struct hc_flag *f, int atleast)
{
	rumpuser_mutex_enter(f->f_mtx);
	while (f->f_val < atleast)
		rumpuser_cv_wait(f->f_cv, f->f_mtx);
	rumpuser_mutex_exit(f->f_mtx);
}

int
hc_flag_get(struct hc_flag *f)
{
	int v;

	rumpuser_mutex_enter(f->f_mtx);
	v = f->f_val;
	rumpuser_mutex_exit(f->f_mtx);
	return v;
}

int
hc_spawn(void (*fn)(void *), void *arg, void **cookie)
{
	return fk_thread_create(fn, arg, "hc-test", 1, cookie);
}
