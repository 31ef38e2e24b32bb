/*
 * Split virtqueues (virtio 1.2, 2.7): ring memory, the descriptor free
 * list, adding chains, notification suppression (flags or event index,
 * 2.7.7 and 2.7.10) and taking used chains back with every value the
 * device wrote checked before it is believed.
 *
 * Layout of the ring memory (one physically contiguous bus_dmamem
 * allocation, page aligned):
 *	0		descriptor table, 16 * num bytes (align 16)
 *	vq_availoff	available ring: flags, idx, ring[num], used_event
 *	vq_usedoff	used ring (page aligned, so that the device-written
 *			part shares no cache line with driver-written data):
 *			flags, idx, {id, len}[num], avail_event
 *
 * The driver never reads back what it gave the device: chain links and
 * lengths come from the private arrays vq_next/vq_chainlen/vq_wlen.
 * Callers serialize all calls on one queue (the driver's lock).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kern/bus.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>

#include "virtio.h"

CTASSERT(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);
CTASSERT(sizeof(struct vring_desc) == 16);
CTASSERT(sizeof(struct vring_used_elem) == 8);

#define VQ_PAGE 4096u

/* Avail ring: [0] flags, [1] idx, [2 + i] ring, [2 + num] used_event. */
#define AV_FLAGS 0
#define AV_IDX 1
#define AV_RING(i) (2 + (i))
/* Used ring (16-bit words): [0] flags, [1] idx, then 8-byte elements. */
#define US_FLAGS 0
#define US_IDX 1

static bus_size_t
align_up(bus_size_t v, bus_size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static void
free_arrays(struct virtqueue *vq)
{
	size_t n = vq->vq_num;

	if (vq->vq_next != NULL)
		kmem_free(vq->vq_next, n * sizeof(uint16_t));
	if (vq->vq_chainlen != NULL)
		kmem_free(vq->vq_chainlen, n * sizeof(uint16_t));
	if (vq->vq_wlen != NULL)
		kmem_free(vq->vq_wlen, n * sizeof(uint32_t));
	vq->vq_next = vq->vq_chainlen = NULL;
	vq->vq_wlen = NULL;
}

static int
alloc_arrays(struct virtqueue *vq)
{
	size_t n = vq->vq_num;

	vq->vq_next = kmem_zalloc(n * sizeof(uint16_t), KM_NOSLEEP);
	vq->vq_chainlen = kmem_zalloc(n * sizeof(uint16_t), KM_NOSLEEP);
	vq->vq_wlen = kmem_zalloc(n * sizeof(uint32_t), KM_NOSLEEP);
	if (vq->vq_next == NULL || vq->vq_chainlen == NULL ||
	    vq->vq_wlen == NULL) {
		free_arrays(vq);
		return ENOMEM;
	}
	return 0;
}

int
vq_ring_alloc(struct virtqueue *vq, bus_dma_tag_t dmat, uint16_t num)
{
	int rseg, rv;
	void *va;

	if (num == 0 || (num & (num - 1)) != 0 || num > VQ_MAXSIZE)
		return EINVAL;
	vq->vq_num = num;
	vq->vq_availoff = 16u * num;
	vq->vq_usedoff = align_up(vq->vq_availoff + 2u * (3u + num), VQ_PAGE);
	vq->vq_bytes = align_up(vq->vq_usedoff + 6u + 8u * num, VQ_PAGE);
	if ((rv = alloc_arrays(vq)) != 0)
		return rv;
	rv = bus_dmamem_alloc(dmat, vq->vq_bytes, VQ_PAGE, &vq->vq_seg, 1,
	    &rseg, BUS_DMA_NOWAIT);
	if (rv != 0)
		goto fail_arrays;
	rv = bus_dmamem_map(dmat, &vq->vq_seg, 1, vq->vq_bytes, &va,
	    BUS_DMA_NOWAIT);
	if (rv != 0)
		goto fail_mem;
	vq->vq_va = va;
	rv = bus_dmamap_create(dmat, vq->vq_bytes, 1, vq->vq_bytes, 0,
	    BUS_DMA_NOWAIT, &vq->vq_map);
	if (rv != 0)
		goto fail_map;
	if ((rv = bus_dmamap_load(dmat, vq->vq_map, va, vq->vq_bytes,
	    BUS_DMA_NOWAIT)) != 0)
		goto fail_create;
	vq->vq_desc = (struct vring_desc *)(void *)vq->vq_va;
	vq->vq_avail = (volatile uint16_t *)(void *)(vq->vq_va +
	    vq->vq_availoff);
	vq->vq_used = (volatile uint16_t *)(void *)(vq->vq_va +
	    vq->vq_usedoff);
	vq_ring_reset(vq);
	return 0;

fail_create:
	bus_dmamap_destroy(dmat, vq->vq_map);
fail_map:
	bus_dmamem_unmap(dmat, va, vq->vq_bytes);
fail_mem:
	bus_dmamem_free(dmat, &vq->vq_seg, 1);
fail_arrays:
	free_arrays(vq);
	return rv;
}

void
vq_ring_free(struct virtqueue *vq, bus_dma_tag_t dmat)
{
	if (vq->vq_va == NULL)
		return;
	bus_dmamap_unload(dmat, vq->vq_map);
	bus_dmamap_destroy(dmat, vq->vq_map);
	bus_dmamem_unmap(dmat, vq->vq_va, vq->vq_bytes);
	bus_dmamem_free(dmat, &vq->vq_seg, 1);
	free_arrays(vq);
	vq->vq_va = NULL;
}

static void
sync(struct virtqueue *vq, bus_size_t off, bus_size_t len, int ops)
{
	bus_dmamap_sync(vq->vq_owner != NULL ? vq->vq_owner->vs_dmat :
	    &bus_dma_tag_default, vq->vq_map, off, len, ops);
}

void
vq_ring_reset(struct virtqueue *vq)
{
	memset(vq->vq_va, 0, vq->vq_bytes);
	for (unsigned i = 0; i < vq->vq_num; i++) {
		vq->vq_next[i] = (uint16_t)(i + 1);
		vq->vq_chainlen[i] = 0;
		vq->vq_wlen[i] = 0;
	}
	vq->vq_free = 0;
	vq->vq_nfree = vq->vq_num;
	vq->vq_avail_idx = vq->vq_kicked_idx = vq->vq_used_idx = 0;
	vq->vq_broken = false;
	sync(vq, 0, vq->vq_bytes, BUS_DMASYNC_PREWRITE | BUS_DMASYNC_PREREAD);
}

unsigned
vq_nfree(const struct virtqueue *vq)
{
	return vq->vq_nfree;
}

/* Fill descriptor d from seg; links come from the private list. */
static void
desc_fill(struct virtqueue *vq, uint16_t d, const struct vq_seg *seg,
    bool write, bool more)
{
	struct vring_desc *vd = &vq->vq_desc[d];

	vd->addr = seg->vs_addr;
	vd->len = seg->vs_len;
	vd->flags = (uint16_t)((write ? VRING_DESC_F_WRITE : 0) |
	    (more ? VRING_DESC_F_NEXT : 0));
	vd->next = more ? vq->vq_next[d] : 0;
}

int
vq_enqueue(struct virtqueue *vq, const struct vq_seg *segs, unsigned nout,
    unsigned nin, uint16_t *headp)
{
	unsigned n = nout + nin;
	uint16_t head = vq->vq_free, d = head, slot;
	uint32_t wlen = 0;

	if (n == 0 || n > VQ_MAXSEGS || n > vq->vq_num)
		return EINVAL;
	if (vq->vq_broken)
		return EIO;
	if (n > vq->vq_nfree)
		return ENOSPC;
	for (unsigned i = 0; i < n; i++) {
		KASSERT(d < vq->vq_num);
		desc_fill(vq, d, &segs[i], i >= nout, i + 1 < n);
		if (i >= nout)
			wlen += segs[i].vs_len;
		if (i + 1 < n)
			d = vq->vq_next[d];
	}
	vq->vq_free = vq->vq_next[d];
	vq->vq_nfree = (uint16_t)(vq->vq_nfree - n);
	vq->vq_chainlen[head] = (uint16_t)n;
	vq->vq_wlen[head] = wlen;
	sync(vq, 0, vq->vq_availoff, BUS_DMASYNC_PREWRITE);
	slot = vq->vq_avail_idx & (vq->vq_num - 1);
	vq->vq_avail[AV_RING(slot)] = head;
	vq->vq_avail_idx++;
	*headp = head;
	return 0;
}

/* The device wants a notification if new passed its avail_event (2.7.10). */
static bool
need_event(uint16_t event, uint16_t newidx, uint16_t old)
{
	return (uint16_t)(newidx - event - 1) < (uint16_t)(newidx - old);
}

void
vq_kick(struct virtqueue *vq)
{
	volatile uint16_t *ue = &vq->vq_used[2 + 4 * vq->vq_num];
	uint16_t old = vq->vq_kicked_idx, newidx = vq->vq_avail_idx;
	bool notify;

	if (old == newidx || vq->vq_broken)
		return;
	sync(vq, vq->vq_availoff, 2u * (3u + vq->vq_num), BUS_DMASYNC_PREWRITE);
	__atomic_store_n(&vq->vq_avail[AV_IDX], newidx, __ATOMIC_RELEASE);
	sync(vq, vq->vq_availoff, 4, BUS_DMASYNC_PREWRITE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->vq_kicked_idx = newidx;
	sync(vq, vq->vq_usedoff, vq->vq_bytes - vq->vq_usedoff,
	    BUS_DMASYNC_POSTREAD);
	if (vq->vq_event_idx)
		notify = need_event(*ue, newidx, old);
	else
		notify = !(vq->vq_used[US_FLAGS] & VRING_USED_F_NO_NOTIFY);
	if (notify)
		virtio_notify(vq->vq_owner, vq);
}

static void
bad(struct virtqueue *vq, const char *what, unsigned a, unsigned b)
{
	vq->vq_nbad++;
	if (vq->vq_bad_logged)
		return;
	vq->vq_bad_logged = true;
	klog(LOG_WARNING, "%s: %s: device wrote %s (%u, %u); refused "
	    "(logged once)", device_xname(vq->vq_owner->vs_dev), vq->vq_name,
	    what, a, b);
}

static uint16_t
used_idx(struct virtqueue *vq)
{
	sync(vq, vq->vq_usedoff, vq->vq_bytes - vq->vq_usedoff,
	    BUS_DMASYNC_POSTREAD);
	return __atomic_load_n(&vq->vq_used[US_IDX], __ATOMIC_ACQUIRE);
}

bool
vq_has_used(struct virtqueue *vq)
{
	return !vq->vq_broken && used_idx(vq) != vq->vq_used_idx;
}

/* Return chain head to the free list. */
static void
chain_free(struct virtqueue *vq, uint16_t head)
{
	uint16_t d = head, n = vq->vq_chainlen[head];

	for (unsigned i = 1; i < n; i++)
		d = vq->vq_next[d];
	vq->vq_next[d] = vq->vq_free;
	vq->vq_free = head;
	vq->vq_nfree = (uint16_t)(vq->vq_nfree + n);
	vq->vq_chainlen[head] = 0;
	KASSERT(vq->vq_nfree <= vq->vq_num);
}

int
vq_dequeue(struct virtqueue *vq, uint16_t *headp, uint32_t *lenp)
{
	uint16_t idx, slot, outstanding;
	const volatile uint32_t *e;
	uint32_t id, len;

	if (vq->vq_broken)
		return ENOENT;
	idx = used_idx(vq);
	if (idx == vq->vq_used_idx)
		return ENOENT;
	outstanding = (uint16_t)(vq->vq_kicked_idx - vq->vq_used_idx);
	if ((uint16_t)(idx - vq->vq_used_idx) > outstanding) {
		bad(vq, "a used index beyond what was made available", idx,
		    vq->vq_used_idx);
		vq->vq_broken = true;
		return EIO;
	}
	slot = vq->vq_used_idx & (vq->vq_num - 1);
	e = (const volatile uint32_t *)(const volatile void *)
	    &vq->vq_used[2 + 4 * slot];
	id = e[0];
	len = e[1];
	vq->vq_used_idx++;
	if (id >= vq->vq_num || vq->vq_chainlen[id] == 0) {
		bad(vq, "a used id that is not outstanding", id, len);
		return EIO;
	}
	chain_free(vq, (uint16_t)id);
	*headp = (uint16_t)id;
	*lenp = len;
	if (vq->vq_wlen[id] != 0 && len > vq->vq_wlen[id]) {
		bad(vq, "a used length larger than the buffer", len,
		    vq->vq_wlen[id]);
		return EBADMSG;
	}
	return 0;
}

void
vq_intr_disable(struct virtqueue *vq)
{
	/*
	 * With event index the device interrupts only when it passes
	 * used_event, which stays where the last vq_intr_enable put it:
	 * behind us, so no interrupt until the driver moves it again.
	 */
	if (vq->vq_event_idx)
		return;
	vq->vq_avail[AV_FLAGS] = VRING_AVAIL_F_NO_INTERRUPT;
	sync(vq, vq->vq_availoff, 2, BUS_DMASYNC_PREWRITE);
}

bool
vq_intr_enable(struct virtqueue *vq)
{
	return vq_intr_enable_after(vq, 1);
}

/*
 * Transmit completions need not interrupt one by one: used_event is set
 * n - 1 past the last used buffer we took, so the device interrupts when
 * it moves the used index past it (virtio 1.2, 2.7.10). Without event
 * indexes any used buffer interrupts: n is 1.
 */
bool
vq_intr_enable_after(struct virtqueue *vq, uint16_t n)
{
	if (!vq->vq_event_idx || n == 0)
		n = 1;
	if (vq->vq_event_idx)
		vq->vq_avail[AV_RING(vq->vq_num)] =
		    (uint16_t)(vq->vq_used_idx + n - 1);
	else
		vq->vq_avail[AV_FLAGS] = 0;
	sync(vq, vq->vq_availoff, 2u * (3u + vq->vq_num),
	    BUS_DMASYNC_PREWRITE);
	/* The store above must reach the device before we look again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !vq->vq_broken &&
	    (uint16_t)(used_idx(vq) - vq->vq_used_idx) >= n;
}

void
vq_drain(struct virtqueue *vq, void (*fn)(void *arg, uint16_t head),
    void *arg)
{
	for (uint16_t h = 0; h < vq->vq_num; h++) {
		if (vq->vq_chainlen[h] == 0)
			continue;
		chain_free(vq, h);
		if (fn != NULL)
			fn(arg, h);
	}
	KASSERT(vq->vq_nfree == vq->vq_num);
	vq_ring_reset(vq);
}
