/*
 * The descriptor checks and lookups on their own: good sets pass, each
 * rule rejects what it should, usb_iface_walk and usb_find_endpoint on
 * the checked sets, match table priorities, and 50,000 random
 * mutations of real sets through the checks (and, when accepted,
 * through every walk, which must stay inside the buffer under ASan).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/kmem.h>

#include "descs.h"
#include "usb_impl.h"
#include "ut.h"

static int
check(const uint8_t *c, size_t len, const char *want)
{
	const char *why = "";
	int rv = usb_desc_check_config(c, len, &why);

	if (want == NULL)
		return rv == 0;
	if (rv == 0 || strstr(why, want) == NULL) {
		printf("    wanted \"%s\", got %d \"%s\"\n", want, rv, why);
		return 0;
	}
	return 1;
}

UT_CASE(desc_good_sets)
{
	const char *why;

	UT_CHECK_EQ(usb_desc_check_device(kbd_dd, 18, &why), 0);
	UT_CHECK_EQ(usb_desc_check_device(mass_dd, 18, &why), 0);
	UT_CHECK_EQ(usb_desc_check_device(net_dd, 18, &why), 0);
	UT_CHECK_EQ(usb_desc_check_device(ssmass_dd, 18, &why), 0);
	UT_CHECK(check(kbd_cfg, sizeof(kbd_cfg), NULL));
	UT_CHECK(check(mass_cfg, sizeof(mass_cfg), NULL));
	UT_CHECK(check(net_cfg1, sizeof(net_cfg1), NULL));
	UT_CHECK(check(net_cfg2, sizeof(net_cfg2), NULL));
	UT_CHECK(check(ssmass_cfg, sizeof(ssmass_cfg), NULL));
}

UT_CASE(desc_bad_device)
{
	uint8_t d[18];
	const char *why = "";

	UT_CHECK_EQ(usb_desc_check_device(kbd_dd, 17, &why), EINVAL);
	UT_CHECK(strcmp(why, "short") == 0);
	UT_CHECK_EQ(usb_desc_check_device(NULL, 18, &why), EINVAL);
	memcpy(d, kbd_dd, 18);
	d[0] = 19;
	UT_CHECK_EQ(usb_desc_check_device(d, 18, &why), EINVAL);
	d[0] = 18;
	d[7] = 9;	/* SS exponent on a USB 2 device */
	UT_CHECK_EQ(usb_desc_check_device(d, 18, &why), EINVAL);
	d[3] = 3;
	UT_CHECK_EQ(usb_desc_check_device(d, 18, &why), 0);
	d[17] = 0;
	UT_CHECK_EQ(usb_desc_check_device(d, 18, &why), EINVAL);
	UT_CHECK(strcmp(why, "no configurations") == 0);
}

UT_CASE(desc_bad_config)
{
	uint8_t c[128];

#define RESET(src) memcpy(c, src, sizeof(src))
	RESET(kbd_cfg);
	UT_CHECK(check(c, 8, "short"));
	UT_CHECK(check(c, 33, "wTotalLength does not match"));
	c[0] = 8;
	UT_CHECK(check(c, 34, "bad bLength"));
	RESET(kbd_cfg);
	c[1] = UDESC_DEVICE;
	UT_CHECK(check(c, 34, "not a configuration"));
	RESET(kbd_cfg);
	c[9] = 8;	/* interface bLength 8: then HID at 17 ... */
	UT_CHECK(check(c, 34, "short interface descriptor"));
	RESET(kbd_cfg);
	c[27] = 6;
	UT_CHECK(check(c, 34, "short endpoint descriptor"));
	RESET(kbd_cfg);
	c[27] = 1;
	UT_CHECK(check(c, 34, "zero or short bLength"));
	RESET(kbd_cfg);
	c[27] = 8;
	UT_CHECK(check(c, 34, "runs past the end"));
	RESET(kbd_cfg);
	c[29] = 0x80;	/* endpoint 0 */
	UT_CHECK(check(c, 34, "bad endpoint address"));
	RESET(kbd_cfg);
	c[29] = 0x91;	/* reserved bit */
	UT_CHECK(check(c, 34, "bad endpoint address"));
	RESET(kbd_cfg);
	c[31] = 0;	/* interrupt mps 0 */
	UT_CHECK(check(c, 34, "max packet size 0"));
	RESET(kbd_cfg);
	c[13] = 0;
	UT_CHECK(check(c, 34, "more endpoints than bNumEndpoints"));
	c[13] = 2;
	UT_CHECK(check(c, 34, "bNumEndpoints does not match"));
	RESET(net_cfg2);
	c[61] = 3;	/* the last interface announces 3, has 2 */
	UT_CHECK(check(c, 80, "bNumEndpoints does not match"));
	RESET(mass_cfg);
	c[27] = 0x81;	/* the same endpoint twice */
	UT_CHECK(check(c, 32, "endpoint repeated"));
	RESET(kbd_cfg);
	c[4] = 0;
	UT_CHECK(check(c, 34, "bNumInterface"));
	RESET(kbd_cfg);
	c[12] = 1;	/* only alt setting 1 */
	UT_CHECK(check(c, 34, "without alt setting 0"));
	RESET(net_cfg2);
	c[60] = 0;	/* iface 1 alt 1 -> alt 0 again */
	UT_CHECK(check(c, 80, "repeated"));
	RESET(kbd_cfg);
	c[19] = UDESC_CONFIG;	/* a configuration inside */
	UT_CHECK(check(c, 34, "inside"));
	/* an endpoint before any interface */
	RESET(kbd_cfg);
	memcpy(c + 9, kbd_cfg + 27, 7);
	memcpy(c + 16, kbd_cfg + 9, 18);
	UT_CHECK(check(c, 34, "endpoint outside an interface"));
	RESET(ssmass_cfg);
	c[38] = 5;	/* the last companion one byte short */
	c[2] = 43;
	UT_CHECK(check(c, 43, "short endpoint companion"));
#undef RESET
}

static int
count_fn(const usb_descriptor_t *d, void *arg)
{
	(void)d;
	(*(int *)arg)++;
	return 0;
}

UT_CASE(desc_walk_and_find)
{
	struct usb_device dev;
	const usb_endpoint_descriptor_t *ed;
	int n = 0;

	memset(&dev, 0, sizeof(dev));
	dev.ud_cdesc = (void *)net_cfg2;
	dev.ud_cdesc_len = sizeof(net_cfg2);
	UT_CHECK_EQ(usb_iface_walk(&dev, 0, 0, count_fn, &n), 0);
	UT_CHECK_EQ(n, 5);	/* iface, 3 CDC functional, endpoint */
	n = 0;
	usb_iface_walk(&dev, 1, 0, count_fn, &n);
	UT_CHECK_EQ(n, 1);
	n = 0;
	usb_iface_walk(&dev, 1, 1, count_fn, &n);
	UT_CHECK_EQ(n, 3);
	n = 0;
	usb_iface_walk(&dev, 2, 0, count_fn, &n);
	UT_CHECK_EQ(n, 0);
	ed = usb_find_endpoint(&dev, 0, UE_DIR_IN, UE_INTERRUPT, 0);
	UT_CHECK(ed != NULL && ed->bEndpointAddress == 0x83);
	UT_CHECK(usb_find_endpoint(&dev, 0, UE_DIR_IN, UE_INTERRUPT, 1) ==
	    NULL);
	UT_CHECK(usb_find_endpoint(&dev, 1, UE_DIR_IN, UE_BULK, 0) == NULL);
	dev.ud_cdesc = (void *)mass_cfg;
	dev.ud_cdesc_len = sizeof(mass_cfg);
	ed = usb_find_endpoint(&dev, 0, 0, UE_BULK, 0);
	UT_CHECK(ed != NULL && ed->bEndpointAddress == 0x02);
	dev.ud_cdesc = NULL;
	UT_CHECK(usb_find_endpoint(&dev, 0, 0, UE_BULK, 0) == NULL);
}

UT_CASE(desc_match_ids)
{
	static const struct usb_id ids[] = {
		USB_ID_C(UICLASS_HID),
		USB_ID_CS(UICLASS_HID, 1),
		USB_ID_CSP(UICLASS_HID, 1, 1),
		USB_ID_VP(0x0627, 0x0001),
		USB_ID_END,
	};
	static const struct usb_id cls[] = { USB_ID_C(UICLASS_HID),
	    USB_ID_END };
	struct usb_attach_arg uaa;

	memset(&uaa, 0, sizeof(uaa));
	uaa.uaa_vendor = 0x0627;
	uaa.uaa_product = 0x0001;
	uaa.uaa_class = UICLASS_HID;
	uaa.uaa_subclass = 1;
	uaa.uaa_proto = 1;
	UT_CHECK_EQ(usb_match_ids(ids, &uaa), 40);
	uaa.uaa_product = 2;
	UT_CHECK_EQ(usb_match_ids(ids, &uaa), 30);
	uaa.uaa_proto = 2;
	UT_CHECK_EQ(usb_match_ids(ids, &uaa), 20);
	uaa.uaa_subclass = 0;
	UT_CHECK_EQ(usb_match_ids(ids, &uaa), 10);
	uaa.uaa_class = UICLASS_MASS;
	UT_CHECK_EQ(usb_match_ids(ids, &uaa), 0);
	UT_CHECK_EQ(usb_match_ids(cls, &uaa), 0);
	UT_CHECK_EQ(usb_match_ids(NULL, &uaa), 0);
	UT_CHECK(strcmp(usb_speed_name(USB_SPEED_HIGH), "high-speed") == 0);
	UT_CHECK(strcmp(usb_speed_name(99), "unknown-speed") == 0);
}

/* ---- fuzz ---------------------------------------------------------------- */

static const struct {
	const uint8_t *c;
	size_t len;
} fuzz_sets[] = {
	{ kbd_cfg, sizeof(kbd_cfg) }, { mass_cfg, sizeof(mass_cfg) },
	{ net_cfg1, sizeof(net_cfg1) }, { net_cfg2, sizeof(net_cfg2) },
	{ ssmass_cfg, sizeof(ssmass_cfg) },
};

/* Mutate c (len bytes, room for cap) a few ways; the new length. */
size_t
fuzz_mutate(uint64_t *rs, uint8_t *c, size_t len, size_t cap)
{
	unsigned ops = 1 + ut_randn(rs, 4);
	static const uint8_t vals[] = { 0, 1, 2, 5, 7, 9, 0x7f, 0x80, 0xff };

	for (unsigned i = 0; i < ops && len > 0; i++) {
		size_t at = ut_randn(rs, (unsigned)len);

		switch (ut_randn(rs, 8)) {
		case 0:
			c[at] ^= (uint8_t)(1U << ut_randn(rs, 8));
			break;
		case 1:
			c[at] = vals[ut_randn(rs, sizeof(vals))];
			break;
		case 2:
			c[at] = (uint8_t)ut_rand(rs);
			break;
		case 3:		/* truncate, keeping wTotalLength or not */
			len = at;
			if (ut_randn(rs, 2) && len >= 4)
				USETW(c + 2, len);
			break;
		case 4:		/* append garbage */
			for (unsigned n = ut_randn(rs, 16); n > 0 && len < cap;
			    n--)
				c[len++] = (uint8_t)ut_rand(rs);
			if (ut_randn(rs, 2) && len >= 4)
				USETW(c + 2, len);
			break;
		case 5:		/* wTotalLength anything */
			if (len >= 4)
				USETW(c + 2, ut_rand(rs));
			break;
		case 6:		/* a descriptor's bLength */
			c[at] = (uint8_t)ut_randn(rs, 12);
			break;
		default:	/* copy a piece over another */
			if (len > 8) {
				size_t from = ut_randn(rs, (unsigned)len);
				size_t n = ut_randn(rs, 9);

				if (from + n <= len && at + n <= len)
					memmove(c + at, c + from, n);
			}
			break;
		}
	}
	return len;
}

static int
walk_fn(const usb_descriptor_t *d, void *arg)
{
	(*(unsigned *)arg) += d->bLength;	/* ASan: must be readable */
	return 0;
}

UT_CASE(desc_fuzz_checks)
{
	uint64_t rs = 0x5eed0123456789abULL;
	unsigned accepted = 0, total = 50000, sum = 0;
	struct usb_device dev;
	uint8_t tmp[256];

	memset(&dev, 0, sizeof(dev));
	for (unsigned i = 0; i < total; i++) {
		unsigned s = ut_randn(&rs, sizeof(fuzz_sets) /
		    sizeof(fuzz_sets[0]));
		size_t len = fuzz_sets[s].len;
		uint8_t *c;

		memcpy(tmp, fuzz_sets[s].c, len);
		len = fuzz_mutate(&rs, tmp, len, sizeof(tmp));
		/* an exact-size heap copy: ASan sees any overread */
		c = kmem_alloc(len ? len : 1, KM_SLEEP);
		memcpy(c, tmp, len);
		if (usb_desc_check_config(c, len, NULL) == 0) {
			accepted++;
			dev.ud_cdesc = (void *)c;
			dev.ud_cdesc_len = len;
			for (unsigned n = 0; n < 4; n++)
				for (unsigned a = 0; a < 3; a++)
					usb_iface_walk(&dev, n, a, walk_fn, &sum);
			(void)usb_find_endpoint(&dev, 0, UE_DIR_IN, UE_BULK, 0);
		}
		kmem_free(c, len ? len : 1);
		memcpy(tmp, kbd_dd, 18);
		len = fuzz_mutate(&rs, tmp, 18, 18);
		c = kmem_alloc(len ? len : 1, KM_SLEEP);
		memcpy(c, tmp, len);
		(void)usb_desc_check_device(c, len, NULL);
		kmem_free(c, len ? len : 1);
	}
	printf("    %u of %u mutated configurations accepted\n", accepted,
	    total);
	UT_CHECK(accepted > 0 && accepted < total);
}
