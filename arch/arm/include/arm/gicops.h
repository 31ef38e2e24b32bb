/*
 * One interrupt controller driver (gic2.c, gic3.c) as a table of
 * operations for gic.c, which picks one from the device tree.
 */
#ifndef ARM_GICOPS_H
#define ARM_GICOPS_H

#include <stdbool.h>
#include <stdint.h>

struct fdt;

struct gic_ops {
	const char *go_name;
	const char *const *go_compat;	/* NULL-terminated */
	/* 0 or an errno value; prints its own complaint. */
	int (*go_init)(const struct fdt *fdt, int node);
	void (*go_enable)(unsigned intid, bool on);
	uint32_t (*go_ack)(void);		/* raw acknowledge value */
	unsigned (*go_intid)(uint32_t ack);
	void (*go_eoi)(uint32_t ack);
	unsigned go_nlines;			/* INTIDs implemented, set by init */
};

extern struct gic_ops gic2_ops;
extern struct gic_ops gic3_ops;

#endif
