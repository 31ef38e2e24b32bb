/*
 * Arm semihosting, for one thing: handing the exit status to the host
 * (SYS_EXIT_EXTENDED, ADP_Stopped_ApplicationExit), so that QEMU run
 * with "-semihosting-config enable=on,target=native" exits with it.
 *
 * Only used when the boot command line has the kernel option
 * "semihosting": on hardware without a debugger attached, the HLT
 * instruction is undefined and would fault.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/bootinfo.h>
#include <bmk/cmdline.h>
#include <arm/arch.h>
#include <arm/semihosting.h>

static bool semihosting_on;

void
semihosting_init(const struct bootinfo *bi)
{
	semihosting_on = cmdline_peek(bi->bi_cmdline, "semihosting");
}

void
semihosting_exit(int status)
{
	uint64_t block[2] = { SH_ADP_STOPPED_APPLICATION_EXIT,
	    (uint64_t)(int64_t)status };
	register uint64_t x0 __asm__("x0") = SH_SYS_EXIT_EXTENDED;
	register uint64_t x1 __asm__("x1") = (uintptr_t)block;

	if (!semihosting_on)
		return;
	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}
