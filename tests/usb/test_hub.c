/*
 * External hubs: devices behind a high-speed hub (route string, TT hub
 * and port for LS/FS devices, none for HS ones), two tiers, a
 * full-speed hub (no TT), a USB 3 hub (hub depth, SS companion values
 * in the pipe), hot plug behind a hub through its status endpoint, and
 * unplugging a hub with devices behind it.
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
kbd_attached(struct fakehc *fh, void *arg)
{
	(void)fh;
	return tdrv_stats.ts_kbd_attach >= *(int *)arg;
}

static bool
kbd_detached(struct fakehc *fh, void *arg)
{
	(void)fh;
	return tdrv_stats.ts_kbd_detach >= *(int *)arg;
}

static bool
no_slots(struct fakehc *fh, void *arg)
{
	(void)arg;
	return fh->fh_nslots == 0;
}

UT_CASE(hub_hs_with_devices)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *hub = fdev_new_hub("hub", USB_SPEED_HIGH, 4);
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL), *mass = fdev_mass();
	struct fdev *kbd2 = fdev_kbd(USB_SPEED_LOW);
	struct fdev *devs[3] = { NULL, hub, NULL };
	struct usb_device *dh, *dk, *dm, *dk2;
	struct fakehc *fh;
	int two = 2;

	tdrv_begin();
	fdev_hub_put(hub, 2, kbd);
	fdev_hub_put(hub, 3, mass);
	fh = fakehc_create(2, devs);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 1);
	UT_CHECK_EQ(tdrv_stats.ts_mass_attach, 1);
	UT_CHECK_EQ(usb_ndevices(), 3);
	UT_CHECK_EQ(hub->fd_hub_nports, 4);
	UT_CHECK_EQ(hub->fd_hub_ttt, 1);
	UT_CHECK_EQ(hub->fd_hub_depth, -1);	/* USB 2: no SET_HUB_DEPTH */
	UT_CHECK(hub->fd_ports[1].fp_powered && hub->fd_ports[4].fp_powered);
	dh = fakehc_udev(fh, 1, 0);
	dk = fakehc_udev(fh, 1, 2);
	dm = fakehc_udev(fh, 1, 3);
	UT_CHECK(dh != NULL && dk != NULL && dm != NULL);
	if (dh != NULL && dk != NULL && dm != NULL) {
		UT_CHECK(dh->ud_hub != NULL && dh->ud_hub->uh_nports == 4);
		UT_CHECK(dk->ud_parent == dh && dk->ud_port == 2);
		UT_CHECK_EQ(dk->ud_depth, 1);
		UT_CHECK_EQ(dk->ud_route, 0x2);
		UT_CHECK_EQ(dk->ud_rootport, 1);
		UT_CHECK(dk->ud_tt_hub == dh && dk->ud_tt_port == 2);
		UT_CHECK(dm->ud_tt_hub == NULL && dm->ud_route == 0x3);
		UT_CHECK(strcmp(dk->ud_where, "usb0 port 1.2") == 0);
	}
	UT_CHECK(strstr(tdrv_list(), "usb0 port 1.3: addr 3 0446:0001 "
	    "high-speed mass") != NULL);
	UT_CHECK(strstr(tdrv_list(), "usb0 port 1: addr 1 0409:2001 "
	    "high-speed hub -> uhub0") != NULL);

	/* hot plug behind the hub: its status endpoint reports it */
	fakehc_plug(fh, hub, 4, kbd2);
	UT_CHECK(fakehc_wait(fh, kbd_attached, &two, 3000));
	dk2 = fakehc_udev(fh, 1, 4);
	UT_CHECK(dk2 != NULL && dk2->ud_route == 0x4 &&
	    dk2->ud_speed == USB_SPEED_LOW && dk2->ud_tt_hub == dh &&
	    dk2->ud_tt_port == 4);
	UT_LOG("usb0 port 1.4: addr 4 0627:0001 low-speed");

	/* unplug behind the hub */
	fakehc_unplug(fh, hub, 4);
	UT_CHECK(fakehc_wait(fh, kbd_detached, &(int){1}, 3000));
	UT_LOG("usb0 port 1.4: detached (tkbd");
	/* unplug the hub: everything behind it goes */
	fakehc_unplug(fh, NULL, 1);
	UT_CHECK(fakehc_wait(fh, no_slots, NULL, 3000));
	UT_CHECK_EQ(tdrv_stats.ts_kbd_detach, 2);
	UT_CHECK_EQ(tdrv_stats.ts_mass_detach, 1);
	UT_CHECK_EQ(usb_ndevices(), 0);
	UT_LOG("usb0 port 1: detached (uhub0)");
	UT_CHECK_EQ(fh->fh_npipes, 0);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(hub);
	fdev_free(kbd);
	fdev_free(kbd2);
	fdev_free(mass);
	ut_leak_check(mem);
}

/* root port 2 -> HS hub A port 1 -> HS hub B port 3 -> FS keyboard;
 * root port 1 -> FS hub C port 2 -> LS keyboard (no TT anywhere). */
UT_CASE(hub_two_tiers_and_fs_hub)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *a = fdev_new_hub("a", USB_SPEED_HIGH, 2);
	struct fdev *b = fdev_new_hub("b", USB_SPEED_HIGH, 4);
	struct fdev *c = fdev_new_hub("c", USB_SPEED_FULL, 4);
	struct fdev *k1 = fdev_kbd(USB_SPEED_FULL), *k2 = fdev_kbd(USB_SPEED_LOW);
	struct fdev *devs[3] = { NULL, c, a };
	struct usb_device *db, *dk1, *dk2;
	struct fakehc *fh;

	tdrv_begin();
	fdev_hub_put(a, 1, b);
	fdev_hub_put(b, 3, k1);
	fdev_hub_put(c, 2, k2);
	fh = fakehc_create(2, devs);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 2);
	UT_CHECK_EQ(usb_ndevices(), 5);
	db = fakehc_udev(fh, 2, 1);
	dk1 = db != NULL && db->ud_hub != NULL ? db->ud_hub->uh_children[3] :
	    NULL;
	dk2 = fakehc_udev(fh, 1, 2);
	UT_CHECK(dk1 != NULL && dk2 != NULL);
	if (dk1 != NULL && dk2 != NULL) {
		UT_CHECK_EQ(dk1->ud_route, 0x31);
		UT_CHECK_EQ(dk1->ud_depth, 2);
		UT_CHECK_EQ(dk1->ud_rootport, 2);
		UT_CHECK(dk1->ud_tt_hub == db && dk1->ud_tt_port == 3);
		UT_CHECK(strcmp(dk1->ud_where, "usb0 port 2.1.3") == 0);
		UT_CHECK(dk2->ud_tt_hub == NULL && dk2->ud_route == 0x2);
	}
	UT_CHECK_EQ(c->fd_hub_ttt, 0);
	/* by autoconf: uhub detaches what is behind it itself */
	UT_CHECK_EQ(fakehc_destroy(fh, false), 0);
	UT_CHECK_EQ(tdrv_stats.ts_kbd_detach, 2);
	UT_CHECK_EQ(usb_ndevices(), 0);
	fdev_free(a);
	fdev_free(b);
	fdev_free(c);
	fdev_free(k1);
	fdev_free(k2);
	ut_leak_check(mem);
}

UT_CASE(hub_usb3)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *hub = fdev_new_hub("sshub", USB_SPEED_SUPER, 4);
	struct fdev *disk = fdev_ssmass();
	struct fdev *devs[2] = { NULL, hub };
	struct usb_device *d;
	struct usb_pipe *in;
	struct fakehc *fh;

	tdrv_begin();
	fdev_hub_put(hub, 3, disk);
	fh = fakehc_create(1, devs);
	UT_CHECK_EQ(hub->fd_hub_depth, 0);
	UT_CHECK_EQ(tdrv_stats.ts_mass_attach, 1);
	d = fakehc_udev(fh, 1, 3);
	UT_CHECK(d != NULL && d->ud_speed == USB_SPEED_SUPER);
	if (d != NULL) {
		UT_CHECK_EQ(d->ud_route, 3);
		UT_CHECK(d->ud_tt_hub == NULL);
		UT_CHECK_EQ(d->ud_pipe0->up_mps, 512);
		in = tdrv_mass_find(d) != NULL ?
		    tdrv_mass_inpipe(tdrv_mass_find(d)) : NULL;
		UT_CHECK(in != NULL && in->up_mps == 1024 &&
		    in->up_maxburst == 15);
	}
	UT_CHECK(strstr(tdrv_list(), "super-speed hub -> uhub0") != NULL);
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	UT_CHECK_EQ(tdrv_stats.ts_mass_detach, 1);
	fdev_free(hub);
	fdev_free(disk);
	ut_leak_check(mem);
}

static int
hook_no_reset(struct fdev *fd, const usb_device_request_t *req,
    uint8_t *buf, size_t len, size_t *act)
{
	(void)fd;
	(void)buf;
	(void)len;
	(void)act;
	if (req->bmRequestType == UT_WRITE_CLASS_OTHER &&
	    req->bRequest == UR_SET_FEATURE &&
	    UGETW(req->wValue) == UHF_PORT_RESET)
		return 0;	/* accepted, never done */
	return FH_PASS;
}

static int
hook_zero_ports(struct fdev *fd, const usb_device_request_t *req,
    uint8_t *buf, size_t len, size_t *act)
{
	static const uint8_t d[9] = { 9, UDESC_HUB, 0, 0, 0, 1, 0, 0, 0xff };

	(void)fd;
	if (req->bmRequestType != UT_READ_CLASS_DEVICE ||
	    req->bRequest != UR_GET_DESCRIPTOR)
		return FH_PASS;
	*act = len < 9 ? len : 9;
	memcpy(buf, d, *act);
	return 0;
}

static bool
log_has(struct fakehc *fh, void *arg)
{
	(void)fh;
	return ut_dmesg_has(arg);
}

/* Hubs that misbehave: a port reset that never completes, a hub
 * descriptor without ports, a status endpoint that fails. */
UT_CASE(hub_misbehaving)
{
	uint64_t mem = ut_kmem_inuse();
	struct fdev *h1 = fdev_new_hub("h1", USB_SPEED_HIGH, 2);
	struct fdev *h2 = fdev_new_hub("h2", USB_SPEED_HIGH, 2);
	struct fdev *kbd = fdev_kbd(USB_SPEED_FULL);
	struct fdev *devs[3] = { NULL, h1, h2 };
	struct usb_device *dh1;
	struct usb_pipe *sp;
	struct fakehc *fh;
	unsigned nres;

	tdrv_begin();
	h1->fd_hook = hook_no_reset;
	h2->fd_hook = hook_zero_ports;
	fdev_hub_put(h1, 2, kbd);
	fh = fakehc_create(2, devs);
	UT_LOG("uhub0: port 2: reset did not complete in 500 ms");
	UT_LOG("usb0 port 1.2: port reset: timed out, giving up");
	UT_LOG("uhub1: hub descriptor: bad (9 bytes, type 0x29, 0 ports)");
	UT_CHECK_EQ(tdrv_stats.ts_kbd_attach, 0);
	UT_CHECK_EQ(usb_ndevices(), 2);
	/* the reset works again, the status endpoint fails: it is
	 * restarted, and with a stall its halt is cleared first */
	dh1 = fakehc_udev(fh, 1, 0);
	h1->fd_hook = NULL;
	sp = fakehc_held_pipe(fh, dh1);
	UT_CHECK(sp != NULL);
	if (sp != NULL) {
		UT_CHECK(fakehc_complete(fh, sp, EIO, NULL, 0));
		UT_CHECK(UT_WAIT(fakehc_held_pipe(fh, dh1) == sp, 2000));
		nres = fh->fh_nresets;
		UT_CHECK(fakehc_complete(fh, sp, EPIPE, NULL, 0));
		UT_CHECK(UT_WAIT(fakehc_held_pipe(fh, dh1) == sp, 2000));
		UT_CHECK_EQ(fh->fh_nresets, nres + 1);
		/* at the tenth failure it gives up watching */
		for (int i = 0; i < 8; i++) {
			UT_CHECK(UT_WAIT(fakehc_held_pipe(fh, dh1) == sp,
			    2000));
			fakehc_complete(fh, sp, EIO, NULL, 0);
		}
		UT_CHECK(fakehc_wait(fh, log_has, "uhub0: status endpoint "
		    "keeps failing (error 5); ports are no longer watched",
		    2000));
		UT_CHECK(fakehc_held_pipe(fh, dh1) == NULL);
	}
	UT_CHECK_EQ(fakehc_destroy(fh, true), 0);
	fdev_free(h1);
	fdev_free(h2);
	fdev_free(kbd);
	ut_leak_check(mem);
}
