/*
 * 8254 PIT. Channel 2 (gated through port 0x61, speaker off) runs free in
 * mode 2 with the full 65536 count, as a 16-bit reference counter for the
 * TSC calibration (refclk.c); nothing else uses channel 2. Channel 0 in
 * mode 0 is the one-shot timer when there is no local APIC (PIC
 * fallback).
 */
#include <stdint.h>

#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/pit8254.h>

#define PIT_MAX_COUNT 0xffff
#define NS_PER_SEC 1000000000ULL

/*
 * Start channel 2 counting down from 65536, wrapping forever (mode 2
 * reloads at the terminal count; loading 0 means 65536).
 */
void
pit_freerun_start(void)
{
	uint8_t ctl = inb(PORT_SPEAKER);

	outb(PORT_SPEAKER, ctl & ~(SPK_DATA | SPK_GATE2));	/* gate low */
	outb(PIT_CMD, PIT_SEL_CH2 | PIT_RW_LOHI | PIT_MODE2);
	outb(PIT_CH2, 0);
	outb(PIT_CH2, 0);
	outb(PORT_SPEAKER, (ctl & ~SPK_DATA) | SPK_GATE2);	/* count */
}

/*
 * Latch channel 2; *tsc is the TSC halfway through the latch command and
 * *width the TSC ticks that command took (the uncertainty of *tsc).
 * Returns ticks counted since the start, modulo 2^16 (counting up).
 */
uint32_t
pit_freerun_read(uint64_t *tsc, uint64_t *width)
{
	uint64_t a, b;
	uint32_t lo, hi;

	a = rdtsc();
	outb(PIT_CMD, PIT_SEL_CH2 | PIT_LATCH);
	b = rdtsc();
	lo = inb(PIT_CH2);
	hi = inb(PIT_CH2);
	*tsc = a + (b - a) / 2;
	*width = b - a;
	return (0x10000 - (hi << 8 | lo)) & 0xffff;
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
