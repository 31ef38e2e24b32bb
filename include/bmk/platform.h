/*
 * The platform contract: everything hypercall-bm needs from the CPU and
 * the board. Implemented once per arch under arch/<isa>/; nothing above
 * this line knows which arch it runs on.
 *
 * Interrupt model: the arch's trap handler for a device line masks a
 * level-triggered line, acknowledges the controller and calls
 * intr_raise(irq) (see bmk/intr.h) with interrupts disabled. The
 * interrupt thread of that line runs the driver handlers later in thread
 * context and then calls plat_intr_unmask(irq). An edge-triggered line
 * may stay unmasked: some controllers (the I/O APIC) drop an edge that
 * arrives while the pin is masked, and a new edge during handling only
 * raises the line again, which intr_raise absorbs.
 */
#ifndef BMK_PLATFORM_H
#define BMK_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bootinfo;

/*
 * Stop the CPU for good, after printing msg (may be NULL) and then the
 * line "*** system halted", which test runners look for.
 */
__attribute__((noreturn)) void plat_halt(const char *msg);

/*
 * Power the machine off with an exit status. Under QEMU the status reaches
 * the host (isa-debug-exit on x86); on hardware it tries ACPI / PSCI and
 * otherwise halts with a message.
 */
__attribute__((noreturn)) void plat_poweroff(int status);

/*
 * Called with interrupts disabled. Arms the timer for deadline_ns
 * (monotonic nanoseconds; UINT64_MAX means no deadline), enables
 * interrupts and halts the CPU until any interrupt arrives, then returns
 * with interrupts disabled again. May return early; callers re-check.
 */
void plat_block_until(uint64_t deadline_ns);

/* Monotonic nanoseconds since an arbitrary point before boot finished. */
uint64_t plat_clock_monotonic(void);

/* Nanoseconds to add to plat_clock_monotonic() to get Unix wall time. */
int64_t plat_clock_epochoffset(void);

/* Interrupt enable state: disable returns a cookie for restore. */
unsigned long plat_intr_disable(void);
void plat_intr_restore(unsigned long cookie);

/* Write bytes to every console the platform has (serial, screen). */
void plat_cons_write(const char *buf, size_t len);

/* One byte from the console input if one is ready, else -1. */
int plat_cons_getc(void);

/* Device line of console input interrupts, or -1 if there is none. */
int plat_cons_irq(void);

/* Interrupt controller: device lines are numbered 0..PLAT_NIRQ-1. */
#define PLAT_NIRQ 64
void plat_intr_mask(int irq);
void plat_intr_unmask(int irq);

/*
 * Context switch. A context is the saved callee-saved state of a thread;
 * its layout is private to the arch, only its size is fixed here.
 */
struct plat_ctx {
	uintptr_t pc_regs[16];
};
/*
 * Make ctx start entry(arg) on the stack whose top is stack_top. entry
 * never returns. The new context starts with interrupts enabled.
 */
void plat_ctx_init(struct plat_ctx *ctx, void *stack_top,
    void (*entry)(void *), void *arg);
/*
 * Save the current state in from and resume to. The scheduler calls it
 * only with interrupts disabled, and each side restores its own
 * interrupt state afterwards, so it need not save the interrupt flag.
 */
void plat_ctx_switch(struct plat_ctx *from, struct plat_ctx *to);

/*
 * MMU: make one page inaccessible (guard pages) or accessible again as
 * read-write data. Return 0 or an errno value.
 */
#define PLAT_PAGE_SIZE 4096UL
int plat_mmu_guard(uintptr_t va);
int plat_mmu_unguard(uintptr_t va);

/*
 * Hardware entropy (x86: RDSEED, else RDRAND; nothing on a CPU without
 * them): fills up to len bytes of buf and returns how many it filled,
 * 0 if the platform has no entropy source or it kept failing. Never
 * blocks for long (bounded retries). Thread context. len <= INT_MAX.
 */
int plat_entropy(void *buf, size_t len);

/* Whether va is mapped, so that reading it cannot fault. */
bool plat_addr_mapped(uintptr_t va);


/*
 * Bus access for rumpcomp_bus_* (hypercall-bm/rumpcomp_bus.c).
 * Port I/O: the x86 I/O address space. plat_io_check returns 0 if ports
 * [port, port + size) exist, else ENODEV (no port space: ARM) or EINVAL;
 * reads of a platform without ports return all ones, writes are
 * dropped.
 * Data cache maintenance by virtual address for non-coherent DMA: write
 * back (clean), or write back and invalidate, every line that overlaps
 * [va, va + len), then a full-system barrier so that the maintenance and
 * all earlier memory accesses complete before any later access
 * (including device register writes). Where DMA is cache coherent (x86)
 * only the barrier remains.
 */
int plat_io_check(unsigned long port, unsigned long size);
uint8_t plat_io_read8(unsigned long port);
uint16_t plat_io_read16(unsigned long port);
uint32_t plat_io_read32(unsigned long port);
void plat_io_write8(unsigned long port, uint8_t v);
void plat_io_write16(unsigned long port, uint16_t v);
void plat_io_write32(unsigned long port, uint32_t v);
void plat_dcache_wb_range(uintptr_t va, size_t len);
void plat_dcache_wbinv_range(uintptr_t va, size_t len);

/*
 * Entry into the portable core, called by the arch once the CPU, the
 * consoles, the MMU, the interrupt controller and the clock work.
 * Interrupts are disabled. Never returns.
 */
__attribute__((noreturn)) void bmk_start(const struct bootinfo *bi);

/*
 * Called by the arch fault handler with the faulting address: returns a
 * description such as "stack guard page of thread 'foo'" or NULL.
 */
const char *bmk_fault_describe(uintptr_t addr);
/*
 * Print "fault address 0x...: what" if the address means something:
 * archdesc (what the arch knows, e.g. its exception stack's guard page)
 * if not NULL, else bmk_fault_describe's answer.
 */
void bmk_fault_report_address(uintptr_t addr, const char *archdesc);

#endif
