/*
 * Conformance cases: threads (create, exit, join, detached threads,
 * arguments and names) and the current-lwp database (curlwpop, curlwp).
 * Joining may block, so it must release the rump kernel CPU once.
 */
#include <errno.h>
#include <string.h>

#include "suite.h"

struct th_arg {
	int ta_in;
	int ta_out;
	struct lwp *ta_lwp;
	struct hc_flag ta_flag;
};

static void
th_double(void *arg)
{
	struct th_arg *ta = arg;

	ta->ta_out = ta->ta_in * 2;
	ta->ta_lwp = rumpuser_curlwp();
}

static int
t_create_join(void)
{
	struct th_arg ta = {.ta_in = 21};
	void *ck = NULL;
	int rv;

	if ((rv = hc_spawn(th_double, &ta, &ck)) != 0)
		return hc_failv("thread_create", rv);
	if ((rv = rumpuser_thread_join(ck)) != 0)
		return hc_failv("thread_join", rv);
	if (ta.ta_out != 42)
		return hc_fail("thread did not run with its argument");
	return HC_PASS;
}

static int
t_join_releases_cpu(void)
{
	struct th_arg ta = {.ta_in = 1};
	struct fk_counts fc;
	void *ck;
	int pairs;

	if (hc_spawn(th_double, &ta, &ck) != 0)
		return hc_fail("thread_create");
	fk_counts_get(&fc);
	rumpuser_thread_join(ck);
	if ((pairs = fk_pairs_since(&fc)) != 1)
		return hc_failv("backend pairs around join", pairs);
	return HC_PASS;
}

static void
th_signal(void *arg)
{
	struct th_arg *ta = arg;

	ta->ta_lwp = rumpuser_curlwp();
	hc_flag_add(&ta->ta_flag, 1);
}

/* The thread has long finished when join is called. */
static int
t_join_exited(void)
{
	struct th_arg ta;
	void *ck;
	int rv;

	hc_flag_init(&ta.ta_flag);
	if (hc_spawn(th_signal, &ta, &ck) != 0)
		return hc_fail("thread_create");
	hc_flag_wait(&ta.ta_flag, 1);
	hc_sleep_ns(50 * HC_MS);
	rv = rumpuser_thread_join(ck);
	hc_flag_destroy(&ta.ta_flag);
	if (rv != 0)
		return hc_failv("join of an exited thread", rv);
	return HC_PASS;
}

static int
t_detached(void)
{
	struct th_arg ta;
	int rv;

	hc_flag_init(&ta.ta_flag);
	rv = fk_thread_create(th_signal, &ta, "hc-detached", 0, NULL);
	if (rv != 0)
		return hc_failv("thread_create mustjoin=0", rv);
	hc_flag_wait(&ta.ta_flag, 1);
	hc_sleep_ns(20 * HC_MS);	/* let it get through thread_exit */
	hc_flag_destroy(&ta.ta_flag);
	return HC_PASS;
}

#define NTHREADS 16

static void
th_count(void *arg)
{
	__atomic_add_fetch((int *)arg, 1, __ATOMIC_RELAXED);
	hc_sleep_ns(1 * HC_MS);
}

static int
t_many(void)
{
	void *ck[NTHREADS];
	int i, n = 0;

	for (i = 0; i < NTHREADS; i++)
		if (hc_spawn(th_count, &n, &ck[i]) != 0)
			return hc_failv("thread_create number", i);
	for (i = 0; i < NTHREADS; i++)
		if (rumpuser_thread_join(ck[i]) != 0)
			return hc_failv("thread_join number", i);
	if (__atomic_load_n(&n, __ATOMIC_RELAXED) != NTHREADS)
		return hc_failv("threads that ran", n);
	return HC_PASS;
}

struct raw_arg {
	int ra_ran;
};

static void *
raw_thread(void *arg)
{
	((struct raw_arg *)arg)->ra_ran = 1;
	rumpuser_thread_exit();
}

/* Unusual priority/cpu hints and a long name are accepted. */
static int
t_create_hints(void)
{
	static const char name[] = "a-thread-name-much-longer-than-any-"
	    "host-limit-on-thread-names";
	struct raw_arg ra[2] = {{0}, {0}};
	void *ck[2];
	int rv;

	rv = rumpuser_thread_create(raw_thread, &ra[0], name, 1, 100, 0,
	    &ck[0]);
	if (rv != 0)
		return hc_failv("create with priority 100, cpu 0", rv);
	rv = rumpuser_thread_create(raw_thread, &ra[1], "", 1, -1, -1, &ck[1]);
	if (rv != 0)
		return hc_failv("create with priority -1, cpu -1", rv);
	rumpuser_thread_join(ck[0]);
	rumpuser_thread_join(ck[1]);
	if (!ra[0].ra_ran || !ra[1].ra_ran)
		return hc_fail("a thread did not run");
	return HC_PASS;
}

static int
t_curlwp_thread(void)
{
	struct th_arg ta = {.ta_in = 0};
	struct lwp *me = rumpuser_curlwp();
	void *ck;

	if (me == NULL)
		return hc_fail("main thread has no curlwp");
	if (hc_spawn(th_double, &ta, &ck) != 0)
		return hc_fail("thread_create");
	rumpuser_thread_join(ck);
	if (ta.ta_lwp == NULL || ta.ta_lwp == me)
		return hc_fail("thread did not see its own lwp");
	if (rumpuser_curlwp() != me)
		return hc_fail("main thread's curlwp changed");
	return HC_PASS;
}

/* CLEAR then SET on the calling thread, no blocking in between. */
static int
t_curlwp_clear_set(void)
{
	struct lwp *me = rumpuser_curlwp(), *seen;

	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, me);
	seen = rumpuser_curlwp();
	rumpuser_curlwpop(RUMPUSER_LWP_SET, me);
	if (seen != NULL)
		return hc_fail("curlwp not NULL after CLEAR");
	if (rumpuser_curlwp() != me)
		return hc_fail("curlwp not restored by SET");
	return HC_PASS;
}

/* CREATE and DESTROY of an lwp that is never set change nothing. */
static int
t_curlwp_create_destroy(void)
{
	static long storage[8];
	struct lwp *me = rumpuser_curlwp(), *other = (struct lwp *)storage;

	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, other);
	rumpuser_curlwpop(RUMPUSER_LWP_DESTROY, other);
	if (rumpuser_curlwp() != me)
		return hc_fail("CREATE/DESTROY changed curlwp");
	return HC_PASS;
}

const struct hc_case hc_cases_thread[] = {
	{"thread_create_join", t_create_join},
	{"thread_join_releases_cpu", t_join_releases_cpu},
	{"thread_join_already_exited", t_join_exited},
	{"thread_detached", t_detached},
	{"thread_many", t_many},
	{"thread_create_hints_and_long_name", t_create_hints},
	{"curlwp_per_thread", t_curlwp_thread},
	{"curlwp_clear_set", t_curlwp_clear_set},
	{"curlwp_create_destroy", t_curlwp_create_destroy},
	{NULL, NULL},
};
