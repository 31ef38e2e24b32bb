/*
 * bus_dma over the PCI DMA hypercalls.
 *
 * DMA-safe memory is one rumpcomp_pci_dmalloc allocation (physically
 * contiguous), aligned to at least BUS_DMA_MINALIGN so that a buffer
 * never shares a cache line with other data.
 *
 * Loading a map walks the buffer in BUS_DMA_PAGE steps, translating each
 * piece with rumpcomp_pci_virt_to_mach, and appends it to the last
 * segment when it continues it physically, fits in dm_maxsegsz and does
 * not cross dm_boundary; otherwise it starts a new segment. Pages of the
 * machine may be larger than BUS_DMA_PAGE: that only means more
 * translations, never a wrong segment.
 *
 * Sync hands each loaded segment's part of [off, off + len) to
 * rumpcomp_bus_dma_sync, which does the cache maintenance (ARM) or just
 * the ordering (x86, Linux).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/rumpcomp_bus.h>
#include <rump/rumpcomp_pci.h>

#include <kern/bus.h>
#include <kern/kassert.h>
#include <kern/kmem.h>

#define BUS_DMA_PAGE 4096UL
#define BUS_DMA_MINALIGN 64UL

struct bus_dma_tag {
	bus_addr_t dt_maxaddr;
};

const struct bus_dma_tag bus_dma_tag_default = {~(bus_addr_t)0};

CTASSERT(BUS_DMASYNC_PREREAD == RUMPCOMP_BUS_DMA_PREREAD);
CTASSERT(BUS_DMASYNC_POSTREAD == RUMPCOMP_BUS_DMA_POSTREAD);
CTASSERT(BUS_DMASYNC_PREWRITE == RUMPCOMP_BUS_DMA_PREWRITE);
CTASSERT(BUS_DMASYNC_POSTWRITE == RUMPCOMP_BUS_DMA_POSTWRITE);

int
bus_dmamem_alloc(bus_dma_tag_t t, bus_size_t size, bus_size_t align,
    bus_dma_segment_t *segs, int nsegs, int *rsegs, int flags)
{
	unsigned long pa, va;
	int rv;

	(void)flags;
	KASSERT(t != NULL && nsegs >= 1);
	if (size == 0 || (align & (align - 1)) != 0)
		return EINVAL;
	if (align < BUS_DMA_MINALIGN)
		align = BUS_DMA_MINALIGN;
	size = (size + BUS_DMA_MINALIGN - 1) & ~(BUS_DMA_MINALIGN - 1);
	if ((rv = rumpcomp_pci_dmalloc(size, align, &pa, &va)) != 0)
		return rv;
	if (pa + size - 1 > t->dt_maxaddr) {
		rumpcomp_pci_dmafree(va, size);
		return ENOMEM;
	}
	segs[0].ds_addr = pa;
	segs[0].ds_len = size;
	segs[0]._ds_va = va;
	*rsegs = 1;
	return 0;
}

void
bus_dmamem_free(bus_dma_tag_t t, bus_dma_segment_t *segs, int nsegs)
{
	(void)t;
	for (int i = 0; i < nsegs; i++)
		rumpcomp_pci_dmafree(segs[i]._ds_va, segs[i].ds_len);
}

int
bus_dmamem_map(bus_dma_tag_t t, bus_dma_segment_t *segs, int nsegs,
    size_t size, void **kvap, int flags)
{
	struct rumpcomp_pci_dmaseg hs[4];

	(void)t;
	(void)flags;
	if (nsegs < 1 || nsegs > 4)
		return EINVAL;
	for (int i = 0; i < nsegs; i++) {
		hs[i].ds_pa = segs[i].ds_addr;
		hs[i].ds_len = segs[i].ds_len;
		hs[i].ds_vacookie = segs[i]._ds_va;
	}
	return rumpcomp_pci_dmamem_map(hs, (size_t)nsegs, size, kvap);
}

void
bus_dmamem_unmap(bus_dma_tag_t t, void *kva, size_t size)
{
	(void)t;
	(void)kva;
	(void)size;
}

int
bus_dmamap_create(bus_dma_tag_t t, bus_size_t size, int nsegments,
    bus_size_t maxsegsz, bus_size_t boundary, int flags, bus_dmamap_t *mp)
{
	int kf = (flags & BUS_DMA_NOWAIT) != 0 ? KM_NOSLEEP : KM_SLEEP;
	bus_dmamap_t map;

	(void)t;
	if (size == 0 || nsegments < 1 || maxsegsz == 0 ||
	    (boundary & (boundary - 1)) != 0)
		return EINVAL;
	if ((map = kmem_zalloc(sizeof(*map), kf)) == NULL)
		return ENOMEM;
	map->dm_segs = kmem_zalloc(sizeof(bus_dma_segment_t) *
	    (size_t)nsegments, kf);
	if (map->dm_segs == NULL) {
		kmem_free(map, sizeof(*map));
		return ENOMEM;
	}
	map->dm_size = size;
	map->dm_maxsegsz = maxsegsz;
	map->dm_boundary = boundary;
	map->dm_nsegs_max = nsegments;
	*mp = map;
	return 0;
}

void
bus_dmamap_destroy(bus_dma_tag_t t, bus_dmamap_t map)
{
	(void)t;
	KASSERT(map->dm_nsegs == 0);
	kmem_free(map->dm_segs, sizeof(bus_dma_segment_t) *
	    (size_t)map->dm_nsegs_max);
	kmem_free(map, sizeof(*map));
}

/* Can [pa, pa + len) be appended to segment seg? */
static int
extends(const bus_dmamap_t map, const bus_dma_segment_t *seg, bus_addr_t pa,
    bus_size_t len)
{
	bus_addr_t bmask = ~(map->dm_boundary - 1);

	if (seg->ds_addr + seg->ds_len != pa)
		return 0;
	if (seg->ds_len + len > map->dm_maxsegsz)
		return 0;
	return map->dm_boundary == 0 ||
	    (seg->ds_addr & bmask) == ((pa + len - 1) & bmask);
}

/* Add the piece at va (pa) of len bytes; EFBIG if out of segments. */
static int
add_piece(bus_dmamap_t map, uintptr_t va, bus_addr_t pa, bus_size_t len)
{
	bus_dma_segment_t *seg;

	if (map->dm_nsegs > 0 &&
	    extends(map, &map->dm_segs[map->dm_nsegs - 1], pa, len)) {
		map->dm_segs[map->dm_nsegs - 1].ds_len += len;
		return 0;
	}
	if (map->dm_nsegs == map->dm_nsegs_max)
		return EFBIG;
	seg = &map->dm_segs[map->dm_nsegs++];
	seg->ds_addr = pa;
	seg->ds_len = len;
	seg->_ds_va = va;
	return 0;
}

/* Length of the next piece at va: to the next page, segment size or boundary. */
static bus_size_t
piece_len(const bus_dmamap_t map, uintptr_t va, bus_addr_t pa,
    bus_size_t left)
{
	bus_size_t n = BUS_DMA_PAGE - (va & (BUS_DMA_PAGE - 1));

	if (n > left)
		n = left;
	if (n > map->dm_maxsegsz)
		n = map->dm_maxsegsz;
	if (map->dm_boundary != 0 &&
	    n > map->dm_boundary - (pa & (map->dm_boundary - 1)))
		n = map->dm_boundary - (pa & (map->dm_boundary - 1));
	return n;
}

int
bus_dmamap_load(bus_dma_tag_t t, bus_dmamap_t map, void *buf,
    bus_size_t len, int flags)
{
	uintptr_t va = (uintptr_t)buf;
	bus_size_t left = len, n;
	bus_addr_t pa;
	int rv;

	(void)flags;
	KASSERT(map->dm_nsegs == 0);
	if (len == 0 || len > map->dm_size)
		return EINVAL;
	while (left > 0) {
		pa = rumpcomp_pci_virt_to_mach((void *)va);
		n = piece_len(map, va, pa, left);
		if (pa + n - 1 > t->dt_maxaddr)
			rv = EFBIG;
		else
			rv = add_piece(map, va, pa, n);
		if (rv != 0) {
			map->dm_nsegs = 0;
			return rv;
		}
		va += n;
		left -= n;
	}
	map->dm_mapsize = len;
	return 0;
}

void
bus_dmamap_unload(bus_dma_tag_t t, bus_dmamap_t map)
{
	(void)t;
	map->dm_nsegs = 0;
	map->dm_mapsize = 0;
}

void
bus_dmamap_sync(bus_dma_tag_t t, bus_dmamap_t map, bus_addr_t off,
    bus_size_t len, int ops)
{
	bus_size_t segoff = 0, lo, hi;
	const bus_dma_segment_t *seg;

	(void)t;
	KASSERT(off + len <= map->dm_mapsize);
	for (int i = 0; i < map->dm_nsegs; i++) {
		seg = &map->dm_segs[i];
		lo = off > segoff ? off : segoff;
		hi = off + len < segoff + seg->ds_len ? off + len :
		    segoff + seg->ds_len;
		if (lo < hi)
			rumpcomp_bus_dma_sync((void *)(seg->_ds_va + (lo - segoff)),
			    hi - lo, ops);
		segoff += seg->ds_len;
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
