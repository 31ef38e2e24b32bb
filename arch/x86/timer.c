/*
 * The one-shot event timer behind plat_block_until: the local APIC timer
 * when the I/O APIC path is in use, else PIT channel 0 through the PIC.
 * No periodic tick: the timer is armed only while the CPU waits for a
 * deadline, and its interrupt does nothing but end the hlt. The idle
 * path also gives tsc.c its chance to refine the clock rate.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/pit8254.h>

static bool use_lapic;
/*
 * Deadline the timer is armed for (UINT64_MAX: not armed). Re-arming
 * costs a device write, which under emulation is a trip through the
 * emulator's timer list: an earlier or equal deadline already armed is
 * left alone, and so is an armed timer when nothing is due; it then
 * fires early and the caller blocks again, re-arming for what is due
 * by then.
 */
static volatile uint64_t armed_ns = UINT64_MAX;

void
timer_init(void)
{
	use_lapic = irq_using_apic();
	if (use_lapic) {
		lapic_timer_calibrate();
		return;
	}
	pit_stop();
	pic_unmask(PIT_ISA_IRQ);
	cons_logf("timer: PIT channel 0 one-shot (no local APIC)\n");
}

void
timer_interrupt(void)
{
	/* Returning from the interrupt ends plat_block_until. */
	armed_ns = UINT64_MAX;
}

static void
timer_arm(uint64_t ns)
{
	if (use_lapic)
		lapic_timer_arm(ns);
	else
		pit_oneshot_arm(ns);
}

/*
 * Called with IF=0. sti takes effect after the next instruction, so no
 * interrupt can slip in between sti and hlt and be lost.
 */
void
plat_block_until(uint64_t deadline_ns)
{
	uint64_t now;

	tsc_refine_poll();
	if (deadline_ns < armed_ns) {
		now = plat_clock_monotonic();
		if (deadline_ns <= now)
			return;
		timer_arm(deadline_ns - now);
		armed_ns = deadline_ns;
	}
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}
