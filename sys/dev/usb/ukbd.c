/*
 * ukbd: USB keyboards in the HID boot protocol (HID 1.11, appendix B),
 * typing into the application's standard input through ttyin.
 *
 * The keyboard is put in the boot protocol (SET_PROTOCOL) and asked to
 * report only changes (SET_IDLE 0). Its interrupt IN endpoint is read
 * one packet per transfer; the transfer is resubmitted from its
 * completion callback. A report is 8 bytes: modifier bits, a reserved
 * byte, and up to 6 usages (HID usage tables, page 7) of keys down. A
 * key that is in a report and was not in the one before was pressed;
 * it becomes characters as a US keyboard on a serial terminal would
 * send them (ukbd_translate). Reports of another length count as bad,
 * and error reports (usages 1-3: rollover, POST fail) are ignored, so
 * the state of the keys stays what the last good report said.
 *
 * Typematic repeat is ours (the device reports only changes): the last
 * key pressed that gave characters repeats after UKBD_REPEAT_DELAY_MS
 * every UKBD_REPEAT_RATE_MS until it is released or another key is
 * pressed, from a callout. Caps, Num and Scroll Lock toggle on press and
 * the worker thread sends the LEDs (SET_REPORT, output report); a
 * keyboard that refuses is not asked again. A stalled endpoint is
 * cleared by the worker too; UKBD_MAX_ERRORS failed transfers in a row
 * make the driver give up on the keyboard (it says so).
 *
 * Locking: sc_lock guards the key state, the flags and the xfer's
 * submission; characters go to ttyin_deliver under it, so repeats and
 * presses keep their order. The worker is posted only under sc_lock
 * after checking sc_dying, so nothing is posted after detach stops it.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/uhid.h>
#include <dev/usb/usb.h>
#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/device.h>
#include <kern/klog.h>
#include <kern/mutex.h>
#include <kern/ttyin.h>

#include "uhidboot.h"
#include "uworker.h"

#define UKBD_NKEYS 6
#define UKBD_REPORT_LEN 8
#define UKBD_OUTMAX 64			/* characters from one report */
#define UKBD_REPEAT_DELAY_MS 500
#define UKBD_REPEAT_RATE_MS 33
#define UKBD_MAX_ERRORS 10

/* Modifier byte */
#define MOD_CTRL 0x11
#define MOD_SHIFT 0x22
#define MOD_ALT 0x44

/* Lock state; the same bits as the boot keyboard's LED report. */
#define LOCK_NUM 0x01
#define LOCK_CAPS 0x02
#define LOCK_SCROLL 0x04

/* Usages (HID usage tables, keyboard page) */
#define KEY_A 0x04
#define KEY_Z 0x1d
#define KEY_1 0x1e
#define KEY_SLASH 0x38
#define KEY_CAPSLOCK 0x39
#define KEY_F1 0x3a
#define KEY_F12 0x45
#define KEY_SCROLLLOCK 0x47
#define KEY_INSERT 0x49
#define KEY_UP 0x52
#define KEY_NUMLOCK 0x53
#define KEY_KP_SLASH 0x54
#define KEY_KP_ENTER 0x58
#define KEY_KP_1 0x59
#define KEY_KP_DOT 0x63
#define KEY_NONUS_BSLASH 0x64
#define KEY_KP_EQUAL 0x67
#define KEY_TAB 0x2b
#define KEY_ERR_LAST 0x03		/* 1 rollover, 2 POST fail, 3 undefined */

/* Worker bits */
#define WORK_LEDS 0x01
#define WORK_STALL 0x02

struct ukbd_softc {
	device_t sc_dev;
	struct usb_device *sc_udev;
	unsigned sc_iface;
	struct usb_pipe *sc_pipe;
	struct usb_xfer *sc_xfer;
	struct uworker sc_worker;
	callout_t sc_repeat_ch;
	kmutex_t sc_lock;
	bool sc_attached;		/* attach completed: detach undoes */
	bool sc_dying;
	bool sc_stopped;		/* gave up or gone: no resubmit */
	bool sc_noleds;			/* the keyboard refused SET_REPORT */
	uint8_t sc_mods;		/* modifiers of the last good report */
	uint8_t sc_keys[UKBD_NKEYS];	/* usages down in it */
	uint8_t sc_locks;		/* LOCK_* */
	uint8_t sc_repeat;		/* usage repeating, 0 none */
	unsigned sc_errrun;		/* failed transfers in a row */
	unsigned long sc_nreports, sc_nbad, sc_nrollover, sc_nerrors;
};

/* ---- key translation ----------------------------------------------------- */

/* Usages KEY_1 .. KEY_SLASH, without and with shift. */
static const char ukbd_plain[] = "1234567890\r\033\177\t -=[]\\#;'`,./";
static const char ukbd_shifted[] = "!@#$%^&*()\r\033\177\t _+{}|~:\"~<>?";
_Static_assert(sizeof(ukbd_plain) == KEY_SLASH - KEY_1 + 2, "plain map");
_Static_assert(sizeof(ukbd_shifted) == KEY_SLASH - KEY_1 + 2, "shift map");

/* F1 .. F12, as xterm sends them. */
static const char *const ukbd_fkeys[12] = {
	"\033OP", "\033OQ", "\033OR", "\033OS", "\033[15~", "\033[17~",
	"\033[18~", "\033[19~", "\033[20~", "\033[21~", "\033[23~", "\033[24~",
};

/* Insert, Home, PageUp, Delete, End, PageDown, Right, Left, Down, Up. */
static const char *const ukbd_nav[KEY_UP - KEY_INSERT + 1] = {
	"\033[2~", "\033[H", "\033[5~", "\033[3~", "\033[F", "\033[6~",
	"\033[C", "\033[D", "\033[B", "\033[A",
};

/* Keypad 1..9, 0, '.' with Num Lock off: the navigation key it is. */
static const uint8_t ukbd_kpnav[KEY_KP_DOT - KEY_KP_1 + 1] = {
	0x4d, 0x51, 0x4e, 0x50, 0, 0x4f, 0x4a, 0x52, 0x4b, 0x49, 0x4c,
};

static int
ctrl_char(int c)
{
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 1;
	if (c >= '@' && c <= '_')
		return c & 0x1f;
	switch (c) {
	case ' ':
	case '2':
		return 0;
	case '6':
		return 0x1e;
	case '-':
	case '/':
		return 0x1f;
	case '?':
		return 0x7f;
	}
	return c;
}

/* An escape sequence for usage k, or NULL. */
static const char *
key_sequence(uint8_t k, uint8_t mods, uint8_t locks)
{
	if (k >= KEY_F1 && k <= KEY_F12)
		return ukbd_fkeys[k - KEY_F1];
	if (k >= KEY_INSERT && k <= KEY_UP)
		return ukbd_nav[k - KEY_INSERT];
	if (k == KEY_TAB && (mods & MOD_SHIFT) != 0)
		return "\033[Z";
	if (k >= KEY_KP_1 && k <= KEY_KP_DOT && (locks & LOCK_NUM) == 0 &&
	    ukbd_kpnav[k - KEY_KP_1] != 0)
		return ukbd_nav[ukbd_kpnav[k - KEY_KP_1] - KEY_INSERT];
	return NULL;
}

/* The character of usage k before Ctrl and Alt, or -1. */
static int
key_char(uint8_t k, uint8_t mods, uint8_t locks)
{
	bool shift = (mods & MOD_SHIFT) != 0;

	if (k >= KEY_A && k <= KEY_Z) {
		if (shift != ((locks & LOCK_CAPS) != 0))
			return 'A' + (k - KEY_A);
		return 'a' + (k - KEY_A);
	}
	if (k >= KEY_1 && k <= KEY_SLASH)
		return shift ? ukbd_shifted[k - KEY_1] : ukbd_plain[k - KEY_1];
	if (k >= KEY_KP_SLASH && k <= KEY_KP_ENTER)
		return "/*-+\r"[k - KEY_KP_SLASH];
	if (k >= KEY_KP_1 && k <= KEY_KP_DOT && (locks & LOCK_NUM) != 0)
		return "1234567890."[k - KEY_KP_1];
	if (k == KEY_NONUS_BSLASH)
		return shift ? '|' : '\\';
	if (k == KEY_KP_EQUAL)
		return '=';
	return -1;
}

/*
 * What a press of usage k sends, into out (room for at least 8);
 * returns the count (0: nothing, e.g. a lock key or an unmapped one).
 */
static size_t
ukbd_translate(uint8_t k, uint8_t mods, uint8_t locks, char *out)
{
	const char *seq = key_sequence(k, mods, locks);
	size_t n = 0;
	int c;

	if (seq != NULL) {
		n = strlen(seq);
		memcpy(out, seq, n);
		return n;
	}
	if ((c = key_char(k, mods, locks)) < 0)
		return 0;
	if ((mods & MOD_CTRL) != 0)
		c = ctrl_char(c);
	if ((mods & MOD_ALT) != 0)
		out[n++] = '\033';
	out[n++] = (char)c;
	return n;
}

/* ---- reports ------------------------------------------------------------- */

static void ukbd_repeat(void *arg);

static bool
key_in(const uint8_t *keys, size_t n, uint8_t k)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i] == k)
			return true;
	return false;
}

/* A key went down; its characters into out. sc_lock held. */
static size_t
key_press(struct ukbd_softc *sc, uint8_t k, uint8_t mods, char *out)
{
	uint8_t lock = k == KEY_CAPSLOCK ? LOCK_CAPS :
	    k == KEY_NUMLOCK ? LOCK_NUM : k == KEY_SCROLLLOCK ? LOCK_SCROLL : 0;
	size_t n;

	if (lock != 0) {
		sc->sc_locks ^= lock;
		if (!sc->sc_noleds)
			uworker_post(&sc->sc_worker, WORK_LEDS);
		return 0;
	}
	n = ukbd_translate(k, mods, sc->sc_locks, out);
	if (n > 0) {
		sc->sc_repeat = k;
		callout_reset_ns(&sc->sc_repeat_ch,
		    UKBD_REPEAT_DELAY_MS * 1000000ULL, ukbd_repeat, sc);
	}
	return n;
}

/* A report arrived; sc_lock held. */
static void
ukbd_report(struct ukbd_softc *sc, const uint8_t *r, size_t len)
{
	const uint8_t *keys = r + 2;
	char out[UKBD_OUTMAX];
	size_t n = 0;

	sc->sc_nreports++;
	if (len != UKBD_REPORT_LEN) {
		sc->sc_nbad++;
		return;
	}
	for (int i = 0; i < UKBD_NKEYS; i++) {
		if (keys[i] != 0 && keys[i] <= KEY_ERR_LAST) {
			sc->sc_nrollover++;
			return;
		}
	}
	for (int i = 0; i < UKBD_NKEYS; i++) {
		uint8_t k = keys[i];

		if (k < KEY_A || key_in(sc->sc_keys, UKBD_NKEYS, k) ||
		    key_in(keys, (size_t)i, k))
			continue;
		n += key_press(sc, k, r[0], out + n);
	}
	if (sc->sc_repeat != 0 && !key_in(keys, UKBD_NKEYS, sc->sc_repeat)) {
		sc->sc_repeat = 0;
		callout_stop(&sc->sc_repeat_ch);
	}
	sc->sc_mods = r[0];
	memcpy(sc->sc_keys, keys, UKBD_NKEYS);
	ttyin_deliver(out, n);
}

/* Softclock: the held key once more, and again later. */
static void
ukbd_repeat(void *arg)
{
	struct ukbd_softc *sc = arg;
	char out[8];
	size_t n;

	mutex_enter(&sc->sc_lock);
	if (sc->sc_dying || sc->sc_stopped || sc->sc_repeat == 0) {
		mutex_exit(&sc->sc_lock);
		return;
	}
	n = ukbd_translate(sc->sc_repeat, sc->sc_mods, sc->sc_locks, out);
	ttyin_deliver(out, n);
	callout_reset_ns(&sc->sc_repeat_ch, UKBD_REPEAT_RATE_MS * 1000000ULL,
	    ukbd_repeat, sc);
	mutex_exit(&sc->sc_lock);
}

/* ---- transfers ----------------------------------------------------------- */

static void ukbd_intr(struct usb_xfer *x);

/* Read the next report; sc_lock held. */
static void
ukbd_submit(struct ukbd_softc *sc)
{
	struct usb_xfer *x = sc->sc_xfer;
	int rv;

	x->ux_length = x->ux_bufsize;
	x->ux_timeout_ms = 0;
	x->ux_done = ukbd_intr;
	x->ux_priv = sc;
	if ((rv = usb_xfer_submit(x)) == 0)
		return;
	sc->sc_stopped = true;
	if (rv != ENODEV && rv != ECANCELED)
		aprint_error(sc->sc_dev, "cannot read the keyboard (error %d)",
		    rv);
}

/* No more reports: stop the repeat too. sc_lock held. */
static void
ukbd_halt(struct ukbd_softc *sc)
{
	sc->sc_stopped = true;
	sc->sc_repeat = 0;
	callout_stop(&sc->sc_repeat_ch);
}

static void
ukbd_intr(struct usb_xfer *x)
{
	struct ukbd_softc *sc = x->ux_priv;

	mutex_enter(&sc->sc_lock);
	if (sc->sc_dying || x->ux_status == ECANCELED ||
	    x->ux_status == ENODEV) {
		ukbd_halt(sc);
	} else if (x->ux_status == 0) {
		sc->sc_errrun = 0;
		ukbd_report(sc, x->ux_buf, x->ux_actlen);
		ukbd_submit(sc);
	} else if (++sc->sc_errrun >= UKBD_MAX_ERRORS) {
		sc->sc_nerrors++;
		aprint_error(sc->sc_dev, "%u transfer errors in a row (last "
		    "%d); giving up on the keyboard", sc->sc_errrun,
		    x->ux_status);
		ukbd_halt(sc);
	} else if (x->ux_status == EPIPE) {
		sc->sc_nerrors++;
		uworker_post(&sc->sc_worker, WORK_STALL);
	} else {
		sc->sc_nerrors++;
		ukbd_submit(sc);
	}
	mutex_exit(&sc->sc_lock);
}

/* ---- control requests (attach and worker: thread context) ---------------- */

static void
ukbd_set_leds(struct ukbd_softc *sc)
{
	uint8_t leds;
	int rv;

	mutex_enter(&sc->sc_lock);
	leds = sc->sc_locks;
	mutex_exit(&sc->sc_lock);
	rv = uhid_request(sc->sc_udev, sc->sc_iface, UR_HID_SET_REPORT,
	    UHID_REPORT_OUTPUT << 8, &leds, 1);
	if (rv == EPIPE || rv == EIO) {
		aprint_debug(sc->sc_dev, "LEDs refused (error %d)", rv);
		mutex_enter(&sc->sc_lock);
		sc->sc_noleds = true;
		mutex_exit(&sc->sc_lock);
	}
}

static void
ukbd_unstall(struct ukbd_softc *sc)
{
	int rv = usb_pipe_clear_halt(sc->sc_pipe);

	mutex_enter(&sc->sc_lock);
	if (rv != 0 && rv != ENODEV) {
		aprint_error(sc->sc_dev, "endpoint stalled and cannot be "
		    "cleared (error %d); giving up on the keyboard", rv);
		ukbd_halt(sc);
	} else if (rv == 0 && !sc->sc_dying && !sc->sc_stopped) {
		ukbd_submit(sc);
	}
	mutex_exit(&sc->sc_lock);
}

static void
ukbd_work(void *arg, unsigned work)
{
	struct ukbd_softc *sc = arg;

	if (work & WORK_STALL)
		ukbd_unstall(sc);
	if (work & WORK_LEDS)
		ukbd_set_leds(sc);
}

/* ---- autoconf ------------------------------------------------------------ */

static const struct usb_id ukbd_ids[] = {
	USB_ID_CSP(UICLASS_HID, UISUBCLASS_BOOT, UIPROTO_BOOT_KEYBOARD),
	USB_ID_END,
};

static int
ukbd_match(device_t parent, void *aux)
{
	(void)parent;
	return usb_match_ids(ukbd_ids, aux);
}

/* Boot protocol, reports only on change; the pipe and its xfer. */
static void
ukbd_attach(device_t parent, device_t self, void *aux)
{
	struct ukbd_softc *sc = device_private(self);
	struct usb_attach_arg *uaa = aux;
	int rv;

	(void)parent;
	sc->sc_dev = self;
	sc->sc_udev = uaa->uaa_dev;
	sc->sc_iface = uaa->uaa_ifaceno;
	sc->sc_locks = LOCK_NUM;
	if (uhid_boot_open(self, sc->sc_udev, sc->sc_iface, UKBD_REPORT_LEN,
	    &sc->sc_pipe, &sc->sc_xfer) != 0)
		return;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT);
	callout_init(&sc->sc_repeat_ch);
	if ((rv = uworker_start(&sc->sc_worker, device_xname(self), ukbd_work,
	    sc)) != 0) {
		aprint_error(self, "cannot start a thread (error %d)", rv);
		callout_destroy(&sc->sc_repeat_ch);
		mutex_destroy(&sc->sc_lock);
		usb_xfer_free(sc->sc_xfer);
		usb_pipe_close(sc->sc_pipe);
		return;
	}
	aprint_normal(self, "%s, boot protocol keyboard, US layout",
	    sc->sc_udev->ud_product[0] != '\0' ? sc->sc_udev->ud_product :
	    "USB keyboard");
	sc->sc_attached = true;
	mutex_enter(&sc->sc_lock);
	ukbd_submit(sc);
	uworker_post(&sc->sc_worker, WORK_LEDS);
	mutex_exit(&sc->sc_lock);
}

static int
ukbd_detach(device_t self, int flags)
{
	struct ukbd_softc *sc = device_private(self);

	(void)flags;
	if (!sc->sc_attached)
		return 0;
	mutex_enter(&sc->sc_lock);
	sc->sc_dying = true;
	ukbd_halt(sc);
	mutex_exit(&sc->sc_lock);
	uworker_stop(&sc->sc_worker);
	callout_halt(&sc->sc_repeat_ch);
	usb_xfer_abort(sc->sc_xfer);
	usb_pipe_close(sc->sc_pipe);
	usb_xfer_free(sc->sc_xfer);
	callout_destroy(&sc->sc_repeat_ch);
	mutex_destroy(&sc->sc_lock);
	aprint_debug(self, "%lu reports, %lu bad, %lu rollover, %lu errors",
	    sc->sc_nreports, sc->sc_nbad, sc->sc_nrollover, sc->sc_nerrors);
	sc->sc_attached = false;
	return 0;
}

static const struct cfdriver ukbd_cd;

int
ukbd_get_stats(device_t dev, struct uhid_stats *st)
{
	struct ukbd_softc *sc;

	if (device_driver(dev) != &ukbd_cd)
		return EINVAL;
	sc = device_private(dev);
	if (!sc->sc_attached) {
		*st = (struct uhid_stats){ 0 };
		return 0;
	}
	mutex_enter(&sc->sc_lock);
	st->uh_reports = sc->sc_nreports;
	st->uh_bad = sc->sc_nbad;
	st->uh_rollover = sc->sc_nrollover;
	st->uh_errors = sc->sc_nerrors;
	mutex_exit(&sc->sc_lock);
	return 0;
}

static const struct cfdriver ukbd_cd = {
	.cd_name = "ukbd",
	.cd_attachto = USB_ATTR,
	.cd_softc_size = sizeof(struct ukbd_softc),
	.cd_match = ukbd_match,
	.cd_attach = ukbd_attach,
	.cd_detach = ukbd_detach,
};
CFDRIVER_DECLARE(ukbd_cd);
