/*
 * Interrupt dispatch.
 *
 * The arch's trap handler masks (if level-triggered) and acknowledges a
 * device line, then calls intr_raise(irq) with interrupts disabled. intr_raise only marks
 * the line pending, counts it and wakes the line's thread ("irqN"). That
 * thread runs every handler of the line in thread context, then unmasks
 * the line and waits for the next raise. Handlers of a shared line all
 * run on every interrupt.
 *
 * Invariants:
 *  - il_pending is set only by intr_raise (interrupt context) and cleared
 *    only by the line thread with interrupts disabled.
 *  - A level-triggered line is masked from its raise until its handlers
 *    have run. An edge line may be raised again meanwhile: il_pending
 *    is then set again and the thread runs the handlers once more.
 *  - il_handlers[0..il_nhandlers) only grows, and only from thread
 *    context; the line thread reads il_nhandlers afresh on each step.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/intr.h>
#include <bmk/platform.h>
#include <bmk/sched.h>

#include "bm_assert.h"

#define INTR_MAXHANDLERS 4

struct intr_handler {
	intr_handler_t ih_fn;
	void *ih_arg;
};

struct intr_line {
	struct intr_handler il_handlers[INTR_MAXHANDLERS];
	int il_nhandlers;
	bool il_pending;
	uint64_t il_count;
	struct sched_thread *il_thread;
};

static struct intr_line intr_lines[PLAT_NIRQ];

void
intr_init(void)
{
	__builtin_memset(intr_lines, 0, sizeof(intr_lines));
}

/* Block until the line is raised, then claim the raise. */
static void
line_wait(struct intr_line *il)
{
	unsigned long s = plat_intr_disable();

	while (!il->il_pending) {
		sched_blockprepare();
		plat_intr_restore(s);
		sched_block();
		s = plat_intr_disable();
	}
	il->il_pending = false;
	plat_intr_restore(s);
}

static void
line_thread(void *arg)
{
	struct intr_line *il = arg;
	int irq = (int)(il - intr_lines), i;

	for (;;) {
		line_wait(il);
		for (i = 0; i < il->il_nhandlers; i++)
			(void)il->il_handlers[i].ih_fn(il->il_handlers[i].ih_arg);
		plat_intr_unmask(irq);
	}
}

int
intr_establish(int irq, intr_handler_t fn, void *arg)
{
	struct intr_line *il;
	char name[SCHED_NAMELEN];

	if (irq < 0 || irq >= PLAT_NIRQ || fn == NULL)
		return EINVAL;
	il = &intr_lines[irq];
	if (il->il_nhandlers == INTR_MAXHANDLERS)
		return ENOSPC;
	if (il->il_thread == NULL) {
		cons_snprintf(name, sizeof(name), "irq%d", irq);
		il->il_thread = sched_create(name, line_thread, il, 0, 0);
		if (il->il_thread == NULL)
			return ENOMEM;
	}
	il->il_handlers[il->il_nhandlers].ih_fn = fn;
	il->il_handlers[il->il_nhandlers].ih_arg = arg;
	il->il_nhandlers++;
	plat_intr_unmask(irq);
	return 0;
}

/* Interrupt context, interrupts disabled. */
void
intr_raise(int irq)
{
	struct intr_line *il;

	bm_assert(irq >= 0 && irq < PLAT_NIRQ);
	il = &intr_lines[irq];
	il->il_count++;
	il->il_pending = true;
	if (il->il_thread != NULL)
		sched_wake(il->il_thread);
}

uint64_t
intr_count(int irq)
{
	unsigned long s;
	uint64_t n;

	if (irq < 0 || irq >= PLAT_NIRQ)
		return 0;
	s = plat_intr_disable();
	n = intr_lines[irq].il_count;
	plat_intr_restore(s);
	return n;
}
