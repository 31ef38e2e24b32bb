/*
 * GICv3 (Arm IHI 0069): the distributor (first "reg" entry), this CPU's
 * redistributor (found in the second entry, the first redistributor
 * region, by its affinity) and the CPU interface through the ICC_*
 * system registers (entry.S lets EL1 use them when we came from EL2).
 *
 * Affinity routing is on; every interrupt is non-secure group 1, SPIs
 * are routed to this CPU. Writes to the distributor's control and enable
 * registers wait for GICD_CTLR.RWP, with a bound.
 *
 * LPIs (arm/its.h) are turned on late, on first use by the ITS driver
 * (gic3_its.c), since their tables come from the page allocator:
 * gic3_lpi_init. The tables are Inner Shareable write-back; if the
 * redistributor reads the attributes back as non-shareable, they become
 * non-cacheable. Writes to the configuration table are cleaned to the
 * point of coherency either way.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/fdt.h>
#include <bmk/pgalloc.h>
#include <bmk/platform.h>
#include <arm/gic.h>
#include <arm/gicops.h>
#include <arm/its.h>
#include <arm/mmio.h>
#include <arm/sysreg.h>

#define RWP_SPINS 1000000
#define MAX_REDIST 256

static uintptr_t gicd, gicr;
static bool lpi_tried;
static int lpi_error;
static uint8_t *lpi_conf;		/* one byte per LPI */
static unsigned lpi_count;

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

/* Zeroed, naturally aligned pages for at least len bytes; NULL if none. */
static void *
lpi_table(size_t len)
{
	void *p = pgalloc_alloc(pgalloc_order(len));

	if (p != NULL) {
		__builtin_memset(p, 0, PGALLOC_PAGE_SIZE <<
		    pgalloc_order(len));
		plat_dcache_wbinv_range((uintptr_t)p, len);
	}
	return p;
}

/* Write a PROPBASER/PENDBASER; non-cacheable if it will not share. */
static void
lpi_baser(unsigned reg, uint64_t v)
{
	mmio_write64(gicr + reg, v | GICR_BASER_INNER_WBWA |
	    GICR_BASER_SH_INNER);
	if (!(mmio_read64(gicr + reg) & GICR_BASER_SH_MASK))
		mmio_write64(gicr + reg, v | GICR_BASER_INNER_NC);
}

/* INTID bits for LPIs up to GIC_LPI_BASE + n - 1 (at least 14). */
static unsigned
lpi_idbits(unsigned n)
{
	unsigned bits = 14;

	while ((1u << bits) < GIC_LPI_BASE + n)
		bits++;
	return bits;
}

static int
lpi_setup(unsigned nlpis)
{
	uint32_t dtyper = mmio_read32(gicd + GICD_TYPER);
	unsigned bits = lpi_idbits(nlpis);
	size_t pend = (1u << bits) / 8;
	uint8_t *pt;

	if (!(dtyper & GICD_TYPER_LPIS) ||
	    !(mmio_read64(gicr + GICR_TYPER) & GICR_TYPER_PLPIS) ||
	    bits > GICD_TYPER_IDBITS(dtyper)) {
		cons_printf("gic: GICv3 without (enough) LPIs\n");
		return ENODEV;
	}
	if (mmio_read32(gicr + GICR_CTLR) & GICR_CTLR_ENABLE_LPIS) {
		cons_printf("gic: GICv3 LPIs already enabled by firmware; "
		    "their tables cannot be replaced\n");
		return EBUSY;
	}
	lpi_count = (1u << bits) - GIC_LPI_BASE;
	lpi_conf = lpi_table(lpi_count);
	pt = lpi_table(pend < GICR_PENDBASER_ALIGN ? GICR_PENDBASER_ALIGN :
	    pend);
	if (lpi_conf == NULL || pt == NULL) {
		cons_printf("gic: no memory for the LPI tables\n");
		return ENOMEM;
	}
	for (unsigned i = 0; i < lpi_count; i++)
		lpi_conf[i] = GIC_PRIO_DEVICE;		/* disabled */
	plat_dcache_wb_range((uintptr_t)lpi_conf, lpi_count);
	lpi_baser(GICR_PROPBASER, (uintptr_t)lpi_conf | (bits - 1));
	lpi_baser(GICR_PENDBASER, (uintptr_t)pt | GICR_PENDBASER_PTZ);
	dsb_sy();
	mmio_write32(gicr + GICR_CTLR, mmio_read32(gicr + GICR_CTLR) |
	    GICR_CTLR_ENABLE_LPIS);
	isb();
	return 0;
}

int
gic3_lpi_init(unsigned nlpis)
{
	if (gicr == 0)
		return ENODEV;		/* not a GICv3 */
	if (!lpi_tried) {
		lpi_tried = true;
		lpi_error = lpi_setup(nlpis);
	}
	if (lpi_error == 0 && nlpis > lpi_count)
		return ENOSPC;
	return lpi_error;
}

void
gic3_lpi_conf(unsigned intid, bool on)
{
	uint8_t *b;

	if (lpi_conf == NULL || intid < GIC_LPI_BASE ||
	    intid - GIC_LPI_BASE >= lpi_count)
		return;
	b = &lpi_conf[intid - GIC_LPI_BASE];
	*b = GIC_PRIO_DEVICE | (on ? LPI_CONF_ENABLE : 0);
	plat_dcache_wb_range((uintptr_t)b, 1);
}

uint64_t
gic3_rdbase(bool pta)
{
	if (pta)
		return gicr & ~(uint64_t)(GICR_FRAME_SIZE - 1);
	return (uint64_t)GICR_TYPER_PROCNUM(mmio_read64(gicr + GICR_TYPER))
	    << 16;
}

static void
gic3_enable(unsigned intid, bool on)
{
	uint32_t bit = 1u << (intid % 32);

	if (intid >= GIC_LPI_BASE) {
		its_lpi_enable(intid, on);
		return;
	}
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
