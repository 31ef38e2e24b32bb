/*
 * What the boot-protocol HID drivers (ukbd, ums) share (private to
 * sys/dev/usb): class requests to their interface, and the set-up of
 * the interrupt IN endpoint their reports come from.
 */
#ifndef SYS_DEV_USB_UHIDBOOT_H
#define SYS_DEV_USB_UHIDBOOT_H

#include <stddef.h>
#include <stdint.h>

/* HID class requests (HID 1.11, 7.2) and their values */
#define UR_HID_SET_REPORT 0x09
#define UR_HID_SET_IDLE 0x0a
#define UR_HID_SET_PROTOCOL 0x0b
#define UHID_REPORT_OUTPUT 0x02
#define UHID_PROTOCOL_BOOT 0

struct device;
struct usb_device;
struct usb_pipe;
struct usb_xfer;

/* A HID class request (OUT, or none with len 0) to interface iface. */
int uhid_request(struct usb_device *udev, unsigned iface, uint8_t request,
    uint16_t value, void *data, uint16_t len);

/*
 * Finds iface's interrupt IN endpoint (ENXIO if there is none with
 * packets of at least minlen bytes), asks for the boot protocol and for
 * reports on changes only (SET_IDLE 0; a device that refuses either is
 * reported and used anyway), opens the pipe and allocates one transfer
 * of the endpoint's packet size. On failure nothing is left open.
 */
int uhid_boot_open(struct device *dev, struct usb_device *udev,
    unsigned iface, size_t minlen, struct usb_pipe **pipep,
    struct usb_xfer **xferp);

#endif
