/*
 * Runner of the sys/kern host tests: rump_init, then every KT_CASE in
 * the order of the linker set, each with a CPU held.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/klog.h>
#include <kern/rump.h>

#include "kt.h"

extern const struct kt_case *const __start_kt_cases[];
extern const struct kt_case *const __stop_kt_cases[];

static int kt_failed;

void
kt_check(int ok, const char *expr, const char *file, int line)
{
	if (ok)
		return;
	printf("    check failed: %s at %s:%d\n", expr, file, line);
	fflush(stdout);
	__atomic_store_n(&kt_failed, 1, __ATOMIC_RELAXED);
}

void
kt_sleep_ms(int ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
}

int
kt_dmesg_has(const char *s)
{
	static char buf[KLOG_RINGSIZE + 1];

	klog_dmesg(buf, sizeof(buf));
	return strstr(buf, s) != NULL;
}

int
main(void)
{
	int passed = 0, failed = 0, rv;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((rv = rump_init()) != 0) {
		printf("rump_init: error %d\n0 passed, 1 failed\n", rv);
		return 1;
	}
	for (const struct kt_case *const *c = __start_kt_cases;
	    c < __stop_kt_cases; c++) {
		kt_failed = 0;
		rump_schedule();
		(*c)->kc_fn();
		rump_unschedule();
		if (__atomic_load_n(&kt_failed, __ATOMIC_RELAXED)) {
			printf("FAIL %s\n", (*c)->kc_name);
			failed++;
		} else {
			printf("pass %s\n", (*c)->kc_name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
