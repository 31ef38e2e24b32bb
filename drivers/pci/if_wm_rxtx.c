/*
 * wm: descriptor rings, receive buffers and transmission.
 *
 * Receive: legacy descriptors (both chips), one 2048-byte buffer per
 * descriptor (RCTL.BSIZE), so a frame always fits one descriptor (long
 * packets are off). Buffers come from a pool in one DMA area; a
 * received buffer is handed up without copying (m_gethdr_ext) and its
 * slot gets a fresh one; the stack's last m_free returns it to the
 * pool. If the pool is empty the frame is copied (m_devget) and the
 * buffer stays in its slot, so the ring never runs dry.
 *
 * Transmit: one descriptor per frame; the frame is copied into the
 * slot's own buffer (frames are at most 1518 bytes) and the mbuf freed
 * at once, so nothing is held for the device but that buffer.
 *
 * What the device writes back is checked before it is believed:
 * length beyond the buffer or below a header, a frame spread over more
 * than one descriptor (impossible with 2048-byte buffers), DD on a
 * descriptor we cleared and never gave, a head register outside what
 * we gave. Each counts IFS_BADDESC and drops the frame; the last two
 * mean the ring state is gone and set sc_corrupt, and the interrupt
 * handler resets the rings.
 *
 * All of it runs with sc_lock held, except wm_start (takes it) and the
 * pool's free function (any context; takes only wp_lock).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kern/klog.h>
#include <kern/kmem.h>

#include "if_wmvar.h"

#define RXMASK (WM_NRXDESC - 1)
#define TXMASK (WM_NTXDESC - 1)

_Static_assert((WM_NRXDESC & RXMASK) == 0 && WM_NRXDESC % WM_DESC_LINE == 0,
    "rx ring size");
_Static_assert((WM_NTXDESC & TXMASK) == 0, "tx ring size");
_Static_assert(WM_NRXBUF > WM_NRXDESC, "rx pool smaller than the ring");
_Static_assert(WM_RXBUF_STRIDE % 64 == 0 &&
    WM_RXBUF_STRIDE >= WM_RXBUF_SIZE + WM_RXBUF_ALIGN, "rx buffer stride");
_Static_assert(WM_TXBUF_SIZE >= ETHER_MAX_LEN, "tx buffer size");

/* ---- DMA areas ---- */

int
wm_dmamem_alloc(bus_dma_tag_t t, bus_size_t size, struct wm_dmamem *m)
{
	int rv, nseg;

	memset(m, 0, sizeof(*m));
	if ((rv = bus_dmamem_alloc(t, size, 4096, &m->wd_seg, 1, &nseg,
	    BUS_DMA_WAITOK)) != 0)
		return rv;
	if ((rv = bus_dmamem_map(t, &m->wd_seg, 1, size, &m->wd_va,
	    BUS_DMA_WAITOK)) != 0)
		goto fail_free;
	if ((rv = bus_dmamap_create(t, size, 1, size, 0, BUS_DMA_WAITOK,
	    &m->wd_map)) != 0)
		goto fail_unmap;
	if ((rv = bus_dmamap_load(t, m->wd_map, m->wd_va, size,
	    BUS_DMA_WAITOK)) != 0)
		goto fail_destroy;
	m->wd_size = size;
	memset(m->wd_va, 0, size);
	bus_dmamap_sync(t, m->wd_map, 0, size, BUS_DMASYNC_PREWRITE);
	return 0;

fail_destroy:
	bus_dmamap_destroy(t, m->wd_map);
fail_unmap:
	bus_dmamem_unmap(t, m->wd_va, size);
fail_free:
	bus_dmamem_free(t, &m->wd_seg, 1);
	m->wd_va = NULL;
	return rv;
}

void
wm_dmamem_free(bus_dma_tag_t t, struct wm_dmamem *m)
{
	if (m->wd_va == NULL)
		return;
	bus_dmamap_unload(t, m->wd_map);
	bus_dmamap_destroy(t, m->wd_map);
	bus_dmamem_unmap(t, m->wd_va, m->wd_size);
	bus_dmamem_free(t, &m->wd_seg, 1);
	m->wd_va = NULL;
}

static bus_addr_t
wm_dmamem_pa(const struct wm_dmamem *m, bus_size_t off)
{
	return m->wd_map->dm_segs[0].ds_addr + off;
}

/* ---- the receive buffer pool ---- */

static struct wm_rxpool *
wm_pool_create(bus_dma_tag_t t)
{
	struct wm_rxpool *p = kmem_zalloc(sizeof(*p), KM_SLEEP);

	if (p == NULL)
		return NULL;
	if (wm_dmamem_alloc(t, (bus_size_t)WM_NRXBUF * WM_RXBUF_STRIDE,
	    &p->wp_mem) != 0) {
		kmem_free(p, sizeof(*p));
		return NULL;
	}
	mutex_init(&p->wp_lock, MUTEX_DEFAULT);
	p->wp_dmat = t;
	for (int i = WM_NRXBUF - 1; i >= 0; i--) {
		p->wp_buf[i].wb_pool = p;
		p->wp_buf[i].wb_off = (unsigned)i * WM_RXBUF_STRIDE;
		p->wp_buf[i].wb_next = p->wp_free;
		p->wp_free = &p->wp_buf[i];
	}
	return p;
}

static void
wm_pool_destroy(struct wm_rxpool *p)
{
	mutex_destroy(&p->wp_lock);
	wm_dmamem_free(p->wp_dmat, &p->wp_mem);
	kmem_free(p, sizeof(*p));
}

static struct wm_rxbuf *
wm_pool_get(struct wm_rxpool *p)
{
	struct wm_rxbuf *b;

	mutex_enter(&p->wp_lock);
	if ((b = p->wp_free) != NULL) {
		p->wp_free = b->wb_next;
		p->wp_out++;
	}
	mutex_exit(&p->wp_lock);
	return b;
}

/* Back to the free list; lent: it came back from the stack. */
static void
wm_pool_put(struct wm_rxbuf *b, bool lent)
{
	struct wm_rxpool *p = b->wb_pool;
	bool last;

	mutex_enter(&p->wp_lock);
	b->wb_next = p->wp_free;
	p->wp_free = b;
	p->wp_out--;
	if (lent)
		p->wp_lent--;
	last = p->wp_dying && p->wp_out == 0;
	mutex_exit(&p->wp_lock);
	if (last)
		wm_pool_destroy(p);
}

/* The stack freed the last reference to a buffer we lent it. */
static void
wm_rxbuf_free(void *buf, size_t size, void *arg)
{
	(void)buf;
	(void)size;
	wm_pool_put(arg, true);
}

/* Detach: free now, or when the last lent buffer comes back. */
static void
wm_pool_release(struct wm_rxpool *p)
{
	bool empty;

	mutex_enter(&p->wp_lock);
	p->wp_dying = true;
	empty = p->wp_out == 0;
	mutex_exit(&p->wp_lock);
	if (empty)
		wm_pool_destroy(p);
}

static uint8_t *
wm_rxbuf_data(const struct wm_rxbuf *b)
{
	return (uint8_t *)b->wb_pool->wp_mem.wd_va + b->wb_off +
	    WM_RXBUF_ALIGN;
}

static void
wm_rxbuf_sync(const struct wm_rxbuf *b, int ops)
{
	struct wm_rxpool *p = b->wb_pool;

	bus_dmamap_sync(p->wp_dmat, p->wp_mem.wd_map, b->wb_off,
	    WM_RXBUF_ALIGN + WM_RXBUF_SIZE, ops);
}

/* ---- allocation at attach ---- */

int
wm_rings_alloc(struct wm_softc *sc)
{
	int rv;

	if ((rv = wm_dmamem_alloc(sc->sc_dmat,
	    WM_NRXDESC * sizeof(struct wm_rxdesc), &sc->sc_rxring)) != 0)
		return rv;
	if ((rv = wm_dmamem_alloc(sc->sc_dmat,
	    WM_NTXDESC * sizeof(struct wm_txdesc), &sc->sc_txring)) != 0)
		goto fail_rx;
	if ((rv = wm_dmamem_alloc(sc->sc_dmat,
	    (bus_size_t)WM_NTXDESC * WM_TXBUF_SIZE, &sc->sc_txbuf)) != 0)
		goto fail_tx;
	if ((sc->sc_pool = wm_pool_create(sc->sc_dmat)) == NULL) {
		rv = ENOMEM;
		goto fail_txbuf;
	}
	sc->sc_rxd = sc->sc_rxring.wd_va;
	sc->sc_txd = sc->sc_txring.wd_va;
	return 0;

fail_txbuf:
	wm_dmamem_free(sc->sc_dmat, &sc->sc_txbuf);
fail_tx:
	wm_dmamem_free(sc->sc_dmat, &sc->sc_txring);
fail_rx:
	wm_dmamem_free(sc->sc_dmat, &sc->sc_rxring);
	return rv;
}

/* Stopped and drained: the rings hold no buffers. */
void
wm_rings_free(struct wm_softc *sc)
{
	if (sc->sc_pool != NULL)
		wm_pool_release(sc->sc_pool);
	sc->sc_pool = NULL;
	wm_dmamem_free(sc->sc_dmat, &sc->sc_txbuf);
	wm_dmamem_free(sc->sc_dmat, &sc->sc_txring);
	wm_dmamem_free(sc->sc_dmat, &sc->sc_rxring);
}

/* ---- receive ---- */

static void
wm_rxdesc_sync(struct wm_softc *sc, unsigned first, unsigned n, int ops)
{
	bus_dmamap_sync(sc->sc_dmat, sc->sc_rxring.wd_map,
	    first * sizeof(struct wm_rxdesc), n * sizeof(struct wm_rxdesc),
	    ops);
}

/* Clear the line at sc_rxtail, point it at its buffers, give it. */
static void
wm_rx_give_line(struct wm_softc *sc)
{
	unsigned first = sc->sc_rxtail;

	for (unsigned i = first; i < first + WM_DESC_LINE; i++) {
		struct wm_rxbuf *b = sc->sc_rxbuf[i];
		struct wm_rxdesc *d = &sc->sc_rxd[i];

		wm_rxbuf_sync(b, BUS_DMASYNC_PREREAD);
		memset(d, 0, sizeof(*d));
		d->rd_addr = wm_dmamem_pa(&b->wb_pool->wp_mem,
		    b->wb_off + WM_RXBUF_ALIGN);
		sc->sc_rxfresh[i] = false;
	}
	wm_rxdesc_sync(sc, first, WM_DESC_LINE, BUS_DMASYNC_PREWRITE);
	sc->sc_rxtail = (first + WM_DESC_LINE) & RXMASK;
}

/* Slots given to the device; at most WM_NRXDESC - WM_DESC_LINE. */
static unsigned
wm_rx_given(const struct wm_softc *sc)
{
	return (sc->sc_rxtail - sc->sc_rxnext) & RXMASK;
}

static void
wm_rx_refill(struct wm_softc *sc)
{
	unsigned tail = sc->sc_rxtail;

	while (WM_NRXDESC - wm_rx_given(sc) >= 2 * WM_DESC_LINE)
		wm_rx_give_line(sc);
	if (sc->sc_rxtail != tail)
		wm_write(sc, WM_RDT, sc->sc_rxtail);
}

int
wm_rx_init(struct wm_softc *sc)
{
	bus_addr_t pa = wm_dmamem_pa(&sc->sc_rxring, 0);

	for (unsigned i = 0; i < WM_NRXDESC; i++) {
		if (sc->sc_rxbuf[i] == NULL &&
		    (sc->sc_rxbuf[i] = wm_pool_get(sc->sc_pool)) == NULL)
			return ENOBUFS;
	}
	memset(sc->sc_rxd, 0, WM_NRXDESC * sizeof(struct wm_rxdesc));
	wm_rxdesc_sync(sc, 0, WM_NRXDESC, BUS_DMASYNC_PREWRITE);
	for (unsigned i = 0; i < WM_NRXDESC; i++)
		sc->sc_rxfresh[i] = true;
	sc->sc_rxnext = sc->sc_rxtail = 0;
	sc->sc_rxdiscard = false;
	while (WM_NRXDESC - wm_rx_given(sc) >= 2 * WM_DESC_LINE)
		wm_rx_give_line(sc);
	wm_write(sc, WM_RDBAL, (uint32_t)pa);
	wm_write(sc, WM_RDBAH, (uint32_t)(pa >> 32));
	wm_write(sc, WM_RDLEN, WM_NRXDESC * sizeof(struct wm_rxdesc));
	wm_write(sc, WM_RDH, 0);
	wm_write(sc, WM_RDT, sc->sc_rxtail);
	return 0;
}

static void
wm_rx_csum(struct mbuf *m, uint8_t status, uint8_t errors)
{
	if (status & WM_RXS_IXSM)
		return;
	if (status & WM_RXS_IPCS)
		m->m_pkthdr.csum_flags |= (errors & WM_RXE_IPE) ?
		    M_CSUM_BAD : M_CSUM_IPV4_OK;
	if (status & (WM_RXS_TCPCS | WM_RXS_UDPCS))
		m->m_pkthdr.csum_flags |= (errors & WM_RXE_TCPE) ?
		    M_CSUM_BAD : M_CSUM_DATA_OK;
}

/* The frame in slot i as an mbuf; the slot keeps a buffer either way. */
static struct mbuf *
wm_rx_take(struct wm_softc *sc, unsigned i, unsigned len)
{
	struct wm_rxbuf *b = sc->sc_rxbuf[i], *nb;
	struct mbuf *m;

	if ((nb = wm_pool_get(sc->sc_pool)) == NULL)
		return m_devget(wm_rxbuf_data(b), len, 0, &sc->sc_if);
	m = m_gethdr_ext(M_NOWAIT, wm_rxbuf_data(b), WM_RXBUF_SIZE, len,
	    wm_rxbuf_free, b);
	if (m == NULL) {
		wm_pool_put(nb, false);
		return NULL;
	}
	mutex_enter(&sc->sc_pool->wp_lock);
	sc->sc_pool->wp_lent++;
	mutex_exit(&sc->sc_pool->wp_lock);
	sc->sc_rxbuf[i] = nb;
	return m;
}

/* One completed descriptor: a frame for *list, or counted and dropped. */
static struct mbuf *
wm_rx_one(struct wm_softc *sc, unsigned i)
{
	struct wm_rxdesc *d = &sc->sc_rxd[i];
	struct ifnet *ifp = &sc->sc_if;
	uint8_t status = d->rd_status, errors = d->rd_errors;
	unsigned len = d->rd_len;
	struct mbuf *m;

	if (sc->sc_rxdiscard) {
		sc->sc_rxdiscard = !(status & WM_RXS_EOP);
		return NULL;
	}
	if (!(status & WM_RXS_EOP) || len > WM_RXBUF_SIZE ||
	    len < ETHER_HDR_LEN) {
		if_stat_add(ifp, IFS_BADDESC, 1);
		sc->sc_rxdiscard = !(status & WM_RXS_EOP);
		return NULL;
	}
	if (errors & WM_RXE_FRAME) {
		if_stat_add(ifp, IFS_IERRORS, 1);
		return NULL;
	}
	wm_rxbuf_sync(sc->sc_rxbuf[i], BUS_DMASYNC_POSTREAD);
	if ((m = wm_rx_take(sc, i, len)) == NULL) {
		if_stat_add(ifp, IFS_IQDROPS, 1);
		return NULL;
	}
	m->m_pkthdr.rcvif = ifp;
	m->m_pkthdr.len = len;
	m->m_pkthdr.csum_flags = 0;
	wm_rx_csum(m, status, errors);
	return m;
}

/*
 * Device state we can check cheaply; false: the ring is not to be
 * trusted. The head may lag the descriptors written back (the device
 * writes a descriptor, then moves RDH), but never falls behind where
 * this pass started (start) nor passes the tail. The first line we own
 * must not have been written if we cleared it and never gave it.
 */
static bool
wm_rx_sane(struct wm_softc *sc, unsigned start, unsigned given)
{
	unsigned head = wm_read(sc, WM_RDH), t = sc->sc_rxtail;

	if (head >= WM_NRXDESC || ((head - start) & RXMASK) > given)
		return false;
	wm_rxdesc_sync(sc, t, WM_DESC_LINE, BUS_DMASYNC_POSTREAD);
	for (unsigned i = t; i < t + WM_DESC_LINE; i++)
		if (sc->sc_rxfresh[i] && (sc->sc_rxd[i].rd_status & WM_RXS_DD))
			return false;
	return true;
}

void
wm_rxeof(struct wm_softc *sc, struct mbuf **list)
{
	struct mbuf *m, **tailp = list;
	unsigned i, start = sc->sc_rxnext, given = wm_rx_given(sc);

	while (wm_rx_given(sc) > 0) {
		i = sc->sc_rxnext;
		wm_rxdesc_sync(sc, i, 1, BUS_DMASYNC_POSTREAD);
		if (!(sc->sc_rxd[i].rd_status & WM_RXS_DD))
			break;
		if ((m = wm_rx_one(sc, i)) != NULL) {
			*tailp = m;
			tailp = &m->m_nextpkt;
		}
		sc->sc_rxnext = (i + 1) & RXMASK;
	}
	*tailp = NULL;
	if (!wm_rx_sane(sc, start, given)) {
		if_stat_add(&sc->sc_if, IFS_BADDESC, 1);
		sc->sc_corrupt = true;
		return;
	}
	wm_rx_refill(sc);
}

/* ---- transmit ---- */

void
wm_tx_init(struct wm_softc *sc)
{
	bus_addr_t pa = wm_dmamem_pa(&sc->sc_txring, 0);

	memset(sc->sc_txd, 0, WM_NTXDESC * sizeof(struct wm_txdesc));
	bus_dmamap_sync(sc->sc_dmat, sc->sc_txring.wd_map, 0,
	    sc->sc_txring.wd_size, BUS_DMASYNC_PREWRITE);
	sc->sc_txnext = sc->sc_txdirty = 0;
	wm_write(sc, WM_TDBAL, (uint32_t)pa);
	wm_write(sc, WM_TDBAH, (uint32_t)(pa >> 32));
	wm_write(sc, WM_TDLEN, WM_NTXDESC * sizeof(struct wm_txdesc));
	wm_write(sc, WM_TDH, 0);
	wm_write(sc, WM_TDT, 0);
}

void
wm_txeof(struct wm_softc *sc)
{
	unsigned head, given = (sc->sc_txnext - sc->sc_txdirty) & TXMASK;

	if (given == 0)
		return;
	head = wm_read(sc, WM_TDH);
	if (head >= WM_NTXDESC || ((head - sc->sc_txdirty) & TXMASK) > given) {
		if_stat_add(&sc->sc_if, IFS_BADDESC, 1);
		sc->sc_corrupt = true;
		return;
	}
	while (sc->sc_txdirty != sc->sc_txnext) {
		unsigned i = sc->sc_txdirty;

		bus_dmamap_sync(sc->sc_dmat, sc->sc_txring.wd_map,
		    i * sizeof(struct wm_txdesc), sizeof(struct wm_txdesc),
		    BUS_DMASYNC_POSTREAD);
		if (!(sc->sc_txd[i].td_status & WM_TXS_DD))
			break;
		sc->sc_txdirty = (i + 1) & TXMASK;
	}
}

/* Copy one frame into slot i and describe it; false: dropped. */
static bool
wm_tx_one(struct wm_softc *sc, unsigned i, struct mbuf *m)
{
	struct ifnet *ifp = &sc->sc_if;
	unsigned len = m->m_pkthdr.len;
	uint8_t *buf = (uint8_t *)sc->sc_txbuf.wd_va + i * WM_TXBUF_SIZE;
	struct wm_txdesc *d = &sc->sc_txd[i];

	if (len < ETHER_HDR_LEN || len > ETHER_MAX_LEN - ETHER_CRC_LEN + 4) {
		if_stat_add(ifp, IFS_OERRORS, 1);
		m_freem(m);
		return false;
	}
	m_copydata(m, 0, len, buf);
	if (buf[0] & 1)
		if_stat_add(ifp, IFS_OMCASTS, 1);
	m_freem(m);
	bus_dmamap_sync(sc->sc_dmat, sc->sc_txbuf.wd_map,
	    (bus_addr_t)i * WM_TXBUF_SIZE, len, BUS_DMASYNC_PREWRITE);
	memset(d, 0, sizeof(*d));
	d->td_addr = wm_dmamem_pa(&sc->sc_txbuf, (bus_addr_t)i * WM_TXBUF_SIZE);
	d->td_len = (uint16_t)len;
	d->td_cmd = WM_TXC_EOP | WM_TXC_IFCS | WM_TXC_RS;
	bus_dmamap_sync(sc->sc_dmat, sc->sc_txring.wd_map,
	    i * sizeof(struct wm_txdesc), sizeof(struct wm_txdesc),
	    BUS_DMASYNC_PREWRITE);
	if_stat_add(ifp, IFS_OPACKETS, 1);
	if_stat_add(ifp, IFS_OBYTES, len);
	return true;
}

void
wm_start(struct ifnet *ifp)
{
	struct wm_softc *sc = ifp->if_softc;
	unsigned next;
	bool queued = false;
	struct mbuf *m;

	mutex_enter(&sc->sc_lock);
	if (!sc->sc_running) {
		mutex_exit(&sc->sc_lock);
		return;
	}
	wm_txeof(sc);
	while (!sc->sc_corrupt) {
		next = sc->sc_txnext;
		if (((next + 1) & TXMASK) == sc->sc_txdirty)
			break;		/* full: the interrupt restarts us */
		if ((m = if_dequeue(ifp)) == NULL)
			break;
		if (wm_tx_one(sc, next, m)) {
			sc->sc_txnext = (next + 1) & TXMASK;
			queued = true;
		}
	}
	if (queued)
		wm_write(sc, WM_TDT, sc->sc_txnext);
	mutex_exit(&sc->sc_lock);
}

/* Stopped: give every ring buffer back; nothing stays with the device. */
void
wm_rings_drain(struct wm_softc *sc)
{
	for (unsigned i = 0; i < WM_NRXDESC; i++) {
		if (sc->sc_rxbuf[i] != NULL)
			wm_pool_put(sc->sc_rxbuf[i], false);
		sc->sc_rxbuf[i] = NULL;
	}
	sc->sc_rxnext = sc->sc_rxtail = 0;
	sc->sc_txnext = sc->sc_txdirty = 0;
}
