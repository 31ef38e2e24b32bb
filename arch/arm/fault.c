/*
 * Fatal exception report: the exception class, the syndrome and fault
 * address registers, all general registers, what the faulting address is
 * (guard page, NULL) and a symbolized frame-pointer backtrace; then halt
 * with interrupts masked. Never returns, never reboots.
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
#include <arm/arch.h>
#include <arm/sysreg.h>
#include <arm/trapframe.h>

static volatile int fault_depth;

static const char *const ec_names[64] = {
	[EC_UNKNOWN] = "undefined instruction",
	[0x01] = "trapped WFI/WFE",
	[EC_FP_ACCESS] = "trapped FP/SIMD access",
	[EC_ILLEGAL_STATE] = "illegal execution state",
	[EC_SVC64] = "SVC",
	[EC_HVC64] = "HVC",
	[EC_SMC64] = "SMC",
	[EC_SYSREG] = "trapped system register access",
	[0x19] = "trapped SVE access",
	[0x1c] = "pointer authentication failure",
	[EC_IABORT_LOWER] = "instruction abort from a lower level",
	[EC_IABORT] = "instruction abort",
	[EC_PC_ALIGN] = "PC alignment fault",
	[EC_DABORT_LOWER] = "data abort from a lower level",
	[EC_DABORT] = "data abort",
	[EC_SP_ALIGN] = "SP alignment fault",
	[EC_FP_EXC64] = "floating-point exception",
	[EC_SERROR] = "SError interrupt",
	[EC_BREAKPOINT] = "breakpoint",
	[EC_STEP] = "software step",
	[EC_WATCHPOINT] = "watchpoint",
	[EC_BRK64] = "BRK instruction",
};

static const char *const kind_names[4] = {
	"synchronous exception", "unexpected IRQ", "unexpected FIQ",
	"SError interrupt",
};

static const char *const origin_names[4] = {
	"thread (EL1, SP_EL0)", "handler (EL1, SP_EL1)", "EL0 AArch64",
	"EL0 AArch32",
};

static unsigned
esr_ec(uint64_t esr)
{
	return (esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

static bool
is_abort(unsigned ec)
{
	return ec == EC_DABORT || ec == EC_IABORT || ec == EC_DABORT_LOWER ||
	    ec == EC_IABORT_LOWER;
}

static const char *
class_name(const struct trapframe *tf)
{
	unsigned type = tf->tf_kind & EXC_TYPE_MASK;
	const char *name;

	if (type != EXC_SYNC && type != EXC_SERROR)
		return kind_names[type];
	name = ec_names[esr_ec(tf->tf_esr)];
	return name != NULL ? name : "unknown exception class";
}

/* Fault status code: the Arm name, and the words x86 reports use. */
static const char *
fsc_name(unsigned fsc)
{
	switch (fsc & 0x3c) {
	case 0x00: return "address size fault";
	case 0x04: return "translation fault: page not present";
	case 0x08: return "access flag fault";
	case 0x0c: return "permission fault: protection violation";
	}
	if (fsc == 0x21)
		return "alignment fault";
	if (fsc == 0x10)
		return "synchronous external abort";
	return "other fault";
}

static void
print_abort(const struct trapframe *tf)
{
	unsigned ec = esr_ec(tf->tf_esr), fsc = tf->tf_esr & ISS_FSC_MASK;
	bool data = ec == EC_DABORT || ec == EC_DABORT_LOWER;

	cons_printf("%s", data ? "data abort" : "instruction abort");
	if (fsc < 0x10)
		cons_printf(" at level %u", fsc & 3);
	cons_printf(": %s, %s\n", fsc_name(fsc), !data ? "instruction fetch" :
	    (tf->tf_esr & ISS_WNR) ? "write access" : "read access");
}

static void
print_registers(const struct trapframe *tf)
{
	cons_printf("ESR 0x%016lx FAR 0x%016lx\n", tf->tf_esr, tf->tf_far);
	cons_printf("ELR 0x%016lx SPSR 0x%016lx\n", tf->tf_elr, tf->tf_spsr);
	cons_printf("SP  0x%016lx from %s\n", tf->tf_sp,
	    origin_names[tf->tf_kind >> 2 & 3]);
	cons_printf("LR  0x%016lx", tf->tf_x[30]);
	bmk_print_symbol(tf->tf_x[30], tf->tf_x[30] - 4);
	for (int i = 0; i < 31; i++)
		cons_printf("x%-2d 0x%016lx%s", i, tf->tf_x[i],
		    (i % 3 == 2 || i == 30) ? "\n" : " ");
}

/* What the faulting address is, if we know. */
static void
print_fault_address(const struct trapframe *tf)
{
	uintptr_t far = tf->tf_far;

	if ((tf->tf_kind & EXC_TYPE_MASK) != EXC_SYNC ||
	    !is_abort(esr_ec(tf->tf_esr)) || (tf->tf_esr & ISS_FNV))
		return;
	bmk_fault_report_address(far, stack_guard_owner(far));
}

/* A fault while reporting one: no formatter, no frame walking. */
__attribute__((noreturn)) static void
fault_nested(const struct trapframe *tf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned ec = esr_ec(tf->tf_esr);
	char num[3] = { hex[ec >> 4], hex[ec & 15], '\0' };

	console_puts_raw("\n*** nested fault (EC 0x");
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
	cons_printf("\n*** FATAL EXCEPTION: %s (EC 0x%02x)\n", class_name(tf),
	    esr_ec(tf->tf_esr));
	if ((tf->tf_kind & EXC_TYPE_MASK) == EXC_SYNC &&
	    is_abort(esr_ec(tf->tf_esr)))
		print_abort(tf);
	cons_printf("at 0x%016lx", tf->tf_elr);
	bmk_print_symbol(tf->tf_elr, tf->tf_elr);
	print_registers(tf);
	print_fault_address(tf);
	bmk_backtrace(tf->tf_elr, tf->tf_x[29], false);
	cons_printf("*** system halted\n");
	console_drain();
	cpu_halt_forever();
}

bool
plat_addr_mapped(uintptr_t va)
{
	return mmu_is_mapped(va);
}
