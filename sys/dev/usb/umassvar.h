/*
 * USB mass storage, private to sys/dev/usb/umass*.c: the Bulk-Only
 * Transport (umass.c) and the SCSI disks on top of it (umass_scsi.c).
 *
 * umass.c owns the device: pipes, xfers and the command lock. It hands
 * umass_scsi.c one command at a time through umass_bot_cmd() (the
 * caller holds sc_lock, so that a REQUEST SENSE stays paired with the
 * command that failed). umass_scsi.c probes each LUN, attaches "sdN at
 * umassN" for the direct-access ones, and moves blocks for the disk
 * layer.
 *
 * Wire formats from "Universal Serial Bus Mass Storage Class Bulk-Only
 * Transport" 1.0: the Command Block Wrapper (31 bytes, OUT) and the
 * Command Status Wrapper (13 bytes, IN), little-endian fields.
 */
#ifndef DEV_USB_UMASSVAR_H
#define DEV_USB_UMASSVAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dev/usb/usbdi.h>
#include <kern/condvar.h>
#include <kern/device.h>
#include <kern/mutex.h>

#define UMASS_CBW_SIZE 31
#define UMASS_CSW_SIZE 13
#define UMASS_CBW_SIGNATURE 0x43425355u	/* "USBC" */
#define UMASS_CSW_SIGNATURE 0x53425355u	/* "USBS" */
#define UMASS_CBW_FLAG_IN 0x80
#define UMASS_CSW_GOOD 0
#define UMASS_CSW_FAILED 1
#define UMASS_CSW_PHASE 2

/* Class requests (BOT 3.1, 3.2). */
#define UR_BBB_RESET 0xff
#define UR_BBB_GET_MAX_LUN 0xfe

#define UMASS_MAXLUN 15
#define UMASS_MAXDATA 262144		/* bytes per command (xfer buffer) */
#define UMASS_CDB_MAX 16

/* Timeouts of the three stages, milliseconds. */
#define UMASS_CBW_TIMEOUT_MS 5000
#define UMASS_DATA_TIMEOUT_MS 20000
#define UMASS_CSW_TIMEOUT_MS 20000

enum umass_dir { UMASS_DIR_NONE, UMASS_DIR_IN, UMASS_DIR_OUT };

struct umass_stats {
	uint64_t us_cmds;		/* commands sent */
	uint64_t us_resets;		/* reset recoveries */
	uint64_t us_stalls;		/* data or CSW stage stalls cleared */
	uint64_t us_badcsw;		/* invalid or not meaningful CSWs */
	uint64_t us_phase;		/* phase errors */
	uint64_t us_xfererr;		/* transfer errors and timeouts */
};

struct umass_softc {
	device_t sc_dev;
	struct usb_device *sc_udev;
	unsigned sc_ifaceno;
	uint8_t sc_subclass;		/* SCSI, or 12-byte CDB command sets */
	struct usb_pipe *sc_bulkin;
	struct usb_pipe *sc_bulkout;
	struct usb_xfer *sc_xin;	/* data IN, UMASS_MAXDATA */
	struct usb_xfer *sc_xout;	/* CBW and data OUT, UMASS_MAXDATA */
	struct usb_xfer *sc_xcsw;	/* CSW, on the IN pipe */
	kmutex_t sc_lock;		/* one command at a time */
	uint32_t sc_tag;		/* last CBW tag; sc_lock */
	unsigned sc_maxlun;
	bool sc_dying;			/* detaching: no new commands */
	kmutex_t sc_waitmtx;		/* for umass_pause */
	kcondvar_t sc_waitcv;
	struct umass_stats sc_stats;	/* sc_lock */
};

/*
 * One command through the Bulk-Only Transport; sc_lock held. data has
 * len (<= UMASS_MAXDATA) bytes for dir. Returns 0 with *status
 * UMASS_CSW_GOOD or UMASS_CSW_FAILED and *resid the bytes not moved;
 * or ENODEV (device gone or detaching), or EIO (the transport failed;
 * reset recovery was done).
 */
int umass_bot_cmd(struct umass_softc *sc, unsigned lun, const uint8_t *cdb,
    size_t cdblen, enum umass_dir dir, void *data, size_t len,
    int *status, size_t *resid);
/* Abort the xfers in flight (the device is gone); any thread. */
void umass_abort(struct umass_softc *sc);
/* Sleep ms, cut short when detaching; false if detaching. */
bool umass_pause(struct umass_softc *sc, unsigned ms);
bool umass_gone(const struct umass_softc *sc);

/* umass_scsi.c: probe LUN lun and attach "sdN" if it is a disk. */
void umass_scsi_attach_lun(struct umass_softc *sc, unsigned lun);

/* Tunables (tests shorten them): how long a command waits for a unit
 * that reports NOT READY (becoming ready), and the step between tries. */
extern unsigned umass_ready_wait_ms;
extern unsigned umass_retry_pause_ms;

#endif
