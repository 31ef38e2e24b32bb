/*
 * Fatal exception report: the exception, the error code, all registers,
 * what the faulting address is (guard page, NULL) and a symbolized
 * frame-pointer backtrace, on every console; then halt with interrupts
 * off. Never returns, never reboots.
 *
 * Output contract (tests grep it): the first line starts with
 * "*** FATAL EXCEPTION: ", a line "backtrace:", last line
 * "*** system halted".
 *
 * Invariant: fault_depth counts reports in progress. A fault while
 * reporting (depth > 1) prints one short line without the formatter and
 * halts, so a broken console or a bad frame chain cannot recurse.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/backtrace.h>
#include <bmk/cons.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/trapframe.h>
#include <x86/vectors.h>

static volatile int fault_depth;

static const char *const exc_names[VEC_EXCEPTIONS] = {
	[0] = "#DE divide error",
	[1] = "#DB debug",
	[2] = "NMI non-maskable interrupt",
	[3] = "#BP breakpoint",
	[4] = "#OF overflow",
	[5] = "#BR bound range exceeded",
	[6] = "#UD invalid opcode",
	[7] = "#NM device not available",
	[8] = "#DF double fault",
	[9] = "coprocessor segment overrun",
	[10] = "#TS invalid TSS",
	[11] = "#NP segment not present",
	[12] = "#SS stack-segment fault",
	[13] = "#GP general protection",
	[14] = "#PF page fault",
	[15] = "reserved exception",
	[16] = "#MF x87 floating-point error",
	[17] = "#AC alignment check",
	[18] = "#MC machine check",
	[19] = "#XM SIMD floating-point exception",
	[20] = "#VE virtualization exception",
	[21] = "#CP control protection",
	[28] = "#HV hypervisor injection",
	[29] = "#VC VMM communication",
	[30] = "#SX security exception",
};

static const char *
exc_name(uint64_t vec)
{
	if (vec < VEC_EXCEPTIONS && exc_names[vec] != NULL)
		return exc_names[vec];
	return "reserved exception";
}

static void
print_pf_error(uint64_t err)
{
	cons_printf("page fault: %s, %s access, %s%s\n",
	    (err & 1) ? "protection violation" : "page not present",
	    (err & 0x10) ? "instruction fetch" :
	    ((err & 2) ? "write" : "read"),
	    (err & 4) ? "user mode" : "kernel mode",
	    (err & 8) ? ", reserved bit set in a page table entry" : "");
}

static void
print_registers(const struct trapframe *tf)
{
	cons_printf("RIP 0x%016lx CS 0x%04lx RFLAGS 0x%08lx\n",
	    tf->tf_rip, tf->tf_cs, tf->tf_rflags);
	cons_printf("RSP 0x%016lx SS 0x%04lx\n", tf->tf_rsp, tf->tf_ss);
	cons_printf("CR2 0x%016lx CR3 0x%016lx\n", read_cr2(), read_cr3());
	cons_printf("RAX 0x%016lx RBX 0x%016lx RCX 0x%016lx\n",
	    tf->tf_rax, tf->tf_rbx, tf->tf_rcx);
	cons_printf("RDX 0x%016lx RSI 0x%016lx RDI 0x%016lx\n",
	    tf->tf_rdx, tf->tf_rsi, tf->tf_rdi);
	cons_printf("RBP 0x%016lx R8  0x%016lx R9  0x%016lx\n",
	    tf->tf_rbp, tf->tf_r8, tf->tf_r9);
	cons_printf("R10 0x%016lx R11 0x%016lx R12 0x%016lx\n",
	    tf->tf_r10, tf->tf_r11, tf->tf_r12);
	cons_printf("R13 0x%016lx R14 0x%016lx R15 0x%016lx\n",
	    tf->tf_r13, tf->tf_r14, tf->tf_r15);
}

/* What the faulting address is, if we know. */
static void
print_fault_address(const struct trapframe *tf)
{
	uintptr_t cr2 = read_cr2();

	if (tf->tf_vector != VEC_PF)
		return;
	bmk_fault_report_address(cr2, stack_guard_owner(cr2));
}

/* A fault while reporting one: no formatter, no frame walking. */
__attribute__((noreturn)) static void
fault_nested(const struct trapframe *tf)
{
	char num[4] = { '0' + tf->tf_vector / 100 % 10,
	    '0' + tf->tf_vector / 10 % 10, '0' + tf->tf_vector % 10, '\0' };

	console_puts_raw("\n*** nested fault (vector ");
	console_puts_raw(num);
	console_puts_raw(") while reporting a fault\n*** system halted\n");
	cpu_halt_forever();
}

__attribute__((noreturn)) void
fault_report(const struct trapframe *tf)
{
	if (++fault_depth > 1)
		fault_nested(tf);
	__asm__ volatile("" : : : "memory");	/* depth first, then the rest */
	cons_printf("\n*** FATAL EXCEPTION: %s (vector %lu)\n",
	    exc_name(tf->tf_vector), tf->tf_vector);
	cons_printf("error code 0x%lx\n", tf->tf_err);
	if (tf->tf_vector == VEC_PF)
		print_pf_error(tf->tf_err);
	cons_printf("at 0x%016lx", tf->tf_rip);
	bmk_print_symbol(tf->tf_rip, tf->tf_rip);
	print_registers(tf);
	print_fault_address(tf);
	bmk_backtrace(tf->tf_rip, tf->tf_rbp, false);
	cons_printf("*** system halted\n");
	cpu_halt_forever();
}

bool
plat_addr_mapped(uintptr_t va)
{
	return mmu_is_mapped(va);
}
