/*
 * CPU state for the platform contract: the interrupt mask (PSTATE.I)
 * and the RNDR random number instruction (FEAT_RNG, announced by
 * ID_AA64ISAR0_EL1.RNDR; it may fail transiently, so every word gets
 * bounded retries). cpu_init logs what the CPU is.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/sysreg.h>

#define RNDR_TRIES 10

static bool have_rndr;

void
cpu_init(void)
{
	uint64_t midr = sysreg_read(midr_el1);

	have_rndr = (sysreg_read(id_aa64isar0_el1) >> ID_ISAR0_RNDR_SHIFT &
	    0xf) != 0;
	cons_logf("cpu: MIDR 0x%08llx (implementer 0x%02llx part 0x%03llx)%s\n",
	    (unsigned long long)midr, (unsigned long long)(midr >> 24 & 0xff),
	    (unsigned long long)(midr >> 4 & 0xfff),
	    have_rndr ? ", RNDR" : "");
}

unsigned long
plat_intr_disable(void)
{
	unsigned long daif = sysreg_read(daif);

	__asm__ volatile("msr daifset, #2" : : : "memory");
	return daif & PSR_I;
}

void
plat_intr_restore(unsigned long cookie)
{
	if ((cookie & PSR_I) == 0)
		__asm__ volatile("msr daifclr, #2" : : : "memory");
}

/* One random word; false if RNDR kept failing (it sets Z on failure). */
static bool
rndr(uint64_t *v)
{
	for (int i = 0; i < RNDR_TRIES; i++) {
		uint64_t ok;

		/* s3_3_c2_c4_0 is RNDR */
		__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne"
		    : "=r"(*v), "=r"(ok) : : "cc");
		if (ok)
			return true;
	}
	return false;
}

int
plat_entropy(void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t n = 0;
	uint64_t v;

	if (!have_rndr)
		return 0;
	while (n < len && rndr(&v))
		for (int i = 0; i < 8 && n < len; i++, v >>= 8)
			p[n++] = (uint8_t)v;
	return (int)n;
}
