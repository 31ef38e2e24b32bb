/*
 * Callouts: call fn(arg) once, after a delay. Handlers run in the
 * softclock kernel thread (thread context, holding a CPU, may take
 * adaptive mutexes), never in interrupt context, one at a time, in
 * deadline order (equal deadlines: in the order they were set).
 *
 * callout_reset replaces any pending call of the same callout.
 * callout_stop cancels a pending call and returns true if there was one;
 * the handler may still be running. callout_halt also waits until the
 * handler has returned (unless called from that handler). A callout
 * must be stopped and idle before callout_destroy or freeing it.
 *
 * The kernel clock: hz ticks per second, time from the monotonic clock.
 */
#ifndef KERN_CALLOUT_H
#define KERN_CALLOUT_H

#include <stdbool.h>
#include <stdint.h>

#define KERN_HZ 100
extern const int hz;		/* KERN_HZ */
/* Milliseconds to ticks, rounded up. */
#define mstohz(ms) ((int)(((uint64_t)(ms) * KERN_HZ + 999) / 1000))

/* Monotonic nanoseconds. */
uint64_t kclock_ns(void);

/* Public so that it can be embedded; members private to callout.c. */
typedef struct callout {
	struct callout *c_next;
	void (*c_fn)(void *);
	void *c_arg;
	uint64_t c_deadline;
	uint64_t c_seq;
	unsigned c_flags;
	unsigned c_magic;
} callout_t;

void callout_init(callout_t *c);
void callout_destroy(callout_t *c);
void callout_reset(callout_t *c, int ticks, void (*fn)(void *), void *arg);
void callout_reset_ns(callout_t *c, uint64_t ns, void (*fn)(void *),
    void *arg);
bool callout_stop(callout_t *c);
bool callout_halt(callout_t *c);
bool callout_pending(const callout_t *c);

#endif
