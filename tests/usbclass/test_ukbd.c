/*
 * ukbd: boot keyboard reports in, exact characters out (through the
 * ttyin sink of the harness): the US layout with shift and caps lock,
 * control characters, escape sequences, rollover and garbage reports,
 * repeated keys, typematic repeat, LEDs, stalls and errors, unplug.
 */
#include <errno.h>
#include <string.h>

#include <dev/usb/uhid.h>
#include <dev/usb/usb.h>
#include <kern/ttyin.h>

#include "fakeusb.h"
#include "ut.h"

#define LCTRL 0x01
#define LSHIFT 0x02
#define LALT 0x04
#define RSHIFT 0x20
#define RCTRL 0x10

#define UR_HID_SET_REPORT 0x09
#define UR_HID_SET_IDLE 0x0a
#define UR_HID_SET_PROTOCOL 0x0b

struct kbd {
	struct fake_dev *k_fd;
	device_t k_dev;
	struct usb_pipe *k_pipe;
};

static struct fake_dev *
kbd_dev(uint16_t mps, bool with_ep)
{
	struct fake_cfg fc;
	static const uint8_t hid[9] = { 9, 0x21, 0x11, 0x01, 0, 1, 0x22,
	    63, 0 };

	fake_cfg_init(&fc);
	fake_cfg_iface(&fc, 0, 0, with_ep ? 1 : 0, UICLASS_HID,
	    UISUBCLASS_BOOT, UIPROTO_BOOT_KEYBOARD);
	fake_cfg_raw(&fc, hid, sizeof(hid));
	if (with_ep)
		fake_cfg_ep(&fc, 0x81, UE_INTERRUPT, mps, 10);
	fake_cfg_done(&fc);
	return fake_dev_new(&fc, "Fake Keyboard");
}

static void
kbd_attach(struct kbd *k, uint16_t mps)
{
	k->k_fd = kbd_dev(mps, true);
	k->k_dev = fakeusb_attach(k->k_fd, 0);
	UT_CHECK(k->k_dev != NULL);
	k->k_pipe = fake_pipe(k->k_fd, 0x81);
	UT_CHECK(k->k_pipe != NULL);
	UT_CHECK_EQ(fake_pending(k->k_pipe), 1);
}

static void
kbd_done(struct kbd *k)
{
	UT_CHECK_EQ(fakeusb_detach(k->k_fd), 0);
	fake_dev_free(k->k_fd);
}

/* One report; the driver must have resubmitted after it. */
static void
report(struct kbd *k, uint8_t mods, uint8_t k1, uint8_t k2, uint8_t k3)
{
	uint8_t r[8] = { mods, 0, k1, k2, k3, 0, 0, 0 };

	UT_CHECK(fakeusb_complete(k->k_pipe, 0, r, sizeof(r)));
	UT_CHECK_EQ(fake_pending(k->k_pipe), 1);
}

/* Press and release. */
static void
tap(struct kbd *k, uint8_t mods, uint8_t key)
{
	report(k, mods, key, 0, 0);
	report(k, mods, 0, 0, 0);
}

static size_t
typed(char *buf)
{
	return ut_typed(buf, 256);
}

static struct kbd *leds_k;

static bool
leds_sent(void *arg)
{
	return fake_count_reqs(leds_k->k_fd, UT_WRITE_CLASS_INTERFACE,
	    UR_HID_SET_REPORT) >= (unsigned)(uintptr_t)arg;
}

UT_CASE(ukbd_attach_requests)
{
	struct kbd k;
	const struct fake_req *r;

	kbd_attach(&k, 8);
	r = fake_last_req(k.k_fd, UR_HID_SET_PROTOCOL);
	UT_CHECK(r != NULL && r->fr_req.bmRequestType ==
	    UT_WRITE_CLASS_INTERFACE && UGETW(r->fr_req.wValue) == 0 &&
	    UGETW(r->fr_req.wIndex) == 0);
	r = fake_last_req(k.k_fd, UR_HID_SET_IDLE);
	UT_CHECK(r != NULL && UGETW(r->fr_req.wValue) == 0);
	UT_CHECK_EQ(fake_head(k.k_pipe)->ux_length, 8);
	/* Num Lock starts on: the LED report says so. */
	leds_k = &k;
	UT_CHECK(ut_wait(leds_sent, (void *)1, 1000));
	r = fake_last_req(k.k_fd, UR_HID_SET_REPORT);
	UT_CHECK(r != NULL && UGETW(r->fr_req.wValue) == 0x0200 &&
	    UGETW(r->fr_req.wLength) == 1 && r->fr_data[0] == 0x01);
	UT_CHECK(ut_dmesg_has("Fake Keyboard, boot protocol keyboard"));
	kbd_done(&k);
}

UT_CASE(ukbd_letters_shift_caps)
{
	struct kbd k;
	char buf[256];
	size_t n;

	kbd_attach(&k, 8);
	tap(&k, 0, 0x04);		/* a */
	tap(&k, LSHIFT, 0x05);		/* B */
	tap(&k, RSHIFT, 0x1d);		/* Z */
	tap(&k, 0, 0x1d);		/* z */
	tap(&k, 0, 0x39);		/* caps on */
	tap(&k, 0, 0x06);		/* C */
	tap(&k, LSHIFT, 0x06);		/* c */
	tap(&k, 0, 0x1e);		/* 1: caps does not shift digits */
	tap(&k, 0, 0x39);		/* caps off */
	tap(&k, 0, 0x07);		/* d */
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "aBZzCc1d");
	kbd_done(&k);
}

UT_CASE(ukbd_us_layout)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz1234567890"
	    "\r\033\177\t -=[]\\#;'`,./";
	static const char shifted[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ!@#$%^&*()"
	    "\r\033\177\033[Z _+{}|~:\"~<>?";
	struct kbd k;
	char buf[256];
	size_t n;

	kbd_attach(&k, 8);
	for (uint8_t key = 0x04; key <= 0x38; key++)
		tap(&k, 0, key);
	n = typed(buf);
	UT_CHECK_MEM(buf, n, plain);
	for (uint8_t key = 0x04; key <= 0x38; key++)
		tap(&k, LSHIFT, key);
	n = typed(buf);
	UT_CHECK_MEM(buf, n, shifted);
	tap(&k, 0, 0x64);		/* non-US \| */
	tap(&k, LSHIFT, 0x64);
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "\\|");
	kbd_done(&k);
}

UT_CASE(ukbd_ctrl_alt)
{
	struct kbd k;
	char buf[256];
	size_t n;

	kbd_attach(&k, 8);
	tap(&k, LCTRL, 0x04);		/* ^A */
	tap(&k, RCTRL, 0x06);		/* ^C */
	tap(&k, LCTRL, 0x1d);		/* ^Z */
	tap(&k, LCTRL | LSHIFT, 0x07);	/* ^D, shift or not */
	tap(&k, LCTRL, 0x2f);		/* ^[ */
	tap(&k, LCTRL, 0x31);		/* ^\ */
	tap(&k, LCTRL, 0x2c);		/* ^space: NUL */
	tap(&k, LCTRL | LSHIFT, 0x2d);	/* ^_ */
	tap(&k, LALT, 0x1b);		/* Alt-x: ESC x */
	tap(&k, LALT | LCTRL, 0x04);	/* ESC ^A */
	n = typed(buf);
	UT_CHECK_EQ(n, 12);
	UT_CHECK(memcmp(buf, "\x01\x03\x1a\x04\x1b\x1c\x00\x1f\x1bx\x1b\x01",
	    12) == 0);
	kbd_done(&k);
}

UT_CASE(ukbd_sequences)
{
	struct kbd k;
	char buf[256];
	size_t n;

	kbd_attach(&k, 8);
	tap(&k, 0, 0x52);		/* up */
	tap(&k, 0, 0x51);		/* down */
	tap(&k, 0, 0x4f);		/* right */
	tap(&k, 0, 0x50);		/* left */
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "\033[A\033[B\033[C\033[D");
	tap(&k, 0, 0x3a);		/* F1 */
	tap(&k, 0, 0x3d);		/* F4 */
	tap(&k, 0, 0x3e);		/* F5 */
	tap(&k, 0, 0x45);		/* F12 */
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "\033OP\033OS\033[15~\033[24~");
	tap(&k, 0, 0x4a);		/* home */
	tap(&k, 0, 0x4d);		/* end */
	tap(&k, 0, 0x49);		/* insert */
	tap(&k, 0, 0x4c);		/* delete */
	tap(&k, 0, 0x4b);		/* page up */
	tap(&k, 0, 0x4e);		/* page down */
	tap(&k, LSHIFT, 0x2b);		/* back tab */
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "\033[H\033[F\033[2~\033[3~\033[5~\033[6~\033[Z");
	tap(&k, 0, 0x28);		/* enter */
	tap(&k, 0, 0x58);		/* keypad enter */
	tap(&k, 0, 0x2a);		/* backspace */
	tap(&k, 0, 0x29);		/* escape */
	tap(&k, 0, 0x2b);		/* tab */
	tap(&k, 0, 0x46);		/* print screen: nothing */
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "\r\r\177\033\t");
	kbd_done(&k);
}

UT_CASE(ukbd_keypad_numlock_leds)
{
	struct kbd k;
	char buf[256];
	const struct fake_req *r;
	size_t n;

	kbd_attach(&k, 8);
	leds_k = &k;
	UT_CHECK(ut_wait(leds_sent, (void *)1, 1000));
	tap(&k, 0, 0x59);		/* keypad 1 */
	tap(&k, 0, 0x62);		/* keypad 0 */
	tap(&k, 0, 0x63);		/* keypad . */
	tap(&k, 0, 0x54);		/* keypad / */
	tap(&k, 0, 0x57);		/* keypad + */
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "10./+");
	tap(&k, 0, 0x53);		/* num lock off */
	UT_CHECK(ut_wait(leds_sent, (void *)2, 1000));
	r = fake_last_req(k.k_fd, UR_HID_SET_REPORT);
	UT_CHECK(r != NULL && r->fr_data[0] == 0x00);
	tap(&k, 0, 0x60);		/* keypad 8: up */
	tap(&k, 0, 0x59);		/* keypad 1: end */
	tap(&k, 0, 0x5d);		/* keypad 5: nothing */
	tap(&k, 0, 0x54);		/* keypad /: still / */
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "\033[A\033[F/");
	tap(&k, 0, 0x39);		/* caps on */
	UT_CHECK(ut_wait(leds_sent, (void *)3, 1000));
	r = fake_last_req(k.k_fd, UR_HID_SET_REPORT);
	UT_CHECK(r != NULL && r->fr_data[0] == 0x02);
	tap(&k, 0, 0x47);		/* scroll lock on */
	UT_CHECK(ut_wait(leds_sent, (void *)4, 1000));
	r = fake_last_req(k.k_fd, UR_HID_SET_REPORT);
	UT_CHECK(r != NULL && r->fr_data[0] == 0x06);
	UT_CHECK_EQ(typed(buf), 0);
	kbd_done(&k);
}

UT_CASE(ukbd_leds_refused_once)
{
	struct kbd k;
	char buf[256];

	k.k_fd = kbd_dev(8, true);
	fake_dev_refuse(k.k_fd, UR_HID_SET_REPORT, EPIPE);
	k.k_dev = fakeusb_attach(k.k_fd, 0);
	k.k_pipe = fake_pipe(k.k_fd, 0x81);
	leds_k = &k;
	UT_CHECK(ut_wait(leds_sent, (void *)1, 1000));
	ut_sleep_ms(20);
	tap(&k, 0, 0x39);
	tap(&k, 0, 0x04);
	ut_sleep_ms(50);
	UT_CHECK_EQ(fake_count_reqs(k.k_fd, UT_WRITE_CLASS_INTERFACE,
	    UR_HID_SET_REPORT), 1);
	UT_CHECK_EQ(typed(buf), 1);
	UT_CHECK(buf[0] == 'A');
	kbd_done(&k);
}

UT_CASE(ukbd_rollover_and_held_keys)
{
	struct kbd k;
	char buf[256];
	struct uhid_stats st;
	size_t n;

	kbd_attach(&k, 8);
	report(&k, 0, 0x04, 0, 0);		/* a down */
	report(&k, 0, 0x01, 0x01, 0x01);	/* rollover: ignored */
	report(&k, 0, 0x04, 0x05, 0);		/* b down, a held */
	report(&k, 0, 0x05, 0x04, 0);		/* order changed: nothing */
	report(&k, 0, 0x05, 0x04, 0x06);	/* c */
	report(&k, 0, 0x02, 0x02, 0x02);	/* POST fail: ignored */
	report(&k, 0, 0, 0, 0);
	report(&k, 0, 0x07, 0x07, 0);		/* d twice in one report */
	report(&k, 0, 0, 0, 0);
	report(&k, 0, 0x08, 0x09, 0x0a);	/* e f g together, in order */
	report(&k, 0, 0, 0, 0);
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "abcdefg");
	UT_CHECK_EQ(ukbd_get_stats(k.k_dev, &st), 0);
	UT_CHECK_EQ(st.uh_rollover, 2);
	UT_CHECK_EQ(st.uh_bad, 0);
	UT_CHECK_EQ(st.uh_reports, 11);
	kbd_done(&k);
}

UT_CASE(ukbd_repeated_keys)
{
	struct kbd k;
	char buf[256];
	size_t n;

	kbd_attach(&k, 8);
	tap(&k, 0, 0x0f);
	tap(&k, 0, 0x0f);
	tap(&k, 0, 0x0f);
	report(&k, 0, 0x0f, 0, 0);
	report(&k, LSHIFT, 0x0f, 0, 0);	/* shift while held: no new key */
	report(&k, LSHIFT, 0, 0, 0);
	tap(&k, LSHIFT, 0x0f);
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "llllL");
	kbd_done(&k);
}

UT_CASE(ukbd_garbage_reports)
{
	struct kbd k;
	char buf[256];
	struct uhid_stats st;
	uint8_t shortr[5] = { 0, 0, 0x04, 0, 0 };
	uint8_t longr[9] = { 0, 0, 0x05, 0, 0, 0, 0, 0, 0 };

	kbd_attach(&k, 16);
	UT_CHECK_EQ(fake_head(k.k_pipe)->ux_length, 16);
	UT_CHECK(fakeusb_complete(k.k_pipe, 0, shortr, sizeof(shortr)));
	UT_CHECK(fakeusb_complete(k.k_pipe, 0, longr, sizeof(longr)));
	UT_CHECK(fakeusb_complete(k.k_pipe, 0, NULL, 0));
	UT_CHECK_EQ(fake_pending(k.k_pipe), 1);
	tap(&k, 0, 0x06);
	UT_CHECK_EQ(typed(buf), 1);
	UT_CHECK(buf[0] == 'c');
	UT_CHECK_EQ(ukbd_get_stats(k.k_dev, &st), 0);
	UT_CHECK_EQ(st.uh_bad, 3);
	UT_CHECK_EQ(st.uh_reports, 5);
	kbd_done(&k);
}

UT_CASE(ukbd_typematic)
{
	struct kbd k;
	char buf[256];
	size_t n, later;

	kbd_attach(&k, 8);
	report(&k, 0, 0x04, 0, 0);
	ut_sleep_ms(300);
	n = typed(buf);
	UT_CHECK_MEM(buf, n, "a");	/* no repeat before the delay */
	ut_sleep_ms(500);		/* 800 ms held: ~9 repeats */
	report(&k, LSHIFT, 0x04, 0, 0);	/* shift: the repeat follows */
	ut_sleep_ms(200);
	report(&k, 0, 0x04, 0x05, 0);	/* b pressed: b repeats now */
	ut_sleep_ms(600);
	report(&k, 0, 0x04, 0, 0);	/* b released: repeat stops */
	n = typed(buf);
	UT_CHECK(n >= 10 && n < 256);
	UT_CHECK(buf[0] == 'a' && buf[1] == 'a');
	UT_CHECK(memchr(buf, 'A', n) != NULL);
	UT_CHECK(buf[n - 1] == 'b' && buf[n - 2] == 'b');
	ut_sleep_ms(700);
	later = typed(buf);
	UT_CHECK_EQ(later, 0);
	report(&k, 0, 0, 0, 0);
	kbd_done(&k);
}

UT_CASE(ukbd_errors_and_stall)
{
	struct kbd k;
	char buf[256];

	kbd_attach(&k, 8);
	for (int i = 0; i < 5; i++)
		UT_CHECK(fakeusb_complete(k.k_pipe, EIO, NULL, 0));
	UT_CHECK_EQ(fake_pending(k.k_pipe), 1);	/* retried */
	tap(&k, 0, 0x04);
	UT_CHECK(fakeusb_complete(k.k_pipe, EPIPE, NULL, 0));
	for (int i = 0; i < 200 && fake_pending(k.k_pipe) == 0; i++)
		ut_sleep_ms(5);
	UT_CHECK_EQ(fake_pending(k.k_pipe), 1);	/* cleared, reading */
	UT_CHECK_EQ(fake_clears(k.k_pipe), 1);
	tap(&k, 0, 0x05);
	for (int i = 0; i < 10; i++)
		UT_CHECK(fakeusb_complete(k.k_pipe, EIO, NULL, 0));
	UT_CHECK_EQ(fake_pending(k.k_pipe), 0);	/* gave up */
	UT_CHECK(ut_dmesg_has("giving up on the keyboard"));
	UT_CHECK_MEM(buf, typed(buf), "ab");
	kbd_done(&k);
}

UT_CASE(ukbd_unplug_while_repeating)
{
	struct kbd k;
	char buf[256];

	kbd_attach(&k, 8);
	report(&k, 0, 0x04, 0, 0);
	ut_sleep_ms(600);
	fakeusb_unplug(k.k_fd);
	(void)typed(buf);
	ut_sleep_ms(200);
	UT_CHECK_EQ(typed(buf), 0);	/* the repeat died with it */
	fake_dev_free(k.k_fd);
}

UT_CASE(ukbd_unplug_then_detach)
{
	struct kbd k;

	kbd_attach(&k, 8);
	fake_udev(k.k_fd)->ud_gone = true;
	UT_CHECK(fakeusb_complete(k.k_pipe, ENODEV, NULL, 0));
	UT_CHECK_EQ(fake_pending(k.k_pipe), 0);	/* not resubmitted */
	kbd_done(&k);
}

UT_CASE(ukbd_no_endpoint)
{
	struct fake_dev *fd = kbd_dev(8, false);
	device_t dev = fakeusb_attach(fd, 0);

	UT_CHECK(dev != NULL);		/* attached, inert */
	UT_CHECK(ut_dmesg_has("no usable interrupt IN endpoint"));
	UT_CHECK_EQ(fakeusb_detach(fd), 0);
	fake_dev_free(fd);
}

UT_CASE(ukbd_small_endpoint)
{
	struct fake_dev *fd = kbd_dev(4, true);

	(void)fakeusb_attach(fd, 0);
	UT_CHECK(fake_pipe(fd, 0x81) == NULL);
	UT_CHECK_EQ(fakeusb_detach(fd), 0);
	fake_dev_free(fd);
}

UT_CASE(ukbd_two_keyboards)
{
	struct kbd a, b;
	char buf[256];

	kbd_attach(&a, 8);
	kbd_attach(&b, 8);
	UT_CHECK(a.k_dev != b.k_dev);
	report(&a, 0, 0x04, 0, 0);
	report(&b, 0, 0x05, 0, 0);
	report(&a, 0, 0, 0, 0);
	report(&b, 0, 0, 0, 0);
	UT_CHECK_MEM(buf, typed(buf), "ab");
	kbd_done(&b);
	kbd_done(&a);
}

static char sink_buf[64];
static size_t sink_len;

static void
test_sink(const char *buf, size_t len)
{
	memcpy(sink_buf + sink_len, buf, len);
	sink_len += len;
}

UT_CASE(ttyin_sink_and_drops)
{
	unsigned long before = ttyin_dropped();

	ttyin_set_sink(NULL);
	ttyin_deliver("abc", 3);
	UT_CHECK_EQ(ttyin_dropped(), before + 3);
	ttyin_deliver("", 0);
	UT_CHECK_EQ(ttyin_dropped(), before + 3);
	sink_len = 0;
	ttyin_set_sink(test_sink);
	ttyin_deliver("xyz", 3);
	UT_CHECK_MEM(sink_buf, sink_len, "xyz");
	UT_CHECK_EQ(ttyin_dropped(), before + 3);
}
