/*
 * Test class drivers (see tdrv.h). They behave as a real class driver
 * must: open pipes and xfers in attach, abort and close them in
 * detach, and wait for their own threads before detach returns.
 */
#include <errno.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/condvar.h>
#include <kern/device.h>
#include <kern/klog.h>
#include <kern/kthread.h>
#include <kern/mutex.h>

#include "tdrv.h"
#include "ut.h"

struct tdrv_stats tdrv_stats;

void
tdrv_reset(void)
{
	memset(&tdrv_stats, 0, sizeof(tdrv_stats));
}

/* ---- tkbd ---------------------------------------------------------------- */

struct tkbd_softc {
	struct usb_device *sc_udev;
	struct usb_pipe *sc_pipe;
	struct usb_xfer *sc_x;
};

static const struct usb_id tkbd_ids[] = {
	USB_ID_CSP(UICLASS_HID, UISUBCLASS_BOOT, UIPROTO_BOOT_KEYBOARD),
	USB_ID_END,
};

static void
tkbd_intr(struct usb_xfer *x)
{
	__atomic_add_fetch(&tdrv_stats.ts_kbd_done, 1, __ATOMIC_RELAXED);
	tdrv_stats.ts_kbd_last_status = x->ux_status;
	if (x->ux_status == 0)
		(void)usb_xfer_submit(x);
}

static int
tkbd_match(device_t parent, void *aux)
{
	(void)parent;
	return usb_match_ids(tkbd_ids, aux);
}

static void
tkbd_attach(device_t parent, device_t self, void *aux)
{
	struct tkbd_softc *sc = device_private(self);
	struct usb_attach_arg *uaa = aux;
	const usb_endpoint_descriptor_t *ed;

	(void)parent;
	sc->sc_udev = uaa->uaa_dev;
	tdrv_stats.ts_kbd_attach++;
	ed = usb_find_endpoint(uaa->uaa_dev, uaa->uaa_ifaceno, UE_DIR_IN,
	    UE_INTERRUPT, 0);
	if (ed == NULL || usb_pipe_open(uaa->uaa_dev, ed, &sc->sc_pipe) != 0)
		return;
	if (usb_xfer_alloc(sc->sc_pipe, 8, &sc->sc_x) != 0)
		return;
	sc->sc_x->ux_length = 8;
	sc->sc_x->ux_done = tkbd_intr;
	sc->sc_x->ux_priv = sc;
	(void)usb_xfer_submit(sc->sc_x);
}

static int
tkbd_detach(device_t self, int flags)
{
	struct tkbd_softc *sc = device_private(self);

	(void)flags;
	if (sc->sc_x != NULL)
		usb_xfer_abort(sc->sc_x);
	if (sc->sc_pipe != NULL)
		usb_pipe_close(sc->sc_pipe);
	if (sc->sc_x != NULL)
		usb_xfer_free(sc->sc_x);
	tdrv_stats.ts_kbd_detach++;
	return 0;
}

static const struct cfdriver tkbd_cd = {
	.cd_name = "tkbd",
	.cd_attachto = USB_ATTR,
	.cd_softc_size = sizeof(struct tkbd_softc),
	.cd_match = tkbd_match,
	.cd_attach = tkbd_attach,
	.cd_detach = tkbd_detach,
};
CFDRIVER_DECLARE(tkbd_cd);

static int
find_drv(struct usb_device *dev, const char *prefix, device_t *dp)
{
	for (unsigned i = 0; i < 16; i++) {
		device_t d = dev->ud_drivers[i];

		if (d != NULL && strncmp(device_xname(d), prefix,
		    strlen(prefix)) == 0) {
			*dp = d;
			return 1;
		}
	}
	return 0;
}

struct usb_pipe *
tdrv_kbd_pipe(struct usb_device *dev)
{
	device_t d;

	if (dev == NULL || !find_drv(dev, "tkbd", &d))
		return NULL;
	return ((struct tkbd_softc *)device_private(d))->sc_pipe;
}

/* ---- tmass --------------------------------------------------------------- */

struct tmass_softc {
	struct usb_device *sc_udev;
	struct usb_pipe *sc_in, *sc_out;
	struct usb_xfer *sc_xin, *sc_xout;
	kmutex_t sc_lock;
	kcondvar_t sc_cv;
	bool sc_busy;
	unsigned sc_timeout;
	struct lwp *sc_thread;
};

static const struct usb_id tmass_ids[] = {
	USB_ID_CSP(UICLASS_MASS, UISUBCLASS_SCSI, UIPROTO_MASS_BBB),
	USB_ID_END,
};

static int
tmass_match(device_t parent, void *aux)
{
	struct usb_attach_arg *uaa = aux;

	(void)parent;
	if (uaa->uaa_class == UICLASS_MASS && uaa->uaa_ifaceno < 32)
		tdrv_stats.ts_mass_ifaces_seen |= 1U << uaa->uaa_ifaceno;
	return usb_match_ids(tmass_ids, aux);
}

static void
tmass_attach(device_t parent, device_t self, void *aux)
{
	struct tmass_softc *sc = device_private(self);
	struct usb_attach_arg *uaa = aux;
	const usb_endpoint_descriptor_t *in, *out;

	(void)parent;
	sc->sc_udev = uaa->uaa_dev;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT);
	cv_init(&sc->sc_cv, "tmass");
	tdrv_stats.ts_mass_attach++;
	in = usb_find_endpoint(uaa->uaa_dev, uaa->uaa_ifaceno, UE_DIR_IN,
	    UE_BULK, 0);
	out = usb_find_endpoint(uaa->uaa_dev, uaa->uaa_ifaceno, 0, UE_BULK, 0);
	if (in == NULL || out == NULL)
		return;
	if (usb_pipe_open(uaa->uaa_dev, in, &sc->sc_in) != 0 ||
	    usb_pipe_open(uaa->uaa_dev, out, &sc->sc_out) != 0)
		return;
	(void)usb_xfer_alloc(sc->sc_in, 512, &sc->sc_xin);
	(void)usb_xfer_alloc(sc->sc_out, 31, &sc->sc_xout);
}

static void
tmass_io(void *arg)
{
	struct tmass_softc *sc = arg;
	int rv;

	sc->sc_xin->ux_length = 512;
	sc->sc_xin->ux_timeout_ms = sc->sc_timeout;
	rv = usb_xfer_sync(sc->sc_xin);
	tdrv_stats.ts_io_status = rv;
	mutex_enter(&sc->sc_lock);
	sc->sc_busy = false;
	tdrv_stats.ts_io_done = true;
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
}

int
tdrv_mass_io(struct tmass_softc *sc, unsigned timeout_ms)
{
	if (sc->sc_xin == NULL)
		return EINVAL;
	sc->sc_busy = true;
	sc->sc_timeout = timeout_ms;
	tdrv_stats.ts_io_done = false;
	return kthread_create(tmass_io, sc, "tmassio", KTHREAD_MUSTJOIN,
	    &sc->sc_thread);
}

static int
tmass_detach(device_t self, int flags)
{
	struct tmass_softc *sc = device_private(self);

	(void)flags;
	mutex_enter(&sc->sc_lock);
	while (sc->sc_busy)
		cv_wait(&sc->sc_cv, &sc->sc_lock);
	mutex_exit(&sc->sc_lock);
	if (sc->sc_thread != NULL)
		kthread_join(sc->sc_thread);
	usb_pipe_close(sc->sc_in);
	usb_pipe_close(sc->sc_out);
	usb_xfer_free(sc->sc_xin);
	usb_xfer_free(sc->sc_xout);
	cv_destroy(&sc->sc_cv);
	mutex_destroy(&sc->sc_lock);
	tdrv_stats.ts_mass_detach++;
	return 0;
}

static const struct cfdriver tmass_cd = {
	.cd_name = "tmass",
	.cd_attachto = USB_ATTR,
	.cd_softc_size = sizeof(struct tmass_softc),
	.cd_match = tmass_match,
	.cd_attach = tmass_attach,
	.cd_detach = tmass_detach,
};
CFDRIVER_DECLARE(tmass_cd);

struct tmass_softc *
tdrv_mass_find(struct usb_device *dev)
{
	device_t d;

	if (dev == NULL || !find_drv(dev, "tmass", &d))
		return NULL;
	return device_private(d);
}

struct usb_pipe *
tdrv_mass_inpipe(struct tmass_softc *sc)
{
	return sc->sc_in;
}

/* ---- tecm ---------------------------------------------------------------- */

static const struct usb_id tecm_ids[] = {
	USB_ID_CS(UICLASS_CDC, UISUBCLASS_ETHERNET_NETWORKING_CONTROL_MODEL),
	USB_ID_END,
};

static int
tecm_match(device_t parent, void *aux)
{
	(void)parent;
	return usb_match_ids(tecm_ids, aux);
}

static void
tecm_attach(device_t parent, device_t self, void *aux)
{
	struct usb_attach_arg *uaa = aux;

	(void)parent;
	(void)self;
	usb_interface_claim(uaa->uaa_dev, uaa->uaa_ifaceno + 1);
	tdrv_stats.ts_ecm_attach++;
	tdrv_stats.ts_ecm_config = uaa->uaa_dev->ud_cdesc->bConfigurationValue;
	tdrv_stats.ts_ecm_claimed = (int)uaa->uaa_dev->ud_claimed;
}

static int
tecm_detach(device_t self, int flags)
{
	(void)self;
	(void)flags;
	tdrv_stats.ts_ecm_detach++;
	return 0;
}

static const struct cfdriver tecm_cd = {
	.cd_name = "tecm",
	.cd_attachto = USB_ATTR,
	.cd_softc_size = 8,
	.cd_match = tecm_match,
	.cd_attach = tecm_attach,
	.cd_detach = tecm_detach,
};
CFDRIVER_DECLARE(tecm_cd);

/* ---- helpers ------------------------------------------------------------- */

#include "usb_impl.h"

void
tdrv_begin(void)
{
	tdrv_reset();
	usb_debounce_ms = 1;
	usb_ctrl_timeout_ms = 300;
}

static char tdrv_listbuf[4096];

static void
list_out(void *arg, const char *line)
{
	size_t n = strlen(tdrv_listbuf);

	(void)arg;
	if (n + strlen(line) + 2 < sizeof(tdrv_listbuf)) {
		memcpy(tdrv_listbuf + n, line, strlen(line));
		tdrv_listbuf[n + strlen(line)] = '\n';
		tdrv_listbuf[n + strlen(line) + 1] = '\0';
	}
}

const char *
tdrv_list(void)
{
	tdrv_listbuf[0] = '\0';
	usb_list_to(list_out, NULL);
	return tdrv_listbuf;
}
