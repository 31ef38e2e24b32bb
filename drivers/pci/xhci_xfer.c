/*
 * xHCI transfers (xHCI 1.2, 4.11 and 4.6.9-10): building TDs on an
 * endpoint's transfer ring, finishing xfers from Transfer Events,
 * recovering halted endpoints (Reset Endpoint + Set TR Dequeue
 * Pointer) and aborting xfers (Stop Endpoint, the TD turned into No Op
 * TRBs, the dequeue pointer moved past it when the controller was in
 * it).
 *
 * TDs: control transfers are a Setup TRB (the request as immediate
 * data), the data stage (a Data Stage TRB, then Normal TRBs, chained)
 * and a Status TRB with IOC; bulk and interrupt transfers are Normal
 * TRBs, chained, IOC on the last. Data is split so that no TRB crosses
 * a 64 KiB boundary. Every data TRB has ISP.
 *
 * Completion: an xfer finishes on the event for its last TRB, on a
 * Short Packet event before it (bulk/interrupt: the controller skips
 * the rest of the TD; controllers that still report the last TRB then
 * find it unowned and the event is dropped as stale), or on an error.
 * A short control data stage is remembered and the xfer finishes on
 * the status stage's event. ux_actlen comes from the TRB lengths up to
 * the event's TRB minus the event's residue.
 *
 * Errors: stall -> EPIPE; babble, transaction, split transaction, data
 * buffer and other errors -> EIO. After stall, babble and transaction
 * errors the endpoint is halted: no doorbell until ubm_pipe_reset.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/bus.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/mutex.h>

#include "xhcivar.h"

#define XHCI_TD_MAXTRB 64		/* 4 MiB minus a bit per xfer */

/* ---- building TDs ---- */

/*
 * Data TRBs for len bytes at pa into t (at most max): the first of
 * type first_type, the rest Normal, all chained to what follows.
 * Returns the count, 0 if max is too small.
 */
static unsigned
td_data(struct xhci_trb *t, unsigned max, bus_addr_t pa, size_t len,
    unsigned mps, uint32_t first_type)
{
	size_t done = 0, chunk;
	unsigned n = 0;

	do {
		if (n == max)
			return 0;
		chunk = XHCI_TRB_MAXLEN - (pa & (XHCI_TRB_MAXLEN - 1));
		if (chunk > len - done)
			chunk = len - done;
		t[n].trb_param = pa;
		t[n].trb_status = XHCI_TRB_LEN(chunk) | XHCI_TRB_TDSIZE(
		    (len - done - chunk + mps - 1) / mps);
		t[n].trb_flags = XHCI_TRB_MKTYPE(n == 0 ? first_type :
		    XHCI_TRB_NORMAL) | XHCI_TRB_ISP | XHCI_TRB_CH;
		pa += chunk;
		done += chunk;
		n++;
	} while (done < len);
	return n;
}

/* The setup packet as the TRB's immediate data, byte 0 lowest. */
static uint64_t
setup_param(const usb_device_request_t *req)
{
	const uint8_t *b = (const uint8_t *)req;
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | b[i];
	return v;
}

static unsigned
td_control(struct usb_xfer *xfer, struct xhci_ep *xe, struct xhci_trb *t)
{
	bool in = (xfer->ux_req.bmRequestType & UT_READ) != 0;
	size_t len = xfer->ux_length;
	unsigned n = 1, nd = 0;

	memset(t, 0, 3 * sizeof(*t));
	t[0].trb_param = setup_param(&xfer->ux_req);
	t[0].trb_status = XHCI_TRB_LEN(8);
	t[0].trb_flags = XHCI_TRB_MKTYPE(XHCI_TRB_SETUP) | XHCI_TRB_IDT |
	    (len == 0 ? 0 : in ? XHCI_TRB_TRT_IN : XHCI_TRB_TRT_OUT);
	if (len > 0) {
		nd = td_data(&t[1], XHCI_TD_MAXTRB - 2, xfer->ux_bufaddr, len,
		    xe->xe_mps, XHCI_TRB_DATA);
		if (nd == 0)
			return 0;
		if (in)
			t[1].trb_flags |= XHCI_TRB_DIR_IN;
		t[nd].trb_flags &= ~XHCI_TRB_CH;	/* end of the stage */
		n += nd;
	}
	memset(&t[n], 0, sizeof(t[n]));
	t[n].trb_flags = XHCI_TRB_MKTYPE(XHCI_TRB_STATUS) | XHCI_TRB_IOC |
	    (len == 0 || !in ? XHCI_TRB_DIR_IN : 0);
	return n + 1;
}

static unsigned
td_bulk(struct usb_xfer *xfer, struct xhci_ep *xe, struct xhci_trb *t)
{
	size_t len = xfer->ux_length;
	unsigned n;

	n = td_data(t, XHCI_TD_MAXTRB - 1, xfer->ux_bufaddr, len, xe->xe_mps,
	    XHCI_TRB_NORMAL);
	if (n == 0)
		return 0;
	/* OUT ending on a packet boundary: a zero-length packet too. */
	if (!xe->xe_in && (xfer->ux_flags & USBD_FORCE_SHORT_XFER) &&
	    len > 0 && len % xe->xe_mps == 0) {
		memset(&t[n], 0, sizeof(t[n]));
		t[n].trb_flags = XHCI_TRB_MKTYPE(XHCI_TRB_NORMAL) |
		    XHCI_TRB_CH;
		n++;
	}
	t[n - 1].trb_flags = (t[n - 1].trb_flags & ~XHCI_TRB_CH) |
	    XHCI_TRB_IOC;
	return n;
}

static int
xfer_dir_ops(struct usb_xfer *xfer, struct xhci_ep *xe, bool post)
{
	bool in = xe->xe_type == UE_CONTROL ?
	    (xfer->ux_req.bmRequestType & UT_READ) != 0 : xe->xe_in;

	if (post)
		return in ? BUS_DMASYNC_POSTREAD : BUS_DMASYNC_POSTWRITE;
	return in ? BUS_DMASYNC_PREREAD : BUS_DMASYNC_PREWRITE;
}

static void
xfer_sync(struct xhci_softc *sc, struct usb_xfer *xfer, struct xhci_ep *xe,
    bool post)
{
	if (xfer->ux_length > 0 && xfer->ux_dmamap != NULL)
		bus_dmamap_sync(sc->sc_dmat, xfer->ux_dmamap, 0,
		    xfer->ux_length, xfer_dir_ops(xfer, xe, post));
}

/* May the endpoint's doorbell be rung? (sc_lock held) */
static bool
ep_can_run(const struct xhci_ep *xe)
{
	return xe->xe_state == XE_RUNNING && !xe->xe_aborting;
}

int
xhci_xfer_start(struct usb_xfer *xfer)
{
	struct usb_pipe *pipe = xfer->ux_pipe;
	struct xhci_softc *sc = pipe->up_dev->ud_bus->ub_hcpriv;
	struct xhci_xfer *xx = XHCI_XFER(xfer);
	struct xhci_trb t[XHCI_TD_MAXTRB];
	struct xhci_ep *xe;
	unsigned n, first, last;
	int rv = ENODEV;

	if (xfer->ux_length > xfer->ux_bufsize)
		return EINVAL;
	mutex_enter(&sc->sc_lock);
	if (sc->sc_gone || !sc->sc_running || (xe = xhci_pipe_ep(pipe)) == NULL)
		goto out;
	n = xe->xe_type == UE_CONTROL ? td_control(xfer, xe, t) :
	    td_bulk(xfer, xe, t);
	rv = EINVAL;
	if (n == 0) {
		aprint_error(sc->sc_dev, "%s: transfer of %zu bytes needs more "
		    "than %u TRBs", pipe->up_dev->ud_where, xfer->ux_length,
		    XHCI_TD_MAXTRB);
		goto out;
	}
	xfer_sync(sc, xfer, xe, false);
	memset(xx, 0, sizeof(*xx));
	if ((rv = xhci_ring_put(sc, &xe->xe_ring, t, n, xfer, &first,
	    &last)) != 0)
		goto out;
	xx->xx_first = (uint16_t)first;
	xx->xx_last = (uint16_t)last;
	xfer->ux_hcpriv = xe;
	xe->xe_npend++;
	if (ep_can_run(xe))
		xhci_ep_doorbell(sc, xe);
out:
	mutex_exit(&sc->sc_lock);
	return rv;
}

/* ---- completion ---- */

static bool
is_data_trb(uint32_t flags)
{
	unsigned type = XHCI_TRB_TYPE(flags);

	return type == XHCI_TRB_NORMAL || type == XHCI_TRB_DATA;
}

/* Bytes moved by the TD's data TRBs up to TRB i, whose residue is
 * given (sc_lock held). */
static size_t
td_actlen(struct xhci_ring *r, struct usb_xfer *xfer, unsigned i,
    uint32_t residue)
{
	struct xhci_xfer *xx = XHCI_XFER(xfer);
	size_t sum = 0;
	uint32_t flags, len;
	unsigned j = xx->xx_first;

	for (unsigned guard = 0; guard < r->xr_ntrb; guard++) {
		flags = xhci_le32(r->xr_trb[j].trb_flags);
		len = XHCI_TRB_GET_LEN(xhci_le32(r->xr_trb[j].trb_status));
		if (is_data_trb(flags))
			sum += j != i ? len : len > residue ? len - residue : 0;
		if (j == i || j == xx->xx_last)
			break;
		j = xhci_ring_next(r, j);
	}
	return sum > xfer->ux_length ? xfer->ux_length : sum;
}

static int
cc_errno(uint32_t cc)
{
	switch (cc) {
	case XHCI_CC_SUCCESS:
	case XHCI_CC_SHORT_PACKET:
		return 0;
	case XHCI_CC_STALL:
		return EPIPE;
	default:
		return EIO;
	}
}

static bool
cc_halts(uint32_t cc)
{
	return cc == XHCI_CC_STALL || cc == XHCI_CC_BABBLE ||
	    cc == XHCI_CC_TRANSACTION || cc == XHCI_CC_SPLIT_TRANSACTION;
}

static void
done_add(struct xhci_donelist *dl, struct usb_xfer *xfer)
{
	XHCI_XFER(xfer)->xx_next = NULL;
	*dl->dl_tail = xfer;
	dl->dl_tail = &XHCI_XFER(xfer)->xx_next;
}

/* The TD's TRBs belong to nobody now (sc_lock held). */
static void
td_disown(struct xhci_ring *r, struct usb_xfer *xfer)
{
	struct xhci_xfer *xx = XHCI_XFER(xfer);
	unsigned j = xx->xx_first;

	for (unsigned guard = 0; guard < r->xr_ntrb; guard++) {
		if (r->xr_owner[j] == xfer)
			r->xr_owner[j] = NULL;
		if (j == xx->xx_last)
			break;
		j = xhci_ring_next(r, j);
	}
}

/* xfer ended at TRB i (sc_lock held). */
static void
xfer_finish(struct xhci_softc *sc, struct xhci_ep *xe, struct usb_xfer *xfer,
    unsigned i, uint32_t cc, size_t actlen, struct xhci_donelist *dl)
{
	struct xhci_ring *r = &xe->xe_ring;

	td_disown(r, xfer);
	xhci_ring_release_to(r, xhci_ring_next(r, i));
	xe->xe_npend--;
	if (cc != XHCI_CC_SUCCESS && cc != XHCI_CC_SHORT_PACKET &&
	    (cc_halts(cc) || xhci_ep_hwstate(sc, xe) == XHCI_EPST_HALTED)) {
		xe->xe_state = XE_HALTED;
		xe->xe_resume = xhci_ring_next(r, XHCI_XFER(xfer)->xx_last);
	}
	xfer_sync(sc, xfer, xe, true);
	xfer->ux_status = cc_errno(cc);
	xfer->ux_actlen = actlen;
	xfer->ux_hcpriv = NULL;
	done_add(dl, xfer);
}

/* A Transfer Event (sc_lock held). */
void
xhci_xfer_event(struct xhci_softc *sc, const struct xhci_trb *ev,
    struct xhci_donelist *dl)
{
	unsigned slot = XHCI_TRB_GET_SLOT(ev->trb_flags), i;
	unsigned dci = XHCI_TRB_GET_EP(ev->trb_flags);
	uint32_t cc = XHCI_EV_CC(ev->trb_status);
	uint32_t residue = XHCI_EV_LEN(ev->trb_status);
	struct xhci_slot *xs;
	struct xhci_ep *xe = NULL;
	struct usb_xfer *xfer = NULL;
	struct xhci_xfer *xx;
	bool ctl;

	if (slot >= 1 && slot <= sc->sc_maxslots &&
	    (xs = sc->sc_slots[slot]) != NULL)
		xe = xs->xs_ep[dci];
	if (xe == NULL || (ev->trb_flags & XHCI_TRB_ED) ||
	    !xhci_ring_index(&xe->xe_ring, ev->trb_param, &i) ||
	    (xfer = xe->xe_ring.xr_owner[i]) == NULL) {
		sc->sc_nstale++;
		return;
	}
	xx = XHCI_XFER(xfer);
	ctl = xe->xe_type == UE_CONTROL;
	switch (cc) {
	case XHCI_CC_STOPPED:
	case XHCI_CC_STOPPED_LEN_INVALID:
	case XHCI_CC_STOPPED_SHORT:
		return;		/* stopped for an abort; not finished */
	case XHCI_CC_SUCCESS:
		if (i != xx->xx_last)
			return;
		break;
	case XHCI_CC_SHORT_PACKET:
		if (ctl && i != xx->xx_last) {
			/* The status stage still runs; its event ends it. */
			xx->xx_flags |= XX_SHORT;
			xx->xx_actlen = (uint32_t)td_actlen(&xe->xe_ring, xfer,
			    i, residue);
			return;
		}
		break;
	}
	xfer_finish(sc, xe, xfer, i, cc, (ctl && (xx->xx_flags & XX_SHORT)) ?
	    xx->xx_actlen : td_actlen(&xe->xe_ring, xfer, i, residue), dl);
}

void
xhci_done_list(struct usb_xfer *x)
{
	struct usb_xfer *next;

	for (; x != NULL; x = next) {
		next = XHCI_XFER(x)->xx_next;
		usb_xfer_done(x);
	}
}

/*
 * Every xfer on the endpoint's ring finishes with status; the ring is
 * emptied. Only for an endpoint the controller no longer runs (slot
 * disabled, endpoint dropped). sc_lock held.
 */
void
xhci_ep_cancel_all(struct xhci_softc *sc, struct xhci_ep *xe, int status,
    struct xhci_donelist *dl)
{
	struct xhci_ring *r = &xe->xe_ring;
	struct usb_xfer *xfer;
	unsigned j = r->xr_deq;

	for (unsigned k = 0; k < r->xr_nused; k++, j = xhci_ring_next(r, j)) {
		if ((xfer = r->xr_owner[j]) == NULL)
			continue;
		td_disown(r, xfer);
		xfer->ux_status = status;
		xfer->ux_actlen = 0;
		xfer->ux_hcpriv = NULL;
		done_add(dl, xfer);
	}
	xhci_ring_reset(sc, r);
	xe->xe_npend = 0;
	xe->xe_state = XE_RUNNING;
}

/* ---- halted endpoints and aborts ---- */

/* A command on one endpoint (Reset Endpoint, Stop Endpoint). */
static int
ep_cmd(struct xhci_softc *sc, struct xhci_ep *xe, unsigned type,
    const char *what, uint32_t *ccp)
{
	struct xhci_cmd cmd;
	int rv;

	memset(&cmd, 0, sizeof(cmd));
	cmd.xc_trb.trb_flags = XHCI_TRB_MKTYPE(type) |
	    XHCI_TRB_EP(xe->xe_dci) | XHCI_TRB_SLOT(xe->xe_slot->xs_id);
	rv = xhci_cmd_sync(sc, &cmd, what);
	*ccp = cmd.xc_cc;
	return rv;
}

static void
ep_cmd_failed(struct xhci_softc *sc, struct xhci_ep *xe, const char *what,
    int rv, uint32_t cc)
{
	aprint_error(sc->sc_dev, "%s: %s (endpoint %u) failed: %s",
	    xe->xe_slot->xs_dev->ud_where, what, xe->xe_dci, rv == EIO ?
	    xhci_cc_name(cc) : rv == ETIMEDOUT ? "timed out" : "no controller");
}

/* Set TR Dequeue Pointer (4.6.10) to TRB idx; the endpoint is stopped.
 * sc_cfg_lock held. */
static int
ep_set_deq(struct xhci_softc *sc, struct xhci_ep *xe, unsigned idx)
{
	struct xhci_ring *r = &xe->xe_ring;
	struct xhci_cmd cmd;
	int rv;

	memset(&cmd, 0, sizeof(cmd));
	mutex_enter(&sc->sc_lock);
	cmd.xc_trb.trb_param = xhci_ring_pa(r, idx) |
	    xhci_ring_cycle_at(r, idx);
	mutex_exit(&sc->sc_lock);
	cmd.xc_trb.trb_flags = XHCI_TRB_MKTYPE(XHCI_CMD_SET_TR_DEQ) |
	    XHCI_TRB_EP(xe->xe_dci) | XHCI_TRB_SLOT(xe->xe_slot->xs_id);
	if ((rv = xhci_cmd_sync(sc, &cmd, "Set TR Dequeue Pointer")) != 0)
		ep_cmd_failed(sc, xe, "Set TR Dequeue Pointer", rv, cmd.xc_cc);
	return rv;
}

/* Let the endpoint run again if it has work (sc_lock held). */
static void
ep_kick(struct xhci_softc *sc, struct xhci_ep *xe)
{
	if (xe->xe_npend > 0 && ep_can_run(xe))
		xhci_ep_doorbell(sc, xe);
}

/*
 * After a halt (4.8.3): Reset Endpoint, then the dequeue pointer past
 * the TD that failed; queued xfers run on. Nothing to do when the
 * endpoint is not halted.
 */
int
xhci_pipe_reset(struct usb_pipe *pipe)
{
	struct xhci_softc *sc = pipe->up_dev->ud_bus->ub_hcpriv;
	struct xhci_ep *xe;
	unsigned resume;
	uint32_t cc;
	int rv = 0;

	mutex_enter(&sc->sc_cfg_lock);
	mutex_enter(&sc->sc_lock);
	xe = xhci_pipe_ep(pipe);
	mutex_exit(&sc->sc_lock);
	if (xe == NULL) {
		rv = ENODEV;
		goto out;
	}
	if (xe->xe_state != XE_HALTED &&
	    xhci_ep_hwstate(sc, xe) != XHCI_EPST_HALTED)
		goto out;
	rv = ep_cmd(sc, xe, XHCI_CMD_RESET_EP, "Reset Endpoint", &cc);
	if (rv != 0 && !(rv == EIO && cc == XHCI_CC_CONTEXT_STATE)) {
		ep_cmd_failed(sc, xe, "Reset Endpoint", rv, cc);
		goto out;
	}
	resume = xe->xe_state == XE_HALTED ? xe->xe_resume :
	    xe->xe_ring.xr_deq;
	rv = ep_set_deq(sc, xe, resume);
	mutex_enter(&sc->sc_lock);
	if (rv == 0)
		xhci_ring_release_to(&xe->xe_ring, resume);
	xe->xe_state = XE_RUNNING;
	ep_kick(sc, xe);
	mutex_exit(&sc->sc_lock);
out:
	mutex_exit(&sc->sc_cfg_lock);
	return rv;
}

/* Where the stopped controller stands on the ring; false if unknown. */
static bool
ep_hwdeq(struct xhci_softc *sc, struct xhci_ep *xe, unsigned *idxp)
{
	struct xhci_slot *xs = xe->xe_slot;
	struct xhci_ring *r = &xe->xe_ring;
	uint32_t *ctx;
	uint64_t pa;

	xhci_dma_sync(sc, &xs->xs_out, xe->xe_dci * sc->sc_ctxsize,
	    sc->sc_ctxsize, BUS_DMASYNC_POSTREAD);
	ctx = xhci_ctx(xs, false, xe->xe_dci);
	pa = ((uint64_t)xhci_le32(ctx[3]) << 32 | xhci_le32(ctx[2])) &
	    ~(uint64_t)0xf;
	if (pa == xhci_ring_pa(r, r->xr_ntrb - 1)) {
		*idxp = 0;	/* on the link TRB: next is TRB 0 */
		return true;
	}
	return xhci_ring_index(r, pa, idxp);
}

/* Turn the xfer's TD into No Op TRBs nobody owns; true if TRB idx is
 * one of them (sc_lock held, the endpoint not running). */
static bool
td_cut(struct xhci_softc *sc, struct xhci_ring *r, struct usb_xfer *xfer,
    unsigned idx)
{
	struct xhci_xfer *xx = XHCI_XFER(xfer);
	struct xhci_trb *t;
	unsigned j = xx->xx_first;
	uint32_t keep;
	bool inside = false;

	for (unsigned guard = 0; guard < r->xr_ntrb; guard++) {
		t = &r->xr_trb[j];
		keep = xhci_le32(t->trb_flags) & (XHCI_TRB_C | XHCI_TRB_CH);
		t->trb_param = 0;
		t->trb_status = 0;
		t->trb_flags = xhci_le32(keep | XHCI_TRB_MKTYPE(XHCI_TRB_NOOP));
		r->xr_owner[j] = NULL;
		inside |= j == idx;
		if (j == xx->xx_last)
			break;
		j = xhci_ring_next(r, j);
	}
	xhci_dma_sync(sc, &r->xr_dma, 0, r->xr_dma.xd_len,
	    BUS_DMASYNC_PREWRITE);
	return inside;
}

/*
 * Take the xfer off the ring (sc_lock held, endpoint stopped or
 * halted). Returns UNLINK_MOVE when the dequeue pointer must be set to
 * *resumep (the controller's own position, to make it forget what it
 * cached), UNLINK_SKIP when that position is past the TD because the
 * controller stood inside it (what lies before is consumed), and
 * UNLINK_NONE when the endpoint is halted: ubm_pipe_reset moves it.
 */
#define UNLINK_NONE 0
#define UNLINK_MOVE 1
#define UNLINK_SKIP 2
static int
xfer_unlink(struct xhci_softc *sc, struct xhci_ep *xe, struct usb_xfer *xfer,
    unsigned *resumep)
{
	struct xhci_ring *r = &xe->xe_ring;
	unsigned hw = r->xr_deq, last = XHCI_XFER(xfer)->xx_last;
	bool known, inside;

	known = ep_hwdeq(sc, xe, &hw);
	inside = td_cut(sc, r, xfer, hw);
	xe->xe_npend--;
	xfer->ux_status = ECANCELED;
	xfer->ux_actlen = 0;
	xfer->ux_hcpriv = NULL;
	if (xe->xe_state == XE_HALTED ||
	    xhci_ep_hwstate(sc, xe) == XHCI_EPST_HALTED)
		return UNLINK_NONE;
	if (inside || !known) {
		*resumep = xhci_ring_next(r, last);
		return UNLINK_SKIP;
	}
	*resumep = hw;
	return UNLINK_MOVE;
}

void
xhci_xfer_abort(struct usb_xfer *xfer)
{
	struct xhci_softc *sc = xfer->ux_pipe->up_dev->ud_bus->ub_hcpriv;
	struct xhci_ep *xe;
	unsigned resume = 0;
	int move = UNLINK_NONE;
	uint32_t cc;
	int rv;

	mutex_enter(&sc->sc_cfg_lock);
	mutex_enter(&sc->sc_lock);
	xe = xhci_pipe_ep(xfer->ux_pipe);
	if (xe == NULL || xfer->ux_hcpriv != xe) {
		/* Finished already: usb_xfer_done ran or will run. */
		mutex_exit(&sc->sc_lock);
		mutex_exit(&sc->sc_cfg_lock);
		return;
	}
	xe->xe_aborting = true;
	mutex_exit(&sc->sc_lock);
	if (xe->xe_state != XE_HALTED && (rv = ep_cmd(sc, xe,
	    XHCI_CMD_STOP_EP, "Stop Endpoint", &cc)) != 0 &&
	    !(rv == EIO && cc == XHCI_CC_CONTEXT_STATE))
		ep_cmd_failed(sc, xe, "Stop Endpoint", rv, cc);
	mutex_enter(&sc->sc_lock);
	if (xfer->ux_hcpriv != xe)
		xfer = NULL;	/* it finished while the endpoint stopped */
	else
		move = xfer_unlink(sc, xe, xfer, &resume);
	mutex_exit(&sc->sc_lock);
	if (move != UNLINK_NONE && ep_set_deq(sc, xe, resume) == 0 &&
	    move == UNLINK_SKIP) {
		mutex_enter(&sc->sc_lock);
		xhci_ring_release_to(&xe->xe_ring, resume);
		mutex_exit(&sc->sc_lock);
	}
	mutex_enter(&sc->sc_lock);
	xe->xe_aborting = false;
	ep_kick(sc, xe);
	mutex_exit(&sc->sc_lock);
	mutex_exit(&sc->sc_cfg_lock);
	if (xfer != NULL) {
		xfer_sync(sc, xfer, xe, true);
		usb_xfer_done(xfer);
	}
}
