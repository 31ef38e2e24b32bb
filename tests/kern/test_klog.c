/* The kernel log and the formatter. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <kern/klog.h>

#include "kt.h"

KT_CASE(klog_levels_and_ring)
{
	int old = klog_getlevel();

	klog_setlevel(LOG_NOTICE);
	klog(LOG_INFO, "hidden-%d", 42);
	klog(LOG_ERR, "shown-%d", 42);
	klog(LOG_NOTICE, "notice line\n");
	KT_CHECK(!kt_dmesg_has("hidden-42"));
	KT_CHECK(kt_dmesg_has("shown-42\n"));
	KT_CHECK(kt_dmesg_has("notice line\n"));
	KT_CHECK(!kt_dmesg_has("notice line\n\n"));
	klog_setlevel(old);
	KT_CHECK(klog_parselevel("debug") == LOG_DEBUG);
	KT_CHECK(klog_parselevel("3") == LOG_ERR);
	KT_CHECK(klog_parselevel("loud") == -1);
}

KT_CASE(klog_ring_wraps_at_a_line)
{
	static char buf[KLOG_RINGSIZE + 1];
	size_t n;

	for (int i = 0; i < 600; i++)
		klog(LOG_ERR, "wrap line %04d ------------------------", i);
	n = klog_dmesg(buf, sizeof(buf));
	KT_CHECK(n > KLOG_RINGSIZE - KLOG_LINEMAX && n < sizeof(buf));
	KT_CHECK(strstr(buf, "wrap line 0599") != NULL);
	KT_CHECK(strstr(buf, "wrap line 0000") == NULL);
	KT_CHECK(buf[n - 1] == '\n');
	KT_CHECK(strncmp(buf, "wrap line ", 10) == 0);
	n = klog_dmesg(buf, 100);	/* small buffer: newest whole lines */
	KT_CHECK(n < 100 && strstr(buf, "wrap line 0599") != NULL);
}

static void
same(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
same(const char *fmt, ...)
{
	char a[128], b[128];
	va_list ap;
	int na, nb;

	va_start(ap, fmt);
	na = kvsnprintf(a, sizeof(a), fmt, ap);
	va_end(ap);
	va_start(ap, fmt);
	nb = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (na != nb || strcmp(a, b) != 0)
		printf("    format \"%s\": \"%s\" vs \"%s\"\n", fmt, a, b);
	KT_CHECK(na == nb && strcmp(a, b) == 0);
}

KT_CASE(kvsnprintf_like_c99)
{
	char small[8];

	same("%d %i %u", -12, 0, 4000000000u);
	same("[%5d|%-5d|%05d|%.3d]", 42, 42, -42, 7);
	same("%x %X %o", 0xbeefu, 0xbeefu, 8u);
	same("%ld %lu %lld %llx %zu", -1L, 1UL << 40, -(1LL << 62),
	    ~0ULL, (size_t)123);
	same("%s|%10s|%-10s|%.2s", "abc", "right", "left", "cut");
	same("%c%c %% %p", 'o', 'k', (void *)0x1234);
	same("%*d|%-*d|%.*s", 6, 1, 6, 2, 3, "abcdef");
	KT_CHECK(ksnprintf(small, sizeof(small), "%s", "0123456789") == 10);
	KT_CHECK(strcmp(small, "0123456") == 0);
}

KT_CASE(klog_console_level_keeps_ring)
{
	int old = klog_getconslevel();

	klog_setconslevel(LOG_WARNING);	/* what "quiet" does */
	KT_CHECK(klog_getconslevel() == LOG_WARNING);
	klog(LOG_INFO, "quiet-but-kept-%d", 7);
	KT_CHECK(kt_dmesg_has("quiet-but-kept-7\n"));
	klog_setconslevel(99);
	KT_CHECK(klog_getconslevel() == LOG_DEBUG);
	klog_setconslevel(old);
}
