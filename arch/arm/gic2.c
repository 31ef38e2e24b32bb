/*
 * GICv2 (Arm IHI 0048B): the distributor and the memory-mapped CPU
 * interface, from the first two "reg" entries of the controller's node.
 *
 * Every SPI is disabled, given one priority and routed to this CPU; the
 * groups are left as they are (all group 0 without security extensions,
 * or what the firmware chose for the non-secure side), and both are
 * enabled, so either signals IRQ.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/fdt.h>
#include <arm/gic.h>
#include <arm/gicops.h>
#include <arm/mmio.h>

static uintptr_t gicd, gicc;

static void
dist_init(unsigned nlines)
{
	/* ITARGETSR0..7 read as this CPU's own interface bit. */
	uint32_t self = mmio_read32(gicd + GICD_ITARGETSR(0)) & 0xff;

	if (self == 0)
		self = 1;	/* uniprocessor GICs may read as zero */
	mmio_write32(gicd + GICD_CTLR, 0);
	for (unsigned i = 0; i < nlines / 32; i++) {
		mmio_write32(gicd + GICD_ICENABLER(i), 0xffffffffu);
		mmio_write32(gicd + GICD_ICPENDR(i), 0xffffffffu);
	}
	for (unsigned i = 0; i < nlines / 4; i++)
		mmio_write32(gicd + GICD_IPRIORITYR(i), GIC_PRIO_DEVICE *
		    0x01010101u);
	for (unsigned i = GIC_SPI_BASE / 4; i < nlines / 4; i++)
		mmio_write32(gicd + GICD_ITARGETSR(i), self * 0x01010101u);
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_GRP0 | GICD_CTLR_GRP1);
}

static int
gic2_init(const struct fdt *fdt, int node)
{
	uint64_t dbase, cbase, size;

	if (fdt == NULL)
		return EINVAL;		/* no fixed address to fall back on */
	if (fdt_reg(fdt, node, 0, &dbase, &size) != 0 ||
	    fdt_reg(fdt, node, 1, &cbase, &size) != 0) {
		cons_printf("gic: GICv2 node without distributor and CPU "
		    "interface registers\n");
		return EINVAL;
	}
	gicd = (uintptr_t)dbase;
	gicc = (uintptr_t)cbase;
	gic2_ops.go_nlines = GICD_TYPER_LINES(mmio_read32(gicd + GICD_TYPER));
	if (gic2_ops.go_nlines > GIC_INTID_SPECIAL)
		gic2_ops.go_nlines = GIC_INTID_SPECIAL;
	dist_init(gic2_ops.go_nlines);
	mmio_write32(gicc + GICC_PMR, GIC_PRIO_MASK_NONE);
	mmio_write32(gicc + GICC_BPR, 0);
	mmio_write32(gicc + GICC_CTLR, GICC_CTLR_ENABLE);
	return 0;
}

/* <type number flags>: type 0 SPI (INTID 32 + n), 1 PPI (16 + n). */
int
gic_fdt_irq3(const struct fdt *fdt, int node, int idx, unsigned *intid)
{
	struct fdt_irq irq;
	int err = fdt_irq(fdt, node, idx, &irq);

	if (err != 0)
		return err;
	if (irq.fi_type == FDT_IRQ_SPI && irq.fi_num < GIC_INTID_SPECIAL -
	    GIC_SPI_BASE)
		*intid = GIC_SPI_BASE + irq.fi_num;
	else if (irq.fi_type == FDT_IRQ_PPI && irq.fi_num < 16)
		*intid = GIC_PPI_BASE + irq.fi_num;
	else
		return EINVAL;
	return 0;
}

static void
gic2_enable(unsigned intid, bool on)
{
	mmio_write32(gicd + (on ? GICD_ISENABLER(intid / 32) :
	    GICD_ICENABLER(intid / 32)), 1u << (intid % 32));
}

void
gic_dist_set_edge(uintptr_t dist, unsigned intid)
{
	uintptr_t r = dist + GICD_ICFGR(intid / 16);

	/* Two bits per INTID; the upper one set means edge-triggered. */
	mmio_write32(r, mmio_read32(r) | 2u << (2 * (intid % 16)));
}

static void
gic2_set_edge(unsigned intid)
{
	gic_dist_set_edge(gicd, intid);
}

static uint32_t
gic2_ack(void)
{
	return mmio_read32(gicc + GICC_IAR);
}

static unsigned
gic2_intid(uint32_t ack)
{
	return ack & GICC_IAR_INTID_MASK;
}

static void
gic2_eoi(uint32_t ack)
{
	mmio_write32(gicc + GICC_EOIR, ack);
}

static const char *const gic2_compat[] = {
	"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a9-gic",
	"arm,cortex-a7-gic", NULL,
};

struct gic_ops gic2_ops = {
	.go_name = "GICv2",
	.go_compat = gic2_compat,
	.go_lines = "platform line n = SPI n (INTID 32 + n)",
	.go_init = gic2_init,
	.go_fdt_irq = gic_fdt_irq3,
	.go_enable = gic2_enable,
	.go_set_edge = gic2_set_edge,
	.go_ack = gic2_ack,
	.go_intid = gic2_intid,
	.go_eoi = gic2_eoi,
};
