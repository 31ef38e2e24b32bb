/*
 * Interrupt routing and dispatch.
 *
 * Platform lines (PLAT_NIRQ of them): 0..15 are ISA IRQs, which the MADT
 * interrupt source overrides map to I/O APIC inputs (GSIs) with their
 * polarity and trigger mode; lines 16 and up are the GSIs of the same
 * number (PCI: level triggered, active low; irq_gsi_line changes the mode
 * to what ACPI's _PRT says for a PCI line). With an I/O APIC, line n
 * arrives on vector VEC_IOAPIC_BASE + n. Without ACPI/MADT we fall back
 * to the 8259 pair: lines 0..15 on vectors 0x20..0x2f, no higher lines.
 *
 * A device interrupt masks its line, acknowledges the controller and
 * calls intr_raise(line); the line's thread unmasks it when done. The
 * exception is an edge-triggered I/O APIC line: the I/O APIC ignores an
 * edge that arrives while its pin is masked (82093AA datasheet), and a
 * device that then keeps its line high (a UART with bytes left) would
 * never interrupt again. Such a line stays unmasked; an edge during the
 * handlers' run just raises the line again, and intr.c runs them once
 * more. (The 8259 latches edges in its IRR even while masked.) The timer
 * only acknowledges (its job was to end the hlt).
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/intr.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/pit8254.h>
#include <x86/trapframe.h>
#include <x86/vectors.h>

_Static_assert(VEC_IOAPIC_BASE + PLAT_NIRQ <= VEC_LAPIC_TIMER,
    "I/O APIC vectors must not reach the timer vector");

static bool use_apic;

struct line_route {
	bool lr_valid;
	bool lr_edge;
	uint32_t lr_gsi;
};
static struct line_route routes[PLAT_NIRQ];

bool
irq_using_apic(void)
{
	return use_apic;
}

/* Does an ISA IRQ other than irq arrive on gsi (through an override)? */
static bool
gsi_taken_by_isa(uint32_t gsi, int irq)
{
	for (int i = 0; i < ACPI_ISA_IRQS; i++)
		if (i != irq && acpi_info.ac_isa[i].ar_gsi == gsi)
			return true;
	return false;
}

/* GSI and mode of platform line irq, from the MADT (ISA) or by rule. */
static void
irq_route_line(int irq, uint32_t dest)
{
	const struct acpi_isa_route *isa;
	uint32_t gsi = (uint32_t)irq;
	bool low = true, level = true;	/* PCI convention for GSI >= 16 */

	if (irq < ACPI_ISA_IRQS) {
		isa = &acpi_info.ac_isa[irq];
		gsi = isa->ar_gsi;
		low = isa->ar_active_low;
		level = isa->ar_level;
	}
	/* E.g. ISA IRQ 0 -> GSI 2: line 2 has no input of its own. */
	if (gsi == (uint32_t)irq && gsi_taken_by_isa(gsi, irq))
		return;
	if (ioapic_route(gsi, VEC_IOAPIC_BASE + irq, low, level, dest) != 0)
		return;		/* no I/O APIC input for this line */
	routes[irq].lr_valid = true;
	routes[irq].lr_edge = !level;
	routes[irq].lr_gsi = gsi;
}

static bool
irq_setup_apic(void)
{
	uint32_t dest;

	if (!acpi_info.ac_have_madt || acpi_info.ac_nioapic == 0)
		return false;
	lapic_init(acpi_info.ac_lapic_addr);
	for (int i = 0; i < acpi_info.ac_nioapic; i++) {
		const struct acpi_ioapic *io = &acpi_info.ac_ioapic[i];
		ioapic_add(io->ai_id, io->ai_addr, io->ai_gsi_base);
	}
	dest = lapic_id();
	for (int irq = 0; irq < PLAT_NIRQ; irq++)
		irq_route_line(irq, dest);
	return true;
}

int
irq_gsi_line(uint32_t gsi, bool level, bool active_low)
{
	if (!use_apic)
		return -1;
	for (int irq = 0; irq < PLAT_NIRQ; irq++) {
		if (!routes[irq].lr_valid || routes[irq].lr_gsi != gsi)
			continue;
		if (ioapic_set_mode(gsi, active_low, level) != 0)
			return -1;
		routes[irq].lr_edge = !level;
		return irq;
	}
	return -1;
}

void
irq_init(void)
{
	pic_init();	/* remapped and fully masked in both modes */
	use_apic = irq_setup_apic();
	if (!use_apic)
		cons_printf("irq: no ACPI MADT with an I/O APIC; "
		    "using the 8259 PIC (ISA lines 0-15 only)\n");
}

void
plat_intr_mask(int irq)
{
	if (irq < 0 || irq >= PLAT_NIRQ)
		return;
	if (use_apic) {
		if (routes[irq].lr_valid)
			ioapic_set_masked(routes[irq].lr_gsi, true);
	} else if (irq < 16) {
		pic_mask(irq);
	}
}

void
plat_intr_unmask(int irq)
{
	if (irq < 0 || irq >= PLAT_NIRQ)
		return;
	if (use_apic) {
		if (routes[irq].lr_valid)
			ioapic_set_masked(routes[irq].lr_gsi, false);
	} else if (irq < 16) {
		pic_unmask(irq);
	}
}

static void
irq_device(int irq)
{
	if (!use_apic || !routes[irq].lr_edge)
		plat_intr_mask(irq);
	if (use_apic)
		lapic_eoi();
	else
		pic_eoi(irq);
	intr_raise(irq);
}

/* Vectors 0x20-0x2f: PIC lines in fallback mode, else only spurious. */
static void
irq_pic_vector(int irq)
{
	if (pic_is_spurious(irq))
		return;
	if (use_apic) {
		pic_eoi(irq);	/* a stray from the masked PIC */
		return;
	}
	if (irq == PIT_ISA_IRQ) {
		pic_eoi(irq);
		timer_interrupt();
		return;
	}
	irq_device(irq);
}

static void
irq_unexpected(uint64_t vec)
{
	static unsigned reported;

	if (reported++ < 8)
		cons_printf("irq: unexpected interrupt vector %lu ignored\n",
		    (unsigned long)vec);
}

void
trap_dispatch(struct trapframe *tf)
{
	uint64_t vec = tf->tf_vector;

	if (vec < VEC_EXCEPTIONS)
		fault_report(tf);
	else if (vec >= VEC_PIC_BASE && vec < VEC_PIC_END)
		irq_pic_vector((int)(vec - VEC_PIC_BASE));
	else if (vec >= VEC_IOAPIC_BASE && vec < VEC_IOAPIC_BASE + PLAT_NIRQ)
		irq_device((int)(vec - VEC_IOAPIC_BASE));
	else if (vec == VEC_LAPIC_TIMER) {
		lapic_eoi();
		timer_interrupt();
	} else if (vec == VEC_SPURIOUS)
		return;		/* no EOI for the spurious vector */
	else
		irq_unexpected(vec);
}
