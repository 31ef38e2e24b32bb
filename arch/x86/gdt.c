/*
 * Global descriptor table and task state segment. Long mode ignores
 * segment bases and limits for code and data; the GDT exists for the
 * code selector's L bit, the data selector, and the TSS, whose only job
 * here is the interrupt stack table (see x86/segments.h).
 */
#include <stdint.h>

#include <x86/arch.h>
#include <x86/desc.h>
#include <x86/segments.h>

static uint64_t gdt[GDT_NENTRIES] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));

_Static_assert(GDT_TSS + 2 == GDT_NENTRIES, "the TSS takes two slots");

static void
gdt_set_tss(void)
{
	uintptr_t base = (uintptr_t)&tss;
	uint32_t limit = sizeof(tss) - 1;
	struct sysdesc64 sd = {
		.sd_limit_lo = limit & 0xffff,
		.sd_base_lo = base & 0xffff,
		.sd_base_mid = (base >> 16) & 0xff,
		.sd_type = SYS_TYPE_TSS_AVAIL | GATE_P,
		.sd_limit_hi_flags = (limit >> 16) & 0xf,
		.sd_base_hi = (base >> 24) & 0xff,
		.sd_base_top = base >> 32,
	};

	__builtin_memcpy(&gdt[GDT_TSS], &sd, sizeof(sd));
}

/* Load GDTR, reload every segment register, then the task register. */
static void
gdt_load(void)
{
	struct desc_ptr dp = {
		.dp_limit = sizeof(gdt) - 1,
		.dp_base = (uintptr_t)gdt,
	};

	__asm__ volatile(
	    "lgdt %0\n\t"
	    "pushq %1\n\t"
	    "leaq 1f(%%rip), %%rax\n\t"
	    "pushq %%rax\n\t"
	    "lretq\n"
	    "1:\n\t"
	    "movw %w2, %%ds\n\t"
	    "movw %w2, %%es\n\t"
	    "movw %w2, %%ss\n\t"
	    "ltr %w3"
	    : : "m"(dp), "i"(SEL_KCODE), "r"(SEL_KDATA), "r"(SEL_TSS)
	    : "rax", "memory");
}

void
gdt_init(void)
{
	gdt[GDT_NULL] = 0;
	gdt[GDT_KCODE] = SEG_LIMIT_MAX | SEG_RW | SEG_CODE | SEG_S | SEG_P |
	    SEG_L | SEG_G;
	gdt[GDT_KDATA] = SEG_LIMIT_MAX | SEG_RW | SEG_S | SEG_P | SEG_DB |
	    SEG_G;
	for (unsigned ist = 1; ist <= IST_COUNT; ist++)
		tss.ts_ist[ist - 1] = stack_ist_top(ist);
	tss.ts_rsp[0] = stack_ist_top(IST_EXCEPTION);
	tss.ts_iomap_base = sizeof(tss);	/* no I/O permission bitmap */
	gdt_set_tss();
	gdt_load();
}
