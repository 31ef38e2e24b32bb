/*
 * Wall-clock time from an Arm PL031 real-time clock ("arm,pl031"): its
 * data register counts seconds (Unix time, as QEMU and Linux keep it).
 * Read once at boot; plat_clock_epochoffset is the difference to the
 * monotonic clock then. Without an RTC the wall clock starts at 1970.
 */
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/fdt.h>
#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/mmio.h>
#include <arm/pl031.h>

static int64_t epoch_offset;

void
rtc_init(const struct fdt *fdt)
{
	int node = fdt != NULL ? fdt_find_compatible(fdt, -1, "arm,pl031") : -1;
	uint64_t base, size, secs;

	if (node < 0 || !fdt_node_enabled(fdt, node) ||
	    dt_reg(fdt, node, 0, &base, &size) != 0) {
		cons_printf("rtc: no PL031 %s; wall clock starts at 0 "
		    "(1970)\n", fdt != NULL ? "in the device tree" :
		    "(no device tree)");
		return;
	}
	secs = mmio_read32((uintptr_t)base + RTC_DR);
	epoch_offset = (int64_t)(secs * 1000000000ULL) -
	    (int64_t)plat_clock_monotonic();
	cons_logf("rtc: PL031 at 0x%llx, %llu s since 1970\n",
	    (unsigned long long)base, (unsigned long long)secs);
}

int64_t
plat_clock_epochoffset(void)
{
	return epoch_offset;
}
