/*
 * Host tests of arch/x86/string.c (memcpy, memmove, memset in place of
 * newlib's), renamed here so that the host's own stay in use: every
 * length up to 300 at every source and destination alignment, overlaps
 * both ways for memmove, and guard bytes around each destination, all
 * against byte-at-a-time references.
 * unit-cflags: -fno-tree-loop-distribute-patterns
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

#define memcpy xs_memcpy
#define memmove xs_memmove
#define memset xs_memset
void *xs_memcpy(void *restrict, const void *restrict, size_t);
void *xs_memmove(void *, const void *, size_t);
void *xs_memset(void *, int, size_t);
#include "../../arch/x86/string.c"
#undef memcpy
#undef memmove
#undef memset

#define MAXN 300
#define PAD 16

static unsigned char src[MAXN + 2 * PAD], dst[MAXN + 2 * PAD];
static unsigned char want[MAXN + 2 * PAD];

static void
fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7 + (i >> 3));
}

static void
test_memcpy_all_lengths_and_alignments(void)
{
	fill(src, sizeof(src), 1);
	for (size_t n = 0; n <= MAXN - PAD; n++)
		for (size_t so = 0; so < 8; so++)
			for (size_t d = 0; d < 8; d++) {
				fill(dst, sizeof(dst), 99);
				memcpy(want, dst, sizeof(dst));
				for (size_t i = 0; i < n; i++)
					want[PAD + d + i] = src[so + i];
				CHECK(xs_memcpy(dst + PAD + d, src + so, n) ==
				    dst + PAD + d);
				CHECKMSG(memcmp(dst, want, sizeof(dst)) == 0,
				    "memcpy n=%zu src+%zu dst+%zu", n, so, d);
			}
}

static void
test_memmove_overlaps(void)
{
	/* buf[a..a+n) to buf[b..b+n), every shift either way */
	static unsigned char buf[MAXN + 2 * PAD], ref[MAXN + 2 * PAD];

	for (size_t n = 0; n <= 200; n++)
		for (size_t a = 0; a < 40; a++)
			for (size_t b = 0; b < 40; b++) {
				fill(buf, sizeof(buf), (unsigned)(n + a));
				memcpy(ref, buf, sizeof(buf));
				for (size_t i = 0; i < n; i++)	/* via a copy */
					want[i] = ref[PAD + a + i];
				for (size_t i = 0; i < n; i++)
					ref[PAD + b + i] = want[i];
				CHECK(xs_memmove(buf + PAD + b, buf + PAD + a,
				    n) == buf + PAD + b);
				CHECKMSG(memcmp(buf, ref, sizeof(buf)) == 0,
				    "memmove n=%zu from +%zu to +%zu", n, a, b);
			}
}

static void
test_memset_all_lengths_and_alignments(void)
{
	for (size_t n = 0; n <= MAXN - PAD; n++)
		for (size_t d = 0; d < 8; d++) {
			int c = (int)(n * 13 + d) - 128;	/* int, cut to a byte */

			fill(dst, sizeof(dst), 5);
			memcpy(want, dst, sizeof(dst));
			for (size_t i = 0; i < n; i++)
				want[PAD + d + i] = (unsigned char)c;
			CHECK(xs_memset(dst + PAD + d, c, n) == dst + PAD + d);
			CHECKMSG(memcmp(dst, want, sizeof(dst)) == 0,
			    "memset n=%zu dst+%zu c=%d", n, d, c);
		}
}

int
main(void)
{
	RUN(test_memcpy_all_lengths_and_alignments);
	RUN(test_memmove_overlaps);
	RUN(test_memset_all_lengths_and_alignments);
	return unit_done();
}
