/*
 * A worker thread for a USB class driver instance (private to
 * sys/dev/usb class drivers: ukbd, ums, cdce).
 *
 * Completion callbacks (ux_done) must not sleep, but some reactions to
 * what they see need a synchronous request on ep0: clearing a halted
 * endpoint, sending the keyboard LEDs, changing a packet filter. The
 * callback posts a work bit; the worker thread runs the driver's
 * function with every bit posted since it last ran, in thread context
 * with a CPU and no lock held, so it may sleep and take net_lock.
 *
 * Bits posted again while the function runs make it run once more;
 * posting a bit that is already pending does nothing more. uworker_stop
 * waits for the function to return and the thread to exit; bits still
 * pending then are discarded.
 */
#ifndef SYS_DEV_USB_UWORKER_H
#define SYS_DEV_USB_UWORKER_H

#include <stdbool.h>

#include <kern/condvar.h>
#include <kern/mutex.h>

struct lwp;

struct uworker {
	kmutex_t uw_lock;
	kcondvar_t uw_cv;
	unsigned uw_pending;		/* bits posted, not taken yet */
	bool uw_exit;			/* uworker_stop: leave */
	bool uw_started;
	struct lwp *uw_lwp;
	void (*uw_fn)(void *arg, unsigned work);
	void *uw_arg;
};

/* Start the thread; name must stay valid until uworker_stop. */
int uworker_start(struct uworker *w, const char *name,
    void (*fn)(void *arg, unsigned work), void *arg);
/* Any context with a CPU (ux_done callbacks included); never sleeps
 * beyond taking uw_lock. Ignored before start and after stop. */
void uworker_post(struct uworker *w, unsigned work);
/* Thread context; not from the worker itself. Safe if never started. */
void uworker_stop(struct uworker *w);

#endif
