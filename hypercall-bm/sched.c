/*
 * Cooperative scheduler for one CPU.
 *
 * The scheduler loop (sched_run) runs on the boot stack, in a context of
 * its own. A thread gives up the CPU by switching to that loop, which
 * picks the next thread and switches to it; so every thread switch is
 * thread -> loop -> thread, and the loop is where exited threads' stacks
 * are freed (never on the stack being freed). When nothing is runnable
 * the loop halts the CPU until the nearest deadline or an interrupt; there
 * is no periodic tick.
 *
 * Thread states:
 *	T_RUNQ     on the run queue (FIFO)
 *	T_RUNNING  sched_curthread; on no queue
 *	T_BLOCKED  in sched_block; on the sleep queue iff it has a deadline
 *	T_ZOMBIE   exited; stack freed; struct kept until joined (joinable)
 *
 * Interrupts: sched_wake() may run in interrupt context, so the run
 * queue, the sleep queue, t_state and t_wflags are only changed with
 * interrupts disabled. The loop itself always runs with interrupts
 * disabled (except inside plat_block_until). plat_ctx_switch is only
 * called with interrupts disabled; a resumed thread restores its own
 * interrupt state, a new thread starts with interrupts enabled (see
 * plat_ctx_init).
 *
 * Lost wakeups: sched_blockprepare marks the thread T_PREPARED; a wake
 * that finds a prepared thread not yet T_BLOCKED sets T_WOKEN, and
 * sched_block then returns at once.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <bmk/memalloc.h>
#include <bmk/pgalloc.h>
#include <bmk/platform.h>
#include <bmk/sched.h>

#include "bm_assert.h"
#include "timeq.h"

enum sched_tstate { T_RUNQ, T_RUNNING, T_BLOCKED, T_ZOMBIE };

/* t_wflags: the current wait, reset when sched_block returns. */
#define T_PREPARED 0x1
#define T_WOKEN 0x2
#define T_TIMEDOUT 0x4

struct sched_thread {
	struct plat_ctx t_ctx;
	enum sched_tstate t_state;
	int t_flags;		/* SCHED_JOINABLE */
	int t_wflags;		/* T_PREPARED | T_WOKEN | T_TIMEDOUT */
	uint64_t t_deadline;	/* of the current wait; UINT64_MAX: none */
	struct timeq_entry t_sleep;
	struct sched_thread *t_runnext;
	struct sched_thread *t_allnext;
	struct sched_thread *t_allprev;
	struct sched_thread *t_joiner;
	void (*t_fn)(void *);
	void *t_arg;
	void *t_retval;
	void *t_cookie;
	uintptr_t t_stack;	/* stack block; its first page is the guard */
	unsigned t_stackorder;
	char t_name[SCHED_NAMELEN];
};

static struct plat_ctx sched_loopctx;	/* the loop in sched_run */
struct sched_thread *sched_curthread;	/* NULL in the loop / at boot */
void *sched_curcookie;			/* its cookie (sched_set_cookie) */
static struct sched_thread *runq_head, *runq_tail;
static struct timeq sched_sleepq;
static struct sched_thread *sched_all;	/* every thread not yet freed */
static struct sched_stats sched_stats;
static bool sched_running;

#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

/* Run queue: interrupts disabled. */
static void
runq_put(struct sched_thread *t)
{
	t->t_state = T_RUNQ;
	t->t_runnext = NULL;
	if (runq_tail != NULL)
		runq_tail->t_runnext = t;
	else
		runq_head = t;
	runq_tail = t;
}

static struct sched_thread *
runq_get(void)
{
	struct sched_thread *t = runq_head;

	if (t != NULL) {
		runq_head = t->t_runnext;
		if (runq_head == NULL)
			runq_tail = NULL;
	}
	return t;
}

static void
all_insert(struct sched_thread *t)
{
	t->t_allprev = NULL;
	t->t_allnext = sched_all;
	if (sched_all != NULL)
		sched_all->t_allprev = t;
	sched_all = t;
}

static void
all_remove(struct sched_thread *t)
{
	if (t->t_allprev != NULL)
		t->t_allprev->t_allnext = t->t_allnext;
	else
		sched_all = t->t_allnext;
	if (t->t_allnext != NULL)
		t->t_allnext->t_allprev = t->t_allprev;
}

void
sched_init(void)
{
	__builtin_memset(&sched_loopctx, 0, sizeof(sched_loopctx));
	sched_curthread = NULL;
	sched_curcookie = NULL;
	runq_head = runq_tail = NULL;
	timeq_init(&sched_sleepq);
	sched_all = NULL;
	__builtin_memset(&sched_stats, 0, sizeof(sched_stats));
	sched_running = false;
}

/* The running thread; halts when called outside a thread. */
static struct sched_thread *
curthread(void)
{
	if (sched_curthread == NULL)
		bm_panic("sched: blocking call outside a thread");
	return sched_curthread;
}

/* Give the CPU to the loop. Interrupts disabled; returns when resumed. */
static void
switch_to_loop(struct sched_thread *t)
{
	plat_ctx_switch(&t->t_ctx, &sched_loopctx);
}

static void
stack_free(struct sched_thread *t)
{
	int error = plat_mmu_unguard(t->t_stack);

	bm_assert(error == 0);
	pgalloc_free((void *)t->t_stack, t->t_stackorder);
	t->t_stack = 0;
}

/* Block of stacksize bytes plus the guard page below them. */
static int
stack_alloc(struct sched_thread *t, size_t stacksize)
{
	unsigned order = pgalloc_order(stacksize + PLAT_PAGE_SIZE);
	void *p = pgalloc_alloc(order);

	if (p == NULL)
		return ENOMEM;
	if (plat_mmu_guard((uintptr_t)p) != 0) {
		pgalloc_free(p, order);
		return ENOMEM;
	}
	t->t_stack = (uintptr_t)p;
	t->t_stackorder = order;
	return 0;
}

static void
thread_start(void *arg)
{
	struct sched_thread *t = arg;

	t->t_fn(t->t_arg);
	sched_exit(NULL);
}

struct sched_thread *
sched_create(const char *name, void (*fn)(void *), void *arg,
    size_t stacksize, int flags)
{
	struct sched_thread *t;
	unsigned long s;
	size_t i;

	if ((t = memalloc_zero(sizeof(*t), 0)) == NULL)
		return NULL;
	if (stack_alloc(t, stacksize ? stacksize : SCHED_STACK_DEFAULT)) {
		memfree(t);
		return NULL;
	}
	for (i = 0; name != NULL && name[i] != '\0' && i < SCHED_NAMELEN - 1;
	    i++)
		t->t_name[i] = name[i];
	t->t_fn = fn;
	t->t_arg = arg;
	t->t_flags = flags & SCHED_JOINABLE;
	t->t_deadline = UINT64_MAX;
	plat_ctx_init(&t->t_ctx, (void *)(t->t_stack +
	    (PLAT_PAGE_SIZE << t->t_stackorder)), thread_start, t);
	all_insert(t);
	sched_stats.ss_threads++;
	s = plat_intr_disable();
	runq_put(t);
	plat_intr_restore(s);
	return t;
}

void
sched_exit(void *retval)
{
	struct sched_thread *t = curthread();

	t->t_retval = retval;
	if (t->t_joiner != NULL)
		sched_wake(t->t_joiner);
	(void)plat_intr_disable();
	t->t_state = T_ZOMBIE;
	switch_to_loop(t);
	bm_panic("sched: exited thread resumed");
}

/*
 * No race between the state test and blocking: t can only exit while we
 * are switched out, and its exit wakes us (t_joiner).
 */
int
sched_join(struct sched_thread *t, void **retval)
{
	struct sched_thread *self = curthread();

	if (t == NULL || t == self || !(t->t_flags & SCHED_JOINABLE) ||
	    t->t_joiner != NULL)
		return EINVAL;
	t->t_joiner = self;
	while (t->t_state != T_ZOMBIE) {
		sched_blockprepare();
		sched_block();
	}
	if (retval != NULL)
		*retval = t->t_retval;
	all_remove(t);
	memfree(t);
	return 0;
}

void
sched_yield(void)
{
	struct sched_thread *t = curthread();
	unsigned long s = plat_intr_disable();

	runq_put(t);
	switch_to_loop(t);
	plat_intr_restore(s);
}

const char *
sched_name(const struct sched_thread *t)
{
	return t->t_name;
}

void
sched_blockprepare(void)
{
	struct sched_thread *t = curthread();
	unsigned long s = plat_intr_disable();

	t->t_wflags = T_PREPARED;
	t->t_deadline = UINT64_MAX;
	plat_intr_restore(s);
}

void
sched_blockprepare_timeout(uint64_t deadline_ns)
{
	struct sched_thread *t = curthread();

	bm_assert(t->t_wflags & T_PREPARED);
	t->t_deadline = deadline_ns;
}

/*
 * Returns 0 if woken, ETIMEDOUT if the deadline passed first. A wake that
 * arrives after the timeout but before the thread runs again counts as a
 * wakeup (0): the waker may already have dequeued us.
 */
int
sched_block(void)
{
	struct sched_thread *t = curthread();
	unsigned long s = plat_intr_disable();
	int rv;

	bm_assert(t->t_wflags & T_PREPARED);
	if (!(t->t_wflags & T_WOKEN)) {
		t->t_state = T_BLOCKED;
		if (t->t_deadline != UINT64_MAX)
			timeq_insert(&sched_sleepq, &t->t_sleep,
			    t->t_deadline);
		switch_to_loop(t);
	}
	rv = (t->t_wflags & (T_TIMEDOUT | T_WOKEN)) == T_TIMEDOUT ?
	    ETIMEDOUT : 0;
	t->t_wflags = 0;
	t->t_deadline = UINT64_MAX;
	plat_intr_restore(s);
	return rv;
}

/* May be called from interrupt context. */
void
sched_wake(struct sched_thread *t)
{
	unsigned long s = plat_intr_disable();

	if (t->t_state == T_BLOCKED) {
		if (t->t_sleep.te_queued)
			timeq_remove(&sched_sleepq, &t->t_sleep);
		t->t_wflags |= T_WOKEN;
		runq_put(t);
	} else if (t->t_wflags & T_PREPARED) {
		t->t_wflags |= T_WOKEN;
	}
	plat_intr_restore(s);
}

/* Spurious wakeups are absorbed by re-checking the clock. */
void
sched_sleep_until(uint64_t deadline_ns)
{
	while (plat_clock_monotonic() < deadline_ns) {
		sched_blockprepare();
		sched_blockprepare_timeout(deadline_ns);
		sched_block();
	}
}

void
sched_sleep_ns(uint64_t ns)
{
	uint64_t now = plat_clock_monotonic();

	sched_sleep_until(ns > UINT64_MAX - now ? UINT64_MAX : now + ns);
}

void
sched_set_cookie(struct sched_thread *t, void *cookie)
{
	t->t_cookie = cookie;
	if (t == sched_curthread)
		sched_curcookie = cookie;
}

void *
sched_get_cookie(const struct sched_thread *t)
{
	return t->t_cookie;
}

/* Make every thread whose deadline has passed runnable. Intr disabled. */
static void
expire_sleepers(uint64_t now)
{
	struct timeq_entry *te;

	while ((te = timeq_first(&sched_sleepq)) != NULL &&
	    te->te_deadline <= now) {
		struct sched_thread *t =
		    container_of(te, struct sched_thread, t_sleep);

		timeq_remove(&sched_sleepq, te);
		t->t_wflags |= T_TIMEDOUT;
		runq_put(t);
	}
}

/* The next thread to run; idles until there is one. Intr disabled. */
static struct sched_thread *
pick_next(void)
{
	struct sched_thread *t;

	for (;;) {
		expire_sleepers(plat_clock_monotonic());
		if ((t = runq_get()) != NULL)
			return t;
		sched_stats.ss_idle_halts++;
		plat_block_until(timeq_next_deadline(&sched_sleepq));
	}
}

/* An exited thread, now that nothing runs on its stack. */
static void
reap(struct sched_thread *t)
{
	stack_free(t);
	sched_stats.ss_threads--;
	if (!(t->t_flags & SCHED_JOINABLE)) {
		all_remove(t);
		memfree(t);
	}
}

void
sched_run(void)
{
	struct sched_thread *t;

	bm_assert(!sched_running && sched_curthread == NULL);
	sched_running = true;
	(void)plat_intr_disable();
	for (;;) {
		t = pick_next();
		t->t_state = T_RUNNING;
		sched_curthread = t;
		sched_curcookie = t->t_cookie;
		sched_stats.ss_switches++;
		plat_ctx_switch(&sched_loopctx, &t->t_ctx);
		sched_curthread = NULL;
		sched_curcookie = NULL;
		if (t->t_state == T_ZOMBIE)
			reap(t);
	}
}

struct sched_thread *
sched_guard_owner(uintptr_t addr)
{
	struct sched_thread *t;

	for (t = sched_all; t != NULL; t = t->t_allnext)
		if (t->t_stack != 0 && addr - t->t_stack < PLAT_PAGE_SIZE)
			return t;
	return NULL;
}

void
sched_get_stats(struct sched_stats *ss)
{
	unsigned long s = plat_intr_disable();

	*ss = sched_stats;
	plat_intr_restore(s);
}
