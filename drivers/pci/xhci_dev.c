/*
 * xHCI device slots and endpoints (xHCI 1.2, 4.3 and 4.6): the bus
 * methods the USB core calls to address a device (Enable Slot, Address
 * Device with an input context: route string, root port, speed, TT hub
 * for LS/FS devices behind a HS hub), fix ep0's max packet size
 * (Evaluate Context), mark a hub (slot context hub fields through
 * Configure Endpoint), open and close pipes (Configure Endpoint: type,
 * interval, burst, average TRB length) and tear a device down (Disable
 * Slot). Transfers are in xhci_xfer.c.
 *
 * Contexts: each slot has an output device context (the controller
 * writes it; we only read it after a POSTREAD sync) and an input
 * context that we fill before each command that takes one. Those
 * commands are serialized by sc_cfg_lock. xs_sctx keeps the slot
 * context's first dwords as we set them, so that every input slot
 * context is built from our own values, never read back.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/bus.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/mutex.h>

#include "xhcivar.h"

#define XHCI_DEVCTX_N 32		/* slot + 31 endpoints */
#define XHCI_INCTX_N 33			/* + input control context */

/* ---- contexts ---- */

/* Input context entry idx (0: control, 1: slot, 1 + dci), or device
 * context entry idx (0: slot, dci), as dwords. */
void *
xhci_ctx(struct xhci_slot *xs, bool input, unsigned idx)
{
	struct xhci_dma *d = input ? &xs->xs_in : &xs->xs_out;

	return (uint8_t *)d->xd_va + idx * xs->xs_sc->sc_ctxsize;
}

static void
ctx_put(uint32_t *ctx, unsigned dw, uint32_t v)
{
	ctx[dw] = xhci_le32(v);
}

/* The endpoint's state as the controller last wrote it (sc_lock held
 * or not: a read of the device context). */
uint32_t
xhci_ep_hwstate(struct xhci_softc *sc, struct xhci_ep *xe)
{
	struct xhci_slot *xs = xe->xe_slot;
	uint32_t *ctx;

	xhci_dma_sync(sc, &xs->xs_out, xe->xe_dci * sc->sc_ctxsize,
	    sc->sc_ctxsize, BUS_DMASYNC_POSTREAD);
	ctx = xhci_ctx(xs, false, xe->xe_dci);
	return XHCI_EPCTX_STATE(xhci_le32(ctx[0]));
}

void
xhci_ep_doorbell(struct xhci_softc *sc, struct xhci_ep *xe)
{
	xhci_write4(sc, sc->sc_db, XHCI_DB(xe->xe_slot->xs_id), xe->xe_dci);
}

unsigned
xhci_dci(const struct usb_pipe *pipe)
{
	unsigned num = UE_GET_ADDR(pipe->up_epaddr);

	if (pipe->up_type == UE_CONTROL)
		return num * 2 + 1;
	return num * 2 + (UE_GET_DIR(pipe->up_epaddr) == UE_DIR_IN ? 1 : 0);
}

/* The pipe's endpoint, NULL if none (sc_lock held). */
struct xhci_ep *
xhci_pipe_ep(struct usb_pipe *pipe)
{
	struct xhci_slot *xs = pipe->up_dev->ud_hcpriv;
	unsigned dci = xhci_dci(pipe);

	if (xs == NULL || dci > XHCI_MAX_DCI)
		return NULL;
	return xs->xs_ep[dci];
}

/* Context Entries: the highest DCI in use, counting extra too. */
static unsigned
slot_entries(const struct xhci_slot *xs, unsigned extra, unsigned drop)
{
	unsigned n = extra;

	for (unsigned dci = 1; dci <= XHCI_MAX_DCI; dci++)
		if (xs->xs_ep[dci] != NULL && dci != drop && dci > n)
			n = dci;
	return n == 0 ? 1 : n;
}

/* A fresh input context: control flags and the slot context. */
static void
inctx_begin(struct xhci_slot *xs, uint32_t drop, uint32_t add,
    unsigned entries)
{
	uint32_t *ctl = xhci_ctx(xs, true, 0), *slot = xhci_ctx(xs, true, 1);

	memset(xs->xs_in.xd_va, 0, xs->xs_in.xd_len);
	ctx_put(ctl, XHCI_ICTX_DROP, drop);
	ctx_put(ctl, XHCI_ICTX_ADD, add);
	ctx_put(slot, 0, (xs->xs_sctx[0] & ~XHCI_SCTX_ENTRIES_MASK) |
	    XHCI_SCTX_ENTRIES(entries));
	ctx_put(slot, 1, xs->xs_sctx[1]);
	ctx_put(slot, 2, xs->xs_sctx[2]);
}

/* Run a command that takes the slot's input context (cfg lock held).
 * Failures are reported with the device's place. */
static int
inctx_cmd(struct xhci_slot *xs, unsigned type, uint32_t extra,
    const char *what)
{
	struct xhci_softc *sc = xs->xs_sc;
	struct xhci_cmd cmd;
	int rv;

	KASSERT(mutex_owned(&sc->sc_cfg_lock));
	xhci_dma_sync(sc, &xs->xs_in, 0, xs->xs_in.xd_len,
	    BUS_DMASYNC_PREWRITE);
	memset(&cmd, 0, sizeof(cmd));
	cmd.xc_trb.trb_param = xs->xs_in.xd_pa;
	cmd.xc_trb.trb_flags = XHCI_TRB_MKTYPE(type) |
	    XHCI_TRB_SLOT(xs->xs_id) | extra;
	if ((rv = xhci_cmd_sync(sc, &cmd, what)) != 0)
		aprint_error(sc->sc_dev, "%s: %s (slot %u) failed: %s",
		    xs->xs_dev->ud_where, what, xs->xs_id, rv == EIO ?
		    xhci_cc_name(cmd.xc_cc) : rv == ETIMEDOUT ? "timed out" :
		    "controller gone");
	return rv;
}

/* ---- endpoint contexts ---- */

/* Endpoint context Interval: 2^n * 125 us (6.2.3.6). */
static unsigned
ep_interval(enum usb_speed sp, uint8_t type, uint8_t bint)
{
	unsigned iv;

	if (type == UE_CONTROL || type == UE_BULK)
		return 0;
	if (sp >= USB_SPEED_HIGH || type == UE_ISOCHRONOUS) {
		/* 2^(bInterval-1) (micro)frames */
		iv = bint == 0 ? 0 : bint - 1u;
		if (sp < USB_SPEED_HIGH)
			iv += 3;
		return iv > 15 ? 15 : iv;
	}
	/* LS/FS interrupt: bInterval in ms, rounded down to 2^n * 125 us */
	if (bint == 0)
		bint = 1;
	for (iv = 3; iv < 10 && (1u << (iv + 1)) <= bint * 8u; iv++)
		;
	return iv;
}

static unsigned
ep_ctxtype(uint8_t type, bool in)
{
	switch (type) {
	case UE_CONTROL:
		return XHCI_EPT_CONTROL;
	case UE_ISOCHRONOUS:
		return in ? XHCI_EPT_ISOC_IN : XHCI_EPT_ISOC_OUT;
	case UE_BULK:
		return in ? XHCI_EPT_BULK_IN : XHCI_EPT_BULK_OUT;
	default:
		return in ? XHCI_EPT_INTR_IN : XHCI_EPT_INTR_OUT;
	}
}

/* Fill the endpoint context of xe (pipe NULL: ep0) in the input
 * context. The ring's dequeue is where the ring stands now. */
static void
ep_fill(struct xhci_ep *xe, const struct usb_pipe *pipe)
{
	struct xhci_slot *xs = xe->xe_slot;
	enum usb_speed sp = xs->xs_dev->ud_speed;
	uint32_t *ctx = xhci_ctx(xs, true, 1 + xe->xe_dci);
	unsigned burst = 0, mult = 0, esit = 0, avg = 8, iv = 0;
	bool periodic = xe->xe_type == UE_INTERRUPT ||
	    xe->xe_type == UE_ISOCHRONOUS;
	struct xhci_ring *r = &xe->xe_ring;

	if (pipe != NULL) {
		iv = ep_interval(sp, xe->xe_type, pipe->up_interval);
		if (sp >= USB_SPEED_SUPER) {
			burst = pipe->up_maxburst;
			if (xe->xe_type == UE_ISOCHRONOUS)
				mult = pipe->up_mult;
		} else if (sp == USB_SPEED_HIGH && periodic)
			burst = pipe->up_mult;
		if (periodic)
			esit = xe->xe_mps * (burst + 1) * (mult + 1);
		avg = xe->xe_type != UE_INTERRUPT ? 3072 :
		    esit < 1024 ? esit : 1024;
	}
	ctx_put(ctx, 0, XHCI_EPCTX_MULT(mult) | XHCI_EPCTX_INTERVAL(iv) |
	    XHCI_EPCTX_ESIT_HI(esit));
	ctx_put(ctx, 1, XHCI_EPCTX_CERR(xe->xe_type == UE_ISOCHRONOUS ? 0 : 3) |
	    XHCI_EPCTX_TYPE(ep_ctxtype(xe->xe_type, xe->xe_in)) |
	    XHCI_EPCTX_BURST(burst) | XHCI_EPCTX_MPS(xe->xe_mps));
	ctx_put(ctx, 2, (uint32_t)xhci_ring_pa(r, r->xr_enq) | r->xr_pcs);
	ctx_put(ctx, 3, (uint32_t)(xhci_ring_pa(r, r->xr_enq) >> 32));
	ctx_put(ctx, 4, XHCI_EPCTX_AVGLEN(avg) | XHCI_EPCTX_ESIT_LO(esit));
}

static struct xhci_ep *
ep_alloc(struct xhci_slot *xs, unsigned dci, uint8_t type, bool in,
    unsigned mps)
{
	struct xhci_ep *xe;

	if ((xe = kmem_zalloc(sizeof(*xe), KM_SLEEP)) == NULL)
		return NULL;
	if (xhci_ring_alloc(xs->xs_sc, &xe->xe_ring, XHCI_RING_NTRB) != 0) {
		kmem_free(xe, sizeof(*xe));
		return NULL;
	}
	xe->xe_slot = xs;
	xe->xe_dci = dci;
	xe->xe_type = type;
	xe->xe_in = in;
	xe->xe_mps = mps;
	xe->xe_state = XE_RUNNING;
	return xe;
}

static void
ep_free(struct xhci_softc *sc, struct xhci_ep *xe)
{
	xhci_ring_free(sc, &xe->xe_ring);
	kmem_free(xe, sizeof(*xe));
}

/* ---- slots ---- */

static void
slot_free(struct xhci_softc *sc, struct xhci_slot *xs)
{
	for (unsigned dci = 0; dci <= XHCI_MAX_DCI; dci++)
		if (xs->xs_ep[dci] != NULL)
			ep_free(sc, xs->xs_ep[dci]);
	xhci_dma_free(sc, &xs->xs_in);
	xhci_dma_free(sc, &xs->xs_out);
	kmem_free(xs, sizeof(*xs));
}

static int
slot_alloc(struct xhci_softc *sc, struct usb_device *dev, unsigned mps0,
    struct xhci_slot **xsp)
{
	struct xhci_slot *xs;

	if ((xs = kmem_zalloc(sizeof(*xs), KM_SLEEP)) == NULL)
		return ENOMEM;
	xs->xs_sc = sc;
	xs->xs_dev = dev;
	if (xhci_dma_alloc(sc, &xs->xs_out, XHCI_DEVCTX_N * sc->sc_ctxsize,
	    0) != 0 || xhci_dma_alloc(sc, &xs->xs_in, XHCI_INCTX_N *
	    sc->sc_ctxsize, 0) != 0 ||
	    (xs->xs_ep[1] = ep_alloc(xs, 1, UE_CONTROL, false, mps0)) == NULL) {
		slot_free(sc, xs);
		return ENOMEM;
	}
	*xsp = xs;
	return 0;
}

/* Enable Slot (4.6.3): a slot ID of the root port's slot type. */
static int
slot_enable(struct xhci_softc *sc, struct usb_device *dev,
    const struct xhci_proto *xp, unsigned *idp)
{
	struct xhci_cmd cmd;
	unsigned id;
	int rv;

	memset(&cmd, 0, sizeof(cmd));
	cmd.xc_trb.trb_flags = XHCI_TRB_MKTYPE(XHCI_CMD_ENABLE_SLOT) |
	    ((uint32_t)xp->xp_slottype << 16);
	if ((rv = xhci_cmd_sync(sc, &cmd, "Enable Slot")) != 0) {
		aprint_error(sc->sc_dev, "%s: Enable Slot failed: %s",
		    dev->ud_where, rv == EIO ? xhci_cc_name(cmd.xc_cc) :
		    "no completion");
		return rv == EIO && cmd.xc_cc == XHCI_CC_NO_SLOTS ? ENOSPC : rv;
	}
	id = XHCI_TRB_GET_SLOT(cmd.xc_evflags);
	if (id == 0 || id > sc->sc_maxslots || sc->sc_slots[id] != NULL) {
		aprint_error(sc->sc_dev, "%s: Enable Slot gave slot %u, which "
		    "is not free", dev->ud_where, id);
		return EIO;
	}
	*idp = id;
	return 0;
}

static void
slot_disable(struct xhci_softc *sc, unsigned id, const char *where)
{
	struct xhci_cmd cmd;
	int rv;

	memset(&cmd, 0, sizeof(cmd));
	cmd.xc_trb.trb_flags = XHCI_TRB_MKTYPE(XHCI_CMD_DISABLE_SLOT) |
	    XHCI_TRB_SLOT(id);
	if ((rv = xhci_cmd_sync(sc, &cmd, "Disable Slot")) != 0 && !sc->sc_gone)
		aprint_error(sc->sc_dev, "%s: Disable Slot %u failed: %s",
		    where, id, rv == EIO ? xhci_cc_name(cmd.xc_cc) :
		    "no completion");
}

/* Our slot context dwords for a new device (6.2.2). */
static void
slot_sctx(struct xhci_softc *sc, struct xhci_slot *xs,
    const struct xhci_proto *xp)
{
	struct usb_device *dev = xs->xs_dev;
	struct xhci_slot *tt;
	unsigned psiv = 0;

	if (dev->ud_depth == 0)
		psiv = XHCI_PS_SPEED(xhci_read4(sc, sc->sc_op,
		    XHCI_PORTSC(dev->ud_rootport)));
	if (psiv == 0 || xhci_psiv_speed(xp, psiv) != dev->ud_speed)
		psiv = xhci_speed_psiv(xp, dev->ud_speed);
	xs->xs_sctx[0] = XHCI_SCTX_ROUTE(dev->ud_route) |
	    XHCI_SCTX_SPEED(psiv);
	xs->xs_sctx[1] = XHCI_SCTX_RHPORT(dev->ud_rootport);
	xs->xs_sctx[2] = 0;
	tt = dev->ud_tt_hub != NULL ? dev->ud_tt_hub->ud_hcpriv : NULL;
	if (tt != NULL) {
		xs->xs_sctx[2] = XHCI_SCTX_TT_SLOT(tt->xs_id) |
		    XHCI_SCTX_TT_PORT(dev->ud_tt_port);
		if (tt->xs_mtt)
			xs->xs_sctx[0] |= XHCI_SCTX_MTT;
	}
}

/* Address Device (4.6.5): slot and ep0 contexts; SET_ADDRESS sent. */
static int
slot_address(struct xhci_softc *sc, struct xhci_slot *xs,
    const struct xhci_proto *xp)
{
	uint32_t *out;
	int rv;

	slot_sctx(sc, xs, xp);
	inctx_begin(xs, 0, 0x3, 1);
	ep_fill(xs->xs_ep[1], NULL);
	if ((rv = inctx_cmd(xs, XHCI_CMD_ADDRESS_DEVICE, 0,
	    "Address Device")) != 0)
		return rv;
	xhci_dma_sync(sc, &xs->xs_out, 0, sc->sc_ctxsize,
	    BUS_DMASYNC_POSTREAD);
	out = xhci_ctx(xs, false, 0);
	xs->xs_dev->ud_addr = (uint8_t)XHCI_SCTX_ADDR(xhci_le32(out[3]));
	return 0;
}

/* Publish the slot to the event handler and the controller. */
static void
slot_install(struct xhci_softc *sc, struct xhci_slot *xs, bool on)
{
	uint64_t *dcbaa = sc->sc_dcbaa.xd_va;

	mutex_enter(&sc->sc_lock);
	sc->sc_slots[xs->xs_id] = on ? xs : NULL;
	dcbaa[xs->xs_id] = on ? xhci_le64(xs->xs_out.xd_pa) : 0;
	xhci_dma_sync(sc, &sc->sc_dcbaa, xs->xs_id * sizeof(uint64_t),
	    sizeof(uint64_t), BUS_DMASYNC_PREWRITE);
	mutex_exit(&sc->sc_lock);
}

static int
xhci_dev_setup(struct usb_device *dev, unsigned mps0)
{
	struct xhci_softc *sc = dev->ud_bus->ub_hcpriv;
	const struct xhci_proto *xp = xhci_port_proto(sc, dev->ud_rootport);
	struct xhci_slot *xs = NULL;
	unsigned id;
	int rv;

	if (xp == NULL || dev->ud_hcpriv != NULL || mps0 == 0)
		return EINVAL;
	mutex_enter(&sc->sc_cfg_lock);
	if ((rv = slot_enable(sc, dev, xp, &id)) != 0)
		goto out;
	if ((rv = slot_alloc(sc, dev, mps0, &xs)) != 0) {
		slot_disable(sc, id, dev->ud_where);
		goto out;
	}
	xs->xs_id = id;
	slot_install(sc, xs, true);
	if ((rv = slot_address(sc, xs, xp)) != 0) {
		slot_disable(sc, id, dev->ud_where);
		slot_install(sc, xs, false);
		slot_free(sc, xs);
		goto out;
	}
	dev->ud_hcpriv = xs;
	if (dev->ud_pipe0 != NULL)
		dev->ud_pipe0->up_hcpriv = xs->xs_ep[1];
out:
	mutex_exit(&sc->sc_cfg_lock);
	return rv;
}

/* Evaluate Context (4.6.7): ep0's max packet size. */
static int
xhci_dev_set_mps0(struct usb_device *dev, unsigned mps0)
{
	struct xhci_softc *sc = dev->ud_bus->ub_hcpriv;
	struct xhci_slot *xs = dev->ud_hcpriv;
	int rv;

	if (xs == NULL)
		return ENODEV;
	if (mps0 == 0)
		return EINVAL;
	if (mps0 == xs->xs_ep[1]->xe_mps)
		return 0;
	mutex_enter(&sc->sc_cfg_lock);
	xs->xs_ep[1]->xe_mps = mps0;
	inctx_begin(xs, 0, 0x2, slot_entries(xs, 0, 0));
	ep_fill(xs->xs_ep[1], NULL);
	rv = inctx_cmd(xs, XHCI_CMD_EVALUATE_CTX, 0, "Evaluate Context");
	mutex_exit(&sc->sc_cfg_lock);
	return rv;
}

/* The slot context's hub fields (6.2.2), through Configure Endpoint
 * with only the slot context added. */
static int
xhci_dev_set_hub(struct usb_device *dev, unsigned nports, unsigned ttt,
    bool mtt)
{
	struct xhci_softc *sc = dev->ud_bus->ub_hcpriv;
	struct xhci_slot *xs = dev->ud_hcpriv;
	int rv;

	if (xs == NULL)
		return ENODEV;
	mutex_enter(&sc->sc_cfg_lock);
	xs->xs_sctx[0] |= XHCI_SCTX_HUB;
	xs->xs_sctx[1] = (xs->xs_sctx[1] & 0x00ffffff) |
	    XHCI_SCTX_NPORTS(nports);
	if (dev->ud_speed == USB_SPEED_HIGH) {
		xs->xs_mtt = mtt;
		if (mtt)
			xs->xs_sctx[0] |= XHCI_SCTX_MTT;
		xs->xs_sctx[2] = (xs->xs_sctx[2] & ~XHCI_SCTX_TTT(3)) |
		    XHCI_SCTX_TTT(ttt & 3);
	}
	inctx_begin(xs, 0, 0x1, slot_entries(xs, 0, 0));
	rv = inctx_cmd(xs, XHCI_CMD_CONFIGURE_EP, 0,
	    "Configure Endpoint (hub)");
	mutex_exit(&sc->sc_cfg_lock);
	return rv;
}

static void
xhci_dev_teardown(struct usb_device *dev)
{
	struct xhci_softc *sc = dev->ud_bus->ub_hcpriv;
	struct xhci_slot *xs = dev->ud_hcpriv;
	struct xhci_donelist dl = { NULL, &dl.dl_head };

	if (xs == NULL)
		return;
	mutex_enter(&sc->sc_cfg_lock);
	/* The controller lets go of every endpoint of the slot. */
	slot_disable(sc, xs->xs_id, dev->ud_where);
	mutex_enter(&sc->sc_lock);
	for (unsigned dci = 1; dci <= XHCI_MAX_DCI; dci++)
		if (xs->xs_ep[dci] != NULL)
			xhci_ep_cancel_all(sc, xs->xs_ep[dci], ECANCELED, &dl);
	mutex_exit(&sc->sc_lock);
	slot_install(sc, xs, false);
	dev->ud_hcpriv = NULL;
	if (dev->ud_pipe0 != NULL)
		dev->ud_pipe0->up_hcpriv = NULL;
	mutex_exit(&sc->sc_cfg_lock);
	xhci_done_list(dl.dl_head);
	slot_free(sc, xs);
}

/* ---- pipes ---- */

static int
xhci_pipe_open(struct usb_pipe *pipe)
{
	struct usb_device *dev = pipe->up_dev;
	struct xhci_softc *sc = dev->ud_bus->ub_hcpriv;
	struct xhci_slot *xs = dev->ud_hcpriv;
	unsigned dci = xhci_dci(pipe);
	struct xhci_ep *xe;
	int rv;

	if (xs == NULL)
		return ENODEV;
	if (pipe->up_type == UE_ISOCHRONOUS) {
		aprint_error(sc->sc_dev, "%s: isochronous endpoints are not "
		    "supported", dev->ud_where);
		return EINVAL;
	}
	if (dci < 2 || dci > XHCI_MAX_DCI || xs->xs_ep[dci] != NULL ||
	    pipe->up_mps == 0)
		return EINVAL;
	xe = ep_alloc(xs, dci, pipe->up_type,
	    UE_GET_DIR(pipe->up_epaddr) == UE_DIR_IN, pipe->up_mps);
	if (xe == NULL)
		return ENOMEM;
	mutex_enter(&sc->sc_cfg_lock);
	inctx_begin(xs, 0, 0x1 | (1u << dci), slot_entries(xs, dci, 0));
	ep_fill(xe, pipe);
	if ((rv = inctx_cmd(xs, XHCI_CMD_CONFIGURE_EP, 0,
	    "Configure Endpoint (add)")) == 0) {
		mutex_enter(&sc->sc_lock);
		xs->xs_ep[dci] = xe;
		pipe->up_hcpriv = xe;
		mutex_exit(&sc->sc_lock);
	}
	mutex_exit(&sc->sc_cfg_lock);
	if (rv != 0)
		ep_free(sc, xe);
	return rv;
}

static void
xhci_pipe_close(struct usb_pipe *pipe)
{
	struct usb_device *dev = pipe->up_dev;
	struct xhci_softc *sc = dev->ud_bus->ub_hcpriv;
	struct xhci_slot *xs = dev->ud_hcpriv;
	struct xhci_donelist dl = { NULL, &dl.dl_head };
	unsigned dci = xhci_dci(pipe);
	struct xhci_ep *xe;

	if (xs == NULL || dci < 2 || dci > XHCI_MAX_DCI ||
	    (xe = xs->xs_ep[dci]) == NULL)
		return;
	mutex_enter(&sc->sc_cfg_lock);
	/* Dropping the endpoint stops it; nothing completes after. */
	inctx_begin(xs, 1u << dci, 0x1, slot_entries(xs, 0, dci));
	(void)inctx_cmd(xs, XHCI_CMD_CONFIGURE_EP, 0,
	    "Configure Endpoint (drop)");
	mutex_enter(&sc->sc_lock);
	xhci_ep_cancel_all(sc, xe, ECANCELED, &dl);
	xs->xs_ep[dci] = NULL;
	pipe->up_hcpriv = NULL;
	mutex_exit(&sc->sc_lock);
	mutex_exit(&sc->sc_cfg_lock);
	xhci_done_list(dl.dl_head);
	ep_free(sc, xe);
}

const struct usb_bus_methods xhci_bus_methods = {
	.ubm_dev_setup = xhci_dev_setup,
	.ubm_dev_set_mps0 = xhci_dev_set_mps0,
	.ubm_dev_set_hub = xhci_dev_set_hub,
	.ubm_dev_teardown = xhci_dev_teardown,
	.ubm_pipe_open = xhci_pipe_open,
	.ubm_pipe_close = xhci_pipe_close,
	.ubm_pipe_reset = xhci_pipe_reset,
	.ubm_xfer_start = xhci_xfer_start,
	.ubm_xfer_abort = xhci_xfer_abort,
};
