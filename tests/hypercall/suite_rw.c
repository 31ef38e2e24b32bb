/*
 * Conformance cases: reader/writer locks. Semantics checked:
 * - readers share, a writer excludes everyone (also under 8 threads);
 * - rw_held(READER) means "held shared by someone", rw_held(WRITER)
 *   means "held exclusively by the calling lwp";
 * - tryupgrade succeeds only for the sole reader, downgrade turns the
 *   writer into a reader that others can join;
 * - a contended rw_enter releases the CPU exactly once, an uncontended
 *   one never.
 */
#include <errno.h>

#include "suite.h"

static int
held(int which, struct rumpuser_rw *rw)
{
	int h = -1;

	rumpuser_rw_held(which, rw, &h);
	return h;
}

/* A thread that holds rw in some mode for a while. */
struct rwholder {
	struct rumpuser_rw *r_rw;
	int r_mode;
	int64_t r_hold;
	struct hc_flag r_flag;
	void *r_cookie;
};

static void
rwholder_fn(void *arg)
{
	struct rwholder *r = arg;

	rumpuser_rw_enter(r->r_mode, r->r_rw);
	hc_flag_add(&r->r_flag, 1);
	hc_sleep_ns(r->r_hold);
	rumpuser_rw_exit(r->r_rw);
}

static int
rwholder_start(struct rwholder *r, struct rumpuser_rw *rw, int mode,
    int64_t hold)
{
	r->r_rw = rw;
	r->r_mode = mode;
	r->r_hold = hold;
	hc_flag_init(&r->r_flag);
	if (hc_spawn(rwholder_fn, r, &r->r_cookie) != 0)
		return hc_fail("thread_create");
	hc_flag_wait(&r->r_flag, 1);
	return HC_PASS;
}

static void
rwholder_finish(struct rwholder *r)
{
	rumpuser_thread_join(r->r_cookie);
	hc_flag_destroy(&r->r_flag);
}

static int
t_read_held(void)
{
	struct rumpuser_rw *rw;
	int r, w, after;

	rumpuser_rw_init(&rw);
	rumpuser_rw_enter(RUMPUSER_RW_READER, rw);
	r = held(RUMPUSER_RW_READER, rw);
	w = held(RUMPUSER_RW_WRITER, rw);
	rumpuser_rw_exit(rw);
	after = held(RUMPUSER_RW_READER, rw);
	rumpuser_rw_destroy(rw);
	if (r != 1 || w != 0 || after != 0)
		return hc_fail("held() wrong around a read lock");
	return HC_PASS;
}

static int
t_write_held(void)
{
	struct rumpuser_rw *rw;
	int r, w, after;

	rumpuser_rw_init(&rw);
	rumpuser_rw_enter(RUMPUSER_RW_WRITER, rw);
	w = held(RUMPUSER_RW_WRITER, rw);
	r = held(RUMPUSER_RW_READER, rw);
	rumpuser_rw_exit(rw);
	after = held(RUMPUSER_RW_WRITER, rw);
	rumpuser_rw_destroy(rw);
	if (w != 1 || r != 0 || after != 0)
		return hc_fail("held() wrong around a write lock");
	return HC_PASS;
}

static int
t_readers_share(void)
{
	struct rumpuser_rw *rw;
	struct rwholder r;
	int rv, h;

	rumpuser_rw_init(&rw);
	if (rwholder_start(&r, rw, RUMPUSER_RW_READER, 50 * HC_MS))
		return HC_FAIL;
	rv = rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw);
	if (rv == 0)
		rumpuser_rw_exit(rw);
	h = held(RUMPUSER_RW_READER, rw);
	rwholder_finish(&r);
	rumpuser_rw_destroy(rw);
	if (rv != 0)
		return hc_failv("second reader refused", rv);
	if (h != 1)
		return hc_fail("held(READER) while another thread reads");
	return HC_PASS;
}

static int
t_writer_excludes(void)
{
	struct rumpuser_rw *rw;
	struct rwholder r;
	int rr, rw_, h;

	rumpuser_rw_init(&rw);
	if (rwholder_start(&r, rw, RUMPUSER_RW_WRITER, 50 * HC_MS))
		return HC_FAIL;
	rr = rumpuser_rw_tryenter(RUMPUSER_RW_READER, rw);
	rw_ = rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, rw);
	h = held(RUMPUSER_RW_WRITER, rw);
	rwholder_finish(&r);
	rumpuser_rw_destroy(rw);
	if (rr != EBUSY || rw_ != EBUSY)
		return hc_failv("tryenter against a writer: want EBUSY",
		    rr != EBUSY ? rr : rw_);
	if (h != 0)
		return hc_fail("held(WRITER) true for a non-holder");
	return HC_PASS;
}

static int
t_reader_excludes_writer(void)
{
	struct rumpuser_rw *rw;
	struct rwholder r;
	int rv;

	rumpuser_rw_init(&rw);
	if (rwholder_start(&r, rw, RUMPUSER_RW_READER, 50 * HC_MS))
		return HC_FAIL;
	rv = rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, rw);
	rwholder_finish(&r);
	rumpuser_rw_destroy(rw);
	if (rv != EBUSY)
		return hc_failv("writer tryenter against a reader", rv);
	return HC_PASS;
}

static int
t_tryupgrade_sole(void)
{
	struct rumpuser_rw *rw;
	int rv, w = 0, r = 1;

	rumpuser_rw_init(&rw);
	rumpuser_rw_enter(RUMPUSER_RW_READER, rw);
	rv = rumpuser_rw_tryupgrade(rw);
	if (rv == 0) {
		w = held(RUMPUSER_RW_WRITER, rw);
		r = held(RUMPUSER_RW_READER, rw);
	}
	rumpuser_rw_exit(rw);
	rumpuser_rw_destroy(rw);
	if (rv != 0)
		return hc_failv("tryupgrade of the sole reader", rv);
	if (w != 1 || r != 0)
		return hc_fail("not a writer after upgrade");
	return HC_PASS;
}

static int
t_tryupgrade_shared(void)
{
	struct rumpuser_rw *rw;
	struct rwholder r;
	int rv, h;

	rumpuser_rw_init(&rw);
	if (rwholder_start(&r, rw, RUMPUSER_RW_READER, 50 * HC_MS))
		return HC_FAIL;
	rumpuser_rw_enter(RUMPUSER_RW_READER, rw);
	rv = rumpuser_rw_tryupgrade(rw);
	h = held(RUMPUSER_RW_READER, rw);
	rumpuser_rw_exit(rw);
	rwholder_finish(&r);
	rumpuser_rw_destroy(rw);
	if (rv == 0)
		return hc_fail("upgrade succeeded with another reader");
	if (h != 1)
		return hc_fail("failed upgrade lost the read lock");
	return HC_PASS;
}

struct probe {
	struct rumpuser_rw *p_rw;
	int p_read;
	int p_write;
};

static void
probe_fn(void *arg)
{
	struct probe *p = arg;

	p->p_write = rumpuser_rw_tryenter(RUMPUSER_RW_WRITER, p->p_rw);
	if (p->p_write == 0)
		rumpuser_rw_exit(p->p_rw);
	p->p_read = rumpuser_rw_tryenter(RUMPUSER_RW_READER, p->p_rw);
	if (p->p_read == 0)
		rumpuser_rw_exit(p->p_rw);
}

static int
t_downgrade(void)
{
	struct probe p = {.p_read = -1, .p_write = -1};
	struct rumpuser_rw *rw;
	int r, w;
	void *ck;

	rumpuser_rw_init(&rw);
	p.p_rw = rw;
	rumpuser_rw_enter(RUMPUSER_RW_WRITER, rw);
	rumpuser_rw_downgrade(rw);
	r = held(RUMPUSER_RW_READER, rw);
	w = held(RUMPUSER_RW_WRITER, rw);
	if (hc_spawn(probe_fn, &p, &ck) != 0)
		return hc_fail("thread_create");
	rumpuser_thread_join(ck);
	rumpuser_rw_exit(rw);
	rumpuser_rw_destroy(rw);
	if (r != 1 || w != 0)
		return hc_fail("not a reader after downgrade");
	if (p.p_read != 0)
		return hc_failv("reader refused after downgrade", p.p_read);
	if (p.p_write != EBUSY)
		return hc_failv("a writer got in after downgrade", p.p_write);
	return HC_PASS;
}

static int
t_uncontended(void)
{
	struct rumpuser_rw *rw;
	struct fk_counts a, b;

	rumpuser_rw_init(&rw);
	fk_counts_get(&a);
	rumpuser_rw_enter(RUMPUSER_RW_READER, rw);
	rumpuser_rw_exit(rw);
	rumpuser_rw_enter(RUMPUSER_RW_WRITER, rw);
	rumpuser_rw_exit(rw);
	fk_counts_get(&b);
	rumpuser_rw_destroy(rw);
	if (b.fc_bunsched != a.fc_bunsched || b.fc_bsched != a.fc_bsched)
		return hc_fail("uncontended rw_enter made upcalls");
	return HC_PASS;
}

static int
contended(int holdmode, int mode)
{
	struct rumpuser_rw *rw;
	struct fk_counts fc;
	struct rwholder r;
	int pairs, nl, h;

	rumpuser_rw_init(&rw);
	if (rwholder_start(&r, rw, holdmode, 100 * HC_MS))
		return HC_FAIL;
	fk_set_biglocks(1);
	fk_counts_get(&fc);
	rumpuser_rw_enter(mode, rw);
	pairs = fk_pairs_since(&fc);
	nl = fk_biglocks();
	h = held(mode, rw);
	rumpuser_rw_exit(rw);
	rwholder_finish(&r);
	rumpuser_rw_destroy(rw);
	if (pairs != 1)
		return hc_failv("backend pairs, contended enter", pairs);
	if (nl != 1)
		return hc_failv("nlocks not handed back", nl);
	if (h != 1)
		return hc_fail("not held after a contended enter");
	return HC_PASS;
}

static int
t_contended_reader(void)
{
	return contended(RUMPUSER_RW_WRITER, RUMPUSER_RW_READER);
}

static int
t_contended_writer(void)
{
	return contended(RUMPUSER_RW_READER, RUMPUSER_RW_WRITER);
}

#define STRESS_THREADS 8
#define STRESS_ITER 1000

struct rwstress {
	struct rumpuser_rw *s_rw;
	int s_readers;		/* atomic */
	int s_writers;		/* atomic */
	int s_bad;		/* atomic */
};

/* Invariant inside the lock: one writer alone, or readers only. */
static int
rw_stress_ok(struct rwstress *s, int write)
{
	int r = __atomic_load_n(&s->s_readers, __ATOMIC_SEQ_CST);
	int w = __atomic_load_n(&s->s_writers, __ATOMIC_SEQ_CST);

	return write ? (w == 1 && r == 0) : w == 0;
}

static void
rw_stress_step(struct rwstress *s, int write, int yield)
{
	int *mine = write ? &s->s_writers : &s->s_readers;

	rumpuser_rw_enter(write ? RUMPUSER_RW_WRITER : RUMPUSER_RW_READER,
	    s->s_rw);
	__atomic_add_fetch(mine, 1, __ATOMIC_SEQ_CST);
	if (!rw_stress_ok(s, write))
		__atomic_store_n(&s->s_bad, 1, __ATOMIC_RELAXED);
	if (yield)
		hc_sleep_ns(0);
	__atomic_sub_fetch(mine, 1, __ATOMIC_SEQ_CST);
	rumpuser_rw_exit(s->s_rw);
}

static void
rw_stress_fn(void *arg)
{
	struct rwstress *s = arg;
	int i;

	for (i = 0; i < STRESS_ITER; i++)
		rw_stress_step(s, i % 4 == 0, i % 32 == 0);
}

static int
t_stress(void)
{
	struct rwstress s = {.s_readers = 0};
	void *ck[STRESS_THREADS];
	int i;

	fk_set_ncpu(4);
	rumpuser_rw_init(&s.s_rw);
	for (i = 0; i < STRESS_THREADS; i++)
		if (hc_spawn(rw_stress_fn, &s, &ck[i]) != 0)
			return hc_fail("thread_create");
	for (i = 0; i < STRESS_THREADS; i++)
		rumpuser_thread_join(ck[i]);
	rumpuser_rw_destroy(s.s_rw);
	if (s.s_bad)
		return hc_fail("reader and writer (or two writers) inside");
	return HC_PASS;
}

const struct hc_case hc_cases_rw[] = {
	{"rw_read_held", t_read_held},
	{"rw_write_held", t_write_held},
	{"rw_readers_share", t_readers_share},
	{"rw_writer_excludes_all", t_writer_excludes},
	{"rw_reader_excludes_writer", t_reader_excludes_writer},
	{"rw_tryupgrade_sole_reader", t_tryupgrade_sole},
	{"rw_tryupgrade_shared_fails", t_tryupgrade_shared},
	{"rw_downgrade", t_downgrade},
	{"rw_uncontended_no_upcalls", t_uncontended},
	{"rw_contended_reader_releases_cpu_once", t_contended_reader},
	{"rw_contended_writer_releases_cpu_once", t_contended_writer},
	{"rw_exclusion_8x1000", t_stress},
	{NULL, NULL},
};
