/*
 * Local APIC (xAPIC, MMIO): enabled with the spurious vector, task
 * priority 0, error interrupts masked. Its timer is our one-shot event
 * source. What is measured is its rate relative to the TSC (lapic_ratio,
 * timer ticks per TSC tick in 32.32 fixed point), so that a later
 * refinement of the TSC rate (tsc.c) refines the timer too:
 * ticks = tsc_ns_to_ticks(ns) * lapic_ratio >> 32. The measurement needs
 * no waiting of its own: lapic_init starts the count down (masked) and
 * lapic_timer_calibrate, later in the boot, reads how far it got.
 * Invariant: nothing else touches the timer in between.
 * A small error in the ratio only makes wakeups a little early (the
 * scheduler re-checks the clock and re-arms) or a little late.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/lapic.h>
#include <x86/regs.h>
#include <x86/vectors.h>

#define CALIBRATE_MIN_US 500
#define SAMPLE_TRIES 3

static uintptr_t lapic_base;
static uint64_t lapic_ratio;	/* timer ticks per TSC tick, 32.32 */
static uint64_t cal_tsc;	/* calibration start: TSC and count */
static uint32_t cal_count;

static inline uint32_t
lapic_read(unsigned reg)
{
	return mmio_read32(lapic_base + reg);
}

static inline void
lapic_write(unsigned reg, uint32_t v)
{
	mmio_write32(lapic_base + reg, v);
}

static void lapic_timer_calibrate_begin(void);

void
lapic_init(uint64_t paddr)
{
	uint64_t msr = rdmsr(MSR_APIC_BASE);

	if (!(msr & APIC_BASE_ENABLE))
		wrmsr(MSR_APIC_BASE, msr | APIC_BASE_ENABLE);
	if (mmu_map_mmio(paddr, LAPIC_MMIO_SIZE) != 0)
		plat_halt("lapic: cannot map the local APIC");
	lapic_base = (uintptr_t)paddr;
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_ESR, 0);
	lapic_eoi();	/* in case the firmware left one in service */
	lapic_timer_calibrate_begin();
}

void
lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t
lapic_id(void)
{
	return lapic_read(LAPIC_ID) >> LAPIC_ID_SHIFT;
}

/*
 * The timer's current count and the TSC halfway through reading it: of
 * a few reads, the one with the narrowest TSC bracket.
 */
static uint32_t
lapic_count_sample(uint64_t *tsc)
{
	uint64_t a, b, best = UINT64_MAX;
	uint32_t c, count = 0;

	for (int i = 0; i < SAMPLE_TRIES; i++) {
		a = rdtsc();
		c = lapic_read(LAPIC_TIMER_CUR);
		b = rdtsc();
		if (b - a < best) {
			best = b - a;
			*tsc = a + (b - a) / 2;
			count = c;
		}
	}
	return count;
}

/* Start counting down from the top, masked, one-shot. */
static void
lapic_timer_calibrate_begin(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_ONESHOT |
	    VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, UINT32_MAX);
	cal_count = lapic_count_sample(&cal_tsc);
}

/*
 * Timer ticks per TSC tick since lapic_timer_calibrate_begin, 32.32; 0
 * if it does not count. Waits only if less than CALIBRATE_MIN_US passed.
 */
static uint64_t
lapic_measure_ratio(void)
{
	uint64_t t1, min = tsc_ns_to_ticks(CALIBRATE_MIN_US * 1000);
	uint32_t c1;

	while (rdtsc() - cal_tsc < min)
		cpu_pause();
	c1 = lapic_count_sample(&t1);
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (t1 <= cal_tsc || c1 >= cal_count)
		return 0;
	return ((uint64_t)(cal_count - c1) << 32) / (t1 - cal_tsc);
}

void
lapic_timer_calibrate(void)
{
	uint64_t hz;

	lapic_ratio = lapic_measure_ratio();
	if (lapic_ratio == 0)
		plat_halt("lapic: the local APIC timer does not count");
	lapic_write(LAPIC_LVT_TIMER, LVT_ONESHOT | VEC_LAPIC_TIMER);
	hz = (uint64_t)((unsigned __int128)tsc_freq_hz() * lapic_ratio >> 32);
	cons_logf("lapic: timer %llu.%03llu MHz (bus clock / %d)\n",
	    (unsigned long long)(hz / 1000000),
	    (unsigned long long)(hz / 1000 % 1000), LAPIC_TIMER_DIVISOR);
}

/* One-shot interrupt after ns (at least one tick, at most the maximum). */
void
lapic_timer_arm(uint64_t ns)
{
	unsigned __int128 t =
	    (unsigned __int128)tsc_ns_to_ticks(ns) * lapic_ratio >> 32;
	uint32_t ticks;

	if (t > UINT32_MAX)
		ticks = UINT32_MAX;	/* ~68 s at 62.5 MHz; caller re-arms */
	else
		ticks = t == 0 ? 1 : (uint32_t)t;

	lapic_write(LAPIC_TIMER_INIT, ticks);
}
