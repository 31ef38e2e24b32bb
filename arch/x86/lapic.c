/*
 * Local APIC (xAPIC, MMIO): enabled with the spurious vector, task
 * priority 0, error interrupts masked. Its timer is our one-shot event
 * source, calibrated against the TSC: ticks = ns * lapic_mult >> 32.
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

#define CALIBRATE_US 2000
#define CALIBRATE_RUNS 3
#define NS_PER_SEC 1000000000ULL

static uintptr_t lapic_base;
static uint64_t lapic_hz;
static uint64_t lapic_mult;	/* timer ticks per ns, 32.32 fixed point */

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
 * Timer ticks per second: count down for CALIBRATE_US of TSC time,
 * reading both clocks at both ends so that time spent getting into the
 * loop does not count. The median of a few runs drops outliers (under
 * emulation a run can be disturbed).
 */
static uint64_t
lapic_measure_hz(void)
{
	uint64_t hz[CALIBRATE_RUNS], t0, t1, tmp;
	uint32_t c0, c1;

	for (int i = 0; i < CALIBRATE_RUNS; i++) {
		lapic_write(LAPIC_TIMER_INIT, UINT32_MAX);
		c0 = lapic_read(LAPIC_TIMER_CUR);
		t0 = rdtsc();
		tsc_delay_us(CALIBRATE_US);
		c1 = lapic_read(LAPIC_TIMER_CUR);
		t1 = rdtsc();
		lapic_write(LAPIC_TIMER_INIT, 0);
		hz[i] = (t1 > t0) ? (uint64_t)(c0 - c1) * tsc_freq_hz() /
		    (t1 - t0) : 0;
	}
	for (int i = 1; i < CALIBRATE_RUNS; i++)	/* insertion sort */
		for (int j = i; j > 0 && hz[j - 1] > hz[j]; j--) {
			tmp = hz[j];
			hz[j] = hz[j - 1];
			hz[j - 1] = tmp;
		}
	return hz[CALIBRATE_RUNS / 2];
}

void
lapic_timer_calibrate(void)
{
	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LVT_ONESHOT |
	    VEC_LAPIC_TIMER);
	lapic_hz = lapic_measure_hz();
	if (lapic_hz == 0)
		plat_halt("lapic: the local APIC timer does not count");
	lapic_mult = (lapic_hz << 32) / NS_PER_SEC;
	if (lapic_mult == 0)
		lapic_mult = 1;
	lapic_write(LAPIC_LVT_TIMER, LVT_ONESHOT | VEC_LAPIC_TIMER);
	cons_printf("lapic: timer %llu.%03llu MHz (bus clock / %d)\n",
	    (unsigned long long)(lapic_hz / 1000000),
	    (unsigned long long)(lapic_hz / 1000 % 1000), LAPIC_TIMER_DIVISOR);
}

/* One-shot interrupt after ns (at least one tick, at most the maximum). */
void
lapic_timer_arm(uint64_t ns)
{
	unsigned __int128 t = (unsigned __int128)ns * lapic_mult >> 32;
	uint32_t ticks;

	if (t > UINT32_MAX)
		ticks = UINT32_MAX;	/* ~68 s at 62.5 MHz; caller re-arms */
	else
		ticks = t == 0 ? 1 : (uint32_t)t;

	lapic_write(LAPIC_TIMER_INIT, ticks);
}

void
lapic_timer_stop(void)
{
	lapic_write(LAPIC_TIMER_INIT, 0);
}
