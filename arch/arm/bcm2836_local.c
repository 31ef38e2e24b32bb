/*
 * The Raspberry Pi 2/3 interrupt controllers as one driver behind
 * gicops.h: the BCM2836 local controller ("brcm,bcm2836-l1-intc",
 * arm/bcm2836_local.h) at the top, with the BCM2835 armctrl
 * ("brcm,bcm2836-armctrl-ic" or "brcm,bcm2835-armctrl-ic",
 * bcm2835_intc.c) as its GPU source.
 *
 * Numbering, GIC-like (gicops.h):
 *	INTID 0..11	local sources (LOCAL_SRC_*): 3 is the virtual timer
 *	INTID 32 + n	GPU IRQ n, n = 0..63: platform line n (PL011: 57)
 *
 * Everything goes to core 0, the only one running: the GPU routing
 * register sends the armctrl's IRQ there, the core's timer control
 * register enables the timer outputs we use. There is no acknowledge
 * and no end of interrupt: every source is a level; go_ack just finds
 * one that is pending and enabled, local sources first.
 *
 * Device tree: the local controller's node and its armctrl child give
 * the addresses (through /soc "ranges": dtaddr.c). A device's
 * "interrupts" is decoded by its interrupt parent: <source flags> for
 * the local controller, <bank number> for the armctrl. Without a tree,
 * the BCM2837's fixed addresses.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/fdt.h>
#include <arm/arch.h>
#include <arm/bcm2835_intc.h>
#include <arm/bcm2836_local.h>
#include <arm/gic.h>
#include <arm/gicops.h>
#include <arm/mmio.h>

#define CORE 0				/* the boot core, affinity 0 */
#define NONE (GIC_INTID_SPECIAL + 3)	/* 1023, as a GIC says it */

static uintptr_t local;
static uint32_t local_enabled;		/* LOCAL_SRC_* bits we enabled */
static uint32_t local_phandle, armctrl_phandle;

static const char *const armctrl_compat[] = {
	"brcm,bcm2836-armctrl-ic", "brcm,bcm2835-armctrl-ic", NULL,
};

static uint32_t
phandle_of(const struct fdt *fdt, int node)
{
	uint32_t ph = 0;

	if (fdt_getu32(fdt, node, "phandle", &ph) != 0)
		(void)fdt_getu32(fdt, node, "linux,phandle", &ph);
	return ph;
}

static int
armctrl_find(const struct fdt *fdt)
{
	for (const char *const *c = armctrl_compat; *c != NULL; c++)
		for (int node = -1; (node = fdt_find_compatible(fdt, node,
		    *c)) >= 0;)
			if (fdt_node_enabled(fdt, node))
				return node;
	return -1;
}

/* The two controllers' addresses, from the tree; 0 or EINVAL. */
static int
dt_addresses(const struct fdt *fdt, int node, uintptr_t *armctrlp)
{
	int actl = armctrl_find(fdt);
	uint64_t base, size;

	if (dt_reg(fdt, node, 0, &base, &size) != 0) {
		cons_printf("intc: BCM2836 local controller node without "
		    "usable registers\n");
		return EINVAL;
	}
	local = (uintptr_t)base;
	if (actl < 0 || dt_reg(fdt, actl, 0, &base, &size) != 0) {
		cons_printf("intc: no BCM2835 armctrl interrupt controller "
		    "in the device tree\n");
		return EINVAL;
	}
	*armctrlp = (uintptr_t)base;
	local_phandle = phandle_of(fdt, node);
	armctrl_phandle = phandle_of(fdt, actl);
	return 0;
}

static int
bcm2836_init(const struct fdt *fdt, int node)
{
	uintptr_t actl = BCM2837_ARMCTRL_BASE;

	local = BCM2836_LOCAL_BASE;
	if (fdt != NULL && dt_addresses(fdt, node, &actl) != 0)
		return EINVAL;
	mmio_write32(local + LOCAL_GPU_ROUTING, CORE);	/* IRQ and FIQ */
	mmio_write32(local + LOCAL_TIMER_CTL(CORE), 0);
	mmio_write32(local + LOCAL_MBOX_CTL(CORE), 0);
	local_enabled = 0;
	armctrl_init(actl);
	bcm2836_ops.go_nlines = GIC_SPI_BASE + BCM2835_NGPU_IRQ;
	cons_logf("intc: BCM2836 local controller at 0x%lx, armctrl at "
	    "0x%lx\n", (unsigned long)local, (unsigned long)actl);
	return 0;
}

/* Timer and mailbox outputs of this core: read-modify-write. */
static void
local_enable(unsigned src, bool on)
{
	uintptr_t reg;
	uint32_t bit, v;

	if (src <= LOCAL_SRC_CNTV) {
		reg = local + LOCAL_TIMER_CTL(CORE);
		bit = 1u << src;
	} else if (src < LOCAL_SRC_GPU) {
		reg = local + LOCAL_MBOX_CTL(CORE);
		bit = 1u << (src - LOCAL_SRC_MBOX0);
	} else {
		return;		/* PMU, AXI, local timer: not used */
	}
	v = mmio_read32(reg);
	mmio_write32(reg, on ? v | bit : v & ~bit);
	if (on)
		local_enabled |= 1u << src;
	else
		local_enabled &= ~(1u << src);
}

static void
bcm2836_enable(unsigned intid, bool on)
{
	if (intid < GIC_SPI_BASE)
		local_enable(intid, on);
	else
		armctrl_enable(intid - GIC_SPI_BASE, on);
}

static uint32_t
bcm2836_ack(void)
{
	uint32_t src = mmio_read32(local + LOCAL_IRQ_SOURCE(CORE));
	uint32_t mine = src & local_enabled;
	int gpu;

	if (mine != 0)
		return (uint32_t)__builtin_ctz(mine);
	if ((src & (1u << LOCAL_SRC_GPU)) && (gpu = armctrl_pending()) >= 0)
		return GIC_SPI_BASE + (uint32_t)gpu;
	return NONE;
}

static unsigned
bcm2836_intid(uint32_t ack)
{
	return ack;
}

static void
bcm2836_eoi(uint32_t ack)
{
	(void)ack;	/* levels: nothing to signal */
}

/* The interrupt-parent phandle in effect at node; 0 if none. */
static uint32_t
irq_parent(const struct fdt *fdt, int node)
{
	uint32_t ph;

	for (; node >= 0; node = fdt_parent(fdt, node))
		if (fdt_getu32(fdt, node, "interrupt-parent", &ph) == 0)
			return ph;
	return 0;
}

static int
bcm2836_fdt_irq(const struct fdt *fdt, int node, int idx, unsigned *intid)
{
	uint32_t ph = irq_parent(fdt, node), c0, c1;
	const uint8_t *v;
	int len;

	if ((v = fdt_getprop(fdt, node, "interrupts", &len)) == NULL)
		return ENOENT;
	if (len % 8 != 0 || idx < 0)
		return EINVAL;
	if (idx >= len / 8)
		return ENOENT;
	c0 = fdt_be32(v + 8 * idx);
	c1 = fdt_be32(v + 8 * idx + 4);
	if (ph != 0 && ph == local_phandle) {
		if (c0 >= LOCAL_NSRC || c0 == LOCAL_SRC_GPU)
			return EINVAL;
		*intid = c0;
		return 0;
	}
	if (ph != 0 && ph == armctrl_phandle &&
	    armctrl_dt_decode(c0, c1, intid) == 0) {
		*intid += GIC_SPI_BASE;
		return 0;
	}
	return EINVAL;
}

static const char *const bcm2836_compat[] = {
	"brcm,bcm2836-l1-intc", NULL,
};

struct gic_ops bcm2836_ops = {
	.go_name = "BCM2836 local + BCM2835 armctrl",
	.go_compat = bcm2836_compat,
	.go_lines = "platform line n = GPU IRQ n (PL011 57)",
	.go_init = bcm2836_init,
	.go_fdt_irq = bcm2836_fdt_irq,
	.go_enable = bcm2836_enable,
	.go_ack = bcm2836_ack,
	.go_intid = bcm2836_intid,
	.go_eoi = bcm2836_eoi,
};
