/*
 * Monotonic clock from the TSC, calibrated against PIT channel 2 at boot.
 * ns = (tsc - x86_boot_tsc) * tsc_mult >> 32, computed with a 128-bit product
 * so it cannot overflow; tsc_mult is ns per tick in 32.32 fixed point.
 */
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/cpu.h>

#define CALIBRATE_MS 5
#define CALIBRATE_RUNS 2
#define FALLBACK_HZ 1000000000ULL
#define NS_PER_SEC 1000000000ULL

static uint64_t tsc_hz;
static uint64_t tsc_mult;
/* entry.S: the TSC at the kernel's first instruction, origin of time. */
uint64_t x86_boot_tsc;

/* The shortest of a few runs: interference only makes a run longer. */
static uint64_t
tsc_measure(void)
{
	uint64_t best = 0;

	for (int i = 0; i < CALIBRATE_RUNS; i++) {
		uint64_t t = pit_measure_tsc(CALIBRATE_MS);
		if (t == 0)
			return 0;
		if (best == 0 || t < best)
			best = t;
	}
	return best * 1000 / CALIBRATE_MS;
}

void
tsc_init(void)
{
	tsc_hz = tsc_measure();
	if (tsc_hz < 1000000) {
		cons_printf("tsc: calibration against the PIT failed; "
		    "assuming %llu MHz\n", FALLBACK_HZ / 1000000);
		tsc_hz = FALLBACK_HZ;
	}
	tsc_mult = (NS_PER_SEC << 32) / tsc_hz;
	cons_printf("tsc: %llu.%03llu MHz%s\n",
	    (unsigned long long)(tsc_hz / 1000000),
	    (unsigned long long)(tsc_hz / 1000 % 1000),
	    x86_cpu.xc_invtsc ? "" : " (not invariant: may drift)");
}

uint64_t
tsc_freq_hz(void)
{
	return tsc_hz;
}

uint64_t
tsc_to_ns(uint64_t ticks)
{
	return (uint64_t)((unsigned __int128)ticks * tsc_mult >> 32);
}

void
tsc_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * tsc_hz / 1000000;

	while (rdtsc() < end)
		cpu_pause();
}

uint64_t
plat_clock_monotonic(void)
{
	return tsc_to_ns(rdtsc() - x86_boot_tsc);
}
