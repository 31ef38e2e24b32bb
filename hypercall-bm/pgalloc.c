/*
 * Buddy page allocator.
 *
 * Memory arrives as disjoint ranges (pgalloc_add_range). Each range keeps
 * its own metadata in its first pages: one tag word and one state byte per
 * page. The rest of the range is cut into maximal naturally aligned blocks
 * (a block of order k starts at a multiple of 2^k pages, in absolute
 * addresses), which go on one free list per order. Allocation splits the
 * smallest large-enough free block; freeing merges a block with its buddy
 * for as long as the buddy is free, whole, and inside the same range.
 *
 * Invariants:
 *  - pr_state[i] == PG_FREE|k iff page i heads a free block of order k,
 *    and that block is on pg_freelist[k];
 *    pr_state[i] == PG_USED|k iff page i heads an allocated block of
 *    order k; pr_state[i] == 0 for every page inside a block.
 *  - A free block starts with a struct pg_free holding PG_MAGIC.
 *  - Buddies merge only inside one range, so a range never needs another
 *    range's metadata, even when two ranges are adjacent.
 *  - pg_ranges[0..pg_nranges) is sorted by address and non-overlapping.
 *
 * Runs in thread context only (never from an interrupt), and threads are
 * cooperative, so there is no locking.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/pgalloc.h>

#include "bm_assert.h"

#define PG_FREE 0x80
#define PG_USED 0x40
#define PG_ORDERMASK 0x1f
#define PG_MAGIC 0x70676672656521ULL	/* "pgfree!" */
#define PG_MAXRANGES 128

_Static_assert(PGALLOC_MAXORDER <= PG_ORDERMASK, "order fits the state byte");

struct pg_free {
	uint64_t pf_magic;
	struct pg_free *pf_next;
	struct pg_free *pf_prev;
};

struct pg_range {
	uintptr_t pr_base;	/* first managed page */
	size_t pr_npages;	/* managed pages */
	uint8_t *pr_state;	/* one byte per managed page */
	uintptr_t *pr_tag;	/* one word per managed page */
};

static struct pg_range pg_ranges[PG_MAXRANGES];
static unsigned pg_nranges;
static struct pg_free *pg_freelist[PGALLOC_MAXORDER + 1];
static struct pgalloc_stats pg_stats;

static size_t
blockbytes(unsigned order)
{
	return PGALLOC_PAGE_SIZE << order;
}

static uintptr_t
range_end(const struct pg_range *r)
{
	return r->pr_base + (r->pr_npages << PGALLOC_PAGE_SHIFT);
}

static size_t
page_index(const struct pg_range *r, uintptr_t va)
{
	return (va - r->pr_base) >> PGALLOC_PAGE_SHIFT;
}

/* The range holding va, or NULL. Binary search over the sorted table. */
static struct pg_range *
range_find(uintptr_t va)
{
	unsigned lo = 0, hi = pg_nranges;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct pg_range *r = &pg_ranges[mid];

		if (va < r->pr_base)
			hi = mid;
		else if (va >= range_end(r))
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

static void
freelist_push(struct pg_range *r, uintptr_t va, unsigned order)
{
	struct pg_free *f = (struct pg_free *)va;

	f->pf_magic = PG_MAGIC;
	f->pf_prev = NULL;
	f->pf_next = pg_freelist[order];
	if (f->pf_next != NULL)
		f->pf_next->pf_prev = f;
	pg_freelist[order] = f;
	r->pr_state[page_index(r, va)] = PG_FREE | order;
}

static void
freelist_unlink(struct pg_range *r, struct pg_free *f, unsigned order)
{
	if (f->pf_magic != PG_MAGIC)
		bm_panic("pgalloc: free block overwritten (use after free?)");
	if (f->pf_prev != NULL)
		f->pf_prev->pf_next = f->pf_next;
	else
		pg_freelist[order] = f->pf_next;
	if (f->pf_next != NULL)
		f->pf_next->pf_prev = f->pf_prev;
	f->pf_magic = 0;
	r->pr_state[page_index(r, (uintptr_t)f)] = 0;
}

void
pgalloc_init(void)
{
	unsigned i;

	pg_nranges = 0;
	for (i = 0; i <= PGALLOC_MAXORDER; i++)
		pg_freelist[i] = NULL;
	__builtin_memset(&pg_stats, 0, sizeof(pg_stats));
}

/* Largest order of a naturally aligned block at va that fits in room. */
static unsigned
largest_order_at(uintptr_t va, size_t room)
{
	unsigned o = 0;

	while (o < PGALLOC_MAXORDER && (va & (blockbytes(o + 1) - 1)) == 0 &&
	    blockbytes(o + 1) <= room)
		o++;
	return o;
}

static void
range_cut(struct pg_range *r)
{
	uintptr_t va = r->pr_base, end = range_end(r);

	while (va < end) {
		unsigned o = largest_order_at(va, end - va);

		freelist_push(r, va, o);
		va += blockbytes(o);
	}
}

/*
 * Insert [start, end) (metadata included) into the sorted range table
 * and return its slot. Overlap with a known range is a boot-time bug.
 */
static struct pg_range *
range_insert(uintptr_t start, uintptr_t end)
{
	unsigned i = pg_nranges, j;

	if (pg_nranges == PG_MAXRANGES)
		bm_panic("pgalloc: too many memory ranges");
	while (i > 0 && pg_ranges[i - 1].pr_base > start)
		i--;
	if (i > 0 && range_end(&pg_ranges[i - 1]) > start)
		bm_panic("pgalloc: overlapping memory ranges");
	if (i < pg_nranges && (uintptr_t)pg_ranges[i].pr_tag < end)
		bm_panic("pgalloc: overlapping memory ranges");
	for (j = pg_nranges; j > i; j--)
		pg_ranges[j] = pg_ranges[j - 1];
	pg_nranges++;
	return &pg_ranges[i];
}

/*
 * Page 0 is never managed (it stays unmapped to catch NULL pointers, and
 * NULL is the failure value). Ranges too small to carry their own
 * metadata are ignored.
 */
void
pgalloc_add_range(uintptr_t base, size_t len)
{
	const uintptr_t mask = PGALLOC_PAGE_SIZE - 1;
	uintptr_t start, end, meta;
	size_t npages, metapages;
	struct pg_range *r;

	end = (len > UINTPTR_MAX - base) ? UINTPTR_MAX : base + len;
	end &= ~mask;
	start = (base < PGALLOC_PAGE_SIZE) ? PGALLOC_PAGE_SIZE : base;
	if (start > UINTPTR_MAX - mask || ((start + mask) & ~mask) >= end)
		return;
	start = (start + mask) & ~mask;
	npages = (end - start) >> PGALLOC_PAGE_SHIFT;
	meta = npages * (sizeof(uintptr_t) + 1);
	metapages = (meta + mask) >> PGALLOC_PAGE_SHIFT;
	if (npages <= metapages)
		return;

	r = range_insert(start, end);
	r->pr_tag = (uintptr_t *)start;
	r->pr_npages = npages - metapages;
	r->pr_state = (uint8_t *)(r->pr_tag + r->pr_npages);
	r->pr_base = start + (metapages << PGALLOC_PAGE_SHIFT);
	__builtin_memset(r->pr_tag, 0, r->pr_npages * sizeof(uintptr_t));
	__builtin_memset(r->pr_state, 0, r->pr_npages);
	range_cut(r);
	pg_stats.ps_total_pages += r->pr_npages;
	pg_stats.ps_free_pages += r->pr_npages;
}

void *
pgalloc_alloc(unsigned order)
{
	struct pg_free *f = NULL;
	struct pg_range *r;
	uintptr_t va;
	unsigned o;

	for (o = order; o <= PGALLOC_MAXORDER; o++)
		if ((f = pg_freelist[o]) != NULL)
			break;
	if (f == NULL) {
		pg_stats.ps_failures++;
		return NULL;
	}
	va = (uintptr_t)f;
	r = range_find(va);
	bm_assert(r != NULL);
	freelist_unlink(r, f, o);
	/* Split: keep the lower half, free the upper half, down to order. */
	while (o > order) {
		o--;
		freelist_push(r, va + blockbytes(o), o);
	}
	r->pr_state[page_index(r, va)] = PG_USED | order;
	pg_stats.ps_free_pages -= (size_t)1 << order;
	pg_stats.ps_allocs++;
	return (void *)va;
}

/* The range of an allocated block; halts if (va, order) is not one. */
static struct pg_range *
block_check(uintptr_t va, unsigned order)
{
	struct pg_range *r;
	size_t i;

	if (order > PGALLOC_MAXORDER)
		bm_panic("pgalloc_free: bad order");
	if ((r = range_find(va)) == NULL)
		bm_panic("pgalloc_free: address not managed by pgalloc");
	if ((va & (blockbytes(order) - 1)) != 0)
		bm_panic("pgalloc_free: block not aligned to its order");
	i = page_index(r, va);
	if (r->pr_state[i] != (PG_USED | order))
		bm_panic("pgalloc_free: double free or wrong order");
	if (r->pr_tag[i] != 0)
		bm_panic("pgalloc_free: owner tag not cleared");
	return r;
}

void
pgalloc_free(void *p, unsigned order)
{
	uintptr_t va = (uintptr_t)p;
	struct pg_range *r = block_check(va, order);

	r->pr_state[page_index(r, va)] = 0;
	pg_stats.ps_free_pages += (size_t)1 << order;
	pg_stats.ps_frees++;
	while (order < PGALLOC_MAXORDER) {
		uintptr_t buddy = va ^ blockbytes(order);

		/* Aligned and of equal size: both ends in range or none. */
		if (buddy < r->pr_base || buddy >= range_end(r) ||
		    r->pr_state[page_index(r, buddy)] != (PG_FREE | order))
			break;
		freelist_unlink(r, (struct pg_free *)buddy, order);
		va &= ~blockbytes(order);
		order++;
	}
	freelist_push(r, va, order);
}

unsigned
pgalloc_order(size_t len)
{
	unsigned o = 0;

	while (o <= PGALLOC_MAXORDER && blockbytes(o) < len)
		o++;
	return o;	/* PGALLOC_MAXORDER + 1 if no block is large enough */
}

void
pgalloc_get_stats(struct pgalloc_stats *ps)
{
	*ps = pg_stats;
}

void
pgalloc_set_tag(void *page, uintptr_t tag)
{
	struct pg_range *r = range_find((uintptr_t)page);

	if (r == NULL)
		bm_panic("pgalloc_set_tag: address not managed by pgalloc");
	r->pr_tag[page_index(r, (uintptr_t)page)] = tag;
}

uintptr_t
pgalloc_get_tag(const void *addr)
{
	struct pg_range *r = range_find((uintptr_t)addr);

	return r == NULL ? 0 : r->pr_tag[page_index(r, (uintptr_t)addr)];
}

/* Pages on free list `order`, checking each block against its state. */
static size_t
verify_list(unsigned order)
{
	struct pg_free *f, *prev = NULL;
	struct pg_range *r;
	size_t pages = 0;

	for (f = pg_freelist[order]; f != NULL; prev = f, f = f->pf_next) {
		r = range_find((uintptr_t)f);
		bm_assert(r != NULL);
		bm_assert(f->pf_magic == PG_MAGIC && f->pf_prev == prev);
		bm_assert(((uintptr_t)f & (blockbytes(order) - 1)) == 0);
		bm_assert((uintptr_t)f + blockbytes(order) <= range_end(r));
		bm_assert(r->pr_state[page_index(r, (uintptr_t)f)] ==
		    (PG_FREE | order));
		pages += (size_t)1 << order;
	}
	return pages;
}

/* Walk a range block by block: the heads must tile it exactly. */
static size_t
verify_range(const struct pg_range *r)
{
	size_t i = 0, freepages = 0;

	while (i < r->pr_npages) {
		uint8_t st = r->pr_state[i];
		unsigned order = st & PG_ORDERMASK;
		size_t n = (size_t)1 << order, j;

		bm_assert((st & (PG_FREE | PG_USED)) != 0);
		bm_assert(i + n <= r->pr_npages);
		for (j = 1; j < n; j++)
			bm_assert(r->pr_state[i + j] == 0);
		if (st & PG_FREE)
			freepages += n;
		i += n;
	}
	return freepages;
}

void
pgalloc_verify(void)
{
	size_t listed = 0, mapped = 0, total = 0;
	unsigned i;

	for (i = 0; i <= PGALLOC_MAXORDER; i++)
		listed += verify_list(i);
	for (i = 0; i < pg_nranges; i++) {
		if (i > 0)
			bm_assert(range_end(&pg_ranges[i - 1]) <=
			    (uintptr_t)pg_ranges[i].pr_tag);
		mapped += verify_range(&pg_ranges[i]);
		total += pg_ranges[i].pr_npages;
	}
	bm_assert(listed == pg_stats.ps_free_pages);
	bm_assert(mapped == pg_stats.ps_free_pages);
	bm_assert(total == pg_stats.ps_total_pages);
}
