/*
 * Small-object allocator over the page allocator.
 *
 * A request is first raised to max(size, align, MA_MINCHUNK). If that is
 * at most MA_MAXCHUNK it is served from a slab of the next power-of-two
 * size class; otherwise it gets a pgalloc block of its own.
 *
 * Slabs: a slab is one pgalloc block holding a header, a table of the
 * requested sizes and n chunks of one class size c. The chunk area starts
 * at a multiple of c inside the slab, and slabs are naturally aligned, so
 * every chunk is aligned to c: any alignment up to c costs nothing.
 * Large blocks: buddy blocks are naturally aligned, so the order is
 * raised until the block is at least as large as the alignment.
 *
 * Finding the owner of a pointer (no header in front of objects): the
 * pgalloc tag of every page of a slab is the slab's address; the tag of
 * the first page of a large block encodes its size and order and has its
 * low bit set (slab addresses are page aligned, so bit 0 is free).
 *
 * Invariants:
 *  - A slab is on its class's list iff it has at least one free chunk.
 *  - sl_size[i] == 0 iff chunk i is free; otherwise it is the requested
 *    size plus one (so that a 0-byte request is still "in use").
 *  - A completely free slab is given back to pgalloc unless it is the
 *    only slab with free chunks in its class (one spare per class).
 *  - ms_bytes_in_use is the sum of the requested sizes of live objects.
 *
 * Thread context only (never from an interrupt); threads are cooperative,
 * so there is no locking.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/memalloc.h>
#include <bmk/pgalloc.h>

#include "bm_assert.h"

#define MA_MINSHIFT 4
#define MA_MAXSHIFT 11
#define MA_MINCHUNK (1UL << MA_MINSHIFT)	/* 16: max_align_t */
#define MA_MAXCHUNK (1UL << MA_MAXSHIFT)	/* 2048 */
#define MA_NCLASSES (MA_MAXSHIFT - MA_MINSHIFT + 1)
#define MA_SLABCHUNKS 16	/* a slab is at least this many chunks big */
#define MA_SLAB_MAGIC 0x736c6162u	/* "slab" */

#define MA_TAG_LARGE 0x1UL
#define MA_TAG_ORDERSHIFT 1
#define MA_TAG_SIZESHIFT 8

_Static_assert(PGALLOC_MAXORDER < (1 << (MA_TAG_SIZESHIFT - MA_TAG_ORDERSHIFT)),
    "order fits its tag field");
_Static_assert(PGALLOC_MAXORDER + PGALLOC_PAGE_SHIFT + MA_TAG_SIZESHIFT <=
    8 * sizeof(uintptr_t), "a block size fits its tag field");
_Static_assert(MA_MAXCHUNK + 1 <= UINT16_MAX, "sizes fit sl_size[]");

struct ma_chunk {
	struct ma_chunk *ch_next;
};

struct ma_slab {
	uint32_t sl_magic;
	uint16_t sl_class;
	uint16_t sl_nfree;
	struct ma_chunk *sl_free;	/* free chunks */
	struct ma_slab *sl_next;	/* class list: slabs with free chunks */
	struct ma_slab *sl_prev;
	uint16_t sl_size[];		/* per chunk: requested size + 1, or 0 */
};

struct ma_class {
	size_t mc_chunk;	/* chunk size */
	unsigned mc_order;	/* pgalloc order of a slab */
	unsigned mc_nchunks;	/* chunks per slab */
	size_t mc_first;	/* offset of chunk 0 in the slab */
	struct ma_slab *mc_slabs;	/* slabs with free chunks */
};

static struct ma_class ma_classes[MA_NCLASSES];
static struct memalloc_stats ma_stats;

static size_t
roundup(size_t x, size_t align)
{
	return (x + align - 1) & ~(align - 1);
}

/* Largest chunk count whose header, size table and chunks fit. */
static void
class_layout(struct ma_class *mc, size_t chunk)
{
	size_t slab, n;

	mc->mc_chunk = chunk;
	mc->mc_order = pgalloc_order(chunk * MA_SLABCHUNKS);
	slab = PGALLOC_PAGE_SIZE << mc->mc_order;
	n = (slab - sizeof(struct ma_slab)) / (chunk + sizeof(uint16_t));
	while (roundup(sizeof(struct ma_slab) + n * sizeof(uint16_t), chunk) +
	    n * chunk > slab)
		n--;
	mc->mc_nchunks = n;
	mc->mc_first = roundup(sizeof(struct ma_slab) + n * sizeof(uint16_t),
	    chunk);
	mc->mc_slabs = NULL;
}

void
memalloc_init(void)
{
	unsigned i;

	for (i = 0; i < MA_NCLASSES; i++)
		class_layout(&ma_classes[i], MA_MINCHUNK << i);
	__builtin_memset(&ma_stats, 0, sizeof(ma_stats));
}

static void
class_link(struct ma_class *mc, struct ma_slab *s)
{
	s->sl_prev = NULL;
	s->sl_next = mc->mc_slabs;
	if (s->sl_next != NULL)
		s->sl_next->sl_prev = s;
	mc->mc_slabs = s;
}

static void
class_unlink(struct ma_class *mc, struct ma_slab *s)
{
	if (s->sl_prev != NULL)
		s->sl_prev->sl_next = s->sl_next;
	else
		mc->mc_slabs = s->sl_next;
	if (s->sl_next != NULL)
		s->sl_next->sl_prev = s->sl_prev;
}

static void
slab_tag(struct ma_slab *s, uintptr_t tag)
{
	size_t npages = (size_t)1 << ma_classes[s->sl_class].mc_order, i;

	for (i = 0; i < npages; i++)
		pgalloc_set_tag((char *)s + i * PGALLOC_PAGE_SIZE, tag);
}

static struct ma_slab *
slab_new(unsigned ci)
{
	struct ma_class *mc = &ma_classes[ci];
	struct ma_slab *s = pgalloc_alloc(mc->mc_order);
	unsigned i;

	if (s == NULL)
		return NULL;
	s->sl_magic = MA_SLAB_MAGIC;
	s->sl_class = ci;
	s->sl_nfree = mc->mc_nchunks;
	s->sl_free = NULL;
	/* Push from the top so that the lowest chunk is handed out first. */
	for (i = mc->mc_nchunks; i-- > 0;) {
		struct ma_chunk *ch = (struct ma_chunk *)((char *)s +
		    mc->mc_first + i * mc->mc_chunk);

		ch->ch_next = s->sl_free;
		s->sl_free = ch;
		s->sl_size[i] = 0;
	}
	slab_tag(s, (uintptr_t)s);
	class_link(mc, s);
	return s;
}

static void
slab_release(struct ma_slab *s)
{
	struct ma_class *mc = &ma_classes[s->sl_class];

	class_unlink(mc, s);
	slab_tag(s, 0);
	s->sl_magic = 0;
	pgalloc_free(s, mc->mc_order);
}

/* Index of the chunk at p; halts if p is not the start of a chunk. */
static size_t
slab_index(const struct ma_slab *s, const void *p)
{
	const struct ma_class *mc = &ma_classes[s->sl_class];
	size_t off = (size_t)((const char *)p - (const char *)s);

	if (off < mc->mc_first || (off - mc->mc_first) % mc->mc_chunk != 0)
		bm_panic("memfree: pointer is not the start of an object");
	return (off - mc->mc_first) / mc->mc_chunk;
}

static void *
slab_alloc(unsigned ci, size_t size)
{
	struct ma_class *mc = &ma_classes[ci];
	struct ma_slab *s = mc->mc_slabs;
	struct ma_chunk *ch;

	if (s == NULL && (s = slab_new(ci)) == NULL)
		return NULL;
	ch = s->sl_free;
	s->sl_free = ch->ch_next;
	s->sl_nfree--;
	s->sl_size[slab_index(s, ch)] = (uint16_t)(size + 1);
	if (s->sl_nfree == 0)
		class_unlink(mc, s);
	return ch;
}

/* Free the chunk at p; returns its requested size. */
static size_t
slab_free(struct ma_slab *s, void *p)
{
	struct ma_class *mc = &ma_classes[s->sl_class];
	size_t i = slab_index(s, p), size;
	struct ma_chunk *ch = p;

	if (s->sl_size[i] == 0)
		bm_panic("memfree: double free");
	size = s->sl_size[i] - 1u;
	s->sl_size[i] = 0;
	ch->ch_next = s->sl_free;
	s->sl_free = ch;
	if (s->sl_nfree++ == 0)
		class_link(mc, s);
	if (s->sl_nfree == mc->mc_nchunks &&
	    (mc->mc_slabs != s || s->sl_next != NULL))
		slab_release(s);
	return size;
}

static void *
large_alloc(size_t size, size_t align)
{
	unsigned order = pgalloc_order(size > align ? size : align);
	void *p;

	if (order > PGALLOC_MAXORDER)
		return NULL;
	if ((p = pgalloc_alloc(order)) == NULL)
		return NULL;
	pgalloc_set_tag(p, ((uintptr_t)size << MA_TAG_SIZESHIFT) |
	    ((uintptr_t)order << MA_TAG_ORDERSHIFT) | MA_TAG_LARGE);
	return p;
}

static unsigned
tag_order(uintptr_t tag)
{
	return (tag >> MA_TAG_ORDERSHIFT) &
	    ((1u << (MA_TAG_SIZESHIFT - MA_TAG_ORDERSHIFT)) - 1);
}

/* Free the large block at p; returns its requested size. */
static size_t
large_free(void *p, uintptr_t tag)
{
	if (((uintptr_t)p & (PGALLOC_PAGE_SIZE - 1)) != 0)
		bm_panic("memfree: pointer is not the start of an object");
	pgalloc_set_tag(p, 0);
	pgalloc_free(p, tag_order(tag));
	return tag >> MA_TAG_SIZESHIFT;
}

/* Class index for a slab request of need bytes (need <= MA_MAXCHUNK). */
static unsigned
class_index(size_t need)
{
	unsigned ci = 0;

	while ((MA_MINCHUNK << ci) < need)
		ci++;
	return ci;
}

void *
memalloc(size_t size, size_t align)
{
	size_t need = size > align ? size : align;
	void *p = NULL;

	if ((align & (align - 1)) == 0) {
		if (need <= MA_MAXCHUNK)
			p = slab_alloc(class_index(need), size);
		else
			p = large_alloc(size, align);
	}
	if (p == NULL) {
		ma_stats.ms_failures++;
		return NULL;
	}
	ma_stats.ms_allocs++;
	ma_stats.ms_bytes_in_use += size;
	return p;
}

void *
memalloc_zero(size_t size, size_t align)
{
	void *p = memalloc(size, align);

	if (p != NULL)
		__builtin_memset(p, 0, size);
	return p;
}

/* The slab holding p, or NULL for a large block; halts on a bad pointer. */
static struct ma_slab *
owner_slab(const void *p, uintptr_t *tagp)
{
	uintptr_t tag = pgalloc_get_tag(p);
	struct ma_slab *s = (struct ma_slab *)tag;

	*tagp = tag;
	if (tag == 0)
		bm_panic("memfree: pointer not from memalloc (double free?)");
	if (tag & MA_TAG_LARGE)
		return NULL;
	if (s->sl_magic != MA_SLAB_MAGIC)
		bm_panic("memalloc: slab header overwritten");
	return s;
}

void
memfree(void *p)
{
	struct ma_slab *s;
	uintptr_t tag;
	size_t size;

	if (p == NULL)
		return;
	s = owner_slab(p, &tag);
	size = (s != NULL) ? slab_free(s, p) : large_free(p, tag);
	bm_assert(ma_stats.ms_bytes_in_use >= size);
	ma_stats.ms_bytes_in_use -= size;
	ma_stats.ms_frees++;
}

size_t
memalloc_size(const void *p)
{
	struct ma_slab *s;
	uintptr_t tag;

	s = owner_slab(p, &tag);
	if (s == NULL)
		return PGALLOC_PAGE_SIZE << tag_order(tag);
	if (s->sl_size[slab_index(s, p)] == 0)
		bm_panic("memalloc_size: object is free");
	return ma_classes[s->sl_class].mc_chunk;
}

void
memalloc_get_stats(struct memalloc_stats *ms)
{
	*ms = ma_stats;
}
