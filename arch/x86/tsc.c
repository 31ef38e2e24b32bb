/*
 * Monotonic clock from the TSC:
 *
 *	ns = ns_base + ((tsc - tsc_base) * tsc_mult >> 32)
 *
 * with a 128-bit product so it cannot overflow; tsc_mult is ns per tick
 * in 32.32 fixed point. Time starts at x86_boot_tsc (entry.S).
 *
 * The rate, cheapest source first:
 *  1. CPUID leaf 0x15 (TSC/crystal ratio; the crystal frequency from the
 *     leaf, else derived from leaf 0x16's base frequency): final.
 *  2. A quick measurement over at least QUICK_TICKS of a reference
 *     counter (refclk.c: ACPI PM timer or PIT channel 2). With the PM
 *     timer, tsc_init_begin() takes the first sample and tsc_init() the
 *     second, waiting only for what the boot work in between did not
 *     already take; that work must take less than the counter's period
 *     (4.7 s), which the PIT's 55 ms is too short to promise, so with the
 *     PIT tsc_init() measures on its own. Then a refined
 *     measurement with no busy-waiting: the idle path calls
 *     tsc_refine_poll(), which once REFINE_MIN_MS have passed measures
 *     over the whole interval since the first sample and switches to the
 *     refined rate.
 *
 * Invariant: tsc_base, ns_base and tsc_mult change only with interrupts
 * disabled on the one CPU (so no reader sees half an update), at a rebase
 * point where the old and the new conversion give the same ns: the clock
 * neither jumps nor goes backwards; only its rate changes from there on.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/cpu.h>

#define NS_PER_SEC 1000000000ULL
#define FALLBACK_HZ 1000000000ULL
#define MIN_HZ 100000000ULL		/* plausible TSC rates */
#define MAX_HZ 20000000000ULL
/*
 * Reading a counter can be off by a tick at each end: over 2000 ticks
 * that is 0.1% (0.56 ms of the PM timer, 1.7 ms of the PIT); a read's
 * own duration (bracketed by the TSC) adds much less.
 */
#define QUICK_TICKS 2000
/*
 * The quick rate is trusted to TOLERANCE_PCT: the refined rate must agree
 * that well, and refinement windows stay short enough that the quick
 * rate's prediction of the reference ticks is off by less than a quarter
 * of the counter's period (so its wraps are counted right).
 */
#define TOLERANCE_PCT 1
#define REFINE_MIN_MS 200
#define REFINE_MAX_MS 60000
#define OVERLAP_MIN_PERIOD_S 1	/* counters that may span boot steps */
#define CPUID_TSC_LEAF 0x15
#define CPUID_FREQ_LEAF 0x16

/* entry.S: the TSC at the kernel's first instruction, origin of time. */
uint64_t x86_boot_tsc;

static uint64_t tsc_hz;
static uint64_t tsc_mult;		/* ns per tick, 32.32 */
static uint64_t tsc_tick_mult;		/* ticks per ns, 32.32 */
static uint64_t tsc_base, ns_base;

static struct refclk_sample refine_start;
static uint64_t refine_min_tsc;		/* refine no earlier than this */
static uint64_t refine_max_ticks;	/* longest window, reference ticks */
static bool refine_pending;

static uint64_t
tsc_ns_at(uint64_t tsc)
{
	return ns_base + (uint64_t)((unsigned __int128)(tsc - tsc_base) *
	    tsc_mult >> 32);
}

/* The rate from here on. Interrupts disabled, or still single-threaded. */
static void
tsc_set_rate(uint64_t hz)
{
	uint64_t now = rdtsc();

	ns_base = tsc_mult ? tsc_ns_at(now) : 0;
	tsc_base = tsc_mult ? now : x86_boot_tsc;
	tsc_hz = hz;
	tsc_mult = (NS_PER_SEC << 32) / hz;
	tsc_tick_mult = (hz / NS_PER_SEC << 32) +
	    ((hz % NS_PER_SEC) << 32) / NS_PER_SEC;
}

/*
 * TSC rate from CPUID leaf 0x15, or 0. *exact is false when the leaf
 * leaves out the crystal and it comes from leaf 0x16's base MHz.
 */
static uint64_t
tsc_hz_cpuid(bool *exact)
{
	uint32_t r[4], max, den, num;
	uint64_t crystal, hz;

	cpuid(0, 0, r);
	max = r[0];
	if (max < CPUID_TSC_LEAF)
		return 0;
	cpuid(CPUID_TSC_LEAF, 0, r);
	den = r[0];
	num = r[1];
	crystal = r[2];
	*exact = crystal != 0;
	if (den == 0 || num == 0)
		return 0;
	if (crystal == 0 && max >= CPUID_FREQ_LEAF) {
		cpuid(CPUID_FREQ_LEAF, 0, r);	/* eax: base MHz */
		crystal = (uint64_t)(r[0] & 0xffff) * 1000000 * den / num;
	}
	hz = crystal * num / den;
	return hz >= MIN_HZ && hz <= MAX_HZ ? hz : 0;
}

static uint64_t
tsc_hz_between(const struct refclk_sample *a, const struct refclk_sample *b,
    uint64_t ref_ticks)
{
	return (uint64_t)((unsigned __int128)(b->rs_tsc - a->rs_tsc) *
	    refclk_hz() / ref_ticks);
}

/* Refine later over the interval that starts at s0 (rate hz so far). */
static void
refine_begin(const struct refclk_sample *s0, uint64_t hz)
{
	refine_start = *s0;
	refine_min_tsc = s0->rs_tsc + hz / 1000 * REFINE_MIN_MS;
	refine_max_ticks = refclk_period() * 100 / TOLERANCE_PCT / 4;
	if (refine_max_ticks > refclk_hz() / 1000 * REFINE_MAX_MS)
		refine_max_ticks = refclk_hz() / 1000 * REFINE_MAX_MS;
	refine_pending = true;
}

static struct refclk_sample quick_start;
static bool quick_pending;	/* a reference counter is running */
static bool quick_started;	/* quick_start was taken in tsc_init_begin */

/*
 * The rate from quick_start to now (waiting until QUICK_TICKS have
 * passed), or 0. Invariant: less than one counter period has passed
 * since quick_start.
 */
static uint64_t
tsc_hz_since_start(void)
{
	struct refclk_sample s1;
	uint64_t hz, ticks;

	if (!refclk_wait(&quick_start, QUICK_TICKS))
		return 0;
	refclk_sample(&s1);
	if ((ticks = refclk_delta(&quick_start, &s1)) == 0)
		return 0;
	hz = tsc_hz_between(&quick_start, &s1, ticks);
	if (hz < MIN_HZ || hz > MAX_HZ)
		return 0;
	refine_begin(&quick_start, hz);
	return hz;
}

/*
 * The quick rate, or 0. Should the boot steps since tsc_init_begin have
 * taken over a period after all (a host stalling an emulator for
 * seconds), a wrap is missed and the rate comes out implausible: measure
 * once more, on the spot.
 */
static uint64_t
tsc_hz_quick(void)
{
	uint64_t hz;

	if (quick_started && (hz = tsc_hz_since_start()) != 0)
		return hz;
	refclk_sample(&quick_start);
	return tsc_hz_since_start();
}

static void
tsc_report(const char *how)
{
	cons_logf("tsc: %llu.%03llu MHz (%s)%s\n",
	    (unsigned long long)(tsc_hz / 1000000),
	    (unsigned long long)(tsc_hz / 1000 % 1000), how,
	    x86_cpu.xc_invtsc ? "" : ", not invariant: may drift");
}

/* The nominal rate from CPUID; refined later if a reference counts. */
static void
tsc_init_nominal(uint64_t hz)
{
	struct refclk_sample s0;

	tsc_set_rate(hz);
	tsc_report("CPUID base frequency");
	if (refclk_init()) {
		refclk_sample(&s0);
		refine_begin(&s0, hz);
	}
}

/* After acpi_init (the PM timer port), before the work to overlap. */
void
tsc_init_begin(void)
{
	bool exact;
	uint64_t hz;

	if ((hz = tsc_hz_cpuid(&exact)) != 0) {
		if (!exact) {
			tsc_init_nominal(hz);
			return;
		}
		tsc_set_rate(hz);
		tsc_report("CPUID");
		return;
	}
	if (!refclk_init())
		return;
	quick_pending = true;
	if (refclk_period() >= refclk_hz() * OVERLAP_MIN_PERIOD_S) {
		refclk_sample(&quick_start);
		quick_started = true;
	}
}

/* The rate is known from here on. */
void
tsc_init(void)
{
	uint64_t hz;

	if (tsc_mult != 0)
		return;
	if (quick_pending && (hz = tsc_hz_quick()) != 0) {
		tsc_set_rate(hz);
		tsc_report(refclk_name());
		return;
	}
	cons_printf("tsc: no reference counter to calibrate against; "
	    "assuming %llu MHz\n", FALLBACK_HZ / 1000000);
	tsc_set_rate(FALLBACK_HZ);
}

/*
 * Reference ticks from refine_start to s: the delta modulo the period
 * plus the whole periods that bring it closest to the quick rate's
 * prediction; 0 if that prediction is not trustworthy.
 */
static uint64_t
refine_ticks(const struct refclk_sample *s)
{
	uint64_t period = refclk_period(), d = refclk_delta(&refine_start, s);
	uint64_t pred = (uint64_t)((unsigned __int128)(s->rs_tsc -
	    refine_start.rs_tsc) * refclk_hz() / tsc_hz);
	uint64_t n = pred + period / 2 >= d ? (pred + period / 2 - d) /
	    period : 0;
	uint64_t full = d + n * period;
	uint64_t err = full > pred ? full - pred : pred - full;

	if (pred > refine_max_ticks || err > period / 4)
		return 0;
	return full;
}

static void
refine_report(uint64_t hz)
{
	cons_logf("tsc: refined to %llu.%03llu MHz\n",
	    (unsigned long long)(hz / 1000000),
	    (unsigned long long)(hz / 1000 % 1000));
}

/*
 * Idle path, interrupts disabled. Cheap until REFINE_MIN_MS have passed.
 * A window that grew too long to count the wraps restarts from now.
 */
void
tsc_refine_poll(void)
{
	struct refclk_sample s;
	uint64_t ticks, hz, diff;

	if (!refine_pending || rdtsc() < refine_min_tsc)
		return;
	refclk_sample(&s);
	if ((ticks = refine_ticks(&s)) == 0) {
		refine_start = s;
		refine_min_tsc = s.rs_tsc + tsc_hz / 1000 * REFINE_MIN_MS;
		return;
	}
	refine_pending = false;
	hz = tsc_hz_between(&refine_start, &s, ticks);
	diff = hz > tsc_hz ? hz - tsc_hz : tsc_hz - hz;
	if (diff > tsc_hz / 100 * TOLERANCE_PCT) {
		cons_printf("tsc: refined rate %llu kHz disagrees with the "
		    "boot measurement; keeping %llu kHz\n",
		    (unsigned long long)(hz / 1000),
		    (unsigned long long)(tsc_hz / 1000));
		return;
	}
	tsc_set_rate(hz);
	refine_report(hz);
}

uint64_t
tsc_freq_hz(void)
{
	return tsc_hz;
}

/* TSC ticks in ns nanoseconds (saturating). */
uint64_t
tsc_ns_to_ticks(uint64_t ns)
{
	unsigned __int128 t = (unsigned __int128)ns * tsc_tick_mult >> 32;

	return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

void
tsc_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + tsc_ns_to_ticks(us * 1000);

	while (rdtsc() < end)
		cpu_pause();
}

uint64_t
plat_clock_monotonic(void)
{
	return tsc_ns_at(rdtsc());
}
