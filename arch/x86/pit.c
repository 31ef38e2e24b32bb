/*
 * 8254 PIT: channel 2 (gated through port 0x61, speaker off) measures the
 * TSC rate at boot; channel 0 in mode 0 is the one-shot timer when there
 * is no local APIC (PIC fallback). Waits on the hardware are bounded.
 */
#include <stdint.h>

#include <bmk/cons.h>
#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/pit8254.h>

#define PIT_MAX_COUNT 0xffff
#define PIT_SPIN_LIMIT 50000000UL
#define NS_PER_SEC 1000000000ULL

/*
 * Run channel 2 for ms milliseconds (<= 50) and return the TSC ticks that
 * passed, or 0 if the channel never reached its terminal count.
 */
uint64_t
pit_measure_tsc(unsigned ms)
{
	uint32_t count = (uint32_t)((uint64_t)PIT_HZ * ms / 1000);
	uint8_t ctl = inb(PORT_SPEAKER);
	uint64_t t0, t1;
	unsigned long spins;

	if (count > PIT_MAX_COUNT)
		count = PIT_MAX_COUNT;
	outb(PORT_SPEAKER, (ctl & ~(SPK_DATA | SPK_GATE2)));	/* gate low */
	outb(PIT_CMD, PIT_SEL_CH2 | PIT_RW_LOHI | PIT_MODE0);
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	outb(PORT_SPEAKER, (ctl & ~SPK_DATA) | SPK_GATE2);	/* start */
	t0 = rdtsc();
	for (spins = 0; spins < PIT_SPIN_LIMIT; spins++)
		if (inb(PORT_SPEAKER) & SPK_OUT2)
			break;
	t1 = rdtsc();
	outb(PORT_SPEAKER, ctl & ~(SPK_DATA | SPK_GATE2));
	if (spins == PIT_SPIN_LIMIT) {
		cons_printf("pit: channel 2 did not reach terminal count\n");
		return 0;
	}
	return t1 - t0;
}

/* Channel 0, mode 0: IRQ 0 rises once after ns (clamped to ~55 ms). */
void
pit_oneshot_arm(uint64_t ns)
{
	uint64_t count = ns * PIT_HZ / NS_PER_SEC;

	if (ns > NS_PER_SEC)
		count = PIT_MAX_COUNT;
	if (count == 0)
		count = 1;
	if (count > PIT_MAX_COUNT)
		count = PIT_MAX_COUNT;
	outb(PIT_CMD, PIT_SEL_CH0 | PIT_RW_LOHI | PIT_MODE0);
	outb(PIT_CH0, count & 0xff);
	outb(PIT_CH0, (count >> 8) & 0xff);
}

/* Mode 0 with no count written: the counter waits, no interrupt. */
void
pit_stop(void)
{
	outb(PIT_CMD, PIT_SEL_CH0 | PIT_RW_LOHI | PIT_MODE0);
}
