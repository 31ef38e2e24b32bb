/*
 * Statically allocated stacks: the boot stack (arch init, then the
 * scheduler's boot context) and one stack per IST slot. Each stack has a
 * guard page below it that mmu.c leaves unmapped, so an overflow faults
 * and the fault report can name the stack.
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/segments.h>
#include <x86/stacks.h>

struct guarded_boot_stack {
	uint8_t gs_guard[PLAT_PAGE_SIZE];
	uint8_t gs_stack[BOOT_STACK_SIZE];
} __attribute__((aligned(PLAT_PAGE_SIZE)));

struct guarded_ist_stack {
	uint8_t gs_guard[PLAT_PAGE_SIZE];
	uint8_t gs_stack[IST_STACK_SIZE];
} __attribute__((aligned(PLAT_PAGE_SIZE)));

_Static_assert(BOOT_STACK_SIZE % PLAT_PAGE_SIZE == 0, "page multiple");
_Static_assert(IST_STACK_SIZE % PLAT_PAGE_SIZE == 0, "page multiple");

/* entry.S starts on x86_boot_stack_area + BOOT_STACK_TOP_OFFSET. */
struct guarded_boot_stack x86_boot_stack_area;
static struct guarded_ist_stack ist_stacks[IST_COUNT];
_Static_assert(sizeof(struct guarded_boot_stack) == BOOT_STACK_TOP_OFFSET,
    "entry.S computes the boot stack top from stacks.h");

static const char *const ist_names[IST_COUNT] = {
	[IST_DOUBLEFAULT - 1] = "double-fault IST stack",
	[IST_NMI - 1] = "NMI IST stack",
	[IST_MCHECK - 1] = "machine-check IST stack",
	[IST_EXCEPTION - 1] = "exception IST stack",
	[IST_INTR - 1] = "interrupt IST stack",
};

uintptr_t
stack_ist_top(unsigned ist)
{
	if (ist < 1 || ist > IST_COUNT)
		return 0;
	return (uintptr_t)(ist_stacks[ist - 1].gs_stack + IST_STACK_SIZE);
}

uintptr_t
stack_guard_page(unsigned i)
{
	if (i == 0)
		return (uintptr_t)x86_boot_stack_area.gs_guard;
	if (i <= IST_COUNT)
		return (uintptr_t)ist_stacks[i - 1].gs_guard;
	return 0;
}

const char *
stack_guard_owner(uintptr_t addr)
{
	uintptr_t page = addr & ~(PLAT_PAGE_SIZE - 1);

	if (page == stack_guard_page(0))
		return "boot stack";
	for (unsigned i = 1; i <= IST_COUNT; i++)
		if (page == stack_guard_page(i))
			return ist_names[i - 1];
	return NULL;
}
