/*
 * Board: Raspberry Pi 3 Model B (BCM2837, four Cortex-A53), built with
 * BOARD=rpi3 and linked at 0x80000, where the firmware (and QEMU
 * -M raspi3b with -kernel) loads kernel8.img; both enter core 0 at EL2
 * and park cores 1-3 in the stub in page 0 (arm/bcm2837.h).
 *
 * The firmware passes its device tree in x0; everything is taken from
 * it when it is there (/memory, the PL011 under /soc, the interrupt
 * controllers). Without one, the BCM2837 facts:
 *
 *	RAM		0 .. 948 MiB (1 GiB minus the default 76 MiB
 *			VideoCore split), with a message
 *	console		PL011 (UART0) at 0x3f201000, GPU IRQ 57 = line
 *			57, 48 MHz reference clock (config.txt
 *			init_uart_clock)
 *	interrupts	BCM2836 local controller at 0x40000000 with the
 *			armctrl at 0x3f00b200 (bcm2836_local.c)
 *	timer		virtual timer, local source 3 (CNTVIRQ)
 *
 * Either way: page 0 is reserved (the spin table the parked cores
 * poll), and RAM is clipped below the peripherals at 0x3f000000. mmu.c
 * maps everything below 4 GiB that is not RAM as device memory, which
 * covers the peripherals (0x3f000000-0x40000000) and the local
 * peripherals (0x40000000-0x40040000).
 *
 * The counter frequency is CNTFRQ_EL0 as found (timer.c): the
 * firmware's 19.2 MHz on the board, QEMU 7.2's 62.5 MHz under raspi3b.
 *
 * Not here: no RTC (the wall clock starts at 0, pl031.c says so); no
 * PSCI with the stock firmware, so power-off is semihosting under QEMU
 * (kernel option "semihosting") and otherwise a halt (power.c).
 */
#include <stdint.h>

#include <bmk/bootinfo.h>
#include <bmk/cons.h>
#include <bmk/platform.h>
#include <arm/bcm2835_intc.h>
#include <arm/bcm2836_local.h>
#include <arm/bcm2837.h>
#include <arm/board.h>
#include <arm/gicops.h>

static void
rpi3_default_mem(struct bootinfo *bi)
{
	cons_printf("boot: no device tree; assuming the Raspberry Pi 3 "
	    "default of %lu MiB of RAM at 0 (1 GiB minus the VideoCore's "
	    "76 MiB)\n", BCM2837_DEFAULT_RAM >> 20);
	if (bootinfo_add_mem(bi, 0, BCM2837_DEFAULT_RAM) != 0)
		plat_halt("boot: cannot record RAM; halted");
}

static void
rpi3_fixup(struct bootinfo *bi)
{
	for (int i = 0; i < bi->bi_nmem; i++) {
		struct bootinfo_range *r = &bi->bi_mem[i];

		if (r->br_base + r->br_len <= BCM2837_PERIPH_BASE)
			continue;
		cons_printf("boot: RAM at 0x%llx-0x%llx overlaps the "
		    "peripherals at 0x%lx; clipped\n",
		    (unsigned long long)r->br_base,
		    (unsigned long long)(r->br_base + r->br_len),
		    BCM2837_PERIPH_BASE);
		r->br_len = r->br_base >= BCM2837_PERIPH_BASE ? 0 :
		    BCM2837_PERIPH_BASE - r->br_base;
	}
	if (bootinfo_add_rsv(bi, 0, BCM2837_STUB_SIZE) != 0)
		plat_halt("boot: reserved range table full; halted");
}

const struct arm_board arm_board = {
	.bd_name = "Raspberry Pi 3",
	.bd_dtb_fallback = 0,
	.bd_uart_base = BCM2837_PL011_BASE,
	.bd_uart_line = BCM2835_IRQ_UART0,
	.bd_uart_clock = 48000000,
	.bd_vtimer_intid = LOCAL_SRC_CNTV,
	.bd_intc = &bcm2836_ops,
	.bd_default_mem = rpi3_default_mem,
	.bd_fixup = rpi3_fixup,
};
