/*
 * xHCI rings (xHCI 1.2, 4.9): DMA memory, producer rings (the command
 * ring and the transfer rings: TRBs, a link TRB that toggles the cycle,
 * the cycle bit as the ownership flag), command submission with a
 * bounded wait (and the command ring abort when a command does not
 * finish), and the event ring with its one-entry segment table,
 * consumed by the interrupt handler of interrupter 0.
 *
 * A TD goes onto a ring with its first TRB's cycle bit still wrong; it
 * is flipped last, after the rest is written and synced, so that the
 * controller never sees half a TD.
 *
 * The event handler holds sc_lock while it dispatches events; finished
 * xfers go on a list that is handed to usb_xfer_done after the lock is
 * dropped, so that their callbacks may submit again.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/bus.h>
#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/mutex.h>

#include "xhcivar.h"

#define CMD_ABORT_WAIT_MS 1000

/* ---- DMA memory ---- */

/*
 * Zeroed DMA memory of len bytes. align 0: the smallest power of two
 * from 64 up to 4 KiB that holds len, so that a structure of up to a
 * page never crosses a page boundary (contexts, DCBAA: 6.1, table 6-1).
 */
int
xhci_dma_alloc(struct xhci_softc *sc, struct xhci_dma *d, bus_size_t len,
    bus_size_t align)
{
	bus_dma_tag_t t = sc->sc_dmat;
	int rseg, rv;

	if (align == 0)
		for (align = 64; align < len && align < 4096; align <<= 1)
			;
	memset(d, 0, sizeof(*d));
	d->xd_len = len;
	if ((rv = bus_dmamem_alloc(t, len, align, &d->xd_seg, 1, &rseg,
	    BUS_DMA_WAITOK)) != 0)
		return rv;
	if ((rv = bus_dmamem_map(t, &d->xd_seg, 1, len, &d->xd_va,
	    BUS_DMA_WAITOK)) != 0)
		goto fail_mem;
	if ((rv = bus_dmamap_create(t, len, 1, len, 0, BUS_DMA_WAITOK,
	    &d->xd_map)) != 0)
		goto fail_map;
	if ((rv = bus_dmamap_load(t, d->xd_map, d->xd_va, len,
	    BUS_DMA_WAITOK)) != 0)
		goto fail_create;
	d->xd_pa = d->xd_map->dm_segs[0].ds_addr;
	if (!sc->sc_ac64 && d->xd_pa + len > ((uint64_t)1 << 32)) {
		aprint_error(sc->sc_dev, "DMA memory at 0x%llx is above 4 GiB "
		    "and the controller has 32-bit addresses only",
		    (unsigned long long)d->xd_pa);
		rv = ENOMEM;
		goto fail_load;
	}
	memset(d->xd_va, 0, len);
	xhci_dma_sync(sc, d, 0, len, BUS_DMASYNC_PREWRITE |
	    BUS_DMASYNC_PREREAD);
	return 0;

fail_load:
	bus_dmamap_unload(t, d->xd_map);
fail_create:
	bus_dmamap_destroy(t, d->xd_map);
fail_map:
	bus_dmamem_unmap(t, d->xd_va, len);
fail_mem:
	bus_dmamem_free(t, &d->xd_seg, 1);
	memset(d, 0, sizeof(*d));
	return rv;
}

void
xhci_dma_free(struct xhci_softc *sc, struct xhci_dma *d)
{
	bus_dma_tag_t t = sc->sc_dmat;

	if (d->xd_va == NULL)
		return;
	bus_dmamap_unload(t, d->xd_map);
	bus_dmamap_destroy(t, d->xd_map);
	bus_dmamem_unmap(t, d->xd_va, d->xd_len);
	bus_dmamem_free(t, &d->xd_seg, 1);
	memset(d, 0, sizeof(*d));
}

void
xhci_dma_sync(struct xhci_softc *sc, struct xhci_dma *d, bus_size_t off,
    bus_size_t len, int ops)
{
	bus_dmamap_sync(sc->sc_dmat, d->xd_map, off, len, ops);
}

/* ---- producer rings ---- */

/* Empty the ring: every TRB free, nothing owned, cycle 1. */
void
xhci_ring_reset(struct xhci_softc *sc, struct xhci_ring *r)
{
	struct xhci_trb *link = &r->xr_trb[r->xr_ntrb - 1];

	memset(r->xr_trb, 0, r->xr_ntrb * sizeof(struct xhci_trb));
	memset(r->xr_owner, 0, r->xr_ntrb * sizeof(void *));
	link->trb_param = xhci_le64(r->xr_dma.xd_pa);
	link->trb_flags = xhci_le32(XHCI_TRB_MKTYPE(XHCI_TRB_LINK) |
	    XHCI_TRB_TC);
	r->xr_enq = r->xr_deq = r->xr_nused = 0;
	r->xr_pcs = 1;
	xhci_dma_sync(sc, &r->xr_dma, 0, r->xr_dma.xd_len,
	    BUS_DMASYNC_PREWRITE);
}

int
xhci_ring_alloc(struct xhci_softc *sc, struct xhci_ring *r, unsigned ntrb)
{
	bus_size_t len = ntrb * sizeof(struct xhci_trb);
	int rv;

	KASSERT(ntrb >= 16 && (ntrb & (ntrb - 1)) == 0 && len <= 65536);
	memset(r, 0, sizeof(*r));
	if ((r->xr_owner = kmem_zalloc(ntrb * sizeof(void *), KM_SLEEP)) ==
	    NULL)
		return ENOMEM;
	/* Aligned to its size: the ring never crosses 64 KiB (4.9.1). */
	if ((rv = xhci_dma_alloc(sc, &r->xr_dma, len, len)) != 0) {
		kmem_free(r->xr_owner, ntrb * sizeof(void *));
		r->xr_owner = NULL;
		return rv;
	}
	r->xr_trb = r->xr_dma.xd_va;
	r->xr_ntrb = ntrb;
	xhci_ring_reset(sc, r);
	return 0;
}

void
xhci_ring_free(struct xhci_softc *sc, struct xhci_ring *r)
{
	if (r->xr_owner != NULL)
		kmem_free(r->xr_owner, r->xr_ntrb * sizeof(void *));
	xhci_dma_free(sc, &r->xr_dma);
	memset(r, 0, sizeof(*r));
}

/* The TRB after i, skipping the link TRB. */
unsigned
xhci_ring_next(const struct xhci_ring *r, unsigned i)
{
	return i + 1 >= r->xr_ntrb - 1 ? 0 : i + 1;
}

bus_addr_t
xhci_ring_pa(const struct xhci_ring *r, unsigned i)
{
	return r->xr_dma.xd_pa + (bus_addr_t)i * sizeof(struct xhci_trb);
}

/* The index of the TRB at device address pa, if it is one of ours. */
bool
xhci_ring_index(const struct xhci_ring *r, uint64_t pa, unsigned *ip)
{
	uint64_t off = pa - r->xr_dma.xd_pa;

	if (r->xr_trb == NULL || pa < r->xr_dma.xd_pa ||
	    off >= (uint64_t)(r->xr_ntrb - 1) * sizeof(struct xhci_trb) ||
	    off % sizeof(struct xhci_trb) != 0)
		return false;
	*ip = (unsigned)(off / sizeof(struct xhci_trb));
	return true;
}

/* The cycle bit that marks TRB i valid: as written, or the producer's
 * state for the enqueue position itself. */
uint32_t
xhci_ring_cycle_at(struct xhci_ring *r, unsigned i)
{
	if (i == r->xr_enq)
		return r->xr_pcs;
	return xhci_le32(r->xr_trb[i].trb_flags) & XHCI_TRB_C;
}

/* The controller is done with every TRB before end: free them. */
void
xhci_ring_release_to(struct xhci_ring *r, unsigned end)
{
	while (r->xr_deq != end && r->xr_nused > 0) {
		r->xr_deq = xhci_ring_next(r, r->xr_deq);
		r->xr_nused--;
	}
}

/* Step past TRB xr_enq; through the link TRB at the end (part of the TD
 * if chained), toggling the producer cycle. True if it wrapped. */
static bool
ring_advance(struct xhci_ring *r, bool chain)
{
	struct xhci_trb *link;
	uint32_t f;

	if (++r->xr_enq < r->xr_ntrb - 1)
		return false;
	link = &r->xr_trb[r->xr_ntrb - 1];
	f = XHCI_TRB_MKTYPE(XHCI_TRB_LINK) | XHCI_TRB_TC | r->xr_pcs;
	if (chain)
		f |= XHCI_TRB_CH;
	link->trb_flags = xhci_le32(f);
	r->xr_pcs ^= 1;
	r->xr_enq = 0;
	return true;
}

/* Hand the TRBs written from first up to xr_enq to the device; through
 * the link TRB if the writing wrapped. */
static void
ring_sync(struct xhci_softc *sc, struct xhci_ring *r, unsigned first,
    bool wrapped)
{
	const bus_size_t sz = sizeof(struct xhci_trb);

	if (!wrapped) {
		xhci_dma_sync(sc, &r->xr_dma, first * sz,
		    (r->xr_enq - first) * sz, BUS_DMASYNC_PREWRITE);
		return;
	}
	xhci_dma_sync(sc, &r->xr_dma, first * sz, (r->xr_ntrb - first) * sz,
	    BUS_DMASYNC_PREWRITE);
	if (r->xr_enq > 0)
		xhci_dma_sync(sc, &r->xr_dma, 0, r->xr_enq * sz,
		    BUS_DMASYNC_PREWRITE);
}

/*
 * Put a TD of n TRBs (host byte order, cycle bit clear, CH set on all
 * but the last as the caller wants) on the ring, owned by owner.
 * sc_lock held. ENOBUFS if the ring has no room now.
 */
int
xhci_ring_put(struct xhci_softc *sc, struct xhci_ring *r,
    const struct xhci_trb *trbs, unsigned n, void *owner, unsigned *firstp,
    unsigned *lastp)
{
	unsigned first = r->xr_enq, idx = first;
	uint32_t cycle, flags;
	bool wrapped = false;

	KASSERT(n > 0);
	if (n > r->xr_ntrb - 1 - r->xr_nused)
		return ENOBUFS;
	for (unsigned i = 0; i < n; i++) {
		idx = r->xr_enq;
		flags = trbs[i].trb_flags & ~XHCI_TRB_C;
		/* The first TRB stays invalid until the TD is complete. */
		cycle = i == 0 ? r->xr_pcs ^ 1 : r->xr_pcs;
		r->xr_trb[idx].trb_param = xhci_le64(trbs[i].trb_param);
		r->xr_trb[idx].trb_status = xhci_le32(trbs[i].trb_status);
		r->xr_trb[idx].trb_flags = xhci_le32(flags | cycle);
		r->xr_owner[idx] = owner;
		r->xr_nused++;
		wrapped |= ring_advance(r, (flags & XHCI_TRB_CH) != 0);
	}
	ring_sync(sc, r, first, wrapped);
	r->xr_trb[first].trb_flags ^= xhci_le32(XHCI_TRB_C);
	xhci_dma_sync(sc, &r->xr_dma, first * sizeof(struct xhci_trb),
	    sizeof(struct xhci_trb), BUS_DMASYNC_PREWRITE);
	*firstp = first;
	*lastp = idx;
	return 0;
}

/* ---- commands ---- */

/* sc_lock held. */
static int
cmd_submit(struct xhci_softc *sc, struct xhci_cmd *cmd)
{
	unsigned first, last;
	int rv;

	if (sc->sc_gone || !sc->sc_running)
		return ENODEV;
	cmd->xc_done = false;
	cmd->xc_cc = 0;
	if ((rv = xhci_ring_put(sc, &sc->sc_cmdring, &cmd->xc_trb, 1, cmd,
	    &first, &last)) != 0)
		return rv;
	xhci_write4(sc, sc->sc_db, XHCI_DB(0), 0);
	return 0;
}

/* Every command still on the ring finishes with cc (sc_lock held). */
static void
cmd_fail_all(struct xhci_softc *sc, uint32_t cc)
{
	struct xhci_ring *r = &sc->sc_cmdring;
	struct xhci_cmd *cmd;

	for (unsigned i = 0; i < r->xr_ntrb; i++) {
		if ((cmd = r->xr_owner[i]) == NULL)
			continue;
		r->xr_owner[i] = NULL;
		cmd->xc_cc = cc;
		cmd->xc_done = true;
	}
	cv_broadcast(&sc->sc_cmd_cv);
}

/* Wait (sc_lock held, dropped while sleeping) until *flag or ms pass. */
static bool
wait_flag(struct xhci_softc *sc, const bool *flag, unsigned ms)
{
	uint64_t deadline = kclock_ns() + (uint64_t)ms * 1000000u, now;

	while (!*flag && !sc->sc_gone) {
		if ((now = kclock_ns()) >= deadline)
			return false;
		cv_timedwait_ns(&sc->sc_cmd_cv, &sc->sc_lock, deadline - now);
	}
	return *flag;
}

/*
 * A command did not complete: abort the command ring (4.6.1.2), wait
 * for it to stop, fail what was queued and start the ring afresh at
 * its base. sc_lock held.
 */
static void
cmd_abort(struct xhci_softc *sc, const char *what)
{
	struct xhci_ring *r = &sc->sc_cmdring;
	uint64_t crcr;
	bool stuck;

	sc->sc_ncmdto++;
	aprint_error(sc->sc_dev, "command %s: no completion event after %u "
	    "ms; aborting the command ring", what, XHCI_CMD_TIMEOUT_MS);
	sc->sc_crstopped = false;
	crcr = xhci_ring_pa(r, r->xr_enq) | r->xr_pcs | XHCI_CRCR_CA;
	xhci_write8(sc, sc->sc_op, XHCI_CRCR, crcr);
	if (!wait_flag(sc, &sc->sc_crstopped, CMD_ABORT_WAIT_MS))
		aprint_error(sc->sc_dev, "no Command Ring Stopped event %u ms "
		    "after the abort", CMD_ABORT_WAIT_MS);
	mutex_exit(&sc->sc_lock);
	stuck = xhci_wait_reg(sc, sc->sc_op, XHCI_CRCR, XHCI_CRCR_CRR, 0,
	    CMD_ABORT_WAIT_MS, "the command ring to stop (CRCR.CRR)") != 0;
	mutex_enter(&sc->sc_lock);
	cmd_fail_all(sc, XHCI_CC_CMD_ABORTED);
	if (stuck) {
		/* The ring cannot be moved while it runs: no more commands. */
		aprint_error(sc->sc_dev, "command ring does not stop; no more "
		    "commands are sent to the controller");
		sc->sc_running = false;
		return;
	}
	xhci_ring_reset(sc, r);
	xhci_write8(sc, sc->sc_op, XHCI_CRCR, r->xr_dma.xd_pa | r->xr_pcs);
}

/*
 * The controller is gone: what was pending on any endpoint will never
 * complete, so it finishes now with ENODEV (once; sc_lock not held).
 */
void
xhci_gone_flush(struct xhci_softc *sc)
{
	struct xhci_donelist dl = { NULL, &dl.dl_head };
	struct xhci_slot *xs;

	if (!sc->sc_gone || sc->sc_slots == NULL ||
	    __atomic_exchange_n(&sc->sc_flushed, true, __ATOMIC_ACQ_REL))
		return;
	mutex_enter(&sc->sc_lock);
	for (unsigned id = 1; id <= sc->sc_maxslots; id++) {
		if ((xs = sc->sc_slots[id]) == NULL)
			continue;
		for (unsigned dci = 1; dci <= XHCI_MAX_DCI; dci++)
			if (xs->xs_ep[dci] != NULL)
				xhci_ep_cancel_all(sc, xs->xs_ep[dci], ENODEV,
				    &dl);
	}
	mutex_exit(&sc->sc_lock);
	xhci_done_list(dl.dl_head);
}

/*
 * Run a command and wait for its completion event (thread context).
 * 0 if it completed with Success; EIO with cmd->xc_cc set if it failed;
 * ETIMEDOUT (reported, the ring aborted), ENODEV, ENOBUFS.
 */
int
xhci_cmd_sync(struct xhci_softc *sc, struct xhci_cmd *cmd, const char *what)
{
	int rv;

	mutex_enter(&sc->sc_lock);
	if ((rv = cmd_submit(sc, cmd)) != 0) {
		mutex_exit(&sc->sc_lock);
		return rv;
	}
	if (!wait_flag(sc, &cmd->xc_done, XHCI_CMD_TIMEOUT_MS) &&
	    !sc->sc_gone)
		cmd_abort(sc, what);
	if (!cmd->xc_done) {
		/* Gone: nobody will complete it; it must not stay owned. */
		cmd_fail_all(sc, XHCI_CC_CMD_ABORTED);
		rv = ENODEV;
	} else if (cmd->xc_cc == XHCI_CC_CMD_ABORTED)
		rv = ETIMEDOUT;
	else if (cmd->xc_cc != XHCI_CC_SUCCESS)
		rv = EIO;
	mutex_exit(&sc->sc_lock);
	xhci_gone_flush(sc);
	return rv;
}

/* ---- the event ring ---- */

/*
 * One segment of XHCI_EVRING_NTRB TRBs, described by a one-entry ERST,
 * for interrupter 0 (4.9.4). Interrupts are enabled at the interrupter
 * (IMAN.IE) with moderation; USBCMD.INTE is the caller's.
 */
int
xhci_evring_init(struct xhci_softc *sc)
{
	struct xhci_erste *e;
	bus_size_t len = XHCI_EVRING_NTRB * sizeof(struct xhci_trb);
	bus_space_handle_t ir;
	int rv;

	if ((rv = xhci_dma_alloc(sc, &sc->sc_evring, len, len)) != 0)
		return rv;
	if ((rv = xhci_dma_alloc(sc, &sc->sc_erst, sizeof(*e), 64)) != 0) {
		xhci_dma_free(sc, &sc->sc_evring);
		return rv;
	}
	e = sc->sc_erst.xd_va;
	e->erst_base = xhci_le64(sc->sc_evring.xd_pa);
	e->erst_size = xhci_le32(XHCI_EVRING_NTRB);
	xhci_dma_sync(sc, &sc->sc_erst, 0, sizeof(*e), BUS_DMASYNC_PREWRITE);
	sc->sc_evdeq = 0;
	sc->sc_evccs = 1;
	bus_space_subregion(sc->sc_iot, sc->sc_rt, XHCI_IR(0), 0x20, &ir);
	xhci_write4(sc, ir, XHCI_ERSTSZ, 1);
	xhci_write8(sc, ir, XHCI_ERDP, sc->sc_evring.xd_pa);
	xhci_write8(sc, ir, XHCI_ERSTBA, sc->sc_erst.xd_pa);
	xhci_write4(sc, ir, XHCI_IMOD, XHCI_IMOD_DEFAULT);
	xhci_write4(sc, ir, XHCI_IMAN, XHCI_IMAN_IE | XHCI_IMAN_IP);
	return 0;
}

/* A Command Completion Event (sc_lock held). */
static void
ev_cmd(struct xhci_softc *sc, const struct xhci_trb *ev)
{
	struct xhci_ring *r = &sc->sc_cmdring;
	struct xhci_cmd *cmd;
	uint32_t cc = XHCI_EV_CC(ev->trb_status);
	unsigned i;

	if (cc == XHCI_CC_CMD_RING_STOPPED) {
		sc->sc_crstopped = true;
		cv_broadcast(&sc->sc_cmd_cv);
		return;
	}
	if (!xhci_ring_index(r, ev->trb_param, &i) ||
	    (cmd = r->xr_owner[i]) == NULL) {
		sc->sc_nstale++;
		return;
	}
	r->xr_owner[i] = NULL;
	xhci_ring_release_to(r, xhci_ring_next(r, i));
	cmd->xc_cc = cc;
	cmd->xc_evflags = ev->trb_flags;
	cmd->xc_done = true;
	cv_broadcast(&sc->sc_cmd_cv);
}

static void
ev_dispatch(struct xhci_softc *sc, const struct xhci_trb *ev,
    struct xhci_donelist *dl, bool *portp)
{
	uint32_t cc = XHCI_EV_CC(ev->trb_status);

	switch (XHCI_TRB_TYPE(ev->trb_flags)) {
	case XHCI_EV_TRANSFER:
		xhci_xfer_event(sc, ev, dl);
		break;
	case XHCI_EV_CMD_COMPLETE:
		ev_cmd(sc, ev);
		break;
	case XHCI_EV_PORT_CHANGE:
		*portp = true;
		break;
	case XHCI_EV_HC:
		aprint_error(sc->sc_dev, "host controller event: %s",
		    xhci_cc_name(cc));
		break;
	default:
		sc->sc_nstale++;
		break;
	}
}

/* Tell the controller how far we got (ERDP, 5.5.2.3.3). */
static void
ev_update_erdp(struct xhci_softc *sc, bool clear_busy)
{
	uint64_t v = sc->sc_evring.xd_pa +
	    (uint64_t)sc->sc_evdeq * sizeof(struct xhci_trb);

	if (clear_busy)
		v |= XHCI_ERDP_EHB;
	xhci_write8(sc, sc->sc_rt, XHCI_IR(0) + XHCI_ERDP, v);
}

/* Is there an event the handler has not consumed? (diagnostics) */
bool
xhci_event_pending(struct xhci_softc *sc)
{
	const struct xhci_trb *ring = sc->sc_evring.xd_va;
	bus_size_t off = sc->sc_evdeq * sizeof(struct xhci_trb);
	uint32_t flags;

	xhci_dma_sync(sc, &sc->sc_evring, off, sizeof(*ring),
	    BUS_DMASYNC_POSTREAD);
	flags = xhci_le32(ring[sc->sc_evdeq].trb_flags);
	xhci_dma_sync(sc, &sc->sc_evring, off, sizeof(*ring),
	    BUS_DMASYNC_PREREAD);
	return (flags & XHCI_TRB_C) == sc->sc_evccs;
}

/* Consume every valid event (sc_lock held). */
static void
ev_drain(struct xhci_softc *sc, struct xhci_donelist *dl, bool *portp)
{
	struct xhci_trb *ring = sc->sc_evring.xd_va, ev;
	bus_size_t off;
	unsigned n = 0;

	for (;;) {
		off = sc->sc_evdeq * sizeof(struct xhci_trb);
		xhci_dma_sync(sc, &sc->sc_evring, off, sizeof(ev),
		    BUS_DMASYNC_POSTREAD);
		ev.trb_flags = xhci_le32(ring[sc->sc_evdeq].trb_flags);
		ev.trb_status = xhci_le32(ring[sc->sc_evdeq].trb_status);
		ev.trb_param = xhci_le64(ring[sc->sc_evdeq].trb_param);
		xhci_dma_sync(sc, &sc->sc_evring, off, sizeof(ev),
		    BUS_DMASYNC_PREREAD);
		if ((ev.trb_flags & XHCI_TRB_C) != sc->sc_evccs)
			break;
		if (++sc->sc_evdeq == XHCI_EVRING_NTRB) {
			sc->sc_evdeq = 0;
			sc->sc_evccs ^= 1;
		}
		sc->sc_nevents++;
		ev_dispatch(sc, &ev, dl, portp);
		/* A long burst: give the controller room as we go. */
		if (++n % (XHCI_EVRING_NTRB / 4) == 0)
			ev_update_erdp(sc, false);
	}
	ev_update_erdp(sc, true);
}

static bool
intr_status(struct xhci_softc *sc, uint32_t sts)
{
	if (sts & (XHCI_STS_HSE | XHCI_STS_HCE)) {
		aprint_error(sc->sc_dev, "%s (USBSTS 0x%x); the controller "
		    "stops", (sts & XHCI_STS_HSE) ? "host system error" :
		    "host controller error", sts);
		sc->sc_running = false;
		return false;
	}
	return true;
}

/*
 * Interrupter 0 (MSI-X vector 0, MSI, or INTx, maybe shared). Returns
 * nonzero when the interrupt was ours.
 */
int
xhci_intr(void *arg)
{
	struct xhci_softc *sc = arg;
	struct xhci_donelist dl = { NULL, &dl.dl_head };
	bool port = false;
	uint32_t sts, iman;

	if (sc->sc_gone)
		return 0;
	sts = xhci_read4(sc, sc->sc_op, XHCI_USBSTS);
	iman = xhci_read4(sc, sc->sc_rt, XHCI_IR(0) + XHCI_IMAN);
	if (xhci_check_gone(sc, sts, "USBSTS in the interrupt handler") ||
	    xhci_check_gone(sc, iman, "IMAN in the interrupt handler")) {
		xhci_gone_flush(sc);
		return 1;
	}
	if (!(sts & (XHCI_STS_EINT | XHCI_STS_HSE | XHCI_STS_HCE)) &&
	    !(iman & XHCI_IMAN_IP) && sc->sc_intr == XHCI_INTR_INTX)
		return 0;
	/* Acknowledge before draining: a later event interrupts again. */
	xhci_write4(sc, sc->sc_op, XHCI_USBSTS,
	    sts & (XHCI_STS_EINT | XHCI_STS_PCD | XHCI_STS_HSE));
	xhci_write4(sc, sc->sc_rt, XHCI_IR(0) + XHCI_IMAN,
	    (iman & XHCI_IMAN_IE) | XHCI_IMAN_IP);
	sc->sc_nintr++;
	mutex_enter(&sc->sc_lock);
	if (intr_status(sc, sts))
		ev_drain(sc, &dl, &port);
	mutex_exit(&sc->sc_lock);
	xhci_done_list(dl.dl_head);
	/* Safe before the bus is attached: the core ignores it then. */
	if (port)
		usb_hub_changed(&sc->sc_rhub);
	return 1;
}
