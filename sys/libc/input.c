/*
 * Input devices and the application (include/libc/rumpmetal/input.h):
 * keyboard characters join the console's input, and the mouse pointer
 * of the USB mice is read through the kernel.
 *
 * Keyboards: the kernel hands their characters to a ttyin sink
 * (<kern/ttyin.h>); the one installed here, before autoconfiguration
 * attaches any keyboard, is the console's input ring (cons_input_push),
 * so read(0), poll() and select() treat them like serial input.
 *
 * The mouse functions live in the USB stack, which is linked only into
 * applications that need it: they are weak references here, and
 * without them the calls fail with ENODEV.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <rumpmetal/input.h>

#include <bmk/cons.h>
#include <dev/usb/uhid.h>
#include <kern/rump.h>
#include <kern/ttyin.h>

#pragma weak ums_get_state
#pragma weak ums_wait

static int
ttyin_sink_init(void)
{
	ttyin_set_sink(cons_input_push);
	return 0;
}
RUMP_SUBSYS_EARLY("ttyin", ttyin_sink_init);

static void
mouse_fill(struct rumpmetal_mouse *m, const struct ums_state *st)
{
	m->x = st->us_x;
	m->y = st->us_y;
	m->wheel = st->us_wheel;
	m->buttons = st->us_buttons;
	m->events = st->us_events;
	m->mice = st->us_nmice;
}

int
rumpmetal_mouse_get(struct rumpmetal_mouse *m)
{
	struct ums_state st;

	if (ums_get_state == NULL) {
		errno = ENODEV;
		return -1;
	}
	rump_schedule();
	ums_get_state(&st);
	rump_unschedule();
	mouse_fill(m, &st);
	return 0;
}

int
rumpmetal_mouse_wait(struct rumpmetal_mouse *m, int timeout_ms)
{
	struct ums_state st;
	int rv;

	if (ums_wait == NULL) {
		errno = ENODEV;
		return -1;
	}
	rump_schedule();
	rv = ums_wait(m->events, timeout_ms, &st);
	rump_unschedule();
	mouse_fill(m, &st);
	if (rv != 0) {
		errno = rv;
		return -1;
	}
	return 0;
}
