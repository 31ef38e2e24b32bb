/*
 * cdce (if_cdce.c): what the descriptor parser (if_cdce_desc.c) finds
 * in an ECM function. Private to the two files.
 */
#ifndef SYS_DEV_USB_IF_CDCEVAR_H
#define SYS_DEV_USB_IF_CDCEVAR_H

#include <stdint.h>

#include <dev/usb/usbdi.h>
#include <net/netif.h>

struct cdce_desc {
	unsigned cd_ctl_iface;		/* the communications interface */
	unsigned cd_data_iface;		/* from the union descriptor */
	unsigned cd_data_alt;		/* the alternate with the bulk pair */
	uint8_t cd_imac;		/* string index of the MAC address */
	uint16_t cd_maxseg;		/* wMaxSegmentSize */
	/* Endpoints in the device's configuration (alive while it is). */
	const usb_endpoint_descriptor_t *cd_ed_in, *cd_ed_out;
	const usb_endpoint_descriptor_t *cd_ed_intr;	/* NULL: none */
};

/*
 * The union and Ethernet networking descriptors of communications
 * interface ctl (alt 0), and the data interface's bulk endpoints.
 * 0, or an errno value with *why saying what is wrong.
 */
int cdce_desc_parse(struct usb_device *dev, unsigned ctl,
    struct cdce_desc *cd, const char **why);
/*
 * The MAC address from string descriptor idx: exactly 12 hex digits, a
 * unicast address, not all zeros. 0, EINVAL (*why set) or the error of
 * the request.
 */
int cdce_mac_get(struct usb_device *dev, uint8_t idx,
    uint8_t mac[ETHER_ADDR_LEN], const char **why);
/* The same check on the string's UTF-16LE code units (for tests). */
int cdce_mac_parse(const uint8_t *units, size_t nbytes,
    uint8_t mac[ETHER_ADDR_LEN], const char **why);

#endif
