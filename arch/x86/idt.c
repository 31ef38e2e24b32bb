/*
 * Interrupt descriptor table: all 256 vectors are interrupt gates (IF is
 * cleared on entry) to the per-vector stubs in trap.S, each on an IST
 * stack chosen by x86/segments.h.
 */
#include <stdint.h>

#include <x86/arch.h>
#include <x86/desc.h>
#include <x86/segments.h>
#include <x86/vectors.h>

/* trap.S: address of the entry stub of each vector. */
extern const uint64_t trap_stubs[VEC_COUNT];

static struct idt_gate idt[VEC_COUNT] __attribute__((aligned(16)));

static unsigned
idt_ist_for(unsigned vec)
{
	switch (vec) {
	case VEC_DF:
		return IST_DOUBLEFAULT;
	case VEC_NMI:
		return IST_NMI;
	case VEC_MC:
		return IST_MCHECK;
	default:
		return vec < VEC_EXCEPTIONS ? IST_EXCEPTION : IST_INTR;
	}
}

static void
idt_set_gate(unsigned vec, uint64_t handler, unsigned ist)
{
	struct idt_gate *g = &idt[vec];

	g->ig_off_lo = handler & 0xffff;
	g->ig_sel = SEL_KCODE;
	g->ig_ist = ist & 7;
	g->ig_type = GATE_TYPE_INTR | GATE_P;	/* DPL 0 */
	g->ig_off_mid = (handler >> 16) & 0xffff;
	g->ig_off_hi = handler >> 32;
	g->ig_reserved = 0;
}

void
idt_init(void)
{
	struct desc_ptr dp = {
		.dp_limit = sizeof(idt) - 1,
		.dp_base = (uintptr_t)idt,
	};

	for (unsigned vec = 0; vec < VEC_COUNT; vec++)
		idt_set_gate(vec, trap_stubs[vec], idt_ist_for(vec));
	__asm__ volatile("lidt %0" : : "m"(dp) : "memory");
}
