/*
 * The lsusb-like listing: one line per device on every bus,
 *   usb0 port 1: addr 1 0627:0001 high-speed hid "QEMU USB Keyboard" -> ukbd0
 * written by the enumeration when a device attaches, by usb_list to the
 * kernel log, and by usb_list_to to whoever asks (apps/lsdev).
 *
 * The walk holds usb_tree_mtx, under which the explore threads change
 * uh_children and ud_drivers: the out function must not call into USB.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/device.h>
#include <kern/klog.h>

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

/* dev and what is below it, parents first; usb_tree_mtx held. */
static int
list_dev(const struct usb_device *dev, usb_out_t out, void *arg)
{
	char line[KLOG_LINEMAX];
	int n = 1;

	if (out != NULL) {
		usb_list_line(dev, line, sizeof(line));
		out(arg, line);
	}
	if (dev->ud_hub == NULL || dev->ud_hub->uh_children == NULL)
		return n;
	for (unsigned p = 1; p <= dev->ud_hub->uh_nports; p++)
		if (dev->ud_hub->uh_children[p] != NULL)
			n += list_dev(dev->ud_hub->uh_children[p], out, arg);
	return n;
}

/* Buses in attach order (usb_buses is newest first); lock held. */
static int
list_buses(const struct usb_core *uc, usb_out_t out, void *arg)
{
	const struct usb_hub *rh;
	int n = 0;

	if (uc == NULL)
		return 0;
	n = list_buses(uc->uc_next, out, arg);
	rh = uc->uc_bus->ub_roothub;
	for (unsigned p = 1; rh->uh_children != NULL && p <= rh->uh_nports;
	    p++)
		if (rh->uh_children[p] != NULL)
			n += list_dev(rh->uh_children[p], out, arg);
	return n;
}

void
usb_list_to(usb_out_t out, void *arg)
{
	mutex_enter(&usb_tree_mtx);
	(void)list_buses(usb_buses, out, arg);
	mutex_exit(&usb_tree_mtx);
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
	int n;

	mutex_enter(&usb_tree_mtx);
	n = list_buses(usb_buses, NULL, NULL);
	mutex_exit(&usb_tree_mtx);
	return n;
}
