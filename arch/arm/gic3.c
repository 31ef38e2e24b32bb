/*
 * GICv3 (Arm IHI 0069): the distributor (first "reg" entry), this CPU's
 * redistributor (found in the second entry, the first redistributor
 * region, by its affinity) and the CPU interface through the ICC_*
 * system registers (entry.S lets EL1 use them when we came from EL2).
 *
 * Affinity routing is on; every interrupt is non-secure group 1, SPIs
 * are routed to this CPU. Writes to the distributor's control and enable
 * registers wait for GICD_CTLR.RWP, with a bound.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/fdt.h>
#include <arm/gic.h>
#include <arm/gicops.h>
#include <arm/mmio.h>
#include <arm/sysreg.h>

#define RWP_SPINS 1000000
#define MAX_REDIST 256

static uintptr_t gicd, gicr;

static void
dist_wait(void)
{
	for (unsigned n = 0; n < RWP_SPINS; n++)
		if (!(mmio_read32(gicd + GICD_CTLR) & GICD_CTLR_RWP))
			return;
}

/* MPIDR affinity in GICD_IROUTER / GICR_TYPER layout: Aff3.Aff2.Aff1.Aff0. */
static uint64_t
my_affinity(void)
{
	uint64_t m = sysreg_read(mpidr_el1);

	return (m & 0xffffff) | (m >> 32 & 0xff) << 24;
}

static void
dist_init(unsigned nlines)
{
	uint64_t aff = my_affinity();

	mmio_write32(gicd + GICD_CTLR, 0);
	dist_wait();
	for (unsigned i = 1; i < nlines / 32; i++) {
		mmio_write32(gicd + GICD_IGROUPR(i), 0xffffffffu);
		mmio_write32(gicd + GICD_ICENABLER(i), 0xffffffffu);
		mmio_write32(gicd + GICD_ICPENDR(i), 0xffffffffu);
	}
	for (unsigned i = GIC_SPI_BASE / 4; i < nlines / 4; i++)
		mmio_write32(gicd + GICD_IPRIORITYR(i), GIC_PRIO_DEVICE *
		    0x01010101u);
	for (unsigned intid = GIC_SPI_BASE; intid < nlines; intid++)
		mmio_write64(gicd + GICD_IROUTER(intid),
		    (aff & 0xffffff) | (aff >> 24) << 32);
	dist_wait();
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE);
	dist_wait();
	mmio_write32(gicd + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1 |
	    GICD_CTLR_GRP0);
	dist_wait();
}

/* This CPU's redistributor in the region at base, or 0. */
static uintptr_t
redist_find(uintptr_t base, uint64_t size, uint64_t stride)
{
	uint64_t aff = my_affinity();

	for (uint64_t off = 0; off + 2 * GICR_FRAME_SIZE <= size &&
	    off / GICR_STRIDE_V3 < MAX_REDIST;) {
		uint64_t typer = mmio_read64(base + off + GICR_TYPER);

		if ((typer >> GICR_TYPER_AFF_SHIFT) == aff)
			return base + off;
		if (typer & GICR_TYPER_LAST)
			break;
		off += stride != 0 ? stride : ((typer & GICR_TYPER_VLPIS) ?
		    GICR_STRIDE_V4 : GICR_STRIDE_V3);
	}
	return 0;
}

static int
redist_init(void)
{
	unsigned n;

	mmio_write32(gicr + GICR_WAKER, mmio_read32(gicr + GICR_WAKER) &
	    ~(uint32_t)GICR_WAKER_SLEEP);
	for (n = 0; n < RWP_SPINS; n++)
		if (!(mmio_read32(gicr + GICR_WAKER) & GICR_WAKER_ASLEEP))
			break;
	if (n == RWP_SPINS) {
		cons_printf("gic: GICv3 redistributor does not wake up\n");
		return EIO;
	}
	mmio_write32(gicr + GICR_SGI_IGROUPR0, 0xffffffffu);
	mmio_write32(gicr + GICR_SGI_ICENABLER0, 0xffffffffu);
	for (unsigned i = 0; i < GIC_SPI_BASE / 4; i++)
		mmio_write32(gicr + GICR_SGI_IPRIORITYR(i), GIC_PRIO_DEVICE *
		    0x01010101u);
	return 0;
}

static int
cpuif_init(void)
{
	sysreg_write(ICC_SRE_EL1, sysreg_read(ICC_SRE_EL1) | ICC_SRE_SRE);
	isb();
	if (!(sysreg_read(ICC_SRE_EL1) & ICC_SRE_SRE)) {
		cons_printf("gic: GICv3 system registers disabled by a "
		    "higher exception level\n");
		return EIO;
	}
	sysreg_write(ICC_PMR_EL1, GIC_PRIO_MASK_NONE);
	sysreg_write(ICC_BPR1_EL1, 0);
	sysreg_write(ICC_CTLR_EL1, 0);		/* EOI also deactivates */
	sysreg_write(ICC_IGRPEN1_EL1, 1);
	isb();
	return 0;
}

static int
gic3_init(const struct fdt *fdt, int node)
{
	uint64_t dbase, rbase, dsize, rsize;
	uint32_t stride = 0;

	if (fdt == NULL)
		return EINVAL;		/* no fixed address to fall back on */
	if (fdt_reg(fdt, node, 0, &dbase, &dsize) != 0 ||
	    fdt_reg(fdt, node, 1, &rbase, &rsize) != 0) {
		cons_printf("gic: GICv3 node without distributor and "
		    "redistributor registers\n");
		return EINVAL;
	}
	(void)fdt_getu32(fdt, node, "redistributor-stride", &stride);
	gicd = (uintptr_t)dbase;
	if ((gicr = redist_find((uintptr_t)rbase, rsize, stride)) == 0) {
		cons_printf("gic: no GICv3 redistributor for this CPU\n");
		return ENODEV;
	}
	gic3_ops.go_nlines = GICD_TYPER_LINES(mmio_read32(gicd + GICD_TYPER));
	if (gic3_ops.go_nlines > GIC_INTID_SPECIAL)
		gic3_ops.go_nlines = GIC_INTID_SPECIAL;
	dist_init(gic3_ops.go_nlines);
	if (redist_init() != 0)
		return EIO;
	return cpuif_init();
}

static void
gic3_enable(unsigned intid, bool on)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid < GIC_SPI_BASE) {
		mmio_write32(gicr + (on ? GICR_SGI_ISENABLER0 :
		    GICR_SGI_ICENABLER0), bit);
		return;
	}
	mmio_write32(gicd + (on ? GICD_ISENABLER(intid / 32) :
	    GICD_ICENABLER(intid / 32)), bit);
	if (!on)
		dist_wait();
}

static void
gic3_set_edge(unsigned intid)
{
	gic_dist_set_edge(gicd, intid);
}

static uint32_t
gic3_ack(void)
{
	uint32_t ack = (uint32_t)sysreg_read(ICC_IAR1_EL1);

	__asm__ volatile("dsb sy" : : : "memory");
	return ack;
}

static unsigned
gic3_intid(uint32_t ack)
{
	return ack & GIC_IAR_INTID_MASK;
}

static void
gic3_eoi(uint32_t ack)
{
	sysreg_write(ICC_EOIR1_EL1, ack);
	isb();
}

static const char *const gic3_compat[] = { "arm,gic-v3", NULL };

struct gic_ops gic3_ops = {
	.go_name = "GICv3",
	.go_compat = gic3_compat,
	.go_lines = "platform line n = SPI n (INTID 32 + n)",
	.go_init = gic3_init,
	.go_fdt_irq = gic_fdt_irq3,
	.go_enable = gic3_enable,
	.go_set_edge = gic3_set_edge,
	.go_ack = gic3_ack,
	.go_intid = gic3_intid,
	.go_eoi = gic3_eoi,
};
