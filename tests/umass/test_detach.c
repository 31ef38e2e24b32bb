/*
 * Devices that go away: gone in the middle of a command (ENODEV, no
 * reset recovery, the disk detaches), gone while a data stage hangs
 * (detach aborts it and waits for the reader), a detach while a slow
 * command is in flight on a device that is still there (it waits for
 * the command to finish), and the unit number coming back.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kern/callout.h>
#include <kern/disk.h>
#include <kern/kthread.h>

#include "fakeusb.h"
#include "ut.h"

#define BS 512
#define NBLKS 8192

struct reader {
	struct disk *r_dk;
	uint64_t r_blk;
	size_t r_n;
	int r_rv;
	uint64_t r_done_ns;
	uint8_t r_buf[BS * 256];
};

static void
reader_main(void *arg)
{
	struct reader *r = arg;

	r->r_rv = disk_read(r->r_dk, r->r_blk, r->r_buf, r->r_n);
	__atomic_store_n(&r->r_done_ns, kclock_ns(), __ATOMIC_RELEASE);
	disk_release(r->r_dk);
	kthread_exit();
}

/* Start a reader on sd0; it holds a reference while it reads. */
static struct lwp *
reader_start(struct reader *r, uint64_t blk, size_t n)
{
	struct lwp *l = NULL;

	memset(r, 0, sizeof(*r));
	r->r_dk = disk_lookup("sd0");
	r->r_blk = blk;
	r->r_n = n;
	r->r_rv = -1;
	UT_CHECK(r->r_dk != NULL);
	UT_CHECK(kthread_create(reader_main, r, "reader", KTHREAD_MUSTJOIN,
	    &l) == 0);
	return l;
}

static void
wait_blocked(struct fake_msd *fm)
{
	mutex_enter(&fm->fm_mtx);
	while (!fm->fm_blocked)
		cv_wait(&fm->fm_cv, &fm->fm_mtx);
	mutex_exit(&fm->fm_mtx);
}

UT_CASE(detach_gone_mid_command)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	struct disk *dk = disk_lookup("sd0");
	uint8_t buf[BS * 4];

	UT_CHECK(dk != NULL);
	fm->fm_gone_after = 1;		/* the CBW goes, then nothing */
	UT_CHECK(disk_read(dk, 0, buf, 4) == ENODEV);
	UT_CHECK(fm->fm_resets == 0);
	UT_CHECK(disk_write(dk, 0, buf, 4) == ENODEV);
	disk_release(dk);
	fake_msd_destroy(fm);
	UT_CHECK(disk_lookup("sd0") == NULL);
	UT_CHECK(ut_dmesg_has("sd0 detached"));
}

UT_CASE(detach_gone_while_blocked)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	static struct reader r;
	uint64_t t0;
	struct lwp *l;

	fm->fm_block_data = true;
	l = reader_start(&r, 16, 200);
	wait_blocked(fm);
	/* The core would do this on unplug: mark gone, detach. */
	t0 = kclock_ns();
	__atomic_store_n(&fm->fm_dev.ud_gone, true, __ATOMIC_RELEASE);
	UT_CHECK(config_detach(fm->fm_umass, DETACH_FORCE) == 0);
	fm->fm_umass = NULL;
	UT_CHECK(r.r_done_ns != 0 && r.r_done_ns >= t0);
	UT_CHECK(r.r_rv == ENODEV);
	UT_CHECK(fm->fm_aborts >= 1);
	UT_CHECK(disk_lookup("sd0") == NULL);
	kthread_join(l);
	fake_msd_destroy(fm);
}

UT_CASE(detach_waits_for_slow_command)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	static struct reader r;
	uint64_t t0;
	struct lwp *l;

	/* Still plugged in: the command is let finish (300 ms). */
	fm->fm_block_data = true;
	fm->fm_block_ms = 300;
	l = reader_start(&r, 32, 8);
	wait_blocked(fm);
	t0 = kclock_ns();
	UT_CHECK(config_detach(fm->fm_umass, DETACH_FORCE) == 0);
	fm->fm_umass = NULL;
	UT_CHECK(kclock_ns() - t0 >= 200ULL * 1000000);
	UT_CHECK(r.r_rv == 0);
	UT_CHECK(r.r_done_ns != 0);
	UT_CHECK(ut_same_as_device(fm, 0, 32, r.r_buf, 8, BS));
	UT_CHECK(fm->fm_aborts == 0);
	kthread_join(l);
	fake_msd_destroy(fm);
}

UT_CASE(detach_unit_reused)
{
	struct fake_msd *a = ut_disk(BS, NBLKS);
	struct fake_msd *b = fake_msd_create(BS, 100);
	struct disk *dk;
	uint64_t serial;

	UT_CHECK(fake_msd_attach(b) != NULL);
	UT_CHECK((dk = disk_lookup("sd1")) != NULL);
	if (dk != NULL)
		disk_release(dk);
	dk = disk_lookup("sd0");
	serial = dk != NULL ? dk->dk_serial : 0;
	if (dk != NULL)
		disk_release(dk);
	fake_msd_destroy(a);
	UT_CHECK(disk_lookup("sd0") == NULL);
	a = ut_disk(BS, 50);		/* sd0 again, another disk */
	dk = disk_lookup("sd0");
	UT_CHECK(dk != NULL && dk->dk_serial != serial && dk->dk_nblks == 50);
	if (dk != NULL)
		disk_release(dk);
	fake_msd_destroy(a);
	fake_msd_destroy(b);
}
