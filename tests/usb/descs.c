/* Descriptor tables and fake device constructors (see descs.h). */
#include <dev/usb/usb.h>

#include "descs.h"

const uint8_t kbd_dd[18] = {
	18, UDESC_DEVICE, 0x00, 0x02, 0, 0, 0, 8,
	0x27, 0x06, 0x01, 0x00, 0x00, 0x00, 1, 2, 3, 1,
};
const uint8_t kbd_cfg[34] = {
	9, UDESC_CONFIG, 34, 0, 1, 1, 0, 0xa0, 50,
	9, UDESC_INTERFACE, 0, 0, 1, UICLASS_HID, 1, 1, 0,
	9, 0x21, 0x11, 0x01, 0, 1, 0x22, 63, 0,
	7, UDESC_ENDPOINT, 0x81, UE_INTERRUPT, 8, 0, 10,
};

const uint8_t mass_dd[18] = {
	18, UDESC_DEVICE, 0x00, 0x02, 0, 0, 0, 64,
	0x46, 0x04, 0x01, 0x00, 0x00, 0x01, 1, 2, 3, 1,
};
const uint8_t mass_cfg[32] = {
	9, UDESC_CONFIG, 32, 0, 1, 1, 0, 0xc0, 50,
	9, UDESC_INTERFACE, 0, 0, 2, UICLASS_MASS, 6, 0x50, 0,
	7, UDESC_ENDPOINT, 0x81, UE_BULK, 0x00, 0x02, 0,
	7, UDESC_ENDPOINT, 0x02, UE_BULK, 0x00, 0x02, 0,
};

const uint8_t net_dd[18] = {
	18, UDESC_DEVICE, 0x00, 0x02, 2, 0, 0, 64,
	0x25, 0x05, 0xa1, 0xa4, 0x00, 0x00, 1, 2, 3, 2,
};
/* RNDIS-like: CDC ACM interface with a vendor protocol, then data. */
const uint8_t net_cfg1[67] = {
	9, UDESC_CONFIG, 67, 0, 2, 1, 0, 0xc0, 50,
	9, UDESC_INTERFACE, 0, 0, 1, UICLASS_CDC, 2, 0xff, 0,
	5, UDESC_CS_INTERFACE, 0, 0x10, 0x01,
	5, UDESC_CS_INTERFACE, 1, 0, 1,
	4, UDESC_CS_INTERFACE, 2, 0,
	5, UDESC_CS_INTERFACE, 6, 0, 1,
	7, UDESC_ENDPOINT, 0x83, UE_INTERRUPT, 8, 0, 9,
	9, UDESC_INTERFACE, 1, 0, 2, UICLASS_CDC_DATA, 0, 0, 0,
	7, UDESC_ENDPOINT, 0x81, UE_BULK, 64, 0, 0,
	7, UDESC_ENDPOINT, 0x02, UE_BULK, 64, 0, 0,
};
/* CDC ECM: control interface, data interface alt 0 (idle) and alt 1. */
const uint8_t net_cfg2[80] = {
	9, UDESC_CONFIG, 80, 0, 2, 2, 0, 0xc0, 50,
	9, UDESC_INTERFACE, 0, 0, 1, UICLASS_CDC, 6, 0, 0,
	5, UDESC_CS_INTERFACE, 0, 0x10, 0x01,
	5, UDESC_CS_INTERFACE, 6, 0, 1,
	13, UDESC_CS_INTERFACE, 0x0f, 4, 0, 0, 0, 0, 0xea, 5, 0, 0, 0,
	7, UDESC_ENDPOINT, 0x83, UE_INTERRUPT, 16, 0, 9,
	9, UDESC_INTERFACE, 1, 0, 0, UICLASS_CDC_DATA, 0, 0, 0,
	9, UDESC_INTERFACE, 1, 1, 2, UICLASS_CDC_DATA, 0, 0, 0,
	7, UDESC_ENDPOINT, 0x81, UE_BULK, 64, 0, 0,
	7, UDESC_ENDPOINT, 0x02, UE_BULK, 64, 0, 0,
};

const uint8_t ssmass_dd[18] = {
	18, UDESC_DEVICE, 0x00, 0x03, 0, 0, 0, 9,
	0x46, 0x04, 0x02, 0x00, 0x00, 0x01, 1, 2, 3, 1,
};
const uint8_t ssmass_cfg[44] = {
	9, UDESC_CONFIG, 44, 0, 1, 1, 0, 0xc0, 50,
	9, UDESC_INTERFACE, 0, 0, 2, UICLASS_MASS, 6, 0x50, 0,
	7, UDESC_ENDPOINT, 0x81, UE_BULK, 0x00, 0x04, 0,
	6, UDESC_SS_EP_COMPANION, 15, 0, 0, 0,
	7, UDESC_ENDPOINT, 0x02, UE_BULK, 0x00, 0x04, 0,
	6, UDESC_SS_EP_COMPANION, 3, 0, 0, 0,
};

struct fdev *
fdev_kbd(enum usb_speed speed)
{
	const uint8_t *c = kbd_cfg;
	size_t n = sizeof(kbd_cfg);
	struct fdev *fd = fdev_new("kbd", speed, kbd_dd, &c, &n, 1);

	fd->fd_str[1] = "QEMU";
	fd->fd_str[2] = "QEMU USB Keyboard";
	fd->fd_str[3] = "42";
	return fd;
}

struct fdev *
fdev_mass(void)
{
	const uint8_t *c = mass_cfg;
	size_t n = sizeof(mass_cfg);
	struct fdev *fd = fdev_new("mass", USB_SPEED_HIGH, mass_dd, &c, &n, 1);

	fd->fd_str[1] = "QEMU";
	fd->fd_str[2] = "QEMU USB HARDDRIVE";
	return fd;
}

struct fdev *
fdev_net(void)
{
	const uint8_t *c[2] = { net_cfg1, net_cfg2 };
	size_t n[2] = { sizeof(net_cfg1), sizeof(net_cfg2) };
	struct fdev *fd = fdev_new("net", USB_SPEED_FULL, net_dd, c, n, 2);

	fd->fd_str[1] = "QEMU";
	fd->fd_str[2] = "RNDIS/QEMU USB Network Device";
	return fd;
}

struct fdev *
fdev_ssmass(void)
{
	const uint8_t *c = ssmass_cfg;
	size_t n = sizeof(ssmass_cfg);

	return fdev_new("ssmass", USB_SPEED_SUPER, ssmass_dd, &c, &n, 1);
}
