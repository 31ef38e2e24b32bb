/*
 * Descriptor checks and lookups: whether a device descriptor and a
 * whole configuration (as a device sent them) can be trusted, walking
 * the interfaces of the active configuration, finding endpoints, and
 * matching class drivers' id tables.
 *
 * The checks are the only code that looks at bytes straight from a
 * device; everything after them (usb_iface_walk, usb_find_endpoint,
 * enumeration, class drivers) relies on what they guarantee:
 *   - every descriptor has bLength >= 2 and lies inside the buffer;
 *   - configuration, interface and endpoint descriptors have at least
 *     their full size; SS endpoint companions at least 6 bytes;
 *   - every endpoint follows an interface descriptor, has a number
 *     1..15 with the reserved bits clear, is not repeated within its
 *     alternate setting, and bulk/interrupt ones have a packet size;
 *   - each interface's bNumEndpoints is the number of endpoints that
 *     follow it, every interface number has an alternate setting 0, no
 *     (number, alt) pair repeats, and bNumInterface counts the numbers.
 * They are fuzzed on the host under ASan (tests/usb).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>

#include "usb_impl.h"

const char *
usb_speed_name(enum usb_speed speed)
{
	switch (speed) {
	case USB_SPEED_LOW:
		return "low-speed";
	case USB_SPEED_FULL:
		return "full-speed";
	case USB_SPEED_HIGH:
		return "high-speed";
	case USB_SPEED_SUPER:
		return "super-speed";
	case USB_SPEED_SUPER_PLUS:
		return "super-speed-plus";
	default:
		return "unknown-speed";
	}
}

static int
fail(const char **why, const char *msg)
{
	if (why != NULL)
		*why = msg;
	return EINVAL;
}

int
usb_desc_check_device(const void *buf, size_t len, const char **why)
{
	const usb_device_descriptor_t *d = buf;
	unsigned mps;

	if (buf == NULL || len < sizeof(*d))
		return fail(why, "short");
	if (d->bLength != sizeof(*d))
		return fail(why, "bad bLength");
	if (d->bDescriptorType != UDESC_DEVICE)
		return fail(why, "not a device descriptor");
	mps = d->bMaxPacketSize;
	if (mps != 8 && mps != 16 && mps != 32 && mps != 64 &&
	    !(mps == 9 && UGETW(d->bcdUSB) >= 0x0300))
		return fail(why, "bad ep0 max packet size");
	if (d->bNumConfigurations == 0)
		return fail(why, "no configurations");
	return 0;
}

/* State of the configuration walk. */
struct cfg_walk {
	const usb_interface_descriptor_t *cw_iface;	/* current */
	unsigned cw_neps;			/* endpoints after it */
	uint8_t cw_eps[32];			/* addresses seen in it */
	uint32_t cw_numbers[8];			/* interface numbers seen */
	uint32_t cw_alt0[8];			/* ... with an alt 0 */
	unsigned cw_nnumbers;
	/* (number, alt) pairs seen, at most one per 9 bytes of a
	 * configuration of at most USB_CONFIG_MAXLEN bytes. */
	uint16_t cw_pairs[USB_CONFIG_MAXLEN / 9 + 1];
	unsigned cw_npairs;
};

static bool
bit_test(const uint32_t *map, unsigned n)
{
	return (map[n / 32] >> (n % 32)) & 1;
}

static void
bit_set(uint32_t *map, unsigned n)
{
	map[n / 32] |= 1U << (n % 32);
}

/* The interface before the one starting now (or the end) is done. */
static int
iface_close(struct cfg_walk *w, const char **why)
{
	if (w->cw_iface != NULL && w->cw_neps != w->cw_iface->bNumEndpoints)
		return fail(why, "bNumEndpoints does not match the endpoints");
	return 0;
}

static int
iface_open(struct cfg_walk *w, const usb_interface_descriptor_t *id,
    const char **why)
{
	uint16_t pair = (uint16_t)(id->bInterfaceNumber << 8 |
	    id->bAlternateSetting);
	int rv;

	if ((rv = iface_close(w, why)) != 0)
		return rv;
	for (unsigned i = 0; i < w->cw_npairs; i++)
		if (w->cw_pairs[i] == pair)
			return fail(why, "interface/alt setting repeated");
	if (w->cw_npairs >= sizeof(w->cw_pairs) / sizeof(w->cw_pairs[0]))
		return fail(why, "too many interfaces");
	w->cw_pairs[w->cw_npairs++] = pair;
	if (id->bNumEndpoints > 30)
		return fail(why, "too many endpoints");
	if (!bit_test(w->cw_numbers, id->bInterfaceNumber)) {
		bit_set(w->cw_numbers, id->bInterfaceNumber);
		w->cw_nnumbers++;
	}
	if (id->bAlternateSetting == 0)
		bit_set(w->cw_alt0, id->bInterfaceNumber);
	w->cw_iface = id;
	w->cw_neps = 0;
	return 0;
}

static int
endpoint_check(struct cfg_walk *w, const usb_endpoint_descriptor_t *ed,
    const char **why)
{
	uint8_t a = ed->bEndpointAddress;
	unsigned type = UE_GET_XFERTYPE(ed->bmAttributes);

	if (w->cw_iface == NULL)
		return fail(why, "endpoint outside an interface");
	if (UE_GET_ADDR(a) == 0 || (a & 0x70) != 0)
		return fail(why, "bad endpoint address");
	if ((type == UE_BULK || type == UE_INTERRUPT) &&
	    UE_MPS(ed->wMaxPacketSize) == 0)
		return fail(why, "endpoint max packet size 0");
	if (w->cw_neps >= w->cw_iface->bNumEndpoints ||
	    w->cw_neps >= sizeof(w->cw_eps))
		return fail(why, "more endpoints than bNumEndpoints");
	for (unsigned i = 0; i < w->cw_neps; i++)
		if (w->cw_eps[i] == a)
			return fail(why, "endpoint repeated");
	w->cw_eps[w->cw_neps++] = a;
	return 0;
}

/* One descriptor d of bLength bytes (inside the buffer, >= 2). */
static int
desc_check(struct cfg_walk *w, const usb_descriptor_t *d, const char **why)
{
	switch (d->bDescriptorType) {
	case UDESC_INTERFACE:
		if (d->bLength < sizeof(usb_interface_descriptor_t))
			return fail(why, "short interface descriptor");
		return iface_open(w, (const void *)d, why);
	case UDESC_ENDPOINT:
		if (d->bLength < sizeof(usb_endpoint_descriptor_t))
			return fail(why, "short endpoint descriptor");
		return endpoint_check(w, (const void *)d, why);
	case UDESC_SS_EP_COMPANION:
		if (d->bLength < sizeof(usb_ss_ep_companion_descriptor_t))
			return fail(why, "short endpoint companion");
		return 0;
	case UDESC_DEVICE:
	case UDESC_CONFIG:
		return fail(why, "device/configuration descriptor inside");
	default:
		return 0;
	}
}

static int
numbers_check(const struct cfg_walk *w, const usb_config_descriptor_t *cd,
    const char **why)
{
	if (w->cw_nnumbers != cd->bNumInterface)
		return fail(why, "bNumInterface does not match the interfaces");
	for (unsigned n = 0; n < 256; n++)
		if (bit_test(w->cw_numbers, n) && !bit_test(w->cw_alt0, n))
			return fail(why, "interface without alt setting 0");
	return 0;
}

int
usb_desc_check_config(const void *buf, size_t len, const char **why)
{
	const usb_config_descriptor_t *cd = buf;
	const uint8_t *p = buf;
	struct cfg_walk w;
	size_t off;
	int rv;

	if (buf == NULL || len < sizeof(*cd))
		return fail(why, "short");
	if (cd->bLength < sizeof(*cd) || cd->bLength > len)
		return fail(why, "bad bLength");
	if (cd->bDescriptorType != UDESC_CONFIG)
		return fail(why, "not a configuration descriptor");
	if (UGETW(cd->wTotalLength) != len)
		return fail(why, "wTotalLength does not match");
	if (len > USB_CONFIG_MAXLEN)
		return fail(why, "too long");
	memset(&w, 0, sizeof(w));
	for (off = cd->bLength; off < len; off += p[off]) {
		if (len - off < 2 || p[off] < 2)
			return fail(why, "zero or short bLength");
		if (p[off] > len - off)
			return fail(why, "descriptor runs past the end");
		if ((rv = desc_check(&w, (const void *)(p + off), why)) != 0)
			return rv;
	}
	if ((rv = iface_close(&w, why)) != 0)
		return rv;
	return numbers_check(&w, cd, why);
}

/* ---- lookups in the active (checked) configuration --------------------- */

int
usb_iface_walk(struct usb_device *dev, unsigned ifaceno, unsigned alt,
    int (*fn)(const usb_descriptor_t *d, void *arg), void *arg)
{
	const uint8_t *p = (const uint8_t *)dev->ud_cdesc;
	const usb_interface_descriptor_t *id;
	bool in = false;
	size_t off;
	int rv;

	if (p == NULL)
		return 0;
	for (off = p[0]; off + 2 <= dev->ud_cdesc_len; off += p[off]) {
		const usb_descriptor_t *d = (const void *)(p + off);

		if (d->bDescriptorType == UDESC_INTERFACE ||
		    d->bDescriptorType == UDESC_IFACE_ASSOC) {
			if (in)
				return 0;
			id = (const void *)d;
			in = d->bDescriptorType == UDESC_INTERFACE &&
			    id->bInterfaceNumber == ifaceno &&
			    id->bAlternateSetting == alt;
		}
		if (in && (rv = fn(d, arg)) != 0)
			return rv;
	}
	return 0;
}

struct find_ep {
	uint8_t fe_dir, fe_type;
	unsigned fe_n;
	const usb_endpoint_descriptor_t *fe_found;
};

static int
find_ep_fn(const usb_descriptor_t *d, void *arg)
{
	struct find_ep *fe = arg;
	const usb_endpoint_descriptor_t *ed = (const void *)d;

	if (d->bDescriptorType != UDESC_ENDPOINT ||
	    UE_GET_DIR(ed->bEndpointAddress) != fe->fe_dir ||
	    UE_GET_XFERTYPE(ed->bmAttributes) != fe->fe_type)
		return 0;
	if (fe->fe_n-- > 0)
		return 0;
	fe->fe_found = ed;
	return 1;
}

const usb_endpoint_descriptor_t *
usb_find_endpoint(struct usb_device *dev, unsigned ifaceno, uint8_t dir,
    uint8_t type, unsigned n)
{
	struct find_ep fe = { dir, type, n, NULL };

	(void)usb_iface_walk(dev, ifaceno, 0, find_ep_fn, &fe);
	return fe.fe_found;
}

/* ---- match tables ------------------------------------------------------ */

static int
id_match(const struct usb_id *id, const struct usb_attach_arg *uaa)
{
	unsigned f = id->ui_flags;

	if ((f & USB_ID_VENDOR) && id->ui_vendor != uaa->uaa_vendor)
		return 0;
	if ((f & USB_ID_PRODUCT) && id->ui_product != uaa->uaa_product)
		return 0;
	if ((f & USB_ID_CLASS) && id->ui_class != uaa->uaa_class)
		return 0;
	if ((f & USB_ID_SUBCLASS) && id->ui_subclass != uaa->uaa_subclass)
		return 0;
	if ((f & USB_ID_PROTO) && id->ui_proto != uaa->uaa_proto)
		return 0;
	if ((f & (USB_ID_VENDOR | USB_ID_PRODUCT)) ==
	    (USB_ID_VENDOR | USB_ID_PRODUCT))
		return 40;
	if ((f & USB_ID_CLASS) && (f & USB_ID_SUBCLASS) && (f & USB_ID_PROTO))
		return 30;
	if ((f & USB_ID_CLASS) && (f & USB_ID_SUBCLASS))
		return 20;
	if (f & USB_ID_CLASS)
		return 10;
	return (f & USB_ID_VENDOR) ? 5 : 0;
}

int
usb_match_ids(const struct usb_id *ids, const struct usb_attach_arg *uaa)
{
	int best = 0, pri;

	if (ids == NULL || uaa == NULL)
		return 0;
	for (; ids->ui_flags != 0; ids++)
		if ((pri = id_match(ids, uaa)) > best)
			best = pri;
	return best;
}
