/*
 * bus_space and bus_dma: how drivers touch hardware. Drivers never
 * dereference device addresses or compute physical addresses
 * themselves.
 *
 * bus_space: a tag names an address space, bus_space_io (x86 ports) or
 * bus_space_mem (memory-mapped registers); a handle is a mapped region
 * of it. Accesses are 8/16/32/64 bits wide at byte offsets into the
 * region (64-bit accesses exist for memory space only). Memory accesses
 * are single volatile loads and stores of that width; accesses to one
 * device stay in program order. bus_space_barrier orders the CPU's
 * accesses before it against those after it.
 *
 * bus_dma: DMA-safe memory (bus_dmamem_*), maps that describe a buffer
 * as device-visible segments (bus_dmamap_*), and bus_dmamap_sync, which
 * must bracket every device access to a loaded map: PRE* before handing
 * the buffer to the device, POST* before the CPU looks at what the
 * device did. It does the cache maintenance non-coherent machines need
 * (ARM) and is only a barrier elsewhere.
 */
#ifndef KERN_BUS_H
#define KERN_BUS_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t bus_addr_t;
typedef uint64_t bus_size_t;

/* ---- bus_space ------------------------------------------------------- */

struct bus_space;
typedef const struct bus_space *bus_space_tag_t;
typedef uintptr_t bus_space_handle_t;

extern const struct bus_space bus_space_io_tag;
extern const struct bus_space bus_space_mem_tag;
#define bus_space_io (&bus_space_io_tag)
#define bus_space_mem (&bus_space_mem_tag)

#define BUS_SPACE_MAP_PREFETCHABLE 0x01

/* 0, or an errno value (ENODEV: no such space here, ENOMEM: no mapping). */
int bus_space_map(bus_space_tag_t t, bus_addr_t addr, bus_size_t size,
    int flags, bus_space_handle_t *hp);
void bus_space_unmap(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t size);
/* A handle for [off, off + size) of an existing mapping. */
int bus_space_subregion(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off, bus_size_t size, bus_space_handle_t *nhp);

uint8_t bus_space_read_1(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off);
uint16_t bus_space_read_2(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off);
uint32_t bus_space_read_4(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off);
uint64_t bus_space_read_8(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off);
void bus_space_write_1(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off, uint8_t v);
void bus_space_write_2(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off, uint16_t v);
void bus_space_write_4(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off, uint32_t v);
void bus_space_write_8(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off, uint64_t v);

#define BUS_SPACE_BARRIER_READ 0x01
#define BUS_SPACE_BARRIER_WRITE 0x02
void bus_space_barrier(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off, bus_size_t len, int flags);

/* ---- bus_dma --------------------------------------------------------- */

struct bus_dma_tag;
typedef const struct bus_dma_tag *bus_dma_tag_t;
/* Devices that reach all of memory; PCI hands this to its children. */
extern const struct bus_dma_tag bus_dma_tag_default;

typedef struct bus_dma_segment {
	bus_addr_t ds_addr;	/* device-visible (physical) address */
	bus_size_t ds_len;
	uintptr_t _ds_va;	/* private: kernel virtual address */
} bus_dma_segment_t;

#define BUS_DMA_WAITOK 0x00
#define BUS_DMA_NOWAIT 0x01

/* DMA-safe memory: one physically contiguous segment (nsegs >= 1). */
int bus_dmamem_alloc(bus_dma_tag_t t, bus_size_t size, bus_size_t align,
    bus_dma_segment_t *segs, int nsegs, int *rsegs, int flags);
void bus_dmamem_free(bus_dma_tag_t t, bus_dma_segment_t *segs, int nsegs);
int bus_dmamem_map(bus_dma_tag_t t, bus_dma_segment_t *segs, int nsegs,
    size_t size, void **kvap, int flags);
void bus_dmamem_unmap(bus_dma_tag_t t, void *kva, size_t size);

/* A map: up to dm_nsegs_max segments of at most dm_maxsegsz bytes. */
typedef struct bus_dmamap {
	bus_size_t dm_size;		/* largest buffer it can load */
	bus_size_t dm_maxsegsz;
	bus_size_t dm_boundary;		/* segments never cross it (0: none) */
	int dm_nsegs_max;
	bus_size_t dm_mapsize;		/* bytes loaded, 0 if none */
	int dm_nsegs;
	bus_dma_segment_t *dm_segs;
} *bus_dmamap_t;

int bus_dmamap_create(bus_dma_tag_t t, bus_size_t size, int nsegments,
    bus_size_t maxsegsz, bus_size_t boundary, int flags, bus_dmamap_t *mp);
void bus_dmamap_destroy(bus_dma_tag_t t, bus_dmamap_t map);
/* EFBIG if the buffer needs more segments than the map has. */
int bus_dmamap_load(bus_dma_tag_t t, bus_dmamap_t map, void *buf,
    bus_size_t len, int flags);
void bus_dmamap_unload(bus_dma_tag_t t, bus_dmamap_t map);

#define BUS_DMASYNC_PREREAD 0x01
#define BUS_DMASYNC_POSTREAD 0x02
#define BUS_DMASYNC_PREWRITE 0x04
#define BUS_DMASYNC_POSTWRITE 0x08
void bus_dmamap_sync(bus_dma_tag_t t, bus_dmamap_t map, bus_addr_t off,
    bus_size_t len, int ops);

#endif
