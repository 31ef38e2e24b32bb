/*
 * The Arm generic timer: the virtual counter CNTVCT_EL0 is the monotonic
 * clock, the virtual timer (CNTV_*, the third "interrupts" entry of the
 * /timer node, usually PPI 11 = INTID 27) the one-shot event behind
 * plat_block_until. No periodic tick: the timer is armed only while the
 * CPU waits for a deadline, and its interrupt only disables it.
 *
 * Time zero is the counter value entry.S read at the first instruction.
 * The frequency is CNTFRQ_EL0, set by the firmware (by QEMU: 62.5 MHz);
 * a zero there is reported and the machine halts, since without it no
 * time can be measured.
 */
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/fdt.h>
#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/gic.h>
#include <arm/sysreg.h>

#define NS_PER_SEC 1000000000ULL
#define VTIMER_DEFAULT_INTID 27
#define VTIMER_DT_INDEX 2	/* secure phys, phys, virtual, hyp */

static uint64_t cnt_freq;

static uint64_t
counter(void)
{
	isb();		/* not read ahead of earlier instructions */
	return sysreg_read(cntvct_el0);
}

/* ticks * 1e9 / freq without overflow (freq < 2^32). */
static uint64_t
ticks_to_ns(uint64_t ticks)
{
	return ticks / cnt_freq * NS_PER_SEC +
	    ticks % cnt_freq * NS_PER_SEC / cnt_freq;
}

/* Rounded up, so that the timer never fires before the deadline. */
static uint64_t
ns_to_ticks(uint64_t ns)
{
	return ns / NS_PER_SEC * cnt_freq +
	    (ns % NS_PER_SEC * cnt_freq + NS_PER_SEC - 1) / NS_PER_SEC;
}

uint64_t
plat_clock_monotonic(void)
{
	return ticks_to_ns(counter() - arm_boot_count);
}

static void
timer_interrupt(void)
{
	sysreg_write(cntv_ctl_el0, 0);	/* deassert; the wait is over */
}

static unsigned
timer_intid(const struct fdt *fdt)
{
	int node = fdt_find_compatible(fdt, -1, "arm,armv8-timer");
	struct fdt_irq irq;

	if (node >= 0 && fdt_irq(fdt, node, VTIMER_DT_INDEX, &irq) == 0 &&
	    irq.fi_type == FDT_IRQ_PPI && irq.fi_num < 16)
		return GIC_PPI_BASE + irq.fi_num;
	cons_printf("timer: virtual timer interrupt not in the device tree; "
	    "using INTID %d\n", VTIMER_DEFAULT_INTID);
	return VTIMER_DEFAULT_INTID;
}

void
timer_init(const struct fdt *fdt)
{
	unsigned intid;

	cnt_freq = sysreg_read(cntfrq_el0) & 0xffffffffu;
	if (cnt_freq == 0)
		plat_halt("timer: CNTFRQ_EL0 is 0: the firmware did not set "
		    "the counter frequency; halted");
	intid = timer_intid(fdt);
	sysreg_write(cntv_ctl_el0, 0);
	gic_set_percpu(intid, timer_interrupt);
	cons_logf("timer: generic timer at %llu Hz, virtual timer INTID "
	    "%u\n", (unsigned long long)cnt_freq, intid);
}

/*
 * Called with interrupts masked. WFI wakes on a pending interrupt even
 * while PSTATE.I masks it, so an interrupt that arrives between the
 * checks and the wfi is not lost; it is taken when we unmask after.
 */
void
plat_block_until(uint64_t deadline_ns)
{
	uint64_t now;

	if (deadline_ns == UINT64_MAX) {
		sysreg_write(cntv_ctl_el0, 0);
	} else {
		now = plat_clock_monotonic();
		if (deadline_ns <= now)
			return;
		sysreg_write(cntv_cval_el0, counter() +
		    ns_to_ticks(deadline_ns - now));
		sysreg_write(cntv_ctl_el0, CNTV_CTL_ENABLE);
		isb();
	}
	__asm__ volatile("dsb sy\n\twfi\n\tmsr daifclr, #2\n\tisb\n\t"
	    "msr daifset, #2" : : : "memory");
	sysreg_write(cntv_ctl_el0, 0);
}
