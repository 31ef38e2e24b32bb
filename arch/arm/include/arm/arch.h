/*
 * Interfaces between the pieces of the aarch64 platform (arch/arm and
 * boot/aarch64). Nothing outside them includes this; the portable core
 * sees only <bmk/platform.h>.
 */
#ifndef ARM_ARCH_H
#define ARM_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bootinfo;
struct fdt;
struct trapframe;

/* Linker script symbols (boot/aarch64/kernel.ld). */
extern char _kernel_start[], _text_start[], _text_end[], _rodata_end[];
extern char _data_start[], _bss_start[], _kernel_end[];

/* boot/aarch64/entry.S: state recorded before C runs. */
extern uint64_t arm_boot_count;	/* CNTVCT_EL0 at the first instruction */
extern uint64_t arm_boot_el;	/* exception level we were entered at */

/* arm_main.c: C entry from entry.S, at EL1 on the boot stack. */
__attribute__((noreturn)) void arch_arm_main(uintptr_t dtb);

/* stacks.c */
const char *stack_guard_owner(uintptr_t addr);
uintptr_t stack_guard_page(unsigned i);	/* 0 past the last one */

/* vectors.S, trap.c */
extern char arm_vectors[];
void vectors_init(void);
void trap_dispatch(struct trapframe *tf);

/* fault.c */
__attribute__((noreturn)) void fault_report(const struct trapframe *tf);

/* pl011.c: the console. */
void pl011_init(const struct fdt *fdt);	/* fdt NULL: the board's */
void pl011_irq_init(const struct fdt *fdt);	/* after gic_init */
void console_puts_raw(const char *s);	/* no formatter; fault paths */
void console_drain(void);		/* wait until sent, bounded */

/* mmu.c */
void mmu_init(struct bootinfo *bi, const struct fdt *fdt);
bool mmu_is_mapped(uintptr_t va);
/* Map [pa, pa+len) as device memory (MMIO). 0 or an errno value. */
int mmu_map_device(uint64_t pa, uint64_t len);

/* gic.c: the interrupt controller behind plat_intr_mask/unmask. */
void gic_init(const struct fdt *fdt);
void gic_irq(void);			/* IRQ exception, from trap.c */
/* Per-CPU interrupt (INTID < 32) handled by the arch itself. */
void gic_set_percpu(unsigned intid, void (*fn)(void));
/* Make SPI intid edge-triggered; EOPNOTSUPP if the controller cannot. */
int gic_set_edge(unsigned intid);
/* Entry idx of node's "interrupts" as an INTID; 0 or an errno value. */
int gic_fdt_intid(const struct fdt *fdt, int node, int idx, unsigned *intid);
/* The same as a platform line, or -1 if it is none. */
int gic_fdt_line(const struct fdt *fdt, int node, int idx);
/*
 * Make platform line irq an LPI (intid >= GIC_LPI_BASE, arm/its.h)
 * instead of its SPI: for MSI through a GICv3 ITS. 0 or an errno value.
 */
int gic_line_lpi(int irq, unsigned intid);

/* dtaddr.c: fdt_reg translated through the buses' "ranges". */
int dt_reg(const struct fdt *fdt, int node, int idx, uint64_t *basep,
    uint64_t *sizep);

/* timer.c: generic timer, virtual counter. */
void timer_init(const struct fdt *fdt);

/* pl031.c */
void rtc_init(const struct fdt *fdt);

/* psci.c, semihosting.c, power.c */
void psci_init(const struct fdt *fdt);
void psci_system_off(void);		/* returns only if it failed */
void semihosting_init(const struct bootinfo *bi);
void semihosting_exit(int status);	/* returns if not enabled */
__attribute__((noreturn)) void cpu_halt_forever(void);

/* cpu.c */
void cpu_init(void);

/* pci.c: remember the device tree for the PCI host bridge. */
void pci_host_fdt(const struct fdt *fdt);

#endif
