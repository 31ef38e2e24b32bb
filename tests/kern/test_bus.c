/*
 * bus_space and bus_dma over hypercall-posix's empty PCI bus: no port
 * space, no device memory, DMA memory whose bus address is its virtual
 * address (so a buffer is physically contiguous; see the fakepci tests
 * for scattered pages).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <kern/bus.h>
#include <kern/intr.h>
#include <kern/kmem.h>

#include "kt.h"

KT_CASE(bus_space_spaces)
{
	uint64_t regs[4] = {0};
	bus_space_handle_t h;

	KT_CHECK(bus_space_map(bus_space_io, 0xcf8, 8, 0, &h) == ENODEV);
	KT_CHECK(bus_space_map(bus_space_mem, 0xfebc0000, 0x20000, 0, &h) ==
	    ENOMEM);
	KT_CHECK(bus_space_map(bus_space_mem, 0, 0, 0, &h) == EINVAL);
	KT_CHECK(bus_space_read_4(bus_space_io, 0x60, 0) == 0xffffffffu);
	/* memory space accesses, on ordinary memory standing in for a BAR */
	h = (bus_space_handle_t)regs;
	bus_space_write_4(bus_space_mem, h, 0, 0x11223344);
	bus_space_write_2(bus_space_mem, h, 4, 0x5566);
	bus_space_write_1(bus_space_mem, h, 6, 0x77);
	bus_space_barrier(bus_space_mem, h, 0, 8, BUS_SPACE_BARRIER_WRITE);
	bus_space_write_8(bus_space_mem, h, 8, 0x0102030405060708ULL);
	KT_CHECK(bus_space_read_4(bus_space_mem, h, 0) == 0x11223344);
	KT_CHECK(bus_space_read_2(bus_space_mem, h, 4) == 0x5566);
	KT_CHECK(bus_space_read_1(bus_space_mem, h, 6) == 0x77);
	KT_CHECK(bus_space_read_8(bus_space_mem, h, 8) == 0x0102030405060708ULL);
	KT_CHECK(regs[1] == 0x0102030405060708ULL);
	KT_CHECK(bus_space_subregion(bus_space_mem, h, 8, 8, &h) == 0);
	KT_CHECK(bus_space_read_8(bus_space_mem, h, 0) == regs[1]);
}

static int
check_segments(bus_dmamap_t map, uintptr_t va, bus_size_t len)
{
	bus_size_t total = 0;

	for (int i = 0; i < map->dm_nsegs; i++) {
		const bus_dma_segment_t *s = &map->dm_segs[i];

		if (s->ds_len == 0 || s->ds_len > map->dm_maxsegsz)
			return 0;
		if (map->dm_boundary != 0 && (s->ds_addr / map->dm_boundary) !=
		    ((s->ds_addr + s->ds_len - 1) / map->dm_boundary))
			return 0;
		if (s->ds_addr != va + total)	/* identity on posix */
			return 0;
		total += s->ds_len;
	}
	return total == len && map->dm_mapsize == len;
}

KT_CASE(bus_dma_alloc_map_load_sync)
{
	bus_dma_tag_t t = &bus_dma_tag_default;
	struct kmem_stats before, after;
	bus_dma_segment_t seg;
	bus_dmamap_t map;
	void *va;
	int rseg;

	kmem_get_stats(&before);
	KT_CHECK(bus_dmamem_alloc(t, 3 * 4096, 4096, &seg, 1, &rseg, 0) == 0);
	KT_CHECK(rseg == 1 && seg.ds_len >= 3 * 4096);
	KT_CHECK(bus_dmamem_map(t, &seg, 1, 3 * 4096, &va, 0) == 0);
	memset(va, 0, 3 * 4096);

	/* one big segment */
	KT_CHECK(bus_dmamap_create(t, 16384, 4, 65536, 0, 0, &map) == 0);
	KT_CHECK(bus_dmamap_load(t, map, (char *)va + 100, 9000, 0) == 0);
	KT_CHECK(map->dm_nsegs == 1 &&
	    check_segments(map, (uintptr_t)va + 100, 9000));
	bus_dmamap_sync(t, map, 0, 9000, BUS_DMASYNC_PREWRITE);
	bus_dmamap_sync(t, map, 100, 50, BUS_DMASYNC_POSTREAD);
	bus_dmamap_unload(t, map);
	bus_dmamap_destroy(t, map);

	/* segments of at most 4096 bytes crossing no 4 KiB boundary */
	KT_CHECK(bus_dmamap_create(t, 16384, 4, 4096, 4096, 0, &map) == 0);
	KT_CHECK(bus_dmamap_load(t, map, (char *)va + 100, 9000, 0) == 0);
	KT_CHECK(map->dm_nsegs == 3 &&
	    check_segments(map, (uintptr_t)va + 100, 9000));
	bus_dmamap_sync(t, map, 4000, 2000, BUS_DMASYNC_PREREAD);
	bus_dmamap_unload(t, map);
	bus_dmamap_destroy(t, map);

	/* too many segments needed: EFBIG, map left unloaded */
	KT_CHECK(bus_dmamap_create(t, 16384, 2, 1024, 0, 0, &map) == 0);
	KT_CHECK(bus_dmamap_load(t, map, va, 3000, 0) == EFBIG);
	KT_CHECK(map->dm_nsegs == 0);
	KT_CHECK(bus_dmamap_load(t, map, va, 2048, 0) == 0);
	KT_CHECK(map->dm_nsegs == 2);
	bus_dmamap_unload(t, map);
	KT_CHECK(bus_dmamap_load(t, map, va, 20000, 0) == EINVAL);
	bus_dmamap_destroy(t, map);

	bus_dmamem_unmap(t, va, 3 * 4096);
	bus_dmamem_free(t, &seg, 1);
	kmem_get_stats(&after);
	KT_CHECK(after.ks_inuse == before.ks_inuse);
}

static int
never(void *arg)
{
	(void)arg;
	return 0;
}

KT_CASE(intr_establish_without_devices)
{
	struct kmem_stats before, after;
	struct kintr *ih = NULL;

	kmem_get_stats(&before);
	KT_CHECK(kintr_establish(3, never, NULL, "wm0", &ih) == ENXIO);
	KT_CHECK(ih == NULL);
	KT_CHECK(kt_dmesg_has("wm0: cannot establish interrupt 3"));
	kmem_get_stats(&after);
	KT_CHECK(after.ks_inuse == before.ks_inuse);
}
