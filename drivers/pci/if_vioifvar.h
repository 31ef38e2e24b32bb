/*
 * vioif's private definitions, shared by if_vioif.c (receive, transmit,
 * attach) and if_vioif_ctrl.c (the control queue and receive filters):
 * the network device's registers and header (virtio 1.2, 5.1) and the
 * softc.
 */
#ifndef IF_VIOIFVAR_H
#define IF_VIOIFVAR_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/bus.h>
#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/device.h>
#include <kern/mutex.h>
#include <net/mbuf.h>
#include <net/netif.h>

#include "virtio.h"

/* Feature bits of the network device (5.1.3). */
#define VIRTIO_NET_F_CSUM (1ULL << 0)
#define VIRTIO_NET_F_GUEST_CSUM (1ULL << 1)
#define VIRTIO_NET_F_MAC (1ULL << 5)
#define VIRTIO_NET_F_MRG_RXBUF (1ULL << 15)
#define VIRTIO_NET_F_STATUS (1ULL << 16)
#define VIRTIO_NET_F_CTRL_VQ (1ULL << 17)
#define VIRTIO_NET_F_CTRL_RX (1ULL << 18)

/* Device configuration (5.1.4). */
#define VIRTIO_NET_CFG_MAC 0
#define VIRTIO_NET_CFG_STATUS 6
#define VIRTIO_NET_S_LINK_UP 1

/* The header in front of every frame (5.1.6). */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};
CTASSERT(sizeof(struct virtio_net_hdr) == 12);
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_NONE 0

/* Control queue (5.1.6.5). */
#define VIRTIO_NET_CTRL_RX 0
#define VIRTIO_NET_CTRL_RX_PROMISC 0
#define VIRTIO_NET_CTRL_RX_ALLMULTI 1
#define VIRTIO_NET_CTRL_MAC 1
#define VIRTIO_NET_CTRL_MAC_TABLE_SET 0
#define VIRTIO_NET_OK 0

#define VIOIF_RXQ 0
#define VIOIF_TXQ 1
#define VIOIF_CTRLQ 2
#define VIOIF_RING_MAX 256	/* entries per data queue, at most */
#define VIOIF_CTRL_RING 16
#define VIOIF_HDRLEN sizeof(struct virtio_net_hdr)
#define VIOIF_RX_ALIGN 2	/* IP header 4-aligned: 2 + 12 + 14 */
#define VIOIF_RX_BUFLEN (MCLBYTES - VIOIF_RX_ALIGN)
#define VIOIF_MAXMERGE 64	/* buffers in one frame, at most */
#define VIOIF_NTX 64		/* frames in flight */
#define VIOIF_TX_MAXFRAGS 4	/* mbufs of a frame before we copy */
#define VIOIF_TX_FRAGSIZE 16384	/* largest mbuf we map */
#define VIOIF_TX_MAXSEGS 16	/* data descriptors of a frame */
#define VIOIF_TXHDR_STRIDE 16
#define VIOIF_MAXMC 32		/* multicast table entries */
#define VIOIF_CTRL_WAIT_NS 1000000000ull

struct vioif_txslot {
	struct mbuf *ts_m;
	int ts_nmaps;			/* maps loaded */
	bus_dmamap_t ts_maps[VIOIF_TX_MAXFRAGS];
};

/* The control queue's buffer: command header, data, status byte. */
#define CTRL_OFF_HDR 0
#define CTRL_OFF_ACK 16
#define CTRL_OFF_DATA 64
#define CTRL_BUFLEN (CTRL_OFF_DATA + 2 * 4 + VIOIF_MAXMC * ETHER_ADDR_LEN)

/* The transport state comes first: tests reach the queues from if_softc. */
struct vioif_softc {
	struct virtio_softc sc_vsc;
	device_t sc_dev;
	struct ifnet sc_if;
	uint8_t sc_mac[ETHER_ADDR_LEN];
	struct virtqueue sc_rxq, sc_txq, sc_ctrlq;
	bool sc_has_ctrl;
	bool sc_ctrl_dead;		/* a command never came back */
	bool sc_running;		/* rx and tx locks both protect it */
	bool sc_reset_pending;
	bool sc_attached;		/* the ifnet is attached */

	kmutex_t sc_rx_lock;
	struct mbuf **sc_rx_m;		/* [num] by chain head */
	bus_dmamap_t *sc_rx_map;	/* [num] by chain head */
	bus_dmamap_t *sc_rx_spare;	/* [num] maps not in use */
	unsigned sc_rx_nspare;
	callout_t sc_refill_ch;
	callout_t sc_reset_ch;

	kmutex_t sc_tx_lock;
	struct vioif_txslot sc_tx[VIOIF_NTX];
	int sc_tx_free[VIOIF_NTX];	/* stack of free slots */
	int sc_tx_nfree;
	unsigned sc_tx_maxsegs;		/* data descriptors of a frame */
	uint8_t *sc_tx_slot_of;		/* [num] head -> slot */
	struct virtio_dmabuf sc_txhdr;	/* VIOIF_NTX headers */

	kmutex_t sc_ctrl_lock;
	kcondvar_t sc_ctrl_cv;
	struct virtio_dmabuf sc_ctrlbuf;
};

/* if_vioif_ctrl.c */
void vioif_ctrl_done(struct virtqueue *vq);
int vioif_rx_filter(struct vioif_softc *sc);
int vioif_mcast_update(struct ifnet *ifp);

#endif
