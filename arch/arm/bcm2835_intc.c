/*
 * The BCM2835 "armctrl" interrupt controller (arm/bcm2835_intc.h): the
 * 64 GPU interrupt lines, as the second level behind the BCM2836 local
 * controller (bcm2836_local.c), which sees them as its one GPU source.
 *
 * GPU IRQ n is platform line n. Only those lines are handled; the eight
 * ARM-specific sources of the basic bank (ARM timer, mailbox, doorbells,
 * halt and access-error reports) stay disabled.
 *
 * The pending registers are read in full rather than through the basic
 * register's shortcuts (which hide some GPU IRQs from its "pending 1/2"
 * summary bits), and masked with the lines we enabled: the manual has
 * them hold every asserted source.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <arm/bcm2835_intc.h>
#include <arm/mmio.h>

#define ALL_BITS 0xffffffffu

static uintptr_t armctrl;
static uint32_t enabled[2];	/* our copy of the enables, per bank */

void
armctrl_init(uintptr_t base)
{
	armctrl = base;
	mmio_write32(armctrl + ARMCTRL_FIQ_CONTROL, 0);
	mmio_write32(armctrl + ARMCTRL_DISABLE_BASIC, ALL_BITS);
	for (unsigned b = 0; b < 2; b++) {
		mmio_write32(armctrl + ARMCTRL_DISABLE(b), ALL_BITS);
		enabled[b] = 0;
	}
}

void
armctrl_enable(unsigned gpu_irq, bool on)
{
	unsigned b = gpu_irq / 32;
	uint32_t bit = 1u << (gpu_irq % 32);

	if (gpu_irq >= BCM2835_NGPU_IRQ)
		return;
	if (on) {
		enabled[b] |= bit;
		mmio_write32(armctrl + ARMCTRL_ENABLE(b), bit);
	} else {
		enabled[b] &= ~bit;
		mmio_write32(armctrl + ARMCTRL_DISABLE(b), bit);
	}
}

int
armctrl_pending(void)
{
	for (unsigned b = 0; b < 2; b++) {
		uint32_t p = mmio_read32(armctrl + ARMCTRL_PENDING(b)) &
		    enabled[b];

		if (p != 0)
			return (int)(32 * b + (unsigned)__builtin_ctz(p));
	}
	return -1;
}

int
armctrl_dt_decode(uint32_t bank, uint32_t num, unsigned *gpu_irq)
{
	if (num >= 32 || (bank != ARMCTRL_DT_BANK_GPU0 &&
	    bank != ARMCTRL_DT_BANK_GPU1))
		return EINVAL;	/* bank 0: ARM sources, not handled */
	*gpu_irq = 32 * (bank - ARMCTRL_DT_BANK_GPU0) + num;
	return 0;
}
