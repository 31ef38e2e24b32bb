/*
 * Statically allocated stacks (see arm/layout.h): the boot stack (arch
 * init, then the scheduler loop, on SP_EL0) and the exception stack
 * (SP_EL1). Each has a guard page below it that mmu.c leaves unmapped,
 * so an overflow faults and the report can name the stack.
 */
#include <stdint.h>

#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/layout.h>

struct guarded_boot_stack {
	uint8_t gs_guard[GUARD_SIZE];
	uint8_t gs_stack[BOOT_STACK_SIZE];
} __attribute__((aligned(GUARD_SIZE)));

struct guarded_exc_stack {
	uint8_t gs_guard[GUARD_SIZE];
	uint8_t gs_stack[EXC_STACK_SIZE];
} __attribute__((aligned(GUARD_SIZE)));

_Static_assert(GUARD_SIZE == PLAT_PAGE_SIZE, "guard is one page");
_Static_assert(sizeof(struct guarded_boot_stack) == BOOT_STACK_TOP_OFFSET,
    "entry.S computes the boot stack top from arm/layout.h");
_Static_assert(sizeof(struct guarded_exc_stack) == EXC_STACK_TOP_OFFSET,
    "entry.S computes the exception stack top from arm/layout.h");

/* entry.S sets the stack pointers to the tops of these. */
struct guarded_boot_stack arm_boot_stack;
struct guarded_exc_stack arm_exc_stack;

uintptr_t
stack_guard_page(unsigned i)
{
	if (i == 0)
		return (uintptr_t)arm_boot_stack.gs_guard;
	if (i == 1)
		return (uintptr_t)arm_exc_stack.gs_guard;
	return 0;
}

const char *
stack_guard_owner(uintptr_t addr)
{
	uintptr_t page = addr & ~(uintptr_t)(GUARD_SIZE - 1);

	if (page == stack_guard_page(0))
		return "stack overflow: guard page of the boot stack";
	if (page == stack_guard_page(1))
		return "stack overflow: guard page of the exception stack";
	return NULL;
}
