/*
 * Small-object allocator over the page allocator. Any power-of-two
 * alignment is honoured, including ones larger than a page.
 * Exhaustion returns NULL.
 */
#ifndef BMK_MEMALLOC_H
#define BMK_MEMALLOC_H

#include <stddef.h>
#include <stdint.h>

struct memalloc_stats {
	size_t ms_bytes_in_use;	/* requested bytes currently allocated */
	uint64_t ms_allocs;
	uint64_t ms_frees;
	uint64_t ms_failures;
};

void memalloc_init(void);
/* align: 0 or a power of two. */
void *memalloc(size_t size, size_t align);
void *memalloc_zero(size_t size, size_t align);
void memfree(void *p);
/* Usable size of an allocation. */
size_t memalloc_size(const void *p);
void memalloc_get_stats(struct memalloc_stats *ms);

#endif
