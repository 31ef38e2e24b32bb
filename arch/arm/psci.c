/*
 * PSCI (Arm DEN 0022) SYSTEM_OFF, through the conduit the /psci node
 * names ("hvc" or "smc", SMC Calling Convention). PSCI 0.2 or later is
 * needed (older nodes have no standard function IDs).
 *
 * When we entered at EL2 and dropped to EL1 ourselves, nobody serves
 * HVC: the call would trap into our own unprepared EL2. Then only "smc"
 * is used.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/fdt.h>
#include <arm/arch.h>
#include <arm/psci.h>

enum psci_conduit { PSCI_NONE, PSCI_HVC, PSCI_SMC };
static enum psci_conduit conduit;

static bool
str_is(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

void
psci_init(const struct fdt *fdt)
{
	int node = fdt != NULL ? fdt_find_compatible(fdt, -1,
	    "arm,psci-0.2") : -1;
	const char *method;

	if (fdt != NULL && node < 0)
		node = fdt_find_compatible(fdt, -1, "arm,psci-1.0");
	if (node < 0 || (method = fdt_getstr(fdt, node, "method")) == NULL)
		return;
	if (str_is(method, "smc"))
		conduit = PSCI_SMC;
	else if (str_is(method, "hvc") && arm_boot_el < 2)
		conduit = PSCI_HVC;
	else
		cons_printf("psci: method '%s' not usable from here\n", method);
}

static uint64_t
psci_call(uint32_t fn)
{
	register uint64_t x0 __asm__("x0") = fn;

	if (conduit == PSCI_HVC)
		__asm__ volatile("hvc #0" : "+r"(x0) : : "x1", "x2", "x3",
		    "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		    "x13", "x14", "x15", "x16", "x17", "memory");
	else
		__asm__ volatile("smc #0" : "+r"(x0) : : "x1", "x2", "x3",
		    "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
		    "x13", "x14", "x15", "x16", "x17", "memory");
	return x0;
}

void
psci_system_off(void)
{
	if (conduit != PSCI_NONE)
		(void)psci_call(PSCI_SYSTEM_OFF);
}
