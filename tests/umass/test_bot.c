/*
 * The Bulk-Only Transport against the fake device: attach, reads and
 * writes that round-trip (split at the 64 KiB buffer), invalid CSWs
 * (signature, tag, residue, length, status, phase error) ending in
 * reset recovery, stalls in the data and CSW stages, timeouts, a CSW
 * sent in place of data, GET MAX LUN answers, 12-byte command sets.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kern/disk.h>

#include "fakeusb.h"
#include "ut.h"

#define BS 512
#define NBLKS 8192

/* Read n blocks at blk of sd0 and compare with the device. */
static int
read_ok(struct fake_msd *fm, uint64_t blk, size_t n)
{
	struct disk *dk = disk_lookup("sd0");
	uint8_t *buf = malloc(n * BS);
	int rv = -1;

	if (dk != NULL) {
		rv = disk_read(dk, blk, buf, n);
		disk_release(dk);
	}
	if (rv == 0 && !ut_same_as_device(fm, 0, blk, buf, n, BS))
		rv = -2;
	free(buf);
	return rv;
}

static int
write_pattern(uint64_t blk, size_t n, uint8_t seed)
{
	struct disk *dk = disk_lookup("sd0");
	uint8_t *buf = malloc(n * BS);
	int rv = -1;

	for (size_t i = 0; i < n * BS; i++)
		buf[i] = (uint8_t)(seed + i * 7 + (i >> 9));
	if (dk != NULL) {
		rv = disk_write(dk, blk, buf, n);
		disk_release(dk);
	}
	free(buf);
	return rv;
}

UT_CASE(bot_attach)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	struct disk *dk = disk_lookup("sd0");

	UT_CHECK(dk != NULL);
	if (dk != NULL) {
		UT_CHECK(dk->dk_blksize == BS && dk->dk_nblks == NBLKS);
		UT_CHECK(strcmp(dk->dk_descr, "FAKE BOT DISK 1.0") == 0);
		UT_CHECK(!dk->dk_readonly);
		disk_release(dk);
	}
	UT_CHECK(ut_dmesg_has("sd0 at umass0 lun 0"));
	UT_CHECK(ut_dmesg_has("sd0: 4096 KiB, 8192 blocks of 512 bytes"));
	UT_CHECK(ut_dmesg_has("umass0: \"Fake BOT Disk\""));
	UT_CHECK(fm->fm_ops[0x12] == 1 && fm->fm_ops[0x00] >= 1 &&
	    fm->fm_ops[0x25] == 1);
	UT_CHECK(fm->fm_ops[0x9e] == 0);
	UT_CHECK(fm->fm_resets == 0 && fm->fm_violations == 0);
	UT_CHECK(fm->fm_last_cblen == 6);	/* MODE SENSE(6) last */
	fake_msd_destroy(fm);
	UT_CHECK(disk_lookup("sd0") == NULL);
	UT_CHECK(ut_dmesg_has("sd0 detached"));
	UT_CHECK(ut_dmesg_has("umass0 detached"));
}

UT_CASE(bot_read_write_roundtrip)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	unsigned cbws;

	UT_CHECK(read_ok(fm, 0, 1) == 0);
	UT_CHECK(read_ok(fm, NBLKS - 1, 1) == 0);
	cbws = fm->fm_cbws;
	UT_CHECK(read_ok(fm, 100, 1100) == 0);	/* 550 KiB: 3 commands */
	UT_CHECK(fm->fm_cbws - cbws == 3);
	UT_CHECK(write_pattern(7, 1, 1) == 0);
	UT_CHECK(read_ok(fm, 7, 1) == 0);
	cbws = fm->fm_cbws;
	UT_CHECK(write_pattern(1000, 1100, 2) == 0);	/* 550 KiB */
	UT_CHECK(fm->fm_cbws - cbws == 3);
	UT_CHECK(read_ok(fm, 990, 1200) == 0);
	UT_CHECK(fm->fm_last_op == 0x28 && fm->fm_last_cblen == 10);
	UT_CHECK(fm->fm_resets == 0 && fm->fm_violations == 0);
	UT_CHECK(fm->fm_sense_reqs == 0);
	fake_msd_destroy(fm);
}

/* A one-shot CSW fault: reset recovery, both halts cleared, retried. */
static void
csw_fault_case(enum fake_csw_fault f, const char *log)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);

	fm->fm_csw_fault = f;
	UT_CHECK(read_ok(fm, 42, 4) == 0);
	UT_CHECK(fm->fm_resets == 1);
	UT_CHECK(fm->fm_clear_in == 1 && fm->fm_clear_out == 1);
	UT_CHECK(ut_dmesg_has(log));
	UT_CHECK(fm->fm_violations == 0);
	UT_CHECK(read_ok(fm, 43, 1) == 0 && fm->fm_resets == 1);
	fake_msd_destroy(fm);
}

UT_CASE(bot_csw_bad_signature)
{
	csw_fault_case(CSWF_SIG, "umass0: invalid CSW (error 5): reset recovery");
}

UT_CASE(bot_csw_bad_tag)
{
	csw_fault_case(CSWF_TAG, "umass0: invalid CSW");
}

UT_CASE(bot_csw_residue_too_big)
{
	csw_fault_case(CSWF_RESIDUE, "umass0: CSW not meaningful");
}

UT_CASE(bot_csw_bad_status)
{
	csw_fault_case(CSWF_STATUS, "umass0: CSW not meaningful");
}

UT_CASE(bot_csw_short)
{
	csw_fault_case(CSWF_SHORT, "umass0: invalid CSW");
}

UT_CASE(bot_phase_error)
{
	csw_fault_case(CSWF_PHASE, "umass0: phase error");
}

UT_CASE(bot_data_in_stall)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);

	/* Stall in the data stage, CSW failed, ABORTED COMMAND: clear the
	 * halt, read the CSW, sense, retry. No reset. */
	fm->fm_stall_data = true;
	UT_CHECK(read_ok(fm, 5, 8) == 0);
	UT_CHECK(fm->fm_clear_in == 1 && fm->fm_clear_out == 0);
	UT_CHECK(fm->fm_resets == 0 && fm->fm_sense_reqs == 1);
	UT_CHECK(fm->fm_violations == 0);
	fake_msd_destroy(fm);
}

UT_CASE(bot_data_out_stall)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	uint8_t buf[BS];

	fm->fm_stall_data = true;
	UT_CHECK(write_pattern(77, 2, 9) == 0);
	UT_CHECK(fm->fm_clear_out == 1 && fm->fm_clear_in == 0);
	UT_CHECK(fm->fm_resets == 0 && fm->fm_sense_reqs == 1);
	fake_block(fm, 0, 78, buf);
	UT_CHECK(buf[0] == (uint8_t)(9 + BS * 7 + 1));
	fake_msd_destroy(fm);
}

UT_CASE(bot_csw_stall_once)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);

	fm->fm_stall_csw = 1;
	UT_CHECK(read_ok(fm, 9, 2) == 0);
	UT_CHECK(fm->fm_clear_in == 1 && fm->fm_resets == 0);
	fake_msd_destroy(fm);
}

UT_CASE(bot_csw_stall_twice)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);

	fm->fm_stall_csw = 2;
	UT_CHECK(read_ok(fm, 9, 2) == 0);
	UT_CHECK(fm->fm_resets == 1);
	UT_CHECK(ut_dmesg_has("CSW stalled twice"));
	UT_CHECK(fm->fm_clear_in == 2 && fm->fm_clear_out == 1);
	fake_msd_destroy(fm);
}

UT_CASE(bot_data_timeout)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);

	fm->fm_timeout_data = 1;
	UT_CHECK(read_ok(fm, 300, 16) == 0);
	UT_CHECK(fm->fm_resets == 1);
	UT_CHECK(ut_dmesg_has("data stage (error 110)") ||
	    ut_dmesg_has("data stage (error"));
	fm->fm_timeout_data = 100;	/* never answers: gives up */
	UT_CHECK(read_ok(fm, 300, 16) == EIO);
	UT_CHECK(ut_dmesg_has("READ block 300, 16 blocks: transport error"));
	fm->fm_timeout_data = 0;
	UT_CHECK(read_ok(fm, 300, 16) == 0);
	fake_msd_destroy(fm);
}

UT_CASE(bot_csw_instead_of_data)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	unsigned xfers;

	fm->fm_csw_in_data = true;
	xfers = fm->fm_xfers;
	UT_CHECK(read_ok(fm, 11, 1) == 0);
	UT_CHECK(fm->fm_resets == 0 && fm->fm_violations == 0);
	/* CBW, data(=CSW); sense: 3; retry: 3. */
	UT_CHECK(fm->fm_xfers - xfers == 8);
	fake_msd_destroy(fm);
}

UT_CASE(bot_maxlun)
{
	struct fake_msd *fm = fake_msd_create(BS, NBLKS);
	struct disk *dk;

	fm->fm_maxlun = -1;		/* stalls: one LUN */
	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK((dk = disk_lookup("sd0")) != NULL);
	if (dk != NULL)
		disk_release(dk);
	UT_CHECK(disk_lookup("sd1") == NULL);
	fake_msd_destroy(fm);

	fm = fake_msd_create(BS, NBLKS);
	fm->fm_maxlun = 200;		/* nonsense: LUN 0 only */
	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK(ut_dmesg_has("max LUN 200 out of range"));
	UT_CHECK(disk_lookup("sd1") == NULL);
	fake_msd_destroy(fm);
}

UT_CASE(bot_two_luns)
{
	struct fake_msd *fm = fake_msd_create(BS, NBLKS);
	struct disk *d0, *d1;
	uint8_t buf[2048];

	fm->fm_maxlun = 2;
	fake_lun_setup(fm, 1, 0, 2048, 1000);
	fake_lun_setup(fm, 2, 5, 2048, 1000);	/* a CD-ROM: not ours */
	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK(ut_dmesg_has("umass0: lun 2: not a disk"));
	d0 = disk_lookup("sd0");
	d1 = disk_lookup("sd1");
	UT_CHECK(d0 != NULL && d1 != NULL && disk_lookup("sd2") == NULL);
	if (d1 != NULL) {
		UT_CHECK(d1->dk_blksize == 2048 && d1->dk_nblks == 1000);
		UT_CHECK(disk_read(d1, 999, buf, 1) == 0);
		UT_CHECK(ut_same_as_device(fm, 1, 999, buf, 1, 2048));
		UT_CHECK(fm->fm_lunno == 1);
		disk_release(d1);
	}
	if (d0 != NULL)
		disk_release(d0);
	fake_msd_destroy(fm);
	UT_CHECK(disk_lookup("sd0") == NULL && disk_lookup("sd1") == NULL);
}

UT_CASE(bot_12byte_command_set)
{
	struct fake_msd *fm = fake_msd_create(BS, NBLKS);

	fm->fm_subclass = 0x05;
	UT_CHECK(fake_msd_attach(fm) != NULL);
	UT_CHECK(read_ok(fm, 3, 2) == 0);
	UT_CHECK(fm->fm_last_cblen == 12);
	fake_msd_destroy(fm);

	fm = fake_msd_create(BS, NBLKS);
	fm->fm_subclass = 0x01;		/* RBC: not ours */
	UT_CHECK(fake_msd_attach(fm) == NULL);
	fake_msd_destroy(fm);
}

UT_CASE(bot_tags_increase)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	uint32_t t0;

	UT_CHECK(read_ok(fm, 1, 1) == 0);
	t0 = fm->fm_last_tag;
	UT_CHECK(read_ok(fm, 2, 1) == 0);
	UT_CHECK(fm->fm_last_tag == t0 + 1);
	fake_msd_destroy(fm);
}
