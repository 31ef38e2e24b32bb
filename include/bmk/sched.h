/*
 * Cooperative thread scheduler, one CPU. A thread runs until it blocks,
 * yields or exits. Each thread has its own stack with an unmapped guard
 * page below it.
 *
 * Blocking without lost wakeups:
 *	sched_blockprepare();            // current is now "about to block"
 *	sched_blockprepare_timeout(dl);  // optional absolute deadline
 *	... publish current somewhere a waker will find it ...
 *	rv = sched_block();              // 0 if woken, ETIMEDOUT on deadline
 * A sched_wake() that lands between prepare and block makes block return
 * at once. sched_wake() may be called from interrupt context.
 */
#ifndef BMK_SCHED_H
#define BMK_SCHED_H

#include <stddef.h>
#include <stdint.h>

struct sched_thread;

#define SCHED_JOINABLE 0x1
#define SCHED_STACK_DEFAULT (28 * 1024)	/* + guard page = 32 KiB block */
#define SCHED_NAMELEN 24

void sched_init(void);
/*
 * Create a runnable thread. stacksize 0 means SCHED_STACK_DEFAULT.
 * Returns NULL if memory runs out.
 */
struct sched_thread *sched_create(const char *name, void (*fn)(void *),
    void *arg, size_t stacksize, int flags);
/* End the current thread; a joinable one keeps retval for sched_join. */
__attribute__((noreturn)) void sched_exit(void *retval);
/* Wait for a joinable thread to exit and free it. Returns 0 or EINVAL. */
int sched_join(struct sched_thread *t, void **retval);
void sched_yield(void);
/* The running thread (NULL in the scheduler loop and at boot) and its
 * cookie: inline, as the mutex and curlwp hypercalls ask on every call. */
extern struct sched_thread *sched_curthread;
extern void *sched_curcookie;
static inline struct sched_thread *
sched_current(void)
{
	return sched_curthread;
}
static inline void *
sched_current_cookie(void)
{
	return sched_curcookie;
}
const char *sched_name(const struct sched_thread *t);

void sched_blockprepare(void);
void sched_blockprepare_timeout(uint64_t deadline_ns);
int sched_block(void);
void sched_wake(struct sched_thread *t);

/* Sleep until the monotonic deadline. */
void sched_sleep_until(uint64_t deadline_ns);
void sched_sleep_ns(uint64_t ns);

/* A per-thread pointer owned by the layer above (rumpuser curlwp, ...). */
void sched_set_cookie(struct sched_thread *t, void *cookie);
void *sched_get_cookie(const struct sched_thread *t);

/*
 * Run the scheduler forever from the boot context: never returns. Called
 * by bmk_start after creating the first threads.
 */
__attribute__((noreturn)) void sched_run(void);

/* Thread whose stack guard page holds addr, or NULL. */
struct sched_thread *sched_guard_owner(uintptr_t addr);

struct sched_stats {
	unsigned ss_threads;	/* live threads */
	uint64_t ss_switches;
	uint64_t ss_idle_halts;	/* times the CPU halted with nothing to do */
};
void sched_get_stats(struct sched_stats *ss);

#endif
