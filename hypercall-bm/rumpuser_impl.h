/*
 * Internal header of the rumpuser(3) implementation on bare metal
 * (hypercall-bm/rumpuser_*.c). Not for anything outside those files.
 *
 * Execution model these files rely on: one CPU, cooperative threads
 * (bmk/sched.h). A thread runs until it blocks, yields or exits, and no
 * hypercall is ever made from interrupt context; so the lock, condition
 * variable and wait queue state below needs no further protection. A
 * check followed by a sched_block is atomic unless something in between
 * can block.
 *
 * Releasing the rump kernel CPU around a wait, as in hypercall-posix:
 *	int nlocks;
 *	ru_cpu_release(&nlocks, interlock);
 *	... block in the scheduler ...
 *	ru_cpu_take(nlocks, interlock);
 */
#ifndef HYPERCALL_BM_RUMPUSER_IMPL_H
#define HYPERCALL_BM_RUMPUSER_IMPL_H

#include <stdint.h>

#include <rump/rumpuser.h>

struct sched_thread;

/* The upcalls from rumpuser_init() (rumpuser_init.c). */
extern struct rumpuser_hyperup ru_upcalls;

void ru_cpu_release(int *nlocks, void *interlock);
void ru_cpu_take(int nlocks, void *interlock);

/*
 * FIFO wait queue of threads (rumpuser_waitq.c). A waiter lives on the
 * stack of the waiting thread while it waits; the waker unlinks it and
 * sets w_woken before waking the thread, so that a waiter knows whether
 * it was chosen or timed out.
 */
struct ru_waiter {
	struct sched_thread *w_thread;
	struct ru_waiter *w_next;
	int w_woken;
};

struct ru_waitq {
	struct ru_waiter *wq_head;
	struct ru_waiter *wq_tail;
};

#define RU_NODEADLINE UINT64_MAX

void ru_waitq_init(struct ru_waitq *wq);
int ru_waitq_empty(const struct ru_waitq *wq);
/*
 * Sleep on wq until woken by ru_waitq_wakeone/ru_waitq_wakeall or until
 * the monotonic deadline (RU_NODEADLINE: none). 0 or ETIMEDOUT. Does not
 * touch the rump kernel CPU.
 */
int ru_waitq_sleep(struct ru_waitq *wq, uint64_t deadline_ns);
void ru_waitq_wakeone(struct ru_waitq *wq);
void ru_waitq_wakeall(struct ru_waitq *wq);

/*
 * Mutex, shared by rumpuser_mutex.c and rumpuser_cv.c.
 * Invariants: m_holder != NULL iff the mutex is held, and then it is the
 * holding thread; m_owner is the holder's lwp (NULL when free, and NULL
 * also for a holder that has no lwp); m_waitq holds threads that found
 * the mutex held, in arrival order.
 */
struct rumpuser_mtx {
	int m_flags;
	struct sched_thread *m_holder;
	struct lwp *m_owner;
	struct ru_waitq m_waitq;
};

/* Take mtx, blocking in the scheduler without touching the rump CPU. */
void ru_mtx_lock_nocpu(struct rumpuser_mtx *mtx);
/* Release mtx and wake its first waiter. */
void ru_mtx_unlock(struct rumpuser_mtx *mtx);

#endif
