/*
 * BCM2835 "armctrl" interrupt controller (BCM2835 ARM Peripherals,
 * chapter 7; the same block in the BCM2836 and BCM2837): the GPU side's
 * 64 interrupt lines plus 8 ARM-specific ones, for the ARM cores.
 * Device tree compatible "brcm,bcm2835-armctrl-ic" (or, behind the
 * BCM2836 local controller, "brcm,bcm2836-armctrl-ic"); its "reg" is
 * the register block at offset 0x200 of the ARM control page, bus
 * address 0x7e00b200, 0x3f00b200 for the ARM cores of a BCM2837.
 *
 * Every source is level-sensitive and stays asserted until its device
 * is serviced or it is disabled. Enable and disable registers are
 * write-one-to-set / write-one-to-clear; writing 0 changes nothing.
 */
#ifndef ARM_BCM2835_INTC_H
#define ARM_BCM2835_INTC_H

#define BCM2837_ARMCTRL_BASE 0x3f00b200UL	/* ARM physical address */
#define BCM2835_NGPU_IRQ 64

#define ARMCTRL_BASIC_PENDING 0x00	/* ARM sources, shortcuts, 8/9 */
#define ARMCTRL_PENDING(bank) (0x04 + 4 * (bank))	/* GPU 0-31, 32-63 */
#define ARMCTRL_FIQ_CONTROL 0x0c
#define ARMCTRL_ENABLE(bank) (0x10 + 4 * (bank))
#define ARMCTRL_ENABLE_BASIC 0x18
#define ARMCTRL_DISABLE(bank) (0x1c + 4 * (bank))
#define ARMCTRL_DISABLE_BASIC 0x24

/* Device tree: <bank number>; bank 0 is the basic (ARM) bank. */
#define ARMCTRL_DT_BANK_BASIC 0
#define ARMCTRL_DT_BANK_GPU0 1		/* GPU IRQs 0..31 */
#define ARMCTRL_DT_BANK_GPU1 2		/* GPU IRQs 32..63 */

/* GPU interrupt numbers used here. */
#define BCM2835_IRQ_AUX 29		/* mini UART, SPI1/2 */
#define BCM2835_IRQ_UART0 57		/* the PL011 */

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* bcm2835_intc.c, for bcm2836_local.c. */
void armctrl_init(uintptr_t base);	/* everything disabled */
void armctrl_enable(unsigned gpu_irq, bool on);
int armctrl_pending(void);	/* an enabled, pending GPU IRQ, or -1 */
/* A device tree <bank number> pair as a GPU IRQ; 0 or EINVAL. */
int armctrl_dt_decode(uint32_t bank, uint32_t num, unsigned *gpu_irq);
#endif

#endif
