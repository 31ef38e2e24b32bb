/*
 * Internal header of hypercall-posix, the rumpuser(3) interface on Linux
 * with pthreads. Shared by the files of this directory only.
 *
 * Releasing the rump kernel CPU around a host block:
 *	int nlocks;
 *	hp_cpu_release(&nlocks, interlock);
 *	... block in the host ...
 *	hp_cpu_take(nlocks, interlock);
 * A thread holding the CPU never blocks in the host for an unbounded time
 * except between these two calls (or in the *_nowrap and SPIN paths,
 * which the rump kernel only uses where that cannot deadlock).
 */
#ifndef HYPERCALL_POSIX_HP_H
#define HYPERCALL_POSIX_HP_H

#include <pthread.h>

#include <rump/rumpuser.h>

/* The upcalls from rumpuser_init(). */
extern struct rumpuser_hyperup hp_upcalls;

void hp_cpu_release(int *nlocks, void *interlock);
void hp_cpu_take(int nlocks, void *interlock);

/* Abort with a message when a host call that cannot fail did. */
void hp_fatal(const char *what, int error) __attribute__((noreturn));

/*
 * Mutex, shared by mutex.c and cv.c. m_owner is the lwp that holds the
 * mutex, or NULL; only the holder writes it, anyone may read it.
 */
struct rumpuser_mtx {
	pthread_mutex_t m_mtx;
	int m_flags;
	struct lwp *m_owner;
};

void hp_mtx_set_owner(struct rumpuser_mtx *mtx);
void hp_mtx_clear_owner(struct rumpuser_mtx *mtx);

#endif
