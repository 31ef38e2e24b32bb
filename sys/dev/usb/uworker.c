/*
 * The worker thread of a USB class driver instance (uworker.h).
 *
 * uw_lock guards uw_pending and uw_exit. The thread takes all pending
 * bits at once and runs the function without the lock, so a bit posted
 * meanwhile is seen on the next round and never lost.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include <kern/condvar.h>
#include <kern/kthread.h>
#include <kern/mutex.h>

#include "uworker.h"

static void
uworker_main(void *arg)
{
	struct uworker *w = arg;
	unsigned work;

	mutex_enter(&w->uw_lock);
	for (;;) {
		while (w->uw_pending == 0 && !w->uw_exit)
			cv_wait(&w->uw_cv, &w->uw_lock);
		if (w->uw_exit)
			break;
		work = w->uw_pending;
		w->uw_pending = 0;
		mutex_exit(&w->uw_lock);
		w->uw_fn(w->uw_arg, work);
		mutex_enter(&w->uw_lock);
	}
	mutex_exit(&w->uw_lock);
	kthread_exit();
}

int
uworker_start(struct uworker *w, const char *name,
    void (*fn)(void *arg, unsigned work), void *arg)
{
	int rv;

	mutex_init(&w->uw_lock, MUTEX_DEFAULT);
	cv_init(&w->uw_cv, "uworker");
	w->uw_pending = 0;
	w->uw_exit = false;
	w->uw_fn = fn;
	w->uw_arg = arg;
	rv = kthread_create(uworker_main, w, name, KTHREAD_MUSTJOIN,
	    &w->uw_lwp);
	if (rv != 0) {
		cv_destroy(&w->uw_cv);
		mutex_destroy(&w->uw_lock);
		return rv;
	}
	w->uw_started = true;
	return 0;
}

void
uworker_post(struct uworker *w, unsigned work)
{
	if (!w->uw_started)
		return;
	mutex_enter(&w->uw_lock);
	if (!w->uw_exit && (w->uw_pending & work) != work) {
		w->uw_pending |= work;
		cv_signal(&w->uw_cv);
	}
	mutex_exit(&w->uw_lock);
}

void
uworker_stop(struct uworker *w)
{
	if (!w->uw_started)
		return;
	mutex_enter(&w->uw_lock);
	w->uw_exit = true;
	w->uw_pending = 0;
	cv_signal(&w->uw_cv);
	mutex_exit(&w->uw_lock);
	(void)kthread_join(w->uw_lwp);
	w->uw_started = false;
	cv_destroy(&w->uw_cv);
	mutex_destroy(&w->uw_lock);
}
