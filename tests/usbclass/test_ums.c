/*
 * ums: boot mouse reports move the one pointer; buttons held by several
 * mice, garbage reports counted, waiting for events, unplug.
 */
#include <errno.h>
#include <string.h>

#include <dev/usb/uhid.h>
#include <dev/usb/usb.h>
#include <kern/kthread.h>

#include "fakeusb.h"
#include "ut.h"

struct mouse {
	struct fake_dev *m_fd;
	device_t m_dev;
	struct usb_pipe *m_pipe;
};

static void
mouse_attach(struct mouse *m, uint16_t mps)
{
	struct fake_cfg fc;

	fake_cfg_init(&fc);
	fake_cfg_iface(&fc, 0, 0, 1, UICLASS_HID, UISUBCLASS_BOOT,
	    UIPROTO_BOOT_MOUSE);
	fake_cfg_ep(&fc, 0x81, UE_INTERRUPT, mps, 10);
	fake_cfg_done(&fc);
	m->m_fd = fake_dev_new(&fc, "Fake Mouse");
	m->m_dev = fakeusb_attach(m->m_fd, 0);
	UT_CHECK(m->m_dev != NULL);
	m->m_pipe = fake_pipe(m->m_fd, 0x81);
	UT_CHECK(m->m_pipe != NULL && fake_pending(m->m_pipe) == 1);
}

static void
mouse_done(struct mouse *m)
{
	UT_CHECK_EQ(fakeusb_detach(m->m_fd), 0);
	fake_dev_free(m->m_fd);
}

static void
move(struct mouse *m, uint8_t b, int dx, int dy, int dz)
{
	uint8_t r[4] = { b, (uint8_t)(int8_t)dx, (uint8_t)(int8_t)dy,
	    (uint8_t)(int8_t)dz };

	UT_CHECK(fakeusb_complete(m->m_pipe, 0, r, sizeof(r)));
	UT_CHECK_EQ(fake_pending(m->m_pipe), 1);
}

UT_CASE(ums_moves_pointer)
{
	struct mouse m;
	struct ums_state s0, s;
	uint8_t r3[3] = { 0, 0xff, 0x02 };	/* no wheel byte */

	ums_get_state(&s0);
	mouse_attach(&m, 8);
	ums_get_state(&s);
	UT_CHECK_EQ(s.us_nmice, s0.us_nmice + 1);
	UT_CHECK(fake_last_req(m.m_fd, 0x0b) != NULL);	/* SET_PROTOCOL */
	move(&m, UMS_BUTTON_LEFT, 5, -3, 1);
	move(&m, UMS_BUTTON_LEFT, 100, 127, -2);
	ums_get_state(&s);
	UT_CHECK_EQ(s.us_x - s0.us_x, 105);
	UT_CHECK_EQ(s.us_y - s0.us_y, 124);
	UT_CHECK_EQ(s.us_wheel - s0.us_wheel, (uint64_t)-1);
	UT_CHECK_EQ(s.us_buttons, UMS_BUTTON_LEFT);
	UT_CHECK_EQ(s.us_events - s0.us_events, 3);	/* attach + 2 */
	move(&m, UMS_BUTTON_LEFT, 0, 0, 0);		/* nothing new */
	move(&m, 0x07, -128, 0, 0);
	UT_CHECK(fakeusb_complete(m.m_pipe, 0, r3, sizeof(r3)));
	ums_get_state(&s);
	UT_CHECK_EQ(s.us_events - s0.us_events, 5);
	UT_CHECK_EQ(s.us_buttons, 0);
	UT_CHECK_EQ(s.us_x - s0.us_x, 105 - 128 - 1);
	UT_CHECK_EQ(s.us_y - s0.us_y, 126);
	mouse_done(&m);
	ums_get_state(&s);
	UT_CHECK_EQ(s.us_nmice, s0.us_nmice);
}

UT_CASE(ums_garbage_reports)
{
	struct mouse m;
	struct ums_state s0, s;
	struct uhid_stats st;
	uint8_t two[2] = { 1, 1 };
	uint8_t nine[9] = { 1, 1, 1, 1, 1, 1, 1, 1, 1 };

	mouse_attach(&m, 16);
	ums_get_state(&s0);
	UT_CHECK(fakeusb_complete(m.m_pipe, 0, two, sizeof(two)));
	UT_CHECK(fakeusb_complete(m.m_pipe, 0, nine, sizeof(nine)));
	UT_CHECK(fakeusb_complete(m.m_pipe, 0, NULL, 0));
	ums_get_state(&s);
	UT_CHECK_EQ(s.us_events, s0.us_events);
	UT_CHECK_EQ(s.us_x, s0.us_x);
	UT_CHECK_EQ(ums_get_stats(m.m_dev, &st), 0);
	UT_CHECK_EQ(st.uh_bad, 3);
	UT_CHECK_EQ(st.uh_reports, 3);
	UT_CHECK_EQ(ums_get_stats(device_find_by_xname("fakeusb0"), &st),
	    EINVAL);
	UT_CHECK_EQ(fake_pending(m.m_pipe), 1);
	mouse_done(&m);
}

UT_CASE(ums_two_mice_buttons)
{
	struct mouse a, b;
	struct ums_state s;

	mouse_attach(&a, 4);
	mouse_attach(&b, 4);
	move(&a, UMS_BUTTON_LEFT, 0, 0, 0);
	move(&b, UMS_BUTTON_LEFT | UMS_BUTTON_RIGHT, 0, 0, 0);
	move(&a, 0, 1, 0, 0);
	ums_get_state(&s);
	UT_CHECK_EQ(s.us_buttons, UMS_BUTTON_LEFT | UMS_BUTTON_RIGHT);
	move(&b, UMS_BUTTON_RIGHT, 0, 0, 0);
	ums_get_state(&s);
	UT_CHECK_EQ(s.us_buttons, UMS_BUTTON_RIGHT);
	/* b goes away holding the right button: released. */
	fakeusb_unplug(b.m_fd);
	fake_dev_free(b.m_fd);
	ums_get_state(&s);
	UT_CHECK_EQ(s.us_buttons, 0);
	mouse_done(&a);
}

struct later {
	struct mouse *l_m;
	int l_ms;
};

static void
move_later(void *arg)
{
	struct later *l = arg;

	ut_sleep_ms(l->l_ms);
	move(l->l_m, 0, 3, 3, 0);
	kthread_exit();
}

UT_CASE(ums_wait_for_events)
{
	struct mouse m;
	struct ums_state s0, s;
	struct later l;
	struct lwp *lwp;

	mouse_attach(&m, 4);
	ums_get_state(&s0);
	UT_CHECK_EQ(ums_wait(s0.us_events, 0, &s), ETIMEDOUT);
	UT_CHECK_EQ(ums_wait(s0.us_events, 30, &s), ETIMEDOUT);
	UT_CHECK_EQ(ums_wait(s0.us_events - 1, 30, &s), 0);
	l.l_m = &m;
	l.l_ms = 50;
	UT_CHECK_EQ(kthread_create(move_later, &l, "mover", KTHREAD_MUSTJOIN,
	    &lwp), 0);
	UT_CHECK_EQ(ums_wait(s0.us_events, -1, &s), 0);
	UT_CHECK_EQ(s.us_events, s0.us_events + 1);
	UT_CHECK_EQ(s.us_x - s0.us_x, 3);
	UT_CHECK_EQ(kthread_join(lwp), 0);
	mouse_done(&m);
}

UT_CASE(ums_stall_and_unplug)
{
	struct mouse m;

	mouse_attach(&m, 4);
	UT_CHECK(fakeusb_complete(m.m_pipe, EPIPE, NULL, 0));
	for (int i = 0; i < 200 && fake_pending(m.m_pipe) == 0; i++)
		ut_sleep_ms(5);
	UT_CHECK_EQ(fake_pending(m.m_pipe), 1);
	UT_CHECK_EQ(fake_clears(m.m_pipe), 1);
	move(&m, 0, 1, 1, 0);
	fakeusb_unplug(m.m_fd);
	fake_dev_free(m.m_fd);
}
