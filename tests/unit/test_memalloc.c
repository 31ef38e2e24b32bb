/*
 * Host tests of the small-object allocator: every size up to 5000 bytes,
 * alignments up to 64 KiB, exhaustion, statistics, error detection, and
 * a random run checked against a shadow copy of every object's contents.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bmk/memalloc.h>
#include <bmk/pgalloc.h>

#include "fakeplat.h"
#include "unit.h"

#define MIB (1024UL * 1024)

static bool
filled(const uint8_t *p, size_t n, uint8_t v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

static bool
stats_equal(const struct memalloc_stats *a, const struct memalloc_stats *b)
{
	return a->ms_bytes_in_use == b->ms_bytes_in_use &&
	    a->ms_allocs - a->ms_frees == b->ms_allocs - b->ms_frees;
}

static void
test_all_sizes(void)
{
	enum { MAX = 5000 };
	static uint8_t *p[MAX + 1];
	struct memalloc_stats s0, s1;
	struct pgalloc_stats ps0, ps1;
	size_t sz, sum = 0;

	fake_reset(64 * MIB);
	memalloc_get_stats(&s0);
	pgalloc_get_stats(&ps0);
	for (sz = 1; sz <= MAX; sz++) {
		p[sz] = memalloc(sz, 0);
		CHECK(p[sz] != NULL);
		CHECK(((uintptr_t)p[sz] & 15) == 0);
		CHECK(memalloc_size(p[sz]) >= sz);
		memset(p[sz], (int)(sz & 0xff), sz);
		sum += sz;
	}
	memalloc_get_stats(&s1);
	CHECK(s1.ms_bytes_in_use == sum);
	CHECK(s1.ms_allocs == MAX);
	/* Free odd sizes, then even ones: slabs empty in a mixed order. */
	for (sz = 1; sz <= MAX; sz += 2) {
		CHECK(filled(p[sz], sz, (uint8_t)(sz & 0xff)));
		memfree(p[sz]);
	}
	for (sz = 2; sz <= MAX; sz += 2) {
		CHECK(filled(p[sz], sz, (uint8_t)(sz & 0xff)));
		memfree(p[sz]);
	}
	memalloc_get_stats(&s1);
	CHECK(stats_equal(&s0, &s1));
	CHECK(s1.ms_frees == MAX && s1.ms_failures == 0);
	pgalloc_verify();
	/* At most one spare slab per class may stay (8 classes, <= 8 pages). */
	pgalloc_get_stats(&ps1);
	CHECK(ps0.ps_free_pages - ps1.ps_free_pages <= 8 * 8);
}

static void
test_alignment(void)
{
	static const size_t sizes[] = { 0, 1, 15, 16, 100, 2048, 3000, 4096,
	    70000 };
	struct memalloc_stats s0, s1;
	size_t a, i;

	fake_reset(64 * MIB);
	memalloc_get_stats(&s0);
	for (a = 1; a <= 65536; a <<= 1) {
		void *keep[sizeof(sizes) / sizeof(sizes[0])];

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint8_t *p = memalloc(sizes[i], a);

			CHECKMSG(p != NULL, "size %zu align %zu", sizes[i], a);
			CHECKMSG(((uintptr_t)p & (a - 1)) == 0,
			    "size %zu align %zu: %p", sizes[i], a, (void *)p);
			CHECK(memalloc_size(p) >= sizes[i]);
			memset(p, 0x5a, sizes[i]);
			keep[i] = p;
		}
		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
			memfree(keep[i]);
	}
	memalloc_get_stats(&s1);
	CHECK(stats_equal(&s0, &s1));
	CHECK(memalloc(10, 3) == NULL);		/* not a power of two */
	CHECK(memalloc(10, 48) == NULL);
	pgalloc_verify();
}

static void
test_zero_and_null(void)
{
	uint8_t *p;

	fake_reset(8 * MIB);
	p = memalloc(200, 0);
	memset(p, 0xff, 200);
	memfree(p);
	p = memalloc_zero(200, 0);	/* likely the same chunk */
	CHECK(p != NULL && filled(p, 200, 0));
	memfree(p);
	p = memalloc_zero(20000, 8192);
	CHECK(p != NULL && filled(p, 20000, 0));
	memfree(p);
	memfree(NULL);
}

static void
test_exhaustion(void)
{
	enum { MAX = 100000 };
	static void *p[MAX];
	struct memalloc_stats s0, s1;
	size_t n = 0, big = 0;

	fake_reset(2 * MIB);
	memalloc_get_stats(&s0);
	CHECK(memalloc((size_t)1 << 40, 0) == NULL);
	CHECK(memalloc(SIZE_MAX, 0) == NULL);
	CHECK(memalloc(16, (size_t)1 << 40) == NULL);
	while (n < MAX && (p[n] = memalloc(5000, 0)) != NULL)
		n++, big++;
	while (n < MAX && (p[n] = memalloc(700, 0)) != NULL)
		n++;
	while (n < MAX && (p[n] = memalloc(16, 0)) != NULL)
		n++;
	CHECK(n < MAX && big > 100);
	memalloc_get_stats(&s1);
	CHECK(s1.ms_failures == 3 + 3);
	while (n > 0)
		memfree(p[--n]);
	memalloc_get_stats(&s1);
	CHECK(stats_equal(&s0, &s1));
	pgalloc_verify();
	/* And the memory is usable again. */
	p[0] = memalloc(5000, 0);
	CHECK(p[0] != NULL);
	memfree(p[0]);
}

static void
test_errors_halt(void)
{
	bool halted;
	char *p, *q, local;

	fake_reset(8 * MIB);
	p = memalloc(40, 0);
	q = memalloc(10000, 0);
	FAKE_EXPECT_HALT(halted, memfree(p + 16));
	CHECK(halted && strstr(fake_halt_msg, "start of an object"));
	FAKE_EXPECT_HALT(halted, memfree(q + 16));
	CHECK(halted);
	FAKE_EXPECT_HALT(halted, memfree(&local));
	CHECK(halted && strstr(fake_halt_msg, "not from memalloc"));
	memfree(p);
	FAKE_EXPECT_HALT(halted, memfree(p));
	CHECK(halted && strstr(fake_halt_msg, "double free"));
	memfree(q);
	FAKE_EXPECT_HALT(halted, memfree(q));
	CHECK(halted);
}

/* Random sizes and alignments; every object keeps its own fill byte. */
struct obj {
	uint8_t *o_p;
	size_t o_size;
	uint8_t o_fill;
};

static size_t
random_size(void)
{
	int r = rand() % 100;

	if (r < 60)
		return (size_t)rand() % 256;
	if (r < 90)
		return (size_t)rand() % 4096;
	return (size_t)rand() % 100000;
}

static void
test_random(void)
{
	enum { MAXLIVE = 3000, OPS = 50000 };
	static struct obj live[MAXLIVE];
	struct memalloc_stats s0, s1;
	size_t nlive = 0, op, bytes = 0;

	fake_reset(128 * MIB);
	memalloc_get_stats(&s0);
	srand(99);
	for (op = 0; op < OPS; op++) {
		if (nlive < MAXLIVE && (nlive == 0 || rand() % 100 < 52)) {
			struct obj *o = &live[nlive];
			size_t align = rand() % 4 ? 0 : (size_t)1 << (rand() % 14);

			o->o_size = random_size();
			o->o_p = memalloc(o->o_size, align);
			CHECK(o->o_p != NULL);
			CHECK(align == 0 || ((uintptr_t)o->o_p & (align - 1)) == 0);
			o->o_fill = (uint8_t)rand();
			memset(o->o_p, o->o_fill, o->o_size);
			bytes += o->o_size;
			nlive++;
		} else {
			size_t k = (size_t)rand() % nlive;

			CHECK(filled(live[k].o_p, live[k].o_size, live[k].o_fill));
			memfree(live[k].o_p);
			bytes -= live[k].o_size;
			live[k] = live[--nlive];
		}
	}
	memalloc_get_stats(&s1);
	CHECK(s1.ms_bytes_in_use - s0.ms_bytes_in_use == bytes);
	while (nlive > 0) {
		nlive--;
		CHECK(filled(live[nlive].o_p, live[nlive].o_size,
		    live[nlive].o_fill));
		memfree(live[nlive].o_p);
	}
	memalloc_get_stats(&s1);
	CHECK(stats_equal(&s0, &s1));
	pgalloc_verify();
}

int
main(void)
{
	RUN(test_all_sizes);
	RUN(test_alignment);
	RUN(test_zero_and_null);
	RUN(test_exhaustion);
	RUN(test_errors_halt);
	RUN(test_random);
	return unit_done();
}
