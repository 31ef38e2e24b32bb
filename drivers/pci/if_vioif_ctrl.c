/*
 * vioif's control queue (virtio 1.2, 5.1.6.5): one command at a time,
 * waited for with a timeout (a device that never answers marks the queue
 * dead and the driver goes on without filters), and the receive filters
 * it programs: promiscuous and all-multicast modes and the multicast MAC
 * table (up to VIOIF_MAXMC groups, beyond that all multicast).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kern/klog.h>
#include <kern/kassert.h>
#include <net/netif.h>

#include "if_vioifvar.h"

void
vioif_ctrl_done(struct virtqueue *vq)
{
	struct vioif_softc *sc = vq->vq_arg;

	mutex_enter(&sc->sc_ctrl_lock);
	cv_broadcast(&sc->sc_ctrl_cv);
	mutex_exit(&sc->sc_ctrl_lock);
}

/* Wait (bounded) for the one outstanding command; ctrl lock held. */
static int
ctrl_wait(struct vioif_softc *sc)
{
	struct virtqueue *vq = &sc->sc_ctrlq;
	uint64_t t0 = kclock_ns();
	uint32_t len;
	uint16_t head;
	int rv;

	for (;;) {
		rv = vq_dequeue(vq, &head, &len);
		if (rv == 0 || rv == EBADMSG)
			return rv == 0 ? 0 : EIO;
		if (rv == EIO && !vq->vq_broken)
			continue;
		if (vq->vq_broken || kclock_ns() - t0 > VIOIF_CTRL_WAIT_NS)
			break;
		/* Also polls: the interrupt may share a thread with rx. */
		(void)cv_timedwait_ns(&sc->sc_ctrl_cv, &sc->sc_ctrl_lock,
		    1000000);
	}
	aprint_error(sc->sc_dev, "control queue: no answer within 1 s; "
	    "control commands disabled");
	sc->sc_ctrl_dead = true;
	return ETIMEDOUT;
}

/* A control command with len bytes of data; 0, EIO (refused) or errno. */
static int
ctrl_cmd(struct vioif_softc *sc, uint8_t cls, uint8_t cmd, const void *data,
    unsigned len)
{
	struct virtio_dmabuf *db = &sc->sc_ctrlbuf;
	struct vq_seg segs[3];
	unsigned n = 0;
	uint16_t head;
	int rv;

	KASSERT(len <= CTRL_BUFLEN - CTRL_OFF_DATA);
	mutex_enter(&sc->sc_ctrl_lock);
	if (sc->sc_ctrl_dead || !sc->sc_running) {
		mutex_exit(&sc->sc_ctrl_lock);
		return ENODEV;
	}
	db->db_va[CTRL_OFF_HDR] = cls;
	db->db_va[CTRL_OFF_HDR + 1] = cmd;
	db->db_va[CTRL_OFF_ACK] = 0xff;
	memcpy(db->db_va + CTRL_OFF_DATA, data, len);
	virtio_dmabuf_sync(&sc->sc_vsc, db, 0, db->db_len, BUS_DMASYNC_PREWRITE |
	    BUS_DMASYNC_PREREAD);
	segs[n++] = (struct vq_seg){ virtio_dmabuf_pa(db, CTRL_OFF_HDR), 2 };
	if (len > 0)
		segs[n++] = (struct vq_seg){ virtio_dmabuf_pa(db, CTRL_OFF_DATA), len };
	segs[n++] = (struct vq_seg){ virtio_dmabuf_pa(db, CTRL_OFF_ACK), 1 };
	if ((rv = vq_enqueue(&sc->sc_ctrlq, segs, n - 1, 1, &head)) == 0) {
		vq_kick(&sc->sc_ctrlq);
		rv = ctrl_wait(sc);
	}
	virtio_dmabuf_sync(&sc->sc_vsc, db, 0, db->db_len, BUS_DMASYNC_POSTREAD |
	    BUS_DMASYNC_POSTWRITE);
	if (rv == 0 && db->db_va[CTRL_OFF_ACK] != VIRTIO_NET_OK)
		rv = EIO;
	mutex_exit(&sc->sc_ctrl_lock);
	return rv;
}

struct mc_table {
	uint32_t mt_n;
	uint8_t mt_addr[VIOIF_MAXMC][ETHER_ADDR_LEN];
	bool mt_overflow;
};

static void
mc_add(void *arg, const uint8_t addr[ETHER_ADDR_LEN])
{
	struct mc_table *mt = arg;

	if (mt->mt_n == VIOIF_MAXMC) {
		mt->mt_overflow = true;
		return;
	}
	memcpy(mt->mt_addr[mt->mt_n++], addr, ETHER_ADDR_LEN);
}

/* Program the receive filter (CTRL_RX); net_lock held. */
int
vioif_rx_filter(struct vioif_softc *sc)
{
	struct ifnet *ifp = &sc->sc_if;
	uint8_t buf[2 * 4 + VIOIF_MAXMC * ETHER_ADDR_LEN];
	struct mc_table mt = { .mt_n = 0 };
	uint8_t promisc = (ifp->if_flags & IFF_PROMISC) != 0, allmulti;
	int rv;

	if (!virtio_has(&sc->sc_vsc, VIRTIO_NET_F_CTRL_RX))
		return 0;
	ether_multi_foreach(ifp, mc_add, &mt);
	allmulti = mt.mt_overflow || (ifp->if_flags & IFF_ALLMULTI) != 0;
	if (mt.mt_overflow)
		mt.mt_n = 0;
	memset(buf, 0, 4);	/* no extra unicast addresses */
	memcpy(buf + 4, &mt.mt_n, 4);
	memcpy(buf + 8, mt.mt_addr, mt.mt_n * ETHER_ADDR_LEN);
	if ((rv = ctrl_cmd(sc, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC,
	    &promisc, 1)) != 0 ||
	    (rv = ctrl_cmd(sc, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_ALLMULTI,
	    &allmulti, 1)) != 0 ||
	    (rv = ctrl_cmd(sc, VIRTIO_NET_CTRL_MAC,
	    VIRTIO_NET_CTRL_MAC_TABLE_SET, buf, 8 + mt.mt_n * ETHER_ADDR_LEN))
	    != 0)
		aprint_error(sc->sc_dev, "cannot program the receive filter "
		    "(error %d)", rv);
	return rv;
}

int
vioif_mcast_update(struct ifnet *ifp)
{
	struct vioif_softc *sc = ifp->if_softc;

	return sc->sc_running ? vioif_rx_filter(sc) : 0;
}
