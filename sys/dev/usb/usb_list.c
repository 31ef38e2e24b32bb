/*
 * The lsusb-like listing: one line per device on every bus,
 *   usb0 port 1: addr 1 0627:0001 high-speed hid "QEMU USB Keyboard" -> ukbd0
 * written by the enumeration when a device attaches, by usb_list to the
 * kernel log, and by usb_list_to to whoever asks (apps/lsdev).
 *
 * The walk holds usb_tree_mtx (usb_tree_lock), under which the explore
 * threads change uh_children and ud_drivers; the lines are copied out
 * under it and handed to the out function after it is dropped.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/device.h>
#include <kern/klog.h>
#include <kern/kmem.h>

#include "usb_impl.h"

static const struct {
	uint8_t code;
	const char *name;
} usb_classes[] = {
	{ 0x01, "audio" }, { 0x02, "cdc" }, { 0x03, "hid" },
	{ 0x05, "physical" }, { 0x06, "image" }, { 0x07, "printer" },
	{ 0x08, "mass" }, { 0x09, "hub" }, { 0x0a, "cdc-data" },
	{ 0x0b, "smartcard" }, { 0x0e, "video" }, { 0xdc, "diagnostic" },
	{ 0xe0, "wireless" }, { 0xef, "misc" }, { 0xfe, "app" },
	{ 0xff, "vendor" },
};

/* The device's class, or its first interface's when it has none. */
static uint8_t
dev_class(const struct usb_device *dev)
{
	const uint8_t *p = (const uint8_t *)dev->ud_cdesc;
	size_t off;

	if (dev->ud_ddesc.bDeviceClass != 0 || p == NULL)
		return dev->ud_ddesc.bDeviceClass;
	for (off = p[0]; off + 2 <= dev->ud_cdesc_len; off += p[off])
		if (p[off + 1] == UDESC_INTERFACE &&
		    off + sizeof(usb_interface_descriptor_t) <= dev->ud_cdesc_len)
			return ((const usb_interface_descriptor_t *)
			    (const void *)(p + off))->bInterfaceClass;
	return 0;
}

static const char *
class_name(uint8_t code, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(usb_classes) / sizeof(usb_classes[0]);
	    i++)
		if (usb_classes[i].code == code)
			return usb_classes[i].name;
	ksnprintf(buf, len, "class-%02x", code);
	return buf;
}

void
usb_driver_names(const struct usb_device *dev, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < 16 && o + 1 < len; i++) {
		if (dev->ud_drivers[i] == NULL)
			continue;
		o += (size_t)ksnprintf(buf + o, len - o, "%s%s",
		    o > 0 ? "," : "", device_xname(dev->ud_drivers[i]));
		if (o >= len)
			o = len - 1;
	}
	if (o == 0)
		ksnprintf(buf, len, "none");
}

void
usb_list_line(const struct usb_device *dev, char *buf, size_t len)
{
	char names[64], cb[12], prod[sizeof(dev->ud_product) + 3] = "";

	usb_driver_names(dev, names, sizeof(names));
	if (dev->ud_product[0] != '\0')
		ksnprintf(prod, sizeof(prod), " \"%s\"", dev->ud_product);
	ksnprintf(buf, len, "%s: addr %u %04x:%04x %s %s%s -> %s",
	    dev->ud_where, dev->ud_addr, UGETW(dev->ud_ddesc.idVendor),
	    UGETW(dev->ud_ddesc.idProduct), usb_speed_name(dev->ud_speed),
	    class_name(dev_class(dev), cb, sizeof(cb)), prod, names);
}

/* A snapshot of the listing: up to ls_max lines of KLOG_LINEMAX. */
struct list_snap {
	char *ls_lines;
	int ls_max;
	int ls_n;	/* devices seen (may exceed ls_max) */
};

/* dev and what is below it, parents first; usb_tree_mtx held. */
static void
list_dev(const struct usb_device *dev, struct list_snap *ls)
{
	if (ls->ls_n < ls->ls_max)
		usb_list_line(dev, ls->ls_lines + (size_t)ls->ls_n *
		    KLOG_LINEMAX, KLOG_LINEMAX);
	ls->ls_n++;
	if (dev->ud_hub == NULL || dev->ud_hub->uh_children == NULL)
		return;
	for (unsigned p = 1; p <= dev->ud_hub->uh_nports; p++)
		if (dev->ud_hub->uh_children[p] != NULL)
			list_dev(dev->ud_hub->uh_children[p], ls);
}

/* Buses in attach order (usb_buses is newest first); lock held. */
static void
list_buses(const struct usb_core *uc, struct list_snap *ls)
{
	const struct usb_hub *rh;

	if (uc == NULL)
		return;
	list_buses(uc->uc_next, ls);
	rh = uc->uc_bus->ub_roothub;
	for (unsigned p = 1; rh->uh_children != NULL && p <= rh->uh_nports;
	    p++)
		if (rh->uh_children[p] != NULL)
			list_dev(rh->uh_children[p], ls);
}

static void
snapshot(struct list_snap *ls)
{
	ls->ls_n = 0;
	usb_tree_lock();
	list_buses(usb_buses, ls);
	usb_tree_unlock();
}

/*
 * Callable with or without a rump kernel CPU (apps/lsdev calls it from
 * main): the lines are made under the tree lock into memory from kmem,
 * and out is called after the lock is dropped.
 */
void
usb_list_to(usb_out_t out, void *arg)
{
	struct list_snap ls = { NULL, 0, 0 };

	snapshot(&ls);
	for (int tries = 0; tries < 3 && ls.ls_n > ls.ls_max; tries++) {
		if (ls.ls_lines != NULL)
			kmem_free(ls.ls_lines, (size_t)ls.ls_max * KLOG_LINEMAX);
		ls.ls_max = ls.ls_n + 4;
		ls.ls_lines = kmem_alloc((size_t)ls.ls_max * KLOG_LINEMAX,
		    KM_NOSLEEP);
		if (ls.ls_lines == NULL) {
			out(arg, "usb: out of memory for the listing");
			return;
		}
		snapshot(&ls);
	}
	for (int i = 0; i < ls.ls_n && i < ls.ls_max; i++)
		out(arg, ls.ls_lines + (size_t)i * KLOG_LINEMAX);
	if (ls.ls_lines != NULL)
		kmem_free(ls.ls_lines, (size_t)ls.ls_max * KLOG_LINEMAX);
}

static void
to_klog(void *arg, const char *line)
{
	(void)arg;
	klog(LOG_INFO, "%s", line);
}

void
usb_list(void)
{
	usb_list_to(to_klog, NULL);
}

int
usb_ndevices(void)
{
	struct list_snap ls = { NULL, 0, 0 };

	snapshot(&ls);
	return ls.ls_n;
}
