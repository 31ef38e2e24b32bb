/*
 * ums: USB mice in the HID boot protocol (HID 1.11, appendix B), moving
 * the one pointer of <dev/usb/uhid.h>.
 *
 * The mouse is put in the boot protocol (SET_PROTOCOL) and asked to
 * report only changes (SET_IDLE 0). Its interrupt IN endpoint is read
 * one packet per transfer, resubmitted from the completion callback. A
 * boot report is at least 3 bytes: buttons (bits 0-4), dx, dy (signed);
 * a fourth byte, which most mice (QEMU's too) send, is the wheel. Up to
 * UMS_REPORT_MAX bytes are accepted and the rest ignored; shorter or
 * longer reports are counted as bad and ignored. A stalled endpoint is
 * cleared by the worker thread; UMS_MAX_ERRORS failed transfers in a
 * row make the driver give up on the mouse.
 *
 * Locking: ums_lock (global, set up by an early subsystem hook) guards
 * the pointer state, the per-button counts of mice holding them and
 * every mouse's sc_buttons; ums_cv is broadcast when us_events moves.
 * sc_lock (per mouse) guards its flags and the xfer's submission; order
 * sc_lock, then ums_lock.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dev/usb/uhid.h>
#include <dev/usb/usb.h>
#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/device.h>
#include <kern/klog.h>
#include <kern/mutex.h>
#include <kern/rump.h>

#include "uhidboot.h"
#include "uworker.h"

#define UMS_REPORT_MIN 3
#define UMS_REPORT_MAX 8
#define UMS_MAX_ERRORS 10

#define WORK_STALL 0x01

struct ums_softc {
	device_t sc_dev;
	struct usb_device *sc_udev;
	unsigned sc_iface;
	struct usb_pipe *sc_pipe;
	struct usb_xfer *sc_xfer;
	struct uworker sc_worker;
	kmutex_t sc_lock;
	bool sc_attached;
	bool sc_dying;
	bool sc_stopped;
	unsigned sc_errrun;
	uint32_t sc_buttons;		/* ums_lock */
	unsigned long sc_nreports, sc_nbad, sc_nerrors;
};

static kmutex_t ums_lock;
static kcondvar_t ums_cv;
static struct ums_state ums_st;
static unsigned ums_held[UMS_NBUTTONS];	/* mice holding each button */

static int
ums_init(void)
{
	mutex_init(&ums_lock, MUTEX_DEFAULT);
	cv_init(&ums_cv, "ums");
	return 0;
}
RUMP_SUBSYS_EARLY("ums", ums_init);

/* ---- the pointer ---------------------------------------------------------- */

/* This mouse's buttons become b; ums_lock held. */
static void
buttons_set(struct ums_softc *sc, uint32_t b)
{
	uint32_t changed = b ^ sc->sc_buttons;

	for (unsigned i = 0; i < UMS_NBUTTONS; i++) {
		if ((changed & (1u << i)) == 0)
			continue;
		if (b & (1u << i))
			ums_held[i]++;
		else
			ums_held[i]--;
	}
	sc->sc_buttons = b;
	ums_st.us_buttons = 0;
	for (unsigned i = 0; i < UMS_NBUTTONS; i++)
		if (ums_held[i] > 0)
			ums_st.us_buttons |= 1u << i;
}

static void
ums_event(void)
{
	ums_st.us_events++;
	cv_broadcast(&ums_cv);
}

void
ums_get_state(struct ums_state *st)
{
	mutex_enter(&ums_lock);
	*st = ums_st;
	mutex_exit(&ums_lock);
}

int
ums_wait(uint64_t seen, int timeout_ms, struct ums_state *st)
{
	uint64_t deadline = kclock_ns() + (uint64_t)(timeout_ms < 0 ? 0 :
	    timeout_ms) * 1000000ULL;
	uint64_t now;
	int rv = 0;

	mutex_enter(&ums_lock);
	while (ums_st.us_events == seen) {
		if (timeout_ms < 0) {
			cv_wait(&ums_cv, &ums_lock);
			continue;
		}
		if ((now = kclock_ns()) >= deadline) {
			rv = ETIMEDOUT;
			break;
		}
		(void)cv_timedwait_ns(&ums_cv, &ums_lock, deadline - now);
	}
	*st = ums_st;
	mutex_exit(&ums_lock);
	return rv;
}

/* A report arrived; sc_lock held. */
static void
ums_report(struct ums_softc *sc, const uint8_t *r, size_t len)
{
	int dx, dy, dz;

	sc->sc_nreports++;
	if (len < UMS_REPORT_MIN || len > UMS_REPORT_MAX) {
		sc->sc_nbad++;
		return;
	}
	dx = (int8_t)r[1];
	dy = (int8_t)r[2];
	dz = len > 3 ? (int8_t)r[3] : 0;
	mutex_enter(&ums_lock);
	if ((r[0] & 0x1f) == sc->sc_buttons && dx == 0 && dy == 0 && dz == 0) {
		mutex_exit(&ums_lock);
		return;
	}
	buttons_set(sc, r[0] & 0x1fu);
	ums_st.us_x += dx;
	ums_st.us_y += dy;
	ums_st.us_wheel += dz;
	ums_event();
	mutex_exit(&ums_lock);
}

/* ---- transfers ------------------------------------------------------------ */

static void ums_intr(struct usb_xfer *x);

/* sc_lock held. */
static void
ums_submit(struct ums_softc *sc)
{
	struct usb_xfer *x = sc->sc_xfer;
	int rv;

	x->ux_length = x->ux_bufsize;
	x->ux_timeout_ms = 0;
	x->ux_done = ums_intr;
	x->ux_priv = sc;
	if ((rv = usb_xfer_submit(x)) == 0)
		return;
	sc->sc_stopped = true;
	if (rv != ENODEV && rv != ECANCELED)
		aprint_error(sc->sc_dev, "cannot read the mouse (error %d)",
		    rv);
}

static void
ums_intr(struct usb_xfer *x)
{
	struct ums_softc *sc = x->ux_priv;

	mutex_enter(&sc->sc_lock);
	if (sc->sc_dying || x->ux_status == ECANCELED ||
	    x->ux_status == ENODEV) {
		sc->sc_stopped = true;
	} else if (x->ux_status == 0) {
		sc->sc_errrun = 0;
		ums_report(sc, x->ux_buf, x->ux_actlen);
		ums_submit(sc);
	} else if (++sc->sc_errrun >= UMS_MAX_ERRORS) {
		sc->sc_nerrors++;
		aprint_error(sc->sc_dev, "%u transfer errors in a row (last "
		    "%d); giving up on the mouse", sc->sc_errrun, x->ux_status);
		sc->sc_stopped = true;
	} else if (x->ux_status == EPIPE) {
		sc->sc_nerrors++;
		uworker_post(&sc->sc_worker, WORK_STALL);
	} else {
		sc->sc_nerrors++;
		ums_submit(sc);
	}
	mutex_exit(&sc->sc_lock);
}

/* Worker: clear a stall and read on. */
static void
ums_work(void *arg, unsigned work)
{
	struct ums_softc *sc = arg;
	int rv;

	if ((work & WORK_STALL) == 0)
		return;
	rv = usb_pipe_clear_halt(sc->sc_pipe);
	mutex_enter(&sc->sc_lock);
	if (rv != 0 && rv != ENODEV) {
		aprint_error(sc->sc_dev, "endpoint stalled and cannot be "
		    "cleared (error %d); giving up on the mouse", rv);
		sc->sc_stopped = true;
	} else if (rv == 0 && !sc->sc_dying && !sc->sc_stopped) {
		ums_submit(sc);
	}
	mutex_exit(&sc->sc_lock);
}

/* ---- autoconf ------------------------------------------------------------- */

static const struct usb_id ums_ids[] = {
	USB_ID_CSP(UICLASS_HID, UISUBCLASS_BOOT, UIPROTO_BOOT_MOUSE),
	USB_ID_END,
};

static int
ums_match(device_t parent, void *aux)
{
	(void)parent;
	return usb_match_ids(ums_ids, aux);
}

static void
ums_attach(device_t parent, device_t self, void *aux)
{
	struct ums_softc *sc = device_private(self);
	struct usb_attach_arg *uaa = aux;
	int rv;

	(void)parent;
	sc->sc_dev = self;
	sc->sc_udev = uaa->uaa_dev;
	sc->sc_iface = uaa->uaa_ifaceno;
	if (uhid_boot_open(self, sc->sc_udev, sc->sc_iface, UMS_REPORT_MIN,
	    &sc->sc_pipe, &sc->sc_xfer) != 0)
		return;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT);
	if ((rv = uworker_start(&sc->sc_worker, device_xname(self), ums_work,
	    sc)) != 0) {
		aprint_error(self, "cannot start a thread (error %d)", rv);
		mutex_destroy(&sc->sc_lock);
		usb_xfer_free(sc->sc_xfer);
		usb_pipe_close(sc->sc_pipe);
		return;
	}
	aprint_normal(self, "%s, boot protocol mouse",
	    sc->sc_udev->ud_product[0] != '\0' ? sc->sc_udev->ud_product :
	    "USB mouse");
	sc->sc_attached = true;
	mutex_enter(&ums_lock);
	ums_st.us_nmice++;
	ums_event();
	mutex_exit(&ums_lock);
	mutex_enter(&sc->sc_lock);
	ums_submit(sc);
	mutex_exit(&sc->sc_lock);
}

static int
ums_detach(device_t self, int flags)
{
	struct ums_softc *sc = device_private(self);

	(void)flags;
	if (!sc->sc_attached)
		return 0;
	mutex_enter(&sc->sc_lock);
	sc->sc_dying = true;
	mutex_exit(&sc->sc_lock);
	uworker_stop(&sc->sc_worker);
	usb_xfer_abort(sc->sc_xfer);
	usb_pipe_close(sc->sc_pipe);
	usb_xfer_free(sc->sc_xfer);
	mutex_destroy(&sc->sc_lock);
	mutex_enter(&ums_lock);
	buttons_set(sc, 0);
	ums_st.us_nmice--;
	ums_event();
	mutex_exit(&ums_lock);
	sc->sc_attached = false;
	return 0;
}

static const struct cfdriver ums_cd;

int
ums_get_stats(device_t dev, struct uhid_stats *st)
{
	struct ums_softc *sc;

	if (device_driver(dev) != &ums_cd)
		return EINVAL;
	sc = device_private(dev);
	*st = (struct uhid_stats){ 0 };
	if (!sc->sc_attached)
		return 0;
	mutex_enter(&sc->sc_lock);
	st->uh_reports = sc->sc_nreports;
	st->uh_bad = sc->sc_nbad;
	st->uh_errors = sc->sc_nerrors;
	mutex_exit(&sc->sc_lock);
	return 0;
}

static const struct cfdriver ums_cd = {
	.cd_name = "ums",
	.cd_attachto = USB_ATTR,
	.cd_softc_size = sizeof(struct ums_softc),
	.cd_match = ums_match,
	.cd_attach = ums_attach,
	.cd_detach = ums_detach,
};
CFDRIVER_DECLARE(ums_cd);
