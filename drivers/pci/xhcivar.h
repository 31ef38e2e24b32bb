/*
 * xHCI host controller driver: the softc and what the driver's files
 * share (xhci.c attach and setup, xhci_ring.c rings, commands and the
 * event ring, xhci_dev.c slots, contexts and pipes, xhci_xfer.c
 * transfers, xhci_rh.c the root hub).
 *
 * Locking: sc_lock (adaptive) protects every ring (command ring,
 * transfer rings, the event ring's dequeue state), the slot table,
 * endpoint state and the commands in flight. The interrupt handler
 * takes it while it drains the event ring and drops it before it calls
 * usb_xfer_done or usb_hub_changed. sc_cfg_lock serializes the
 * commands that use a slot's input context (Address Device, Configure
 * Endpoint, Evaluate Context) and the teardown of slots; it is taken
 * before sc_lock and held across the command's wait.
 *
 * Ring invariants (struct xhci_ring): TRBs 0..ntrb-2 hold work, ntrb-1
 * is a link TRB back to 0 that toggles the cycle. The TRBs from xr_deq
 * up to (not including) xr_enq, xr_nused of them, are the device's or
 * not yet known to be consumed; the rest are free. xr_owner[i] is the
 * xfer (or command) that TRB i belongs to, NULL when nobody waits for
 * it any more: an event that points at an unowned TRB is stale.
 */
#ifndef XHCIVAR_H
#define XHCIVAR_H

#include <stdbool.h>
#include <stdint.h>

#include <dev/usb/usbdi.h>
#include <kern/bus.h>
#include <kern/condvar.h>
#include <kern/device.h>
#include <kern/mutex.h>
#include <pci/pci.h>

#include "xhcireg.h"

#define XHCI_RING_NTRB 256		/* one 4 KiB page per ring */
#define XHCI_EVRING_NTRB 256
#define XHCI_CMD_TIMEOUT_MS 5000
#define XHCI_IMOD_DEFAULT 160		/* 40 us between interrupts */
#define XHCI_MAXPROTO 8
#define XHCI_MAXPSI 16

struct xhci_softc;
struct xhci_ih;

/* One physically contiguous piece of DMA memory, mapped and loaded. */
struct xhci_dma {
	bus_dma_segment_t xd_seg;
	bus_dmamap_t xd_map;
	void *xd_va;
	bus_addr_t xd_pa;
	bus_size_t xd_len;
};

struct xhci_ring {
	struct xhci_dma xr_dma;
	struct xhci_trb *xr_trb;
	unsigned xr_ntrb;		/* including the link TRB */
	unsigned xr_enq;		/* next TRB to write */
	unsigned xr_deq;		/* oldest TRB still in use */
	unsigned xr_nused;
	uint32_t xr_pcs;		/* producer cycle state, 0 or 1 */
	void **xr_owner;
};

/*
 * A command. The caller fills xc_trb (host byte order, without the
 * cycle bit); the event handler sets xc_cc and xc_evflags (slot ID in
 * bits 31:24), then xc_done.
 */
struct xhci_cmd {
	struct xhci_trb xc_trb;
	bool xc_done;
	uint32_t xc_cc;
	uint32_t xc_evflags;
};

/* A Supported Protocol capability: which ports speak which USB. */
struct xhci_proto {
	uint8_t xp_major, xp_minor;
	uint8_t xp_slottype;
	uint8_t xp_first, xp_count;	/* ports xp_first.. (1-based) */
	uint8_t xp_npsi;
	uint32_t xp_psi[XHCI_MAXPSI];
};

/* Endpoint states as the driver sees them (xe_state). */
#define XE_RUNNING 0
#define XE_HALTED 1		/* waits for ubm_pipe_reset */

struct xhci_slot;

struct xhci_ep {
	struct xhci_slot *xe_slot;
	unsigned xe_dci;
	uint8_t xe_type;		/* UE_CONTROL, UE_BULK, ... */
	bool xe_in;
	unsigned xe_mps;
	int xe_state;
	unsigned xe_npend;		/* xfers on the ring */
	unsigned xe_resume;		/* after a halt: restart here */
	bool xe_aborting;		/* stopped for an abort: no doorbell */
	struct xhci_ring xe_ring;
};

struct xhci_slot {
	struct xhci_softc *xs_sc;
	struct usb_device *xs_dev;
	unsigned xs_id;
	struct xhci_dma xs_out;		/* device context (the controller's) */
	struct xhci_dma xs_in;		/* input context (ours) */
	uint32_t xs_sctx[3];		/* slot context dwords 0-2 as set */
	bool xs_mtt;			/* a hub with multiple TTs */
	struct xhci_ep *xs_ep[XHCI_MAX_DCI + 1];	/* by DCI */
};

/* The controller's part of an xfer while submitted (in ux_hcdata). */
struct xhci_xfer {
	uint16_t xx_first, xx_last;	/* the TD's TRBs */
	uint32_t xx_flags;
#define XX_SHORT 0x1			/* control: the data stage was short */
	uint32_t xx_actlen;		/* control: what the data stage moved */
	uint32_t xx_pad;
	struct usb_xfer *xx_next;	/* on a list of finished xfers */
};
_Static_assert(sizeof(struct xhci_xfer) <= sizeof(((struct usb_xfer *)0)->
    ux_hcdata), "xhci_xfer fits in ux_hcdata");
#define XHCI_XFER(x) ((struct xhci_xfer *)(void *)(x)->ux_hcdata)

/* Finished xfers, in order, for usb_xfer_done once sc_lock is dropped. */
struct xhci_donelist {
	struct usb_xfer *dl_head;
	struct usb_xfer **dl_tail;
};

enum xhci_intr_kind { XHCI_INTR_NONE, XHCI_INTR_MSIX, XHCI_INTR_MSI,
    XHCI_INTR_INTX };

struct xhci_softc {
	device_t sc_dev;
	struct pci_dev *sc_pd;
	bus_dma_tag_t sc_dmat;
	bus_space_tag_t sc_iot;
	bus_space_handle_t sc_ioh;	/* all of BAR0 */
	bus_size_t sc_ios;
	bus_space_handle_t sc_cap, sc_op, sc_rt, sc_db;
	uint16_t sc_version;
	uint32_t sc_hcs1, sc_hcs2, sc_hcc1;
	unsigned sc_maxslots, sc_maxports, sc_maxintrs;
	unsigned sc_ctxsize;		/* 32 or 64 bytes */
	unsigned sc_pagesize;
	unsigned sc_nspb;		/* scratchpad buffers */
	bool sc_ac64;
	enum xhci_intr_kind sc_intr;
	int sc_line;
	struct xhci_ih *sc_ih;
	bool sc_failed;			/* attach failed: inert */
	bool sc_gone;			/* registers read all ones */
	bool sc_flushed;		/* ... and pending xfers failed */
	bool sc_running;

	kmutex_t sc_lock;
	kcondvar_t sc_cmd_cv;		/* a command finished */
	bool sc_crstopped;		/* Command Ring Stopped seen */
	kmutex_t sc_cfg_lock;

	struct xhci_dma sc_dcbaa;
	struct xhci_dma sc_spba;	/* scratchpad buffer array */
	struct xhci_dma *sc_spb;	/* sc_nspb pages */
	struct xhci_ring sc_cmdring;
	struct xhci_dma sc_evring;
	struct xhci_dma sc_erst;
	unsigned sc_evdeq;
	uint32_t sc_evccs;		/* consumer cycle state */

	struct xhci_slot **sc_slots;	/* by slot ID, 1..sc_maxslots */
	struct xhci_proto sc_proto[XHCI_MAXPROTO];
	unsigned sc_nproto;
	uint8_t *sc_portproto;		/* per port: sc_proto index + 1 */

	struct usb_bus sc_bus;
	struct usb_hub sc_rhub;
	bool sc_bus_attached;

	unsigned long sc_nintr;		/* interrupts that were ours */
	unsigned long sc_nevents;
	unsigned long sc_nstale;	/* events for nothing pending */
	unsigned long sc_ncmdto;	/* commands timed out */
};

/* ---- register access ---- */

static inline uint32_t
xhci_read4(struct xhci_softc *sc, bus_space_handle_t h, bus_size_t off)
{
	return bus_space_read_4(sc->sc_iot, h, off);
}

static inline void
xhci_write4(struct xhci_softc *sc, bus_space_handle_t h, bus_size_t off,
    uint32_t v)
{
	bus_space_write_4(sc->sc_iot, h, off, v);
}

/* 64-bit registers as two dword writes, low first (5.1). */
static inline void
xhci_write8(struct xhci_softc *sc, bus_space_handle_t h, bus_size_t off,
    uint64_t v)
{
	bus_space_write_4(sc->sc_iot, h, off, (uint32_t)v);
	bus_space_write_4(sc->sc_iot, h, off + 4, (uint32_t)(v >> 32));
}

/* xhci.c */
void xhci_delay_ms(unsigned ms);
bool xhci_check_gone(struct xhci_softc *sc, uint32_t v, const char *what);
int xhci_wait_reg(struct xhci_softc *sc, bus_space_handle_t h,
    bus_size_t off, uint32_t mask, uint32_t want, unsigned ms,
    const char *what);
const char *xhci_cc_name(uint32_t cc);

/* xhci_ring.c */
int xhci_dma_alloc(struct xhci_softc *sc, struct xhci_dma *d,
    bus_size_t len, bus_size_t align);
void xhci_dma_free(struct xhci_softc *sc, struct xhci_dma *d);
void xhci_dma_sync(struct xhci_softc *sc, struct xhci_dma *d,
    bus_size_t off, bus_size_t len, int ops);
int xhci_ring_alloc(struct xhci_softc *sc, struct xhci_ring *r,
    unsigned ntrb);
void xhci_ring_free(struct xhci_softc *sc, struct xhci_ring *r);
void xhci_ring_reset(struct xhci_softc *sc, struct xhci_ring *r);
unsigned xhci_ring_next(const struct xhci_ring *r, unsigned i);
bus_addr_t xhci_ring_pa(const struct xhci_ring *r, unsigned i);
bool xhci_ring_index(const struct xhci_ring *r, uint64_t pa, unsigned *ip);
uint32_t xhci_ring_cycle_at(struct xhci_ring *r, unsigned i);
void xhci_ring_release_to(struct xhci_ring *r, unsigned end);
int xhci_ring_put(struct xhci_softc *sc, struct xhci_ring *r,
    const struct xhci_trb *trbs, unsigned n, void *owner,
    unsigned *firstp, unsigned *lastp);
int xhci_cmd_sync(struct xhci_softc *sc, struct xhci_cmd *cmd,
    const char *what);
void xhci_gone_flush(struct xhci_softc *sc);
int xhci_evring_init(struct xhci_softc *sc);
bool xhci_event_pending(struct xhci_softc *sc);
int xhci_intr(void *arg);

/* xhci_dev.c */
extern const struct usb_bus_methods xhci_bus_methods;
void *xhci_ctx(struct xhci_slot *xs, bool input, unsigned idx);
uint32_t xhci_ep_hwstate(struct xhci_softc *sc, struct xhci_ep *xe);
void xhci_ep_doorbell(struct xhci_softc *sc, struct xhci_ep *xe);
unsigned xhci_dci(const struct usb_pipe *pipe);
struct xhci_ep *xhci_pipe_ep(struct usb_pipe *pipe);

/* xhci_xfer.c */
int xhci_xfer_start(struct usb_xfer *xfer);
void xhci_xfer_abort(struct usb_xfer *xfer);
int xhci_pipe_reset(struct usb_pipe *pipe);
void xhci_xfer_event(struct xhci_softc *sc, const struct xhci_trb *ev,
    struct xhci_donelist *dl);
void xhci_ep_cancel_all(struct xhci_softc *sc, struct xhci_ep *xe,
    int status, struct xhci_donelist *dl);
void xhci_done_list(struct usb_xfer *done);

/* xhci_rh.c */
extern const struct usb_hub_ops xhci_rh_ops;
const struct xhci_proto *xhci_port_proto(struct xhci_softc *sc,
    unsigned port);
enum usb_speed xhci_psiv_speed(const struct xhci_proto *xp, unsigned psiv);
unsigned xhci_speed_psiv(const struct xhci_proto *xp, enum usb_speed sp);
void xhci_rh_power(struct xhci_softc *sc);

#endif
