/*
 * Board: QEMU virt (the default, no BOARD). QEMU always hands over a
 * device tree, so the fallbacks here only keep a console alive long
 * enough to say what is missing: its PL011 at 0x09000000 (SPI 1), and
 * the place QEMU puts the tree when it boots the ELF with x0 = 0 (the
 * start of RAM). No RAM or interrupt controller without a tree.
 */
#include <stddef.h>

#include <arm/board.h>
#include <arm/gic.h>

const struct arm_board arm_board = {
	.bd_name = "QEMU virt",
	.bd_dtb_fallback = 0x40000000UL,
	.bd_uart_base = 0x09000000UL,
	.bd_uart_line = 1,
	.bd_uart_clock = 0,		/* QEMU ignores the divisor */
	.bd_vtimer_intid = GIC_PPI_BASE + 11,	/* PPI 11: virtual timer */
	.bd_intc = NULL,
	.bd_default_mem = NULL,
	.bd_fixup = NULL,
};
