/*
 * One interrupt controller driver (gic2.c, gic3.c, bcm2836_local.c) as a
 * table of operations for gic.c, which picks one from the device tree,
 * or takes the board's (arm/board.h) when there is no tree.
 *
 * Every driver numbers its interrupts like a GIC does: INTIDs 0..31 are
 * per-CPU sources the arch handles itself (the timer), INTID 32 + n is
 * platform line n. go_ack returns something go_intid turns into an
 * INTID: 1020..1023 (GIC_INTID_SPECIAL..) when nothing is pending, an
 * LPI (GIC_LPI_BASE and up, arm/its.h) only from a GICv3 with LPIs on.
 */
#ifndef ARM_GICOPS_H
#define ARM_GICOPS_H

#include <stdbool.h>
#include <stdint.h>

struct fdt;

struct gic_ops {
	const char *go_name;
	const char *const *go_compat;	/* NULL-terminated */
	const char *go_lines;		/* what platform line n is */
	/*
	 * 0 or an errno value; prints its own complaint. fdt NULL, node
	 * -1: the SoC's fixed addresses (EINVAL if it has none).
	 */
	int (*go_init)(const struct fdt *fdt, int node);
	/* Entry idx of node's "interrupts", as an INTID; 0 or an errno. */
	int (*go_fdt_irq)(const struct fdt *fdt, int node, int idx,
	    unsigned *intid);
	void (*go_enable)(unsigned intid, bool on);
	/* Make an SPI edge-triggered (NULL: the controller cannot). */
	void (*go_set_edge)(unsigned intid);
	uint32_t (*go_ack)(void);		/* raw acknowledge value */
	unsigned (*go_intid)(uint32_t ack);
	void (*go_eoi)(uint32_t ack);
	unsigned go_nlines;			/* INTIDs implemented, set by init */
};

extern struct gic_ops gic2_ops;
extern struct gic_ops gic3_ops;
extern struct gic_ops bcm2836_ops;

/* gic2.c: a 3-cell GIC "interrupts" entry; shared with gic3.c. */
int gic_fdt_irq3(const struct fdt *fdt, int node, int idx, unsigned *intid);
/* gic2.c: GICD_ICFGR edge setting, the same in both distributors. */
void gic_dist_set_edge(uintptr_t gicd, unsigned intid);

#endif
