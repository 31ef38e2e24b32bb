/*
 * Runner of the USB class driver host tests: rump_init (which attaches
 * the fake bus and brings up the network stack), a ttyin sink that
 * records what keyboards type, then every UT_CASE with a CPU held, and
 * after each one the leak checks: no pipe, transfer or device of the
 * fake left, mbufs back to where they were. An argument (or UT_ONLY)
 * runs only the cases whose names start with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/klog.h>
#include <kern/mutex.h>
#include <kern/rump.h>
#include <kern/ttyin.h>
#include <net/mbuf.h>

#include "fakeusb.h"
#include "ut.h"

extern const struct ut_case *const __start_ut_cases[];
extern const struct ut_case *const __stop_ut_cases[];

static int ut_failed;
static struct rumpuser_mtx *typed_mtx;
static char typed[4096];
static size_t ntyped;

void
ut_check(int ok, const char *expr, const char *file, int line)
{
	if (ok)
		return;
	printf("    check failed: %s at %s:%d\n", expr, file, line);
	fflush(stdout);
	__atomic_store_n(&ut_failed, 1, __ATOMIC_RELAXED);
}

void
ut_check_eq(uint64_t a, uint64_t b, const char *ea, const char *eb,
    const char *file, int line)
{
	if (a == b)
		return;
	printf("    check failed: %s == %s (%llu != %llu) at %s:%d\n", ea, eb,
	    (unsigned long long)a, (unsigned long long)b, file, line);
	fflush(stdout);
	__atomic_store_n(&ut_failed, 1, __ATOMIC_RELAXED);
}

static void
print_escaped(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			putchar(c);
		else
			printf("\\x%02x", c);
	}
}

void
ut_check_str(const char *a, size_t alen, const char *b, size_t blen,
    const char *ea, const char *file, int line)
{
	if (alen == blen && memcmp(a, b, alen) == 0)
		return;
	printf("    check failed: %s is \"", ea);
	print_escaped(a, alen);
	printf("\", want \"");
	print_escaped(b, blen);
	printf("\" at %s:%d\n", file, line);
	fflush(stdout);
	__atomic_store_n(&ut_failed, 1, __ATOMIC_RELAXED);
}

void
ut_sleep_ms(int ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
}

bool
ut_wait(bool (*cond)(void *), void *arg, int ms)
{
	for (int t = 0; t < ms; t += 5) {
		if (cond(arg))
			return true;
		ut_sleep_ms(5);
	}
	return cond(arg);
}

int
ut_dmesg_has(const char *s)
{
	static char buf[KLOG_RINGSIZE + 1];

	klog_dmesg(buf, sizeof(buf));
	return strstr(buf, s) != NULL;
}

/* The ttyin sink: any context, never sleeps. */
static void
typed_sink(const char *buf, size_t len)
{
	rumpuser_mutex_enter_nowrap(typed_mtx);
	for (size_t i = 0; i < len && ntyped < sizeof(typed); i++)
		typed[ntyped++] = buf[i];
	rumpuser_mutex_exit(typed_mtx);
}

size_t
ut_typed(char *buf, size_t len)
{
	size_t n;

	rumpuser_mutex_enter_nowrap(typed_mtx);
	n = ntyped < len ? ntyped : len;
	memcpy(buf, typed, n);
	ntyped = 0;
	rumpuser_mutex_exit(typed_mtx);
	return n;
}

void
ut_typed_clear(void)
{
	char buf[sizeof(typed)];

	(void)ut_typed(buf, sizeof(buf));
}

static void
leak_checks(const struct mbuf_stats *before)
{
	struct mbuf_stats now;

	UT_CHECK_EQ(fakeusb_outstanding(), 0);
	mbuf_get_stats(&now);
	UT_CHECK_EQ(now.ms_mbufs, before->ms_mbufs);
	UT_CHECK_EQ(now.ms_clusters, before->ms_clusters);
}

int
main(int argc, char **argv)
{
	int passed = 0, failed = 0, rv;
	const char *only = argc > 1 ? argv[1] : getenv("UT_ONLY");
	struct mbuf_stats st;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((rv = rump_init()) != 0) {
		printf("rump_init: error %d\n0 passed, 1 failed\n", rv);
		return 1;
	}
	rumpuser_mutex_init(&typed_mtx, RUMPUSER_MTX_SPIN);
	for (const struct ut_case *const *c = __start_ut_cases;
	    c < __stop_ut_cases; c++) {
		if (only != NULL && strncmp((*c)->uc_name, only,
		    strlen(only)) != 0)
			continue;
		ut_failed = 0;
		ttyin_set_sink(typed_sink);
		ut_typed_clear();
		rump_schedule();
		mbuf_get_stats(&st);
		(*c)->uc_fn();
		leak_checks(&st);
		rump_unschedule();
		if (__atomic_load_n(&ut_failed, __ATOMIC_RELAXED)) {
			printf("FAIL %s\n", (*c)->uc_name);
			failed++;
		} else {
			printf("pass %s\n", (*c)->uc_name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
