/*
 * SCSI on the fake device: UNIT ATTENTION retried (and given up on),
 * NOT READY waited for (and given up on), MEDIUM ERROR -> EIO with the
 * sense decoded in the log, DATA PROTECT -> EROFS, the MODE SENSE
 * write-protect bit, READ CAPACITY(16) and READ/WRITE(16) past 2^32
 * blocks, 4096-byte blocks, LBA out of range.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kern/disk.h>

#include "fakeusb.h"
#include "ut.h"

#define BS 512
#define NBLKS 8192

static int
sd_read(uint64_t blk, void *buf, size_t n)
{
	struct disk *dk = disk_lookup("sd0");
	int rv = ENXIO;

	if (dk != NULL) {
		rv = disk_read(dk, blk, buf, n);
		disk_release(dk);
	}
	return rv;
}

static int
sd_write(uint64_t blk, const void *buf, size_t n)
{
	struct disk *dk = disk_lookup("sd0");
	int rv = ENXIO;

	if (dk != NULL) {
		rv = disk_write(dk, blk, buf, n);
		disk_release(dk);
	}
	return rv;
}

UT_CASE(scsi_unit_attention_retried)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	uint8_t buf[BS * 2];

	fm->fm_lun[0].fl_ua = 2;
	UT_CHECK(sd_read(10, buf, 2) == 0);
	UT_CHECK(ut_same_as_device(fm, 0, 10, buf, 2, BS));
	UT_CHECK(fm->fm_sense_reqs == 2 && fm->fm_resets == 0);
	UT_CHECK(fm->fm_clear_in == 2);		/* each failed READ stalled */
	fm->fm_lun[0].fl_ua = 100;
	UT_CHECK(sd_read(10, buf, 2) == EIO);
	UT_CHECK(ut_dmesg_has("umass0: lun 0: READ block 10, 2 blocks: "
	    "UNIT ATTENTION, power on or reset occurred (ASC 29h ASCQ 00h)"));
	fm->fm_lun[0].fl_ua = 0;
	fake_msd_destroy(fm);
}

UT_CASE(scsi_unit_attention_at_attach)
{
	struct fake_msd *fm = fake_msd_create(BS, NBLKS);
	struct disk *dk;

	/* A fresh device reports power-on once: TEST UNIT READY eats it. */
	fm->fm_lun[0].fl_ua = 1;
	UT_CHECK(fake_msd_attach(fm) != NULL);
	dk = disk_lookup("sd0");
	UT_CHECK(dk != NULL);
	if (dk != NULL)
		disk_release(dk);
	UT_CHECK(fm->fm_ops[0x00] == 2);
	fake_msd_destroy(fm);
}

UT_CASE(scsi_not_ready_then_ready)
{
	struct fake_msd *fm = fake_msd_create(BS, NBLKS);
	uint8_t buf[BS];

	fm->fm_lun[0].fl_notready = 5;
	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK(fm->fm_ops[0x00] == 6);
	UT_CHECK(fm->fm_lun[0].fl_notready == 0);
	fm->fm_lun[0].fl_notready = 3;
	UT_CHECK(sd_read(1, buf, 1) == 0);
	UT_CHECK(ut_same_as_device(fm, 0, 1, buf, 1, BS));
	fake_msd_destroy(fm);
}

UT_CASE(scsi_not_ready_forever)
{
	struct fake_msd *fm = fake_msd_create(BS, NBLKS);
	uint8_t buf[BS];

	fm->fm_lun[0].fl_notready = 1000000;
	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK(disk_lookup("sd0") == NULL);
	UT_CHECK(ut_dmesg_has("umass0: lun 0: TEST UNIT READY: NOT READY, "
	    "logical unit becoming ready (ASC 04h ASCQ 01h)"));
	UT_CHECK(ut_dmesg_has("umass0: lun 0: not ready"));
	fake_msd_destroy(fm);

	fm = ut_disk(BS, NBLKS);
	fm->fm_lun[0].fl_notready = 1000000;
	UT_CHECK(sd_read(1, buf, 1) == EIO);
	fm->fm_lun[0].fl_notready = 0;
	UT_CHECK(sd_read(1, buf, 1) == 0);
	fake_msd_destroy(fm);
}

UT_CASE(scsi_no_medium)
{
	struct fake_msd *fm = fake_msd_create(BS, NBLKS);

	fm->fm_lun[0].fl_nomedium = true;
	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK(disk_lookup("sd0") == NULL);
	UT_CHECK(ut_dmesg_has("NOT READY, medium not present (ASC 3Ah"));
	fake_msd_destroy(fm);
}

UT_CASE(scsi_medium_error)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	uint8_t buf[BS * 4];

	fm->fm_lun[0].fl_bad_lo = 100;
	fm->fm_lun[0].fl_bad_hi = 101;
	UT_CHECK(sd_read(98, buf, 4) == EIO);
	UT_CHECK(ut_dmesg_has("READ block 98, 4 blocks: MEDIUM ERROR, "
	    "unrecovered read error (ASC 11h ASCQ 00h)"));
	UT_CHECK(fm->fm_resets == 0);
	UT_CHECK(sd_read(101, buf, 4) == 0);
	UT_CHECK(sd_write(100, buf, 1) == 0);	/* writes are fine */
	fake_msd_destroy(fm);
}

UT_CASE(scsi_write_protect)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	uint8_t buf[BS];
	struct disk *dk;

	/* The device says DATA PROTECT although MODE SENSE did not. */
	memset(buf, 1, sizeof(buf));
	fm->fm_lun[0].fl_wp = true;
	UT_CHECK(sd_write(5, buf, 1) == EROFS);
	UT_CHECK(ut_dmesg_has("DATA PROTECT, write protected (ASC 27h"));
	UT_CHECK(sd_read(5, buf, 1) == 0);
	fake_msd_destroy(fm);

	/* MODE SENSE's WP bit: read-only from the start. */
	fm = fake_msd_create(BS, NBLKS);
	fm->fm_lun[0].fl_wp = fm->fm_lun[0].fl_wp_mode = true;
	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK(ut_dmesg_has("blocks of 512 bytes, read-only"));
	dk = disk_lookup("sd0");
	UT_CHECK(dk != NULL && dk->dk_readonly);
	if (dk != NULL)
		disk_release(dk);
	fm->fm_ops[0x2a] = 0;
	UT_CHECK(sd_write(5, buf, 1) == EROFS);
	UT_CHECK(fm->fm_ops[0x2a] == 0);
	fake_msd_destroy(fm);
}

UT_CASE(scsi_capacity16_and_rw16)
{
	uint64_t n = (1ULL << 32) + 1000, hi = (1ULL << 32) + 5;
	struct fake_msd *fm = ut_disk(BS, n);
	uint8_t w[BS * 3], r[BS * 3];
	struct disk *dk = disk_lookup("sd0");

	UT_CHECK(fm->fm_ops[0x9e] == 1);
	UT_CHECK(dk != NULL && dk->dk_nblks == n);
	if (dk != NULL)
		disk_release(dk);
	UT_CHECK(ut_dmesg_has("sd0: 2048 GiB, 4294968296 blocks of 512"));
	for (size_t i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 13 + 1);
	UT_CHECK(sd_write(hi, w, 3) == 0);
	UT_CHECK(fm->fm_last_op == 0x8a && fm->fm_last_cblen == 16);
	UT_CHECK(sd_read(hi, r, 3) == 0);
	UT_CHECK(fm->fm_last_op == 0x88);
	UT_CHECK(memcmp(w, r, sizeof(w)) == 0);
	/* The last (10) block and the first (16) one in one request. */
	UT_CHECK(sd_read((1ULL << 32) - 1, r, 2) == 0);
	UT_CHECK(fm->fm_last_op == 0x88);
	UT_CHECK(ut_same_as_device(fm, 0, (1ULL << 32) - 1, r, 2, BS));
	UT_CHECK(sd_read((1ULL << 32) - 2, r, 2) == 0);
	UT_CHECK(fm->fm_last_op == 0x28);
	UT_CHECK(sd_read(n - 1, r, 1) == 0);
	fake_msd_destroy(fm);
}

UT_CASE(scsi_capacity10_max_without_16)
{
	struct fake_msd *fm = fake_msd_create(4096, 5000);

	/* READ CAPACITY(10) says 0xffffffff on a small disk: (16) asked,
	 * and it is the truth. */
	fm->fm_lun[0].fl_rc10_max = true;
	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK(fm->fm_ops[0x9e] == 1);
	UT_CHECK(ut_dmesg_has("sd0: 19 MiB, 5000 blocks of 4096 bytes"));
	fake_msd_destroy(fm);
}

UT_CASE(scsi_big_blocks)
{
	struct fake_msd *fm = ut_disk(4096, 4096);
	uint8_t *buf = malloc(4096 * 160);
	unsigned cbws = fm->fm_cbws;

	UT_CHECK(sd_read(10, buf, 160) == 0);	/* 640 KiB: 64+64+32 */
	UT_CHECK(fm->fm_cbws - cbws == 3);
	UT_CHECK(ut_same_as_device(fm, 0, 10, buf, 160, 4096));
	free(buf);
	fake_msd_destroy(fm);
}

UT_CASE(scsi_bad_block_size)
{
	struct fake_msd *fm = fake_msd_create(520, 100);

	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK(ut_dmesg_has("block size 520 not supported"));
	UT_CHECK(disk_lookup("sd0") == NULL);
	fake_msd_destroy(fm);
}

UT_CASE(scsi_tur_refused)
{
	struct fake_msd *fm = fake_msd_create(BS, NBLKS);
	struct disk *dk;

	/* QEMU's second LUN refuses TEST UNIT READY after power-on but
	 * reads: READ CAPACITY decides, the disk attaches, quietly. */
	fm->fm_lun[0].fl_tur_illegal = true;
	UT_CHECK(fake_msd_attach(fm) != NULL);
	dk = disk_lookup("sd0");
	UT_CHECK(dk != NULL);
	if (dk != NULL)
		disk_release(dk);
	UT_CHECK(!ut_dmesg_has("umass0: lun 0"));
	fake_msd_destroy(fm);
}
