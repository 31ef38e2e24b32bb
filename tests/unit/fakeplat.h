/*
 * The platform contract (bmk/platform.h) on Linux, for host unit tests,
 * plus the knobs the tests turn.
 *
 * - Contexts are ucontexts, annotated for AddressSanitizer.
 * - The clock is fake: it only moves when the scheduler idles
 *   (plat_block_until jumps to the deadline or the next fake event) or
 *   when a test moves it, so sleeping tests are instant and exact.
 * - Interrupts are simulated: fake_interrupt() raises a line; it is
 *   delivered (mask line, intr_raise) as soon as interrupts are enabled
 *   and the line is unmasked, like a level-triggered line on hardware.
 * - When the scheduler would idle forever (no deadline, no event),
 *   fake_run() returns to the test.
 * - plat_halt longjmps back to FAKE_EXPECT_HALT when one is armed, and
 *   aborts otherwise.
 */
#ifndef FAKEPLAT_H
#define FAKEPLAT_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Page-aligned anonymous memory, aligned to align (a power of two). */
void *fake_mmap(size_t len, size_t align);

/*
 * Fresh world: mem_bytes of memory to pgalloc (aligned to 4 MiB), then
 * memalloc, sched, intr, console state and the fake clock reset, in the
 * order bmk_start uses.
 */
void fake_reset(size_t mem_bytes);
/* Run sched_run() until nothing can ever run again. */
void fake_run(void);

extern uint64_t fake_clock;
/* An interrupt on irq at fake time t (delivered when the CPU idles). */
void fake_event_at(uint64_t t, int irq);
/* An interrupt on irq now. */
void fake_interrupt(int irq);
bool fake_intr_masked(int irq);
bool fake_intr_enabled(void);
extern uint64_t fake_idle_calls;

/* Console: everything written, and input to hand out. */
extern char fake_cons_out[65536];
extern size_t fake_cons_outlen;
void fake_cons_clear(void);
/* Queue input bytes; raise the console irq if there is one. */
void fake_cons_input(const char *s);
extern int fake_cons_irqline;	/* plat_cons_irq(); -1 by default */

/* plat_halt: */
extern sigjmp_buf fake_halt_env;
extern bool fake_halt_armed;
extern char fake_halt_msg[256];
/* Run stmt; set halted to whether it called plat_halt. */
#define FAKE_EXPECT_HALT(halted, stmt) \
	do { \
		fake_halt_armed = true; \
		if (sigsetjmp(fake_halt_env, 0) == 0) { \
			stmt; \
			(halted) = false; \
		} else { \
			(halted) = true; \
		} \
		fake_halt_armed = false; \
	} while (0)

#endif
