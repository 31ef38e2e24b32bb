/*
 * Runner of the USB core host tests: rump_init, then every UT_CASE of
 * the linker set (or those whose name starts with argv[1] / UT_ONLY),
 * each with a CPU held. Ends with "N passed, N failed".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/rump.h>

#include "ut.h"

extern const struct ut_case *const __start_ut_cases[];
extern const struct ut_case *const __stop_ut_cases[];

static int ut_failed;

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

void
ut_sleep_ms(int ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
}

static char ut_dmesg_buf[KLOG_RINGSIZE + 1];
static char ut_mark_tail[160];

/*
 * The ring keeps the newest lines, so an offset does not stay valid:
 * the mark is the log's last bytes, found again (last occurrence) when
 * searching; if they scrolled out, the whole ring is searched.
 */
void
ut_dmesg_mark(void)
{
	size_t n = klog_dmesg(ut_dmesg_buf, sizeof(ut_dmesg_buf));
	size_t t = n < sizeof(ut_mark_tail) - 1 ? n : sizeof(ut_mark_tail) - 1;

	memcpy(ut_mark_tail, ut_dmesg_buf + n - t, t);
	ut_mark_tail[t] = '\0';
}

int
ut_dmesg_has(const char *s)
{
	const char *from = ut_dmesg_buf, *p;

	klog_dmesg(ut_dmesg_buf, sizeof(ut_dmesg_buf));
	if (ut_mark_tail[0] != '\0')
		for (p = ut_dmesg_buf; (p = strstr(p, ut_mark_tail)) != NULL;
		    p++)
			from = p + strlen(ut_mark_tail);
	return strstr(from, s) != NULL;
}

void
ut_log_check(const char *s, const char *file, int line)
{
	for (int ms = 0; ms < 2000 && !ut_dmesg_has(s); ms++)
		ut_sleep_ms(1);
	if (!ut_dmesg_has(s))
		ut_check(0, s, file, line);
}

uint64_t
ut_kmem_inuse(void)
{
	struct kmem_stats ks;

	kmem_get_stats(&ks);
	return ks.ks_inuse;
}

uint64_t
ut_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

unsigned
ut_randn(uint64_t *s, unsigned n)
{
	return (unsigned)(ut_rand(s) % n);
}

int
main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : getenv("UT_ONLY");
	int passed = 0, failed = 0, rv;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((rv = rump_init()) != 0) {
		printf("rump_init: error %d\n0 passed, 1 failed\n", rv);
		return 1;
	}
	for (const struct ut_case *const *c = __start_ut_cases;
	    c < __stop_ut_cases; c++) {
		if (only != NULL && strncmp((*c)->uc_name, only,
		    strlen(only)) != 0)
			continue;
		ut_failed = 0;
		ut_dmesg_mark();
		rump_schedule();
		(*c)->uc_fn();
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
