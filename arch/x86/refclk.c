/*
 * Reference counters for the TSC calibration (tsc.c): free-running
 * counters of known frequency that keep counting with no attention. The
 * ACPI PM timer (3.579545 MHz, 24 or 32 bits) if the FADT names one and
 * it counts, else PIT channel 2 (1.193182 MHz, 16 bits, see pit.c).
 *
 * A sample pairs a count with the TSC at the moment it was read. Of a
 * few reads the one with the narrowest TSC bracket is kept: an emulator,
 * an SMI or a host preemption that stretches one read then costs
 * nothing, since both clocks keep running in the meantime.
 */
#include <stdbool.h>
#include <stdint.h>

#include <x86/acpi.h>
#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/pit8254.h>

#define SAMPLE_TRIES 3
#define MOVE_SPINS 100000	/* reads a counter gets to show it counts */

enum refclk_kind { REF_NONE, REF_PMTMR, REF_PIT };

static enum refclk_kind kind;
static uint16_t pmtmr_port;
static uint32_t ref_mask;	/* 2^bits - 1 */
static uint64_t ref_hz;

static uint32_t
pmtmr_read(uint64_t *tsc, uint64_t *width)
{
	uint64_t a, b;
	uint32_t v;

	a = rdtsc();
	v = inl(pmtmr_port);
	b = rdtsc();
	*tsc = a + (b - a) / 2;
	*width = b - a;
	return v & ref_mask;
}

/* One raw read: the count, with the TSC bracket of the read. */
static uint32_t
refclk_read(uint64_t *tsc, uint64_t *width)
{
	if (kind == REF_PMTMR)
		return pmtmr_read(tsc, width);
	return pit_freerun_read(tsc, width);
}

/* Does the counter change within MOVE_SPINS reads? */
static bool
refclk_moves(void)
{
	uint64_t t, w;
	uint32_t first = refclk_read(&t, &w);

	for (unsigned i = 0; i < MOVE_SPINS; i++)
		if (refclk_read(&t, &w) != first)
			return true;
	return false;
}

bool
refclk_init(void)
{
	if (acpi_info.ac_pmtmr_port != 0) {
		kind = REF_PMTMR;
		pmtmr_port = acpi_info.ac_pmtmr_port;
		ref_mask = acpi_info.ac_pmtmr_bits == 32 ? UINT32_MAX :
		    (1u << 24) - 1;
		ref_hz = PM_TMR_HZ;
		if (refclk_moves())
			return true;
	}
	kind = REF_PIT;
	ref_mask = 0xffff;
	ref_hz = PIT_HZ;
	pit_freerun_start();
	if (refclk_moves())
		return true;
	kind = REF_NONE;
	return false;
}

const char *
refclk_name(void)
{
	return kind == REF_PMTMR ? "ACPI PM timer" : "PIT";
}

uint64_t
refclk_hz(void)
{
	return ref_hz;
}

/* The counter's period: it wraps every refclk_period() ticks. */
uint64_t
refclk_period(void)
{
	return (uint64_t)ref_mask + 1;
}

void
refclk_sample(struct refclk_sample *s)
{
	uint64_t tsc, width;
	uint32_t count;

	s->rs_width = UINT64_MAX;
	for (int i = 0; i < SAMPLE_TRIES; i++) {
		count = refclk_read(&tsc, &width);
		if (width < s->rs_width) {
			s->rs_tsc = tsc;
			s->rs_width = width;
			s->rs_count = count;
		}
	}
}

/* Ticks from a to b modulo the period (exact if less than one period). */
uint64_t
refclk_delta(const struct refclk_sample *a, const struct refclk_sample *b)
{
	return (b->rs_count - a->rs_count) & ref_mask;
}

/*
 * Spin until ticks have passed since s (ticks < one period) or the
 * counter stops; a raw read is enough, the caller samples afterwards.
 */
bool
refclk_wait(const struct refclk_sample *s, uint64_t ticks)
{
	struct refclk_sample now;
	uint64_t w, last = 0;
	unsigned stuck = 0;

	now = *s;
	while (stuck < MOVE_SPINS) {
		now.rs_count = refclk_read(&now.rs_tsc, &w);
		if (refclk_delta(s, &now) >= ticks)
			return true;
		if (now.rs_count == last)
			stuck++;
		else
			stuck = 0;
		last = now.rs_count;
	}
	return false;
}
