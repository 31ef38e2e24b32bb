/*
 * Devices that misbehave: one that stalls every request, descriptors
 * that are short, zero-length, oversized or inconsistent, a port that
 * never enables, a device that never answers (enumeration times out),
 * strings that stall. Each is reported by port (and address), tried
 * USB_ENUM_RETRIES times, its port disabled, and a good device on
 * another port still works.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <dev/usb/usbdi.h>

#include "descs.h"
#include "fakehc.h"
#include "tdrv.h"
#include "usb_impl.h"
#include "ut.h"

static bool
given_up(struct fakehc *fh, void *arg)
{
	unsigned port = *(unsigned *)arg;

	return fh->fh_ports[port].fp_disables >= USB_ENUM_RETRIES &&
	    fh->fh_roothub.uh_retries[port] >= USB_ENUM_RETRIES;
}

static bool
kbd_attached(struct fakehc *fh, void *arg)
{
	(void)fh;
	return tdrv_stats.ts_kbd_attach >= *(int *)arg;
}

/* Plug bad on port 1 of fh; expect msg and that it is given up. */
static void
expect_given_up(struct fakehc *fh, struct fdev *bad, const char *msg)
{
	unsigned port = 1, disables = fh->fh_ports[1].fp_disables;
	int slots = fh->fh_nslots;

	ut_dmesg_mark();
	fh->fh_ports[1].fp_disables = 0;
	fakehc_plug(fh, NULL, 1, bad);
	UT_CHECK(fakehc_wait(fh, given_up, &port, 5000));
	UT_LOG(msg);
	UT_CHECK_EQ(fh->fh_ports[1].fp_disables, USB_ENUM_RETRIES);
	UT_CHECK_EQ(fh->fh_nslots, slots);
	UT_CHECK(fakehc_udev(fh, 1, 0) == NULL);
	fakehc_unplug(fh, NULL, 1);
	ut_sleep_ms(5);
	fh->fh_ports[1].fp_disables += disables;
}

UT_CASE(bad_stall_all)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *bad = fdev_kbd(USB_SPEED_FULL), *kbd = fdev_kbd(USB_SPEED_FULL);
	struct fdev *devs[3] = { NULL, bad, kbd };
	unsigned port = 1;
	struct fakehc *fh;

	tdrv_begin();
	bad->fd_stall_all = true;
	fh = fakehc_create(2, devs);
	/* the good one attached; the bad one was tried and given up */
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 1);
	UT_CHECK(given_up(fh, &port));
	UT_CHECK(ut_dmesg_has("usb0 port 1: device descriptor: stalled, "
	    "retrying (addr 1)"));
	UT_CHECK(ut_dmesg_has("usb0 port 1: device descriptor: stalled, "
	    "giving up (addr 4)"));
	UT_CHECK_EQ(fh->fh_nslots, 1);
	UT_CHECK_EQ(usb_ndevices(), 1);
	/* no further attempts while it stays plugged */
	ut_sleep_ms(50);
	UT_CHECK_EQ(fh->fh_ports[1].fp_disables, USB_ENUM_RETRIES);
	/* unplugged and replaced by a good device: that one works */
	fakehc_unplug(fh, NULL, 1);
	bad->fd_stall_all = false;
	fakehc_plug(fh, NULL, 1, bad);
	UT_CHECK(fakehc_wait(fh, kbd_attached, &(int){2}, 3000));
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(bad);
	fdev_free(kbd);
	ut_leak_check(mem);
}

static int
hook_bad_actlen(struct fdev *fd, const usb_device_request_t *req,
    uint8_t *buf, size_t len, size_t *act)
{
	(void)fd;
	(void)buf;
	if (req->bRequest != UR_GET_DESCRIPTOR)
		return FH_PASS;
	*act = len + 100;	/* a controller claiming more than asked */
	return 0;
}

static struct fdev *
bad_cfg(const char *name, const uint8_t *cfg, size_t len)
{
	struct fdev *fd = fdev_kbd(USB_SPEED_FULL);

	fd->fd_name = name;
	fdev_set_config(fd, 0, cfg, len);
	return fd;
}

UT_CASE(bad_descriptors)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL), *fd;
	struct fdev *devs[3] = { NULL, NULL, kbd };
	uint8_t c[64];
	struct fakehc *fh;

	tdrv_begin();
	fh = fakehc_create(2, devs);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 1);

	fd = fdev_kbd(USB_SPEED_FULL);
	fd->fd_ddesc_len = 4;
	expect_given_up(fh, fd, "usb0 port 1: device descriptor: short "
	    "(4 bytes), giving up");
	fd->fd_ddesc_len = 0;
	expect_given_up(fh, fd, "usb0 port 1: device descriptor: short "
	    "(0 bytes), giving up");
	fd->fd_ddesc_len = 12;
	expect_given_up(fh, fd, "usb0 port 1: device descriptor: short "
	    "(12 bytes), giving up");
	fd->fd_ddesc_len = 18;
	fd->fd_ddesc[7] = 7;
	expect_given_up(fh, fd, "device descriptor: bad ep0 max packet size 7");
	fd->fd_ddesc[7] = 8;
	fd->fd_ddesc[17] = 0;
	expect_given_up(fh, fd, "device descriptor: no configurations");
	fd->fd_ddesc[17] = 1;
	fd->fd_ddesc[1] = UDESC_CONFIG;
	expect_given_up(fh, fd, "device descriptor: not one (type 2)");
	fd->fd_ddesc[1] = UDESC_DEVICE;
	fd->fd_ddesc[0] = 64;	/* says it is longer than it is */
	expect_given_up(fh, fd, "device descriptor: bad bLength");
	fd->fd_ddesc[0] = 18;
	fd->fd_hook = hook_bad_actlen;
	/* the data (zeros) is taken only as far as asked */
	expect_given_up(fh, fd, "device descriptor: not one (type 0)");
	fdev_free(fd);

	/* configurations */
	memcpy(c, kbd_cfg, sizeof(kbd_cfg));
	c[2] = 200;		/* wTotalLength beyond what it sends */
	fd = bad_cfg("long", c, sizeof(kbd_cfg));
	expect_given_up(fh, fd, "configuration: short (34 of 200 bytes)");
	fdev_free(fd);
	c[2] = 0x88;
	c[3] = 0x13;		/* 5000 bytes */
	fd = bad_cfg("huge", c, sizeof(kbd_cfg));
	expect_given_up(fh, fd, "configuration: too long (5000 bytes), "
	    "giving up");
	fdev_free(fd);
	c[2] = 20;
	c[3] = 0;		/* shorter than its descriptors */
	fd = bad_cfg("cut", c, sizeof(kbd_cfg));
	expect_given_up(fh, fd, "configuration: descriptor runs past the end");
	fdev_free(fd);
	fd = bad_cfg("zero", c, 0);
	expect_given_up(fh, fd, "configuration: short (0 bytes)");
	fdev_free(fd);
	memcpy(c, kbd_cfg, sizeof(kbd_cfg));
	c[27] = 0;		/* the endpoint's bLength */
	fd = bad_cfg("zerolen", c, sizeof(kbd_cfg));
	expect_given_up(fh, fd, "configuration: zero or short bLength");
	fdev_free(fd);
	memcpy(c, kbd_cfg, sizeof(kbd_cfg));
	c[13] = 2;		/* bNumEndpoints 2, one follows */
	fd = bad_cfg("neps", c, sizeof(kbd_cfg));
	expect_given_up(fh, fd, "bNumEndpoints does not match the endpoints");
	fdev_free(fd);
	memcpy(c, kbd_cfg, sizeof(kbd_cfg));
	c[4] = 2;		/* bNumInterface 2, one present */
	fd = bad_cfg("nifaces", c, sizeof(kbd_cfg));
	expect_given_up(fh, fd, "bNumInterface does not match");
	fdev_free(fd);

	/* the good one never noticed */
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 1);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_detach, 0);
	UT_CHECK_EQ(usb_ndevices(), 1);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(kbd);
	ut_leak_check(mem);
}

UT_CASE(bad_port_never_enables)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL), *fd = fdev_kbd(USB_SPEED_FULL);
	struct fdev *devs[3] = { NULL, NULL, kbd };
	struct fakehc *fh;

	tdrv_begin();
	fh = fakehc_create(2, devs);
	fd->fd_no_enable = true;
	expect_given_up(fh, fd, "usb0 port 1: port reset: port not enabled, "
	    "giving up");
	UT_CHECK_EQ(fh->fh_nsetup, 1);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(fd);
	fdev_free(kbd);
	ut_leak_check(mem);
}

/* A device that answers nothing: every request times out. */
UT_CASE(bad_never_answers)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL), *fd = fdev_mass();
	struct fdev *devs[3] = { NULL, NULL, kbd };
	struct fakehc *fh;

	tdrv_begin();
	usb_ctrl_timeout_ms = 50;
	fh = fakehc_create(2, devs);
	fd->fd_hang_all = true;
	expect_given_up(fh, fd, "usb0 port 1: device descriptor: timed out, "
	    "retrying (addr 2)");
	UT_CHECK(ut_dmesg_has("usb0 port 1: device descriptor: timed out, "
	    "giving up (addr 4)"));
	UT_CHECK_EQ(fakehc_nheld(fh), 1);	/* only tkbd's intr xfer */
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(fd);
	fdev_free(kbd);
	ut_leak_check(mem);
}

static int
hook_no_strings(struct fdev *fd, const usb_device_request_t *req,
    uint8_t *buf, size_t len, size_t *act)
{
	(void)fd;
	(void)buf;
	(void)len;
	(void)act;
	if (req->bRequest == UR_GET_DESCRIPTOR &&
	    UGETW(req->wValue) >> 8 == UDESC_STRING)
		return EPIPE;
	return FH_PASS;
}

static int
hook_odd_strings(struct fdev *fd, const usb_device_request_t *req,
    uint8_t *buf, size_t len, size_t *act)
{
	static const uint8_t langs[6] = { 6, UDESC_STRING, 0x07, 0x04,
	    0x09, 0x04 };
	static const uint8_t s2[12] = { 40, UDESC_STRING, 'A', 0, 0xe9, 0,
	    'b', 0, ' ', 0, ' ', 0 };

	(void)fd;
	if (req->bRequest != UR_GET_DESCRIPTOR ||
	    UGETW(req->wValue) >> 8 != UDESC_STRING)
		return FH_PASS;
	if ((UGETW(req->wValue) & 0xff) == 0) {
		*act = len < 6 ? len : 6;
		memcpy(buf, langs, *act);
		return 0;
	}
	if (UGETW(req->wIndex) != 0x0409)
		return EPIPE;
	/* bLength 40 but 12 bytes sent, a non-ASCII letter, spaces */
	*act = len < 12 ? len : 12;
	memcpy(buf, s2, *act);
	return 0;
}

UT_CASE(bad_strings)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *k1 = fdev_kbd(USB_SPEED_FULL), *k2 = fdev_kbd(USB_SPEED_LOW);
	struct fdev *devs[3] = { NULL, k1, k2 };
	struct usb_device *d1, *d2;
	struct fakehc *fh;

	tdrv_begin();
	k1->fd_hook = hook_no_strings;
	k2->fd_hook = hook_odd_strings;
	fh = fakehc_create(2, devs);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 2);
	d1 = fakehc_udev(fh, 1, 0);
	d2 = fakehc_udev(fh, 2, 0);
	UT_CHECK(d1 != NULL && d1->ud_product[0] == '\0' &&
	    d1->ud_vendor[0] == '\0');
	UT_CHECK(d2 != NULL && strcmp(d2->ud_product, "A?b") == 0);
	UT_CHECK(strstr(tdrv_list(), "usb0 port 1: addr 1 0627:0001 "
	    "full-speed hid -> tkbd0") != NULL);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(k1);
	fdev_free(k2);
	ut_leak_check(mem);
}

static bool
asked(struct fakehc *fh, void *arg)
{
	(void)fh;
	return ((struct fdev *)arg)->fd_nreq >= 1;
}

static bool
quiet_port1(struct fakehc *fh, void *arg)
{
	(void)arg;
	return fh->fh_nslots == 1 && fh->fh_roothub.uh_retries[1] == 0 &&
	    fh->fh_roothub.uh_children[1] == NULL;
}

/* Unplugged while its enumeration waits for an answer: the request
 * times out, the device is torn down, not retried, nothing leaks. */
UT_CASE(bad_unplug_during_enumeration)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL), *fd = fdev_mass();
	struct fdev *devs[3] = { NULL, NULL, kbd };
	struct fakehc *fh;

	tdrv_begin();
	usb_ctrl_timeout_ms = 100;
	fh = fakehc_create(2, devs);
	fd->fd_hang_all = true;
	fakehc_plug(fh, NULL, 1, fd);
	UT_CHECK(fakehc_wait(fh, asked, fd, 3000));
	fakehc_unplug(fh, NULL, 1);
	ut_sleep_ms(150);
	UT_CHECK(fakehc_wait(fh, quiet_port1, NULL, 3000));
	UT_CHECK_EQ(fd->fd_nreq, 1);
	UT_CHECK(fd->fd_udev == NULL);
	UT_LOG("usb0 port 1: device descriptor: timed out");
	UT_CHECK_EQ(tdrv_stats.ts_mass_attach, 0);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(fd);
	fdev_free(kbd);
	ut_leak_check(mem);
}
