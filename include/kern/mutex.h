/*
 * Kernel mutexes over the rumpuser mutex hypercalls.
 *
 * MUTEX_DEFAULT: an adaptive mutex. A thread that finds it held releases
 * its rump kernel CPU while it waits (the hypercall does that through
 * the scheduler upcalls), so holders may sleep.
 * MUTEX_SPIN: the waiter keeps its CPU. Hold it only for short sections
 * that never sleep (no cv_wait on another mutex, no blocking hypercall).
 *
 * Both track their owner: mutex_owned() is exact. Entering a mutex one
 * already holds, or exiting one not held, panics. All calls need the
 * calling thread to hold a rump kernel CPU (sys/ code always does).
 */
#ifndef KERN_MUTEX_H
#define KERN_MUTEX_H

#include <stdbool.h>

struct rumpuser_mtx;

typedef enum { MUTEX_DEFAULT, MUTEX_SPIN } kmutex_type_t;

/* Members are private to sys/kern/mutex.c. */
typedef struct kmutex {
	struct rumpuser_mtx *mtx_hyp;
	kmutex_type_t mtx_type;
} kmutex_t;

void mutex_init(kmutex_t *mtx, kmutex_type_t type);
void mutex_destroy(kmutex_t *mtx);
void mutex_enter(kmutex_t *mtx);
/* true if taken */
bool mutex_tryenter(kmutex_t *mtx);
void mutex_exit(kmutex_t *mtx);
/* true iff the calling lwp holds mtx */
bool mutex_owned(const kmutex_t *mtx);

#endif
