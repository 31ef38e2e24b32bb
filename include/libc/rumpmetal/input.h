/*
 * Input devices for the application (sys/libc/input.c).
 *
 * Keyboards need nothing from here: a USB keyboard types into standard
 * input, next to the serial console, as a serial terminal would (US
 * layout; Enter is '\r', Backspace DEL (0x7f), Ctrl-A..Z 0x01..0x1a,
 * arrows, Home/End/Insert/Delete/PageUp/PageDown and F1-F12 as xterm's
 * escape sequences, Alt as an ESC prefix). read(), poll() and select()
 * on descriptor 0 see it.
 *
 * Mice: every mouse attached moves one pointer. Its position is the sum
 * of all movement since boot, not clamped to any screen (x grows to the
 * right, y downwards); the wheel sum grows when the wheel turns away
 * from the user. events counts the changes (movement, buttons, a mouse
 * attached or detached): an application that keeps the last value it
 * saw knows whether anything happened, and can sleep until it does with
 * rumpmetal_mouse_wait.
 */
#ifndef _RUMPMETAL_INPUT_H_
#define _RUMPMETAL_INPUT_H_

#define RUMPMETAL_MOUSE_LEFT 0x01
#define RUMPMETAL_MOUSE_RIGHT 0x02
#define RUMPMETAL_MOUSE_MIDDLE 0x04
#define RUMPMETAL_MOUSE_4 0x08
#define RUMPMETAL_MOUSE_5 0x10

struct rumpmetal_mouse {
	long long x, y;		/* position */
	long long wheel;	/* wheel steps */
	unsigned buttons;	/* RUMPMETAL_MOUSE_* held now */
	unsigned long long events;	/* changes so far */
	unsigned mice;		/* mice attached now */
};

/*
 * The pointer now: 0, or -1 with errno ENODEV if the image has no mouse
 * driver (applications get the USB stack when they read standard input,
 * open files or use the network, or with USB=yes at build time).
 */
int rumpmetal_mouse_get(struct rumpmetal_mouse *m);
/*
 * Sleeps until events differs from m->events (what an earlier call
 * filled in), at most timeout_ms (negative: no limit), then fills *m:
 * 0, or -1 with errno ETIMEDOUT (*m filled anyway) or ENODEV.
 */
int rumpmetal_mouse_wait(struct rumpmetal_mouse *m, int timeout_ms);

#endif
