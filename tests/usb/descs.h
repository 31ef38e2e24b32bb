/*
 * Descriptor sets of the kinds of devices QEMU offers (values written
 * for these tests, shaped like a boot keyboard, a bulk-only disk, a
 * two-configuration network adapter (RNDIS-like first, CDC ECM second)
 * and a USB 3 disk), and constructors of fake devices from them.
 */
#ifndef TESTS_USB_DESCS_H
#define TESTS_USB_DESCS_H

#include <stddef.h>
#include <stdint.h>

#include "fakehc.h"

extern const uint8_t kbd_dd[18], mass_dd[18], net_dd[18], ssmass_dd[18];
extern const uint8_t kbd_cfg[34], mass_cfg[32], net_cfg1[67], net_cfg2[80],
    ssmass_cfg[44];

struct fdev *fdev_kbd(enum usb_speed speed);	/* LS, FS or HS */
struct fdev *fdev_mass(void);			/* high-speed */
struct fdev *fdev_net(void);			/* two configurations */
struct fdev *fdev_ssmass(void);			/* super-speed */

#endif
