/*
 * umass: USB mass storage, Bulk-Only Transport ("BOT", USB Mass Storage
 * Class Bulk-Only Transport 1.0). One interface of class 8 with a bulk
 * IN and a bulk OUT endpoint; SCSI commands (umass_scsi.c) travel as
 * CBW (OUT) -> optional data stage -> CSW (IN).
 *
 * What the host checks (BOT 6.3, 6.6, 6.7): a CSW is valid if it is 13
 * bytes with the "USBS" signature and the tag of our CBW, meaningful if
 * its status is 0 or 1 with a residue no larger than what we asked for,
 * or 2 (phase error). Anything else, a phase error, a transfer error or
 * a timeout on any stage ends in reset recovery (5.3.4: Bulk-Only Mass
 * Storage Reset, then CLEAR_FEATURE(HALT) on bulk IN and bulk OUT) and
 * EIO for the command. A stall in the data stage is cleared and the CSW
 * read; a stall on the CSW is cleared and the CSW read once more.
 *
 * Locking: sc_lock makes commands one at a time (held by the caller of
 * umass_bot_cmd). sc_dying and the device's ud_gone are read without a
 * lock: they only ever go from false to true, and a command that misses
 * the change still ends, through ENODEV from the core or its timeouts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usb.h>
#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/kassert.h>
#include <kern/klog.h>

#include "umassvar.h"

#define UISUBCLASS_MMC 0x02		/* ATAPI-style 12-byte CDBs */
#define UISUBCLASS_SFF8070I 0x05
#define UE_DIR_OUT_ 0x00
#define UMASS_CSW_BUFSIZE 64
#define UMASS_LOG_FIRST 8		/* reset recoveries logged in full */

static const struct usb_id umass_ids[] = {
	USB_ID_CSP(UICLASS_MASS, UISUBCLASS_SCSI, UIPROTO_MASS_BBB),
	USB_ID_CSP(UICLASS_MASS, UISUBCLASS_SFF8070I, UIPROTO_MASS_BBB),
	USB_ID_CSP(UICLASS_MASS, UISUBCLASS_MMC, UIPROTO_MASS_BBB),
	USB_ID_END,
};

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
get32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

bool
umass_gone(const struct umass_softc *sc)
{
	return __atomic_load_n(&sc->sc_dying, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&sc->sc_udev->ud_gone, __ATOMIC_ACQUIRE);
}

bool
umass_pause(struct umass_softc *sc, unsigned ms)
{
	uint64_t end = kclock_ns() + (uint64_t)ms * 1000000, now;

	mutex_enter(&sc->sc_waitmtx);
	while (!umass_gone(sc) && (now = kclock_ns()) < end)
		(void)cv_timedwait_ns(&sc->sc_waitcv, &sc->sc_waitmtx,
		    end - now);
	mutex_exit(&sc->sc_waitmtx);
	return !umass_gone(sc);
}

void
umass_abort(struct umass_softc *sc)
{
	mutex_enter(&sc->sc_waitmtx);
	cv_broadcast(&sc->sc_waitcv);
	mutex_exit(&sc->sc_waitmtx);
	if (sc->sc_xout != NULL)
		usb_xfer_abort(sc->sc_xout);
	if (sc->sc_xin != NULL)
		usb_xfer_abort(sc->sc_xin);
	if (sc->sc_xcsw != NULL)
		usb_xfer_abort(sc->sc_xcsw);
}

/* Run x synchronously over len bytes; the usbdi.h errno. */
static int
umass_xfer(struct usb_xfer *x, size_t len, unsigned timeout_ms)
{
	x->ux_length = len;
	x->ux_timeout_ms = timeout_ms;
	x->ux_flags = USBD_SHORT_XFER_OK;
	x->ux_done = NULL;
	x->ux_actlen = 0;
	return usb_xfer_sync(x);
}

/* Reset recovery, BOT 5.3.4. */
static void
umass_reset_recovery(struct umass_softc *sc, const char *why, int error)
{
	usb_device_request_t req;
	uint64_t n = ++sc->sc_stats.us_resets;
	int rv;

	if (n <= UMASS_LOG_FIRST || n % 1000 == 0)
		aprint_error(sc->sc_dev, "%s (error %d): reset recovery #%llu",
		    why, error, (unsigned long long)n);
	if (umass_gone(sc))
		return;
	req.bmRequestType = UT_WRITE_CLASS_INTERFACE;
	req.bRequest = UR_BBB_RESET;
	USETW(req.wValue, 0);
	USETW(req.wIndex, sc->sc_ifaceno);
	USETW(req.wLength, 0);
	rv = usb_control(sc->sc_udev, &req, NULL, NULL, 0);
	if (rv == ENODEV)
		return;
	if (rv != 0 && n <= UMASS_LOG_FIRST)
		aprint_error(sc->sc_dev, "mass storage reset: error %d", rv);
	if ((rv = usb_pipe_clear_halt(sc->sc_bulkin)) != 0 && rv != ENODEV &&
	    n <= UMASS_LOG_FIRST)
		aprint_error(sc->sc_dev, "clear halt bulk IN: error %d", rv);
	if ((rv = usb_pipe_clear_halt(sc->sc_bulkout)) != 0 && rv != ENODEV &&
	    n <= UMASS_LOG_FIRST)
		aprint_error(sc->sc_dev, "clear halt bulk OUT: error %d", rv);
}

/* A stage failed with error: ENODEV, or EIO after reset recovery. */
static int
umass_fail(struct umass_softc *sc, int error, const char *what)
{
	if (error == ENODEV || umass_gone(sc))
		return ENODEV;
	if (error == ETIMEDOUT || error == EIO || error == ECANCELED)
		sc->sc_stats.us_xfererr++;
	umass_reset_recovery(sc, what, error);
	return umass_gone(sc) ? ENODEV : EIO;
}

static int
umass_send_cbw(struct umass_softc *sc, unsigned lun, uint32_t tag,
    const uint8_t *cdb, size_t cdblen, enum umass_dir dir, size_t len)
{
	uint8_t *p = sc->sc_xout->ux_buf;
	size_t wirelen = cdblen;
	int rv;

	/* The 12-byte command sets want every CDB padded to 12 bytes. */
	if (sc->sc_subclass != UISUBCLASS_SCSI && wirelen < 12)
		wirelen = 12;
	memset(p, 0, UMASS_CBW_SIZE);
	put32le(p, UMASS_CBW_SIGNATURE);
	put32le(p + 4, tag);
	put32le(p + 8, (uint32_t)len);
	p[12] = dir == UMASS_DIR_IN ? UMASS_CBW_FLAG_IN : 0;
	p[13] = (uint8_t)(lun & 0x0f);
	p[14] = (uint8_t)wirelen;
	memcpy(p + 15, cdb, cdblen);
	rv = umass_xfer(sc->sc_xout, UMASS_CBW_SIZE, UMASS_CBW_TIMEOUT_MS);
	if (rv == 0 && sc->sc_xout->ux_actlen != UMASS_CBW_SIZE)
		rv = EIO;
	return rv == 0 ? 0 : umass_fail(sc, rv, "CBW");
}

/* A 13-byte data-IN transfer that is our CSW: the device skipped the
 * data stage (it should have stalled; some do this instead). */
static bool
umass_csw_in_data(struct umass_softc *sc, uint32_t tag, size_t len)
{
	const uint8_t *p = sc->sc_xin->ux_buf;

	if (len == UMASS_CSW_SIZE || sc->sc_xin->ux_actlen != UMASS_CSW_SIZE ||
	    get32le(p) != UMASS_CSW_SIGNATURE || get32le(p + 4) != tag)
		return false;
	memcpy(sc->sc_xcsw->ux_buf, p, UMASS_CSW_SIZE);
	sc->sc_xcsw->ux_actlen = UMASS_CSW_SIZE;
	return true;
}

/* The data stage. *moved: bytes that went; *csw_early: the CSW came
 * instead of the data and is in sc_xcsw already. */
static int
umass_data(struct umass_softc *sc, uint32_t tag, enum umass_dir dir,
    void *data, size_t len, size_t *moved, bool *csw_early)
{
	struct usb_xfer *x = dir == UMASS_DIR_IN ? sc->sc_xin : sc->sc_xout;
	int rv;

	if (dir == UMASS_DIR_OUT)
		memcpy(x->ux_buf, data, len);
	rv = umass_xfer(x, len, UMASS_DATA_TIMEOUT_MS);
	if (rv != 0 && rv != EPIPE)
		return umass_fail(sc, rv, "data stage");
	*moved = x->ux_actlen < len ? x->ux_actlen : len;
	if (rv == EPIPE) {
		/* 6.7.2, 6.7.3: clear the halt, then the CSW says why. */
		sc->sc_stats.us_stalls++;
		if ((rv = usb_pipe_clear_halt(x->ux_pipe)) != 0)
			return umass_fail(sc, rv, "clear halt after data");
	} else if (dir == UMASS_DIR_IN && umass_csw_in_data(sc, tag, len)) {
		*moved = 0;
		*csw_early = true;
		return 0;
	}
	if (dir == UMASS_DIR_IN)
		memcpy(data, x->ux_buf, *moved);
	return 0;
}

/* Read the CSW; a stall is cleared and the read tried once more. */
static int
umass_read_csw(struct umass_softc *sc)
{
	int rv;

	for (int tries = 0;; tries++) {
		rv = umass_xfer(sc->sc_xcsw, UMASS_CSW_SIZE,
		    UMASS_CSW_TIMEOUT_MS);
		if (rv != EPIPE)
			break;
		sc->sc_stats.us_stalls++;
		if (tries == 1)
			return umass_fail(sc, rv, "CSW stalled twice");
		if ((rv = usb_pipe_clear_halt(sc->sc_bulkin)) != 0)
			return umass_fail(sc, rv, "clear halt before CSW");
	}
	return rv == 0 ? 0 : umass_fail(sc, rv, "CSW");
}

/* Is the CSW valid and meaningful (6.3)? */
static int
umass_check_csw(struct umass_softc *sc, uint32_t tag, size_t len,
    size_t moved, int *status, size_t *resid)
{
	const uint8_t *p = sc->sc_xcsw->ux_buf;
	uint32_t residue;

	if (sc->sc_xcsw->ux_actlen != UMASS_CSW_SIZE ||
	    get32le(p) != UMASS_CSW_SIGNATURE || get32le(p + 4) != tag) {
		sc->sc_stats.us_badcsw++;
		return umass_fail(sc, EIO, "invalid CSW");
	}
	residue = get32le(p + 8);
	if (p[12] == UMASS_CSW_PHASE) {
		sc->sc_stats.us_phase++;
		return umass_fail(sc, EIO, "phase error");
	}
	if (p[12] > UMASS_CSW_PHASE || residue > len) {
		sc->sc_stats.us_badcsw++;
		return umass_fail(sc, EIO, "CSW not meaningful");
	}
	*status = p[12];
	*resid = residue > len - moved ? residue : len - moved;
	return 0;
}

int
umass_bot_cmd(struct umass_softc *sc, unsigned lun, const uint8_t *cdb,
    size_t cdblen, enum umass_dir dir, void *data, size_t len,
    int *status, size_t *resid)
{
	size_t moved = 0;
	bool csw_early = false;
	uint32_t tag;
	int rv;

	KASSERT(mutex_owned(&sc->sc_lock));
	KASSERT(cdblen >= 1 && cdblen <= UMASS_CDB_MAX);
	KASSERT(len <= UMASS_MAXDATA && lun <= UMASS_MAXLUN);
	if (len == 0)
		dir = UMASS_DIR_NONE;
	if (umass_gone(sc) || sc->sc_xout == NULL)
		return ENODEV;
	sc->sc_stats.us_cmds++;
	tag = ++sc->sc_tag;
	if ((rv = umass_send_cbw(sc, lun, tag, cdb, cdblen, dir, len)) != 0)
		return rv;
	if (dir != UMASS_DIR_NONE &&
	    (rv = umass_data(sc, tag, dir, data, len, &moved, &csw_early)) != 0)
		return rv;
	if (!csw_early && (rv = umass_read_csw(sc)) != 0)
		return rv;
	return umass_check_csw(sc, tag, len, moved, status, resid);
}

/* ---- autoconfiguration ------------------------------------------------ */

static unsigned
umass_get_maxlun(struct umass_softc *sc)
{
	usb_device_request_t req;
	uint8_t maxlun = 0;
	size_t actlen = 0;
	int rv;

	req.bmRequestType = UT_READ_CLASS_INTERFACE;
	req.bRequest = UR_BBB_GET_MAX_LUN;
	USETW(req.wValue, 0);
	USETW(req.wIndex, sc->sc_ifaceno);
	USETW(req.wLength, 1);
	rv = usb_control(sc->sc_udev, &req, &maxlun, &actlen, 0);
	/* 3.2: a device with one LUN may stall the request. */
	if (rv != 0 || actlen != 1)
		return 0;
	if (maxlun > UMASS_MAXLUN) {
		aprint_error(sc->sc_dev, "max LUN %u out of range, using LUN 0",
		    maxlun);
		return 0;
	}
	return maxlun;
}

static int
umass_open_pipes(struct umass_softc *sc)
{
	const usb_endpoint_descriptor_t *in, *out;
	int rv;

	in = usb_find_endpoint(sc->sc_udev, sc->sc_ifaceno, UE_DIR_IN,
	    UE_BULK, 0);
	out = usb_find_endpoint(sc->sc_udev, sc->sc_ifaceno, UE_DIR_OUT_,
	    UE_BULK, 0);
	if (in == NULL || out == NULL)
		return ENXIO;
	if ((rv = usb_pipe_open(sc->sc_udev, in, &sc->sc_bulkin)) != 0 ||
	    (rv = usb_pipe_open(sc->sc_udev, out, &sc->sc_bulkout)) != 0 ||
	    (rv = usb_xfer_alloc(sc->sc_bulkin, UMASS_MAXDATA,
	    &sc->sc_xin)) != 0 ||
	    (rv = usb_xfer_alloc(sc->sc_bulkout, UMASS_MAXDATA,
	    &sc->sc_xout)) != 0 ||
	    (rv = usb_xfer_alloc(sc->sc_bulkin, UMASS_CSW_BUFSIZE,
	    &sc->sc_xcsw)) != 0)
		return rv;
	return 0;
}

static void
umass_close_pipes(struct umass_softc *sc)
{
	struct usb_xfer **xs[] = { &sc->sc_xin, &sc->sc_xout, &sc->sc_xcsw };

	for (size_t i = 0; i < sizeof(xs) / sizeof(xs[0]); i++) {
		if (*xs[i] != NULL)
			usb_xfer_free(*xs[i]);
		*xs[i] = NULL;
	}
	if (sc->sc_bulkin != NULL)
		usb_pipe_close(sc->sc_bulkin);
	if (sc->sc_bulkout != NULL)
		usb_pipe_close(sc->sc_bulkout);
	sc->sc_bulkin = sc->sc_bulkout = NULL;
}

static int
umass_match(device_t parent, void *aux)
{
	(void)parent;
	return usb_match_ids(umass_ids, aux);
}

static void
umass_attach(device_t parent, device_t self, void *aux)
{
	struct usb_attach_arg *uaa = aux;
	struct umass_softc *sc = device_private(self);
	int rv;

	(void)parent;
	sc->sc_dev = self;
	sc->sc_udev = uaa->uaa_dev;
	sc->sc_ifaceno = uaa->uaa_ifaceno;
	sc->sc_subclass = uaa->uaa_subclass;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT);
	mutex_init(&sc->sc_waitmtx, MUTEX_DEFAULT);
	cv_init(&sc->sc_waitcv, "umasswt");
	if ((rv = umass_open_pipes(sc)) != 0) {
		aprint_error(self, "cannot open the bulk pipes (error %d)", rv);
		umass_close_pipes(sc);
		return;
	}
	sc->sc_maxlun = umass_get_maxlun(sc);
	aprint_normal(self, "\"%s\" %s, %s over bulk-only, %u LUN%s",
	    sc->sc_udev->ud_product, sc->sc_udev->ud_where,
	    sc->sc_subclass == UISUBCLASS_SCSI ? "SCSI" : "12-byte SCSI",
	    sc->sc_maxlun + 1, sc->sc_maxlun == 0 ? "" : "s");
	for (unsigned lun = 0; lun <= sc->sc_maxlun; lun++)
		umass_scsi_attach_lun(sc, lun);
}

/* The sd children are detached already (config_detach does them
 * first, and each waits for its I/O), so no command is in flight. */
static int
umass_detach(device_t self, int flags)
{
	struct umass_softc *sc = device_private(self);

	(void)flags;
	__atomic_store_n(&sc->sc_dying, true, __ATOMIC_RELEASE);
	mutex_enter(&sc->sc_lock);
	umass_close_pipes(sc);
	mutex_exit(&sc->sc_lock);
	if (sc->sc_stats.us_resets > 0)
		aprint_normal(self, "%llu commands, %llu reset recoveries, "
		    "%llu stalls, %llu bad CSWs, %llu phase errors",
		    (unsigned long long)sc->sc_stats.us_cmds,
		    (unsigned long long)sc->sc_stats.us_resets,
		    (unsigned long long)sc->sc_stats.us_stalls,
		    (unsigned long long)sc->sc_stats.us_badcsw,
		    (unsigned long long)sc->sc_stats.us_phase);
	cv_destroy(&sc->sc_waitcv);
	mutex_destroy(&sc->sc_waitmtx);
	mutex_destroy(&sc->sc_lock);
	return 0;
}

static const struct cfdriver umass_cd = {
	.cd_name = "umass",
	.cd_attachto = USB_ATTR,
	.cd_busattr = "umass",
	.cd_softc_size = sizeof(struct umass_softc),
	.cd_match = umass_match,
	.cd_attach = umass_attach,
	.cd_detach = umass_detach,
};
CFDRIVER_DECLARE(umass_cd);
