/*
 * Transfers: allocation with a DMA-safe buffer, submission to the
 * controller, completion, synchronous waits, aborts and timeouts.
 * Pipes and control requests built on them are in usb_pipe.c.
 *
 * An xfer's life, in ux_state bits under the bus's uc_xlock:
 *   idle --submit--> QUEUED|STARTING --start returned--> QUEUED
 *   QUEUED --usb_xfer_done--> idle, or INCB while ux_done runs
 * Invariants:
 *   - an xfer is on its pipe's pending list (up_pending, ux_next) iff
 *     QUEUED: the controller owns it;
 *   - usb_xfer_done acts only on QUEUED xfers, so a late or repeated
 *     completion from a confused controller is logged and ignored;
 *   - while ABORTING (or the pipe is closing, or the device is gone)
 *     nothing new is queued, so an abort loop terminates;
 *   - no core lock is held while the controller or ux_done runs.
 * Timeouts: usb_xfer_sync waits with cv_timedwait_ns and aborts on
 * expiry; an asynchronous xfer with ux_timeout_ms arms a callout that
 * aborts it. Either way the status becomes ETIMEDOUT.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <dev/usb/usbdi.h>
#include <kern/bus.h>
#include <kern/callout.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>

#include "usb_impl.h"

#define XFER_ALIGN 64
#define ABORT_WAIT_NS 1000000000ULL	/* per wait while aborting */
#define ABORT_GIVEUP 5			/* waits before forcing */

void
usb_delay_ms(unsigned ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
}

static struct usb_core *
xcore(struct usb_xfer *x)
{
	return usb_xi(x)->xi_bus->ub_core;
}

static bool
xfer_is_in(const struct usb_xfer *x)
{
	if (x->ux_pipe->up_type == UE_CONTROL)
		return (x->ux_req.bmRequestType & UT_READ) != 0;
	return UE_GET_DIR(x->ux_pipe->up_epaddr) == UE_DIR_IN;
}

static void
xfer_timeout(void *arg);

int
usb_xfer_alloc(struct usb_pipe *pipe, size_t bufsize, struct usb_xfer **xp)
{
	struct usb_xfer_impl *xi;
	bus_dma_tag_t t;
	bus_dmamap_t map;
	void *kva;
	int rsegs, rv;

	*xp = NULL;
	if (pipe == NULL || bufsize > (1U << 24))
		return EINVAL;
	if ((xi = kmem_zalloc(sizeof(*xi), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	xi->xi_bus = pipe->up_dev->ud_bus;
	t = xi->xi_bus->ub_dmat;
	xi->xi_allocsize = bufsize > 0 ? bufsize : 8;
	if ((rv = bus_dmamem_alloc(t, xi->xi_allocsize, XFER_ALIGN,
	    &xi->xi_seg, 1, &rsegs, BUS_DMA_WAITOK)) != 0)
		goto out_free;
	if ((rv = bus_dmamem_map(t, &xi->xi_seg, 1, xi->xi_allocsize, &kva,
	    BUS_DMA_WAITOK)) != 0)
		goto out_mem;
	if ((rv = bus_dmamap_create(t, xi->xi_allocsize, 1, xi->xi_allocsize,
	    0, BUS_DMA_WAITOK, &map)) != 0)
		goto out_unmap;
	if ((rv = bus_dmamap_load(t, map, kva, xi->xi_allocsize,
	    BUS_DMA_WAITOK)) != 0)
		goto out_map;
	memset(kva, 0, xi->xi_allocsize);
	xi->xi_x.ux_pipe = pipe;
	xi->xi_x.ux_buf = kva;
	xi->xi_x.ux_bufsize = bufsize;
	xi->xi_x.ux_dmamap = map;
	xi->xi_x.ux_bufaddr = map->dm_segs[0].ds_addr;
	xi->xi_x.ux_flags = USBD_SHORT_XFER_OK;
	if (pipe->up_type == UE_CONTROL)
		xi->xi_x.ux_timeout_ms = usb_ctrl_timeout_ms;
	callout_init(&xi->xi_timer);
	*xp = &xi->xi_x;
	return 0;

out_map:
	bus_dmamap_destroy(t, map);
out_unmap:
	bus_dmamem_unmap(t, kva, xi->xi_allocsize);
out_mem:
	bus_dmamem_free(t, &xi->xi_seg, 1);
out_free:
	kmem_free(xi, sizeof(*xi));
	return rv;
}

void
usb_xfer_free(struct usb_xfer *x)
{
	struct usb_xfer_impl *xi = usb_xi(x);
	bus_dma_tag_t t;

	if (x == NULL)
		return;
	t = xi->xi_bus->ub_dmat;
	if (x->ux_state & (UXS_QUEUED | UXS_INCB)) {
		klog(LOG_ERR, "usb: xfer freed while submitted; aborting it");
		usb_xfer_abort(x);
	}
	callout_halt(&xi->xi_timer);
	callout_destroy(&xi->xi_timer);
	bus_dmamap_unload(t, x->ux_dmamap);
	bus_dmamap_destroy(t, x->ux_dmamap);
	bus_dmamem_unmap(t, x->ux_buf, xi->xi_allocsize);
	bus_dmamem_free(t, &xi->xi_seg, 1);
	kmem_free(xi, sizeof(*xi));
}

/* Pending lists; uc_xlock held. */
static void
pending_add(struct usb_xfer *x)
{
	struct usb_xfer **pp = &x->ux_pipe->up_pending;

	while (*pp != NULL)
		pp = &(*pp)->ux_next;
	x->ux_next = NULL;
	*pp = x;
}

static void
pending_remove(struct usb_xfer *x)
{
	struct usb_xfer **pp = &x->ux_pipe->up_pending;

	while (*pp != NULL && *pp != x)
		pp = &(*pp)->ux_next;
	if (*pp == x)
		*pp = x->ux_next;
	x->ux_next = NULL;
}

static void
xfer_sync_dma(struct usb_xfer *x, bool pre)
{
	bool in = xfer_is_in(x);
	int ops;

	if (x->ux_length == 0)
		return;
	if (pre)
		ops = in ? BUS_DMASYNC_PREREAD : BUS_DMASYNC_PREWRITE;
	else
		ops = in ? BUS_DMASYNC_POSTREAD : BUS_DMASYNC_POSTWRITE;
	bus_dmamap_sync(usb_xi(x)->xi_bus->ub_dmat, x->ux_dmamap, 0,
	    x->ux_length, ops);
}

/* May x be queued now? uc_xlock held. */
static int
submit_check(struct usb_xfer *x)
{
	struct usb_pipe *pipe = x->ux_pipe;

	if (pipe->up_dev->ud_gone)
		return ENODEV;
	if (x->ux_state & (UXS_QUEUED | UXS_STARTING))
		return EBUSY;
	if ((x->ux_state & UXS_ABORTING) || usb_pi(pipe)->pi_closing)
		return ECANCELED;
	if (pipe->up_type == UE_CONTROL)
		x->ux_length = UGETW(x->ux_req.wLength);
	if (x->ux_length > x->ux_bufsize)
		return EINVAL;
	return 0;
}

static int
xfer_submit(struct usb_xfer *x, bool sync)
{
	struct usb_xfer_impl *xi = usb_xi(x);
	struct usb_core *uc = xcore(x);
	bool timer;
	int rv;

	mutex_enter(&uc->uc_xlock);
	if ((rv = submit_check(x)) != 0) {
		mutex_exit(&uc->uc_xlock);
		return rv;
	}
	x->ux_state &= ~(UXS_TIMEDOUT | UXS_SYNC);
	x->ux_state |= UXS_QUEUED | UXS_STARTING | (sync ? UXS_SYNC : 0);
	x->ux_status = EINPROGRESS;
	x->ux_actlen = 0;
	xi->xi_seq++;
	xi->xi_timer_seq = xi->xi_seq;
	pending_add(x);
	timer = !sync && x->ux_timeout_ms > 0;
	mutex_exit(&uc->uc_xlock);

	xfer_sync_dma(x, true);
	if (timer)
		callout_reset_ns(&xi->xi_timer,
		    (uint64_t)x->ux_timeout_ms * 1000000ULL, xfer_timeout, xi);
	rv = xi->xi_bus->ub_methods->ubm_xfer_start(x);

	mutex_enter(&uc->uc_xlock);
	x->ux_state &= ~UXS_STARTING;
	if (rv != 0 && (x->ux_state & UXS_QUEUED)) {
		pending_remove(x);
		x->ux_state &= ~(UXS_QUEUED | UXS_SYNC);
		x->ux_status = rv;
	}
	cv_broadcast(&uc->uc_xcv);
	mutex_exit(&uc->uc_xlock);
	if (rv != 0 && timer)
		callout_stop(&xi->xi_timer);
	return rv;
}

int
usb_xfer_submit(struct usb_xfer *x)
{
	return xfer_submit(x, false);
}

/*
 * The xfer leaves the controller: fix up the status. Returns true if
 * ux_done must be called (INCB is then set). uc_xlock held.
 */
static bool
xfer_finish(struct usb_core *uc, struct usb_xfer *x)
{
	pending_remove(x);
	x->ux_state &= ~UXS_QUEUED;
	if (x->ux_actlen > x->ux_length)
		x->ux_actlen = x->ux_length;
	if (x->ux_status != 0 && (x->ux_state & UXS_TIMEDOUT))
		x->ux_status = ETIMEDOUT;
	else if (x->ux_status != 0 && x->ux_pipe->up_dev->ud_gone)
		x->ux_status = ENODEV;
	if (x->ux_status == EPIPE)
		x->ux_pipe->up_halted = true;
	cv_broadcast(&uc->uc_xcv);
	if ((x->ux_state & UXS_SYNC) || x->ux_done == NULL)
		return false;
	x->ux_state |= UXS_INCB;
	return true;
}

static void
xfer_callback(struct usb_core *uc, struct usb_xfer *x)
{
	callout_stop(&usb_xi(x)->xi_timer);
	x->ux_done(x);
	mutex_enter(&uc->uc_xlock);
	x->ux_state &= ~UXS_INCB;
	cv_broadcast(&uc->uc_xcv);
	mutex_exit(&uc->uc_xlock);
}

void
usb_xfer_done(struct usb_xfer *x)
{
	struct usb_core *uc = xcore(x);
	bool cb;

	mutex_enter(&uc->uc_xlock);
	if ((x->ux_state & UXS_QUEUED) == 0) {
		mutex_exit(&uc->uc_xlock);
		klog(LOG_WARNING, "%s: completion of an xfer not queued "
		    "(ignored)", x->ux_pipe->up_dev->ud_where);
		return;
	}
	xfer_sync_dma(x, false);
	cb = xfer_finish(uc, x);
	mutex_exit(&uc->uc_xlock);
	if (cb)
		xfer_callback(uc, x);
}

/*
 * The controller did not give x back after ABORT_GIVEUP waits: take it
 * anyway so that nothing waits forever. uc_xlock held; returns with it.
 */
static void
xfer_force(struct usb_core *uc, struct usb_xfer *x)
{
	klog(LOG_ERR, "%s: controller did not give back an aborted xfer "
	    "(ep 0x%02x); taking it", x->ux_pipe->up_dev->ud_where,
	    x->ux_pipe->up_epaddr);
	x->ux_status = ECANCELED;
	if (xfer_finish(uc, x)) {
		mutex_exit(&uc->uc_xlock);
		xfer_callback(uc, x);
		mutex_enter(&uc->uc_xlock);
	}
}

void
usb_xfer_abort(struct usb_xfer *x)
{
	struct usb_core *uc = xcore(x);
	int waits = 0;

	mutex_enter(&uc->uc_xlock);
	x->ux_state |= UXS_ABORTING;
	while (x->ux_state & UXS_STARTING)
		cv_wait(&uc->uc_xcv, &uc->uc_xlock);
	if (x->ux_state & UXS_QUEUED) {
		mutex_exit(&uc->uc_xlock);
		xcore(x)->uc_bus->ub_methods->ubm_xfer_abort(x);
		mutex_enter(&uc->uc_xlock);
	}
	while (x->ux_state & (UXS_QUEUED | UXS_INCB)) {
		if (cv_timedwait_ns(&uc->uc_xcv, &uc->uc_xlock,
		    ABORT_WAIT_NS) == 0)
			continue;
		if (++waits >= ABORT_GIVEUP && (x->ux_state & UXS_QUEUED))
			xfer_force(uc, x);
	}
	x->ux_state &= ~UXS_ABORTING;
	mutex_exit(&uc->uc_xlock);
}

static void
xfer_timeout(void *arg)
{
	struct usb_xfer_impl *xi = arg;
	struct usb_xfer *x = &xi->xi_x;
	struct usb_core *uc = xcore(x);

	mutex_enter(&uc->uc_xlock);
	if ((x->ux_state & UXS_QUEUED) == 0 || xi->xi_seq != xi->xi_timer_seq) {
		mutex_exit(&uc->uc_xlock);
		return;
	}
	x->ux_state |= UXS_TIMEDOUT;
	mutex_exit(&uc->uc_xlock);
	usb_xfer_abort(x);
}

int
usb_xfer_sync(struct usb_xfer *x)
{
	struct usb_core *uc = xcore(x);
	uint64_t deadline, now;
	int rv;

	if ((rv = xfer_submit(x, true)) != 0)
		return rv;
	deadline = kclock_ns() + (uint64_t)x->ux_timeout_ms * 1000000ULL;
	mutex_enter(&uc->uc_xlock);
	while (x->ux_state & UXS_QUEUED) {
		if (x->ux_timeout_ms == 0) {
			cv_wait(&uc->uc_xcv, &uc->uc_xlock);
			continue;
		}
		now = kclock_ns();
		if (now >= deadline) {
			x->ux_state |= UXS_TIMEDOUT;
			mutex_exit(&uc->uc_xlock);
			usb_xfer_abort(x);
			mutex_enter(&uc->uc_xlock);
			break;
		}
		(void)cv_timedwait_ns(&uc->uc_xcv, &uc->uc_xlock,
		    deadline - now);
	}
	x->ux_state &= ~UXS_SYNC;
	rv = x->ux_status;
	mutex_exit(&uc->uc_xlock);
	return rv;
}

/* Abort every xfer on pipe's pending list; uc_xlock not held. */
void
usb_pipe_abort_all(struct usb_pipe *pipe)
{
	struct usb_core *uc = usb_core_of(pipe->up_dev);
	struct usb_xfer *x;

	for (;;) {
		mutex_enter(&uc->uc_xlock);
		x = pipe->up_pending;
		mutex_exit(&uc->uc_xlock);
		if (x == NULL)
			return;
		usb_xfer_abort(x);
	}
}
