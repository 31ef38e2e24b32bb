/*
 * Enumeration of devices present when the bus attaches: a keyboard and
 * a disk (addresses, speeds, strings, the listing, drivers attached and
 * detached), configuration selection (the second configuration when
 * only it has an interface a driver wants; the first when none has),
 * and both ways of taking a bus down.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/device.h>
#include <kern/rump.h>

#include "descs.h"
#include "fakehc.h"
#include "tdrv.h"
#include "usb_impl.h"
#include "ut.h"

UT_CASE(enum_kbd_and_mass)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL), *mass = fdev_mass();
	struct fdev *devs[5] = { NULL, kbd, mass, NULL, NULL };
	struct usb_device *dk, *dm;
	struct fakehc *fh;
	const char *list;

	tdrv_begin();
	fh = fakehc_create(4, devs);
	/* attached before usb_bus_attach returned */
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 1);
	UT_CHECK_EQ(tdrv_stats.ts_mass_attach, 1);
	UT_CHECK_EQ(usb_ndevices(), 2);
	dk = fakehc_udev(fh, 1, 0);
	dm = fakehc_udev(fh, 2, 0);
	UT_CHECK(dk != NULL && dm != NULL);
	if (dk != NULL && dm != NULL) {
		UT_CHECK(dk->ud_addr != 0 && dm->ud_addr != 0 &&
		    dk->ud_addr != dm->ud_addr);
		UT_CHECK_EQ(dk->ud_speed, USB_SPEED_FULL);
		UT_CHECK_EQ(dm->ud_speed, USB_SPEED_HIGH);
		UT_CHECK_EQ(dk->ud_route, 0);
		UT_CHECK_EQ(dk->ud_rootport, 1);
		UT_CHECK(dk->ud_tt_hub == NULL);
		UT_CHECK(strcmp(dk->ud_where, "usb0 port 1") == 0);
		UT_CHECK(strcmp(dk->ud_product, "QEMU USB Keyboard") == 0);
		UT_CHECK(strcmp(dk->ud_vendor, "QEMU") == 0);
		UT_CHECK_EQ(UGETW(dk->ud_ddesc.idVendor), 0x0627);
		UT_CHECK(dk->ud_cdesc != NULL && dk->ud_cdesc_len == 34);
		UT_CHECK_EQ(dm->ud_pipe0->up_mps, 64);
		UT_CHECK_EQ(dk->ud_pipe0->up_mps, 8);
	}
	UT_CHECK_EQ(kbd->fd_config, 1);
	UT_CHECK_EQ(mass->fd_config, 1);
	UT_CHECK_EQ(fh->fh_npipes, 3);	/* kbd intr, mass in + out */
	/* the listing works without a rump kernel CPU too (apps call it) */
	rump_unschedule();
	list = tdrv_list();
	UT_CHECK_EQ(usb_ndevices(), 2);
	rump_schedule();
	UT_CHECK(strstr(list, "usb0 port 1: addr 1 0627:0001 full-speed hid "
	    "\"QEMU USB Keyboard\" -> tkbd0") != NULL);
	UT_CHECK(strstr(list, "usb0 port 2: addr 2 0446:0001 high-speed mass "
	    "\"QEMU USB HARDDRIVE\" -> tmass0") != NULL);
	UT_CHECK(ut_dmesg_has("usb0 port 1: addr 1 0627:0001"));
	UT_CHECK(ut_dmesg_has("tkbd0 at usb0 port 1 addr 1 iface 0"));
	printf("%s", list);
	ut_dmesg_mark();
	usb_list();
	UT_LOG("usb0 port 2: addr 2 0446:0001 high-speed mass");
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_detach, 1);
	UT_CHECK_EQ(tdrv_stats.ts_mass_detach, 1);
	UT_CHECK_EQ(usb_ndevices(), 0);
	fdev_free(kbd);
	fdev_free(mass);
	ut_leak_check(mem);
}

/* The bus goes away by config_detach of the controller alone. */
UT_CASE(enum_detach_by_autoconf)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *kbd = fdev_kbd(USB_SPEED_LOW), *mass = fdev_mass();
	struct fdev *devs[3] = { NULL, mass, kbd };
	struct fakehc *fh;

	tdrv_begin();
	fh = fakehc_create(2, devs);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 1);
	UT_CHECK_EQ(tdrv_stats.ts_mass_attach, 1);
	UT_CHECK_EQ(fakehc_destroy(fh, false), 0);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_detach, 1);
	UT_CHECK_EQ(tdrv_stats.ts_mass_detach, 1);
	UT_CHECK_EQ(usb_ndevices(), 0);
	fdev_free(kbd);
	fdev_free(mass);
	ut_leak_check(mem);
}

UT_CASE(enum_config_second_chosen)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *net = fdev_net();
	struct fdev *devs[2] = { NULL, net };
	struct usb_device *d;
	struct fakehc *fh;

	tdrv_begin();
	fh = fakehc_create(1, devs);
	UT_CHECK_EQ(net->fd_config, 2);
	UT_CHECK_EQ(net->fd_nsetconfig, 1);
	UT_CHECK_EQ(tdrv_stats.ts_ecm_attach, 1);
	UT_CHECK_EQ(tdrv_stats.ts_ecm_config, 2);
	UT_CHECK_EQ(tdrv_stats.ts_ecm_claimed, 3);	/* ifaces 0 and 1 */
	d = fakehc_udev(fh, 1, 0);
	UT_CHECK(d != NULL && d->ud_cdesc_len == sizeof(net_cfg2));
	if (d != NULL) {
		UT_CHECK_EQ(usb_set_interface(d, 1, 1), 0);
		UT_CHECK_EQ(usb_set_interface(d, 256, 0), EINVAL);
	}
	/* the data interface, claimed, was offered to nobody */
	UT_CHECK(!ut_dmesg_has("not configured"));
	UT_CHECK(strstr(tdrv_list(), "full-speed cdc \"RNDIS/QEMU USB "
	    "Network Device\" -> tecm0") != NULL);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	UT_CHECK_EQ(tdrv_stats.ts_ecm_detach, 1);
	fdev_free(net);
	ut_leak_check(mem);
}

/* No configuration has anything a driver wants: the first is set,
 * the interfaces are reported as not configured. */
UT_CASE(enum_config_first_when_unwanted)
{
	uint64_t mem = ut_kmem_inuse();
	uint8_t c2[sizeof(net_cfg1)];
	struct fdev *net = fdev_net();
	struct fdev *devs[2] = { NULL, net };
	struct fakehc *fh;

	memcpy(c2, net_cfg1, sizeof(c2));
	c2[5] = 7;		/* bConfigurationValue */
	fdev_set_config(net, 1, c2, sizeof(c2));
	tdrv_begin();
	fh = fakehc_create(1, devs);
	UT_CHECK_EQ(net->fd_config, 1);
	UT_CHECK_EQ(tdrv_stats.ts_ecm_attach, 0);
	UT_CHECK(ut_dmesg_has("0525:a4a1 class 02/02/ff at usb0 port 1 iface 0 "
	    "not configured"));
	UT_CHECK(strstr(tdrv_list(), "-> none") != NULL);
	UT_CHECK_EQ(usb_ndevices(), 1);
	UT_CHECK_EQ(fakehc_destroy(fh, false), 0);
	fdev_free(net);
	ut_leak_check(mem);
}
