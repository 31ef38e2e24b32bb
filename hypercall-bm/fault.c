/*
 * Words for the arch fault handler: what a faulting address means to the
 * portable core (a thread's stack guard page, the unmapped page 0).
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/platform.h>
#include <bmk/sched.h>

/* One fault report at a time: the machine halts after it. */
static char fault_desc[96];

const char *
bmk_fault_describe(uintptr_t addr)
{
	struct sched_thread *t;

	if ((t = sched_guard_owner(addr)) != NULL) {
		cons_snprintf(fault_desc, sizeof(fault_desc),
		    "stack overflow: guard page of thread '%s'", sched_name(t));
		return fault_desc;
	}
	if (addr < PLAT_PAGE_SIZE)
		return "NULL pointer dereference";
	return NULL;
}

void
bmk_fault_report_address(uintptr_t addr, const char *archdesc)
{
	const char *what = archdesc;

	if (addr < PLAT_PAGE_SIZE || what == NULL)
		what = bmk_fault_describe(addr);
	if (what != NULL)
		cons_printf("fault address 0x%lx: %s\n", (unsigned long)addr,
		    what);
}
