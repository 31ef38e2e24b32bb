/*
 * The SCSI target of the fake mass storage device: what each command
 * answers (INQUIRY, TEST UNIT READY, REQUEST SENSE, READ CAPACITY 10
 * and 16, MODE SENSE 6, READ/WRITE 10 and 16), the sense conditions the
 * tests ask for, and the blocks of each LUN (an array for the low
 * blocks, a few sparse slots above, a pattern where nothing was
 * written). BOT cases from the spec's table (6.7): a host that expects
 * less data than the command has, or the other direction, gets a phase
 * error; a failed command with a data stage stalls that stage.
 */
#include <stdlib.h>
#include <string.h>

#include "fakeusb.h"

#define OP_TUR 0x00
#define OP_REQUEST_SENSE 0x03
#define OP_INQUIRY 0x12
#define OP_MODE_SENSE6 0x1a
#define OP_RC10 0x25
#define OP_READ10 0x28
#define OP_WRITE10 0x2a
#define OP_READ16 0x88
#define OP_WRITE16 0x8a
#define OP_SAI16 0x9e

void
fake_pattern(unsigned lun, uint64_t blk, uint32_t blksize, uint8_t *out)
{
	for (uint32_t i = 0; i < blksize; i++)
		out[i] = (uint8_t)(blk * 131 + (blk >> 8) * 7 + i * 3 + lun * 17 +
		    (i >> 8));
}

/* Where block blk of lun lives; NULL if never written (sparse part). */
static uint8_t *
lun_slot(struct fake_lun *fl, uint64_t blk, bool create)
{
	if (blk < FAKE_DENSE_BLKS)
		return fl->fl_dense + blk * fl->fl_blksize;
	for (int i = 0; i < FAKE_SPARSE; i++)
		if (fl->fl_sparse[i] != NULL && fl->fl_sparse_blk[i] == blk)
			return fl->fl_sparse[i];
	if (!create)
		return NULL;
	for (int i = 0; i < FAKE_SPARSE; i++) {
		if (fl->fl_sparse[i] == NULL) {
			fl->fl_sparse[i] = malloc(fl->fl_blksize);
			fl->fl_sparse_blk[i] = blk;
			return fl->fl_sparse[i];
		}
	}
	abort();	/* the tests write only a few high blocks */
}

void
fake_block(struct fake_msd *fm, unsigned lun, uint64_t blk, uint8_t *out)
{
	struct fake_lun *fl = &fm->fm_lun[lun];
	uint8_t *p = lun_slot(fl, blk, false);

	if (p != NULL)
		memcpy(out, p, fl->fl_blksize);
	else
		fake_pattern(lun, blk, fl->fl_blksize, out);
}

static void
sense(struct fake_msd *fm, uint8_t key, uint8_t asc, uint8_t ascq)
{
	struct fake_lun *fl = &fm->fm_lun[fm->fm_lunno];

	fl->fl_key = key;
	fl->fl_asc = asc;
	fl->fl_ascq = ascq;
}

/* CHECK CONDITION: the data stage (if any) stalls, the CSW fails. */
static void
fail(struct fake_msd *fm, uint8_t key, uint8_t asc, uint8_t ascq)
{
	sense(fm, key, asc, ascq);
	fm->fm_status = 1;
	fm->fm_residue = fm->fm_dlen;
	if (fm->fm_dlen > 0) {
		if (fm->fm_dirin)
			fm->fm_halt_in = true;
		else
			fm->fm_halt_out = true;
	}
	fm->fm_state = FS_STATUS;
}

static void
phase_error(struct fake_msd *fm)
{
	fm->fm_status = 2;
	fm->fm_residue = 0;
	if (fm->fm_dlen > 0) {
		if (fm->fm_dirin)
			fm->fm_halt_in = true;
		else
			fm->fm_halt_out = true;
	}
	fm->fm_state = FS_STATUS;
}

/* The command has n bytes for the host in fm_buf. */
static void
respond_in(struct fake_msd *fm, size_t n)
{
	if ((n > 0 && !fm->fm_dirin) || n > fm->fm_dlen) {
		phase_error(fm);
		return;
	}
	fm->fm_buflen = n;
	fm->fm_residue = fm->fm_dlen - (uint32_t)n;
	fm->fm_status = 0;
	fm->fm_state = fm->fm_dlen > 0 ? FS_DATA_IN : FS_STATUS;
	sense(fm, 0, 0, 0);
}

/* The command wants n bytes from the host. */
static void
respond_out(struct fake_msd *fm, size_t n)
{
	if (fm->fm_dirin || n != fm->fm_dlen) {
		phase_error(fm);
		return;
	}
	fm->fm_buflen = n;
	fm->fm_residue = 0;
	fm->fm_status = 0;
	fm->fm_state = n > 0 ? FS_DATA_OUT : FS_STATUS;
	sense(fm, 0, 0, 0);
}

static void
put32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
do_inquiry(struct fake_msd *fm, struct fake_lun *fl)
{
	uint8_t *b = fm->fm_buf;
	size_t n = fm->fm_cdb[4] < 36 ? fm->fm_cdb[4] : 36;

	memset(b, 0, 36);
	b[0] = (uint8_t)(fl->fl_qual << 5 | fl->fl_type);
	b[1] = 0x80;			/* removable */
	b[2] = 5;
	b[3] = 2;
	b[4] = 31;
	memcpy(b + 8, "FAKE    BOT DISK        1.0 ", 28);
	respond_in(fm, n);
}

static void
do_request_sense(struct fake_msd *fm, struct fake_lun *fl)
{
	uint8_t *b = fm->fm_buf;
	size_t n = fm->fm_cdb[4] < 18 ? fm->fm_cdb[4] : 18;

	fm->fm_sense_reqs++;
	memset(b, 0, 18);
	b[0] = 0x70;
	b[2] = fl->fl_key;
	b[7] = 10;
	b[12] = fl->fl_asc;
	b[13] = fl->fl_ascq;
	respond_in(fm, n);
}

static void
do_capacity(struct fake_msd *fm, struct fake_lun *fl, bool rc16)
{
	uint8_t *b = fm->fm_buf;
	uint64_t last = fl->fl_nblks - 1;

	memset(b, 0, 32);
	if (rc16) {
		if ((fm->fm_cdb[1] & 0x1f) != 0x10) {
			fail(fm, 5, 0x24, 0);
			return;
		}
		put32be(b, (uint32_t)(last >> 32));
		put32be(b + 4, (uint32_t)last);
		put32be(b + 8, fl->fl_blksize);
		respond_in(fm, get32be(fm->fm_cdb + 10) < 32 ?
		    get32be(fm->fm_cdb + 10) : 32);
		return;
	}
	put32be(b, last > 0xfffffffe || fl->fl_rc10_max ? 0xffffffff :
	    (uint32_t)last);
	put32be(b + 4, fl->fl_blksize);
	respond_in(fm, 8);
}

static void
do_mode_sense(struct fake_msd *fm, struct fake_lun *fl)
{
	uint8_t *b = fm->fm_buf;

	memset(b, 0, 4);
	b[0] = 3;
	b[2] = fl->fl_wp_mode ? 0x80 : 0;
	respond_in(fm, fm->fm_cdb[4] < 4 ? fm->fm_cdb[4] : 4);
}

/* READ or WRITE, 10 or 16. */
static void
do_rw(struct fake_msd *fm, struct fake_lun *fl, bool write, bool is16)
{
	const uint8_t *c = fm->fm_cdb;
	uint64_t blk;
	uint32_t n;
	size_t bytes;

	if (is16) {
		blk = (uint64_t)get32be(c + 2) << 32 | get32be(c + 6);
		n = get32be(c + 10);
	} else {
		blk = get32be(c + 2);
		n = (uint32_t)c[7] << 8 | c[8];
	}
	bytes = (size_t)n * fl->fl_blksize;
	if (blk > fl->fl_nblks || n > fl->fl_nblks - blk ||
	    bytes > FAKE_BUFSIZE) {
		fail(fm, 5, 0x21, 0);
		return;
	}
	if (write && fl->fl_wp) {
		fail(fm, 7, 0x27, 0);
		return;
	}
	if (!write && blk < fl->fl_bad_hi && blk + n > fl->fl_bad_lo) {
		fail(fm, 3, 0x11, 0);
		return;
	}
	if (write) {
		fm->fm_wblk = blk;
		respond_out(fm, bytes);
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		fake_block(fm, fm->fm_lunno, blk + i,
		    fm->fm_buf + (size_t)i * fl->fl_blksize);
	respond_in(fm, bytes);
}

void
fake_scsi_write_done(struct fake_msd *fm)
{
	struct fake_lun *fl = &fm->fm_lun[fm->fm_lunno];

	for (size_t off = 0; off + fl->fl_blksize <= fm->fm_buflen;
	    off += fl->fl_blksize)
		memcpy(lun_slot(fl, fm->fm_wblk + off / fl->fl_blksize, true),
		    fm->fm_buf + off, fl->fl_blksize);
}

/* Conditions that come before the command itself: unit attention,
 * not ready, no medium. true if the command was answered. */
static bool
pending_condition(struct fake_msd *fm, struct fake_lun *fl, uint8_t op)
{
	if (op == OP_INQUIRY || op == OP_REQUEST_SENSE)
		return false;
	if (fl->fl_ua > 0) {
		fl->fl_ua--;
		fail(fm, 6, 0x29, 0);
		return true;
	}
	if (fl->fl_notready > 0) {
		fl->fl_notready--;
		fail(fm, 2, 0x04, 0x01);
		return true;
	}
	if (fl->fl_nomedium) {
		fail(fm, 2, 0x3a, 0);
		return true;
	}
	return false;
}

void
fake_scsi_exec(struct fake_msd *fm)
{
	uint8_t op = fm->fm_cdb[0];
	struct fake_lun *fl;

	fm->fm_last_op = op;
	fm->fm_ops[op]++;
	if ((int)fm->fm_lunno > fm->fm_maxlun && fm->fm_lunno > 0) {
		fm->fm_lunno = 0;
		fail(fm, 5, 0x25, 0);
		return;
	}
	fl = &fm->fm_lun[fm->fm_lunno];
	if (pending_condition(fm, fl, op))
		return;
	switch (op) {
	case OP_TUR:
		if (fl->fl_tur_illegal)
			fail(fm, 5, 0x25, 0);
		else
			respond_in(fm, 0);
		break;
	case OP_REQUEST_SENSE:
		do_request_sense(fm, fl);
		break;
	case OP_INQUIRY:
		do_inquiry(fm, fl);
		break;
	case OP_MODE_SENSE6:
		do_mode_sense(fm, fl);
		break;
	case OP_RC10:
	case OP_SAI16:
		do_capacity(fm, fl, op == OP_SAI16);
		break;
	case OP_READ10:
	case OP_WRITE10:
	case OP_READ16:
	case OP_WRITE16:
		do_rw(fm, fl, op == OP_WRITE10 || op == OP_WRITE16,
		    op == OP_READ16 || op == OP_WRITE16);
		break;
	default:
		fail(fm, 5, 0x20, 0);
		break;
	}
}
