/*
 * Kernel console: formatted output through plat_cons_write, and console
 * input.
 *
 * Output is formatted into a small stack buffer that is written out each
 * time it fills, so a message of any length needs no allocation.
 *
 * Input: with a console interrupt line, a handler (running in the line's
 * thread) drains the device into a ring buffer and wakes the reader;
 * without one, cons_read polls the device every CONS_POLL_NS. The ring
 * is touched only in thread context, and threads are cooperative, so it
 * needs no locking; the handler and a reader never interleave.
 * Keyboards (the kernel's ttyin sink) add to the same ring with
 * cons_input_push, from thread context too.
 *
 * Invariants: 0 <= cons_rhead - cons_rtail <= CONS_RINGSIZE (free-running
 * unsigned indices); at most one reader waits in cons_waiter, and other
 * readers poll until the slot is free.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/intr.h>
#include <bmk/platform.h>
#include <bmk/sched.h>

#include "fmt.h"

#define CONS_CHUNK 128
#define CONS_RINGSIZE 256	/* a power of two */
#define CONS_POLL_NS 10000000ULL

static char cons_ring[CONS_RINGSIZE];
static unsigned cons_rhead, cons_rtail;	/* producer, consumer */
static struct sched_thread *cons_waiter;
static bool cons_irqmode;
static uint64_t cons_dropped;	/* input lost to a full ring */

static void
cons_flush(struct fmt_out *o)
{
	plat_cons_write(o->fo_buf, o->fo_len);
	o->fo_len = 0;
}

int
cons_vprintf(const char *fmt, va_list ap)
{
	char buf[CONS_CHUNK];
	struct fmt_out o = {
		.fo_buf = buf,
		.fo_cap = sizeof(buf),
		.fo_flush = cons_flush,
	};

	fmt_format(&o, fmt, ap);
	cons_flush(&o);
	return o.fo_total > __INT_MAX__ ? __INT_MAX__ : (int)o.fo_total;
}

int
cons_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = cons_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

static bool cons_quiet;

void
cons_set_quiet(bool quiet)
{
	cons_quiet = quiet;
}

int
cons_logf(const char *fmt, ...)
{
	va_list ap;
	int n;

	if (cons_quiet)
		return 0;
	va_start(ap, fmt);
	n = cons_vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void
cons_write(const char *buf, size_t len)
{
	plat_cons_write(buf, len);
}

/* Writes s as it is: unlike C's puts, no newline is added. */
void
cons_puts(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	plat_cons_write(s, n);
}

/* Line thread of the console interrupt: device -> ring. */
static int
cons_intr(void *arg)
{
	int c, got = 0;

	(void)arg;
	while ((c = plat_cons_getc()) >= 0) {
		got = 1;
		if (cons_rhead - cons_rtail == CONS_RINGSIZE) {
			cons_dropped++;
			continue;
		}
		cons_ring[cons_rhead++ % CONS_RINGSIZE] = (char)c;
	}
	if (got && cons_waiter != NULL)
		sched_wake(cons_waiter);
	return got;
}

/*
 * Characters from another input device (a USB keyboard, through the
 * kernel's ttyin sink): into the ring behind what is there, the reader
 * woken. Called in thread context (a driver's completion callback);
 * what does not fit is counted in cons_dropped and lost, as for the
 * serial line.
 */
void
cons_input_push(const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (cons_rhead - cons_rtail == CONS_RINGSIZE) {
			cons_dropped += len - i;
			break;
		}
		cons_ring[cons_rhead++ % CONS_RINGSIZE] = buf[i];
	}
	if (i > 0 && cons_waiter != NULL)
		sched_wake(cons_waiter);
}

/*
 * Use the console interrupt if there is one; if it cannot be set up,
 * stay in polling mode.
 */
void
cons_input_init(void)
{
	int irq = plat_cons_irq();
	int error;

	cons_rhead = cons_rtail = 0;
	cons_waiter = NULL;
	cons_irqmode = false;
	if (irq < 0)
		return;
	if ((error = intr_establish(irq, cons_intr, NULL)) != 0) {
		cons_printf("cons: irq %d: error %d, polling input\n", irq,
		    error);
		return;
	}
	cons_irqmode = true;
}

/* Polling mode: what the device has goes into the ring. */
static void
pull_device(void)
{
	int c;

	while (cons_rhead - cons_rtail < CONS_RINGSIZE &&
	    (c = plat_cons_getc()) >= 0)
		cons_ring[cons_rhead++ % CONS_RINGSIZE] = (char)c;
}

bool
cons_input_ready(void)
{
	if (!cons_irqmode)
		pull_device();
	return cons_rhead != cons_rtail;
}

static size_t
read_poll(char *buf, size_t len)
{
	size_t n = 0;
	int c;

	for (;;) {
		while (n < len && cons_rtail != cons_rhead)
			buf[n++] = cons_ring[cons_rtail++ % CONS_RINGSIZE];
		while (n < len && (c = plat_cons_getc()) >= 0)
			buf[n++] = (char)c;
		if (n > 0)
			return n;
		sched_sleep_ns(CONS_POLL_NS);
	}
}

/* Wait until the ring holds a byte. */
static void
ring_wait(void)
{
	struct sched_thread *self = sched_current();

	while (cons_rhead == cons_rtail) {
		if (cons_waiter != NULL) {
			sched_sleep_ns(CONS_POLL_NS);
			continue;
		}
		cons_waiter = self;
		sched_blockprepare();
		sched_block();
		cons_waiter = NULL;
	}
}

size_t
cons_read(char *buf, size_t len)
{
	size_t n = 0;

	if (len == 0)
		return 0;
	if (!cons_irqmode)
		return read_poll(buf, len);
	ring_wait();
	while (n < len && cons_rtail != cons_rhead)
		buf[n++] = cons_ring[cons_rtail++ % CONS_RINGSIZE];
	return n;
}
