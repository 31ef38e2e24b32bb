/*
 * Enumeration fuzz: USB_FUZZ_N (default 20,000) devices built from
 * randomly mutated real descriptor sets (device descriptor and every
 * configuration) are plugged into port 1 one after the other, go
 * through the whole enumeration (and class driver attach when they
 * still look like something), and are unplugged. A good keyboard on
 * port 3 stays attached and working throughout, and a good disk
 * plugged into port 2 at the end enumerates. Under ASan/UBSan nothing
 * may crash, read out of bounds or leak.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/kmem.h>

#include "descs.h"
#include "fakehc.h"
#include "tdrv.h"
#include "usb_impl.h"
#include "ut.h"

static bool
settled(struct fakehc *fh, void *arg)
{
	bool ok;

	(void)arg;
	usb_tree_lock();
	ok = fh->fh_roothub.uh_children[1] != NULL ||
	    fh->fh_roothub.uh_retries[1] >= USB_ENUM_RETRIES;
	usb_tree_unlock();
	return ok;
}

static bool
cleared(struct fakehc *fh, void *arg)
{
	struct fdev *fd = arg;
	bool ok;

	usb_tree_lock();
	ok = fh->fh_roothub.uh_children[1] == NULL &&
	    fh->fh_roothub.uh_retries[1] == 0 && fd->fd_udev == NULL;
	usb_tree_unlock();
	return ok;
}

/* A random base set, mutated. */
static struct fdev *
fuzz_dev(uint64_t *rs)
{
	static uint8_t buf[FH_MAXCFG][256];
	struct fdev *base, *fd;
	uint8_t dd[18];
	size_t ddlen = 18;

	switch (ut_randn(rs, 5)) {
	case 0:
		base = fdev_kbd(ut_randn(rs, 2) ? USB_SPEED_LOW : USB_SPEED_FULL);
		break;
	case 1:
		base = fdev_mass();
		break;
	case 2:
		base = fdev_net();
		break;
	case 3:
		base = fdev_ssmass();
		break;
	default:
		base = fdev_new_hub("fakehub", USB_SPEED_HIGH, 2);
		base->fd_is_hub = false;	/* looks like one, is not */
		break;
	}
	memcpy(dd, base->fd_ddesc, 18);
	if (ut_randn(rs, 3) == 0)
		ddlen = fuzz_mutate(rs, dd, 18, 18);
	fd = fdev_new("fuzz", base->fd_speed, dd, NULL, NULL, 0);
	fd->fd_ddesc_len = ddlen;
	for (unsigned i = 0; i < base->fd_ncfg; i++) {
		size_t len = base->fd_cfglen[i];

		memcpy(buf[i], base->fd_cfg[i], len);
		if (ut_randn(rs, 3) != 0)
			len = fuzz_mutate(rs, buf[i], len, sizeof(buf[i]));
		fdev_set_config(fd, i, buf[i], len);
	}
	if (ut_randn(rs, 4) == 0)
		fd->fd_str[2] = "fuzzed";
	fdev_free(base);
	return fd;
}

static unsigned
fuzz_count(void)
{
	const char *s = getenv("USB_FUZZ_N");

	return s != NULL ? (unsigned)strtoul(s, NULL, 10) : 20000;
}

static bool
kbd_works(struct fakehc *fh, struct usb_device *d)
{
	static const uint8_t rep[8] = { 0, 0, 5 };
	int before = tdrv_stats.ts_kbd_done;
	struct usb_pipe *ip = tdrv_kbd_pipe(d);
	bool done = false;

	/* the driver may still be submitting its first read (2 CPUs) */
	for (int ms = 0; ip != NULL && !done && ms < 2000; ms++) {
		done = fakehc_complete(fh, ip, 0, rep, 8);
		if (!done)
			ut_sleep_ms(1);
	}
	if (!done)
		return false;
	return UT_WAIT(tdrv_stats.ts_kbd_done == before + 1, 2000);
}

UT_CASE(fuzz_enumeration)
{
	uint64_t mem = ut_kmem_inuse(), rs = 0x0123456789abcdefULL, t0;
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL), *mass = fdev_mass();
	struct fdev *devs[4] = { NULL, NULL, NULL, kbd };
	unsigned n = fuzz_count(), attached = 0, stuck = 0;
	struct usb_device *dk;
	struct fakehc *fh;

	tdrv_begin();
	usb_debounce_ms = 0;
	/* the good devices get a timeout a loaded machine cannot miss;
	 * the fuzzed ones a short one, so that silent ones go quickly */
	usb_ctrl_timeout_ms = 3000;
	fh = fakehc_create(3, devs);
	dk = fakehc_udev(fh, 3, 0);
	UT_CHECK(dk != NULL && kbd_works(fh, dk));
	usb_ctrl_timeout_ms = 200;
	t0 = kclock_ns();
	for (unsigned i = 0; i < n && stuck < 3; i++) {
		struct fdev *fd = fuzz_dev(&rs);

		fakehc_plug(fh, NULL, 1, fd);
		if (!fakehc_wait(fh, settled, NULL, 5000)) {
			printf("    iteration %u: port 1 did not settle\n", i);
			stuck++;
		}
		if (fakehc_udev(fh, 1, 0) != NULL)
			attached++;
		fakehc_unplug(fh, NULL, 1);
		if (!fakehc_wait(fh, cleared, fd, 5000)) {
			printf("    iteration %u: port 1 did not clear\n", i);
			stuck++;
		}
		fdev_free(fd);
	}
	UT_CHECK_EQ(stuck, 0);
	printf("    %u fuzzed devices in %llu ms: %u attached, %u given up\n",
	    n, (unsigned long long)((kclock_ns() - t0) / 1000000), attached,
	    n - attached);
	UT_CHECK(attached > 0 && attached < n);
	/* the keyboard was never disturbed, and still works */
	UT_CHECK(fakehc_udev(fh, 3, 0) == dk);
	UT_CHECK(kbd_works(fh, dk));
	/* a good device after all that */
	usb_ctrl_timeout_ms = 3000;
	fakehc_plug(fh, NULL, 2, mass);
	UT_CHECK(UT_WAIT(tdrv_stats.ts_mass_attach > 0 &&
	    fakehc_udev(fh, 2, 0) != NULL &&
	    tdrv_mass_find(fakehc_udev(fh, 2, 0)) != NULL, 3000));
	UT_CHECK_EQ(usb_ndevices(), 2);
	UT_CHECK_EQ(fh->fh_nslots, 2);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	usb_debounce_ms = 1;
	usb_ctrl_timeout_ms = 300;
	fdev_free(kbd);
	fdev_free(mass);
	ut_leak_check(mem);
}
