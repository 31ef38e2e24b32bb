/*
 * The boot-protocol HID drivers' shared set-up (uhidboot.h): HID 1.11
 * class requests (section 7.2) and the interrupt IN endpoint.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <dev/usb/uhid.h>
#include <dev/usb/usb.h>
#include <dev/usb/usbdi.h>
#include <kern/device.h>
#include <kern/klog.h>

#include "uhidboot.h"

int
uhid_request(struct usb_device *udev, unsigned iface, uint8_t request,
    uint16_t value, void *data, uint16_t len)
{
	usb_device_request_t req;

	req.bmRequestType = UT_WRITE_CLASS_INTERFACE;
	req.bRequest = request;
	USETW(req.wValue, value);
	USETW(req.wIndex, iface);
	USETW(req.wLength, len);
	return usb_control(udev, &req, data, NULL, 0);
}

int
uhid_boot_open(struct device *dev, struct usb_device *udev, unsigned iface,
    size_t minlen, struct usb_pipe **pipep, struct usb_xfer **xferp)
{
	const usb_endpoint_descriptor_t *ed;
	int rv;

	ed = usb_find_endpoint(udev, iface, UE_DIR_IN, UE_INTERRUPT, 0);
	if (ed == NULL || UE_MPS(ed->wMaxPacketSize) < minlen) {
		aprint_error(dev, "no usable interrupt IN endpoint");
		return ENXIO;
	}
	if ((rv = uhid_request(udev, iface, UR_HID_SET_PROTOCOL,
	    UHID_PROTOCOL_BOOT, NULL, 0)) != 0)
		aprint_normal(dev, "SET_PROTOCOL failed (error %d); "
		    "hoping for boot reports", rv);
	if ((rv = uhid_request(udev, iface, UR_HID_SET_IDLE, 0, NULL, 0)) != 0)
		aprint_debug(dev, "SET_IDLE failed (error %d)", rv);
	if ((rv = usb_pipe_open(udev, ed, pipep)) != 0) {
		aprint_error(dev, "cannot open the endpoint (error %d)", rv);
		return rv;
	}
	if ((rv = usb_xfer_alloc(*pipep, UE_MPS(ed->wMaxPacketSize),
	    xferp)) != 0) {
		aprint_error(dev, "no memory for transfers");
		usb_pipe_close(*pipep);
		return rv;
	}
	return 0;
}
