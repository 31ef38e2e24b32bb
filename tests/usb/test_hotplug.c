/*
 * Hot plug and unplug on the root hub at run time (usb_hub_changed
 * from the "controller"), the explore thread idle in between (no
 * polling), unit numbers reused, the 100 ms debounce, a connection
 * that bounces, and a quick unplug/replug seen as a new device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/callout.h>

#include "descs.h"
#include "fakehc.h"
#include "tdrv.h"
#include "usb_impl.h"
#include "ut.h"

static bool
attached_n(struct fakehc *fh, void *arg)
{
	(void)fh;
	return tdrv_stats.ts_kbd_attach + tdrv_stats.ts_mass_attach >=
	    *(int *)arg;
}

static bool
detached_n(struct fakehc *fh, void *arg)
{
	(void)fh;
	return tdrv_stats.ts_kbd_detach + tdrv_stats.ts_mass_detach >=
	    *(int *)arg;
}

UT_CASE(hotplug_root)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL), *mass = fdev_mass();
	struct fakehc *fh;
	unsigned nstatus;

	tdrv_begin();
	fh = fakehc_create(3, NULL);
	UT_CHECK_EQ(usb_ndevices(), 0);
	/* idle: the explore thread does not poll the ports */
	ut_sleep_ms(20);
	nstatus = fh->fh_nstatus;
	ut_sleep_ms(300);
	UT_CHECK_EQ(fh->fh_nstatus, nstatus);

	fakehc_plug(fh, NULL, 2, kbd);
	UT_CHECK(fakehc_wait(fh, attached_n, &(int){1}, 3000));
	UT_LOG("usb0 port 2: addr 1 0627:0001 full-speed hid "
	    "\"QEMU USB Keyboard\" -> tkbd0");
	fakehc_plug(fh, NULL, 3, mass);
	UT_CHECK(fakehc_wait(fh, attached_n, &(int){2}, 3000));
	UT_CHECK_EQ(usb_ndevices(), 2);

	fakehc_unplug(fh, NULL, 2);
	UT_CHECK(fakehc_wait(fh, detached_n, &(int){1}, 3000));
	UT_LOG("usb0 port 2: detached (tkbd0)");
	UT_CHECK_EQ(tdrv_stats.ts_kbd_detach, 1);
	UT_CHECK_EQ(tdrv_stats.ts_mass_detach, 0);
	UT_CHECK_EQ(usb_ndevices(), 1);

	/* again, on another port: the unit tkbd0 is reused */
	ut_dmesg_mark();
	fakehc_plug(fh, NULL, 1, kbd);
	UT_CHECK(fakehc_wait(fh, attached_n, &(int){3}, 3000));
	UT_LOG("usb0 port 1: addr 3 0627:0001 full-speed hid "
	    "\"QEMU USB Keyboard\" -> tkbd0");

	/* unplug and plug again before the explore thread looks: the
	 * connect change makes it a new device */
	fakehc_unplug(fh, NULL, 1);
	fakehc_plug(fh, NULL, 1, kbd);
	UT_CHECK(fakehc_wait(fh, attached_n, &(int){4}, 3000));
	UT_CHECK(fakehc_wait(fh, detached_n, &(int){2}, 3000));
	UT_CHECK_EQ(usb_ndevices(), 2);
	UT_CHECK_EQ(fh->fh_nslots, 2);

	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_detach, 3);
	UT_CHECK_EQ(tdrv_stats.ts_mass_detach, 1);
	fdev_free(kbd);
	fdev_free(mass);
	ut_leak_check(mem);
}

/* With the real debounce (100 ms), attaching takes at least that. */
UT_CASE(hotplug_debounce)
{
	uint64_t mem = ut_kmem_inuse(), t0, dt;
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL);
	struct fakehc *fh;

	tdrv_begin();
	usb_debounce_ms = USB_DEBOUNCE_MS;
	fh = fakehc_create(1, NULL);
	t0 = kclock_ns();
	fakehc_plug(fh, NULL, 1, kbd);
	UT_CHECK(fakehc_wait(fh, attached_n, &(int){1}, 3000));
	dt = (kclock_ns() - t0) / 1000000;
	printf("    attached %llu ms after the plug\n", (unsigned long long)dt);
	UT_CHECK(dt >= USB_DEBOUNCE_MS);
	UT_CHECK(dt < 1000);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	usb_debounce_ms = 1;
	fdev_free(kbd);
	ut_leak_check(mem);
}

/* A connection that goes away during the debounce is not enumerated. */
UT_CASE(hotplug_bounce)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL);
	struct fakehc *fh;

	tdrv_begin();
	usb_debounce_ms = 50;
	fh = fakehc_create(1, NULL);
	fakehc_plug(fh, NULL, 1, kbd);
	ut_sleep_ms(10);
	fakehc_unplug(fh, NULL, 1);
	ut_sleep_ms(300);
	UT_CHECK_EQ(fh->fh_nsetup, 0);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 0);
	fakehc_plug(fh, NULL, 1, kbd);
	UT_CHECK(fakehc_wait(fh, attached_n, &(int){1}, 3000));
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	usb_debounce_ms = 1;
	fdev_free(kbd);
	ut_leak_check(mem);
}
