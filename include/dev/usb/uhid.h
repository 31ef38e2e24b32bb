/*
 * What the USB HID boot-protocol drivers (sys/dev/usb/ukbd.c, ums.c)
 * offer the rest of the kernel and the libc glue: the pointer that the
 * mice move, and per-device counters. (Keyboard characters leave
 * through <kern/ttyin.h>.)
 *
 * Every mouse attached moves the same pointer, as on a desktop. The
 * position is the sum of all movement reported since boot (HID
 * convention: x grows to the right, y downwards; the wheel positive
 * away from the user), not clamped to any screen. A button is down
 * while any mouse holds it down. us_events counts the reports that
 * changed something and the attach and detach of mice: compare it with
 * an earlier value to know whether anything happened.
 *
 * Callable in thread context with a CPU.
 */
#ifndef DEV_USB_UHID_H
#define DEV_USB_UHID_H

#include <stdint.h>

#include <kern/device.h>

#define UMS_BUTTON_LEFT 0x01
#define UMS_BUTTON_RIGHT 0x02
#define UMS_BUTTON_MIDDLE 0x04
#define UMS_BUTTON_4 0x08
#define UMS_BUTTON_5 0x10
#define UMS_NBUTTONS 5

struct ums_state {
	int64_t us_x, us_y;		/* position: sum of dx, dy */
	int64_t us_wheel;		/* sum of wheel steps */
	uint32_t us_buttons;		/* UMS_BUTTON_* held now */
	uint64_t us_events;		/* changes so far */
	unsigned us_nmice;		/* mice attached now */
};

void ums_get_state(struct ums_state *st);
/*
 * Wait until us_events differs from seen, at most timeout_ms (negative:
 * no limit, 0: do not wait); *st gets the state either way. 0, or
 * ETIMEDOUT if nothing changed.
 */
int ums_wait(uint64_t seen, int timeout_ms, struct ums_state *st);

/* Counters of one keyboard (ukbd) or mouse (ums). */
struct uhid_stats {
	unsigned long uh_reports;	/* reports received */
	unsigned long uh_bad;		/* of a length we cannot use: ignored */
	unsigned long uh_rollover;	/* keyboard error reports: ignored */
	unsigned long uh_errors;	/* failed transfers */
};
/* 0, or EINVAL if dev is not a ukbd (ums) device. */
int ukbd_get_stats(device_t dev, struct uhid_stats *st);
int ums_get_stats(device_t dev, struct uhid_stats *st);

#endif
