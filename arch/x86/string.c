/*
 * memcpy, memmove and memset for x86_64, linked in place of newlib's.
 *
 * Newlib's versions move a misaligned head and a tail of up to 127
 * bytes with `rep movsb`/`rep stosb`. Under QEMU's TCG every iteration
 * of a rep string instruction is a separate trip through the translated
 * code, so copying a 1460-byte segment spent most of its time on its
 * last 52 bytes. These move 8-byte words (x86 allows unaligned ones),
 * 32 bytes per loop iteration, and finish with one word that overlaps
 * what was already moved: no byte loops for n >= 8. Short moves load
 * everything before they store, which also makes them safe for memmove.
 *
 * Built with -fno-tree-loop-distribute-patterns (arch.mk), so that GCC
 * does not turn these loops back into calls to themselves.
 */
#include <stddef.h>
#include <stdint.h>


static inline uint64_t
ld64(const unsigned char *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	return v;
}

static inline void
st64(unsigned char *p, uint64_t v)
{
	__builtin_memcpy(p, &v, 8);
}

/* n < 8: loads first, then stores (overlap-safe). */
static inline void
move_short(unsigned char *d, const unsigned char *s, size_t n)
{
	if (n >= 4) {
		uint32_t a, b;

		__builtin_memcpy(&a, s, 4);
		__builtin_memcpy(&b, s + n - 4, 4);
		__builtin_memcpy(d, &a, 4);
		__builtin_memcpy(d + n - 4, &b, 4);
	} else if (n >= 2) {
		uint16_t a, b;

		__builtin_memcpy(&a, s, 2);
		__builtin_memcpy(&b, s + n - 2, 2);
		__builtin_memcpy(d, &a, 2);
		__builtin_memcpy(d + n - 2, &b, 2);
	} else if (n == 1) {
		d[0] = s[0];
	}
}

/* Front to back; n >= 8. Safe when d <= s even if they overlap. */
static void
move_up(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t tail = ld64(s + n - 8);
	size_t i = 0;

	for (; i + 32 <= n; i += 32) {
		uint64_t a = ld64(s + i), b = ld64(s + i + 8);
		uint64_t c = ld64(s + i + 16), e = ld64(s + i + 24);

		st64(d + i, a);
		st64(d + i + 8, b);
		st64(d + i + 16, c);
		st64(d + i + 24, e);
	}
	for (; i + 8 <= n; i += 8)
		st64(d + i, ld64(s + i));
	st64(d + n - 8, tail);
}

/* Back to front; n >= 8. Safe when d > s even if they overlap. */
static void
move_down(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t head = ld64(s);
	size_t i = n;

	for (; i >= 32; i -= 32) {
		uint64_t a = ld64(s + i - 8), b = ld64(s + i - 16);
		uint64_t c = ld64(s + i - 24), e = ld64(s + i - 32);

		st64(d + i - 8, a);
		st64(d + i - 16, b);
		st64(d + i - 24, c);
		st64(d + i - 32, e);
	}
	for (; i >= 8; i -= 8)
		st64(d + i - 8, ld64(s + i - 8));
	st64(d, head);
}

void *
memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	if (n < 8)
		move_short(dst, src, n);
	else
		move_up(dst, src, n);
	return dst;
}

void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (n < 8)
		move_short(d, s, n);
	else if ((uintptr_t)d - (uintptr_t)s >= n)
		move_up(d, s, n);	/* d before s, or no overlap */
	else
		move_down(d, s, n);
	return dst;
}

void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	uint64_t v = 0x0101010101010101ull * (unsigned char)c;
	size_t i = 0;

	if (n < 8) {
		for (; i < n; i++)
			d[i] = (unsigned char)c;
		return dst;
	}
	for (; i + 32 <= n; i += 32) {
		st64(d + i, v);
		st64(d + i + 8, v);
		st64(d + i + 16, v);
		st64(d + i + 24, v);
	}
	for (; i + 8 <= n; i += 8)
		st64(d + i, v);
	st64(d + n - 8, v);
	return dst;
}
