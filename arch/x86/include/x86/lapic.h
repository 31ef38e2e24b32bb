/*
 * Local APIC register offsets (xAPIC MMIO mode) and bits, SDM vol. 3 ch. 10.
 */
#ifndef X86_LAPIC_H
#define X86_LAPIC_H

#define LAPIC_ID	0x020
#define  LAPIC_ID_SHIFT	24
#define LAPIC_VERSION	0x030
#define LAPIC_TPR	0x080
#define LAPIC_EOI	0x0b0
#define LAPIC_SVR	0x0f0
#define  SVR_ENABLE	0x100
#define LAPIC_ESR	0x280
#define LAPIC_LVT_TIMER	0x320
#define  LVT_MASKED	0x10000
#define  LVT_ONESHOT	0x00000
#define LAPIC_LVT_ERROR	0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR	0x390
#define LAPIC_TIMER_DIV	0x3e0
#define  TIMER_DIV_16	0x3
#define LAPIC_TIMER_DIVISOR 16
#define LAPIC_MMIO_SIZE	0x1000

#endif
