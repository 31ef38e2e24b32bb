/*
 * What the arch cannot learn without a device tree, per board: one
 * arch/arm/board_<name>.c defines arm_board, chosen by arch.mk from
 * BOARD (board_virt.c without one). Everything a device tree can say
 * still comes from the device tree; these are the fallbacks and the
 * board's corrections.
 */
#ifndef ARM_BOARD_H
#define ARM_BOARD_H

#include <stdint.h>

struct bootinfo;
struct gic_ops;

struct arm_board {
	const char *bd_name;
	/* Where a loader leaves the device tree when x0 holds none; 0. */
	uintptr_t bd_dtb_fallback;
	uintptr_t bd_uart_base;		/* console PL011 (no tree) */
	int bd_uart_line;		/* its platform line, or -1 */
	/* Its reference clock in Hz, for 115200 baud if nobody set it; 0. */
	uint32_t bd_uart_clock;
	unsigned bd_vtimer_intid;	/* virtual timer's INTID (gicops.h) */
	struct gic_ops *bd_intc;	/* controller without a tree, or NULL */
	/* RAM without a device tree; NULL: a tree is required. */
	void (*bd_default_mem)(struct bootinfo *bi);
	/* Corrections to what the tree said (firmware pages...); or NULL. */
	void (*bd_fixup)(struct bootinfo *bi);
};

extern const struct arm_board arm_board;

#endif
