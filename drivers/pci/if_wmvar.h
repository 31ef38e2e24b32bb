/*
 * The wm driver's softc and the interfaces between its files:
 * if_wm.c (autoconf, init/stop, interrupts, link, filters),
 * if_wm_rxtx.c (descriptor rings, receive buffers, transmit) and
 * if_wm_nvm.c (the MAC address from the NVM).
 *
 * Locking: sc_lock guards the rings, the registers that init/stop and
 * the interrupt handler program, and sc_running. Order: net_lock, then
 * sc_lock, then the receive buffer pool's wp_lock. sc_lock is never held
 * across ether_input, if_link_state_change or if_start (they take
 * net_lock or sc_lock themselves).
 */
#ifndef IF_WMVAR_H
#define IF_WMVAR_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/bus.h>
#include <kern/device.h>
#include <kern/mutex.h>
#include <net/mbuf.h>
#include <net/netif.h>
#include <pci/pci.h>

#include "if_wmreg.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "wm: descriptors are written in host order, which must be little-endian"
#endif

#define WM_NRXDESC 256		/* power of two, multiple of WM_DESC_LINE */
#define WM_NTXDESC 128		/* power of two */
#define WM_DESC_LINE 4		/* descriptors per 64-byte cache line */
#define WM_NRXBUF 384		/* receive buffers: ring plus those lent up */
#define WM_RXBUF_STRIDE 2176	/* 2048 the device may write, +2, aligned */
#define WM_RXBUF_ALIGN 2	/* IP header 4-aligned behind 14 bytes */
#define WM_RXBUF_SIZE 2048	/* RCTL.BSIZE */
#define WM_TXBUF_SIZE 2048	/* a frame is copied into its slot's buffer */

enum wm_chip { WM_T_82540, WM_T_82574 };
enum wm_intr { WM_INTR_INTX, WM_INTR_MSI, WM_INTR_MSIX };

/* One physically contiguous DMA area with a map for syncs. */
struct wm_dmamem {
	bus_dma_segment_t wd_seg;
	bus_dmamap_t wd_map;
	void *wd_va;
	bus_size_t wd_size;
};

/* A receive buffer; in the ring, on the free list, or lent to the stack. */
struct wm_rxbuf {
	struct wm_rxpool *wb_pool;
	struct wm_rxbuf *wb_next;	/* free list */
	unsigned wb_off;		/* in wp_mem */
};

/*
 * Receive buffers live in one DMA area, apart from the softc: buffers
 * handed up (m_gethdr_ext) may come back after the interface stopped
 * or detached. wp_out counts buffers not on the free list; the pool is
 * freed when it is both dying (detach) and empty.
 */
struct wm_rxpool {
	kmutex_t wp_lock;
	struct wm_dmamem wp_mem;
	bus_dma_tag_t wp_dmat;
	struct wm_rxbuf wp_buf[WM_NRXBUF];
	struct wm_rxbuf *wp_free;
	unsigned wp_out;		/* in rings or lent up */
	unsigned wp_lent;		/* lent to the stack */
	bool wp_dying;
};

/* What the interrupt line calls; never freed (handlers stay registered). */
struct wm_ih {
	struct wm_softc *ih_sc;		/* NULL once detached */
	unsigned ih_busy;		/* calls in progress */
	unsigned long ih_count;		/* interrupts that were ours */
};

struct wm_softc {
	device_t sc_dev;
	struct pci_dev *sc_pd;
	enum wm_chip sc_chip;
	const char *sc_chipname;
	bus_space_tag_t sc_st;
	bus_space_handle_t sc_sh;
	bus_dma_tag_t sc_dmat;
	kmutex_t sc_lock;
	struct ifnet sc_if;
	uint8_t sc_mac[ETHER_ADDR_LEN];

	enum wm_intr sc_intr;
	struct wm_ih *sc_ih;
	uint32_t sc_ims;		/* causes we enable */
	bool sc_running;		/* rings live, rx/tx enabled */
	bool sc_attached;		/* ether_ifattach done */
	int sc_link;			/* LINK_STATE_* last reported */
	uint32_t sc_mta[WM_MTA_WORDS];	/* multicast hash, see wm_mta_compute */

	/*
	 * Receive ring. Slots [sc_rxnext, sc_rxtail) are the device's
	 * (RDT == sc_rxtail); [sc_rxtail, sc_rxnext) are ours, at least one
	 * cache line of them, so that a line we write back never holds a
	 * descriptor the device may be writing. sc_rxtail moves in whole
	 * lines. sc_rxbuf[i] is the buffer of slot i (never NULL while
	 * running); sc_rxfresh[i]: slot i was cleared by us and not given
	 * since, so the device must not have written it.
	 */
	struct wm_dmamem sc_rxring;
	struct wm_rxdesc *sc_rxd;
	struct wm_rxbuf *sc_rxbuf[WM_NRXDESC];
	bool sc_rxfresh[WM_NRXDESC];
	unsigned sc_rxnext, sc_rxtail;
	bool sc_rxdiscard;		/* dropping the rest of a bad frame */
	struct wm_rxpool *sc_pool;

	/*
	 * Transmit ring. Slots [sc_txdirty, sc_txnext) are the device's;
	 * one slot always stays free (full: next + 1 == dirty). Each slot
	 * has its own buffer at slot * WM_TXBUF_SIZE in sc_txbuf.
	 */
	struct wm_dmamem sc_txring;
	struct wm_txdesc *sc_txd;
	struct wm_dmamem sc_txbuf;
	unsigned sc_txnext, sc_txdirty;

	bool sc_corrupt;		/* ring state impossible: reset them */
};

static inline uint32_t
wm_read(struct wm_softc *sc, bus_size_t reg)
{
	return bus_space_read_4(sc->sc_st, sc->sc_sh, reg);
}

static inline void
wm_write(struct wm_softc *sc, bus_size_t reg, uint32_t v)
{
	bus_space_write_4(sc->sc_st, sc->sc_sh, reg, v);
}

static inline void
wm_flush(struct wm_softc *sc)
{
	(void)wm_read(sc, WM_STATUS);
}

/* if_wm.c */
void wm_delay_ms(unsigned ms);

/* if_wm_nvm.c: the MAC into sc_mac; 0 or an errno value (logged). */
int wm_nvm_read_mac(struct wm_softc *sc);

/* if_wm_rxtx.c */
int wm_dmamem_alloc(bus_dma_tag_t t, bus_size_t size, struct wm_dmamem *m);
void wm_dmamem_free(bus_dma_tag_t t, struct wm_dmamem *m);
int wm_rings_alloc(struct wm_softc *sc);	/* at attach */
void wm_rings_free(struct wm_softc *sc);	/* at detach */
int wm_rx_init(struct wm_softc *sc);		/* sc_lock held */
void wm_tx_init(struct wm_softc *sc);		/* sc_lock held */
void wm_rings_drain(struct wm_softc *sc);	/* stopped; sc_lock held */
/* Frames received, collected onto *list (m_nextpkt); sc_lock held. */
void wm_rxeof(struct wm_softc *sc, struct mbuf **list);
void wm_txeof(struct wm_softc *sc);		/* sc_lock held */
void wm_start(struct ifnet *ifp);

#endif
