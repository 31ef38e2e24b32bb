/*
 * Buddy page allocator. Blocks of 2^order pages, naturally aligned.
 * Exhaustion returns NULL; it never panics.
 */
#ifndef BMK_PGALLOC_H
#define BMK_PGALLOC_H

#include <stddef.h>
#include <stdint.h>

#define PGALLOC_PAGE_SHIFT 12
#define PGALLOC_PAGE_SIZE (1UL << PGALLOC_PAGE_SHIFT)
#define PGALLOC_MAXORDER 20	/* largest block: 2^20 pages = 4 GiB */

struct pgalloc_stats {
	/* pages handed to pgalloc_add_range, minus trimmed edges and the
	 * per-page metadata kept at the start of each range */
	size_t ps_total_pages;
	size_t ps_free_pages;
	uint64_t ps_allocs;
	uint64_t ps_frees;
	uint64_t ps_failures;	/* allocations that returned NULL */
};

/* Forget everything (for tests and early boot). */
void pgalloc_init(void);
/* Give a range of memory; unaligned edges are trimmed. */
void pgalloc_add_range(uintptr_t base, size_t len);
void *pgalloc_alloc(unsigned order);
void pgalloc_free(void *p, unsigned order);
/* Smallest order whose block holds len bytes. */
unsigned pgalloc_order(size_t len);
void pgalloc_get_stats(struct pgalloc_stats *ps);

/*
 * One word per page for the owner of an allocated block (memalloc uses it
 * to find its slab or block from a pointer). pgalloc never interprets it.
 * A block comes out of pgalloc_alloc with all its tags 0; the owner must
 * set them back to 0 before pgalloc_free. get_tag returns 0 for an
 * address pgalloc does not manage.
 */
void pgalloc_set_tag(void *page, uintptr_t tag);
uintptr_t pgalloc_get_tag(const void *addr);

/* Check every free list and per-page state; halts on an inconsistency. */
void pgalloc_verify(void);

#endif
