/*
 * wm: Intel 8254x/8257x gigabit Ethernet, for the 82540EM (QEMU
 * "e1000", 8086:100e) and the 82574L (QEMU "e1000e", 8086:10d3).
 *
 * This file: autoconf (match, attach, detach), bringing the interface
 * up and down (if_init/if_stop), the receive filter, link state and
 * the interrupt handler. Rings and buffers are in if_wm_rxtx.c, the
 * NVM in if_wm_nvm.c, registers in if_wmreg.h.
 *
 * Interrupts: MSI-X on the 82574 (one vector; IVAR routes the receive,
 * transmit and "other" causes, link change among them, to it), else
 * MSI, else INTx. The PCI layer calls the handler in the line's
 * interrupt thread with a rump kernel CPU held (kintr). The
 * handler reads ICR and writes the same bits back (ICR is not
 * clear-on-read under MSI-X on the 82574), collects received frames
 * under sc_lock, reclaims transmit slots, and after dropping sc_lock
 * hands the frames to ether_input, reports link changes and restarts
 * transmission. The device rate-limits interrupts (ITR/EITR, about
 * 8000 per second; RDTR/RADV delay receive interrupts a little); no
 * polling happens while idle.
 *
 * Link: copper with auto-negotiation (CTRL.SLU|ASDE); STATUS.LU, speed
 * and duplex are read on every link status change (ICR.LSC). if_init
 * raises LSC itself (ICS) so that the initial state is reported from
 * the interrupt thread too: if_init may run under net_lock, which
 * if_link_state_change takes.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/callout.h>
#include <kern/device.h>
#include <kern/klog.h>
#include <kern/kmem.h>

#include "if_wmvar.h"

#define WM_RESET_TIMEOUT_MS 100
#define WM_AUTORD_TIMEOUT_MS 20
#define WM_ITR_VAL 488		/* 256 ns units: 125 us, 8000/s at most */
#define WM_RDTR_VAL 16		/* 1.024 us units */
#define WM_RADV_VAL 64
#define WM_NRAL 16		/* receive address registers */
#define WM_IMS_BASE (WM_ICR_TXDW | WM_ICR_LSC | WM_ICR_RXDMT0 | \
	WM_ICR_RXO | WM_ICR_RXT0)
#define WM_IMS_MSIX (WM_ICR_RXQ0 | WM_ICR_TXQ0 | WM_ICR_OTHER)

static const char *const wm_intr_names[] = { "INTx", "MSI", "MSI-X" };

static const struct pci_id wm_ids[] = {
	{ WM_VENDOR_INTEL, WM_PRODUCT_82540EM },
	{ WM_VENDOR_INTEL, WM_PRODUCT_82574L },
	{ 0, 0 },
};

void
wm_delay_ms(unsigned ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
}

/* ---- reset ---- */

/* Full reset; 0 or ETIMEDOUT (reported). Interrupts masked after it. */
static int
wm_reset(struct wm_softc *sc)
{
	unsigned waited = 0;

	wm_write(sc, WM_IMC, 0xffffffffu);
	wm_write(sc, WM_RCTL, 0);
	wm_write(sc, WM_TCTL, 0);
	wm_flush(sc);
	wm_delay_ms(1);		/* let pending DMA finish */
	wm_write(sc, WM_CTRL, wm_read(sc, WM_CTRL) | WM_CTRL_RST);
	wm_delay_ms(1);		/* no register access right after RST */
	while (wm_read(sc, WM_CTRL) & WM_CTRL_RST) {
		if (waited >= WM_RESET_TIMEOUT_MS) {
			aprint_error(sc->sc_dev, "reset timed out (CTRL.RST "
			    "still set after %u ms)", waited);
			return ETIMEDOUT;
		}
		wm_delay_ms(1);
		waited++;
	}
	if (sc->sc_chip == WM_T_82574) {
		for (waited = 0; !(wm_read(sc, WM_EECD) & WM_EECD_AUTO_RD);
		    waited++) {
			if (waited >= WM_AUTORD_TIMEOUT_MS) {
				aprint_error(sc->sc_dev, "NVM auto-read not "
				    "done after %u ms", waited);
				break;
			}
			wm_delay_ms(1);
		}
	}
	wm_write(sc, WM_IMC, 0xffffffffu);
	(void)wm_read(sc, WM_ICR);
	return 0;
}

/* ---- receive filter ---- */

/* Multicast hash with RCTL.MO 00: destination address bits 47:36. */
static void
wm_mta_add(void *arg, const uint8_t addr[ETHER_ADDR_LEN])
{
	uint32_t *mta = arg;
	unsigned h = ((unsigned)addr[4] >> 4 | (unsigned)addr[5] << 4) & 0xfff;

	mta[h >> 5] |= 1u << (h & 31);
}

static uint32_t
wm_rctl(struct wm_softc *sc)
{
	uint32_t rctl = WM_RCTL_EN | WM_RCTL_BAM | WM_RCTL_SECRC |
	    WM_RCTL_BSIZE_2048 | WM_RCTL_RDMTS_HALF | 0u << WM_RCTL_MO_SHIFT;

	if (sc->sc_if.if_flags & IFF_PROMISC)
		rctl |= WM_RCTL_UPE | WM_RCTL_MPE;
	if (sc->sc_if.if_flags & IFF_ALLMULTI)
		rctl |= WM_RCTL_MPE;
	return rctl;
}

/*
 * The hash of the interface's multicast list, into sc_mta. The list is
 * net_lock's: callers hold it (if_init, if_mcast_update), so a ring
 * reset from the interrupt thread reuses the copy instead.
 */
static void
wm_mta_compute(struct wm_softc *sc)
{
	memset(sc->sc_mta, 0, sizeof(sc->sc_mta));
	ether_multi_foreach(&sc->sc_if, wm_mta_add, sc->sc_mta);
}

/* sc_mta into the MTA, and the RCTL flags; sc_lock held. */
static void
wm_set_filter(struct wm_softc *sc)
{
	for (unsigned i = 0; i < WM_MTA_WORDS; i++)
		wm_write(sc, WM_MTA + 4 * i, sc->sc_mta[i]);
	if (sc->sc_running)
		wm_write(sc, WM_RCTL, wm_rctl(sc));
}

static int
wm_mcast_update(struct ifnet *ifp)
{
	struct wm_softc *sc = ifp->if_softc;

	mutex_enter(&sc->sc_lock);
	wm_mta_compute(sc);
	wm_set_filter(sc);
	mutex_exit(&sc->sc_lock);
	return 0;
}

static void
wm_set_address(struct wm_softc *sc)
{
	const uint8_t *a = sc->sc_mac;

	wm_write(sc, WM_RAL0, (uint32_t)a[0] | (uint32_t)a[1] << 8 |
	    (uint32_t)a[2] << 16 | (uint32_t)a[3] << 24);
	wm_write(sc, WM_RAH0, (uint32_t)a[4] | (uint32_t)a[5] << 8 |
	    WM_RAH_AV);
	for (unsigned i = 1; i < WM_NRAL; i++) {
		wm_write(sc, WM_RAH0 + 8 * i, 0);
		wm_write(sc, WM_RAL0 + 8 * i, 0);
	}
}

/* ---- init / stop ---- */

static void
wm_stop_locked(struct wm_softc *sc)
{
	wm_write(sc, WM_IMC, 0xffffffffu);
	wm_write(sc, WM_RCTL, 0);
	wm_write(sc, WM_TCTL, 0);
	wm_flush(sc);
	sc->sc_running = false;
	sc->sc_corrupt = false;
	sc->sc_link = LINK_STATE_UNKNOWN;
	(void)wm_reset(sc);
	wm_rings_drain(sc);
}

static void
wm_init_regs(struct wm_softc *sc)
{
	uint32_t ctrl = wm_read(sc, WM_CTRL);

	ctrl &= ~(WM_CTRL_LRST | WM_CTRL_PHY_RST | WM_CTRL_ILOS |
	    WM_CTRL_FRCSPD | WM_CTRL_FRCDPLX | WM_CTRL_VME);
	wm_write(sc, WM_CTRL, ctrl | WM_CTRL_SLU | WM_CTRL_ASDE);
	wm_set_address(sc);
	wm_write(sc, WM_TIPG, sc->sc_chip == WM_T_82574 ? WM_TIPG_82574 :
	    WM_TIPG_82540);
	wm_write(sc, WM_TCTL, WM_TCTL_EN | WM_TCTL_PSP | WM_TCTL_CT(0x0f) |
	    WM_TCTL_COLD(0x40) | WM_TCTL_RTLC);
	wm_write(sc, WM_RXCSUM, WM_RXCSUM_IPOFLD | WM_RXCSUM_TUOFLD);
	wm_write(sc, WM_RDTR, WM_RDTR_VAL);
	wm_write(sc, WM_RADV, WM_RADV_VAL);
	wm_write(sc, WM_ITR, WM_ITR_VAL);
	if (sc->sc_intr == WM_INTR_MSIX) {
		wm_write(sc, WM_IVAR, WM_IVAR_RXQ0(0) | WM_IVAR_TXQ0(0) |
		    WM_IVAR_OTHER(0));
		wm_write(sc, WM_EITR(0), WM_ITR_VAL);
	}
}

static int
wm_init_locked(struct wm_softc *sc)
{
	int rv;

	if (sc->sc_running)
		wm_stop_locked(sc);
	wm_init_regs(sc);
	if ((rv = wm_rx_init(sc)) != 0) {
		aprint_error(sc->sc_dev, "no receive buffers");
		wm_stop_locked(sc);
		return rv;
	}
	wm_tx_init(sc);
	sc->sc_running = true;
	wm_set_filter(sc);	/* also enables the receiver */
	wm_write(sc, WM_IMS, sc->sc_ims);
	wm_write(sc, WM_ICS, WM_ICR_LSC);	/* report the link from intr */
	return 0;
}

static int
wm_init(struct ifnet *ifp)
{
	struct wm_softc *sc = ifp->if_softc;
	int rv;

	mutex_enter(&sc->sc_lock);
	wm_mta_compute(sc);
	rv = wm_init_locked(sc);
	mutex_exit(&sc->sc_lock);
	if (rv == 0)
		ifp->if_flags |= IFF_RUNNING;
	return rv;
}

static void
wm_stop(struct ifnet *ifp)
{
	struct wm_softc *sc = ifp->if_softc;

	mutex_enter(&sc->sc_lock);
	wm_stop_locked(sc);
	mutex_exit(&sc->sc_lock);
	ifp->if_flags &= ~IFF_RUNNING;
}

/* ---- link ---- */

/* The link state now; *changed if it differs from the last reported. */
static int
wm_link_poll(struct wm_softc *sc, bool *changed)
{
	uint32_t st = wm_read(sc, WM_STATUS);
	int state = (st & WM_STATUS_LU) ? LINK_STATE_UP : LINK_STATE_DOWN;
	static const uint64_t mbps[] = { 10, 100, 1000, 1000 };

	*changed = state != sc->sc_link;
	sc->sc_link = state;
	sc->sc_if.if_baudrate = state == LINK_STATE_UP ?
	    mbps[WM_STATUS_SPEED(st)] * 1000000ULL : 0;
	if (*changed && state == LINK_STATE_UP)
		aprint_normal(sc->sc_dev, "link up, %u Mb/s %s duplex",
		    (unsigned)mbps[WM_STATUS_SPEED(st)],
		    (st & WM_STATUS_FD) ? "full" : "half");
	else if (*changed)
		aprint_normal(sc->sc_dev, "link down");
	return state;
}

/* ---- interrupts ---- */

/* Rings unusable: count it once, start them over. sc_lock held. */
static void
wm_rings_reset(struct wm_softc *sc)
{
	aprint_error(sc->sc_dev, "impossible descriptor state from the "
	    "device; resetting the rings");
	wm_stop_locked(sc);
	(void)wm_init_locked(sc);
}

static int
wm_intr(struct wm_softc *sc)
{
	struct ifnet *ifp = &sc->sc_if;
	struct mbuf *list = NULL;
	bool linkchg = false;
	int link = LINK_STATE_UNKNOWN;
	uint32_t icr;

	mutex_enter(&sc->sc_lock);
	icr = wm_read(sc, WM_ICR);
	if (icr == 0 || icr == 0xffffffffu) {
		mutex_exit(&sc->sc_lock);
		return 0;
	}
	wm_write(sc, WM_ICR, icr);
	if (sc->sc_running) {
		wm_rxeof(sc, &list);
		wm_txeof(sc);
		if (icr & WM_ICR_RXO)
			if_stat_add(ifp, IFS_IQDROPS, 1);
		if (sc->sc_corrupt)
			wm_rings_reset(sc);
		if (icr & WM_ICR_LSC)
			link = wm_link_poll(sc, &linkchg);
	}
	mutex_exit(&sc->sc_lock);
	ether_input_list(ifp, list);
	if (linkchg)
		if_link_state_change(ifp, link);
	if (ifp->if_snd.mq_len > 0)
		wm_start(ifp);
	return 1;
}

/*
 * What the PCI layer calls. ih_sc is cleared at detach; ih_busy lets
 * detach wait for a call in progress.
 */
static int
wm_intr_hw(void *arg)
{
	struct wm_ih *ih = arg;
	struct wm_softc *sc;
	int rv = 0;

	__atomic_add_fetch(&ih->ih_busy, 1, __ATOMIC_ACQ_REL);
	if ((sc = __atomic_load_n(&ih->ih_sc, __ATOMIC_ACQUIRE)) != NULL) {
		rv = wm_intr(sc);
	}
	__atomic_sub_fetch(&ih->ih_busy, 1, __ATOMIC_ACQ_REL);
	if (rv)
		__atomic_add_fetch(&ih->ih_count, 1, __ATOMIC_RELAXED);
	return rv;
}

/* MSI-X (82574), MSI, INTx, the first that works. */
static int
wm_intr_setup(struct wm_softc *sc)
{
	struct pci_dev *pd = sc->sc_pd;
	struct wm_ih *ih;
	int rv = ENODEV;

	if ((ih = kmem_zalloc(sizeof(*ih), KM_SLEEP)) == NULL)
		return ENOMEM;
	ih->ih_sc = sc;
	sc->sc_ih = ih;
	sc->sc_ims = WM_IMS_BASE;
	if (sc->sc_chip == WM_T_82574 && pd->pd_msix != 0) {
		wm_write(sc, WM_IVAR, WM_IVAR_RXQ0(0) | WM_IVAR_TXQ0(0) |
		    WM_IVAR_OTHER(0));
		if ((rv = pci_msix_establish(pd, 0, wm_intr_hw, ih, NULL)) == 0) {
			sc->sc_intr = WM_INTR_MSIX;
			sc->sc_ims |= WM_IMS_MSIX;
			return 0;
		}
	}
	if (pd->pd_msi != 0 &&
	    (rv = pci_msi_establish(pd, wm_intr_hw, ih, NULL)) == 0) {
		sc->sc_intr = WM_INTR_MSI;
		return 0;
	}
	if ((rv = pci_intr_establish(pd, wm_intr_hw, ih)) == 0) {
		sc->sc_intr = WM_INTR_INTX;
		return 0;
	}
	/* Nothing registered: the wrapper can go. */
	sc->sc_ih = NULL;
	kmem_free(ih, sizeof(*ih));
	return rv;
}

/* The handler stays registered (the contract cannot remove it): idle it. */
static void
wm_intr_teardown(struct wm_softc *sc)
{
	struct wm_ih *ih = sc->sc_ih;

	if (ih == NULL)
		return;
	wm_write(sc, WM_IMC, 0xffffffffu);
	__atomic_store_n(&ih->ih_sc, NULL, __ATOMIC_RELEASE);
	for (int i = 0; i < 1000 &&
	    __atomic_load_n(&ih->ih_busy, __ATOMIC_ACQUIRE) != 0; i++)
		wm_delay_ms(1);
	sc->sc_ih = NULL;
}

/* ---- autoconf ---- */

static int
wm_match(device_t parent, void *aux)
{
	(void)parent;
	return pci_match_ids(wm_ids, aux);
}

static int
wm_map(struct wm_softc *sc, const struct pci_attach_args *pa)
{
	const struct pci_bar *b = &pa->pa_bar[0];

	if (pa->pa_nbar < 1 || !b->pb_assigned ||
	    (b->pb_kind != PCI_BAR_KIND_MEM32 &&
	    b->pb_kind != PCI_BAR_KIND_MEM64)) {
		aprint_error(sc->sc_dev, "BAR0 is not an assigned memory BAR");
		return ENXIO;
	}
	sc->sc_st = bus_space_mem;
	if (bus_space_map(sc->sc_st, b->pb_cpu, b->pb_size, 0,
	    &sc->sc_sh) != 0) {
		aprint_error(sc->sc_dev, "cannot map BAR0");
		return ENOMEM;
	}
	return 0;
}

static void
wm_ifattach(struct wm_softc *sc)
{
	struct ifnet *ifp = &sc->sc_if;

	memset(ifp, 0, sizeof(*ifp));
	ksnprintf(ifp->if_xname, sizeof(ifp->if_xname), "%s",
	    device_xname(sc->sc_dev));
	ifp->if_softc = sc;
	ifp->if_init = wm_init;
	ifp->if_stop = wm_stop;
	ifp->if_start = wm_start;
	ifp->if_mcast_update = wm_mcast_update;
	ifp->if_capabilities = IFCAP_CSUM_IPv4_Rx | IFCAP_CSUM_TCPv4_Rx |
	    IFCAP_CSUM_UDPv4_Rx;
	ifp->if_capenable = ifp->if_capabilities;
	ifp->if_link_state = LINK_STATE_UNKNOWN;
	ether_ifattach(ifp, sc->sc_mac);
	ifp->if_mtu_max = ETHERMTU;
	sc->sc_attached = true;
}

static void
wm_attach(device_t parent, device_t self, void *aux)
{
	struct pci_attach_args *pa = aux;
	struct wm_softc *sc = device_private(self);
	char mac[20];

	(void)parent;
	sc->sc_dev = self;
	sc->sc_pd = pa->pa_pd;
	sc->sc_dmat = &bus_dma_tag_default;
	sc->sc_chip = pa->pa_product == WM_PRODUCT_82574L ? WM_T_82574 :
	    WM_T_82540;
	sc->sc_chipname = sc->sc_chip == WM_T_82574 ? "82574L" : "82540EM";
	sc->sc_link = LINK_STATE_UNKNOWN;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT);
	if (wm_map(sc, pa) != 0 || wm_reset(sc) != 0 ||
	    wm_nvm_read_mac(sc) != 0)
		goto fail;
	if (wm_rings_alloc(sc) != 0) {
		aprint_error(sc->sc_dev, "cannot allocate DMA memory");
		goto fail;
	}
	if (wm_intr_setup(sc) != 0) {
		aprint_error(sc->sc_dev, "cannot establish an interrupt");
		goto fail_rings;
	}
	aprint_normal(self, "%s, MAC %s, %s", sc->sc_chipname,
	    ether_sprintf(mac, sc->sc_mac), wm_intr_names[sc->sc_intr]);
	wm_ifattach(sc);
	return;

fail_rings:
	wm_rings_free(sc);
fail:
	/* The device stays attached but inert; detach can still run. */
	mutex_destroy(&sc->sc_lock);
	sc->sc_dev = NULL;
}

static int
wm_detach(device_t self, int flags)
{
	struct wm_softc *sc = device_private(self);

	(void)flags;
	if (sc->sc_dev == NULL)
		return 0;	/* attach failed: nothing to undo */
	/* Quiesce receive before if_detach: no ether_input after it. */
	mutex_enter(&sc->sc_lock);
	wm_stop_locked(sc);
	mutex_exit(&sc->sc_lock);
	wm_intr_teardown(sc);
	if (sc->sc_attached) {
		ether_ifdetach(&sc->sc_if);
		sc->sc_attached = false;
	}
	wm_rings_free(sc);
	mutex_destroy(&sc->sc_lock);
	return 0;
}

static const struct cfdriver wm_cd = {
	.cd_name = "wm",
	.cd_attachto = "pci",
	.cd_softc_size = sizeof(struct wm_softc),
	.cd_match = wm_match,
	.cd_attach = wm_attach,
	.cd_detach = wm_detach,
};
CFDRIVER_DECLARE(wm_cd);
