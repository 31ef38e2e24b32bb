/*
 * BCM2836/BCM2837 "ARM local peripherals" (Broadcom QA7 rev 3.4): the
 * per-core interrupt routing block at 0x40000000 on the Raspberry Pi 2
 * and 3, device tree compatible "brcm,bcm2836-l1-intc".
 *
 * Each core has an IRQ source register whose bits say what interrupts
 * it: its four generic timer outputs (when their routing bit is set in
 * the core's timer interrupt control register), its four mailboxes, the
 * GPU (the BCM2835 "armctrl" controller, on the one core chosen by the
 * GPU routing register), the PMU and the local timer.
 */
#ifndef ARM_BCM2836_LOCAL_H
#define ARM_BCM2836_LOCAL_H

#define BCM2836_LOCAL_BASE 0x40000000UL	/* BCM2836 and BCM2837 */
#define BCM2836_LOCAL_SIZE 0x40000UL	/* the block the SoC decodes */
#define BCM2836_NCORES 4

#define LOCAL_CONTROL 0x00		/* core timer clock source, step */
#define LOCAL_PRESCALER 0x08		/* core timer prescaler */
#define LOCAL_GPU_ROUTING 0x0c		/* 1:0 IRQ core, 3:2 FIQ core */
#define LOCAL_PMU_ROUTE_SET 0x10
#define LOCAL_PMU_ROUTE_CLR 0x14
/* Per core: timer and mailbox IRQ enables (3:0), FIQ enables (7:4). */
#define LOCAL_TIMER_CTL(core) (0x40 + 4 * (core))
#define LOCAL_MBOX_CTL(core) (0x50 + 4 * (core))
#define LOCAL_IRQ_SOURCE(core) (0x60 + 4 * (core))
#define LOCAL_FIQ_SOURCE(core) (0x70 + 4 * (core))

/*
 * Source numbers: bits of LOCAL_IRQ_SOURCE, and the first cell of an
 * "interrupts" entry whose parent is the local controller. 0..3 are
 * also the IRQ enable bits of LOCAL_TIMER_CTL, 4..7 (minus 4) those of
 * LOCAL_MBOX_CTL.
 */
#define LOCAL_SRC_CNTPS 0		/* secure physical timer */
#define LOCAL_SRC_CNTPNS 1		/* non-secure physical timer */
#define LOCAL_SRC_CNTHP 2		/* hypervisor timer */
#define LOCAL_SRC_CNTV 3		/* virtual timer */
#define LOCAL_SRC_MBOX0 4		/* .. 7: mailboxes 0..3 */
#define LOCAL_SRC_GPU 8			/* armctrl has one pending */
#define LOCAL_SRC_PMU 9
#define LOCAL_SRC_AXI 10		/* core 0 only */
#define LOCAL_SRC_LTIMER 11		/* local timer */
#define LOCAL_NSRC 12

#define LOCAL_TIMER_IRQ_BITS 0xfu	/* LOCAL_TIMER_CTL IRQ enables */
#define LOCAL_MBOX_IRQ_BITS 0xfu	/* LOCAL_MBOX_CTL IRQ enables */

#endif
