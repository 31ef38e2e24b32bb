/*
 * vioif: the virtio network device (virtio 1.2, 5.1) over the virtio
 * PCI transport (virtio_pci.c, virtqueue.c). One receive and one
 * transmit queue, and the control queue when the device has one.
 *
 * Features asked for: MAC, STATUS, MRG_RXBUF, CSUM, GUEST_CSUM, CTRL_VQ,
 * CTRL_RX (and EVENT_IDX, VERSION_1 from the transport). Every frame
 * carries the 12-byte virtio_net_hdr (VERSION_1 always has num_buffers).
 *
 * Receive: each receive buffer is one mbuf cluster, DMA'd into directly
 * and handed up without a copy. The data starts VIOIF_RX_ALIGN bytes
 * into the cluster so that, after the virtio and Ethernet headers, the
 * IP header is 4-byte aligned. With MRG_RXBUF a frame may span several
 * buffers (num_buffers in the first header): they become one chain.
 * The interrupt handler takes the frames off the ring with used-buffer
 * notifications off, refills, turns notifications back on and looks
 * again (no lost wakeup), then drops the lock and calls ether_input.
 *
 * Transmit: if_start moves frames from if_snd to the ring while a slot
 * and descriptors are free: a descriptor for the slot's header (in one
 * DMA-safe array), then one per DMA segment of each mbuf (a map per
 * mbuf). A chain with too many pieces is copied into one cluster first.
 * Completions are reclaimed in the interrupt and at the next start.
 * Checksum offload: M_CSUM_TCPV4/UDPV4 with csum_start/csum_offset
 * counted from the start of the frame (the Ethernet header), as virtio
 * wants them; without the CSUM feature the sum is done here.
 *
 * Filtering: with CTRL_RX the device gets PROMISC/ALLMULTI and the
 * multicast table (VIRTIO_NET_CTRL_MAC_TABLE_SET; more than
 * VIOIF_MAXMC groups: all multicast). Without it the device delivers
 * all multicast (QEMU: everything) and ether_input filters.
 *
 * What the device writes is not trusted: used entries are checked by
 * vq_dequeue; refused ones count IFS_BADDESC and are dropped. A queue
 * whose used index cannot be true makes the driver reset the device
 * (from a callout) and start again.
 *
 * Locks: sc_rx_lock (receive ring), sc_tx_lock (transmit ring),
 * sc_ctrl_lock (control queue). Order: net_lock, then rx, then tx;
 * ctrl after net_lock, never with rx or tx. None is held across
 * ether_input or if_link_state_change.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kern/bus.h>
#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/device.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/mutex.h>
#include <net/mbuf.h>
#include <net/netif.h>
#include <netinet/inet.h>
#include <pci/pci.h>
#include <rump/rumpuser.h>

#include "virtio.h"

#include "if_vioifvar.h"

static int vioif_init(struct ifnet *ifp);
static void vioif_stop(struct ifnet *ifp);
static void vioif_start(struct ifnet *ifp);

/* ---- Link state and device reset ---- */

static int
link_state(struct vioif_softc *sc)
{
	struct virtio_softc *vsc = &sc->sc_vsc;

	if (!virtio_has(vsc, VIRTIO_NET_F_STATUS))
		return LINK_STATE_UP;
	return (virtio_cfg_read_2(vsc, VIRTIO_NET_CFG_STATUS) &
	    VIRTIO_NET_S_LINK_UP) ? LINK_STATE_UP : LINK_STATE_DOWN;
}


/*
 * Report a link change. Read and report happen under net_lock, so that
 * two threads (config interrupt, if_init) cannot report out of order;
 * the unlocked look first keeps interrupts that change nothing cheap.
 * No driver lock held.
 */
static void
link_update(struct vioif_softc *sc)
{
	struct ifnet *ifp = &sc->sc_if;
	bool taken;
	int st;

	if (!__atomic_load_n(&sc->sc_attached, __ATOMIC_ACQUIRE) ||
	    link_state(sc) ==
	    __atomic_load_n(&ifp->if_link_state, __ATOMIC_RELAXED))
		return;
	taken = net_lock_cond();
	if ((st = link_state(sc)) != ifp->if_link_state)
		if_link_state_change(ifp, st);
	net_unlock_cond(taken);
}

/* Softclock thread: stop and start again after the device broke a ring. */
static void
vioif_reset_task(void *arg)
{
	struct vioif_softc *sc = arg;
	struct ifnet *ifp = &sc->sc_if;
	bool taken = net_lock_cond();

	if (ifp->if_flags & IFF_UP) {
		aprint_error(sc->sc_dev, "resetting the device");
		vioif_stop(ifp);
		if (vioif_init(ifp) != 0)
			aprint_error(sc->sc_dev, "restart failed; interface "
			    "stays stopped");
	}
	__atomic_store_n(&sc->sc_reset_pending, false, __ATOMIC_RELEASE);
	net_unlock_cond(taken);
}

static void
schedule_reset(struct vioif_softc *sc)
{
	if (__atomic_exchange_n(&sc->sc_reset_pending, true, __ATOMIC_ACQ_REL))
		return;
	callout_reset(&sc->sc_reset_ch, 1, vioif_reset_task, sc);
}

static void
vioif_config_change(struct virtio_softc *vsc)
{
	struct vioif_softc *sc = vsc->vs_arg;

	if (sc->sc_running && virtio_needs_reset(vsc)) {
		aprint_error(sc->sc_dev, "device asks for a reset");
		schedule_reset(sc);
	}
	link_update(sc);
}

/* ---- Receive ---- */

/* One empty cluster onto the ring. 0, ENOSPC (full) or ENOBUFS. */
static int
rx_add(struct vioif_softc *sc)
{
	bus_dma_tag_t t = sc->sc_vsc.vs_dmat;
	struct virtqueue *vq = &sc->sc_rxq;
	struct vq_seg segs[2];
	bus_dmamap_t map;
	struct mbuf *m;
	uint16_t head;

	if (sc->sc_rx_nspare == 0 || vq_nfree(vq) < 2)
		return ENOSPC;
	if ((m = m_getcl(M_NOWAIT)) == NULL)
		return ENOBUFS;
	map = sc->sc_rx_spare[--sc->sc_rx_nspare];
	m->m_data = m->m_ext->es_buf + VIOIF_RX_ALIGN;
	if (bus_dmamap_load(t, map, m->m_data, VIOIF_RX_BUFLEN,
	    BUS_DMA_NOWAIT) != 0)
		goto fail;
	for (int i = 0; i < map->dm_nsegs; i++) {
		segs[i].vs_addr = map->dm_segs[i].ds_addr;
		segs[i].vs_len = (uint32_t)map->dm_segs[i].ds_len;
	}
	bus_dmamap_sync(t, map, 0, VIOIF_RX_BUFLEN, BUS_DMASYNC_PREREAD);
	if (vq_enqueue(vq, segs, 0, (unsigned)map->dm_nsegs, &head) != 0) {
		bus_dmamap_unload(t, map);
		goto fail;
	}
	sc->sc_rx_m[head] = m;
	sc->sc_rx_map[head] = map;
	return 0;

fail:
	sc->sc_rx_spare[sc->sc_rx_nspare++] = map;
	m_freem(m);
	return ENOBUFS;
}

static void vioif_refill_task(void *arg);

/* Fill the ring; no kick. Out of clusters with an empty ring: retry. */
static unsigned
rx_fill(struct vioif_softc *sc)
{
	unsigned n = 0;
	int rv;

	while ((rv = rx_add(sc)) == 0)
		n++;
	if (rv == ENOBUFS && vq_nfree(&sc->sc_rxq) == sc->sc_rxq.vq_num)
		callout_reset(&sc->sc_refill_ch, mstohz(100),
		    vioif_refill_task, sc);
	return n;
}

static void
vioif_refill_task(void *arg)
{
	struct vioif_softc *sc = arg;

	mutex_enter(&sc->sc_rx_lock);
	if (sc->sc_running && rx_fill(sc) > 0)
		vq_kick(&sc->sc_rxq);
	mutex_exit(&sc->sc_rx_lock);
}

/* The cluster of a used chain, its map back on the spare stack. */
static struct mbuf *
rx_take(struct vioif_softc *sc, uint16_t head, uint32_t len)
{
	bus_dma_tag_t t = sc->sc_vsc.vs_dmat;
	struct mbuf *m = sc->sc_rx_m[head];
	bus_dmamap_t map = sc->sc_rx_map[head];

	KASSERT(m != NULL && map != NULL);
	bus_dmamap_sync(t, map, 0, VIOIF_RX_BUFLEN, BUS_DMASYNC_POSTREAD);
	bus_dmamap_unload(t, map);
	sc->sc_rx_spare[sc->sc_rx_nspare++] = map;
	sc->sc_rx_m[head] = NULL;
	sc->sc_rx_map[head] = NULL;
	m->m_len = len;
	return m;
}

static void
rx_drain_one(void *arg, uint16_t head)
{
	struct vioif_softc *sc = arg;

	m_freem(rx_take(sc, head, 0));
}

static void
rx_csum(struct mbuf *m, const struct virtio_net_hdr *h)
{
	if (h->flags & VIRTIO_NET_HDR_F_DATA_VALID)
		m->m_pkthdr.csum_flags |= M_CSUM_DATA_OK;
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		/* From the host itself: the sum is partial, the data good. */
		m->m_pkthdr.csum_flags |= M_CSUM_PARTIAL;
		m->m_pkthdr.csum_start = h->csum_start;
		m->m_pkthdr.csum_offset = h->csum_offset;
	}
}

/* Take the further buffers of a merged frame onto m; false: dropped. */
static bool
rx_merge(struct vioif_softc *sc, struct mbuf *m, unsigned nbuf)
{
	struct mbuf *tail = m, *n;
	uint32_t len;
	uint16_t head;
	int rv;

	for (unsigned i = 1; i < nbuf; i++) {
		rv = vq_dequeue(&sc->sc_rxq, &head, &len);
		if (rv != 0 && rv != EBADMSG)
			return false;	/* missing or refused */
		n = rx_take(sc, head, len);
		n->m_flags &= ~(unsigned)M_PKTHDR;
		tail->m_next = n;
		tail = n;
		if (rv == EBADMSG)
			return false;
		m->m_pkthdr.len += len;
	}
	return true;
}

/* A used first buffer into a frame (header stripped), or NULL. */
static struct mbuf *
rx_frame(struct vioif_softc *sc, struct mbuf *m)
{
	struct ifnet *ifp = &sc->sc_if;
	struct virtio_net_hdr h;
	unsigned nbuf = 1;

	if (m->m_len < VIOIF_HDRLEN)
		goto bad;
	memcpy(&h, m->m_data, VIOIF_HDRLEN);
	if (virtio_has(&sc->sc_vsc, VIRTIO_NET_F_MRG_RXBUF))
		nbuf = h.num_buffers;
	if (nbuf == 0 || nbuf > VIOIF_MAXMERGE)
		goto bad;
	m->m_data += VIOIF_HDRLEN;
	m->m_len -= (unsigned)VIOIF_HDRLEN;
	m->m_pkthdr.len = m->m_len;
	m->m_pkthdr.rcvif = ifp;
	m->m_pkthdr.csum_flags = 0;
	if (!rx_merge(sc, m, nbuf))
		goto bad;
	if (m->m_pkthdr.len < ETHER_HDR_LEN) {
		if_stat_add(ifp, IFS_RUNT, 1);
		m_freem(m);
		return NULL;
	}
	if (virtio_has(&sc->sc_vsc, VIRTIO_NET_F_GUEST_CSUM))
		rx_csum(m, &h);
	return m;

bad:
	if_stat_add(ifp, IFS_BADDESC, 1);
	m_freem(m);
	return NULL;
}

/* Take up to budget frames off the ring onto *tailp; rx lock held. */
static unsigned
rx_collect(struct vioif_softc *sc, struct mbuf ***tailp, unsigned budget)
{
	struct ifnet *ifp = &sc->sc_if;
	unsigned n = 0;
	struct mbuf *m;
	uint32_t len;
	uint16_t head;
	int rv;

	while (n < budget) {
		rv = vq_dequeue(&sc->sc_rxq, &head, &len);
		if (rv == ENOENT)
			break;
		n++;
		if (rv == EIO) {
			if_stat_add(ifp, IFS_BADDESC, 1);
			if (sc->sc_rxq.vq_broken)
				break;
			continue;
		}
		m = rx_take(sc, head, len);
		if (rv == EBADMSG) {
			if_stat_add(ifp, IFS_BADDESC, 1);
			m_freem(m);
			continue;
		}
		if ((m = rx_frame(sc, m)) == NULL)
			continue;
		**tailp = m;
		*tailp = &m->m_nextpkt;
	}
	return n;
}

#define RX_BUDGET 64

static void
vioif_rx_done(struct virtqueue *vq)
{
	struct vioif_softc *sc = vq->vq_arg;
	struct mbuf *list, **tail;
	bool more, broken;
	unsigned n;

	do {
		list = NULL;
		tail = &list;
		mutex_enter(&sc->sc_rx_lock);
		if (!sc->sc_running) {
			mutex_exit(&sc->sc_rx_lock);
			return;
		}
		vq_intr_disable(vq);
		n = rx_collect(sc, &tail, RX_BUDGET);
		if (rx_fill(sc) > 0)
			vq_kick(vq);
		more = n == RX_BUDGET || vq_intr_enable(vq);
		broken = vq->vq_broken;
		mutex_exit(&sc->sc_rx_lock);
		ether_input_list(&sc->sc_if, list);
		if (broken) {
			schedule_reset(sc);
			return;
		}
	} while (more);
}

/* ---- Transmit ---- */

/* Store the complement of the sum of [start, start + len) at start + off. */
static int
csum_store(struct mbuf **mp, unsigned start, unsigned len, unsigned off,
    bool udp)
{
	unsigned plen = (*mp)->m_pkthdr.len;
	uint16_t v;

	if (start >= plen || len > plen - start || off + 2 > len)
		return EINVAL;
	if (m_makewritable(mp, start + off, 2, M_NOWAIT) != 0)
		return ENOMEM;
	v = in_cksum(*mp, start, len);
	if (udp && v == 0)
		v = 0xffff;
	return m_copyback(*mp, start + off, 2, &v);
}

/*
 * Checksums the device will not do. The stack leaves the pseudo-header
 * sum in the L4 checksum field, as virtio expects (5.1.6.2).
 */
static int
tx_csum_sw(struct vioif_softc *sc, struct mbuf **mp)
{
	struct mbuf *m = *mp;
	unsigned f = m->m_pkthdr.csum_flags, ihl;
	uint8_t vhl;
	int rv;

	if (f & M_CSUM_IPV4) {
		if (m->m_pkthdr.len < ETHER_HDR_LEN + 20)
			return EINVAL;
		m_copydata(m, ETHER_HDR_LEN, 1, &vhl);
		ihl = (vhl & 0xfu) * 4u;
		if (ihl < 20)
			return EINVAL;
		if ((rv = csum_store(mp, ETHER_HDR_LEN, ihl, 10, false)) != 0)
			return rv;
	}
	if ((f & (M_CSUM_TCPV4 | M_CSUM_UDPV4)) &&
	    !virtio_has(&sc->sc_vsc, VIRTIO_NET_F_CSUM)) {
		unsigned st = (*mp)->m_pkthdr.csum_start;
		rv = csum_store(mp, st, (*mp)->m_pkthdr.len - st,
		    (*mp)->m_pkthdr.csum_offset, (f & M_CSUM_UDPV4) != 0);
		if (rv != 0)
			return rv;
		(*mp)->m_pkthdr.csum_flags &= ~(unsigned)(M_CSUM_TCPV4 |
		    M_CSUM_UDPV4);
	}
	(*mp)->m_pkthdr.csum_flags &= ~(unsigned)M_CSUM_IPV4;
	return 0;
}

static void
tx_slot_free(struct vioif_softc *sc, int slot)
{
	struct vioif_txslot *ts = &sc->sc_tx[slot];
	bus_dma_tag_t t = sc->sc_vsc.vs_dmat;

	for (int i = 0; i < ts->ts_nmaps; i++) {
		bus_dmamap_sync(t, ts->ts_maps[i], 0,
		    ts->ts_maps[i]->dm_mapsize, BUS_DMASYNC_POSTWRITE);
		bus_dmamap_unload(t, ts->ts_maps[i]);
	}
	ts->ts_nmaps = 0;
	m_freem(ts->ts_m);
	ts->ts_m = NULL;
	sc->sc_tx_free[sc->sc_tx_nfree++] = slot;
}

static void
tx_drain_one(void *arg, uint16_t head)
{
	struct vioif_softc *sc = arg;

	tx_slot_free(sc, sc->sc_tx_slot_of[head]);
}

/* Map each mbuf of m into segs[1...]; *nsegp data segments. EFBIG: copy. */
static int
tx_load(struct vioif_softc *sc, struct vioif_txslot *ts, struct mbuf *m,
    struct vq_seg *segs, unsigned *nsegp)
{
	bus_dma_tag_t t = sc->sc_vsc.vs_dmat;
	unsigned ns = 0;
	bus_dmamap_t map;
	int rv = 0;

	for (; m != NULL && rv == 0; m = m->m_next) {
		if (m->m_len == 0)
			continue;
		if (ts->ts_nmaps == VIOIF_TX_MAXFRAGS ||
		    m->m_len > VIOIF_TX_FRAGSIZE) {
			rv = EFBIG;
			break;
		}
		map = ts->ts_maps[ts->ts_nmaps];
		if ((rv = bus_dmamap_load(t, map, m->m_data, m->m_len,
		    BUS_DMA_NOWAIT)) != 0)
			break;
		ts->ts_nmaps++;
		bus_dmamap_sync(t, map, 0, m->m_len, BUS_DMASYNC_PREWRITE);
		for (int i = 0; i < map->dm_nsegs && rv == 0; i++) {
			if (ns == sc->sc_tx_maxsegs) {
				rv = EFBIG;
				break;
			}
			segs[1 + ns].vs_addr = map->dm_segs[i].ds_addr;
			segs[1 + ns].vs_len = (uint32_t)map->dm_segs[i].ds_len;
			ns++;
		}
	}
	if (rv != 0) {
		for (int i = 0; i < ts->ts_nmaps; i++)
			bus_dmamap_unload(t, ts->ts_maps[i]);
		ts->ts_nmaps = 0;
	}
	*nsegp = ns;
	return rv;
}

/* The frame copied into one cluster (m is freed), or NULL. */
static struct mbuf *
tx_bounce(struct mbuf *m)
{
	struct mbuf *n = NULL;

	if (m->m_pkthdr.len <= MCLBYTES && (n = m_getcl(M_NOWAIT)) != NULL) {
		m_copydata(m, 0, m->m_pkthdr.len, mtod(n, void *));
		n->m_len = n->m_pkthdr.len = m->m_pkthdr.len;
		n->m_pkthdr.csum_flags = m->m_pkthdr.csum_flags;
		n->m_pkthdr.csum_start = m->m_pkthdr.csum_start;
		n->m_pkthdr.csum_offset = m->m_pkthdr.csum_offset;
	}
	m_freem(m);
	return n;
}

static void
tx_hdr(struct vioif_softc *sc, struct virtio_net_hdr *h, const struct mbuf *m)
{
	memset(h, 0, sizeof(*h));
	h->gso_type = VIRTIO_NET_HDR_GSO_NONE;
	if ((m->m_pkthdr.csum_flags & (M_CSUM_TCPV4 | M_CSUM_UDPV4)) &&
	    virtio_has(&sc->sc_vsc, VIRTIO_NET_F_CSUM)) {
		h->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h->csum_start = m->m_pkthdr.csum_start;
		h->csum_offset = m->m_pkthdr.csum_offset;
	}
}

/*
 * One frame onto the ring; the caller checked that a slot and
 * 1 + sc_tx_maxsegs descriptors are free. Consumes m.
 */
static void
tx_encap(struct vioif_softc *sc, struct mbuf *m)
{
	struct ifnet *ifp = &sc->sc_if;
	struct vq_seg segs[1 + VIOIF_TX_MAXSEGS];
	int slot = sc->sc_tx_free[--sc->sc_tx_nfree];
	struct vioif_txslot *ts = &sc->sc_tx[slot];
	struct virtio_net_hdr *h;
	unsigned ns;
	uint16_t head;
	uint8_t dst0;
	int rv;

	if ((rv = tx_csum_sw(sc, &m)) == 0 &&
	    (rv = tx_load(sc, ts, m, segs, &ns)) == EFBIG) {
		m = tx_bounce(m);
		rv = m == NULL ? ENOMEM : tx_load(sc, ts, m, segs, &ns);
	}
	if (rv != 0 || ns == 0)
		goto drop;
	h = (struct virtio_net_hdr *)(void *)(sc->sc_txhdr.db_va +
	    slot * VIOIF_TXHDR_STRIDE);
	tx_hdr(sc, h, m);
	virtio_dmabuf_sync(&sc->sc_vsc, &sc->sc_txhdr, (bus_size_t)slot * VIOIF_TXHDR_STRIDE,
	    VIOIF_HDRLEN, BUS_DMASYNC_PREWRITE);
	segs[0].vs_addr = virtio_dmabuf_pa(&sc->sc_txhdr,
	    (bus_size_t)slot * VIOIF_TXHDR_STRIDE);
	segs[0].vs_len = VIOIF_HDRLEN;
	ts->ts_m = m;
	if (vq_enqueue(&sc->sc_txq, segs, 1 + ns, 0, &head) != 0) {
		ts->ts_m = NULL;
		tx_slot_free(sc, slot);	/* unloads the maps */
		goto drop_counted;
	}
	sc->sc_tx_slot_of[head] = (uint8_t)slot;
	m_copydata(m, 0, 1, &dst0);
	if_stat_add(ifp, IFS_OPACKETS, 1);
	if_stat_add(ifp, IFS_OBYTES, m->m_pkthdr.len);
	if (dst0 & 1)
		if_stat_add(ifp, IFS_OMCASTS, 1);
	return;

drop:
	for (int i = 0; i < ts->ts_nmaps; i++)
		bus_dmamap_unload(sc->sc_vsc.vs_dmat, ts->ts_maps[i]);
	ts->ts_nmaps = 0;
	sc->sc_tx_free[sc->sc_tx_nfree++] = slot;
drop_counted:
	if_stat_add(ifp, IFS_OERRORS, 1);
	m_freem(m);
}

/*
 * Completed frames off the ring, then the completion interrupt re-armed
 * (with event index, reclaiming without that would leave the device's
 * used_event behind and silence it). Nothing in flight: no interrupt is
 * needed. Frames waiting for slots: interrupt at the next completion.
 * Otherwise once three quarters of what is in flight has completed, so
 * that a stream of frames costs an interrupt per batch, not per frame
 * (vioif_start reclaims as it goes). Tx lock held.
 */
static unsigned
tx_reclaim(struct vioif_softc *sc)
{
	struct virtqueue *vq = &sc->sc_txq;
	unsigned n = 0, busy;
	uint32_t len;
	uint16_t head;
	bool waiting;
	int rv;

	for (;;) {
		while ((rv = vq_dequeue(vq, &head, &len)) != ENOENT) {
			if (rv == EIO) {
				if_stat_add(&sc->sc_if, IFS_BADDESC, 1);
				if (vq->vq_broken)
					break;
				continue;
			}
			tx_slot_free(sc, sc->sc_tx_slot_of[head]);
			n++;
		}
		busy = VIOIF_NTX - (unsigned)sc->sc_tx_nfree;
		if (vq->vq_broken || busy == 0)
			break;
		waiting = __atomic_load_n(&sc->sc_if.if_snd.mq_len,
		    __ATOMIC_RELAXED) != 0;
		if (!vq_intr_enable_after(vq,
		    waiting ? 1 : (uint16_t)((busy * 3 + 3) / 4)))
			break;
	}
	return n;
}

static void
vioif_start(struct ifnet *ifp)
{
	struct vioif_softc *sc = ifp->if_softc;
	struct virtqueue *vq = &sc->sc_txq;
	unsigned n = 0;
	struct mbuf *m;
	bool broken;

	mutex_enter(&sc->sc_tx_lock);
	if (!sc->sc_running) {
		mutex_exit(&sc->sc_tx_lock);
		return;
	}
	(void)tx_reclaim(sc);
again:
	while (sc->sc_tx_nfree > 0 && !vq->vq_broken &&
	    vq_nfree(vq) >= 1 + sc->sc_tx_maxsegs &&
	    (m = if_dequeue(ifp)) != NULL) {
		tx_encap(sc, m);
		n++;
	}
	if (n > 0) {
		vq_kick(vq);
		n = 0;
		/*
		 * Arm the completion interrupt for what is now in flight.
		 * What that reclaims makes room for frames still waiting,
		 * which no interrupt would start if the ring is now empty.
		 */
		if (tx_reclaim(sc) > 0 && __atomic_load_n(&ifp->if_snd.mq_len,
		    __ATOMIC_RELAXED) != 0)
			goto again;
	}
	broken = vq->vq_broken;
	mutex_exit(&sc->sc_tx_lock);
	if (broken)
		schedule_reset(sc);
}

static void
vioif_tx_done(struct virtqueue *vq)
{
	struct vioif_softc *sc = vq->vq_arg;
	unsigned n;
	bool waiting;

	mutex_enter(&sc->sc_tx_lock);
	if (!sc->sc_running) {
		mutex_exit(&sc->sc_tx_lock);
		return;
	}
	n = tx_reclaim(sc);
	mutex_exit(&sc->sc_tx_lock);
	waiting = __atomic_load_n(&sc->sc_if.if_snd.mq_len, __ATOMIC_RELAXED)
	    != 0;
	if (vq->vq_broken)
		schedule_reset(sc);
	else if (n > 0 && waiting)
		vioif_start(&sc->sc_if);
}

/* ---- Start and stop ---- */

static int
vioif_init(struct ifnet *ifp)
{
	struct vioif_softc *sc = ifp->if_softc;
	struct virtio_softc *vsc = &sc->sc_vsc;
	int rv;

	if (sc->sc_running)
		vioif_stop(ifp);
	if ((rv = virtio_reinit(vsc)) != 0) {
		aprint_error(sc->sc_dev, "device did not restart (error %d)",
		    rv);
		return EIO;
	}
	mutex_enter(&sc->sc_rx_lock);
	mutex_enter(&sc->sc_tx_lock);
	if (sc->sc_has_ctrl)
		vq_intr_enable(&sc->sc_ctrlq);
	(void)rx_fill(sc);
	sc->sc_running = true;
	mutex_exit(&sc->sc_tx_lock);
	/* No notification before DRIVER_OK (3.1.1). */
	virtio_driver_ok(vsc);
	vq_kick(&sc->sc_rxq);
	mutex_exit(&sc->sc_rx_lock);
	(void)vioif_rx_filter(sc);
	ifp->if_flags |= IFF_RUNNING;
	link_update(sc);
	return 0;
}

/* Reset the device and free everything the rings held; net_lock held. */
static void
vioif_stop(struct ifnet *ifp)
{
	struct vioif_softc *sc = ifp->if_softc;

	mutex_enter(&sc->sc_rx_lock);
	mutex_enter(&sc->sc_tx_lock);
	sc->sc_running = false;
	virtio_reset(&sc->sc_vsc);
	vq_drain(&sc->sc_rxq, rx_drain_one, sc);
	vq_drain(&sc->sc_txq, tx_drain_one, sc);
	mutex_exit(&sc->sc_tx_lock);
	mutex_exit(&sc->sc_rx_lock);
	if (sc->sc_has_ctrl) {
		mutex_enter(&sc->sc_ctrl_lock);
		vq_drain(&sc->sc_ctrlq, NULL, NULL);
		mutex_exit(&sc->sc_ctrl_lock);
	}
	callout_stop(&sc->sc_refill_ch);
	ifp->if_flags &= ~(unsigned)IFF_RUNNING;
}

/* ---- Attach ---- */

static const struct {
	uint64_t f;
	const char *name;
} vioif_fnames[] = {
	{ VIRTIO_NET_F_MAC, "MAC" },
	{ VIRTIO_NET_F_STATUS, "STATUS" },
	{ VIRTIO_NET_F_MRG_RXBUF, "MRG_RXBUF" },
	{ VIRTIO_NET_F_CSUM, "CSUM" },
	{ VIRTIO_NET_F_GUEST_CSUM, "GUEST_CSUM" },
	{ VIRTIO_NET_F_CTRL_VQ, "CTRL_VQ" },
	{ VIRTIO_NET_F_CTRL_RX, "CTRL_RX" },
	{ VIRTIO_F_EVENT_IDX, "EVENT_IDX" },
};

static void
attach_line(struct vioif_softc *sc)
{
	char feat[128], mac[18];
	size_t n = 0;

	feat[0] = '\0';
	for (size_t i = 0; i < sizeof(vioif_fnames) / sizeof(vioif_fnames[0]);
	    i++) {
		if (!virtio_has(&sc->sc_vsc, vioif_fnames[i].f) ||
		    n >= sizeof(feat))
			continue;
		n += (size_t)ksnprintf(feat + n, sizeof(feat) - n, "%s%s",
		    n > 0 ? " " : "", vioif_fnames[i].name);
	}
	aprint_normal(sc->sc_dev, "virtio-net, MAC %s, features %s, %s",
	    ether_sprintf(mac, sc->sc_mac), feat,
	    virtio_intr_name(&sc->sc_vsc));
}

static void
get_mac(struct vioif_softc *sc)
{
	size_t got = 0;

	if (virtio_has(&sc->sc_vsc, VIRTIO_NET_F_MAC)) {
		virtio_cfg_read_bytes(&sc->sc_vsc, VIRTIO_NET_CFG_MAC,
		    sc->sc_mac, ETHER_ADDR_LEN);
		return;
	}
	(void)rumpuser_getrandom(sc->sc_mac, ETHER_ADDR_LEN, 0, &got);
	sc->sc_mac[0] = (uint8_t)((sc->sc_mac[0] & ~1u) | 2u);
}

static int
rx_alloc(struct vioif_softc *sc)
{
	size_t num = sc->sc_rxq.vq_num;
	int rv;

	sc->sc_rx_m = kmem_zalloc(num * sizeof(*sc->sc_rx_m), KM_NOSLEEP);
	sc->sc_rx_map = kmem_zalloc(num * sizeof(bus_dmamap_t), KM_NOSLEEP);
	sc->sc_rx_spare = kmem_zalloc(num * sizeof(bus_dmamap_t), KM_NOSLEEP);
	if (sc->sc_rx_m == NULL || sc->sc_rx_map == NULL ||
	    sc->sc_rx_spare == NULL)
		return ENOMEM;
	for (size_t i = 0; i < num; i++) {
		rv = bus_dmamap_create(sc->sc_vsc.vs_dmat, VIOIF_RX_BUFLEN, 2,
		    VIOIF_RX_BUFLEN, 0, BUS_DMA_NOWAIT,
		    &sc->sc_rx_spare[sc->sc_rx_nspare]);
		if (rv != 0)
			return rv;
		sc->sc_rx_nspare++;
	}
	return 0;
}

static int
tx_alloc(struct vioif_softc *sc)
{
	int rv;

	sc->sc_tx_maxsegs = sc->sc_txq.vq_num - 1u < VIOIF_TX_MAXSEGS ?
	    sc->sc_txq.vq_num - 1u : VIOIF_TX_MAXSEGS;
	if (sc->sc_tx_maxsegs == 0)
		return EINVAL;
	sc->sc_tx_slot_of = kmem_zalloc(sc->sc_txq.vq_num, KM_NOSLEEP);
	if (sc->sc_tx_slot_of == NULL)
		return ENOMEM;
	for (int s = 0; s < VIOIF_NTX; s++) {
		for (int i = 0; i < VIOIF_TX_MAXFRAGS; i++) {
			rv = bus_dmamap_create(sc->sc_vsc.vs_dmat,
			    VIOIF_TX_FRAGSIZE, VIOIF_TX_FRAGSIZE / 4096 + 1,
			    VIOIF_TX_FRAGSIZE, 0, BUS_DMA_NOWAIT,
			    &sc->sc_tx[s].ts_maps[i]);
			if (rv != 0)
				return rv;
		}
		sc->sc_tx_free[sc->sc_tx_nfree++] = s;
	}
	return virtio_dmabuf_alloc(&sc->sc_vsc, &sc->sc_txhdr, VIOIF_NTX * VIOIF_TXHDR_STRIDE);
}

/* Features we take, minus those whose prerequisites are missing. */
static uint64_t
wanted_features(struct virtio_softc *vsc)
{
	uint64_t have = virtio_device_features(vsc);
	uint64_t w = VIRTIO_NET_F_MAC | VIRTIO_NET_F_STATUS |
	    VIRTIO_NET_F_MRG_RXBUF | VIRTIO_NET_F_CSUM |
	    VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_CTRL_VQ |
	    VIRTIO_NET_F_CTRL_RX;

	if (!(have & VIRTIO_NET_F_CTRL_VQ))
		w &= ~VIRTIO_NET_F_CTRL_RX;
	return w;
}

/* Queues and buffers; the caller unwinds nothing (attach fails). */
static int
vioif_setup(struct vioif_softc *sc)
{
	struct virtio_softc *vsc = &sc->sc_vsc;
	int rv;

	if ((rv = virtio_vq_alloc(vsc, &sc->sc_rxq, VIOIF_RXQ, VIOIF_RING_MAX,
	    "rx")) != 0 ||
	    (rv = virtio_vq_alloc(vsc, &sc->sc_txq, VIOIF_TXQ, VIOIF_RING_MAX,
	    "tx")) != 0)
		return rv;
	sc->sc_rxq.vq_done = vioif_rx_done;
	sc->sc_txq.vq_done = vioif_tx_done;
	sc->sc_rxq.vq_arg = sc->sc_txq.vq_arg = sc;
	if (virtio_has(vsc, VIRTIO_NET_F_CTRL_VQ) &&
	    virtio_vq_alloc(vsc, &sc->sc_ctrlq, VIOIF_CTRLQ, VIOIF_CTRL_RING,
	    "ctrl") == 0 &&
	    virtio_dmabuf_alloc(&sc->sc_vsc, &sc->sc_ctrlbuf, CTRL_BUFLEN) == 0) {
		sc->sc_has_ctrl = true;
		sc->sc_ctrlq.vq_done = vioif_ctrl_done;
		sc->sc_ctrlq.vq_arg = sc;
	}
	if (!sc->sc_has_ctrl)
		vsc->vs_features &= ~(VIRTIO_NET_F_CTRL_VQ |
		    VIRTIO_NET_F_CTRL_RX);
	if ((rv = rx_alloc(sc)) != 0 || (rv = tx_alloc(sc)) != 0)
		return rv;
	vsc->vs_config_change = vioif_config_change;
	vsc->vs_arg = sc;
	return virtio_intr_setup(vsc);
}

static void
ifnet_setup(struct vioif_softc *sc)
{
	struct ifnet *ifp = &sc->sc_if;

	ksnprintf(ifp->if_xname, IFNAMSIZ, "%s", device_xname(sc->sc_dev));
	ifp->if_softc = sc;
	ifp->if_init = vioif_init;
	ifp->if_stop = vioif_stop;
	ifp->if_start = vioif_start;
	ifp->if_mcast_update = vioif_mcast_update;
	ifp->if_link_state = LINK_STATE_UNKNOWN;
	if (virtio_has(&sc->sc_vsc, VIRTIO_NET_F_GUEST_CSUM))
		ifp->if_capabilities |= IFCAP_CSUM_TCPv4_Rx |
		    IFCAP_CSUM_UDPv4_Rx;
	if (virtio_has(&sc->sc_vsc, VIRTIO_NET_F_CSUM))
		ifp->if_capabilities |= IFCAP_CSUM_TCPv4_Tx |
		    IFCAP_CSUM_UDPv4_Tx;
	/* Transmit offload stays off until the stack turns it on. */
	ifp->if_capenable = ifp->if_capabilities &
	    (IFCAP_CSUM_TCPv4_Rx | IFCAP_CSUM_UDPv4_Rx);
}

static int
vioif_match(device_t parent, void *aux)
{
	(void)parent;
	return virtio_pci_device_type(aux) == VIRTIO_ID_NET ? 1 : 0;
}

static void
vioif_attach(device_t parent, device_t self, void *aux)
{
	struct vioif_softc *sc = device_private(self);
	struct virtio_softc *vsc = &sc->sc_vsc;
	int rv;

	(void)parent;
	sc->sc_dev = self;
	mutex_init(&sc->sc_rx_lock, MUTEX_DEFAULT);
	mutex_init(&sc->sc_tx_lock, MUTEX_DEFAULT);
	mutex_init(&sc->sc_ctrl_lock, MUTEX_DEFAULT);
	cv_init(&sc->sc_ctrl_cv, "vioifctl");
	callout_init(&sc->sc_refill_ch);
	callout_init(&sc->sc_reset_ch);
	if ((rv = virtio_attach(vsc, aux, self)) != 0 ||
	    (rv = virtio_negotiate(vsc, wanted_features(vsc))) != 0)
		return;
	get_mac(sc);
	if ((rv = vioif_setup(sc)) != 0) {
		aprint_error(self, "cannot set up queues and buffers (error "
		    "%d); not attached", rv);
		virtio_reset(vsc);
		return;
	}
	/* Quiet until if_init restarts it. */
	virtio_reset(vsc);
	ifnet_setup(sc);
	attach_line(sc);
	ether_ifattach(&sc->sc_if, sc->sc_mac);
	__atomic_store_n(&sc->sc_attached, true, __ATOMIC_RELEASE);
}

static const struct cfdriver vioif_cd = {
	.cd_name = "vioif",
	.cd_attachto = "pci",
	.cd_softc_size = sizeof(struct vioif_softc),
	.cd_match = vioif_match,
	.cd_attach = vioif_attach,
};
CFDRIVER_DECLARE(vioif_cd);
