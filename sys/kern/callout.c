/*
 * Callouts, run by the softclock kernel thread.
 *
 * Pending callouts are on co_list, sorted by (c_deadline, c_seq); c_seq
 * grows with every reset, so equal deadlines run in the order they were
 * set. softclock sleeps on co_cv until the first deadline (or forever
 * when the list is empty); callout_reset signals it when the first
 * entry changes. A handler runs with co_lock dropped; co_running names
 * it meanwhile, and callout_halt waits on co_done until it is no longer
 * running.
 *
 * Invariants, under co_lock: CALLOUT_PENDING is set iff the callout is
 * on co_list; co_running is the callout whose handler is running, or
 * NULL.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/rumpuser.h>

#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/kassert.h>
#include <kern/kthread.h>
#include <kern/lwp.h>
#include <kern/mutex.h>

#include "kern_impl.h"

#define CALLOUT_MAGIC 0x63616c6cU
#define CALLOUT_PENDING 0x01
#define NS_PER_TICK (1000000000ULL / KERN_HZ)

const int hz = KERN_HZ;

static kmutex_t co_lock;
static kcondvar_t co_cv;
static kcondvar_t co_done;
static callout_t *co_list;
static callout_t *co_running;
static struct lwp *co_softclock;
static uint64_t co_seq;

uint64_t
kclock_ns(void)
{
	int64_t sec;
	long nsec;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	return (uint64_t)sec * 1000000000ULL + (uint64_t)nsec;
}

static bool
before(const callout_t *a, const callout_t *b)
{
	if (a->c_deadline != b->c_deadline)
		return a->c_deadline < b->c_deadline;
	return a->c_seq < b->c_seq;
}

/* co_lock held; c pending. */
static void
unlink_pending(callout_t *c)
{
	callout_t **pp = &co_list;

	while (*pp != c)
		pp = &(*pp)->c_next;
	*pp = c->c_next;
	c->c_next = NULL;
	c->c_flags &= ~CALLOUT_PENDING;
}

/* co_lock held; c not pending. Returns true if c is now first. */
static bool
insert_pending(callout_t *c)
{
	callout_t **pp = &co_list;

	while (*pp != NULL && !before(c, *pp))
		pp = &(*pp)->c_next;
	c->c_next = *pp;
	*pp = c;
	c->c_flags |= CALLOUT_PENDING;
	return pp == &co_list;
}

/* Run the first callout if it is due; co_lock held. */
static void
run_one(callout_t *c)
{
	void (*fn)(void *) = c->c_fn;
	void *arg = c->c_arg;

	unlink_pending(c);
	co_running = c;
	mutex_exit(&co_lock);
	fn(arg);
	mutex_enter(&co_lock);
	co_running = NULL;
	cv_broadcast(&co_done);
}

static void
softclock(void *arg)
{
	callout_t *c;
	uint64_t now;

	(void)arg;
	mutex_enter(&co_lock);
	for (;;) {
		if ((c = co_list) == NULL) {
			cv_wait(&co_cv, &co_lock);
			continue;
		}
		now = kclock_ns();
		if (c->c_deadline > now)
			cv_timedwait_ns(&co_cv, &co_lock, c->c_deadline - now);
		else
			run_one(c);
	}
}

void
callout_subsys_init(void)
{
	int rv;

	mutex_init(&co_lock, MUTEX_DEFAULT);
	cv_init(&co_cv, "callout");
	cv_init(&co_done, "callhalt");
	rv = kthread_create(softclock, NULL, "softclock", 0, &co_softclock);
	if (rv != 0)
		panic("callout: cannot start softclock: error %d", rv);
}

void
callout_init(callout_t *c)
{
	__builtin_memset(c, 0, sizeof(*c));
	c->c_magic = CALLOUT_MAGIC;
}

void
callout_destroy(callout_t *c)
{
	KASSERT(c->c_magic == CALLOUT_MAGIC);
	mutex_enter(&co_lock);
	KASSERT((c->c_flags & CALLOUT_PENDING) == 0 && co_running != c);
	mutex_exit(&co_lock);
	c->c_magic = 0;
}

void
callout_reset_ns(callout_t *c, uint64_t ns, void (*fn)(void *), void *arg)
{
	uint64_t deadline = kclock_ns() + ns;

	KASSERT(c->c_magic == CALLOUT_MAGIC && fn != NULL);
	mutex_enter(&co_lock);
	if ((c->c_flags & CALLOUT_PENDING) != 0)
		unlink_pending(c);
	c->c_fn = fn;
	c->c_arg = arg;
	c->c_deadline = deadline;
	c->c_seq = co_seq++;
	if (insert_pending(c))
		cv_signal(&co_cv);
	mutex_exit(&co_lock);
}

void
callout_reset(callout_t *c, int ticks, void (*fn)(void *), void *arg)
{
	callout_reset_ns(c, ticks > 0 ? (uint64_t)ticks * NS_PER_TICK : 0, fn,
	    arg);
}

bool
callout_stop(callout_t *c)
{
	bool was;

	KASSERT(c->c_magic == CALLOUT_MAGIC);
	mutex_enter(&co_lock);
	was = (c->c_flags & CALLOUT_PENDING) != 0;
	if (was)
		unlink_pending(c);
	mutex_exit(&co_lock);
	return was;
}

bool
callout_halt(callout_t *c)
{
	bool was;

	KASSERT(c->c_magic == CALLOUT_MAGIC);
	mutex_enter(&co_lock);
	was = (c->c_flags & CALLOUT_PENDING) != 0;
	if (was)
		unlink_pending(c);
	while (co_running == c && curlwp() != co_softclock)
		cv_wait(&co_done, &co_lock);
	mutex_exit(&co_lock);
	return was;
}

bool
callout_pending(const callout_t *c)
{
	return (__atomic_load_n(&c->c_flags, __ATOMIC_RELAXED) &
	    CALLOUT_PENDING) != 0;
}
