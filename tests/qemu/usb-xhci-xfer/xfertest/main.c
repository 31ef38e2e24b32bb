/*
 * xHCI transfer test (a test driver, not a real one): the cfdriver
 * "xfertest" takes the QEMU USB disk (46f4:0001) and the boot keyboard
 * interface at "usb" from umass/ukbd (it bids higher) during the
 * kernel's autoconfiguration; main then drives them through usbdi and
 * checks what the xHCI driver does with each kind of transfer:
 *
 *   ep0     device descriptor asked with 64 bytes (short control data
 *           stage: actlen 18); an unknown vendor request (stall:
 *           EPIPE), then ep0 works again (Reset Endpoint + Set TR
 *           Dequeue through ubm_pipe_reset)
 *   bulk    Bulk-Only Transport: INQUIRY into a 512-byte transfer (a
 *           short packet: actlen 36),
 *           WRITE(10)/READ(10) of 100 KiB buffers (several TRBs split
 *           at 64 KiB boundaries) compared byte for byte, 300 commands
 *           in a row (every ring wraps through its link TRB several
 *           times), a read out of turn (the device stalls bulk IN:
 *           EPIPE, then usb_pipe_clear_halt and the next command
 *           works), a read rate over 8 MiB
 *   intr    keyboard interrupt IN: a timeout (ETIMEDOUT), an abort of a
 *           queued xfer behind a running one and of the running one
 *           (both ECANCELED through ux_done), then a timeout again
 *
 * Prints "xfertest: <what>: ok ..." per check, then "xfertest: PASS"
 * or "xfertest: FAIL"; exits 0 or 1. Kernel functions run between
 * rump_schedule() and rump_unschedule(); output goes through klog.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usb.h>
#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/device.h>
#include <kern/klog.h>
#include <kern/rump.h>
#include <rump/rumpuser.h>

#define DISK_BLOCK 512
#define BIG (100 * 1024)		/* 200 blocks */
#define CBW_SIG 0x43425355u
#define CSW_SIG 0x53425355u

static struct usb_device *disk_dev, *kbd_dev;
static unsigned disk_if, kbd_if;
static int failed;

/* ---- the test driver ---- */

static const struct usb_id disk_ids[] = { USB_ID_VP(0x46f4, 0x0001),
    USB_ID_END };
static const struct usb_id kbd_ids[] = {
	USB_ID_CSP(UICLASS_HID, UISUBCLASS_BOOT, UIPROTO_BOOT_KEYBOARD),
	USB_ID_END };

static int
xfertest_match(device_t parent, void *aux)
{
	(void)parent;
	if (usb_match_ids(disk_ids, aux) || usb_match_ids(kbd_ids, aux))
		return 100;	/* above umass and ukbd */
	return 0;
}

static void
xfertest_attach(device_t parent, device_t self, void *aux)
{
	struct usb_attach_arg *uaa = aux;

	(void)parent;
	if (usb_match_ids(disk_ids, aux)) {
		disk_dev = uaa->uaa_dev;
		disk_if = uaa->uaa_ifaceno;
	} else {
		kbd_dev = uaa->uaa_dev;
		kbd_if = uaa->uaa_ifaceno;
	}
	aprint_normal(self, "test target");
}

static const struct cfdriver xfertest_cd = {
	.cd_name = "xfertest",
	.cd_attachto = USB_ATTR,
	.cd_softc_size = 1,
	.cd_match = xfertest_match,
	.cd_attach = xfertest_attach,
};
CFDRIVER_DECLARE(xfertest_cd);

/* ---- helpers ---- */

static void
check(bool ok, const char *what, const char *detail, int rv)
{
	klog(LOG_INFO, "xfertest: %s: %s (%s, status %d)", what,
	    ok ? "ok" : "FAILED", detail, rv);
	if (!ok)
		failed++;
}

static void
sleep_ms(unsigned ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, (long)ms * 1000000L);
}

/* ---- ep0 ---- */

static void
test_ep0(void)
{
	uint8_t buf[256];
	size_t act = 0;
	int rv;

	rv = usb_get_descriptor(disk_dev, UDESC_DEVICE, 0, 0, buf, 64, &act);
	check(rv == 0 && act == 18 && buf[0] == 18, "ep0 short read",
	    "device descriptor, 18 of 64 bytes", rv);
	{
		/* A vendor request the device does not know: it stalls. */
		usb_device_request_t req = { UT_READ | UT_VENDOR | UT_DEVICE,
		    0x55, { 0, 0 }, { 0, 0 }, { 4, 0 } };
		rv = usb_control(disk_dev, &req, buf, &act, 0);
	}
	check(rv == EPIPE, "ep0 stall", "unknown vendor request -> EPIPE",
	    rv);
	act = 0;
	rv = usb_get_descriptor(disk_dev, UDESC_DEVICE, 0, 0, buf, 18, &act);
	check(rv == 0 && act == 18, "ep0 after stall", "device descriptor "
	    "again", rv);
}

/* ---- Bulk-Only Transport ---- */

struct bot {
	struct usb_pipe *b_in, *b_out;
	struct usb_xfer *b_cbw, *b_csw, *b_din, *b_dout;
	uint32_t b_tag;
};
static struct bot bot;

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint32_t
get32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static int
bot_open(void)
{
	const usb_endpoint_descriptor_t *in, *out;
	int rv;

	in = usb_find_endpoint(disk_dev, disk_if, UE_DIR_IN, UE_BULK, 0);
	out = usb_find_endpoint(disk_dev, disk_if, 0, UE_BULK, 0);
	if (in == NULL || out == NULL)
		return ENXIO;
	if ((rv = usb_pipe_open(disk_dev, in, &bot.b_in)) != 0 ||
	    (rv = usb_pipe_open(disk_dev, out, &bot.b_out)) != 0 ||
	    (rv = usb_xfer_alloc(bot.b_out, 31, &bot.b_cbw)) != 0 ||
	    (rv = usb_xfer_alloc(bot.b_in, 13, &bot.b_csw)) != 0 ||
	    (rv = usb_xfer_alloc(bot.b_in, BIG, &bot.b_din)) != 0 ||
	    (rv = usb_xfer_alloc(bot.b_out, BIG, &bot.b_dout)) != 0)
		return rv;
	bot.b_cbw->ux_timeout_ms = bot.b_csw->ux_timeout_ms = 5000;
	bot.b_din->ux_timeout_ms = bot.b_dout->ux_timeout_ms = 5000;
	return 0;
}

static int
bot_csw(uint32_t tag, uint8_t *statusp)
{
	const uint8_t *c = bot.b_csw->ux_buf;
	int rv;

	bot.b_csw->ux_length = 13;
	if ((rv = usb_xfer_sync(bot.b_csw)) == EPIPE) {
		(void)usb_pipe_clear_halt(bot.b_in);
		rv = usb_xfer_sync(bot.b_csw);
	}
	if (rv != 0)
		return rv;
	if (bot.b_csw->ux_actlen != 13 || get32(c) != CSW_SIG ||
	    get32(c + 4) != tag)
		return EIO;
	*statusp = c[12];
	if (c[12] != 0)
		klog(LOG_INFO, "xfertest: CSW status %u, residue %u (command "
		    "%x)", c[12], get32(c + 8),
		    ((const uint8_t *)bot.b_cbw->ux_buf)[15]);
	return 0;
}

/* One SCSI command; data moves through b_din/b_dout (len bytes, the
 * transfer asking for xlen >= len). */
static int
bot_cmd(const uint8_t *cdb, unsigned cdblen, bool in, size_t len,
    size_t xlen, size_t *actp)
{
	uint8_t *w = bot.b_cbw->ux_buf, status = 0xff;
	struct usb_xfer *x = in ? bot.b_din : bot.b_dout;
	int rv;

	memset(w, 0, 31);
	put32(w, CBW_SIG);
	put32(w + 4, ++bot.b_tag);
	put32(w + 8, (uint32_t)len);
	w[12] = in ? 0x80 : 0;
	w[14] = (uint8_t)cdblen;
	memcpy(w + 15, cdb, cdblen);
	bot.b_cbw->ux_length = 31;
	if ((rv = usb_xfer_sync(bot.b_cbw)) != 0)
		return rv;
	if (len > 0) {
		x->ux_length = xlen;
		rv = usb_xfer_sync(x);
		*actp = x->ux_actlen;
		if (rv == EPIPE)
			(void)usb_pipe_clear_halt(in ? bot.b_in : bot.b_out);
		else if (rv != 0)
			return rv;
	}
	if ((rv = bot_csw(bot.b_tag, &status)) != 0)
		return rv;
	return status == 0 ? 0 : EIO;
}

static int
rw10(bool write, uint32_t lba, unsigned nblk)
{
	uint8_t cdb[10] = { write ? 0x2a : 0x28, 0, (uint8_t)(lba >> 24),
	    (uint8_t)(lba >> 16), (uint8_t)(lba >> 8), (uint8_t)lba, 0,
	    (uint8_t)(nblk >> 8), (uint8_t)nblk, 0 };
	size_t act = 0, len = (size_t)nblk * DISK_BLOCK;
	int rv = bot_cmd(cdb, 10, !write, len, len, &act);

	if (rv != 0 || act != len) {
		const uint8_t rs[6] = { 0x03, 0, 0, 0, 18, 0 };
		const uint8_t *d = bot.b_din->ux_buf;
		size_t sact = 0;

		klog(LOG_INFO, "xfertest: %s(10) lba %u: error %d, moved "
		    "%zu of %zu bytes", write ? "WRITE" : "READ", lba, rv, act,
		    len);
		if (bot_cmd(rs, 6, true, 18, 18, &sact) == 0)
			klog(LOG_INFO, "xfertest: sense key %x asc %x ascq "
			    "%x", d[2] & 0xf, d[12], d[13]);
	}
	return rv == 0 && act != len ? EIO : rv;
}

/* TEST UNIT READY until it passes: the first one after power-on
 * reports a unit attention (REQUEST SENSE clears it). */
static int
bot_ready(void)
{
	const uint8_t tur[6] = { 0, 0, 0, 0, 0, 0 };
	const uint8_t rs[6] = { 0x03, 0, 0, 0, 18, 0 };
	size_t act = 0;
	int rv = EIO;

	for (int i = 0; i < 3 && rv != 0; i++)
		if ((rv = bot_cmd(tur, 6, false, 0, 0, &act)) == EIO)
			(void)bot_cmd(rs, 6, true, 18, 18, &act);
	return rv;
}

static void
fill(uint8_t *p, size_t len, uint32_t seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)((i * 7 + seed * 13 + (i >> 9)) & 0xff);
}

static void
test_bulk_rw(void)
{
	uint8_t *out = bot.b_dout->ux_buf, *in = bot.b_din->ux_buf;
	int rv = bot_ready(), bad = 0;

	for (uint32_t round = 0; round < 4 && rv == 0; round++) {
		fill(out, BIG, round);
		memset(in, 0, BIG);
		if ((rv = rw10(true, round * 200, 200)) == 0 &&
		    (rv = rw10(false, round * 200, 200)) == 0 &&
		    memcmp(in, out, BIG) != 0)
			bad++;
	}
	check(rv == 0 && bad == 0, "bulk 100 KiB write+read",
	    "4 rounds, data compared", rv);
}

static void
test_bulk_many(void)
{
	const uint8_t inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	size_t act = 0;
	int rv = 0, n;

	for (n = 0; n < 300 && rv == 0; n++)
		rv = n % 3 == 2 ? rw10(false, (uint32_t)n, 200) :
		    bot_cmd(inq, 6, true, 36, 36, &act);
	check(rv == 0, "bulk ring wrap", "300 commands in a row", rv);
}

static void
test_bulk_short(void)
{
	const uint8_t inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	uint8_t *d = bot.b_din->ux_buf;
	size_t act = 0;
	int rv;

	/* The device sends 36 bytes, less than a packet: a short packet
	 * ends the 512-byte transfer. */
	rv = bot_cmd(inq, 6, true, 36, 512, &act);
	klog(LOG_INFO, "xfertest: short IN moved %zu bytes", act);
	check((rv == 0 || rv == EIO) && act == 36 && (d[0] & 0x1f) == 0,
	    "bulk short IN", "INQUIRY 36 of 512 bytes", rv);
}

static void
test_bulk_stall(void)
{
	const uint8_t inq[6] = { 0x12, 0, 0, 0, 36, 0 };
	size_t act = 0;
	int rv, rv2 = -1;

	/* Reading when the device waits for a CBW: it stalls bulk IN. */
	bot.b_csw->ux_length = 13;
	if ((rv = usb_xfer_sync(bot.b_csw)) == EPIPE)
		rv2 = usb_pipe_clear_halt(bot.b_in);
	check(rv == EPIPE && rv2 == 0, "bulk stall", "IN out of turn -> "
	    "EPIPE, halt cleared", rv);
	rv = bot_cmd(inq, 6, true, 36, 36, &act);
	check(rv == 0 && act == 36, "bulk after stall", "INQUIRY again", rv);
}

static void
test_bulk_rate(void)
{
	uint64_t t0 = kclock_ns(), ns;
	int rv = 0;
	unsigned n;

	for (n = 0; n < 8 * 1024 * 1024 / BIG && rv == 0; n++)
		rv = rw10(false, n * 200 % 30000, 200);
	ns = kclock_ns() - t0;
	klog(LOG_INFO, "xfertest: bulk read rate: %u KiB in %llu ms (%llu "
	    "KiB/s)", n * 100, (unsigned long long)(ns / 1000000),
	    (unsigned long long)(ns ? (uint64_t)n * 100 * 1000000000 / ns : 0));
	check(rv == 0, "bulk read rate", "8 MiB", rv);
}

/* ---- interrupt IN, aborts, timeouts ---- */

static volatile int cb_status[2] = { -1, -1 };

static void
kbd_done(struct usb_xfer *x)
{
	cb_status[(uintptr_t)x->ux_priv] = x->ux_status;
}

static void
test_intr(void)
{
	const usb_endpoint_descriptor_t *ed;
	struct usb_pipe *p;
	struct usb_xfer *x[2];
	int rv = 0;

	ed = usb_find_endpoint(kbd_dev, kbd_if, UE_DIR_IN, UE_INTERRUPT, 0);
	if (ed == NULL || usb_pipe_open(kbd_dev, ed, &p) != 0 ||
	    usb_xfer_alloc(p, 8, &x[0]) != 0 ||
	    usb_xfer_alloc(p, 8, &x[1]) != 0) {
		check(false, "intr setup", "keyboard pipe", ENXIO);
		return;
	}
	/* A keyboard nobody types on: the first read may still see a
	 * report; one of the next times out. */
	for (int i = 0; i < 3; i++) {
		x[0]->ux_length = 8;
		x[0]->ux_timeout_ms = 200;
		if ((rv = usb_xfer_sync(x[0])) == ETIMEDOUT)
			break;
	}
	check(rv == ETIMEDOUT, "intr timeout", "200 ms, nothing typed", rv);
	rv = 0;
	for (int i = 0; i < 2; i++) {
		x[i]->ux_length = 8;
		x[i]->ux_timeout_ms = 0;
		x[i]->ux_done = kbd_done;
		x[i]->ux_priv = (void *)(uintptr_t)i;
		cb_status[i] = -1;
		rv |= usb_xfer_submit(x[i]);
	}
	sleep_ms(20);
	usb_xfer_abort(x[1]);		/* queued behind x[0] */
	usb_xfer_abort(x[0]);		/* the one the controller has */
	klog(LOG_INFO, "xfertest: aborted xfers ended with %d and %d",
	    cb_status[0], cb_status[1]);
	check(rv == 0 && cb_status[0] == ECANCELED && cb_status[1] ==
	    ECANCELED, "intr abort", "queued and running xfer", rv);
	x[0]->ux_done = NULL;
	x[0]->ux_timeout_ms = 100;
	rv = usb_xfer_sync(x[0]);
	check(rv == ETIMEDOUT, "intr after abort", "timeout again", rv);
	usb_xfer_free(x[0]);
	usb_xfer_free(x[1]);
	usb_pipe_close(p);
}

int
main(void)
{
	int rv;

	rump_schedule();
	if (disk_dev == NULL || kbd_dev == NULL) {
		klog(LOG_ERR, "xfertest: FAIL (no disk or keyboard attached)");
		rump_unschedule();
		return 1;
	}
	test_ep0();
	if ((rv = bot_open()) != 0)
		check(false, "bulk setup", "pipes and xfers", rv);
	else {
		test_bulk_short();
		test_bulk_rw();
		test_bulk_many();
		test_bulk_stall();
		test_bulk_rate();
	}
	test_intr();
	klog(LOG_INFO, "xfertest: %s", failed ? "FAIL" : "PASS");
	rump_unschedule();
	return failed ? 1 : 0;
}
