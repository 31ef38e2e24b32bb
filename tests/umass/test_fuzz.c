/*
 * Random corruption of what the device sends (CSW fields and bytes,
 * data bytes, short transfers), stalls, lost and failed transfers,
 * under ASan: at least 10,000 corruptions during reads and writes,
 * with every result an allowed errno, no data returned as good that
 * the transport could have known was bad, and a clean round trip once
 * the corruption stops; then attaches with corruption, and devices
 * vanishing at random points of corrupted traffic.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/disk.h>

#include "../../sys/dev/usb/umassvar.h"
#include "fakeusb.h"
#include "ut.h"

#define BS 512
#define NBLKS 4096
#define MAXN 256

static uint64_t fuzz_rng = 0x1234567887654321ULL;

static uint64_t
rnd(void)
{
	fuzz_rng ^= fuzz_rng << 13;
	fuzz_rng ^= fuzz_rng >> 7;
	fuzz_rng ^= fuzz_rng << 17;
	return fuzz_rng;
}

struct tally {
	unsigned t_ops, t_ok, t_eio, t_other, t_checked, t_wrong;
};

static bool
allowed(int rv)
{
	return rv == 0 || rv == EIO || rv == EROFS || rv == EINVAL;
}

/* One random read or write; counts and checks it. */
static void
fuzz_op(struct fake_msd *fm, struct disk *dk, uint8_t *buf,
    struct tally *t)
{
	bool write = rnd() % 3 == 0;
	size_t n = rnd() % 8 == 0 ? 1 + rnd() % MAXN : 1 + rnd() % 8;
	uint64_t blk = rnd() % (NBLKS - n + 1);
	unsigned c0 = fm->fm_corruptions, s0 = fm->fm_silent;
	int rv;

	if (write) {
		for (size_t i = 0; i < n * BS; i++)
			buf[i] = (uint8_t)(t->t_ops + i * 5);
		rv = disk_write(dk, blk, buf, n);
	} else {
		rv = disk_read(dk, blk, buf, n);
	}
	t->t_ops++;
	if (!allowed(rv)) {
		printf("    op %u: %s block %llu x%zu: error %d\n", t->t_ops,
		    write ? "write" : "read", (unsigned long long)blk, n, rv);
		t->t_other++;
		return;
	}
	if (rv != 0) {
		t->t_eio++;
		return;
	}
	t->t_ok++;
	if (fm->fm_corruptions - c0 <= 1 && fm->fm_silent == s0) {
		t->t_checked++;
		if (!ut_same_as_device(fm, 0, blk, buf, n, BS))
			t->t_wrong++;
	}
}

UT_CASE(fuzz_10000_corruptions)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	struct disk *dk = disk_lookup("sd0");
	uint8_t *buf = malloc(MAXN * BS);
	unsigned wait = umass_ready_wait_ms, pause = umass_retry_pause_ms;
	struct tally t = { 0 };

	UT_CHECK(dk != NULL);
	if (dk == NULL)
		return;
	umass_ready_wait_ms = 20;
	umass_retry_pause_ms = 1;
	fm->fm_fuzz_permille = 150;
	while (fm->fm_corruptions < 10000 && t.t_ops < 200000)
		fuzz_op(fm, dk, buf, &t);
	fm->fm_fuzz_permille = 0;
	printf("    %u ops: %u ok (%u checked, %u wrong), %u failed, %u "
	    "other; %u corruptions (%u silent), %u resets\n", t.t_ops, t.t_ok,
	    t.t_checked, t.t_wrong, t.t_eio, t.t_other, fm->fm_corruptions,
	    fm->fm_silent, fm->fm_resets);
	UT_CHECK(fm->fm_corruptions >= 10000);
	UT_CHECK(t.t_other == 0 && t.t_wrong == 0);
	UT_CHECK(t.t_ok > t.t_ops / 2);
	UT_CHECK(fm->fm_resets > 100);
	/* Recovered: a clean round trip. */
	for (size_t i = 0; i < 64 * BS; i++)
		buf[i] = (uint8_t)(i * 11);
	UT_CHECK(disk_write(dk, 500, buf, 64) == 0);
	memset(buf, 0, 64 * BS);
	UT_CHECK(disk_read(dk, 500, buf, 64) == 0);
	for (size_t i = 0; i < 64 * BS; i++)
		if (buf[i] != (uint8_t)(i * 11)) {
			UT_CHECK(buf[i] == (uint8_t)(i * 11));
			break;
		}
	disk_release(dk);
	umass_ready_wait_ms = wait;
	umass_retry_pause_ms = pause;
	free(buf);
	fake_msd_destroy(fm);
}

UT_CASE(fuzz_attach)
{
	unsigned wait = umass_ready_wait_ms, pause = umass_retry_pause_ms;
	unsigned attached = 0, corruptions = 0;

	umass_ready_wait_ms = 20;
	umass_retry_pause_ms = 1;
	for (int i = 0; i < 300; i++) {
		struct fake_msd *fm = fake_msd_create(BS, 64);
		struct disk *dk;

		fm->fm_rng ^= rnd();
		fm->fm_fuzz_permille = 100 + (unsigned)(rnd() % 300);
		if (fake_msd_attach(fm) == NULL)
			UT_CHECK(0);
		if ((dk = disk_lookup("sd0")) != NULL) {
			attached++;
			disk_release(dk);
		}
		corruptions += fm->fm_corruptions;
		fake_msd_destroy(fm);
		UT_CHECK(disk_lookup("sd0") == NULL);
	}
	printf("    300 attaches under corruption: %u disks, %u "
	    "corruptions\n", attached, corruptions);
	UT_CHECK(attached > 0 && corruptions > 300);
	umass_ready_wait_ms = wait;
	umass_retry_pause_ms = pause;
}

UT_CASE(fuzz_gone_anywhere)
{
	unsigned wait = umass_ready_wait_ms, pause = umass_retry_pause_ms;
	uint8_t *buf = malloc(16 * BS);
	unsigned enodev = 0;

	umass_ready_wait_ms = 20;
	umass_retry_pause_ms = 1;
	for (int i = 0; i < 200; i++) {
		struct fake_msd *fm = ut_disk(BS, NBLKS);
		struct disk *dk = disk_lookup("sd0");
		int rv = 0;

		fm->fm_rng ^= rnd();
		fm->fm_fuzz_permille = (unsigned)(rnd() % 200);
		fm->fm_gone_after = (int)(rnd() % 60);
		for (int k = 0; k < 1000 && rv != ENODEV && dk != NULL; k++) {
			rv = (rnd() & 1) ? disk_read(dk, rnd() % 4000, buf, 16) :
			    disk_write(dk, rnd() % 4000, buf, 16);
			UT_CHECK(allowed(rv) || rv == ENODEV);
		}
		enodev += rv == ENODEV;
		if (dk != NULL)
			disk_release(dk);
		fake_msd_destroy(fm);
	}
	UT_CHECK(enodev == 200);
	free(buf);
	umass_ready_wait_ms = wait;
	umass_retry_pause_ms = pause;
}
