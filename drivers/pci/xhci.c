/*
 * xhci: USB host controllers that follow the eXtensible Host Controller
 * Interface (xHCI 1.2), found by PCI class 0c0330.
 *
 * This file: PCI match and attach, taking the controller from the BIOS
 * (USB Legacy Support capability), halt and reset, the controller's
 * parameters, the memory it needs (DCBAA, scratchpad buffers, command
 * ring, event ring), the interrupt (MSI-X, else MSI, else INTx), running
 * it, and handing the bus to the USB core (usb_bus_attach) with a root
 * hub whose ports come from the Supported Protocol capabilities.
 * Rings and events: xhci_ring.c; slots and pipes: xhci_dev.c;
 * transfers: xhci_xfer.c; root hub ports: xhci_rh.c.
 *
 * Every wait on the controller is bounded and reports the device and
 * what it waited for. A register that reads all ones means the device
 * is gone: that is reported once (sc_gone) and nothing waits on it.
 *
 * The controller works only through interrupts: nothing polls while
 * the bus is idle.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/bus.h>
#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/device.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/mutex.h>
#include <pci/pci.h>
#include <rump/rumpuser.h>

#include "xhcivar.h"

#define XHCI_HALT_MS 32			/* 16 ms by the spec (5.4.1) */
#define XHCI_RESET_MS 1000
#define XHCI_RUN_MS 100
#define XHCI_BIOS_MS 1000
#define XHCI_MAXCAPS 64			/* extended capabilities walked */

/*
 * The interrupt handler's argument. The contract cannot remove a
 * handler, so it outlives the softc: detach clears xi_sc and waits
 * until no handler runs.
 */
struct xhci_ih {
	struct xhci_softc *xi_sc;
	unsigned xi_busy;
};

static const char *const intr_names[] = {
	[XHCI_INTR_NONE] = "no interrupt",
	[XHCI_INTR_MSIX] = "MSI-X",
	[XHCI_INTR_MSI] = "MSI",
	[XHCI_INTR_INTX] = "INTx",
};

/* ---- helpers shared by the driver's files ---- */

void
xhci_delay_ms(unsigned ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
}

/* v read all ones: the device is gone (reported once). */
bool
xhci_check_gone(struct xhci_softc *sc, uint32_t v, const char *what)
{
	if (v != 0xffffffffu)
		return false;
	if (!__atomic_exchange_n(&sc->sc_gone, true, __ATOMIC_ACQ_REL))
		aprint_error(sc->sc_dev, "%s reads all ones: the controller "
		    "is gone", what);
	sc->sc_running = false;
	cv_broadcast(&sc->sc_cmd_cv);
	return true;
}

/*
 * Poll a register (1 ms apart) until (v & mask) == want, at most ms.
 * 0, ETIMEDOUT or ENODEV (both reported with what was awaited).
 */
int
xhci_wait_reg(struct xhci_softc *sc, bus_space_handle_t h, bus_size_t off,
    uint32_t mask, uint32_t want, unsigned ms, const char *what)
{
	uint64_t t0 = kclock_ns();
	uint32_t v;

	for (;;) {
		v = xhci_read4(sc, h, off);
		if (xhci_check_gone(sc, v, what))
			return ENODEV;
		if ((v & mask) == want)
			return 0;
		if ((kclock_ns() - t0) / 1000000u >= ms) {
			aprint_error(sc->sc_dev, "timed out after %u ms "
			    "waiting for %s (register reads 0x%x)", ms, what,
			    v);
			return ETIMEDOUT;
		}
		xhci_delay_ms(1);
	}
}

const char *
xhci_cc_name(uint32_t cc)
{
	static const char *const names[] = {
		[0] = "invalid", [XHCI_CC_SUCCESS] = "success",
		[XHCI_CC_DATA_BUFFER] = "data buffer error",
		[XHCI_CC_BABBLE] = "babble", [XHCI_CC_TRANSACTION] =
		"transaction error", [XHCI_CC_TRB] = "TRB error",
		[XHCI_CC_STALL] = "stall", [XHCI_CC_RESOURCE] =
		"resource error", [XHCI_CC_BANDWIDTH] = "bandwidth error",
		[XHCI_CC_NO_SLOTS] = "no slots available",
		[XHCI_CC_SLOT_NOT_ENABLED] = "slot not enabled",
		[XHCI_CC_EP_NOT_ENABLED] = "endpoint not enabled",
		[XHCI_CC_SHORT_PACKET] = "short packet",
		[XHCI_CC_PARAMETER] = "parameter error",
		[XHCI_CC_CONTEXT_STATE] = "context state error",
		[XHCI_CC_EVENT_RING_FULL] = "event ring full",
		[XHCI_CC_CMD_RING_STOPPED] = "command ring stopped",
		[XHCI_CC_CMD_ABORTED] = "command aborted",
		[XHCI_CC_STOPPED] = "stopped",
		[XHCI_CC_STOPPED_LEN_INVALID] = "stopped (length invalid)",
		[XHCI_CC_STOPPED_SHORT] = "stopped (short packet)",
		[XHCI_CC_SPLIT_TRANSACTION] = "split transaction error",
	};

	if (cc < sizeof(names) / sizeof(names[0]) && names[cc] != NULL)
		return names[cc];
	return "error";
}

/* ---- registers and capabilities ---- */

static int
xhci_map(struct xhci_softc *sc, const struct pci_attach_args *pa)
{
	const struct pci_bar *b = &pa->pa_bar[0];

	if (pa->pa_nbar < 1 || !b->pb_assigned ||
	    (b->pb_kind != PCI_BAR_KIND_MEM32 &&
	    b->pb_kind != PCI_BAR_KIND_MEM64) || b->pb_size < 0x100) {
		aprint_error(sc->sc_dev, "BAR0 is not an assigned memory BAR");
		return ENXIO;
	}
	sc->sc_iot = bus_space_mem;
	sc->sc_ios = b->pb_size;
	if (bus_space_map(sc->sc_iot, b->pb_cpu, b->pb_size, 0,
	    &sc->sc_ioh) != 0) {
		aprint_error(sc->sc_dev, "cannot map BAR0");
		return ENOMEM;
	}
	return 0;
}

static int
xhci_subregion(struct xhci_softc *sc, uint32_t off, uint32_t len,
    bus_space_handle_t *hp, const char *what)
{
	if ((uint64_t)off + len > sc->sc_ios ||
	    bus_space_subregion(sc->sc_iot, sc->sc_ioh, off, len, hp) != 0) {
		aprint_error(sc->sc_dev, "%s at 0x%x (+0x%x) lies outside BAR0 "
		    "(0x%llx bytes)", what, off, len,
		    (unsigned long long)sc->sc_ios);
		return ENXIO;
	}
	return 0;
}

/* Capability registers: sizes, and where the other spaces are. */
static int
xhci_read_caps(struct xhci_softc *sc)
{
	uint32_t v, dboff, rtsoff;
	int rv;

	sc->sc_cap = sc->sc_ioh;
	v = xhci_read4(sc, sc->sc_cap, XHCI_CAPLENGTH);
	if (xhci_check_gone(sc, v, "CAPLENGTH"))
		return ENODEV;
	sc->sc_version = (uint16_t)(v >> 16);
	sc->sc_hcs1 = xhci_read4(sc, sc->sc_cap, XHCI_HCSPARAMS1);
	sc->sc_hcs2 = xhci_read4(sc, sc->sc_cap, XHCI_HCSPARAMS2);
	sc->sc_hcc1 = xhci_read4(sc, sc->sc_cap, XHCI_HCCPARAMS1);
	dboff = xhci_read4(sc, sc->sc_cap, XHCI_DBOFF) & ~0x3u;
	rtsoff = xhci_read4(sc, sc->sc_cap, XHCI_RTSOFF) & ~0x1fu;
	sc->sc_maxslots = XHCI_HCS1_MAXSLOTS(sc->sc_hcs1);
	sc->sc_maxports = XHCI_HCS1_MAXPORTS(sc->sc_hcs1);
	sc->sc_maxintrs = XHCI_HCS1_MAXINTRS(sc->sc_hcs1);
	sc->sc_ctxsize = (sc->sc_hcc1 & XHCI_HCC_CSZ) ? 64 : 32;
	sc->sc_ac64 = (sc->sc_hcc1 & XHCI_HCC_AC64) != 0;
	sc->sc_nspb = XHCI_HCS2_SPB(sc->sc_hcs2);
	if ((v & 0xff) < 0x20 || sc->sc_maxslots == 0 ||
	    sc->sc_maxports == 0 || sc->sc_maxintrs == 0) {
		aprint_error(sc->sc_dev, "implausible capability registers "
		    "(CAPLENGTH 0x%x, HCSPARAMS1 0x%x)", v & 0xff, sc->sc_hcs1);
		return ENXIO;
	}
	if ((rv = xhci_subregion(sc, v & 0xff, XHCI_PORTSC(1) + 0x10 *
	    sc->sc_maxports, &sc->sc_op, "operational registers")) != 0 ||
	    (rv = xhci_subregion(sc, rtsoff, XHCI_IR(1), &sc->sc_rt,
	    "runtime registers")) != 0 ||
	    (rv = xhci_subregion(sc, dboff, 4 * (sc->sc_maxslots + 1),
	    &sc->sc_db, "doorbells")) != 0)
		return rv;
	return 0;
}

/* USB Legacy Support (7.1.1): the BIOS lets go, SMIs off. */
static void
xhci_bios_handoff(struct xhci_softc *sc, bus_size_t off)
{
	uint32_t v = xhci_read4(sc, sc->sc_cap, off), ctl;

	if (v & XHCI_LEGSUP_BIOS_OWNED) {
		xhci_write4(sc, sc->sc_cap, off, v | XHCI_LEGSUP_OS_OWNED);
		if (xhci_wait_reg(sc, sc->sc_cap, off, XHCI_LEGSUP_BIOS_OWNED,
		    0, XHCI_BIOS_MS, "the BIOS to release the controller "
		    "(USBLEGSUP)") == ETIMEDOUT) {
			aprint_error(sc->sc_dev, "taking the controller from "
			    "the BIOS anyway");
			v = xhci_read4(sc, sc->sc_cap, off);
			xhci_write4(sc, sc->sc_cap, off,
			    (v & ~XHCI_LEGSUP_BIOS_OWNED) |
			    XHCI_LEGSUP_OS_OWNED);
		} else
			aprint_debug(sc->sc_dev, "taken over from the BIOS");
	}
	if (sc->sc_gone)
		return;
	ctl = xhci_read4(sc, sc->sc_cap, off + XHCI_LEGCTLSTS);
	xhci_write4(sc, sc->sc_cap, off + XHCI_LEGCTLSTS,
	    (ctl & ~XHCI_LEGCTL_SMI_ENABLES) | XHCI_LEGCTL_SMI_EVENTS);
}

/* A Supported Protocol capability (7.2): record its ports. */
static void
xhci_add_proto(struct xhci_softc *sc, bus_size_t off)
{
	uint32_t dw0 = xhci_read4(sc, sc->sc_cap, off);
	uint32_t dw1 = xhci_read4(sc, sc->sc_cap, off + 4);
	uint32_t dw2 = xhci_read4(sc, sc->sc_cap, off + 8);
	uint32_t dw3 = xhci_read4(sc, sc->sc_cap, off + 12);
	unsigned first = XHCI_SP_PORTOFF(dw2), n = XHCI_SP_PORTCNT(dw2);
	struct xhci_proto *xp = &sc->sc_proto[sc->sc_nproto];

	if (dw1 != XHCI_SP_NAME_USB || n == 0)
		return;
	if (sc->sc_nproto == XHCI_MAXPROTO || first == 0 ||
	    first + n - 1 > sc->sc_maxports) {
		aprint_error(sc->sc_dev, "Supported Protocol capability for "
		    "ports %u-%u (of %u) ignored", first, first + n - 1,
		    sc->sc_maxports);
		return;
	}
	xp->xp_major = (uint8_t)XHCI_SP_MAJOR(dw0);
	xp->xp_minor = (uint8_t)XHCI_SP_MINOR(dw0);
	xp->xp_slottype = (uint8_t)XHCI_SP_SLOTTYPE(dw3);
	xp->xp_first = (uint8_t)first;
	xp->xp_count = (uint8_t)n;
	xp->xp_npsi = (uint8_t)XHCI_SP_PSIC(dw2);
	if (xp->xp_npsi > XHCI_MAXPSI)
		xp->xp_npsi = XHCI_MAXPSI;
	for (unsigned i = 0; i < xp->xp_npsi; i++)
		xp->xp_psi[i] = xhci_read4(sc, sc->sc_cap, off + 16 + 4 * i);
	sc->sc_nproto++;
	for (unsigned p = first; p < first + n; p++)
		if (sc->sc_portproto[p] == 0)
			sc->sc_portproto[p] = (uint8_t)sc->sc_nproto;
}

/* Walk the extended capabilities (7): handoff, protocols. */
static int
xhci_walk_xecp(struct xhci_softc *sc)
{
	bus_size_t off = (bus_size_t)XHCI_HCC_XECP(sc->sc_hcc1) * 4;
	uint32_t v;

	for (int n = 0; off != 0 && n < XHCI_MAXCAPS; n++) {
		if (off + 16 > sc->sc_ios) {
			aprint_error(sc->sc_dev, "extended capability at "
			    "0x%llx outside BAR0; list cut",
			    (unsigned long long)off);
			break;
		}
		v = xhci_read4(sc, sc->sc_cap, off);
		if (xhci_check_gone(sc, v, "an extended capability"))
			return ENODEV;
		if (XHCI_XECP_ID(v) == XHCI_XECP_LEGACY)
			xhci_bios_handoff(sc, off);
		else if (XHCI_XECP_ID(v) == XHCI_XECP_PROTOCOL)
			xhci_add_proto(sc, off);
		off = XHCI_XECP_NEXT(v) == 0 ? 0 : off + XHCI_XECP_NEXT(v) * 4;
	}
	if (sc->sc_nproto == 0) {
		aprint_error(sc->sc_dev, "no Supported Protocol capability: "
		    "no usable ports");
		return ENXIO;
	}
	return sc->sc_gone ? ENODEV : 0;
}

/* ---- halt, reset, run ---- */

static int
xhci_halt(struct xhci_softc *sc)
{
	uint32_t cmd = xhci_read4(sc, sc->sc_op, XHCI_USBCMD);
	uint32_t sts = xhci_read4(sc, sc->sc_op, XHCI_USBSTS);

	if (xhci_check_gone(sc, sts, "USBSTS"))
		return ENODEV;
	sc->sc_running = false;
	xhci_write4(sc, sc->sc_op, XHCI_USBCMD,
	    cmd & ~(XHCI_CMD_RS | XHCI_CMD_INTE | XHCI_CMD_HSEE));
	if (sts & XHCI_STS_HCH)
		return 0;
	return xhci_wait_reg(sc, sc->sc_op, XHCI_USBSTS, XHCI_STS_HCH,
	    XHCI_STS_HCH, XHCI_HALT_MS, "the controller to halt (USBSTS.HCH)");
}

/* Halt and reset (4.2): afterwards every operational register is at
 * its default and the controller is ready. */
static int
xhci_reset(struct xhci_softc *sc)
{
	int rv;

	if ((rv = xhci_wait_reg(sc, sc->sc_op, XHCI_USBSTS, XHCI_STS_CNR, 0,
	    XHCI_RESET_MS, "the controller to be ready (USBSTS.CNR)")) != 0 ||
	    (rv = xhci_halt(sc)) != 0)
		return rv;
	xhci_write4(sc, sc->sc_op, XHCI_USBCMD, XHCI_CMD_HCRST);
	xhci_delay_ms(1);	/* some controllers want a pause here */
	if ((rv = xhci_wait_reg(sc, sc->sc_op, XHCI_USBCMD, XHCI_CMD_HCRST, 0,
	    XHCI_RESET_MS, "the reset to finish (USBCMD.HCRST)")) != 0)
		return rv;
	return xhci_wait_reg(sc, sc->sc_op, XHCI_USBSTS, XHCI_STS_CNR, 0,
	    XHCI_RESET_MS, "the controller to be ready after reset "
	    "(USBSTS.CNR)");
}

static int
xhci_run(struct xhci_softc *sc)
{
	uint32_t cmd = xhci_read4(sc, sc->sc_op, XHCI_USBCMD);
	int rv;

	xhci_write4(sc, sc->sc_op, XHCI_USBCMD,
	    cmd | XHCI_CMD_RS | XHCI_CMD_INTE | XHCI_CMD_HSEE);
	if ((rv = xhci_wait_reg(sc, sc->sc_op, XHCI_USBSTS, XHCI_STS_HCH, 0,
	    XHCI_RUN_MS, "the controller to run (USBSTS.HCH clear)")) != 0)
		return rv;
	sc->sc_running = true;
	return 0;
}

/* ---- memory ---- */

static int
xhci_scratchpad_alloc(struct xhci_softc *sc, uint64_t *dcbaa)
{
	uint64_t *array;
	int rv;

	if (sc->sc_nspb == 0)
		return 0;
	if ((rv = xhci_dma_alloc(sc, &sc->sc_spba, sc->sc_nspb * 8, 0)) != 0)
		return rv;
	sc->sc_spb = kmem_zalloc(sc->sc_nspb * sizeof(*sc->sc_spb), KM_SLEEP);
	if (sc->sc_spb == NULL)
		return ENOMEM;
	array = sc->sc_spba.xd_va;
	for (unsigned i = 0; i < sc->sc_nspb; i++) {
		if ((rv = xhci_dma_alloc(sc, &sc->sc_spb[i], sc->sc_pagesize,
		    sc->sc_pagesize)) != 0)
			return rv;
		array[i] = xhci_le64(sc->sc_spb[i].xd_pa);
	}
	xhci_dma_sync(sc, &sc->sc_spba, 0, sc->sc_nspb * 8,
	    BUS_DMASYNC_PREWRITE);
	dcbaa[0] = xhci_le64(sc->sc_spba.xd_pa);
	return 0;
}

/* DCBAA, scratchpad, command ring, event ring (4.2). Partial
 * allocations are undone by xhci_mem_free. */
static int
xhci_mem_alloc(struct xhci_softc *sc)
{
	uint32_t ps = xhci_read4(sc, sc->sc_op, XHCI_PAGESIZE) & 0xffff;
	size_t dlen = (sc->sc_maxslots + 1) * sizeof(uint64_t);
	int rv;

	sc->sc_pagesize = 4096u << (ps == 0 ? 0 : __builtin_ctz(ps));
	sc->sc_slots = kmem_zalloc((sc->sc_maxslots + 1) *
	    sizeof(*sc->sc_slots), KM_SLEEP);
	if (sc->sc_slots == NULL)
		return ENOMEM;
	if ((rv = xhci_dma_alloc(sc, &sc->sc_dcbaa, dlen, 0)) != 0 ||
	    (rv = xhci_scratchpad_alloc(sc, sc->sc_dcbaa.xd_va)) != 0 ||
	    (rv = xhci_ring_alloc(sc, &sc->sc_cmdring, XHCI_RING_NTRB)) != 0)
		return rv;
	xhci_dma_sync(sc, &sc->sc_dcbaa, 0, dlen, BUS_DMASYNC_PREWRITE);
	return xhci_evring_init(sc);
}

static void
xhci_mem_free(struct xhci_softc *sc)
{
	xhci_dma_free(sc, &sc->sc_evring);
	xhci_dma_free(sc, &sc->sc_erst);
	xhci_ring_free(sc, &sc->sc_cmdring);
	if (sc->sc_spb != NULL) {
		for (unsigned i = 0; i < sc->sc_nspb; i++)
			xhci_dma_free(sc, &sc->sc_spb[i]);
		kmem_free(sc->sc_spb, sc->sc_nspb * sizeof(*sc->sc_spb));
		sc->sc_spb = NULL;
	}
	xhci_dma_free(sc, &sc->sc_spba);
	xhci_dma_free(sc, &sc->sc_dcbaa);
	if (sc->sc_slots != NULL)
		kmem_free(sc->sc_slots, (sc->sc_maxslots + 1) *
		    sizeof(*sc->sc_slots));
	sc->sc_slots = NULL;
}

/* The operational registers that point at our memory. */
static void
xhci_program(struct xhci_softc *sc)
{
	uint32_t cfg = xhci_read4(sc, sc->sc_op, XHCI_CONFIG);

	xhci_write4(sc, sc->sc_op, XHCI_CONFIG,
	    (cfg & ~0xffu) | sc->sc_maxslots);
	xhci_write8(sc, sc->sc_op, XHCI_DCBAAP, sc->sc_dcbaa.xd_pa);
	xhci_write8(sc, sc->sc_op, XHCI_CRCR,
	    sc->sc_cmdring.xr_dma.xd_pa | sc->sc_cmdring.xr_pcs);
	xhci_write4(sc, sc->sc_op, XHCI_DNCTRL, 0);
}

/* ---- interrupts ---- */

static int
xhci_intr_wrap(void *arg)
{
	struct xhci_ih *ih = arg;
	struct xhci_softc *sc;
	int rv = 0;

	__atomic_fetch_add(&ih->xi_busy, 1, __ATOMIC_ACQ_REL);
	if ((sc = __atomic_load_n(&ih->xi_sc, __ATOMIC_ACQUIRE)) != NULL)
		rv = xhci_intr(sc);
	__atomic_fetch_sub(&ih->xi_busy, 1, __ATOMIC_ACQ_REL);
	return rv;
}

/* MSI-X vector 0 (interrupter 0), else MSI, else INTx. */
static int
xhci_intr_setup(struct xhci_softc *sc, struct xhci_ih **ihp)
{
	struct pci_dev *pd = sc->sc_pd;
	struct xhci_ih *ih;
	int rv = ENODEV;

	if ((ih = kmem_zalloc(sizeof(*ih), KM_SLEEP)) == NULL)
		return ENOMEM;
	ih->xi_sc = sc;
	sc->sc_intr = XHCI_INTR_MSIX;
	if (pd->pd_msix != 0 && (rv = pci_msix_establish(pd, 0,
	    xhci_intr_wrap, ih, &sc->sc_line)) == 0)
		goto done;
	sc->sc_intr = XHCI_INTR_MSI;
	if (pd->pd_msi != 0 && (rv = pci_msi_establish(pd, xhci_intr_wrap,
	    ih, &sc->sc_line)) == 0)
		goto done;
	sc->sc_intr = XHCI_INTR_INTX;
	sc->sc_line = pd->pd_irq;
	if ((rv = pci_intr_establish(pd, xhci_intr_wrap, ih)) == 0)
		goto done;
	sc->sc_intr = XHCI_INTR_NONE;
	kmem_free(ih, sizeof(*ih));
	aprint_error(sc->sc_dev, "no interrupt: no MSI-X, MSI or INTx "
	    "(error %d)", rv);
	return rv;
done:
	*ihp = ih;
	return 0;
}

static void
xhci_intr_teardown(struct xhci_softc *sc, struct xhci_ih *ih)
{
	if (ih == NULL)
		return;
	__atomic_store_n(&ih->xi_sc, NULL, __ATOMIC_RELEASE);
	for (int i = 0; i < 1000 &&
	    __atomic_load_n(&ih->xi_busy, __ATOMIC_ACQUIRE) != 0; i++)
		xhci_delay_ms(1);
	(void)sc;
}

/* ---- bring-up ---- */

static void
xhci_print_ports(struct xhci_softc *sc)
{
	char buf[160];
	size_t len = 0;
	const struct xhci_proto *xp;

	buf[0] = '\0';
	for (unsigned i = 0; i < sc->sc_nproto && len < sizeof(buf); i++) {
		xp = &sc->sc_proto[i];
		len += (size_t)ksnprintf(buf + len, sizeof(buf) - len,
		    "%sUSB %x.%x port%s %u", i == 0 ? "" : ", ", xp->xp_major,
		    xp->xp_minor >> 4, xp->xp_count > 1 ? "s" : "",
		    xp->xp_first);
		if (xp->xp_count > 1 && len < sizeof(buf))
			len += (size_t)ksnprintf(buf + len, sizeof(buf) - len,
			    "-%u", xp->xp_first + xp->xp_count - 1);
	}
	aprint_normal(sc->sc_dev, "%s", buf);
}

/* Which ports have a device now (before the core looks at them). */
static void
xhci_print_connected(struct xhci_softc *sc)
{
	const struct xhci_proto *xp;
	char buf[160];
	size_t len = 0;
	uint32_t v;

	buf[0] = '\0';
	for (unsigned p = 1; p <= sc->sc_maxports && len < sizeof(buf); p++) {
		if ((xp = xhci_port_proto(sc, p)) == NULL)
			continue;
		v = xhci_read4(sc, sc->sc_op, XHCI_PORTSC(p));
		if (xhci_check_gone(sc, v, "PORTSC"))
			return;
		if (v & XHCI_PS_CCS)
			len += (size_t)ksnprintf(buf + len, sizeof(buf) - len,
			    "%sport %u (USB %x)", len == 0 ? "" : ", ", p,
			    xp->xp_major);
	}
	if (len > 0)
		aprint_normal(sc->sc_dev, "device connected on %s", buf);
}

/*
 * The rings work: a No Op command completes through the event ring,
 * which only the interrupt handler reads.
 */
static int
xhci_noop_check(struct xhci_softc *sc)
{
	struct xhci_cmd cmd;
	unsigned long nintr = sc->sc_nintr;
	uint64_t t0 = kclock_ns();
	int rv;

	memset(&cmd, 0, sizeof(cmd));
	cmd.xc_trb.trb_flags = XHCI_TRB_MKTYPE(XHCI_CMD_NOOP);
	if ((rv = xhci_cmd_sync(sc, &cmd, "No Op")) != 0) {
		aprint_error(sc->sc_dev, "No Op command failed (error %d, "
		    "%s)%s", rv, xhci_cc_name(cmd.xc_cc),
		    rv != ETIMEDOUT ? "" : xhci_event_pending(sc) ?
		    ": its event is on the ring but no interrupt came" :
		    ": no event on the ring either");
		return rv;
	}
	aprint_normal(sc->sc_dev, "No Op command completed by interrupt "
	    "(%s, %lu interrupt(s), %llu us)", intr_names[sc->sc_intr],
	    sc->sc_nintr - nintr,
	    (unsigned long long)((kclock_ns() - t0) / 1000));
	return 0;
}

static int
xhci_bus_attach(struct xhci_softc *sc)
{
	struct usb_bus *bus = &sc->sc_bus;
	struct usb_hub *rh = &sc->sc_rhub;
	int rv;

	rh->uh_ops = &xhci_rh_ops;
	rh->uh_priv = sc;
	rh->uh_nports = sc->sc_maxports;
	bus->ub_methods = &xhci_bus_methods;
	bus->ub_hcpriv = sc;
	bus->ub_dmat = sc->sc_dmat;
	bus->ub_hcdev = sc->sc_dev;
	bus->ub_roothub = rh;
	if ((rv = usb_bus_attach(sc->sc_dev, bus)) != 0) {
		aprint_error(sc->sc_dev, "usb_bus_attach failed (error %d)",
		    rv);
		return rv;
	}
	sc->sc_bus_attached = true;
	return 0;
}

/* Everything up to a running controller with powered ports. */
static int
xhci_init(struct xhci_softc *sc, const struct pci_attach_args *pa)
{
	int rv;

	if ((rv = xhci_map(sc, pa)) != 0 || (rv = xhci_read_caps(sc)) != 0)
		return rv;
	sc->sc_portproto = kmem_zalloc(sc->sc_maxports + 1, KM_SLEEP);
	if (sc->sc_portproto == NULL)
		return ENOMEM;
	if ((rv = xhci_walk_xecp(sc)) != 0 || (rv = xhci_reset(sc)) != 0)
		return rv;
	if ((rv = xhci_mem_alloc(sc)) != 0) {
		aprint_error(sc->sc_dev, "cannot allocate DMA memory "
		    "(error %d)", rv);
		return rv;
	}
	xhci_program(sc);
	if ((rv = xhci_intr_setup(sc, &sc->sc_ih)) != 0)
		return rv;
	aprint_normal(sc->sc_dev, "xHCI %x.%02x, %u slots, %u ports, "
	    "%u-byte contexts, %u scratchpad pages, %s", sc->sc_version >> 8,
	    sc->sc_version & 0xff, sc->sc_maxslots, sc->sc_maxports,
	    sc->sc_ctxsize, sc->sc_nspb, intr_names[sc->sc_intr]);
	xhci_print_ports(sc);
	if ((rv = xhci_run(sc)) != 0 || (rv = xhci_noop_check(sc)) != 0)
		return rv;
	xhci_rh_power(sc);
	xhci_print_connected(sc);
	return 0;
}

/* Undo xhci_init (after a failed attach, or at detach). */
static void
xhci_fini(struct xhci_softc *sc)
{
	if (sc->sc_op != 0 && !sc->sc_gone) {
		(void)xhci_halt(sc);
		xhci_write4(sc, sc->sc_rt, XHCI_IR(0) + XHCI_IMAN, 0);
	}
	xhci_intr_teardown(sc, sc->sc_ih);
	sc->sc_ih = NULL;
	xhci_mem_free(sc);
	if (sc->sc_portproto != NULL)
		kmem_free(sc->sc_portproto, sc->sc_maxports + 1);
	sc->sc_portproto = NULL;
	if (sc->sc_ios != 0)
		bus_space_unmap(sc->sc_iot, sc->sc_ioh, sc->sc_ios);
	sc->sc_ios = 0;
}

/* ---- autoconf ---- */

static int
xhci_match(device_t parent, void *aux)
{
	const struct pci_attach_args *pa = aux;

	(void)parent;
	return (pa->pa_class >> 8) == XHCI_PCI_CLASS ? 1 : 0;
}

static void
xhci_attach(device_t parent, device_t self, void *aux)
{
	struct pci_attach_args *pa = aux;
	struct xhci_softc *sc = device_private(self);

	(void)parent;
	sc->sc_dev = self;
	sc->sc_pd = pa->pa_pd;
	sc->sc_dmat = &bus_dma_tag_default;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT);
	mutex_init(&sc->sc_cfg_lock, MUTEX_DEFAULT);
	cv_init(&sc->sc_cmd_cv, "xhcicmd");
	if (xhci_init(sc, pa) != 0 || xhci_bus_attach(sc) != 0) {
		aprint_error(self, "not usable; attach failed");
		xhci_fini(sc);
		sc->sc_failed = true;
	}
}

static int
xhci_detach(device_t self, int flags)
{
	struct xhci_softc *sc = device_private(self);
	int rv;

	(void)flags;
	if (sc->sc_failed)
		goto out;
	if (sc->sc_bus_attached) {
		if ((rv = usb_bus_detach(&sc->sc_bus)) != 0)
			return rv;
		sc->sc_bus_attached = false;
	}
	xhci_fini(sc);
out:
	cv_destroy(&sc->sc_cmd_cv);
	mutex_destroy(&sc->sc_cfg_lock);
	mutex_destroy(&sc->sc_lock);
	return 0;
}

static const struct cfdriver xhci_cd = {
	.cd_name = "xhci",
	.cd_attachto = "pci",
	.cd_busattr = "usbus",
	.cd_softc_size = sizeof(struct xhci_softc),
	.cd_match = xhci_match,
	.cd_attach = xhci_attach,
	.cd_detach = xhci_detach,
};
CFDRIVER_DECLARE(xhci_cd);
