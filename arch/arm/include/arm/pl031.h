/* Arm PrimeCell real-time clock (PL031 TRM r1p3, chapter 3). */
#ifndef ARM_PL031_H
#define ARM_PL031_H

#define RTC_DR 0x00	/* seconds counter (Unix time on QEMU and Linux) */
#define RTC_CR 0x0c
#define RTC_CR_START 0x1

#endif
