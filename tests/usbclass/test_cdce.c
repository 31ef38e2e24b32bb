/*
 * cdce: an ECM function like QEMU's usb-net, and broken ones. Attach
 * (MAC from the string, SET_INTERFACE, the data interface claimed),
 * descriptors and MAC strings refused cleanly, frames in (to the stack,
 * runts and oversized counted) and out (bytes, zero-length-packet
 * flag, queueing behind busy transfers), notifications (link, speed),
 * the packet filter, stalls, up/down, unplug with transfers in flight.
 */
#include <errno.h>
#include <string.h>

#include <dev/usb/usb.h>
#include <kern/kmem.h>
#include <net/mbuf.h>
#include <net/netif.h>

#include "fakeusb.h"
#include "ut.h"

#define EP_INTR 0x81
#define EP_IN 0x82
#define EP_OUT 0x02
#define UCDC_SET_ETHERNET_PACKET_FILTER 0x43

/* What to break in the device. */
enum {
	NO_UNION = 0x01,
	NO_ENF = 0x02,
	SHORT_UNION = 0x04,
	SHORT_ENF = 0x08,
	NO_BULK_ALT = 0x10,
	DATA_NOT_CDC = 0x20,
	UNION_BAD_SLAVE = 0x40,
	NO_INTR = 0x80,
	SMALL_MAXSEG = 0x100,
	NO_MAC_INDEX = 0x200,
};

static struct fake_dev *
ecm_dev(unsigned broken, uint16_t mps)
{
	struct fake_cfg fc;
	uint8_t hdr[5] = { 5, UDESC_CS_INTERFACE, 0x00, 0x10, 0x01 };
	uint8_t uni[5] = { 5, UDESC_CS_INTERFACE, 0x06, 0, 1 };
	uint8_t enf[13] = { 13, UDESC_CS_INTERFACE, 0x0f, 3, 0, 0, 0, 0,
	    0xea, 0x05, 0, 0, 0 };

	if (broken & UNION_BAD_SLAVE)
		uni[4] = 5;
	if (broken & SMALL_MAXSEG)
		enf[8] = 100, enf[9] = 0;
	if (broken & NO_MAC_INDEX)
		enf[3] = 0;
	uni[0] = (broken & SHORT_UNION) ? 4 : 5;
	enf[0] = (broken & SHORT_ENF) ? 10 : 13;
	fake_cfg_init(&fc);
	fake_cfg_iface(&fc, 0, 0, (broken & NO_INTR) ? 0 : 1, UICLASS_CDC,
	    UISUBCLASS_ETHERNET_NETWORKING_CONTROL_MODEL, 0);
	fake_cfg_raw(&fc, hdr, sizeof(hdr));
	if (!(broken & NO_UNION))
		fake_cfg_raw(&fc, uni, uni[0]);
	if (!(broken & NO_ENF))
		fake_cfg_raw(&fc, enf, enf[0]);
	if (!(broken & NO_INTR))
		fake_cfg_ep(&fc, EP_INTR, UE_INTERRUPT, 16, 32);
	fake_cfg_iface(&fc, 1, 0, 0, (broken & DATA_NOT_CDC) ? 0xff :
	    UICLASS_CDC_DATA, 0, 0);
	fake_cfg_iface(&fc, 1, 1, (broken & NO_BULK_ALT) ? 1 : 2,
	    (broken & DATA_NOT_CDC) ? 0xff : UICLASS_CDC_DATA, 0, 0);
	fake_cfg_ep(&fc, EP_IN, UE_BULK, mps, 0);
	if (!(broken & NO_BULK_ALT))
		fake_cfg_ep(&fc, EP_OUT, UE_BULK, mps, 0);
	fake_cfg_done(&fc);
	return fake_dev_new(&fc, "Fake USB Ethernet");
}

struct ecm {
	struct fake_dev *e_fd;
	device_t e_dev;
	struct ifnet *e_ifp;
	struct usb_pipe *e_in, *e_out, *e_intr;
};

static void
ecm_attach(struct ecm *e, unsigned broken, uint16_t mps, const char *mac)
{
	memset(e, 0, sizeof(*e));
	e->e_fd = ecm_dev(broken, mps);
	if (mac != NULL)
		fake_dev_string(e->e_fd, 3, mac);
	e->e_dev = fakeusb_attach(e->e_fd, 0);
	UT_CHECK(e->e_dev != NULL);
	e->e_ifp = e->e_dev != NULL ? if_find(device_xname(e->e_dev)) : NULL;
	e->e_in = fake_pipe(e->e_fd, EP_IN);
	e->e_out = fake_pipe(e->e_fd, EP_OUT);
	e->e_intr = fake_pipe(e->e_fd, EP_INTR);
}

static void
ecm_done(struct ecm *e)
{
	UT_CHECK_EQ(fakeusb_detach(e->e_fd), 0);
	fake_dev_free(e->e_fd);
}

/* ---- frames seen by the stack (a tap) ------------------------------------ */

static uint8_t tapped[4][1600];
static unsigned tapped_len[4], ntapped;

static void
tap_fn(void *arg, struct ifnet *ifp, const struct mbuf *m, int dir)
{
	(void)arg;
	(void)ifp;
	if (dir != IF_TAP_IN || ntapped >= 4)
		return;
	tapped_len[ntapped] = m->m_pkthdr.len;
	m_copydata(m, 0, m->m_pkthdr.len, tapped[ntapped]);
	ntapped++;
}

static struct if_tap the_tap = { tap_fn, NULL, NULL };

static size_t
frame(uint8_t *buf, const uint8_t *dst, size_t len, uint8_t fill)
{
	static const uint8_t src[6] = { 0x52, 0x54, 0, 0, 0, 9 };

	memcpy(buf, dst, 6);
	memcpy(buf + 6, src, 6);
	buf[12] = 0x88;
	buf[13] = 0xb5;
	for (size_t i = 14; i < len; i++)
		buf[i] = (uint8_t)(fill + i);
	return len;
}

static struct mbuf *
frame_mbuf(const uint8_t *buf, size_t len)
{
	struct mbuf *m = m_devget(buf, len, 0, NULL);

	UT_CHECK(m != NULL);
	return m;
}

static struct ecm *filter_e;

static bool
filter_sent(void *arg)
{
	return fake_count_reqs(filter_e->e_fd, UT_WRITE_CLASS_INTERFACE,
	    UCDC_SET_ETHERNET_PACKET_FILTER) >= (unsigned)(uintptr_t)arg;
}

/* ---- attach --------------------------------------------------------------- */

UT_CASE(cdce_attach_like_qemu)
{
	static const uint8_t mac[6] = { 0x40, 0x54, 0x00, 0x12, 0x34, 0xab };
	const struct fake_req *r;
	struct ecm e;

	ecm_attach(&e, 0, 64, "405400 234aB");	/* a space: refused */
	UT_CHECK(e.e_ifp == NULL);
	UT_CHECK(ut_dmesg_has("not a hex digit"));
	ecm_done(&e);
	ecm_attach(&e, 0, 64, "4054001234aB");
	UT_CHECK(e.e_ifp != NULL);
	if (e.e_ifp == NULL) {
		ecm_done(&e);
		return;
	}
	UT_CHECK(memcmp(e.e_ifp->if_lladdr, mac, 6) == 0);
	UT_CHECK(strncmp(e.e_ifp->if_xname, "cdce", 4) == 0);
	UT_CHECK(fake_udev(e.e_fd)->ud_claimed & 2);	/* data interface */
	r = fake_last_req(e.e_fd, UR_SET_INTERFACE);
	UT_CHECK(r != NULL && UGETW(r->fr_req.wIndex) == 1 &&
	    UGETW(r->fr_req.wValue) == 1);
	UT_CHECK(e.e_in != NULL && e.e_out != NULL && e.e_intr != NULL);
	UT_CHECK_EQ(fake_pending(e.e_intr), 1);	/* notifications read */
	UT_CHECK_EQ(fake_pending(e.e_in), 0);	/* not up yet */
	UT_CHECK_EQ(e.e_ifp->if_mtu, 1500);
	UT_CHECK(ut_dmesg_has("CDC ECM, MAC 40:54:00:12:34:ab, 64-byte"));
	/* Nothing else takes the data interface. */
	UT_CHECK(fakeusb_attach(e.e_fd, 1) == NULL);
	ecm_done(&e);
	UT_CHECK(if_find("cdce0") == NULL);
}

UT_CASE(cdce_bad_descriptors_refused)
{
	static const struct {
		unsigned broken;
		const char *msg;
	} cases[] = {
		{ NO_UNION, "no CDC union descriptor" },
		{ NO_ENF, "no Ethernet networking descriptor" },
		{ SHORT_UNION, "union descriptor too short" },
		{ SHORT_ENF, "networking descriptor too short" },
		{ NO_BULK_ALT, "no setting with bulk IN and OUT" },
		{ DATA_NOT_CDC, "not of the CDC data class" },
		{ UNION_BAD_SLAVE, "data interface that does not exist" },
		{ SMALL_MAXSEG, "wMaxSegmentSize too small" },
		{ NO_MAC_INDEX, "no MAC address string" },
	};
	struct kmem_stats k0, k1;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ecm e;

		kmem_get_stats(&k0);
		ecm_attach(&e, cases[i].broken, 64, "405400123456");
		UT_CHECK(e.e_ifp == NULL);
		UT_CHECK(e.e_in == NULL && e.e_out == NULL && e.e_intr == NULL);
		UT_CHECK(ut_dmesg_has(cases[i].msg));
		UT_CHECK_EQ(fake_count_reqs(e.e_fd, UT_WRITE | UT_INTERFACE,
		    UR_SET_INTERFACE), 0);
		ecm_done(&e);
		kmem_get_stats(&k1);
		UT_CHECK_EQ(k1.ks_inuse, k0.ks_inuse);
	}
}

UT_CASE(cdce_bad_mac_strings_refused)
{
	static const char *const bad[] = {
		"40540012345",		/* 11 digits */
		"4054001234567",	/* 13 */
		"40540012345g",
		"015400123456",		/* multicast */
		"000000000000",
		"",
	};
	uint8_t hi[26] = { 26, UDESC_STRING };
	uint8_t wrongtype[26] = { 26, UDESC_DEVICE };
	struct ecm e;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ecm_attach(&e, 0, 64, bad[i]);
		UT_CHECK(e.e_ifp == NULL && e.e_in == NULL);
		ecm_done(&e);
	}
	for (int i = 0; i < 12; i++)
		hi[2 + 2 * i] = '4', hi[3 + 2 * i] = (uint8_t)(i == 5);
	e.e_fd = ecm_dev(0, 64);
	fake_dev_rawstring(e.e_fd, 3, hi, sizeof(hi));	/* U+0134 */
	UT_CHECK(fakeusb_attach(e.e_fd, 0) != NULL);
	UT_CHECK(if_find("cdce0") == NULL);
	ecm_done(&e);
	e.e_fd = ecm_dev(0, 64);
	fake_dev_rawstring(e.e_fd, 3, wrongtype, sizeof(wrongtype));
	UT_CHECK(fakeusb_attach(e.e_fd, 0) != NULL);
	UT_CHECK(ut_dmesg_has("MAC address string descriptor is malformed"));
	UT_CHECK(if_find("cdce0") == NULL);
	ecm_done(&e);
	ecm_attach(&e, 0, 64, NULL);	/* the string request stalls */
	UT_CHECK(e.e_ifp == NULL);
	UT_CHECK(ut_dmesg_has("cannot read the MAC address (error"));
	ecm_done(&e);
}

UT_CASE(cdce_local_mac_accepted)
{
	struct ecm e;

	e.e_fd = ecm_dev(0, 512);
	fake_dev_string(e.e_fd, 3, "020000000001");
	UT_CHECK(fakeusb_attach(e.e_fd, 0) != NULL);
	UT_CHECK(if_find("cdce0") != NULL);
	ecm_done(&e);
}

/* ---- frames --------------------------------------------------------------- */

UT_CASE(cdce_frames_in)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t buf[2048];
	struct ecm e;
	size_t len;

	ecm_attach(&e, 0, 64, "405400123456");
	if (e.e_ifp == NULL) {
		ecm_done(&e);
		return;
	}
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	UT_CHECK_EQ(fake_pending(e.e_in), 4);
	UT_CHECK_EQ(fake_head(e.e_in)->ux_length, 1536);
	ntapped = 0;
	if_tap_attach(e.e_ifp, &the_tap);
	len = frame(buf, bcast, 60, 1);
	UT_CHECK(fakeusb_complete(e.e_in, 0, buf, len));
	UT_CHECK(ntapped == 1 && tapped_len[0] == 60 &&
	    memcmp(tapped[0], buf, 60) == 0);
	len = frame(buf, e.e_ifp->if_lladdr, 1514, 2);
	UT_CHECK(fakeusb_complete(e.e_in, 0, buf, len));
	UT_CHECK(ntapped == 2 && tapped_len[1] == 1514 &&
	    memcmp(tapped[1], buf, 1514) == 0);
	len = frame(buf, e.e_ifp->if_lladdr, 128, 3);	/* ends with a ZLP */
	UT_CHECK(fakeusb_complete(e.e_in, 0, buf, len));
	UT_CHECK(ntapped == 3 && tapped_len[2] == 128 &&
	    memcmp(tapped[2], buf, 128) == 0);
	UT_CHECK_EQ(if_stat_get(e.e_ifp, IFS_IPACKETS), 3);
	/* a lone zero-length packet, a runt, a transfer error, an
	 * oversized frame */
	UT_CHECK(fakeusb_complete(e.e_in, 0, NULL, 0));
	UT_CHECK(fakeusb_complete(e.e_in, 0, buf, 10));
	UT_CHECK(fakeusb_complete(e.e_in, EIO, NULL, 0));
	memset(buf + 128, 0, 1536 - 128);
	UT_CHECK(fakeusb_complete(e.e_in, 0, buf, 1536));
	UT_CHECK_EQ(if_stat_get(e.e_ifp, IFS_RUNT), 1);
	UT_CHECK_EQ(if_stat_get(e.e_ifp, IFS_IERRORS), 2);
	UT_CHECK_EQ(ntapped, 3);
	UT_CHECK_EQ(fake_pending(e.e_in), 4);	/* all went back */
	if_tap_detach(e.e_ifp, &the_tap);
	ecm_done(&e);
}

UT_CASE(cdce_frames_out)
{
	static const uint8_t dst[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	uint8_t buf[2048], out[2048];
	unsigned flags;
	size_t outlen, len;
	struct ecm e;

	ecm_attach(&e, 0, 64, "405400123456");
	if (e.e_ifp == NULL) {
		ecm_done(&e);
		return;
	}
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	len = frame(buf, dst, 60, 7);
	UT_CHECK_EQ(if_transmit(e.e_ifp, frame_mbuf(buf, len)), 0);
	UT_CHECK_EQ(fake_pending(e.e_out), 1);
	UT_CHECK(fakeusb_complete_out(e.e_out, 0, out, &outlen, &flags));
	UT_CHECK(outlen == 60 && memcmp(out, buf, 60) == 0);
	UT_CHECK(flags & USBD_FORCE_SHORT_XFER);
	/* 128 bytes fill two packets: the flag asks for the ZLP */
	len = frame(buf, dst, 128, 8);
	UT_CHECK_EQ(if_transmit(e.e_ifp, frame_mbuf(buf, len)), 0);
	UT_CHECK(fakeusb_complete_out(e.e_out, 0, out, &outlen, &flags));
	UT_CHECK(outlen == 128 && (flags & USBD_FORCE_SHORT_XFER));
	/* six frames, four transfers: two wait in if_snd */
	for (int i = 0; i < 6; i++) {
		len = frame(buf, dst, 100 + (size_t)i, (uint8_t)i);
		UT_CHECK_EQ(if_transmit(e.e_ifp, frame_mbuf(buf, len)), 0);
	}
	UT_CHECK_EQ(fake_pending(e.e_out), 4);
	UT_CHECK_EQ(e.e_ifp->if_snd.mq_len, 2);
	for (int i = 0; i < 6; i++) {
		UT_CHECK(fakeusb_complete_out(e.e_out, i == 2 ? EIO : 0, out,
		    &outlen, &flags));
		UT_CHECK_EQ(outlen, 100 + (size_t)i);
		UT_CHECK_EQ(out[20], (uint8_t)(i + 20));
	}
	UT_CHECK_EQ(fake_pending(e.e_out), 0);
	UT_CHECK_EQ(if_stat_get(e.e_ifp, IFS_OPACKETS), 8);
	UT_CHECK_EQ(if_stat_get(e.e_ifp, IFS_OERRORS), 1);
	/* a frame that cannot be: too long for the transfer */
	{
		struct mbuf *m = m_getcl(M_NOWAIT);

		UT_CHECK(m != NULL);
		memset(buf, 0xee, sizeof(buf));
		UT_CHECK_EQ(m_append(m, 2048, buf), 0);
		UT_CHECK_EQ(m_append(m, 16, buf), 0);
		UT_CHECK_EQ(if_transmit(e.e_ifp, m), 0);
	}
	UT_CHECK_EQ(fake_pending(e.e_out), 0);
	UT_CHECK_EQ(if_stat_get(e.e_ifp, IFS_OERRORS), 2);
	ecm_done(&e);
}

UT_CASE(cdce_up_down_up)
{
	static const uint8_t dst[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	uint8_t buf[128];
	struct ecm e;

	ecm_attach(&e, 0, 64, "405400123456");
	if (e.e_ifp == NULL) {
		ecm_done(&e);
		return;
	}
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	UT_CHECK_EQ(fake_pending(e.e_in), 4);
	if_down(e.e_ifp);
	UT_CHECK_EQ(fake_pending(e.e_in), 4);	/* left in flight */
	/* a frame arriving while down is dropped, the transfer kept */
	UT_CHECK(fakeusb_complete(e.e_in, 0, buf, frame(buf, dst, 60, 0)));
	UT_CHECK_EQ(fake_pending(e.e_in), 3);
	UT_CHECK_EQ(if_transmit(e.e_ifp, frame_mbuf(buf, 60)), 0);
	UT_CHECK_EQ(fake_pending(e.e_out), 0);
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	UT_CHECK_EQ(fake_pending(e.e_in), 4);	/* no double submission */
	ecm_done(&e);
}

/* ---- notifications and filter -------------------------------------------- */

UT_CASE(cdce_notifications)
{
	uint8_t conn[8] = { 0xa1, 0x00, 1, 0, 0, 0, 0, 0 };
	uint8_t speed[16] = { 0xa1, 0x2a, 0, 0, 0, 0, 8, 0,
	    0x00, 0xe1, 0xf5, 0x05, 0x00, 0xe1, 0xf5, 0x05 };	/* 100 Mb/s */
	uint8_t junk[4] = { 1, 2, 3, 4 };
	struct ecm e;

	ecm_attach(&e, 0, 64, "405400123456");
	if (e.e_ifp == NULL) {
		ecm_done(&e);
		return;
	}
	UT_CHECK_EQ(e.e_ifp->if_link_state, LINK_STATE_UNKNOWN);
	UT_CHECK_EQ(fake_head(e.e_intr)->ux_length, 16);
	UT_CHECK(fakeusb_complete(e.e_intr, 0, conn, sizeof(conn)));
	UT_CHECK_EQ(e.e_ifp->if_link_state, LINK_STATE_UP);
	conn[2] = 0;
	UT_CHECK(fakeusb_complete(e.e_intr, 0, conn, sizeof(conn)));
	UT_CHECK_EQ(e.e_ifp->if_link_state, LINK_STATE_DOWN);
	UT_CHECK(fakeusb_complete(e.e_intr, 0, speed, sizeof(speed)));
	UT_CHECK_EQ(e.e_ifp->if_baudrate, 100000000);
	/* split in two transfers (an 8-byte endpoint) */
	speed[9] = 0xc2, speed[10] = 0xeb, speed[11] = 0x0b;	/* 200 Mb/s */
	UT_CHECK(fakeusb_complete(e.e_intr, 0, speed, 8));
	UT_CHECK(fakeusb_complete(e.e_intr, 0, speed + 8, 8));
	UT_CHECK_EQ(e.e_ifp->if_baudrate, 200000000);
	UT_CHECK(fakeusb_complete(e.e_intr, 0, junk, sizeof(junk)));
	UT_CHECK_EQ(if_stat_get(e.e_ifp, IFS_BADDESC), 1);
	UT_CHECK_EQ(e.e_ifp->if_link_state, LINK_STATE_DOWN);
	UT_CHECK_EQ(fake_pending(e.e_intr), 1);
	ecm_done(&e);
}

UT_CASE(cdce_no_notification_endpoint)
{
	struct ecm e;

	ecm_attach(&e, NO_INTR, 64, "405400123456");
	UT_CHECK(e.e_ifp != NULL && e.e_intr == NULL);
	if (e.e_ifp != NULL) {
		UT_CHECK_EQ(if_up(e.e_ifp), 0);
		UT_CHECK_EQ(e.e_ifp->if_link_state, LINK_STATE_UP);
	}
	ecm_done(&e);
}

UT_CASE(cdce_packet_filter)
{
	static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	const struct fake_req *r;
	struct ecm e;

	ecm_attach(&e, 0, 64, "405400123456");
	if (e.e_ifp == NULL) {
		ecm_done(&e);
		return;
	}
	filter_e = &e;
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	UT_CHECK(ut_wait(filter_sent, (void *)1, 1000));
	r = fake_last_req(e.e_fd, UCDC_SET_ETHERNET_PACKET_FILTER);
	UT_CHECK(r != NULL && UGETW(r->fr_req.wValue) == 0x0c &&
	    UGETW(r->fr_req.wIndex) == 0);
	mutex_enter(&net_lock);
	UT_CHECK_EQ(ether_addmulti(e.e_ifp, group), 0);
	mutex_exit(&net_lock);
	UT_CHECK(ut_wait(filter_sent, (void *)2, 1000));
	r = fake_last_req(e.e_fd, UCDC_SET_ETHERNET_PACKET_FILTER);
	UT_CHECK(r != NULL && UGETW(r->fr_req.wValue) == 0x0e);
	mutex_enter(&net_lock);
	UT_CHECK_EQ(ether_delmulti(e.e_ifp, group), 0);
	mutex_exit(&net_lock);
	UT_CHECK(ut_wait(filter_sent, (void *)3, 1000));
	ecm_done(&e);
}

UT_CASE(cdce_packet_filter_refused)
{
	struct ecm e;

	e.e_fd = ecm_dev(0, 64);
	fake_dev_string(e.e_fd, 3, "405400123456");
	fake_dev_refuse(e.e_fd, UCDC_SET_ETHERNET_PACKET_FILTER, EPIPE);
	e.e_dev = fakeusb_attach(e.e_fd, 0);
	e.e_ifp = if_find(device_xname(e.e_dev));
	filter_e = &e;
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	UT_CHECK(ut_wait(filter_sent, (void *)1, 1000));
	ut_sleep_ms(20);
	if_down(e.e_ifp);
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	ut_sleep_ms(50);
	UT_CHECK_EQ(fake_count_reqs(e.e_fd, UT_WRITE_CLASS_INTERFACE,
	    UCDC_SET_ETHERNET_PACKET_FILTER), 1);
	UT_CHECK(ut_dmesg_has("refuses packet filters"));
	ecm_done(&e);
}

/* ---- stalls and unplug ----------------------------------------------------- */

static struct usb_pipe *stall_pipe;

static bool
pending4(void *arg)
{
	(void)arg;
	return fake_pending(stall_pipe) == 4;
}

UT_CASE(cdce_stall_recovery)
{
	static const uint8_t dst[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	uint8_t buf[128], out[2048];
	unsigned flags;
	size_t outlen;
	struct ecm e;

	ecm_attach(&e, 0, 64, "405400123456");
	if (e.e_ifp == NULL) {
		ecm_done(&e);
		return;
	}
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	UT_CHECK(fakeusb_complete(e.e_in, EPIPE, NULL, 0));
	stall_pipe = e.e_in;
	UT_CHECK(ut_wait(pending4, NULL, 1000));
	UT_CHECK_EQ(fake_clears(e.e_in), 1);
	/* transmit stall: the halt is cleared and sending goes on */
	UT_CHECK_EQ(if_transmit(e.e_ifp, frame_mbuf(buf, frame(buf, dst, 60,
	    0))), 0);
	UT_CHECK(fakeusb_complete_out(e.e_out, EPIPE, out, &outlen, &flags));
	for (int i = 0; i < 200 && fake_clears(e.e_out) == 0; i++)
		ut_sleep_ms(5);
	UT_CHECK_EQ(fake_clears(e.e_out), 1);
	UT_CHECK_EQ(if_transmit(e.e_ifp, frame_mbuf(buf, 60)), 0);
	UT_CHECK_EQ(fake_pending(e.e_out), 1);
	UT_CHECK(fakeusb_complete_out(e.e_out, 0, out, &outlen, &flags));
	/* notification stall */
	UT_CHECK(fakeusb_complete(e.e_intr, EPIPE, NULL, 0));
	for (int i = 0; i < 200 && fake_pending(e.e_intr) == 0; i++)
		ut_sleep_ms(5);
	UT_CHECK_EQ(fake_pending(e.e_intr), 1);
	UT_CHECK_EQ(fake_clears(e.e_intr), 1);
	ecm_done(&e);
}

UT_CASE(cdce_unplug_mid_transfer)
{
	static const uint8_t dst[6] = { 0x52, 0x54, 0, 0, 0, 1 };
	uint8_t buf[256];
	struct ecm e;

	ecm_attach(&e, 0, 64, "405400123456");
	if (e.e_ifp == NULL) {
		ecm_done(&e);
		return;
	}
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	for (int i = 0; i < 7; i++)
		UT_CHECK_EQ(if_transmit(e.e_ifp, frame_mbuf(buf, frame(buf,
		    dst, 200, (uint8_t)i))), 0);
	UT_CHECK_EQ(fake_pending(e.e_out), 4);
	UT_CHECK_EQ(e.e_ifp->if_snd.mq_len, 3);
	/* one frame arrives, then the device is pulled out */
	UT_CHECK(fakeusb_complete(e.e_in, 0, buf, frame(buf, etherbroadcastaddr,
	    80, 1)));
	fakeusb_unplug(e.e_fd);
	UT_CHECK(if_find("cdce0") == NULL);
	fake_dev_free(e.e_fd);
	/* the harness checks that every mbuf came back */
}

UT_CASE(cdce_detach_while_up)
{
	struct ecm e;

	ecm_attach(&e, 0, 512, "405400123456");
	if (e.e_ifp != NULL) {
		UT_CHECK_EQ(if_up(e.e_ifp), 0);
		UT_CHECK_EQ(fake_head(e.e_in)->ux_length, 1536);
	}
	ecm_done(&e);
}

UT_CASE(cdce_huge_packets_refused)
{
	struct ecm e;

	ecm_attach(&e, 0, 1100, "405400123456");	/* > 2048 rounded */
	UT_CHECK(e.e_ifp == NULL);
	UT_CHECK(ut_dmesg_has("bulk packets of 1100 bytes"));
	ecm_done(&e);
}

UT_CASE(cdce_rx_errors_stop_then_restart)
{
	struct ecm e;

	ecm_attach(&e, 0, 64, "405400123456");
	if (e.e_ifp == NULL) {
		ecm_done(&e);
		return;
	}
	UT_CHECK_EQ(if_up(e.e_ifp), 0);
	for (int i = 0; i < 9; i++)
		UT_CHECK(fakeusb_complete(e.e_in, EIO, NULL, 0));
	UT_CHECK_EQ(fake_pending(e.e_in), 4);	/* retried so far */
	UT_CHECK(fakeusb_complete(e.e_in, EIO, NULL, 0));
	UT_CHECK_EQ(fake_pending(e.e_in), 3);	/* the tenth: stopped */
	UT_CHECK(ut_dmesg_has("receive errors in a row"));
	for (int i = 0; i < 3; i++)
		UT_CHECK(fakeusb_complete(e.e_in, EIO, NULL, 0));
	UT_CHECK_EQ(fake_pending(e.e_in), 0);
	UT_CHECK_EQ(if_stat_get(e.e_ifp, IFS_IERRORS), 13);
	if_down(e.e_ifp);
	UT_CHECK_EQ(if_up(e.e_ifp), 0);		/* a restart reads again */
	UT_CHECK_EQ(fake_pending(e.e_in), 4);
	ecm_done(&e);
}
