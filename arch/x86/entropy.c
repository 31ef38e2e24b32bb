/*
 * Hardware entropy for the platform contract (plat_entropy): RDSEED,
 * which returns conditioned output of the CPU's noise source, and else
 * RDRAND, the CPU's DRBG reseeded from that source (Intel SDM vol. 1,
 * 7.3.17; vol. 2, RDRAND/RDSEED). Both may fail transiently (CF=0) when
 * the source is drained, so every word gets a bounded number of tries;
 * a CPU that keeps failing yields fewer bytes, never a hang.
 *
 * Availability: CPUID leaf 1 ECX bit 30 (RDRAND), leaf 7 subleaf 0 EBX
 * bit 18 (RDSEED, only if the maximum basic leaf is at least 7). Checked
 * once and cached; QEMU's default TCG CPU model has neither, and then
 * plat_entropy returns 0.
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/platform.h>
#include <x86/cpu.h>

#define CPUID_LEAF_FEATURES 1
#define CPUID_LEAF_EXTFEATURES 7
#define CPUID_1_ECX_RDRAND (1u << 30)
#define CPUID_7_EBX_RDSEED (1u << 18)

#define RDRAND_TRIES 10		/* Intel's advice for a healthy DRNG */
#define RDSEED_TRIES 100	/* RDSEED runs dry under load: pause and retry */

enum { SRC_UNKNOWN, SRC_NONE, SRC_RDRAND, SRC_RDSEED };
static int entropy_src = SRC_UNKNOWN;

static int
probe(void)
{
	uint32_t r[4];
	uint32_t maxleaf;

	cpuid(0, 0, r);
	maxleaf = r[0];
	if (maxleaf >= CPUID_LEAF_EXTFEATURES) {
		cpuid(CPUID_LEAF_EXTFEATURES, 0, r);
		if (r[1] & CPUID_7_EBX_RDSEED)
			return SRC_RDSEED;
	}
	cpuid(CPUID_LEAF_FEATURES, 0, r);
	if (r[2] & CPUID_1_ECX_RDRAND)
		return SRC_RDRAND;
	return SRC_NONE;
}

/* One 64-bit word; returns 1 if the CPU delivered it (CF=1). */
static int
rdseed64(uint64_t *v)
{
	uint8_t ok;

	__asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

static int
rdrand64(uint64_t *v)
{
	uint8_t ok;

	__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
	return ok;
}

static int
word(int src, uint64_t *v)
{
	int i;

	if (src == SRC_RDSEED) {
		for (i = 0; i < RDSEED_TRIES; i++) {
			if (rdseed64(v))
				return 1;
			cpu_pause();
		}
		/* RDSEED drained: RDRAND is reseeded from the same source. */
	}
	for (i = 0; i < RDRAND_TRIES; i++)
		if (rdrand64(v))
			return 1;
	return 0;
}

int
plat_entropy(void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t got = 0, i;
	uint64_t v;

	if (entropy_src == SRC_UNKNOWN)
		entropy_src = probe();
	if (entropy_src == SRC_NONE)
		return 0;
	while (got < len && word(entropy_src, &v)) {
		for (i = 0; i < sizeof(v) && got < len; i++, got++)
			out[got] = (uint8_t)(v >> (8 * i));
	}
	v = 0;
	return (int)got;
}
