/*
 * Runner of the umass host tests: rump_init, shorter waits for units
 * that are not ready, then every UT_CASE in linker-set order, each with
 * a CPU held and a mark in the kernel log (ut_dmesg_has looks after it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/disk.h>
#include <kern/klog.h>
#include <kern/rump.h>

#include "../../sys/dev/usb/umassvar.h"
#include "fakeusb.h"
#include "ut.h"

extern const struct ut_case *const __start_ut_cases[];
extern const struct ut_case *const __stop_ut_cases[];

static int ut_failed;
static int ut_mark;

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
ut_sleep_ms(int ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (long)(ms % 1000) * 1000000L);
}

void
ut_dmesg_mark(void)
{
	klog(LOG_INFO, "ut-mark %d", ++ut_mark);
}

int
ut_dmesg_has(const char *s)
{
	static char buf[KLOG_RINGSIZE + 1];
	char mark[32];
	const char *from;

	klog_dmesg(buf, sizeof(buf));
	snprintf(mark, sizeof(mark), "ut-mark %d\n", ut_mark);
	from = strstr(buf, mark);
	return strstr(from != NULL ? from : buf, s) != NULL;
}

struct fake_msd *
ut_disk(uint32_t bs, uint64_t n)
{
	struct fake_msd *fm = fake_msd_create(bs, n);
	struct disk *dk;

	UT_CHECK(fake_msd_attach(fm) != NULL);
	dk = disk_lookup("sd0");
	UT_CHECK(dk != NULL);
	if (dk != NULL)
		disk_release(dk);
	return fm;
}

int
ut_same_as_device(struct fake_msd *fm, unsigned lun, uint64_t blk,
    const uint8_t *buf, uint64_t n, uint32_t bs)
{
	uint8_t *want = malloc(bs);
	int same = 1;

	for (uint64_t i = 0; i < n && same; i++) {
		fake_block(fm, lun, blk + i, want);
		same = memcmp(want, buf + i * bs, bs) == 0;
	}
	free(want);
	return same;
}

int
main(int argc, char **argv)
{
	int passed = 0, failed = 0, rv;
	const char *only = argc > 1 ? argv[1] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((rv = rump_init()) != 0) {
		printf("rump_init: error %d\n0 passed, 1 failed\n", rv);
		return 1;
	}
	umass_ready_wait_ms = 300;
	umass_retry_pause_ms = 5;
	for (const struct ut_case *const *c = __start_ut_cases;
	    c < __stop_ut_cases; c++) {
		if (only != NULL && strncmp((*c)->uc_name, only, strlen(only)))
			continue;
		ut_failed = 0;
		rump_schedule();
		ut_dmesg_mark();
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
