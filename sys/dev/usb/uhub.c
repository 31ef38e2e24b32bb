/*
 * uhub: the class driver for external hubs, USB 2 (USB 2.0 chapter 11)
 * and USB 3 (USB 3.2 chapter 10). It gives the core a struct usb_hub
 * whose ops are hub class requests (GET_STATUS, SET_FEATURE and
 * CLEAR_FEATURE on ports), powers the ports, tells the controller the
 * device is a hub (ubm_dev_set_hub), sets the hub depth of USB 3 hubs,
 * and keeps an interrupt IN transfer on the status change endpoint
 * whose completion calls usb_hub_changed: the explore thread then looks
 * at the ports and submits it again (uhub_explore_hook). If that
 * endpoint fails, the hook clears its halt and starts it again
 * (UHUB_INTR_RETRIES times at most).
 *
 * Detach: normally the core detaches the devices behind the hub before
 * the hub's driver; when autoconf detaches us first (the controller is
 * going away), uhub_detach detaches them itself through the core.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/device.h>
#include <kern/klog.h>
#include <kern/kmem.h>

#include "usb_impl.h"

#define UHUB_MAX_PORTS 15	/* the route string has 4 bits per tier */
#define UHUB_RESET_POLL_MS 10
#define UHUB_RESET_TRIES 50	/* 500 ms for a port reset */
#define UHUB_RESET_RECOVERY_MS 10
#define UHUB_INTR_RETRIES 10

struct uhub_softc {
	device_t sc_dev;
	struct usb_device *sc_udev;
	struct usb_hub sc_hub;
	struct usb_pipe *sc_ipipe;
	struct usb_xfer *sc_ixfer;
	bool sc_ss;
	bool sc_intr_idle;		/* atomic: status xfer not submitted */
	bool sc_intr_err;		/* atomic: ... and it failed */
	unsigned sc_intr_restarts;
};

static const struct usb_id uhub_ids[] = {
	USB_ID_C(UICLASS_HUB),
	USB_ID_END,
};

/* ---- hub class requests ------------------------------------------------ */

static int
hub_req(struct uhub_softc *sc, uint8_t type, uint8_t request, uint16_t value,
    uint16_t index, void *data, uint16_t len, size_t *actlen)
{
	usb_device_request_t req;

	req.bmRequestType = type;
	req.bRequest = request;
	USETW(req.wValue, value);
	USETW(req.wIndex, index);
	USETW(req.wLength, len);
	return usb_control(sc->sc_udev, &req, data, actlen, 0);
}

static int
port_feature(struct uhub_softc *sc, bool set, uint16_t feature,
    uint16_t index)
{
	return hub_req(sc, UT_WRITE_CLASS_OTHER,
	    set ? UR_SET_FEATURE : UR_CLEAR_FEATURE, feature, index, NULL, 0,
	    NULL);
}

static enum usb_speed
port_speed(const struct uhub_softc *sc, uint16_t st)
{
	if (sc->sc_ss)
		return USB_SPEED_SUPER;
	if (st & UPS_LOW_SPEED)
		return USB_SPEED_LOW;
	if (st & UPS_HIGH_SPEED)
		return USB_SPEED_HIGH;
	return USB_SPEED_FULL;
}

static int
uhub_port_status(struct usb_hub *hub, unsigned port,
    struct usb_port_status *ps)
{
	struct uhub_softc *sc = hub->uh_priv;
	usb_port_status_wire_t w;
	size_t act;
	int rv;

	memset(ps, 0, sizeof(*ps));
	rv = hub_req(sc, UT_READ_CLASS_OTHER, UR_GET_STATUS, 0,
	    (uint16_t)port, &w, sizeof(w), &act);
	if (rv != 0)
		return rv;
	if (act < sizeof(w))
		return EIO;
	ps->ps_status = UGETW(w.wPortStatus) & (UPS_CURRENT_CONNECT |
	    UPS_PORT_ENABLED | UPS_OVERCURRENT | UPS_RESET);
	ps->ps_change = UGETW(w.wPortChange);
	ps->ps_speed = port_speed(sc, UGETW(w.wPortStatus));
	return 0;
}

static const struct {
	uint16_t change;
	uint16_t feature;
	bool ss;	/* exists on USB 3 hubs */
	bool hs;	/* exists on USB 2 hubs */
} uhub_changes[] = {
	{ UPS_C_CONNECT, UHF_C_PORT_CONNECTION, true, true },
	{ UPS_C_ENABLE, UHF_C_PORT_ENABLE, false, true },
	{ UPS_C_SUSPEND, UHF_C_PORT_SUSPEND, false, true },
	{ UPS_C_OVERCURRENT, UHF_C_PORT_OVER_CURRENT, true, true },
	{ UPS_C_RESET, UHF_C_PORT_RESET, true, true },
	{ UPS_C_BH_RESET, UHF_C_BH_PORT_RESET, true, false },
	{ UPS_C_LINK_STATE, UHF_C_PORT_LINK_STATE, true, false },
	{ UPS_C_CONFIG_ERROR, UHF_C_PORT_CONFIG_ERROR, true, false },
};

static int
uhub_port_clear(struct usb_hub *hub, unsigned port, uint16_t change)
{
	struct uhub_softc *sc = hub->uh_priv;
	int rv, err = 0;

	for (size_t i = 0; i < sizeof(uhub_changes) / sizeof(uhub_changes[0]);
	    i++) {
		if (!(change & uhub_changes[i].change) ||
		    !(sc->sc_ss ? uhub_changes[i].ss : uhub_changes[i].hs))
			continue;
		rv = port_feature(sc, false, uhub_changes[i].feature,
		    (uint16_t)port);
		if (rv != 0 && err == 0)
			err = rv;
	}
	return err;
}

static int
uhub_port_reset(struct usb_hub *hub, unsigned port,
    struct usb_port_status *ps)
{
	struct uhub_softc *sc = hub->uh_priv;
	int rv;

	if (sc->sc_ss && uhub_port_status(hub, port, ps) == 0 &&
	    (ps->ps_status & UPS_PORT_ENABLED))
		return 0;	/* trained by itself */
	if ((rv = port_feature(sc, true, UHF_PORT_RESET, (uint16_t)port)))
		return rv;
	for (int i = 0; i < UHUB_RESET_TRIES; i++) {
		usb_delay_ms(UHUB_RESET_POLL_MS);
		if ((rv = uhub_port_status(hub, port, ps)) != 0)
			return rv;
		if ((ps->ps_change & (UPS_C_RESET | UPS_C_BH_RESET)) &&
		    !(ps->ps_status & UPS_RESET)) {
			(void)uhub_port_clear(hub, port,
			    ps->ps_change & (UPS_C_RESET | UPS_C_BH_RESET));
			usb_delay_ms(UHUB_RESET_RECOVERY_MS);
			return uhub_port_status(hub, port, ps);
		}
	}
	aprint_error(sc->sc_dev, "port %u: reset did not complete in %u ms",
	    port, UHUB_RESET_POLL_MS * UHUB_RESET_TRIES);
	return ETIMEDOUT;
}

/*
 * USB 2: clear PORT_ENABLE. USB 3 ports have no such feature; putting
 * the link in SS.Disabled would also hide the connection, so that the
 * core could neither retry the device nor see it unplugged. The port is
 * left as it is: the device has no slot and no address any more.
 */
static int
uhub_port_disable(struct usb_hub *hub, unsigned port)
{
	struct uhub_softc *sc = hub->uh_priv;

	if (sc->sc_ss)
		return 0;
	return port_feature(sc, false, UHF_PORT_ENABLE, (uint16_t)port);
}

static const struct usb_hub_ops uhub_ops = {
	.uho_port_status = uhub_port_status,
	.uho_port_clear = uhub_port_clear,
	.uho_port_reset = uhub_port_reset,
	.uho_port_disable = uhub_port_disable,
};

/* ---- the status change pipe -------------------------------------------- */

/*
 * Completion of the status xfer. It is not resubmitted here: a hub
 * answers at once while any change bit is set, so the explore thread
 * resubmits it (uhub_explore_hook) after it has looked at the ports
 * and cleared their change bits. A change in between is not lost: its
 * bit is still set when the hub is asked again.
 */
static void
uhub_intr(struct usb_xfer *x)
{
	struct uhub_softc *sc = x->ux_priv;

	if (x->ux_status == ECANCELED || x->ux_status == ENODEV)
		return;
	if (x->ux_status != 0)
		__atomic_store_n(&sc->sc_intr_err, true, __ATOMIC_RELEASE);
	__atomic_store_n(&sc->sc_intr_idle, true, __ATOMIC_RELEASE);
	usb_hub_changed(&sc->sc_hub);
}

void
uhub_explore_hook(struct usb_hub *hub)
{
	struct uhub_softc *sc = hub->uh_priv;

	if (sc->sc_ixfer == NULL ||
	    !__atomic_load_n(&sc->sc_intr_idle, __ATOMIC_ACQUIRE))
		return;
	if (__atomic_exchange_n(&sc->sc_intr_err, false, __ATOMIC_ACQ_REL)) {
		if (sc->sc_intr_restarts >= UHUB_INTR_RETRIES)
			return;
		if (++sc->sc_intr_restarts == UHUB_INTR_RETRIES) {
			aprint_error(sc->sc_dev, "status endpoint keeps "
			    "failing (error %d); ports are no longer watched",
			    sc->sc_ixfer->ux_status);
			return;
		}
		if (sc->sc_ipipe->up_halted)
			(void)usb_pipe_clear_halt(sc->sc_ipipe);
	}
	__atomic_store_n(&sc->sc_intr_idle, false, __ATOMIC_RELEASE);
	if (usb_xfer_submit(sc->sc_ixfer) != 0)
		__atomic_store_n(&sc->sc_intr_idle, true, __ATOMIC_RELEASE);
}

static int
intr_start(struct uhub_softc *sc, unsigned ifaceno)
{
	const usb_endpoint_descriptor_t *ed;
	size_t len = (sc->sc_hub.uh_nports + 1 + 7) / 8;
	int rv;

	ed = usb_find_endpoint(sc->sc_udev, ifaceno, UE_DIR_IN, UE_INTERRUPT,
	    0);
	if (ed == NULL)
		return ENOENT;
	if ((rv = usb_pipe_open(sc->sc_udev, ed, &sc->sc_ipipe)) != 0)
		return rv;
	if ((rv = usb_xfer_alloc(sc->sc_ipipe, len, &sc->sc_ixfer)) != 0)
		return rv;
	sc->sc_ixfer->ux_length = len;
	sc->sc_ixfer->ux_timeout_ms = 0;
	sc->sc_ixfer->ux_done = uhub_intr;
	sc->sc_ixfer->ux_priv = sc;
	return usb_xfer_submit(sc->sc_ixfer);
}

static void
intr_stop(struct uhub_softc *sc)
{
	if (sc->sc_ixfer != NULL)
		usb_xfer_abort(sc->sc_ixfer);
	if (sc->sc_ipipe != NULL)
		usb_pipe_close(sc->sc_ipipe);
	if (sc->sc_ixfer != NULL)
		usb_xfer_free(sc->sc_ixfer);
	sc->sc_ipipe = NULL;
	sc->sc_ixfer = NULL;
}

/* ---- attach and detach ------------------------------------------------- */

struct uhub_desc {
	unsigned hd_nports;
	unsigned hd_pwrdelay_ms;	/* bPwrOn2PwrGood */
	unsigned hd_ttt;
};

static int
read_hub_desc(struct uhub_softc *sc, struct uhub_desc *hd)
{
	usb_hub_descriptor_t d;
	uint8_t type = sc->sc_ss ? UDESC_SS_HUB : UDESC_HUB;
	size_t want = sc->sc_ss ? sizeof(usb_ss_hub_descriptor_t) : sizeof(d);
	size_t act;
	int rv;

	memset(&d, 0, sizeof(d));
	rv = hub_req(sc, UT_READ_CLASS_DEVICE, UR_GET_DESCRIPTOR,
	    (uint16_t)(type << 8), 0, &d, (uint16_t)want, &act);
	if (rv != 0) {
		aprint_error(sc->sc_dev, "hub descriptor: error %d", rv);
		return rv;
	}
	if (act < 7 || d.bDescLength < 7 || d.bDescriptorType != type ||
	    d.bNbrPorts == 0) {
		aprint_error(sc->sc_dev, "hub descriptor: bad (%zu bytes, "
		    "type 0x%02x, %u ports)", act, d.bDescriptorType,
		    d.bNbrPorts);
		return EIO;
	}
	hd->hd_nports = d.bNbrPorts;
	if (hd->hd_nports > UHUB_MAX_PORTS) {
		aprint_error(sc->sc_dev, "%u ports; using the first %u",
		    hd->hd_nports, UHUB_MAX_PORTS);
		hd->hd_nports = UHUB_MAX_PORTS;
	}
	hd->hd_pwrdelay_ms = 2U * d.bPwrOn2PwrGood;
	hd->hd_ttt = UHD_TT_THINK(UGETW(d.wHubCharacteristics));
	return 0;
}

/* Tell the hub and the controller what it is, power the ports. */
static int
hub_setup(struct uhub_softc *sc, const struct uhub_desc *hd)
{
	struct usb_device *dev = sc->sc_udev;
	const struct usb_bus_methods *m = dev->ud_bus->ub_methods;
	int rv;

	if (sc->sc_ss && (rv = hub_req(sc, UT_WRITE_CLASS_DEVICE,
	    UR_SET_HUB_DEPTH, (uint16_t)dev->ud_depth, 0, NULL, 0, NULL))) {
		aprint_error(sc->sc_dev, "set hub depth: error %d", rv);
		return rv;
	}
	if (m->ubm_dev_set_hub != NULL &&
	    (rv = m->ubm_dev_set_hub(dev, hd->hd_nports,
	    dev->ud_speed == USB_SPEED_HIGH ? hd->hd_ttt : 0, false))) {
		aprint_error(sc->sc_dev, "controller: hub setup error %d", rv);
		return rv;
	}
	for (unsigned p = 1; p <= hd->hd_nports; p++)
		if ((rv = port_feature(sc, true, UHF_PORT_POWER,
		    (uint16_t)p)) != 0) {
			aprint_error(sc->sc_dev, "port %u: power on: error %d",
			    p, rv);
			return rv;
		}
	usb_delay_ms(hd->hd_pwrdelay_ms < 20 ? 20 : hd->hd_pwrdelay_ms);
	return 0;
}

static int
uhub_match(device_t parent, void *aux)
{
	(void)parent;
	return usb_match_ids(uhub_ids, aux);
}

static void
uhub_attach(device_t parent, device_t self, void *aux)
{
	struct uhub_softc *sc = device_private(self);
	struct usb_attach_arg *uaa = aux;
	struct usb_device *dev = uaa->uaa_dev;
	struct uhub_desc hd;
	int rv;

	(void)parent;
	sc->sc_dev = self;
	sc->sc_udev = dev;
	sc->sc_ss = dev->ud_speed >= USB_SPEED_SUPER;
	if (dev->ud_depth + 1 > USB_MAX_DEPTH) {
		aprint_error(self, "too many hub tiers; ports not used");
		return;
	}
	if (read_hub_desc(sc, &hd) != 0 || hub_setup(sc, &hd) != 0)
		return;
	sc->sc_hub.uh_ops = &uhub_ops;
	sc->sc_hub.uh_priv = sc;
	sc->sc_hub.uh_nports = hd.hd_nports;
	sc->sc_hub.uh_ss = sc->sc_ss;
	if ((rv = usb_hub_init(&sc->sc_hub, dev->ud_bus, dev)) != 0) {
		aprint_error(self, "out of memory");
		return;
	}
	if ((rv = intr_start(sc, uaa->uaa_ifaceno)) != 0)
		aprint_error(self, "status endpoint: error %d; hot plug below "
		    "this hub will not be seen", rv);
	aprint_normal(self, "%s hub, %u port%s", sc->sc_ss ? "USB 3" :
	    "USB 2", hd.hd_nports, hd.hd_nports == 1 ? "" : "s");
	usb_tree_lock();
	dev->ud_hub = &sc->sc_hub;
	usb_tree_unlock();
	usb_hub_changed(&sc->sc_hub);
}

static int
uhub_detach(device_t self, int flags)
{
	struct uhub_softc *sc = device_private(self);
	struct usb_hub *hub = &sc->sc_hub;

	(void)flags;
	if (sc->sc_udev == NULL || sc->sc_udev->ud_hub != hub) {
		intr_stop(sc);
		usb_hub_fini(hub);
		return 0;
	}
	for (unsigned p = 1; p <= hub->uh_nports; p++)
		if (hub->uh_children[p] != NULL)
			usb_dev_detach(hub->uh_children[p], false);
	intr_stop(sc);
	usb_tree_lock();
	sc->sc_udev->ud_hub = NULL;
	usb_tree_unlock();
	usb_hub_fini(hub);
	return 0;
}

static const struct cfdriver uhub_cd = {
	.cd_name = "uhub",
	.cd_attachto = USB_ATTR,
	.cd_softc_size = sizeof(struct uhub_softc),
	.cd_match = uhub_match,
	.cd_attach = uhub_attach,
	.cd_detach = uhub_detach,
};
CFDRIVER_DECLARE(uhub_cd);
