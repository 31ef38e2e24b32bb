/*
 * cdce: the descriptors of an ECM function (USB CDC 1.2, 5.2.3; ECM
 * 1.2, 5.4) and its MAC address string, read without trusting them.
 *
 * The communications interface's class-specific descriptors give the
 * union (bControlInterface, bSubordinateInterface0: our data
 * interface) and the Ethernet networking functional descriptor
 * (iMACAddress, wMaxSegmentSize). The first of each counts; a short one
 * is an error. The data interface must be of the CDC data class and have
 * an alternate setting with a bulk IN and a bulk OUT endpoint. The MAC
 * string is 12 hex digits (either case) and must name a unicast
 * address that is not all zeros.
 *
 * usb_iface_walk hands out descriptors whose bLength is at least 2 and
 * inside the configuration; everything past byte 2 is checked here.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usb.h>
#include <dev/usb/usbdi.h>
#include <net/netif.h>

#include "if_cdcevar.h"

#define UDESCSUB_CDC_UNION 0x06
#define UDESCSUB_CDC_ENF 0x0f
#define CDC_UNION_LEN 5
#define CDC_ENF_LEN 13
#define CDCE_MAXSEG_MIN 590		/* 576-byte IP datagrams fit */
#define CDCE_MAX_ALTS 16		/* alternate settings looked at */
#define MAC_DIGITS 12

struct ctl_walk {
	bool cw_union, cw_enf;
	unsigned cw_master, cw_slave;
	uint8_t cw_imac;
	uint16_t cw_maxseg;
	const usb_endpoint_descriptor_t *cw_intr;
	const char *cw_why;
};

static int
ctl_cs(struct ctl_walk *cw, const uint8_t *p)
{
	if (p[2] == UDESCSUB_CDC_UNION && !cw->cw_union) {
		if (p[0] < CDC_UNION_LEN) {
			cw->cw_why = "CDC union descriptor too short";
			return EINVAL;
		}
		cw->cw_master = p[3];
		cw->cw_slave = p[4];
		cw->cw_union = true;
	} else if (p[2] == UDESCSUB_CDC_ENF && !cw->cw_enf) {
		if (p[0] < CDC_ENF_LEN) {
			cw->cw_why = "Ethernet networking descriptor too short";
			return EINVAL;
		}
		cw->cw_imac = p[3];
		cw->cw_maxseg = UGETW(p + 8);
		cw->cw_enf = true;
	}
	return 0;
}

static int
ctl_fn(const usb_descriptor_t *d, void *arg)
{
	struct ctl_walk *cw = arg;
	const usb_endpoint_descriptor_t *ed = (const void *)d;

	if (d->bDescriptorType == UDESC_ENDPOINT) {
		if (cw->cw_intr == NULL &&
		    UE_GET_DIR(ed->bEndpointAddress) == UE_DIR_IN &&
		    UE_GET_XFERTYPE(ed->bmAttributes) == UE_INTERRUPT &&
		    UE_MPS(ed->wMaxPacketSize) > 0)
			cw->cw_intr = ed;
		return 0;
	}
	if (d->bDescriptorType != UDESC_CS_INTERFACE || d->bLength < 3)
		return 0;
	return ctl_cs(cw, (const uint8_t *)d);
}

struct data_walk {
	bool dw_seen;
	uint8_t dw_class;
	const usb_endpoint_descriptor_t *dw_in, *dw_out;
};

static int
data_fn(const usb_descriptor_t *d, void *arg)
{
	struct data_walk *dw = arg;
	const usb_interface_descriptor_t *id = (const void *)d;
	const usb_endpoint_descriptor_t *ed = (const void *)d;

	if (d->bDescriptorType == UDESC_INTERFACE) {
		dw->dw_seen = true;
		dw->dw_class = id->bInterfaceClass;
		return 0;
	}
	if (d->bDescriptorType != UDESC_ENDPOINT ||
	    UE_GET_XFERTYPE(ed->bmAttributes) != UE_BULK ||
	    UE_MPS(ed->wMaxPacketSize) == 0)
		return 0;
	if (UE_GET_DIR(ed->bEndpointAddress) == UE_DIR_IN) {
		if (dw->dw_in == NULL)
			dw->dw_in = ed;
	} else if (dw->dw_out == NULL) {
		dw->dw_out = ed;
	}
	return 0;
}

/* The data interface's alternate setting with the bulk pair. */
static int
find_data_alt(struct usb_device *dev, struct cdce_desc *cd, const char **why)
{
	bool seen = false;

	for (unsigned alt = 0; alt < CDCE_MAX_ALTS; alt++) {
		struct data_walk dw = { 0 };

		(void)usb_iface_walk(dev, cd->cd_data_iface, alt, data_fn, &dw);
		if (!dw.dw_seen)
			continue;
		seen = true;
		if (dw.dw_class != UICLASS_CDC_DATA) {
			*why = "the union's data interface is not of the CDC "
			    "data class";
			return EINVAL;
		}
		if (dw.dw_in != NULL && dw.dw_out != NULL) {
			cd->cd_data_alt = alt;
			cd->cd_ed_in = dw.dw_in;
			cd->cd_ed_out = dw.dw_out;
			return 0;
		}
	}
	*why = seen ? "the data interface has no setting with bulk IN and "
	    "OUT endpoints" : "the union names a data interface that does not "
	    "exist";
	return EINVAL;
}

int
cdce_desc_parse(struct usb_device *dev, unsigned ctl, struct cdce_desc *cd,
    const char **why)
{
	struct ctl_walk cw = { 0 };
	int rv;

	memset(cd, 0, sizeof(*cd));
	if ((rv = usb_iface_walk(dev, ctl, 0, ctl_fn, &cw)) != 0) {
		*why = cw.cw_why;
		return rv;
	}
	if (!cw.cw_union) {
		*why = "no CDC union descriptor";
		return EINVAL;
	}
	if (!cw.cw_enf) {
		*why = "no Ethernet networking descriptor";
		return EINVAL;
	}
	if (cw.cw_master != ctl || cw.cw_slave == ctl) {
		*why = "the CDC union does not pair this interface with a data "
		    "interface";
		return EINVAL;
	}
	if (cw.cw_maxseg < CDCE_MAXSEG_MIN || cw.cw_imac == 0) {
		*why = cw.cw_imac == 0 ? "no MAC address string" :
		    "wMaxSegmentSize too small";
		return EINVAL;
	}
	cd->cd_ctl_iface = ctl;
	cd->cd_data_iface = cw.cw_slave;
	cd->cd_imac = cw.cw_imac;
	cd->cd_maxseg = cw.cw_maxseg;
	cd->cd_ed_intr = cw.cw_intr;
	return find_data_alt(dev, cd, why);
}

static int
hexval(uint8_t lo, uint8_t hi)
{
	if (hi != 0)
		return -1;
	if (lo >= '0' && lo <= '9')
		return lo - '0';
	if (lo >= 'a' && lo <= 'f')
		return lo - 'a' + 10;
	if (lo >= 'A' && lo <= 'F')
		return lo - 'A' + 10;
	return -1;
}

int
cdce_mac_parse(const uint8_t *units, size_t nbytes,
    uint8_t mac[ETHER_ADDR_LEN], const char **why)
{
	static const uint8_t zero[ETHER_ADDR_LEN];

	if (nbytes != 2 * MAC_DIGITS) {
		*why = "MAC address string is not 12 characters";
		return EINVAL;
	}
	for (int i = 0; i < MAC_DIGITS; i++) {
		int v = hexval(units[2 * i], units[2 * i + 1]);

		if (v < 0) {
			*why = "MAC address string has a character that is not "
			    "a hex digit";
			return EINVAL;
		}
		if (i % 2 == 0)
			mac[i / 2] = (uint8_t)(v << 4);
		else
			mac[i / 2] |= (uint8_t)v;
	}
	if ((mac[0] & 1) != 0 || memcmp(mac, zero, ETHER_ADDR_LEN) == 0) {
		*why = "MAC address string names a multicast or zero address";
		return EINVAL;
	}
	return 0;
}

/* The first language the device lists, or US English. */
static uint16_t
first_langid(struct usb_device *dev)
{
	uint8_t buf[4];
	size_t got = 0;

	if (usb_get_descriptor(dev, UDESC_STRING, 0, 0, buf, sizeof(buf),
	    &got) != 0 || got < 4 || buf[0] < 4 || buf[1] != UDESC_STRING)
		return USB_LANGID_EN_US;
	return UGETW(buf + 2);
}

int
cdce_mac_get(struct usb_device *dev, uint8_t idx,
    uint8_t mac[ETHER_ADDR_LEN], const char **why)
{
	uint8_t buf[64];
	size_t got = 0, len;
	int rv;

	*why = NULL;
	rv = usb_get_descriptor(dev, UDESC_STRING, idx, first_langid(dev), buf,
	    sizeof(buf), &got);
	if (rv != 0)
		return rv;
	if (got < 2 || buf[1] != UDESC_STRING || buf[0] < 2 ||
	    buf[0] > got) {
		*why = "MAC address string descriptor is malformed";
		return EINVAL;
	}
	len = buf[0] - 2u;
	return cdce_mac_parse(buf + 2, len, mac, why);
}
