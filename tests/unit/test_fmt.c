/*
 * Host tests of the formatter: cons_snprintf must agree byte for byte,
 * and in its return value, with the host C library's snprintf, for every
 * conversion, flag, width, precision and length modifier it supports,
 * including truncation into small buffers. Also cons_printf's chunked
 * output and the documented choices (%p of NULL, %s of NULL, unknown
 * conversions).
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <bmk/cons.h>

#include "fakeplat.h"
#include "unit.h"

/* Ignored-flag combinations and unknown conversions are tested on purpose. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-zero-length"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
#pragma GCC diagnostic ignored "-Wformat-overflow"

static int ncompared;

/*
 * Compare both formatters into buffers of `size` bytes; bytes past size
 * must stay untouched. Stops the test on the first difference.
 */
#define SAME(size, ...) \
	do { \
		char h_[600], m_[600]; \
		int hr_, mr_; \
		memset(h_, '#', sizeof(h_)); \
		memset(m_, '#', sizeof(m_)); \
		hr_ = snprintf((size) ? h_ : NULL, (size), __VA_ARGS__); \
		mr_ = cons_snprintf((size) ? m_ : NULL, (size), __VA_ARGS__); \
		ncompared++; \
		CHECKMSG(hr_ == mr_ && memcmp(h_, m_, sizeof(h_)) == 0, \
		    "line %d: [%s] size %zu: host %d '%.80s', ours %d '%.80s'", \
		    __LINE__, #__VA_ARGS__, (size_t)(size), hr_, \
		    (size) ? h_ : "", mr_, (size) ? m_ : ""); \
	} while (0)

#define SAME1(...) SAME(512, __VA_ARGS__)

static const int ints[] = { 0, 1, -1, 7, -7, 42, -42, 99, 100, 255, 256,
	-255, 1000, 32767, -32768, 65535, 65536, 123456789, -123456789,
	INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1 };
#define NINTS (sizeof(ints) / sizeof(ints[0]))

static void
test_int_flags(void)
{
	size_t i;

	for (i = 0; i < NINTS; i++) {
		int v = ints[i];

		SAME1("%d", v);
		SAME1("%i", v);
		SAME1("[%5d]", v);
		SAME1("[%-5d]", v);
		SAME1("[%05d]", v);
		SAME1("[%+d]", v);
		SAME1("[% d]", v);
		SAME1("[%+ d]", v);
		SAME1("[%+05d]", v);
		SAME1("[% 05d]", v);
		SAME1("[%-+8d]", v);
		SAME1("[%-08d]", v);
		SAME1("[%.3d]", v);
		SAME1("[%.0d]", v);
		SAME1("[%8.3d]", v);
		SAME1("[%-8.3d]", v);
		SAME1("[%08.3d]", v);
		SAME1("[%+.12d]", v);
		SAME1("[%20.15d]", v);
		SAME1("[%.0i]", v);
		SAME1("[%1d]", v);
	}
}

static void
test_unsigned(void)
{
	size_t i;

	for (i = 0; i < NINTS; i++) {
		unsigned v = (unsigned)ints[i];

		SAME1("%u %x %X %o", v, v, v, v);
		SAME1("[%#x] [%#X] [%#o]", v, v, v);
		SAME1("[%#10x] [%#-10x] [%#010x]", v, v, v);
		SAME1("[%#.0x] [%#.0o] [%.0x] [%.0o] [%.0u]", v, v, v, v, v);
		SAME1("[%#.5o] [%#.1o] [%#5o] [%#05o]", v, v, v, v);
		SAME1("[%08.4x] [%-12.6X] [%012u]", v, v, v);
		SAME1("[%#08.4x] [%#.8X]", v, v);
		SAME1("[%hx] [%hu] [%ho] [%hhx] [%hhu] [%hho]", v, v, v, v, v, v);
		SAME1("[%hd] [%hhd] [%hi] [%hhi]", ints[i], ints[i], ints[i],
		    ints[i]);
	}
}

static void
test_long_types(void)
{
	static const long long lls[] = { 0, 1, -1, LLONG_MAX, LLONG_MIN,
		LLONG_MIN + 1, 1LL << 32, -(1LL << 40), 9876543210LL };
	size_t i;

	for (i = 0; i < sizeof(lls) / sizeof(lls[0]); i++) {
		long long v = lls[i];
		unsigned long long u = (unsigned long long)v;

		SAME1("%lld %lli %llu %llx %llX %llo", v, v, u, u, u, u);
		SAME1("[%+lld] [% lld] [%30lld] [%-30lld] [%030lld]", v, v, v,
		    v, v);
		SAME1("[%.25lld] [%#llx] [%#llo] [%#30llX]", v, u, u, u);
		SAME1("%ld %li %lu %lx %lo", (long)v, (long)v, (unsigned long)u,
		    (unsigned long)u, (unsigned long)u);
		SAME1("%zu %zx %zd", (size_t)u, (size_t)u, (ptrdiff_t)v);
		SAME1("%jd %ju %jx", (intmax_t)v, (uintmax_t)u, (uintmax_t)u);
		SAME1("%td %tx", (ptrdiff_t)v, (size_t)u);
	}
	SAME1("%llu %llx", ULLONG_MAX, ULLONG_MAX);
	SAME1("%zu", SIZE_MAX);
	SAME1("%ju", UINTMAX_MAX);
}

static void
test_star(void)
{
	int w, p;

	for (w = -12; w <= 12; w += 3) {
		for (p = -3; p <= 8; p++) {
			SAME1("[%*d]", w, -1234);
			SAME1("[%.*d]", p, 56);
			SAME1("[%*.*d]", w, p, INT_MIN);
			SAME1("[%-*.*x]", w, p, 0xbeefU);
			SAME1("[%*.*s]", w, p, "abcdef");
			SAME1("[%*c]", w, 'z');
			SAME1("[%0*d]", w, 77);
		}
	}
}

static void
test_strings_chars(void)
{
	static const char unterminated[3] = { 'a', 'b', 'c' };
	int c;

	SAME1("%s", "hello");
	SAME1("%s", "");
	SAME1("[%10s] [%-10s] [%.2s] [%10.3s] [%-10.3s] [%.0s]", "hello",
	    "hello", "hello", "hello", "hello", "hello");
	SAME1("[%.10s]", "hi");
	SAME1("[%.3s]", unterminated);
	SAME1("[%.*s]", 2, unterminated);
	for (c = 1; c < 256; c++)
		SAME1("[%c] [%3c] [%-3c]", c, c, c);
	SAME1("%c%c%c", 'a', 0, 'b');	/* an embedded NUL counts */
	SAME1("%%");
	SAME1("100%% sure, %d%%", 50);
	SAME1("");
	SAME1("no conversions at all");
	SAME1("mixed %s=%d (%#x) at %5.1s|%-4c|", "key", -3, 255U, "xyz", 'q');
}

static void
test_pointers(void)
{
	int local;
	char buf[64];

	SAME1("%p", (void *)&local);
	SAME1("[%30p] [%-30p]", (void *)&local, (void *)&local);
	SAME1("%p", (void *)0x1234);
	SAME1("%p", (void *)UINTPTR_MAX);
	/* Documented choice: NULL prints as 0x0 (glibc says "(nil)"). */
	cons_snprintf(buf, sizeof(buf), "[%p] [%5p]", (void *)0, (void *)0);
	CHECK(strcmp(buf, "[0x0] [  0x0]") == 0);
	cons_snprintf(buf, sizeof(buf), "[%s]", (char *)NULL);
	CHECK(strcmp(buf, "[(null)]") == 0);
}

static void
test_truncation(void)
{
	size_t size;

	for (size = 0; size < 40; size++) {
		SAME(size, "hello %d world %s!", -12345, "abc");
		SAME(size, "%20d|%-20x", INT_MIN, 0xabcU);
		SAME(size, "%s", "exactly-twenty-chars");
		SAME(size, "%c", 'x');
		SAME(size, "%.10d", 7);
	}
	SAME(10, "%500d", 1);
	SAME(1, "%300s", "wide");
	SAME(0, "%d %s", 12, "return value only");
}

static void
test_unknown_conversion(void)
{
	char buf[64];
	int n;

	n = cons_snprintf(buf, sizeof(buf), "a%qb");
	CHECK(n == 4 && strcmp(buf, "a%qb") == 0);
	n = cons_snprintf(buf, sizeof(buf), "%-5.2lq|%d", 9);
	CHECK(strcmp(buf, "%-5.2lq|9") == 0 && n == 9);
	n = cons_snprintf(buf, sizeof(buf), "end%");
	CHECK(strcmp(buf, "end%") == 0 && n == 4);
}

static void
test_printf_chunks(void)
{
	char big[3000], expect[8000];
	int n, i;

	for (i = 0; i < (int)sizeof(big) - 1; i++)
		big[i] = (char)('a' + i % 26);
	big[sizeof(big) - 1] = '\0';
	fake_cons_clear();
	n = cons_printf("<%s|%d|%-300s|%s>\n", big, INT_MIN, "pad", big);
	snprintf(expect, sizeof(expect), "<%s|%d|%-300s|%s>\n", big, INT_MIN,
	    "pad", big);
	CHECK(n == (int)strlen(expect));
	CHECK(fake_cons_outlen == strlen(expect));
	CHECK(strcmp(fake_cons_out, expect) == 0);
	fake_cons_clear();
	cons_puts("no newline added");
	cons_write("xyz", 2);
	CHECK(strcmp(fake_cons_out, "no newline addedxy") == 0);
}

static void
test_count(void)
{
	CHECKMSG(ncompared >= 1900, "only %d comparisons", ncompared);
}

int
main(void)
{
	RUN(test_int_flags);
	RUN(test_unsigned);
	RUN(test_long_types);
	RUN(test_star);
	RUN(test_strings_chars);
	RUN(test_pointers);
	RUN(test_truncation);
	RUN(test_unknown_conversion);
	RUN(test_printf_chunks);
	RUN(test_count);
	return unit_done();
}
