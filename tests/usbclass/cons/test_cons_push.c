/*
 * Keyboard characters into the bare-metal console input ring
 * (cons_input_push in hypercall-bm/cons.c), on the fake platform of
 * tests/unit: a blocked reader is woken, keyboard and serial input keep
 * their order, a full ring drops and the rest stays readable, and
 * polling mode (no console interrupt) sees pushed input too.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <bmk/cons.h>
#include <bmk/sched.h>

#include "fakeplat.h"
#include "unit.h"

#define MIB (1024UL * 1024)

static char readbuf[512];
static size_t readlen;
static uint64_t read_at, t0;

static void
reader(void *arg)
{
	(void)arg;
	readlen = cons_read(readbuf, sizeof(readbuf) - 1);
	readbuf[readlen] = '\0';
	read_at = fake_clock;
}

static void
keyboard(void *arg)
{
	sched_sleep_ns(20000000);	/* 20 ms */
	cons_input_push(arg, strlen(arg));
}

static void
setup(int irqline)
{
	fake_reset(64 * MIB);
	fake_cons_irqline = irqline;
	cons_input_init();
	t0 = fake_clock;
	readlen = 0;
}

static void
test_push_wakes_reader(void)
{
	setup(4);
	sched_create("reader", reader, NULL, 0, 0);
	sched_create("kbd", keyboard, "ls\r", 0, 0);
	fake_run();
	CHECK(readlen == 3 && strcmp(readbuf, "ls\r") == 0);
	CHECK(read_at == t0 + 20000000);	/* woken at once */
}

static void
mixed_typist(void *arg)
{
	(void)arg;
	fake_cons_input("ab");
	sched_sleep_ns(1000000);
	cons_input_push("cd", 2);
	sched_sleep_ns(1000000);
	fake_cons_input("e");
}

static void
late_reader(void *arg)
{
	sched_sleep_ns(5000000);
	reader(arg);
}

static void
test_push_and_serial_order(void)
{
	setup(4);
	sched_create("typist", mixed_typist, NULL, 0, 0);
	sched_create("reader", late_reader, NULL, 0, 0);
	fake_run();
	CHECK(readlen == 5 && strcmp(readbuf, "abcde") == 0);
}

static size_t full_first, full_second;
static bool full_ready_before, full_ready_after;

static void
full_thread(void *arg)
{
	char big[300];

	(void)arg;
	memset(big, 'k', sizeof(big));
	cons_input_push(big, sizeof(big));
	full_ready_before = cons_input_ready();
	full_first = cons_read(readbuf, sizeof(readbuf));
	cons_input_push("z", 1);	/* room again */
	full_second = cons_read(readbuf, sizeof(readbuf));
	full_ready_after = cons_input_ready();
}

static void
test_push_full_ring(void)
{
	setup(4);
	sched_create("full", full_thread, NULL, 0, 0);
	fake_run();
	CHECK(full_ready_before);
	CHECK(full_first == 256);	/* the ring's size; the rest dropped */
	CHECK(full_second == 1 && readbuf[0] == 'z');
	CHECK(!full_ready_after);
}

static void
test_push_polling_mode(void)
{
	setup(-1);
	CHECK(!cons_input_ready());
	sched_create("reader", reader, NULL, 0, 0);
	sched_create("kbd", keyboard, "q", 0, 0);
	fake_run();
	CHECK(readlen == 1 && readbuf[0] == 'q');
	/* seen by the next 10 ms poll */
	CHECK(read_at >= t0 + 20000000 && read_at <= t0 + 30000000);
}

int
main(void)
{
	RUN(test_push_wakes_reader);
	RUN(test_push_and_serial_order);
	RUN(test_push_full_ring);
	RUN(test_push_polling_mode);
	return unit_done();
}
