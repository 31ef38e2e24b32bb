/*
 * Buddy page allocator.
 *
 * Memory arrives as disjoint ranges (pgalloc_add_range). Each range keeps
 * its own metadata in its first pages, three arrays indexed by page:
 *
 *	pr_tag[i]	owner tag word (pgalloc_set_tag)	8 bytes
 *	pr_link[i]	free list links, used at free heads	8 bytes
 *	pr_state[i]	PG_FREE|order, PG_USED|order or 0	1 byte
 *
 * 17 bytes per page, about 0.4% of the range. The rest of the range is cut
 * into maximal naturally aligned blocks (a block of order k starts at a
 * multiple of 2^k pages, in absolute addresses). Allocation splits the
 * smallest large-enough free block; freeing merges a block with its buddy
 * for as long as the buddy is free, whole, and inside the same range.
 *
 * pgalloc never reads or writes the memory of a block, free or allocated:
 * every free list lives in the metadata. So adding a range writes only its
 * metadata pages (under QEMU, the first write to each fresh 2 MiB of guest
 * RAM is slow; on hardware, no cache line of free memory is pulled in).
 * The price: there is no magic word inside free blocks, so a write into a
 * free block (use after free) goes unnoticed. Double frees, wrong orders
 * and stray pointers are still caught from the state byte.
 *
 * Each range has one free list per order, doubly linked through pr_link by
 * page index within the range (PG_NIL ends a list). pg_avail has one bit
 * per (order, range): set iff that range's list of that order is
 * non-empty, so an allocation finds a block in O(orders), not O(ranges).
 *
 * Invariants:
 *  - pr_state[i] == PG_FREE|k iff page i heads a free block of order k,
 *    and that block is on pr_head[k] of its range;
 *    pr_state[i] == PG_USED|k iff page i heads an allocated block of
 *    order k; pr_state[i] == 0 for every page inside a block.
 *  - pr_link[i] is meaningful only while pr_state[i] has PG_FREE; it is
 *    never initialized otherwise (not even memset at add time).
 *  - pr_tag[i] == 0 for every page not in an allocated block.
 *  - Buddies merge only inside one range, so a range never needs another
 *    range's metadata, even when two ranges are adjacent.
 *  - pg_ranges[id] never moves once added: id is the range's bit in
 *    pg_avail. pg_sorted[0..pg_nranges) lists the ids by address; the
 *    ranges do not overlap.
 *  - A range has fewer than PG_NIL pages, so an index fits in 32 bits.
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
#define PG_MAXRANGES 128
#define PG_AVAILWORDS (PG_MAXRANGES / 64)
#define PG_NIL UINT32_MAX
#define PG_RANGE_MAXPAGES ((size_t)1 << 31)	/* larger ranges are split */

_Static_assert(PGALLOC_MAXORDER <= PG_ORDERMASK, "order fits the state byte");
_Static_assert(PG_MAXRANGES % 64 == 0 && PG_MAXRANGES <= 256,
    "whole bitmap words; ids fit pg_sorted");
_Static_assert(PG_RANGE_MAXPAGES < PG_NIL, "page indices fit 32 bits");

struct pg_link {
	uint32_t pl_next;	/* page index in the same range, or PG_NIL */
	uint32_t pl_prev;
};

struct pg_range {
	uintptr_t pr_base;	/* first managed page */
	size_t pr_npages;	/* managed pages */
	uintptr_t *pr_tag;	/* metadata start: one word per page */
	struct pg_link *pr_link;	/* one pair per page */
	uint8_t *pr_state;	/* one byte per page */
	uint32_t pr_head[PGALLOC_MAXORDER + 1];	/* free lists */
};

static struct pg_range pg_ranges[PG_MAXRANGES];	/* by id */
static uint8_t pg_sorted[PG_MAXRANGES];	/* ids by address */
static unsigned pg_nranges;
static uint64_t pg_avail[PGALLOC_MAXORDER + 1][PG_AVAILWORDS];
static struct pgalloc_stats pg_stats;

static size_t
blockbytes(unsigned order)
{
	return PGALLOC_PAGE_SIZE << order;
}

static size_t
blockpages(unsigned order)
{
	return (size_t)1 << order;
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

static uintptr_t
page_addr(const struct pg_range *r, size_t i)
{
	return r->pr_base + (i << PGALLOC_PAGE_SHIFT);
}

static unsigned
range_id(const struct pg_range *r)
{
	return (unsigned)(r - pg_ranges);
}

/* The range holding va, or NULL. Binary search over pg_sorted. */
static struct pg_range *
range_find(uintptr_t va)
{
	unsigned lo = 0, hi = pg_nranges;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct pg_range *r = &pg_ranges[pg_sorted[mid]];

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
avail_set(const struct pg_range *r, unsigned order, bool nonempty)
{
	unsigned id = range_id(r);
	uint64_t bit = (uint64_t)1 << (id % 64);

	if (nonempty)
		pg_avail[order][id / 64] |= bit;
	else
		pg_avail[order][id / 64] &= ~bit;
}

static bool
avail_test(const struct pg_range *r, unsigned order)
{
	unsigned id = range_id(r);

	return (pg_avail[order][id / 64] >> (id % 64)) & 1;
}

/* The lowest-id range with a free block of this order, or NULL. */
static struct pg_range *
avail_first(unsigned order)
{
	unsigned w;

	for (w = 0; w < PG_AVAILWORDS; w++)
		if (pg_avail[order][w] != 0)
			return &pg_ranges[w * 64 +
			    (unsigned)__builtin_ctzll(pg_avail[order][w])];
	return NULL;
}

/* Make page i (not on any list) the head of a free block of order. */
static void
freelist_push(struct pg_range *r, size_t i, unsigned order)
{
	uint32_t head = r->pr_head[order];

	r->pr_link[i].pl_next = head;
	r->pr_link[i].pl_prev = PG_NIL;
	if (head != PG_NIL)
		r->pr_link[head].pl_prev = (uint32_t)i;
	else
		avail_set(r, order, true);
	r->pr_head[order] = (uint32_t)i;
	r->pr_state[i] = PG_FREE | order;
}

/* Take the free block headed by page i off its list; its state becomes 0. */
static void
freelist_unlink(struct pg_range *r, size_t i, unsigned order)
{
	uint32_t next = r->pr_link[i].pl_next, prev = r->pr_link[i].pl_prev;

	if (r->pr_state[i] != (PG_FREE | order))
		bm_panic("pgalloc: free list corrupted");
	if (prev != PG_NIL)
		r->pr_link[prev].pl_next = next;
	else if ((r->pr_head[order] = next) == PG_NIL)
		avail_set(r, order, false);
	if (next != PG_NIL)
		r->pr_link[next].pl_prev = prev;
	r->pr_state[i] = 0;
}

void
pgalloc_init(void)
{
	pg_nranges = 0;
	__builtin_memset(pg_avail, 0, sizeof(pg_avail));
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

/* Put the whole range on the free lists; touches only its metadata. */
static void
range_cut(struct pg_range *r)
{
	size_t i = 0;
	unsigned o;

	for (o = 0; o <= PGALLOC_MAXORDER; o++)
		r->pr_head[o] = PG_NIL;
	while (i < r->pr_npages) {
		o = largest_order_at(page_addr(r, i),
		    (r->pr_npages - i) << PGALLOC_PAGE_SHIFT);
		freelist_push(r, i, o);
		i += blockpages(o);
	}
}

/*
 * Claim a new range id for [start, end) (metadata included) and file it
 * in pg_sorted. Overlap with a known range is a boot-time bug.
 */
static struct pg_range *
range_insert(uintptr_t start, uintptr_t end)
{
	unsigned i = pg_nranges, j;
	struct pg_range *r;

	if (pg_nranges == PG_MAXRANGES)
		bm_panic("pgalloc: too many memory ranges");
	while (i > 0 && pg_ranges[pg_sorted[i - 1]].pr_base > start)
		i--;
	if (i > 0 && range_end(&pg_ranges[pg_sorted[i - 1]]) > start)
		bm_panic("pgalloc: overlapping memory ranges");
	if (i < pg_nranges &&
	    (uintptr_t)pg_ranges[pg_sorted[i]].pr_tag < end)
		bm_panic("pgalloc: overlapping memory ranges");
	for (j = pg_nranges; j > i; j--)
		pg_sorted[j] = pg_sorted[j - 1];
	pg_sorted[i] = (uint8_t)pg_nranges;
	r = &pg_ranges[pg_nranges++];
	return r;
}

/*
 * Manage npages pages at start (page aligned), the first of them holding
 * the metadata. Only the tag and state arrays are cleared: pr_link is
 * written as blocks go on the free lists.
 */
static void
range_add(uintptr_t start, size_t npages)
{
	size_t metapages, n;
	struct pg_range *r;

	metapages = (npages * (sizeof(uintptr_t) + sizeof(struct pg_link) + 1) +
	    PGALLOC_PAGE_SIZE - 1) >> PGALLOC_PAGE_SHIFT;
	if (npages <= metapages)
		return;
	n = npages - metapages;
	r = range_insert(start, start + (npages << PGALLOC_PAGE_SHIFT));
	r->pr_tag = (uintptr_t *)start;
	r->pr_link = (struct pg_link *)(r->pr_tag + n);
	r->pr_state = (uint8_t *)(r->pr_link + n);
	r->pr_npages = n;
	r->pr_base = start + (metapages << PGALLOC_PAGE_SHIFT);
	__builtin_memset(r->pr_tag, 0, n * sizeof(uintptr_t));
	__builtin_memset(r->pr_state, 0, n);
	range_cut(r);
	pg_stats.ps_total_pages += n;
	pg_stats.ps_free_pages += n;
}

/*
 * Page 0 is never managed (it stays unmapped to catch NULL pointers, and
 * NULL is the failure value). Ranges too small to carry their own
 * metadata are ignored; ranges too large for 32-bit page indices become
 * several ranges.
 */
void
pgalloc_add_range(uintptr_t base, size_t len)
{
	const uintptr_t mask = PGALLOC_PAGE_SIZE - 1;
	uintptr_t start, end;
	size_t npages, n;

	end = (len > UINTPTR_MAX - base) ? UINTPTR_MAX : base + len;
	end &= ~mask;
	start = (base < PGALLOC_PAGE_SIZE) ? PGALLOC_PAGE_SIZE : base;
	if (start > UINTPTR_MAX - mask || ((start + mask) & ~mask) >= end)
		return;
	start = (start + mask) & ~mask;
	npages = (end - start) >> PGALLOC_PAGE_SHIFT;
	while (npages > 0) {
		n = npages < PG_RANGE_MAXPAGES ? npages : PG_RANGE_MAXPAGES;
		range_add(start, n);
		start += n << PGALLOC_PAGE_SHIFT;
		npages -= n;
	}
}

void *
pgalloc_alloc(unsigned order)
{
	struct pg_range *r = NULL;
	size_t i;
	unsigned o;

	for (o = order; o <= PGALLOC_MAXORDER; o++)
		if ((r = avail_first(o)) != NULL)
			break;
	if (r == NULL) {
		pg_stats.ps_failures++;
		return NULL;
	}
	i = r->pr_head[o];
	freelist_unlink(r, i, o);
	/* Split: keep the lower half, free the upper half, down to order. */
	while (o > order) {
		o--;
		freelist_push(r, i + blockpages(o), o);
	}
	r->pr_state[i] = PG_USED | order;
	pg_stats.ps_free_pages -= blockpages(order);
	pg_stats.ps_allocs++;
	return (void *)page_addr(r, i);
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
	pg_stats.ps_free_pages += blockpages(order);
	pg_stats.ps_frees++;
	while (order < PGALLOC_MAXORDER) {
		uintptr_t buddy = va ^ blockbytes(order);

		/* Aligned and of equal size: both ends in range or none. */
		if (buddy < r->pr_base || buddy >= range_end(r) ||
		    r->pr_state[page_index(r, buddy)] != (PG_FREE | order))
			break;
		freelist_unlink(r, page_index(r, buddy), order);
		va &= ~blockbytes(order);
		order++;
	}
	freelist_push(r, page_index(r, va), order);
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

/*
 * Pages on one free list of a range, checking each block against its
 * state and its back link. At most npages entries: a cycle halts.
 */
static size_t
verify_list(const struct pg_range *r, unsigned order)
{
	uint32_t i, prev = PG_NIL;
	size_t pages = 0;

	bm_assert((r->pr_head[order] != PG_NIL) == avail_test(r, order));
	for (i = r->pr_head[order]; i != PG_NIL;
	    prev = i, i = r->pr_link[i].pl_next) {
		bm_assert(i < r->pr_npages && r->pr_link[i].pl_prev == prev);
		bm_assert(r->pr_state[i] == (PG_FREE | order));
		bm_assert((page_addr(r, i) & (blockbytes(order) - 1)) == 0);
		bm_assert(i + blockpages(order) <= r->pr_npages);
		pages += blockpages(order);
		bm_assert(pages <= r->pr_npages);
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
		size_t n = blockpages(st & PG_ORDERMASK), j;

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

/* Bits of pg_avail for ids never handed out must be clear. */
static void
verify_avail_unused(void)
{
	unsigned o, id;

	for (o = 0; o <= PGALLOC_MAXORDER; o++)
		for (id = pg_nranges; id < PG_MAXRANGES; id++)
			bm_assert(!avail_test(&pg_ranges[id], o));
}

void
pgalloc_verify(void)
{
	size_t listed = 0, mapped = 0, total = 0;
	const struct pg_range *r, *prev = NULL;
	unsigned i, o;

	for (i = 0; i < pg_nranges; i++, prev = r) {
		r = &pg_ranges[pg_sorted[i]];
		if (prev != NULL)
			bm_assert(range_end(prev) <= (uintptr_t)r->pr_tag);
		for (o = 0; o <= PGALLOC_MAXORDER; o++)
			listed += verify_list(r, o);
		mapped += verify_range(r);
		total += r->pr_npages;
	}
	verify_avail_unused();
	bm_assert(listed == pg_stats.ps_free_pages);
	bm_assert(mapped == pg_stats.ps_free_pages);
	bm_assert(total == pg_stats.ps_total_pages);
}
