/*
 * Condition variables over the rumpuser cv hypercalls. The waiter
 * releases its rump kernel CPU while it sleeps and holds both the CPU
 * and the mutex again when the wait returns. Wakeups may be spurious:
 * always re-check the predicate in a loop.
 *
 * cv_timedwait takes clock ticks (hz per second, 0 = no timeout) and
 * cv_timedwait_ns nanoseconds; both return 0 when woken and ETIMEDOUT
 * when the time ran out.
 */
#ifndef KERN_CONDVAR_H
#define KERN_CONDVAR_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/mutex.h>

struct rumpuser_cv;

/* Members are private to sys/kern/condvar.c. */
typedef struct kcondvar {
	struct rumpuser_cv *cv_hyp;
	const char *cv_wmesg;
} kcondvar_t;

void cv_init(kcondvar_t *cv, const char *wmesg);
void cv_destroy(kcondvar_t *cv);
void cv_wait(kcondvar_t *cv, kmutex_t *mtx);
int cv_timedwait(kcondvar_t *cv, kmutex_t *mtx, int ticks);
int cv_timedwait_ns(kcondvar_t *cv, kmutex_t *mtx, uint64_t ns);
void cv_signal(kcondvar_t *cv);
void cv_broadcast(kcondvar_t *cv);
bool cv_has_waiters(kcondvar_t *cv);

#endif
