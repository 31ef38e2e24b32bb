/*
 * The interrupt controller behind the platform contract: a GICv2 or
 * GICv3 (gic2.c, gic3.c) or the Raspberry Pi's BCM2836 local + BCM2835
 * armctrl pair (bcm2836_local.c), whichever the device tree names; with
 * no tree, the board's (arm/board.h). The name "gic" stays for all.
 *
 * Every driver numbers like a GIC (gicops.h): platform line n is INTID
 * 32 + n; PLAT_NIRQ (64) lines cover INTIDs 32..95. On a GIC they are
 * SPIs (line n = SPI n, the number in a device tree "interrupts" entry
 * of type SPI); on the Pi, GPU IRQs (line n = GPU IRQ n, the PL011 is
 * 57). INTIDs 0..31 are per-CPU sources that are the arch's own (the
 * timer) and have handlers here, gic_set_percpu.
 *
 * gic_irq runs in the IRQ exception with interrupts masked. For a device
 * line it masks the line, signals end of interrupt and calls intr_raise;
 * the line's thread unmasks it (plat_intr_unmask) after its handlers
 * ran. An INTID nobody handles is masked and counted, so a stuck line
 * cannot storm.
 *
 * On a GICv3 with an ITS, a line may instead be an LPI (gic_line_lpi,
 * for MSI: arch/arm/pci.c). An LPI is a message, edge-like: gic_irq
 * does not mask it (that would take an ITS command), it only signals
 * end of interrupt and raises the line; a message arriving while the
 * line's thread runs raises it again. plat_intr_mask/unmask reach the
 * LPI's enable bit (thread context only).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/fdt.h>
#include <bmk/intr.h>
#include <bmk/platform.h>
#include <bmk/errno.h>
#include <arm/arch.h>
#include <arm/board.h>
#include <arm/gic.h>
#include <arm/gicops.h>
#include <arm/its.h>

#define GIC_ACKS_PER_TRAP 16	/* then return, the rest re-trap */

static struct gic_ops *const gic_drivers[] = {
	&gic3_ops, &gic2_ops, &bcm2836_ops,
};
static struct gic_ops *gic;
static void (*percpu_handlers[GIC_SPI_BASE])(void);
static uint64_t gic_stray;
static unsigned line_lpis[PLAT_NIRQ];	/* 0: line n is INTID 32 + n */

_Static_assert(GIC_SPI_BASE + PLAT_NIRQ <= 1020, "lines are SPIs");

static int
gic_find(const struct fdt *fdt, struct gic_ops **opsp)
{
	int node;

	for (size_t d = 0; d < sizeof(gic_drivers) / sizeof(gic_drivers[0]);
	    d++)
		for (const char *const *c = gic_drivers[d]->go_compat;
		    *c != NULL; c++)
			for (node = -1; (node = fdt_find_compatible(fdt, node,
			    *c)) >= 0;)
				if (fdt_node_enabled(fdt, node)) {
					*opsp = gic_drivers[d];
					return node;
				}
	return -1;
}

void
gic_init(const struct fdt *fdt)
{
	struct gic_ops *ops = NULL;
	int node = fdt != NULL ? gic_find(fdt, &ops) : -1;

	if (node < 0 && (ops = arm_board.bd_intc) == NULL)
		plat_halt("gic: no known interrupt controller in the device "
		    "tree; halted");
	if (node < 0) {
		cons_printf("gic: no interrupt controller in the device "
		    "tree; using the %s default\n", arm_board.bd_name);
		fdt = NULL;
	}
	if (ops->go_init(fdt, node) != 0)
		plat_halt("gic: cannot initialize the interrupt controller; "
		    "halted");
	gic = ops;
	cons_logf("gic: %s, %u interrupt IDs, %s\n", ops->go_name,
	    ops->go_nlines, ops->go_lines);
}

int
gic_fdt_intid(const struct fdt *fdt, int node, int idx, unsigned *intid)
{
	if (gic == NULL || fdt == NULL || node < 0)
		return EINVAL;
	return gic->go_fdt_irq(fdt, node, idx, intid);
}

int
gic_fdt_line(const struct fdt *fdt, int node, int idx)
{
	unsigned intid;

	if (gic_fdt_intid(fdt, node, idx, &intid) != 0 ||
	    intid < GIC_SPI_BASE || intid >= GIC_SPI_BASE + PLAT_NIRQ)
		return -1;
	return (int)(intid - GIC_SPI_BASE);
}

int
gic_set_edge(unsigned intid)
{
	if (gic == NULL || gic->go_set_edge == NULL || intid < GIC_SPI_BASE)
		return EOPNOTSUPP;
	gic->go_set_edge(intid);
	return 0;
}

void
gic_set_percpu(unsigned intid, void (*fn)(void))
{
	if (intid >= GIC_SPI_BASE)
		return;
	percpu_handlers[intid] = fn;
	gic->go_enable(intid, fn != NULL);
}

int
gic_line_lpi(int irq, unsigned intid)
{
	if (gic == NULL || irq < 0 || irq >= PLAT_NIRQ ||
	    intid < GIC_LPI_BASE)
		return EINVAL;
	line_lpis[irq] = intid;
	return 0;
}

/* The line of an LPI, or -1. */
static int
lpi_line(unsigned intid)
{
	for (int irq = 0; irq < PLAT_NIRQ; irq++)
		if (line_lpis[irq] == intid)
			return irq;
	return -1;
}

static bool
line_valid(int irq)
{
	return gic != NULL && irq >= 0 && irq < PLAT_NIRQ &&
	    (line_lpis[irq] != 0 ||
	    GIC_SPI_BASE + (unsigned)irq < gic->go_nlines);
}

static unsigned
line_intid(int irq)
{
	return line_lpis[irq] != 0 ? line_lpis[irq] :
	    GIC_SPI_BASE + (unsigned)irq;
}

void
plat_intr_mask(int irq)
{
	if (line_valid(irq))
		gic->go_enable(line_intid(irq), false);
}

void
plat_intr_unmask(int irq)
{
	if (line_valid(irq))
		gic->go_enable(line_intid(irq), true);
}

/* An LPI: edge-like, stays enabled (see the top). */
static void
lpi_dispatch(uint32_t ack, unsigned intid)
{
	int irq = lpi_line(intid);

	gic->go_eoi(ack);
	if (irq >= 0)
		intr_raise(irq);
	else
		gic_stray++;
}

static void
gic_dispatch(uint32_t ack, unsigned intid)
{
	if (intid < GIC_SPI_BASE && percpu_handlers[intid] != NULL) {
		percpu_handlers[intid]();
		gic->go_eoi(ack);
		return;
	}
	if (intid >= GIC_LPI_BASE) {
		lpi_dispatch(ack, intid);
		return;
	}
	gic->go_enable(intid, false);
	gic->go_eoi(ack);
	if (intid >= GIC_SPI_BASE && intid < GIC_SPI_BASE + PLAT_NIRQ)
		intr_raise((int)(intid - GIC_SPI_BASE));
	else
		gic_stray++;
}

void
gic_irq(void)
{
	for (int n = 0; n < GIC_ACKS_PER_TRAP; n++) {
		uint32_t ack = gic->go_ack();
		unsigned intid = gic->go_intid(ack);

		if (intid >= GIC_INTID_SPECIAL && intid < GIC_LPI_BASE)
			return;		/* spurious: nothing (more) pending */
		gic_dispatch(ack, intid);
	}
}
