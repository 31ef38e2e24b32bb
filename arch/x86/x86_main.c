/*
 * arch_x86_main: from entry.S (64-bit, paging on with the boot map,
 * interrupts off, on the boot stack) to bmk_start(). Order matters:
 *
 *	COM1			so that everything after can report
 *	GDT/TSS, IDT		so that faults are reported, not triple faults
 *	boot information	multiboot_parse (it also applies "quiet")
 *	banner, CPU features	NX, WP, PAT
 *	screens; RAM check; reserve
 *	RSDP search		needs page 0 (BIOS data area), so before MMU
 *	MMU			final page tables
 *	ACPI			tables; the PM timer port for the TSC
 *	TSC calibration start	then, while the reference counter runs,
 *				the IRQ controllers (LAPIC + I/O APIC, or
 *				the 8259 fallback) and the CMOS clock read
 *	TSC, RTC, timer		the LAPIC timer is measured against the
 *				TSC from lapic_init to timer_init
 *	bmk_start(&bootinfo)	never returns
 *
 * Informational messages use cons_logf, which "quiet" silences; so
 * nothing but errors is printed before the boot information is parsed.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/bootinfo.h>
#include <bmk/cons.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/ctx.h>
#include <x86/layout.h>
#include <x86/multiboot_hdr.h>

#define MIN_RAM (4ULL << 20)
#define LOW_MEMORY (1ULL << 20)

_Static_assert(sizeof(struct plat_ctx) >= CTX_SIZE,
    "switch.S context must fit struct plat_ctx");

static struct bootinfo bootinfo;

static const char *
loader_protocol(uint32_t magic)
{
	if (magic == MB2_BOOT_MAGIC)
		return "Multiboot2";
	if (magic == MB1_BOOT_MAGIC)
		return "Multiboot";
	return "an unknown protocol";
}

static void
boot_info_load(uint32_t magic, uint32_t info)
{
	if (multiboot_parse(magic, info, &bootinfo) != 0) {
		cons_printf("boot: no usable Multiboot information (magic "
		    "0x%08x, info at 0x%08x)\n", magic, info);
		plat_halt("boot: start rumpmetal from a Multiboot2 or "
		    "Multiboot loader (GRUB, QEMU -kernel); halted");
	}
}

static void
check_ram(const struct bootinfo *bi)
{
	uint64_t total = 0;

	for (int i = 0; i < bi->bi_nmem; i++)
		total += bi->bi_mem[i].br_len;
	if (bi->bi_nmem == 0)
		plat_halt("boot: the boot loader passed no memory map; "
		    "rumpmetal needs at least 4 MiB of RAM; halted");
	if (total < MIN_RAM) {
		cons_printf("boot: %llu KiB of usable RAM\n",
		    (unsigned long long)(total >> 10));
		plat_halt("boot: rumpmetal needs at least 4 MiB of RAM; "
		    "halted");
	}
	cons_logf("boot: %llu MiB usable RAM in %d ranges\n",
	    (unsigned long long)(total >> 20), bi->bi_nmem);
}

static void
reserve_ranges(struct bootinfo *bi)
{
	uintptr_t start = (uintptr_t)_kernel_start;

	if (bootinfo_add_rsv(bi, 0, LOW_MEMORY) != 0 ||
	    bootinfo_add_rsv(bi, start, (uintptr_t)_kernel_end - start) != 0)
		plat_halt("boot: reserved range table full; halted");
}

__attribute__((noreturn)) void
arch_x86_main(uint32_t magic, uint32_t info)
{
	serial_init();
	gdt_init();
	idt_init();
	boot_info_load(magic, info);
	cons_logf("rumpmetal: x86_64, started by %s\n",
	    loader_protocol(magic));
	cpu_init();
	console_screen_init(&bootinfo, magic == MB1_BOOT_MAGIC);
	check_ram(&bootinfo);
	reserve_ranges(&bootinfo);
	acpi_find_rsdp(&bootinfo);
	mmu_init(&bootinfo);
	console_screen_init(&bootinfo, magic == MB1_BOOT_MAGIC);
	acpi_init();
	tsc_init_begin();
	irq_init();
	rtc_read();
	tsc_init();
	rtc_init();
	timer_init();
	bmk_start(&bootinfo);
}
