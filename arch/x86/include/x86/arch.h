/*
 * Interfaces between the pieces of the x86_64 platform (the C files in
 * arch/x86).
 * Nothing outside arch/x86 and boot/x86_64 includes this; the portable
 * core sees only <bmk/platform.h>.
 */
#ifndef X86_ARCH_H
#define X86_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bootinfo;
struct bootinfo_fb;
struct trapframe;

/* x86_main.c: C entry from boot/x86_64/entry.S, on the boot stack. */
__attribute__((noreturn)) void arch_x86_main(uint32_t magic, uint32_t info);

/* cpu.c: feature discovery, then EFER.NXE, CR0.WP and the PAT. */
struct x86_cpu {
	bool xc_nx;		/* page table NX bit usable */
	bool xc_pat;
	bool xc_invtsc;		/* TSC rate does not change with P/C-states */
	bool xc_hypervisor;	/* CPUID says we run under a hypervisor */
	char xc_vendor[13];
};
extern struct x86_cpu x86_cpu;
void cpu_init(void);

/* gdt.c, idt.c: descriptor tables; stacks.c: boot and IST stacks. */
void gdt_init(void);
void idt_init(void);
/* Name of the arch stack whose guard page holds addr, or NULL. */
const char *stack_guard_owner(uintptr_t addr);
/* Guard page i (0..n-1) of the arch stacks, for the MMU; 0 past the end. */
uintptr_t stack_guard_page(unsigned i);
uintptr_t stack_ist_top(unsigned ist);

/* trap.S / irq.c: every vector enters trap_dispatch(). */
void trap_dispatch(struct trapframe *tf);

/* fault.c */
__attribute__((noreturn)) void fault_report(const struct trapframe *tf);

/* Consoles: serial.c, vga.c, fbcons.c; console.c multiplexes them. */
void serial_init(void);
bool serial_present(void);
void serial_write(const char *buf, size_t len);
int serial_getc(void);
int serial_enable_rx_intr(void);
void vga_init(void);
void vga_write(const char *buf, size_t len);
/* 0, EINVAL (format not supported) or EFAULT (not mapped yet). */
int fbcons_init(const struct bootinfo_fb *fb);
void fbcons_write(const char *buf, size_t len);
void console_screen_init(const struct bootinfo *bi, bool mb1);
void console_puts_raw(const char *s);	/* no formatter; fault paths */
void console_screen_puts(const char *s);	/* screens only */

/* font.c: FONT_W x FONT_H cells; row bits, bit 7 = leftmost pixel. */
#define FONT_W 8
#define FONT_H 16
uint8_t font_row(unsigned char c, unsigned row);

/* mmu.c */
void mmu_init(struct bootinfo *bi);
bool mmu_is_mapped(uintptr_t va);
/* Map [pa, pa+len) uncached (MMIO above the boot-time map). 0 or errno. */
int mmu_map_mmio(uint64_t pa, uint64_t len);

/* acpi.c: table discovery; results for the interrupt setup. */
#define ACPI_MAX_IOAPIC 8
#define ACPI_ISA_IRQS 16
struct acpi_ioapic {
	uint8_t ai_id;
	uint32_t ai_addr;
	uint32_t ai_gsi_base;
};
struct acpi_isa_route {
	uint32_t ar_gsi;
	bool ar_active_low;
	bool ar_level;
};
struct acpi_info {
	bool ac_have_madt;
	uint64_t ac_lapic_addr;
	int ac_nioapic;
	struct acpi_ioapic ac_ioapic[ACPI_MAX_IOAPIC];
	struct acpi_isa_route ac_isa[ACPI_ISA_IRQS];
	uintptr_t ac_fadt;	/* validated FADT, or 0 */
	uintptr_t ac_dsdt;	/* validated DSDT, or 0 */
	uint8_t ac_century;	/* CMOS century register index, or 0 */
	uint16_t ac_pmtmr_port;	/* ACPI PM timer I/O port, or 0 */
	uint8_t ac_pmtmr_bits;	/* its width: 24 or 32 */
};
extern struct acpi_info acpi_info;
void acpi_find_rsdp(const struct bootinfo *bi);	/* before mmu_init */
void acpi_init(void);
uintptr_t acpi_find_table(const char sig[4]);
/* The n-th (from 0) valid table with signature sig, or 0. */
uintptr_t acpi_find_table_n(const char sig[4], unsigned n);

/* irq.c: the interrupt controller in use, chosen after acpi_init(). */
void irq_init(void);
bool irq_using_apic(void);
/*
 * The platform line that GSI gsi arrives on, its I/O APIC input set to
 * the given trigger and polarity (from ACPI _PRT/_CRS); -1 if none.
 */
int irq_gsi_line(uint32_t gsi, bool level, bool active_low);

/* pic.c: legacy 8259 pair. */
void pic_init(void);
void pic_mask(int irq);
void pic_unmask(int irq);
void pic_eoi(int irq);
bool pic_is_spurious(int irq);

/* lapic.c */
void lapic_init(uint64_t paddr);
void lapic_eoi(void);
uint32_t lapic_id(void);
void lapic_timer_calibrate(void);
void lapic_timer_arm(uint64_t ns);

/* ioapic.c */
int ioapic_add(uint8_t id, uint32_t paddr, uint32_t gsi_base);
int ioapic_route(uint32_t gsi, uint8_t vector, bool active_low, bool level,
    uint32_t dest_apic);
void ioapic_set_masked(uint32_t gsi, bool masked);
/* Change trigger and polarity of gsi's input, keeping vector and mask. */
int ioapic_set_mode(uint32_t gsi, bool active_low, bool level);

/* pit.c: 8254 timer. */
void pit_freerun_start(void);
uint32_t pit_freerun_read(uint64_t *tsc, uint64_t *width);
void pit_oneshot_arm(uint64_t ns);
void pit_stop(void);

/* refclk.c: free-running reference counter for the TSC calibration. */
struct refclk_sample {
	uint64_t rs_tsc;	/* TSC when the count was read */
	uint64_t rs_width;	/* TSC ticks the read took */
	uint32_t rs_count;	/* counter value, modulo the period */
};
bool refclk_init(void);	/* false: no counter that counts */
const char *refclk_name(void);
uint64_t refclk_hz(void);
uint64_t refclk_period(void);
void refclk_sample(struct refclk_sample *s);
uint64_t refclk_delta(const struct refclk_sample *a,
    const struct refclk_sample *b);
bool refclk_wait(const struct refclk_sample *s, uint64_t ticks);

/* tsc.c, rtc.c, timer.c; entry.S stores the TSC at the first instruction. */
extern uint64_t x86_boot_tsc;
void tsc_init_begin(void);	/* first calibration sample */
void tsc_init(void);		/* rate known from here on */
void tsc_refine_poll(void);	/* idle path, interrupts disabled */
uint64_t tsc_freq_hz(void);
uint64_t tsc_ns_to_ticks(uint64_t ns);
void tsc_delay_us(uint64_t us);
void rtc_read(void);		/* before the TSC rate is known */
void rtc_init(void);		/* after tsc_init */
void timer_init(void);
void timer_interrupt(void);

#endif
