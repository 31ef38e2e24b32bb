/*
 * BCM2837 (Raspberry Pi 3 Model B) address map, as the ARM cores see it.
 * The VideoCore bus addresses 0x7e000000.. in the SoC documentation and
 * in device trees appear at 0x3f000000.. for the ARM (/soc "ranges").
 *
 *	0x00000000	RAM shared with the VideoCore: the ARM gets the
 *			first (1 GiB - gpu_mem); the firmware's device
 *			tree says how much (default gpu_mem 76 MiB)
 *	0x3f000000	peripherals (16 MiB)
 *	0x40000000	ARM local peripherals (bcm2836_local.h)
 */
#ifndef ARM_BCM2837_H
#define ARM_BCM2837_H

#define BCM2837_PERIPH_BASE 0x3f000000UL
#define BCM2837_PERIPH_SIZE 0x01000000UL
#define BCM2837_PL011_BASE 0x3f201000UL		/* UART0 */
#define BCM2837_DEFAULT_RAM (948UL << 20)	/* 1 GiB - 76 MiB */
/*
 * The firmware's ARM stub (and QEMU's, with -kernel) lives in the first
 * page: the parked secondary cores poll the spin table at 0xd8..0xf0
 * in it for an entry address. It must never be written.
 */
#define BCM2837_STUB_SIZE 0x1000UL

#endif
