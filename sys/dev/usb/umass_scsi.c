/*
 * SCSI disks on USB mass storage: "sdN at umassN lun L", one per
 * direct-access LUN, each a struct disk (include/kern/disk.h).
 *
 * Commands (SPC-4, SBC-3): INQUIRY, TEST UNIT READY, REQUEST SENSE,
 * READ CAPACITY(10) and, when that says 0xffffffff, READ CAPACITY(16);
 * MODE SENSE(6) for the write-protect bit; READ/WRITE(10), and (16)
 * beyond block 2^32 - 1.
 *
 * Errors: a command that ends in CHECK CONDITION is followed at once
 * (under the same sc_lock) by REQUEST SENSE; the sense key decides:
 *   UNIT ATTENTION          the command is retried (a few times)
 *   NOT READY, becoming     waited for, up to umass_ready_wait_ms
 *   RECOVERED ERROR         success
 *   ABORTED COMMAND, NO SENSE, transport errors   retried a few times
 *   MEDIUM/HARDWARE ERROR   EIO     DATA PROTECT   EROFS
 *   ILLEGAL REQUEST         EINVAL  anything else  EIO
 * and the final failure is logged with the key, ASC and ASCQ decoded.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/disk.h>
#include <kern/kassert.h>
#include <kern/klog.h>

#include "umassvar.h"

unsigned umass_ready_wait_ms = 10000;
unsigned umass_retry_pause_ms = 100;

#define SCSI_TEST_UNIT_READY 0x00
#define SCSI_REQUEST_SENSE 0x03
#define SCSI_INQUIRY 0x12
#define SCSI_MODE_SENSE_6 0x1a
#define SCSI_READ_CAPACITY_10 0x25
#define SCSI_READ_10 0x28
#define SCSI_WRITE_10 0x2a
#define SCSI_READ_16 0x88
#define SCSI_WRITE_16 0x8a
#define SCSI_SERVICE_ACTION_IN_16 0x9e
#define SCSI_SAI_READ_CAPACITY_16 0x10

#define SKEY_NO_SENSE 0x0
#define SKEY_RECOVERED_ERROR 0x1
#define SKEY_NOT_READY 0x2
#define SKEY_MEDIUM_ERROR 0x3
#define SKEY_HARDWARE_ERROR 0x4
#define SKEY_ILLEGAL_REQUEST 0x5
#define SKEY_UNIT_ATTENTION 0x6
#define SKEY_DATA_PROTECT 0x7
#define SKEY_ABORTED_COMMAND 0xb

#define SCSI_SENSE_LEN 18
#define SCSI_INQUIRY_LEN 36
#define SCSI_MODE_SENSE_LEN 192
#define SCSI_RC16_LEN 32
#define SCSI_UA_RETRIES 5
#define SCSI_RETRIES 3		/* transport errors, aborted commands */

struct scsi_sense {
	uint8_t ss_key, ss_asc, ss_ascq;
	bool ss_valid;
};

/* A command and what to do with it. */
struct scsi_req {
	uint8_t sr_cdb[UMASS_CDB_MAX];
	size_t sr_cdblen;
	enum umass_dir sr_dir;
	void *sr_data;
	size_t sr_len;
	size_t sr_minlen;	/* fewer bytes moved than this: an error */
	const char *sr_what;	/* "READ(10) block 8" for messages */
	bool sr_quiet;		/* do not log the final failure */
	struct scsi_sense sr_sense;	/* after a failure, if ss_valid */
};

struct sd_softc {
	device_t sd_dev;
	struct umass_softc *sd_umass;
	unsigned sd_lun;
	unsigned sd_maxblks;	/* blocks per command */
	bool sd_attached;	/* sd_disk is registered */
	struct disk sd_disk;
};

/* What the probe found, passed to sd_attach as aux. */
struct sd_attach_args {
	unsigned sa_lun;
	uint32_t sa_blksize;
	uint64_t sa_nblks;
	bool sa_readonly;
	bool sa_removable;
	char sa_descr[48];
};

static void
put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32be(uint8_t *p, uint32_t v)
{
	put16be(p, (uint16_t)(v >> 16));
	put16be(p + 2, (uint16_t)v);
}

static uint32_t
get32be(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* ---- sense data -------------------------------------------------------- */

static const char *
scsi_key_name(uint8_t key)
{
	static const char *const names[16] = { "NO SENSE", "RECOVERED ERROR",
	    "NOT READY", "MEDIUM ERROR", "HARDWARE ERROR", "ILLEGAL REQUEST",
	    "UNIT ATTENTION", "DATA PROTECT", "BLANK CHECK", "VENDOR SPECIFIC",
	    "COPY ABORTED", "ABORTED COMMAND", "key 0Ch", "VOLUME OVERFLOW",
	    "MISCOMPARE", "key 0Fh" };

	return names[key & 0x0f];
}

/* The additional sense codes worth a name (SPC-4 annex D). */
static const char *
scsi_asc_name(uint8_t asc, uint8_t ascq)
{
	static const struct {
		uint8_t asc;
		const char *name;
	} tab[] = {
		{ 0x04, "logical unit not ready" },
		{ 0x0c, "write error" },
		{ 0x11, "unrecovered read error" },
		{ 0x1a, "parameter list length error" },
		{ 0x20, "invalid command operation code" },
		{ 0x21, "logical block address out of range" },
		{ 0x24, "invalid field in CDB" },
		{ 0x25, "logical unit not supported" },
		{ 0x26, "invalid field in parameter list" },
		{ 0x27, "write protected" },
		{ 0x28, "medium may have changed" },
		{ 0x29, "power on or reset occurred" },
		{ 0x2a, "parameters changed" },
		{ 0x30, "incompatible medium installed" },
		{ 0x31, "medium format corrupted" },
		{ 0x3a, "medium not present" },
		{ 0x3f, "target operating conditions have changed" },
		{ 0x44, "internal target failure" },
	};

	if (asc == 0x04 && ascq == 0x01)
		return "logical unit becoming ready";
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].asc == asc)
			return tab[i].name;
	return "";
}

/* Fixed (70h/71h) or descriptor (72h/73h) format sense data. */
static void
scsi_parse_sense(const uint8_t *b, size_t n, struct scsi_sense *ss)
{
	uint8_t code = n > 0 ? b[0] & 0x7f : 0;

	ss->ss_valid = false;
	ss->ss_key = ss->ss_asc = ss->ss_ascq = 0;
	if ((code == 0x70 || code == 0x71) && n >= 3) {
		ss->ss_key = b[2] & 0x0f;
		if (n >= 14) {
			ss->ss_asc = b[12];
			ss->ss_ascq = b[13];
		}
		ss->ss_valid = true;
	} else if ((code == 0x72 || code == 0x73) && n >= 4) {
		ss->ss_key = b[1] & 0x0f;
		ss->ss_asc = b[2];
		ss->ss_ascq = b[3];
		ss->ss_valid = true;
	}
}

/* REQUEST SENSE after CHECK CONDITION; sc_lock held. */
static int
scsi_request_sense(struct umass_softc *sc, unsigned lun,
    struct scsi_sense *ss)
{
	uint8_t cdb[6] = { SCSI_REQUEST_SENSE, 0, 0, 0, SCSI_SENSE_LEN, 0 };
	uint8_t buf[SCSI_SENSE_LEN];
	size_t resid = 0;
	int status = 0, rv;

	memset(buf, 0, sizeof(buf));
	rv = umass_bot_cmd(sc, lun, cdb, sizeof(cdb), UMASS_DIR_IN, buf,
	    sizeof(buf), &status, &resid);
	if (rv != 0)
		return rv;
	if (status != UMASS_CSW_GOOD)
		return EIO;
	scsi_parse_sense(buf, sizeof(buf) - resid, ss);
	return ss->ss_valid ? 0 : EIO;
}

/* ---- one command, with the retry policy -------------------------------- */

/* Once: 0; EAGAIN with *ss filled (CHECK CONDITION, sense read); or an
 * errno of the transport (EIO, ENODEV). A good status with fewer bytes
 * than sr_minlen is EIO. */
static int
scsi_cmd_once(struct umass_softc *sc, unsigned lun, struct scsi_req *sr,
    struct scsi_sense *ss)
{
	size_t resid = 0;
	int status = 0, rv;

	mutex_enter(&sc->sc_lock);
	rv = umass_bot_cmd(sc, lun, sr->sr_cdb, sr->sr_cdblen, sr->sr_dir,
	    sr->sr_data, sr->sr_len, &status, &resid);
	if (rv == 0 && status == UMASS_CSW_FAILED) {
		rv = scsi_request_sense(sc, lun, ss);
		if (rv == 0)
			rv = EAGAIN;
	} else if (rv == 0 && sr->sr_len - resid < sr->sr_minlen) {
		rv = EIO;
	}
	mutex_exit(&sc->sc_lock);
	return rv;
}

static void
scsi_log_failure(struct umass_softc *sc, unsigned lun,
    const struct scsi_req *sr, const struct scsi_sense *ss, int error)
{
	if (error == ENODEV)
		return;
	if (ss == NULL || !ss->ss_valid) {
		aprint_error(sc->sc_dev, "lun %u: %s: transport error %d", lun,
		    sr->sr_what, error);
		return;
	}
	aprint_error(sc->sc_dev, "lun %u: %s: %s, %s (ASC %02Xh ASCQ %02Xh)",
	    lun, sr->sr_what, scsi_key_name(ss->ss_key),
	    scsi_asc_name(ss->ss_asc, ss->ss_ascq), ss->ss_asc, ss->ss_ascq);
}

/* Does NOT READY with this sense mean "wait, it is coming"? */
static bool
scsi_becoming_ready(const struct scsi_sense *ss)
{
	return ss->ss_asc == 0x04 && ss->ss_ascq != 0x03;
}

/*
 * What to do after CHECK CONDITION: 0 (done, success), an errno (done,
 * failed), or EAGAIN (retry; counters in *ua, *other, *waited_ms).
 */
static int
scsi_sense_policy(struct umass_softc *sc, const struct scsi_sense *ss,
    unsigned *ua, unsigned *other, unsigned *waited_ms)
{
	switch (ss->ss_key) {
	case SKEY_RECOVERED_ERROR:
		return 0;
	case SKEY_UNIT_ATTENTION:
		return ++*ua <= SCSI_UA_RETRIES ? EAGAIN : EIO;
	case SKEY_NOT_READY:
		if (!scsi_becoming_ready(ss) || *waited_ms >= umass_ready_wait_ms)
			return EIO;
		*waited_ms += umass_retry_pause_ms;
		return umass_pause(sc, umass_retry_pause_ms) ? EAGAIN : ENODEV;
	case SKEY_NO_SENSE:
	case SKEY_ABORTED_COMMAND:
		return ++*other <= SCSI_RETRIES ? EAGAIN : EIO;
	case SKEY_DATA_PROTECT:
		return EROFS;
	case SKEY_ILLEGAL_REQUEST:
		return EINVAL;
	default:
		return EIO;
	}
}

/* Run sr on lun until it succeeds or the policy gives up. */
static int
scsi_cmd(struct umass_softc *sc, unsigned lun, struct scsi_req *sr)
{
	unsigned ua = 0, other = 0, waited = 0;
	struct scsi_sense ss = { 0, 0, 0, false };
	int rv;

	for (;;) {
		rv = scsi_cmd_once(sc, lun, sr, &ss);
		if (rv == 0 || rv == ENODEV)
			return rv;
		if (rv != EAGAIN) {
			/* The transport failed (reset recovery done). */
			if (++other <= SCSI_RETRIES)
				continue;
			if (!sr->sr_quiet)
				scsi_log_failure(sc, lun, sr, NULL, rv);
			return EIO;
		}
		rv = scsi_sense_policy(sc, &ss, &ua, &other, &waited);
		if (rv == EAGAIN)
			continue;
		sr->sr_sense = ss;
		if (rv != 0 && !sr->sr_quiet)
			scsi_log_failure(sc, lun, sr, &ss, rv);
		return rv;
	}
}

static void
scsi_req_init(struct scsi_req *sr, const char *what, size_t cdblen,
    enum umass_dir dir, void *data, size_t len)
{
	memset(sr, 0, sizeof(*sr));
	sr->sr_what = what;
	sr->sr_cdblen = cdblen;
	sr->sr_dir = dir;
	sr->sr_data = data;
	sr->sr_len = len;
	sr->sr_minlen = len;
}

/* ---- probing a LUN ----------------------------------------------------- */

/* Printable ASCII of an INQUIRY field, trailing blanks dropped. */
static size_t
scsi_field(char *dst, size_t room, const uint8_t *src, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n && len + 1 < room; i++)
		dst[len++] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : ' ';
	while (len > 0 && dst[len - 1] == ' ')
		len--;
	dst[len] = '\0';
	return len;
}

/* "VENDOR PRODUCT REV" from INQUIRY data. */
static void
scsi_descr(const uint8_t *inq, char *descr, size_t size)
{
	static const uint8_t off[3] = { 8, 16, 32 }, len[3] = { 8, 16, 4 };
	size_t n = 0;

	descr[0] = '\0';
	for (int i = 0; i < 3 && n + 2 < size; i++) {
		if (n > 0)
			descr[n++] = ' ';
		n += scsi_field(descr + n, size - n, inq + off[i], len[i]);
		if (n > 0 && descr[n - 1] == ' ')
			n--;
		descr[n] = '\0';
	}
}

/* INQUIRY: a connected direct-access LUN? ENXIO if not. */
static int
scsi_inquiry(struct umass_softc *sc, unsigned lun, struct sd_attach_args *sa)
{
	uint8_t inq[SCSI_INQUIRY_LEN];
	struct scsi_req sr;
	int rv, type;

	memset(inq, 0, sizeof(inq));
	scsi_req_init(&sr, "INQUIRY", 6, UMASS_DIR_IN, inq, sizeof(inq));
	sr.sr_cdb[0] = SCSI_INQUIRY;
	sr.sr_cdb[4] = SCSI_INQUIRY_LEN;
	sr.sr_minlen = 5;
	if ((rv = scsi_cmd(sc, lun, &sr)) != 0)
		return rv;
	type = inq[0] & 0x1f;
	if ((inq[0] >> 5) != 0 || (type != 0x00 && type != 0x0e)) {
		aprint_normal(sc->sc_dev, "lun %u: not a disk (qualifier %d, "
		    "type %d)", lun, inq[0] >> 5, type);
		return ENXIO;
	}
	sa->sa_removable = (inq[1] & 0x80) != 0;
	scsi_descr(inq, sa->sa_descr, sizeof(sa->sa_descr));
	return 0;
}

/*
 * TEST UNIT READY until it passes (the policy waits and retries). Some
 * targets refuse it (ILLEGAL REQUEST) on a LUN that reads fine (QEMU's
 * second LUN right after power-on): that is no failure here, READ
 * CAPACITY decides for those.
 */
static int
scsi_test_unit_ready(struct umass_softc *sc, unsigned lun)
{
	struct scsi_req sr;
	int rv;

	scsi_req_init(&sr, "TEST UNIT READY", 6, UMASS_DIR_NONE, NULL, 0);
	sr.sr_cdb[0] = SCSI_TEST_UNIT_READY;
	sr.sr_quiet = true;
	if ((rv = scsi_cmd(sc, lun, &sr)) == EINVAL) {
		aprint_debug(sc->sc_dev, "lun %u: TEST UNIT READY refused",
		    lun);
		return 0;
	}
	if (rv != 0)
		scsi_log_failure(sc, lun, &sr, &sr.sr_sense, rv);
	return rv;
}

static bool
scsi_blksize_ok(uint32_t bs)
{
	return bs >= 512 && bs <= 65536 && (bs & (bs - 1)) == 0;
}

static int
scsi_read_capacity16(struct umass_softc *sc, unsigned lun,
    struct sd_attach_args *sa)
{
	uint8_t buf[SCSI_RC16_LEN];
	struct scsi_req sr;
	uint64_t last;
	int rv;

	memset(buf, 0, sizeof(buf));
	scsi_req_init(&sr, "READ CAPACITY(16)", 16, UMASS_DIR_IN, buf,
	    sizeof(buf));
	sr.sr_cdb[0] = SCSI_SERVICE_ACTION_IN_16;
	sr.sr_cdb[1] = SCSI_SAI_READ_CAPACITY_16;
	put32be(sr.sr_cdb + 10, sizeof(buf));
	sr.sr_minlen = 12;
	if ((rv = scsi_cmd(sc, lun, &sr)) != 0)
		return rv;
	last = (uint64_t)get32be(buf) << 32 | get32be(buf + 4);
	sa->sa_blksize = get32be(buf + 8);
	if (last == UINT64_MAX)
		return EIO;
	sa->sa_nblks = last + 1;
	return 0;
}

static int
scsi_read_capacity(struct umass_softc *sc, unsigned lun,
    struct sd_attach_args *sa)
{
	uint8_t buf[8];
	struct scsi_req sr;
	uint32_t last;
	int rv;

	scsi_req_init(&sr, "READ CAPACITY(10)", 10, UMASS_DIR_IN, buf,
	    sizeof(buf));
	sr.sr_cdb[0] = SCSI_READ_CAPACITY_10;
	if ((rv = scsi_cmd(sc, lun, &sr)) != 0)
		return rv;
	last = get32be(buf);
	sa->sa_blksize = get32be(buf + 4);
	sa->sa_nblks = (uint64_t)last + 1;
	if (last == UINT32_MAX && sc->sc_subclass == UISUBCLASS_SCSI)
		rv = scsi_read_capacity16(sc, lun, sa);
	if (rv == 0 && !scsi_blksize_ok(sa->sa_blksize)) {
		aprint_error(sc->sc_dev, "lun %u: block size %u not supported",
		    lun, (unsigned)sa->sa_blksize);
		return ENXIO;
	}
	return rv;
}

/* MODE SENSE(6) header: the write-protect bit. Failure is no answer. */
static void
scsi_mode_sense(struct umass_softc *sc, unsigned lun,
    struct sd_attach_args *sa)
{
	uint8_t buf[SCSI_MODE_SENSE_LEN];
	struct scsi_req sr;

	memset(buf, 0, sizeof(buf));
	scsi_req_init(&sr, "MODE SENSE(6)", 6, UMASS_DIR_IN, buf, sizeof(buf));
	sr.sr_cdb[0] = SCSI_MODE_SENSE_6;
	sr.sr_cdb[2] = 0x3f;		/* all pages, current values */
	sr.sr_cdb[4] = sizeof(buf);
	sr.sr_minlen = 4;
	sr.sr_quiet = true;
	if (scsi_cmd(sc, lun, &sr) == 0 && (buf[2] & 0x80) != 0)
		sa->sa_readonly = true;
}

static void
sd_print(void *aux, const char *pnp, char *buf, size_t len)
{
	struct sd_attach_args *sa = aux;

	if (pnp != NULL)
		ksnprintf(buf, len, "disk at %s lun %u", pnp, sa->sa_lun);
	else
		ksnprintf(buf, len, " lun %u", sa->sa_lun);
}

void
umass_scsi_attach_lun(struct umass_softc *sc, unsigned lun)
{
	struct sd_attach_args sa;
	int rv;

	memset(&sa, 0, sizeof(sa));
	sa.sa_lun = lun;
	if ((rv = scsi_inquiry(sc, lun, &sa)) != 0)
		return;
	if ((rv = scsi_test_unit_ready(sc, lun)) != 0) {
		aprint_error(sc->sc_dev, "lun %u: not ready (error %d)", lun,
		    rv);
		return;
	}
	if ((rv = scsi_read_capacity(sc, lun, &sa)) != 0) {
		aprint_error(sc->sc_dev, "lun %u: no capacity (error %d)", lun,
		    rv);
		return;
	}
	scsi_mode_sense(sc, lun, &sa);
	config_found(sc->sc_dev, &sa, sd_print);
}

/* ---- the disks --------------------------------------------------------- */

/* READ or WRITE of n blocks (n <= sd_maxblks) at blkno. */
static int
sd_rw(struct sd_softc *sd, bool write, uint64_t blkno, void *buf,
    unsigned n)
{
	struct scsi_req sr;
	char what[64];
	size_t len = (size_t)n * sd->sd_disk.dk_blksize;

	ksnprintf(what, sizeof(what), "%s block %llu, %u blocks",
	    write ? "WRITE" : "READ", (unsigned long long)blkno, n);
	scsi_req_init(&sr, what, 10, write ? UMASS_DIR_OUT : UMASS_DIR_IN,
	    buf, len);
	if (blkno + n <= (1ULL << 32)) {
		sr.sr_cdb[0] = write ? SCSI_WRITE_10 : SCSI_READ_10;
		put32be(sr.sr_cdb + 2, (uint32_t)blkno);
		put16be(sr.sr_cdb + 7, (uint16_t)n);
	} else {
		sr.sr_cdblen = 16;
		sr.sr_cdb[0] = write ? SCSI_WRITE_16 : SCSI_READ_16;
		put32be(sr.sr_cdb + 2, (uint32_t)(blkno >> 32));
		put32be(sr.sr_cdb + 6, (uint32_t)blkno);
		put32be(sr.sr_cdb + 10, n);
	}
	return scsi_cmd(sd->sd_umass, sd->sd_lun, &sr);
}

static int
sd_io(struct disk *dk, bool write, uint64_t blkno, void *buf, size_t nblks)
{
	struct sd_softc *sd = dk->dk_priv;
	uint8_t *p = buf;
	unsigned n;
	int rv;

	while (nblks > 0) {
		n = nblks < sd->sd_maxblks ? (unsigned)nblks : sd->sd_maxblks;
		if ((rv = sd_rw(sd, write, blkno, p, n)) != 0)
			return rv;
		blkno += n;
		nblks -= n;
		p += (size_t)n * dk->dk_blksize;
	}
	return 0;
}

static const struct disk_ops sd_ops = {
	.dk_io = sd_io,
};

static int
sd_match(device_t parent, void *aux)
{
	(void)parent;
	(void)aux;
	return 1;
}

static void
sd_attach(device_t parent, device_t self, void *aux)
{
	struct sd_attach_args *sa = aux;
	struct sd_softc *sd = device_private(self);
	struct disk *dk = &sd->sd_disk;
	int rv;

	sd->sd_dev = self;
	sd->sd_umass = device_private(parent);
	sd->sd_lun = sa->sa_lun;
	sd->sd_maxblks = UMASS_MAXDATA / sa->sa_blksize;
	ksnprintf(dk->dk_name, sizeof(dk->dk_name), "%s", device_xname(self));
	memcpy(dk->dk_descr, sa->sa_descr, sizeof(dk->dk_descr));
	dk->dk_blksize = sa->sa_blksize;
	dk->dk_nblks = sa->sa_nblks;
	dk->dk_readonly = sa->sa_readonly;
	dk->dk_ops = &sd_ops;
	dk->dk_priv = sd;
	aprint_normal(self, "<%s>%s", dk->dk_descr,
	    sa->sa_removable ? ", removable" : "");
	if ((rv = disk_attach(dk)) != 0)
		aprint_error(self, "disk_attach: error %d", rv);
	else
		sd->sd_attached = true;
}

/* The device went away: stop what is in flight, so that disk_detach's
 * wait is short; otherwise let commands finish (they are bounded). */
static int
sd_detach(device_t self, int flags)
{
	struct sd_softc *sd = device_private(self);

	(void)flags;
	if (sd->sd_umass == NULL)
		return 0;
	if (umass_gone(sd->sd_umass))
		umass_abort(sd->sd_umass);
	if (sd->sd_attached)
		disk_detach(&sd->sd_disk);
	return 0;
}

static const struct cfdriver sd_cd = {
	.cd_name = "sd",
	.cd_attachto = "umass",
	.cd_softc_size = sizeof(struct sd_softc),
	.cd_match = sd_match,
	.cd_attach = sd_attach,
	.cd_detach = sd_detach,
};
CFDRIVER_DECLARE(sd_cd);
