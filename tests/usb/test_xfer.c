/*
 * Transfers: a device that disappears in the middle of transfers (they
 * fail ENODEV, detach completes, nothing leaks), timeouts (synchronous,
 * asynchronous through the callout, control requests) ending in
 * ETIMEDOUT, abort (ECANCELED, the callback has returned when abort
 * returns, no resubmit during it), stalls and clearing them, EBUSY,
 * and a controller completing an xfer twice.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/callout.h>

#include "descs.h"
#include "fakehc.h"
#include "tdrv.h"
#include "usb_impl.h"
#include "ut.h"

static bool
nheld_at_least(struct fakehc *fh, void *arg)
{
	unsigned n = 0;

	for (struct usb_xfer *x = fh->fh_held; x != NULL; x = x->ux_hcpriv)
		n++;
	return n >= *(unsigned *)arg;
}

static bool
io_done(struct fakehc *fh, void *arg)
{
	(void)fh;
	(void)arg;
	return tdrv_stats.ts_io_done;
}

static bool
no_slots(struct fakehc *fh, void *arg)
{
	(void)arg;
	return fh->fh_nslots == 0;
}

UT_CASE(xfer_device_disappears)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *mass = fdev_mass(), *kbd = fdev_kbd(USB_SPEED_FULL);
	struct fdev *devs[3] = { NULL, mass, kbd };
	struct tmass_softc *sc;
	struct fakehc *fh;

	tdrv_begin();
	fh = fakehc_create(2, devs);
	sc = tdrv_mass_find(fakehc_udev(fh, 1, 0));
	UT_CHECK(sc != NULL);
	if (sc == NULL)
		goto out;
	UT_CHECK_EQ(tdrv_mass_io(sc, 0), 0);	/* no timeout */
	UT_CHECK(fakehc_wait(fh, nheld_at_least, &(unsigned){2}, 2000));
	fakehc_unplug(fh, NULL, 1);
	fakehc_unplug(fh, NULL, 2);
	UT_CHECK(fakehc_wait(fh, io_done, NULL, 3000));
	UT_CHECK_EQ(tdrv_stats.ts_io_status, ENODEV);
	UT_CHECK(fakehc_wait(fh, no_slots, NULL, 3000));
	UT_CHECK_EQ(tdrv_stats.ts_kbd_last_status, ENODEV);
	UT_CHECK_EQ(tdrv_stats.ts_mass_detach, 1);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_detach, 1);
	UT_CHECK_EQ(fh->fh_npipes, 0);
	UT_CHECK_EQ(fakehc_nheld(fh), 0);
out:
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(mass);
	fdev_free(kbd);
	ut_leak_check(mem);
}

UT_CASE(xfer_sync_timeout)
{
	uint64_t mem = ut_kmem_inuse(), t0, dt;
	struct fdev *mass = fdev_mass();
	struct fdev *devs[2] = { NULL, mass };
	struct tmass_softc *sc;
	struct fakehc *fh;

	tdrv_begin();
	fh = fakehc_create(1, devs);
	sc = tdrv_mass_find(fakehc_udev(fh, 1, 0));
	UT_CHECK(sc != NULL);
	if (sc != NULL) {
		t0 = kclock_ns();
		UT_CHECK_EQ(tdrv_mass_io(sc, 60), 0);
		UT_CHECK(fakehc_wait(fh, io_done, NULL, 3000));
		dt = (kclock_ns() - t0) / 1000000;
		UT_CHECK_EQ(tdrv_stats.ts_io_status, ETIMEDOUT);
		UT_CHECK(dt >= 60 && dt < 2000);
		UT_CHECK_EQ(fakehc_nheld(fh), 0);
		UT_CHECK(fh->fh_naborts >= 1);
	}
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(mass);
	ut_leak_check(mem);
}

static int
hook_hold_vendor(struct fdev *fd, const usb_device_request_t *req,
    uint8_t *buf, size_t len, size_t *act)
{
	(void)fd;
	(void)buf;
	(void)len;
	(void)act;
	return (req->bmRequestType & UT_VENDOR) ? FH_HOLD : FH_PASS;
}

struct async_rec {
	int ar_calls;
	int ar_status;
	int ar_resubmit;	/* what a resubmit from the callback got */
	bool ar_try_resubmit;
};

static void
async_done(struct usb_xfer *x)
{
	struct async_rec *ar = x->ux_priv;

	ar->ar_calls++;
	ar->ar_status = x->ux_status;
	if (ar->ar_try_resubmit)
		ar->ar_resubmit = usb_xfer_submit(x);
}

static bool
calls_at_least(struct fakehc *fh, void *arg)
{
	(void)fh;
	return ((struct async_rec *)arg)->ar_calls >= 1;
}

UT_CASE(xfer_control_and_async_timeouts)
{
	uint64_t mem = ut_kmem_inuse(), t0;
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL);
	struct fdev *devs[2] = { NULL, kbd };
	struct async_rec ar = { 0, 0, 0, false };
	usb_device_request_t req = { UT_READ | UT_VENDOR | UT_DEVICE, 1,
	    {0, 0}, {0, 0}, {4, 0} };
	struct usb_device *d;
	struct usb_xfer *x;
	struct fakehc *fh;
	uint8_t buf[4];
	size_t act = 99;

	tdrv_begin();
	kbd->fd_hook = hook_hold_vendor;
	fh = fakehc_create(1, devs);
	d = fakehc_udev(fh, 1, 0);
	UT_CHECK(d != NULL);
	if (d == NULL)
		goto out;
	t0 = kclock_ns();
	UT_CHECK_EQ(usb_control(d, &req, buf, &act, 40), ETIMEDOUT);
	UT_CHECK(kclock_ns() - t0 >= 40000000ULL);
	UT_CHECK_EQ(act, 0);
	/* asynchronous: the callout aborts it */
	UT_CHECK_EQ(usb_xfer_alloc(usb_default_pipe(d), 4, &x), 0);
	x->ux_req = req;
	x->ux_timeout_ms = 30;
	x->ux_done = async_done;
	x->ux_priv = &ar;
	UT_CHECK_EQ(usb_xfer_submit(x), 0);
	UT_CHECK_EQ(usb_xfer_submit(x), EBUSY);
	UT_CHECK(fakehc_wait(fh, calls_at_least, &ar, 3000));
	UT_CHECK_EQ(ar.ar_status, ETIMEDOUT);
	/* the default pipe still works afterwards */
	UT_CHECK_EQ(usb_get_descriptor(d, UDESC_DEVICE, 0, 0, buf, 4, &act),
	    0);
	UT_CHECK(act == 4 && buf[1] == UDESC_DEVICE);
	/* abort: ECANCELED, the callback has run when abort returns, and
	 * its resubmit was refused */
	ar.ar_calls = 0;
	ar.ar_try_resubmit = true;
	x->ux_timeout_ms = 0;
	UT_CHECK_EQ(usb_xfer_submit(x), 0);
	ut_sleep_ms(5);
	usb_xfer_abort(x);
	UT_CHECK_EQ(ar.ar_calls, 1);
	UT_CHECK_EQ(ar.ar_status, ECANCELED);
	UT_CHECK_EQ(ar.ar_resubmit, ECANCELED);
	UT_CHECK_EQ(fakehc_nheld(fh), 1);	/* tkbd's only */
	/* a second completion from a confused controller is ignored */
	usb_xfer_done(x);
	UT_CHECK(ut_dmesg_has("usb0 port 1: completion of an xfer not "
	    "queued (ignored)"));
	UT_CHECK_EQ(ar.ar_calls, 1);
	usb_xfer_free(x);
out:
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(kbd);
	ut_leak_check(mem);
}

UT_CASE(xfer_stall_and_clear_halt)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL);
	struct fdev *devs[2] = { NULL, kbd };
	usb_device_request_t req = { UT_READ | UT_VENDOR | UT_DEVICE, 7,
	    {0, 0}, {0, 0}, {2, 0} };
	struct usb_pipe *ip;
	struct usb_device *d;
	struct fakehc *fh;
	unsigned nreq, nres;
	uint8_t buf[2];

	tdrv_begin();
	fh = fakehc_create(1, devs);
	d = fakehc_udev(fh, 1, 0);
	ip = tdrv_kbd_pipe(d);
	UT_CHECK(ip != NULL);
	if (ip == NULL)
		goto out;
	/* a control stall resets ep0 on the controller's side */
	nres = fh->fh_nresets;
	UT_CHECK_EQ(usb_control(d, &req, buf, NULL, 0), EPIPE);
	UT_CHECK_EQ(fh->fh_nresets, nres + 1);
	UT_CHECK(!d->ud_pipe0->up_halted);
	/* interrupt endpoint stalls: halted until cleared */
	UT_CHECK(fakehc_complete(fh, ip, EPIPE, NULL, 0));
	UT_CHECK(UT_WAIT(tdrv_stats.ts_kbd_done == 1, 2000));
	UT_CHECK_EQ(tdrv_stats.ts_kbd_last_status, EPIPE);
	UT_CHECK(ip->up_halted);
	nreq = kbd->fd_nreq;
	UT_CHECK_EQ(usb_pipe_clear_halt(ip), 0);
	UT_CHECK_EQ(kbd->fd_nreq, nreq + 1);	/* CLEAR_FEATURE(HALT) */
	UT_CHECK_EQ(fh->fh_nresets, nres + 2);
	UT_CHECK(!ip->up_halted);
	/* data: completions reach the driver, which resubmits */
	UT_CHECK(fakehc_complete(fh, ip, 0, NULL, 0) == false);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(kbd);
	ut_leak_check(mem);
	return;
out:
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(kbd);
}

/* Interrupt data flows: each completion is seen and resubmitted. */
UT_CASE(xfer_interrupt_data)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL);
	struct fdev *devs[2] = { NULL, kbd };
	static const uint8_t report[8] = { 0, 0, 4, 0, 0, 0, 0, 0 };
	struct usb_pipe *ip;
	struct fakehc *fh;

	tdrv_begin();
	fh = fakehc_create(1, devs);
	ip = tdrv_kbd_pipe(fakehc_udev(fh, 1, 0));
	UT_CHECK(ip != NULL);
	for (int i = 0; ip != NULL && i < 50; i++) {
		UT_CHECK(UT_WAIT(fakehc_nheld(fh) == 1, 2000));
		UT_CHECK(fakehc_complete(fh, ip, 0, report, 8));
		UT_CHECK(UT_WAIT(tdrv_stats.ts_kbd_done == i + 1, 2000));
	}
	UT_CHECK_EQ(tdrv_stats.ts_kbd_last_status, 0);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(kbd);
	ut_leak_check(mem);
}
