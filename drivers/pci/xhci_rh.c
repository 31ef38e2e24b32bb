/*
 * The xHCI root hub (xHCI 1.2, 4.19 and 5.4.8): its ports are the
 * controller's PORTSC registers 1..MaxPorts; a port speaks the protocol
 * (USB 2 or USB 3) of the Supported Protocol capability that lists it,
 * and a port no capability lists is reported empty. Port status and
 * change bits are translated to the hub class bits the core uses
 * (UPS_*), speeds from the protocol's speed IDs (PSI dwords, or the
 * default IDs when it has none).
 *
 * Resets: a USB 2 port is reset (PR) and waited for (PRC) with a bound,
 * then given the 10 ms reset recovery time. A USB 3 port trains by
 * itself and is usually enabled already; one that is connected but not
 * enabled gets a bounded wait for link training, then a warm reset
 * (WPR, waiting for WRC).
 *
 * PORTSC writes keep the preserved bits (power, indicators, wake
 * enables) and write 0 to the change bits and PED except those meant.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/klog.h>

#include "xhcivar.h"

#define RH_RESET_MS 500			/* PR/WPR until PRC/WRC */
#define RH_TRAIN_MS 400			/* USB 3 link training */
#define RH_RECOVERY_MS 10		/* TRSTRCY, USB 2.0 7.1.7.5 */
#define RH_POWER_MS 20

/* ---- speeds ---- */

static enum usb_speed
bps_speed(uint64_t bps)
{
	if (bps == 0)
		return USB_SPEED_UNKNOWN;
	if (bps <= 1500000)
		return USB_SPEED_LOW;
	if (bps <= 12000000)
		return USB_SPEED_FULL;
	if (bps <= 480000000)
		return USB_SPEED_HIGH;
	if (bps <= 5000000000ull)
		return USB_SPEED_SUPER;
	return USB_SPEED_SUPER_PLUS;
}

static enum usb_speed
psi_speed(uint32_t psi)
{
	static const uint64_t unit[4] = { 1, 1000, 1000000, 1000000000 };

	return bps_speed(XHCI_PSI_PSIM(psi) * unit[XHCI_PSI_PSIE(psi)]);
}

const struct xhci_proto *
xhci_port_proto(struct xhci_softc *sc, unsigned port)
{
	if (port == 0 || port > sc->sc_maxports || sc->sc_portproto == NULL ||
	    sc->sc_portproto[port] == 0)
		return NULL;
	return &sc->sc_proto[sc->sc_portproto[port] - 1];
}

/* A protocol speed ID (PORTSC, slot context) as a USB speed. */
enum usb_speed
xhci_psiv_speed(const struct xhci_proto *xp, unsigned psiv)
{
	if (xp == NULL || psiv == 0)
		return USB_SPEED_UNKNOWN;
	for (unsigned i = 0; i < xp->xp_npsi; i++)
		if (XHCI_PSI_PSIV(xp->xp_psi[i]) == psiv)
			return psi_speed(xp->xp_psi[i]);
	switch (psiv) {
	case XHCI_SPEED_FULL:
		return USB_SPEED_FULL;
	case XHCI_SPEED_LOW:
		return USB_SPEED_LOW;
	case XHCI_SPEED_HIGH:
		return USB_SPEED_HIGH;
	case XHCI_SPEED_SUPER:
		return USB_SPEED_SUPER;
	default:
		return psiv <= 7 ? USB_SPEED_SUPER_PLUS : USB_SPEED_UNKNOWN;
	}
}

/* The speed ID for a device of speed sp behind a port of protocol xp. */
unsigned
xhci_speed_psiv(const struct xhci_proto *xp, enum usb_speed sp)
{
	for (unsigned i = 0; xp != NULL && i < xp->xp_npsi; i++)
		if (XHCI_PSI_PLT(xp->xp_psi[i]) == 0 &&
		    psi_speed(xp->xp_psi[i]) == sp)
			return XHCI_PSI_PSIV(xp->xp_psi[i]);
	switch (sp) {
	case USB_SPEED_LOW:
		return XHCI_SPEED_LOW;
	case USB_SPEED_FULL:
		return XHCI_SPEED_FULL;
	case USB_SPEED_HIGH:
		return XHCI_SPEED_HIGH;
	case USB_SPEED_SUPER:
		return XHCI_SPEED_SUPER;
	default:
		return XHCI_SPEED_SUPER_PLUS;
	}
}

/* ---- PORTSC ---- */

static int
port_read(struct xhci_softc *sc, unsigned port, uint32_t *vp)
{
	if (sc->sc_gone)
		return ENODEV;
	*vp = xhci_read4(sc, sc->sc_op, XHCI_PORTSC(port));
	if (xhci_check_gone(sc, *vp, "PORTSC")) {
		xhci_gone_flush(sc);
		return ENODEV;
	}
	return 0;
}

/* Write bits (change bits to clear, PR, WPR, PED, PP) keeping the
 * preserved ones as they are in v. */
static void
port_write(struct xhci_softc *sc, unsigned port, uint32_t v, uint32_t bits)
{
	xhci_write4(sc, sc->sc_op, XHCI_PORTSC(port),
	    (v & XHCI_PS_PRESERVE) | bits);
}

static uint16_t
ps_status(const struct xhci_proto *xp, uint32_t v, enum usb_speed sp)
{
	uint16_t s = 0;

	if (v & XHCI_PS_CCS)
		s |= UPS_CURRENT_CONNECT;
	if (v & XHCI_PS_PED)
		s |= UPS_PORT_ENABLED;
	if (v & XHCI_PS_OCA)
		s |= UPS_OVERCURRENT;
	if (v & (XHCI_PS_PR | XHCI_PS_WPR))
		s |= UPS_RESET;
	if (xp->xp_major >= 3) {
		if (v & XHCI_PS_PP)
			s |= UPS_SS_PORT_POWER;
		return s | (uint16_t)(XHCI_PS_PLS(v) << 5);
	}
	if (v & XHCI_PS_PP)
		s |= UPS_PORT_POWER;
	if (XHCI_PS_PLS(v) == XHCI_PLS_U3)
		s |= UPS_SUSPEND;
	if ((v & XHCI_PS_PED) && sp == USB_SPEED_LOW)
		s |= UPS_LOW_SPEED;
	if ((v & XHCI_PS_PED) && sp == USB_SPEED_HIGH)
		s |= UPS_HIGH_SPEED;
	return s;
}

/* PORTSC change bits <-> UPS_C_* (the link state change is a resume
 * on USB 2 ports). */
static const struct {
	uint32_t xhci;
	uint16_t ups;
} change_map[] = {
	{ XHCI_PS_CSC, UPS_C_CONNECT },
	{ XHCI_PS_PEC, UPS_C_ENABLE },
	{ XHCI_PS_OCC, UPS_C_OVERCURRENT },
	{ XHCI_PS_PRC, UPS_C_RESET },
	{ XHCI_PS_WRC, UPS_C_BH_RESET },
	{ XHCI_PS_CEC, UPS_C_CONFIG_ERROR },
};

static uint16_t
ps_change(const struct xhci_proto *xp, uint32_t v)
{
	uint16_t c = 0;

	for (size_t i = 0; i < sizeof(change_map) / sizeof(change_map[0]); i++)
		if (v & change_map[i].xhci)
			c |= change_map[i].ups;
	if (v & XHCI_PS_PLC)
		c |= xp->xp_major >= 3 ? UPS_C_LINK_STATE : UPS_C_SUSPEND;
	return c;
}

static uint32_t
ps_change_bits(const struct xhci_proto *xp, uint16_t c)
{
	uint32_t bits = 0;

	for (size_t i = 0; i < sizeof(change_map) / sizeof(change_map[0]); i++)
		if (c & change_map[i].ups)
			bits |= change_map[i].xhci;
	if (c & (xp->xp_major >= 3 ? UPS_C_LINK_STATE : UPS_C_SUSPEND))
		bits |= XHCI_PS_PLC;
	return bits;
}

/* ---- hub ops ---- */

static int
rh_status(struct usb_hub *hub, unsigned port, struct usb_port_status *ps)
{
	struct xhci_softc *sc = hub->uh_priv;
	const struct xhci_proto *xp = xhci_port_proto(sc, port);
	uint32_t v;
	int rv;

	ps->ps_status = ps->ps_change = 0;
	ps->ps_speed = USB_SPEED_UNKNOWN;
	if (port == 0 || port > sc->sc_maxports)
		return EINVAL;
	if (xp == NULL)
		return 0;		/* a port no protocol lists: empty */
	if ((rv = port_read(sc, port, &v)) != 0)
		return rv;
	if (v & XHCI_PS_CCS)
		ps->ps_speed = xhci_psiv_speed(xp, XHCI_PS_SPEED(v));
	ps->ps_status = ps_status(xp, v, ps->ps_speed);
	ps->ps_change = ps_change(xp, v);
	return 0;
}

static int
rh_clear(struct usb_hub *hub, unsigned port, uint16_t change)
{
	struct xhci_softc *sc = hub->uh_priv;
	const struct xhci_proto *xp = xhci_port_proto(sc, port);
	uint32_t v;
	int rv;

	if (xp == NULL)
		return port == 0 || port > sc->sc_maxports ? EINVAL : 0;
	if ((rv = port_read(sc, port, &v)) != 0)
		return rv;
	port_write(sc, port, v, ps_change_bits(xp, change) & v);
	return 0;
}

/* Set bit (PR or WPR), wait for the change bit done; clear changes. */
static int
port_do_reset(struct xhci_softc *sc, unsigned port, uint32_t bit,
    uint32_t done, const char *kind)
{
	char what[64];
	uint32_t v;
	int rv;

	if ((rv = port_read(sc, port, &v)) != 0)
		return rv;
	port_write(sc, port, v, bit);
	ksnprintf(what, sizeof(what), "the %s of port %u (PORTSC.%s)", kind,
	    port, done == XHCI_PS_WRC ? "WRC" : "PRC");
	rv = xhci_wait_reg(sc, sc->sc_op, XHCI_PORTSC(port), done, done,
	    RH_RESET_MS, what);
	if (rv != ENODEV && port_read(sc, port, &v) == 0)
		port_write(sc, port, v, v & (XHCI_PS_PRC | XHCI_PS_WRC));
	return rv;
}

/* Poll quietly for the port to be enabled, at most ms. */
static bool
port_wait_enabled(struct xhci_softc *sc, unsigned port, unsigned ms)
{
	uint32_t v;

	for (unsigned waited = 0;; waited++) {
		if (port_read(sc, port, &v) != 0 || !(v & XHCI_PS_CCS))
			return false;
		if (v & XHCI_PS_PED)
			return true;
		if (waited >= ms)
			return false;
		xhci_delay_ms(1);
	}
}

static int
rh_reset_usb3(struct xhci_softc *sc, unsigned port, uint32_t v)
{
	int rv;

	if (v & XHCI_PS_PED)
		return 0;		/* trained by itself */
	if ((XHCI_PS_PLS(v) == XHCI_PLS_POLLING ||
	    XHCI_PS_PLS(v) == XHCI_PLS_RXDETECT) &&
	    port_wait_enabled(sc, port, RH_TRAIN_MS))
		return 0;
	aprint_normal(sc->sc_dev, "port %u: USB 3 link not up (link state "
	    "%u); warm reset", port, XHCI_PS_PLS(v));
	if ((rv = port_do_reset(sc, port, XHCI_PS_WPR, XHCI_PS_WRC,
	    "warm reset")) != 0)
		return rv;
	(void)port_wait_enabled(sc, port, RH_TRAIN_MS);
	return 0;
}

static int
rh_reset(struct usb_hub *hub, unsigned port, struct usb_port_status *ps)
{
	struct xhci_softc *sc = hub->uh_priv;
	const struct xhci_proto *xp = xhci_port_proto(sc, port);
	uint32_t v;
	int rv;

	if (xp == NULL)
		return EINVAL;
	if ((rv = port_read(sc, port, &v)) != 0)
		return rv;
	if (v & XHCI_PS_CCS) {
		if (xp->xp_major >= 3)
			rv = rh_reset_usb3(sc, port, v);
		else if ((rv = port_do_reset(sc, port, XHCI_PS_PR,
		    XHCI_PS_PRC, "reset")) == 0)
			xhci_delay_ms(RH_RECOVERY_MS);
		if (rv != 0)
			return rv;
	}
	return rh_status(hub, port, ps);
}

static int
rh_disable(struct usb_hub *hub, unsigned port)
{
	struct xhci_softc *sc = hub->uh_priv;
	uint32_t v;
	int rv;

	if (xhci_port_proto(sc, port) == NULL)
		return EINVAL;
	if ((rv = port_read(sc, port, &v)) != 0)
		return rv;
	if (v & XHCI_PS_PED)
		port_write(sc, port, v, XHCI_PS_PED);
	return 0;
}

const struct usb_hub_ops xhci_rh_ops = {
	.uho_port_status = rh_status,
	.uho_port_clear = rh_clear,
	.uho_port_reset = rh_reset,
	.uho_port_disable = rh_disable,
};

/* Power the ports if the controller lets software switch them (PPC). */
void
xhci_rh_power(struct xhci_softc *sc)
{
	bool any = false;
	uint32_t v;

	if (!(sc->sc_hcc1 & XHCI_HCC_PPC))
		return;
	for (unsigned port = 1; port <= sc->sc_maxports; port++) {
		if (xhci_port_proto(sc, port) == NULL ||
		    port_read(sc, port, &v) != 0 || (v & XHCI_PS_PP))
			continue;
		port_write(sc, port, v, XHCI_PS_PP);
		any = true;
	}
	if (any)
		xhci_delay_ms(RH_POWER_MS);
}
