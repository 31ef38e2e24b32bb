/*
 * CPU feature discovery and the control-register state every later piece
 * relies on: EFER.NXE (if the CPU has NX; entry.S may already have set
 * it), CR0.WP so read-only pages bind the kernel too, and the PAT with
 * entry 1 as write-combining (used for the framebuffer).
 */
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/regs.h>

struct x86_cpu x86_cpu;

static void
cpu_read_vendor(void)
{
	uint32_t r[4];

	cpuid(0, 0, r);
	__builtin_memcpy(&x86_cpu.xc_vendor[0], &r[1], 4);	/* ebx */
	__builtin_memcpy(&x86_cpu.xc_vendor[4], &r[3], 4);	/* edx */
	__builtin_memcpy(&x86_cpu.xc_vendor[8], &r[2], 4);	/* ecx */
	x86_cpu.xc_vendor[12] = '\0';
}

static void
cpu_read_features(void)
{
	uint32_t r[4], extmax;

	cpuid(CPUID_FEATURES, 0, r);
	x86_cpu.xc_pat = (r[3] & CPUID_EDX_PAT) != 0;
	x86_cpu.xc_hypervisor = (r[2] & CPUID_ECX_HYPERVISOR) != 0;
	cpuid(CPUID_EXT_MAX, 0, r);
	extmax = r[0];
	if (extmax >= CPUID_EXT_FEATURES) {
		cpuid(CPUID_EXT_FEATURES, 0, r);
		x86_cpu.xc_nx = (r[3] & CPUID_EXT_EDX_NX) != 0;
	}
	if (extmax >= CPUID_EXT_POWER) {
		cpuid(CPUID_EXT_POWER, 0, r);
		x86_cpu.xc_invtsc = (r[3] & CPUID_POWER_EDX_INVTSC) != 0;
	}
}

void
cpu_init(void)
{
	cpu_read_vendor();
	cpu_read_features();
	if (x86_cpu.xc_nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
	if (x86_cpu.xc_pat)
		wrmsr(MSR_PAT, PAT_VALUE);
	cons_logf("cpu: %s%s%s%s\n", x86_cpu.xc_vendor,
	    x86_cpu.xc_nx ? " nx" : " (no NX: data pages stay executable)",
	    x86_cpu.xc_invtsc ? " invariant-tsc" : "",
	    x86_cpu.xc_hypervisor ? " hypervisor" : "");
}

unsigned long
plat_intr_disable(void)
{
	unsigned long flags = read_rflags();

	cli();
	return flags & RFLAGS_IF;
}

void
plat_intr_restore(unsigned long cookie)
{
	if (cookie & RFLAGS_IF)
		sti();
}
