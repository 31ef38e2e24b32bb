/*
 * A fake of the USB core functions that umass calls (usbdi.h), with a
 * simulated Bulk-Only mass storage device behind them: the device side
 * of BOT (CBW, data, CSW, halts, the class reset), a small SCSI target
 * with disk LUNs kept in memory, and knobs to make it misbehave (bad
 * CSWs, stalls, sense conditions, vanishing, blocking, random
 * corruption).
 *
 * Everything runs synchronously in the caller's thread under fm_mtx,
 * except a data stage told to block, which sleeps until it is aborted,
 * released or its time is up.
 */
#ifndef TESTS_UMASS_FAKEUSB_H
#define TESTS_UMASS_FAKEUSB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dev/usb/usbdi.h>
#include <kern/condvar.h>
#include <kern/device.h>
#include <kern/mutex.h>

#define FAKE_MAXLUN 3
#define FAKE_DENSE_BLKS 16384		/* blocks kept in one array */
#define FAKE_SPARSE 64			/* written blocks beyond that */

enum fake_state { FS_IDLE, FS_DATA_IN, FS_DATA_OUT, FS_STATUS, FS_NEED_RESET };

/* One-shot CSW faults. */
enum fake_csw_fault {
	CSWF_NONE, CSWF_SIG, CSWF_TAG, CSWF_RESIDUE, CSWF_PHASE, CSWF_SHORT,
	CSWF_STATUS,
};

struct fake_lun {
	uint8_t fl_type;		/* peripheral device type */
	uint8_t fl_qual;		/* peripheral qualifier */
	uint32_t fl_blksize;
	uint64_t fl_nblks;
	bool fl_wp;			/* DATA PROTECT on writes */
	bool fl_wp_mode;		/* and the MODE SENSE WP bit */
	bool fl_rc10_max;		/* READ CAPACITY(10) says 0xffffffff */
	int fl_ua;			/* commands left for UNIT ATTENTION */
	int fl_notready;		/* ... for NOT READY, becoming ready */
	bool fl_nomedium;
	bool fl_tur_illegal;		/* TEST UNIT READY: ILLEGAL REQUEST */
	uint64_t fl_bad_lo, fl_bad_hi;	/* MEDIUM ERROR on reads here */
	uint8_t *fl_dense;
	uint64_t fl_sparse_blk[FAKE_SPARSE];
	uint8_t *fl_sparse[FAKE_SPARSE];
	uint8_t fl_key, fl_asc, fl_ascq;	/* for REQUEST SENSE */
};

struct fake_msd {
	struct usb_device fm_dev;
	usb_endpoint_descriptor_t fm_ed[2];	/* bulk IN, bulk OUT */
	unsigned fm_ifaceno;
	uint8_t fm_subclass;
	int fm_maxlun;			/* -1: GET MAX LUN stalls */
	struct fake_lun fm_lun[FAKE_MAXLUN + 1];
	kmutex_t fm_mtx;
	kcondvar_t fm_cv;
	device_t fm_umass;		/* the attached driver */

	/* Device side of BOT (fm_mtx). */
	enum fake_state fm_state;
	uint32_t fm_tag, fm_dlen;
	bool fm_dirin;
	unsigned fm_lunno;
	uint8_t fm_cdb[16];
	uint8_t *fm_buf;		/* FAKE_BUFSIZE */
	size_t fm_buflen;		/* IN: bytes to send; OUT: expected */
	uint32_t fm_residue;
	uint8_t fm_status;
	bool fm_halt_in, fm_halt_out;
	uint64_t fm_wblk;		/* OUT: where the data goes */

	/* What the host did. */
	unsigned fm_cbws, fm_xfers, fm_resets, fm_clear_in, fm_clear_out;
	unsigned fm_violations;		/* CBW while busy, bad CBW */
	unsigned fm_sense_reqs, fm_aborts;
	uint8_t fm_last_op, fm_last_cblen;
	uint32_t fm_last_tag;
	unsigned fm_ops[256];		/* commands seen, by opcode */

	/* Knobs. */
	enum fake_csw_fault fm_csw_fault;	/* next CSW */
	int fm_stall_csw;		/* next N CSW reads stall */
	bool fm_stall_data;		/* next data stage stalls, command
					   fails with ABORTED COMMAND */
	bool fm_csw_in_data;		/* next data-IN gets the CSW instead */
	int fm_timeout_data;		/* next N data stages time out */
	int fm_gone_after;		/* xfers until gone; -1: never */
	bool fm_block_data;		/* data stages wait (see fm_block_ms) */
	unsigned fm_block_ms;		/* 0: until aborted or released */
	bool fm_blocked;		/* a data stage is waiting now */
	bool fm_abort;			/* usb_xfer_abort asked */
	/* Fuzz: per xfer, the chance in 1000 of a corruption. */
	unsigned fm_fuzz_permille;
	uint64_t fm_rng;
	unsigned fm_corruptions;
	unsigned fm_silent;		/* of which data-IN bytes changed */
};

/* A disk of nblks blocks of blksize bytes at LUN 0, maxlun 0. */
struct fake_msd *fake_msd_create(uint32_t blksize, uint64_t nblks);
void fake_lun_setup(struct fake_msd *fm, unsigned lun, uint8_t type,
    uint32_t blksize, uint64_t nblks);
/* Attach umass on the fake bus; the umass device or NULL. */
device_t fake_msd_attach(struct fake_msd *fm);
/* Detach umass (if attached) and free the device. */
void fake_msd_destroy(struct fake_msd *fm);
void fake_msd_set_gone(struct fake_msd *fm);

/* Content of a block as the device holds it. */
void fake_block(struct fake_msd *fm, unsigned lun, uint64_t blk,
    uint8_t *out);
/* The pattern of a block never written. */
void fake_pattern(unsigned lun, uint64_t blk, uint32_t blksize,
    uint8_t *out);

/* fakescsi.c: execute the CBW's command (fm_mtx held). */
void fake_scsi_exec(struct fake_msd *fm);
/* fakescsi.c: store the data of a WRITE that came in. */
void fake_scsi_write_done(struct fake_msd *fm);

#define FAKE_BUFSIZE (262144 + 512)	/* UMASS_MAXDATA + 512 */

uint64_t fake_rand(struct fake_msd *fm);

#endif
