/*
 * Virtio 1.x over PCI (virtio 1.2, sections 2, 3, 4.1): the transport
 * (virtio_pci.c) and split virtqueues (virtqueue.c), as used by virtio
 * device drivers (if_vioif.c). Internal to drivers/pci.
 *
 * The transport is a library, not an autoconf bus: a device driver
 * matches the virtio PCI IDs itself, embeds a struct virtio_softc (as
 * the first member of its softc, so that tests can find the queues
 * from a device's private data) and calls, in its attach:
 *
 *	virtio_attach(vsc, pa, self)	capabilities, BARs, reset
 *	virtio_negotiate(vsc, wanted)	features (VERSION_1 is added)
 *	virtio_vq_alloc(vsc, vq, ...)	each queue: DMA ring memory
 *	virtio_intr_setup(vsc)		MSI-X per queue, MSI-X shared, INTx
 *
 * and to start the device (again, after virtio_reset):
 *
 *	virtio_reinit(vsc)		status handshake, queues programmed
 *	    (fill receive queues)
 *	virtio_driver_ok(vsc)
 *
 * Everything the device puts in shared memory is checked before use:
 * vq_dequeue refuses used entries whose id is not an outstanding chain
 * head or whose length exceeds what the chain can hold, and marks the
 * queue broken when the used index moves by more than the ring holds.
 *
 * Byte order: virtio 1.x structures are little-endian; both targets are
 * little-endian (checked at compile time in virtqueue.c).
 *
 * Interrupt callbacks (vq_done, vs_config_change) run in thread context
 * with a rump kernel CPU, without transport locks; they may take
 * adaptive mutexes and call into the network stack.
 */
#ifndef DRIVERS_PCI_VIRTIO_H
#define DRIVERS_PCI_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/bus.h>
#include <kern/device.h>
#include <pci/pci.h>

/* ---- PCI IDs (4.1.2) ---- */
#define VIRTIO_PCI_VENDOR 0x1af4
#define VIRTIO_PCI_DEV_LEGACY_MIN 0x1000	/* transitional: 0x1000-0x103f */
#define VIRTIO_PCI_DEV_LEGACY_MAX 0x103f
#define VIRTIO_PCI_DEV_MODERN 0x1040		/* + device type */
#define VIRTIO_ID_NET 1

/* ---- Vendor capabilities (4.1.4) ---- */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG 3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG 5
/* Byte offsets inside struct virtio_pci_cap. */
#define VIRTIO_PCI_CAP_LEN 2
#define VIRTIO_PCI_CAP_TYPE 3
#define VIRTIO_PCI_CAP_BAR 4
#define VIRTIO_PCI_CAP_OFFSET 8
#define VIRTIO_PCI_CAP_LENGTH 12
#define VIRTIO_PCI_CAP_NOTIFY_MULT 16
#define VIRTIO_PCI_CAP_SIZE 16
#define VIRTIO_PCI_NOTIFY_CAP_SIZE 20

/* Common configuration structure (4.1.4.3). */
#define VIRTIO_CC_DFSELECT 0x00
#define VIRTIO_CC_DF 0x04
#define VIRTIO_CC_GFSELECT 0x08
#define VIRTIO_CC_GF 0x0c
#define VIRTIO_CC_MSIX_CONFIG 0x10
#define VIRTIO_CC_NUMQ 0x12
#define VIRTIO_CC_STATUS 0x14
#define VIRTIO_CC_CFGGEN 0x15
#define VIRTIO_CC_Q_SELECT 0x16
#define VIRTIO_CC_Q_SIZE 0x18
#define VIRTIO_CC_Q_MSIX 0x1a
#define VIRTIO_CC_Q_ENABLE 0x1c
#define VIRTIO_CC_Q_NOFF 0x1e
#define VIRTIO_CC_Q_DESC 0x20
#define VIRTIO_CC_Q_AVAIL 0x28
#define VIRTIO_CC_Q_USED 0x30
#define VIRTIO_CC_SIZE 0x38
#define VIRTIO_MSI_NO_VECTOR 0xffff

/* ISR status (4.1.4.5). */
#define VIRTIO_ISR_QUEUE 0x1
#define VIRTIO_ISR_CONFIG 0x2

/* Device status (2.1). */
#define VIRTIO_S_ACK 0x01
#define VIRTIO_S_DRIVER 0x02
#define VIRTIO_S_DRIVER_OK 0x04
#define VIRTIO_S_FEATURES_OK 0x08
#define VIRTIO_S_NEEDS_RESET 0x40
#define VIRTIO_S_FAILED 0x80

/* Reserved feature bits (6). */
#define VIRTIO_F_INDIRECT_DESC (1ULL << 28)
#define VIRTIO_F_EVENT_IDX (1ULL << 29)
#define VIRTIO_F_VERSION_1 (1ULL << 32)
#define VIRTIO_F_ACCESS_PLATFORM (1ULL << 33)

/* ---- Split virtqueue layout (2.7) ---- */
#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
};

#define VQ_MAXSIZE 1024		/* we never use a bigger ring */
#define VQ_MAXSEGS 32		/* descriptors in one chain */

struct virtio_softc;

/* One buffer of a chain: device-visible address and length. */
struct vq_seg {
	bus_addr_t vs_addr;
	uint32_t vs_len;
};

/*
 * A virtqueue. The ring memory is one bus_dmamem allocation: the
 * descriptor table, the available ring, then (page aligned) the used
 * ring. vq_next/vq_chainlen/vq_wlen are the driver's private view of
 * the chains; the device's copies are never read back.
 *
 * Invariants: vq_nfree descriptors are on the free list starting at
 * vq_free; a chain head h is outstanding iff vq_chainlen[h] != 0;
 * vq_avail_idx - vq_used_idx == number of outstanding chains <= vq_num.
 */
struct virtqueue {
	struct virtio_softc *vq_owner;
	unsigned vq_index;
	const char *vq_name;
	uint16_t vq_num;		/* ring size, a power of two */
	bool vq_event_idx;
	bool vq_broken;			/* the device broke the ring */
	bool vq_bad_logged;
	uint16_t vq_msix_vec;		/* VIRTIO_MSI_NO_VECTOR if none */

	bus_dma_segment_t vq_seg;
	bus_dmamap_t vq_map;
	uint8_t *vq_va;
	bus_size_t vq_bytes;
	bus_size_t vq_availoff, vq_usedoff;
	struct vring_desc *vq_desc;
	volatile uint16_t *vq_avail;	/* flags, idx, ring[num], used_event */
	volatile uint16_t *vq_used;	/* flags, idx, then the elements */

	uint16_t vq_free;		/* head of the free list */
	uint16_t vq_nfree;
	uint16_t vq_avail_idx;		/* next avail slot (shadow) */
	uint16_t vq_kicked_idx;		/* avail idx at the last notify */
	uint16_t vq_used_idx;		/* next used entry to look at */
	uint16_t *vq_next;		/* [num] free list / chain links */
	uint16_t *vq_chainlen;		/* [num] 0: not an outstanding head */
	uint32_t *vq_wlen;		/* [num] device-writable bytes */

	bus_size_t vq_notify_off;	/* in the notify region */
	uint64_t vq_nbad;		/* used entries refused */

	/* Driver's completion callback (interrupt thread). */
	void (*vq_done)(struct virtqueue *vq);
	void *vq_arg;
};

/* ---- The transport ---- */

#define VIRTIO_INTR_NONE 0
#define VIRTIO_INTR_MSIX 1		/* one vector per queue + config */
#define VIRTIO_INTR_MSIX_SHARED 2	/* one vector for everything */
#define VIRTIO_INTR_MSI 3		/* one message, ISR tells what */
#define VIRTIO_INTR_INTX 4

struct virtio_region {
	bus_space_tag_t vr_t;
	bus_space_handle_t vr_h;
	bus_size_t vr_len;
};

struct virtio_softc {
	device_t vs_dev;
	struct pci_dev *vs_pd;
	bus_dma_tag_t vs_dmat;
	struct virtio_region vs_common, vs_notify, vs_isr, vs_devcfg;
	uint32_t vs_notify_mult;
	uint64_t vs_features;		/* negotiated */
	int vs_intr;			/* VIRTIO_INTR_* */
	int vs_line;			/* platform line of vector 0 / INTx */
	unsigned vs_nvqs;
	struct virtqueue *vs_vqs[8];
	/* Device configuration changed (interrupt thread). */
	void (*vs_config_change)(struct virtio_softc *vsc);
	void *vs_arg;
};

/* The virtio device type (VIRTIO_ID_*) from the PCI IDs; 0: not virtio. */
int virtio_pci_device_type(const struct pci_attach_args *pa);

int virtio_attach(struct virtio_softc *vsc, struct pci_attach_args *pa,
    device_t self);
uint64_t virtio_device_features(struct virtio_softc *vsc);
/* Offer wanted | VERSION_1; 0 or ENOTSUP (device refused FEATURES_OK). */
int virtio_negotiate(struct virtio_softc *vsc, uint64_t wanted);
static inline bool
virtio_has(const struct virtio_softc *vsc, uint64_t f)
{
	return (vsc->vs_features & f) != 0;
}
/* Allocate queue index (at most maxsize entries); ENOENT: no such queue. */
int virtio_vq_alloc(struct virtio_softc *vsc, struct virtqueue *vq,
    unsigned index, unsigned maxsize, const char *name);
void virtio_vq_free(struct virtio_softc *vsc, struct virtqueue *vq);
int virtio_intr_setup(struct virtio_softc *vsc);
const char *virtio_intr_name(const struct virtio_softc *vsc);
/* Reset, handshake to FEATURES_OK, queues programmed and enabled. */
int virtio_reinit(struct virtio_softc *vsc);
void virtio_driver_ok(struct virtio_softc *vsc);
/* Reset the device (waits for it, bounded) and the queues' state. */
void virtio_reset(struct virtio_softc *vsc);
bool virtio_needs_reset(struct virtio_softc *vsc);

/* Device configuration: reads of up to 8 bytes, consistent snapshot. */
uint8_t virtio_cfg_read_1(struct virtio_softc *vsc, bus_size_t off);
uint16_t virtio_cfg_read_2(struct virtio_softc *vsc, bus_size_t off);
/* Copy len bytes (a field wider than 32 bits) with the generation check. */
void virtio_cfg_read_bytes(struct virtio_softc *vsc, bus_size_t off,
    void *buf, unsigned len);

/* Notify the device of new buffers in vq (virtqueue.c calls it). */
void virtio_notify(struct virtio_softc *vsc, struct virtqueue *vq);

/* A DMA-safe buffer of a driver (headers, commands): one segment. */
struct virtio_dmabuf {
	bus_dma_segment_t db_seg;
	bus_dmamap_t db_map;
	uint8_t *db_va;
	bus_size_t db_len;
};
int virtio_dmabuf_alloc(struct virtio_softc *vsc, struct virtio_dmabuf *db,
    bus_size_t len);
bus_addr_t virtio_dmabuf_pa(const struct virtio_dmabuf *db, bus_size_t off);
void virtio_dmabuf_sync(struct virtio_softc *vsc, struct virtio_dmabuf *db,
    bus_size_t off, bus_size_t len, int ops);

/* ---- Virtqueues (virtqueue.c) ---- */

/* Ring memory for num entries; state reset. 0 or errno. */
int vq_ring_alloc(struct virtqueue *vq, bus_dma_tag_t dmat, uint16_t num);
void vq_ring_free(struct virtqueue *vq, bus_dma_tag_t dmat);
/* Forget every chain (after a device reset), zero the rings. */
void vq_ring_reset(struct virtqueue *vq);
/*
 * Add a chain: nout device-readable segments, then nin device-writable
 * ones. *headp gets the head (the chain's id). ENOSPC if the ring lacks
 * descriptors, EINVAL for a bad request. Not visible to the device
 * until vq_kick.
 */
int vq_enqueue(struct virtqueue *vq, const struct vq_seg *segs,
    unsigned nout, unsigned nin, uint16_t *headp);
/* Publish added chains; notify the device unless it asked not to be. */
void vq_kick(struct virtqueue *vq);
/*
 * Take the next used chain: 0 with *headp, *lenp (descriptors freed);
 * ENOENT: nothing used; EBADMSG: the length is impossible (*headp is
 * valid and freed: drop its buffer); EIO: a used entry naming no
 * outstanding chain (skipped) or a used index that cannot be
 * (vq_broken set: the device must be reset). Refusals are counted in
 * vq_nbad and logged once per queue.
 */
int vq_dequeue(struct virtqueue *vq, uint16_t *headp, uint32_t *lenp);
/* Used-buffer notifications off; on again, true if more work arrived. */
void vq_intr_disable(struct virtqueue *vq);
bool vq_intr_enable(struct virtqueue *vq);
/* On again, but (with event index) only once n more buffers are used;
 * true if n are already there. */
bool vq_intr_enable_after(struct virtqueue *vq, uint16_t n);
bool vq_has_used(struct virtqueue *vq);
unsigned vq_nfree(const struct virtqueue *vq);
/* Device reset: each outstanding head once to fn, then all free. */
void vq_drain(struct virtqueue *vq, void (*fn)(void *arg, uint16_t head),
    void *arg);

#endif
