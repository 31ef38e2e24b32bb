/*
 * Halting and powering off. plat_poweroff tries, in order: semihosting
 * (QEMU, when enabled, carries the status to the host), PSCI SYSTEM_OFF,
 * and else halts with a message. plat_halt never powers off: a fault
 * report stays on the screen.
 */
#include <bmk/cons.h>
#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/sysreg.h>

__attribute__((noreturn)) void
cpu_halt_forever(void)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	for (;;)
		__asm__ volatile("wfi");
}

__attribute__((noreturn)) void
plat_halt(const char *msg)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	if (msg != NULL) {
		console_puts_raw(msg);
		console_puts_raw("\n");
	}
	console_drain();
	cpu_halt_forever();
}

__attribute__((noreturn)) void
plat_poweroff(int status)
{
	__asm__ volatile("msr daifset, #0xf" : : : "memory");
	console_drain();
	semihosting_exit(status);
	psci_system_off();
	cons_printf("poweroff: no way to power off (exit status %d); boot "
	    "with the kernel option \"semihosting\" under QEMU\n", status);
	plat_halt("*** system halted");
}
