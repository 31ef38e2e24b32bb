/*
 * arch_arm_main: from entry.S (EL1, MMU off, interrupts masked, on the
 * boot stack) to bmk_start(). Order matters:
 *
 *	device tree		x0, or the board's fallback place (QEMU
 *				virt: its copy at the start of RAM)
 *	PL011			so that everything after can report
 *	vectors			so that faults are reported
 *	boot information	fdt_to_bootinfo (it also applies "quiet"),
 *				or the board's RAM when there is no tree;
 *				then the board's corrections (arm/board.h)
 *	banner, CPU, RAM check, reservations (kernel image, device tree)
 *	MMU			caches on; page 0 and guard pages unmapped
 *	interrupt controller, console interrupt, timer, RTC, PSCI,
 *	semihosting
 *	bmk_start(&bootinfo)	never returns
 *
 * Code before the MMU is on runs with every data access Device-nGnRnE,
 * where unaligned accesses fault: the kernel is built -mstrict-align
 * and the device tree parser reads bytes.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/bootinfo.h>
#include <bmk/cons.h>
#include <bmk/fdt.h>
#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/board.h>

#define MIN_RAM (4ULL << 20)

static struct bootinfo bootinfo;
static struct fdt arm_fdt;

static bool
is_fdt(uintptr_t addr)
{
	const uint8_t *p = (const uint8_t *)addr;

	return addr != 0 && (addr & 7) == 0 &&
	    fdt_be32(p) == FDT_MAGIC;
}

/* The device tree: x0 per the Linux boot protocol, else the board's place. */
static uintptr_t
dtb_locate(uintptr_t x0)
{
	if (is_fdt(x0))
		return x0;
	if (is_fdt(arm_board.bd_dtb_fallback))
		return arm_board.bd_dtb_fallback;
	return 0;
}

/* Bring the console up; returns the opened tree or NULL. */
static const struct fdt *
console_start(uintptr_t dtb)
{
	/* First quietly (no console yet), again to report if it fails. */
	if (dtb != 0 && fdt_open(&arm_fdt, (const void *)dtb,
	    FDT_MAXSIZE) == 0) {
		pl011_init(&arm_fdt);
		return &arm_fdt;
	}
	pl011_init(NULL);
	if (dtb == 0 && arm_board.bd_dtb_fallback != 0)
		cons_printf("boot: no device tree (x0 and 0x%lx hold none)\n",
		    (unsigned long)arm_board.bd_dtb_fallback);
	else if (dtb == 0)
		cons_printf("boot: no device tree (x0 holds none)\n");
	else
		(void)fdt_open(&arm_fdt, (const void *)dtb, FDT_MAXSIZE);
	return NULL;
}

static void
boot_info_load(uintptr_t dtb, const struct fdt *fdt)
{
	if (fdt == NULL && arm_board.bd_default_mem != NULL)
		arm_board.bd_default_mem(&bootinfo);
	else if (fdt == NULL || fdt_to_bootinfo((const void *)dtb,
	    FDT_MAXSIZE, &bootinfo) != 0)
		plat_halt("boot: start rumpmetal with a device tree that "
		    "describes memory (Linux arm64 boot protocol, x0); "
		    "halted");
	if (arm_board.bd_fixup != NULL)
		arm_board.bd_fixup(&bootinfo);
	bootinfo.bi_loader = "";
}

static void
check_ram(const struct bootinfo *bi)
{
	uint64_t total = 0;

	for (int i = 0; i < bi->bi_nmem; i++)
		total += bi->bi_mem[i].br_len;
	if (total < MIN_RAM) {
		cons_printf("boot: %llu KiB of RAM\n",
		    (unsigned long long)(total >> 10));
		plat_halt("boot: rumpmetal needs at least 4 MiB of RAM; "
		    "halted");
	}
	cons_logf("boot: %llu MiB RAM in %d ranges\n",
	    (unsigned long long)(total >> 20), bi->bi_nmem);
}

static void
reserve_kernel(struct bootinfo *bi)
{
	uintptr_t start = (uintptr_t)_kernel_start;

	/* The device tree itself is reserved by fdt_to_bootinfo. */
	if (bootinfo_add_rsv(bi, start, (uintptr_t)_kernel_end - start) != 0)
		plat_halt("boot: reserved range table full; halted");
}

__attribute__((noreturn)) void
arch_arm_main(uintptr_t x0)
{
	uintptr_t dtb = dtb_locate(x0);
	const struct fdt *fdt = console_start(dtb);

	vectors_init();
	boot_info_load(dtb, fdt);
	cons_logf("rumpmetal: aarch64 (%s), entered at EL%llu, device tree "
	    "at 0x%lx\n", arm_board.bd_name, (unsigned long long)arm_boot_el,
	    (unsigned long)dtb);
	cpu_init();
	check_ram(&bootinfo);
	reserve_kernel(&bootinfo);
	mmu_init(&bootinfo, fdt);
	gic_init(fdt);
	pl011_irq_init(fdt);
	timer_init(fdt);
	rtc_init(fdt);
	psci_init(fdt);
	pci_host_fdt(fdt);
	semihosting_init(&bootinfo);
	bmk_start(&bootinfo);
}
