/*
 * Host tests of the buddy page allocator: splitting and coalescing,
 * exhaustion, statistics, natural alignment, awkward ranges, error
 * detection, long random runs checked against a shadow model, and that
 * pgalloc never touches the memory of a block (only its metadata pages).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <bmk/pgalloc.h>

#include "fakeplat.h"
#include "unit.h"

#define PG PGALLOC_PAGE_SIZE
#define MIB (1024UL * 1024)

static void
stats(struct pgalloc_stats *ps)
{
	pgalloc_get_stats(ps);
}

/* One fresh, 16 MiB-aligned range of len bytes. */
static uintptr_t
fresh(size_t len)
{
	uintptr_t base = (uintptr_t)fake_mmap(len, 16 * MIB);

	pgalloc_init();
	pgalloc_add_range(base, len);
	return base;
}

static void
test_order(void)
{
	CHECK(pgalloc_order(0) == 0);
	CHECK(pgalloc_order(1) == 0);
	CHECK(pgalloc_order(PG) == 0);
	CHECK(pgalloc_order(PG + 1) == 1);
	CHECK(pgalloc_order(2 * PG) == 1);
	CHECK(pgalloc_order(3 * PG) == 2);
	CHECK(pgalloc_order(PG << PGALLOC_MAXORDER) == PGALLOC_MAXORDER);
	CHECK(pgalloc_order((PG << PGALLOC_MAXORDER) + 1) ==
	    PGALLOC_MAXORDER + 1);
	CHECK(pgalloc_order(SIZE_MAX) == PGALLOC_MAXORDER + 1);
}

static void
test_alignment_each_order(void)
{
	struct pgalloc_stats s0, s1;
	void *p[12];
	unsigned o;

	fresh(32 * MIB);
	stats(&s0);
	CHECK(s0.ps_total_pages == s0.ps_free_pages);
	CHECK(s0.ps_total_pages > 8000);
	for (o = 0; o < 12; o++) {
		p[o] = pgalloc_alloc(o);
		CHECK(p[o] != NULL);
		CHECK(((uintptr_t)p[o] & ((PG << o) - 1)) == 0);
		memset(p[o], 0xa5, PG << o);
	}
	pgalloc_verify();
	for (o = 0; o < 12; o++)
		pgalloc_free(p[o], o);
	pgalloc_verify();
	stats(&s1);
	CHECK(s1.ps_free_pages == s0.ps_free_pages);
	CHECK(s1.ps_allocs == 12 && s1.ps_frees == 12);
}

static void
test_split_coalesce(void)
{
	enum { N = 1024 };
	static void *p[N];
	struct pgalloc_stats s0, s1;
	uintptr_t base = fresh(8 * MIB);
	void *big;
	size_t i, n;

	stats(&s0);
	/* Break everything into single pages... */
	for (n = 0; n < N && (p[n] = pgalloc_alloc(0)) != NULL; n++)
		;
	CHECK(n == N);
	pgalloc_verify();
	/* ...free them in an interleaved order, then expect big blocks. */
	for (i = 0; i < n; i += 2)
		pgalloc_free(p[i], 0);
	for (i = 1; i < n; i += 2)
		pgalloc_free(p[i], 0);
	pgalloc_verify();
	stats(&s1);
	CHECK(s1.ps_free_pages == s0.ps_free_pages);
	big = pgalloc_alloc(10);	/* 4 MiB: only whole if merged */
	CHECK(big != NULL);
	CHECK((uintptr_t)big >= base && (uintptr_t)big < base + 8 * MIB);
	pgalloc_free(big, 10);
	big = pgalloc_alloc(11);	/* 8 MiB: the metadata page is in it */
	CHECK(big == NULL);
	pgalloc_verify();
}

static void
test_exhaustion(void)
{
	struct pgalloc_stats s0, s1;
	void **p;
	size_t n = 0, i;

	fresh(4 * MIB);
	stats(&s0);
	p = calloc(s0.ps_total_pages + 1, sizeof(*p));
	while ((p[n] = pgalloc_alloc(0)) != NULL)
		n++;
	CHECK(n == s0.ps_total_pages);
	stats(&s1);
	CHECK(s1.ps_free_pages == 0);
	CHECK(s1.ps_failures == 1);
	CHECK(pgalloc_alloc(3) == NULL);
	CHECK(pgalloc_alloc(PGALLOC_MAXORDER + 1) == NULL);
	for (i = 0; i < n; i++)
		pgalloc_free(p[n - 1 - i], 0);
	free(p);
	pgalloc_verify();
	stats(&s1);
	CHECK(s1.ps_free_pages == s0.ps_free_pages);
	CHECK(s1.ps_allocs == n && s1.ps_frees == n);
}

/* Unaligned edges, tiny ranges, many disjoint and adjacent ranges. */
static void
test_ranges(void)
{
	uintptr_t base = (uintptr_t)fake_mmap(64 * MIB, 16 * MIB), a;
	struct pgalloc_stats s;
	size_t expect = 0, len, i, free0;
	void *p;

	pgalloc_init();
	pgalloc_add_range(base + 123, 10 * PG);	/* 9 whole pages */
	pgalloc_add_range(base + 20 * PG, PG - 1);	/* nothing whole */
	pgalloc_add_range(base + 30 * PG, PG);	/* metadata only: ignored */
	pgalloc_add_range(0, 100);		/* page 0 is never managed */
	stats(&s);
	CHECK(s.ps_total_pages == 8);	/* one page of metadata */
	expect = 8;
	srand(7);
	for (a = base + MIB, i = 0; i < 60; i++) {
		len = ((size_t)rand() % 100 + 2) * PG + (size_t)rand() % PG;
		a += (size_t)rand() % 5 * PG + (size_t)rand() % 64;
		pgalloc_add_range(a, len);
		a += len;
	}
	/* Two adjacent ranges: their buddies must not merge. */
	pgalloc_add_range(base + 48 * MIB, 2 * MIB);
	pgalloc_add_range(base + 50 * MIB, 2 * MIB);
	pgalloc_verify();
	stats(&s);
	CHECK(s.ps_total_pages > expect);
	free0 = s.ps_free_pages;
	while ((p = pgalloc_alloc(9)) != NULL)	/* 2 MiB: no range has one */
		CHECK(0);
	for (i = 0; (p = pgalloc_alloc(0)) != NULL; i++)
		;
	CHECK(i == free0);
	(void)p;
}

static void
test_errors_halt(void)
{
	bool halted;
	void *p;

	fresh(4 * MIB);
	p = pgalloc_alloc(2);
	CHECK(p != NULL);
	FAKE_EXPECT_HALT(halted, pgalloc_free(p, 1));
	CHECK(halted && strstr(fake_halt_msg, "wrong order"));
	FAKE_EXPECT_HALT(halted, pgalloc_free((char *)p + PG, 0));
	CHECK(halted);
	FAKE_EXPECT_HALT(halted, pgalloc_free((char *)p + 2 * PG, 1));
	CHECK(halted);
	FAKE_EXPECT_HALT(halted, pgalloc_free(&halted, 0));
	CHECK(halted && strstr(fake_halt_msg, "not managed"));
	FAKE_EXPECT_HALT(halted, pgalloc_free(p, PGALLOC_MAXORDER + 1));
	CHECK(halted && strstr(fake_halt_msg, "bad order"));
	pgalloc_free(p, 2);
	FAKE_EXPECT_HALT(halted, pgalloc_free(p, 2));
	CHECK(halted && strstr(fake_halt_msg, "double free"));
	pgalloc_verify();
}

static void
test_tags(void)
{
	bool halted;
	char *p;

	fresh(4 * MIB);
	p = pgalloc_alloc(1);
	CHECK(pgalloc_get_tag(p) == 0 && pgalloc_get_tag(p + PG) == 0);
	pgalloc_set_tag(p + PG, 0x1234);
	CHECK(pgalloc_get_tag(p + PG + 17) == 0x1234);
	CHECK(pgalloc_get_tag(&halted) == 0);
	pgalloc_set_tag(p, 8);
	FAKE_EXPECT_HALT(halted, pgalloc_free(p, 1));
	CHECK(halted && strstr(fake_halt_msg, "tag"));
	pgalloc_set_tag(p, 0);
	pgalloc_set_tag(p + PG, 0);
	pgalloc_free(p, 1);
	pgalloc_verify();
}

/*
 * Random allocations and frees against a shadow page map: blocks never
 * overlap, stay inside the range, keep their contents, and everything
 * comes back at the end.
 */
struct live {
	uint8_t *l_p;
	unsigned l_order;
	uint8_t l_fill;
};

static bool
shadow_claim(uint8_t *owned, uintptr_t base, struct live *l, uint8_t val)
{
	size_t first = ((uintptr_t)l->l_p - base) / PG, i;

	for (i = 0; i < ((size_t)1 << l->l_order); i++) {
		if (val != 0 && owned[first + i] != 0)
			return false;
		owned[first + i] = val;
	}
	return true;
}

static void
test_random_shadow(void)
{
	enum { LEN = 32 * MIB, MAXLIVE = 4000, OPS = 60000 };
	static struct live live[MAXLIVE];
	static uint8_t owned[LEN / PGALLOC_PAGE_SIZE];
	struct pgalloc_stats s0, s1;
	uintptr_t base = fresh(LEN);
	size_t nlive = 0, op, i;

	memset(owned, 0, sizeof(owned));
	stats(&s0);
	srand(12345);
	for (op = 0; op < OPS; op++) {
		bool alloc = nlive == 0 ||
		    (nlive < MAXLIVE && rand() % 100 < 55);

		if (alloc) {
			struct live *l = &live[nlive];

			l->l_order = (unsigned)(rand() % 100 < 80 ? rand() % 3 :
			    rand() % 9);
			l->l_p = pgalloc_alloc(l->l_order);
			if (l->l_p == NULL)
				continue;
			CHECK(((uintptr_t)l->l_p & ((PG << l->l_order) - 1)) == 0);
			CHECK((uintptr_t)l->l_p >= base &&
			    (uintptr_t)l->l_p + (PG << l->l_order) <= base + LEN);
			CHECK(shadow_claim(owned, base, l, 1));
			l->l_fill = (uint8_t)rand();
			memset(l->l_p, l->l_fill, PG << l->l_order);
			nlive++;
		} else {
			size_t k = (size_t)rand() % nlive;
			struct live *l = &live[k];

			for (i = 0; i < (PG << l->l_order); i += 509)
				CHECK(l->l_p[i] == l->l_fill);
			shadow_claim(owned, base, l, 0);
			pgalloc_free(l->l_p, l->l_order);
			live[k] = live[--nlive];
		}
		if (op % 5000 == 0)
			pgalloc_verify();
	}
	while (nlive > 0) {
		nlive--;
		pgalloc_free(live[nlive].l_p, live[nlive].l_order);
	}
	pgalloc_verify();
	stats(&s1);
	CHECK(s1.ps_free_pages == s0.ps_free_pages);
	CHECK(s1.ps_allocs == s1.ps_frees);
	CHECK(pgalloc_alloc(12) != NULL);	/* fully coalesced again */
}

/*
 * pgalloc keeps its free lists in the metadata pages at the start of a
 * range and must never read or write a block: not when the range is
 * added, not when other blocks are allocated, split, freed or merged.
 */
enum { UT_LEN = 16 * MIB, UT_PAGES = UT_LEN / PGALLOC_PAGE_SIZE };

/* Every byte of page i of base is val. */
static bool
page_holds(uintptr_t base, size_t i, uint8_t val)
{
	static uint8_t ref[PGALLOC_PAGE_SIZE];

	memset(ref, val, sizeof(ref));
	return memcmp((void *)(base + i * PG), ref, PG) == 0;
}

/* Random alloc/free cycles that never touch a block; frees everything. */
static void
untouched_cycles(size_t ops)
{
	enum { MAXLIVE = 512 };
	static struct live live[MAXLIVE];
	size_t nlive = 0, op;

	for (op = 0; op < ops; op++) {
		if (nlive < MAXLIVE && (nlive == 0 || rand() % 100 < 55)) {
			live[nlive].l_order = (unsigned)rand() % 8;
			live[nlive].l_p = pgalloc_alloc(live[nlive].l_order);
			if (live[nlive].l_p == NULL)
				continue;
			pgalloc_set_tag(live[nlive].l_p, 77);
			CHECK(pgalloc_get_tag(live[nlive].l_p) == 77);
			nlive++;
		} else {
			size_t k = (size_t)rand() % nlive;

			pgalloc_set_tag(live[k].l_p, 0);
			pgalloc_free(live[k].l_p, live[k].l_order);
			live[k] = live[--nlive];
		}
		if (op % 1000 == 0)
			pgalloc_verify();
	}
	while (nlive > 0) {
		nlive--;
		pgalloc_set_tag(live[nlive].l_p, 0);
		pgalloc_free(live[nlive].l_p, live[nlive].l_order);
	}
	pgalloc_verify();
}

static void
test_blocks_untouched(void)
{
	static uint8_t expect[UT_PAGES];
	uintptr_t base = (uintptr_t)fake_mmap(UT_LEN, 16 * MIB);
	struct pgalloc_stats s;
	size_t meta, i, nbad = 0;

	memset((void *)base, 0x5a, UT_LEN);
	pgalloc_init();
	pgalloc_add_range(base, UT_LEN);
	stats(&s);
	meta = UT_PAGES - s.ps_total_pages;
	/* 17 bytes of metadata per managed page, at most. */
	CHECK(meta == (UT_PAGES * 17 + PG - 1) / PG);
	for (i = meta; i < UT_PAGES; i++)
		nbad += !page_holds(base, i, 0x5a);
	CHECK(nbad == 0);	/* adding the range wrote no block */

	/* No access at all to blocks while they come and go. */
	CHECK(mprotect((void *)(base + meta * PG), UT_LEN - meta * PG,
	    PROT_NONE) == 0);
	srand(99);
	untouched_cycles(20000);
	CHECK(mprotect((void *)(base + meta * PG), UT_LEN - meta * PG,
	    PROT_READ | PROT_WRITE) == 0);
	for (i = meta, nbad = 0; i < UT_PAGES; i++)
		nbad += !page_holds(base, i, 0x5a);
	CHECK(nbad == 0);

	/* Owners write their blocks; what they leave stays after free. */
	memset(expect, 0x5a, sizeof(expect));
	for (i = 0; i < 3000; i++) {
		unsigned o = (unsigned)rand() % 6;
		uint8_t *p = pgalloc_alloc(o);
		size_t first, j;

		if (p == NULL)
			break;
		first = ((uintptr_t)p - base) / PG;
		for (j = 0; j < ((size_t)1 << o); j++)
			expect[first + j] = (uint8_t)(i | 1);
		memset(p, (uint8_t)(i | 1), PG << o);
		if (rand() % 3 != 0)
			pgalloc_free(p, o);
	}
	pgalloc_verify();
	for (i = meta, nbad = 0; i < UT_PAGES; i++)
		nbad += !page_holds(base, i, expect[i]);
	CHECK(nbad == 0);
}

/* Several ranges, each added while its blocks are inaccessible. */
static void
test_ranges_untouched(void)
{
	uintptr_t base = (uintptr_t)fake_mmap(UT_LEN, 16 * MIB);
	size_t meta[4], i;
	struct pgalloc_stats s0, s1;

	pgalloc_init();
	for (i = 0; i < 4; i++) {
		uintptr_t b = base + i * (UT_LEN / 4) + (i + 1) * 3 * PG;

		stats(&s0);
		pgalloc_add_range(b, UT_LEN / 4 - 8 * PG);
		stats(&s1);
		meta[i] = UT_LEN / 4 / PG - 8 - (s1.ps_total_pages -
		    s0.ps_total_pages);
		CHECK(mprotect((void *)(b + meta[i] * PG),
		    UT_LEN / 4 - (8 + meta[i]) * PG, PROT_NONE) == 0);
	}
	srand(5);
	untouched_cycles(20000);
	stats(&s1);
	CHECK(s1.ps_free_pages == s1.ps_total_pages);
}

int
main(void)
{
	RUN(test_order);
	RUN(test_alignment_each_order);
	RUN(test_split_coalesce);
	RUN(test_exhaustion);
	RUN(test_ranges);
	RUN(test_errors_halt);
	RUN(test_tags);
	RUN(test_random_shadow);
	RUN(test_blocks_untouched);
	RUN(test_ranges_untouched);
	return unit_done();
}
