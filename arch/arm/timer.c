/*
 * The Arm generic timer: the virtual counter CNTVCT_EL0 is the monotonic
 * clock, the virtual timer (CNTV_*, the third "interrupts" entry of the
 * /timer node: on a GIC usually PPI 11 = INTID 27, on the Raspberry Pi
 * source 3 of the BCM2836 local controller) the one-shot event behind
 * plat_block_until. No periodic tick: the timer is armed only while the
 * CPU waits for a deadline, and its interrupt only disables it.
 *
 * Time zero is the counter value entry.S read at the first instruction.
 * The frequency is CNTFRQ_EL0, set by the firmware (QEMU, virt and
 * raspi3b alike in 7.2: 62.5 MHz; the Raspberry Pi 3 firmware: 19.2 MHz);
 * a zero there is reported and the machine halts, since without it no
 * time can be measured.
 */
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/fdt.h>
#include <bmk/platform.h>
#include <arm/arch.h>
#include <arm/board.h>
#include <arm/gic.h>
#include <arm/sysreg.h>

#define NS_PER_SEC 1000000000ULL
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

/* The Pi's device trees call it an armv7 timer; the binding is one. */
static int
timer_node(const struct fdt *fdt)
{
	int node = fdt_find_compatible(fdt, -1, "arm,armv8-timer");

	return node >= 0 ? node : fdt_find_compatible(fdt, -1,
	    "arm,armv7-timer");
}

static unsigned
timer_intid(const struct fdt *fdt)
{
	int node = fdt != NULL ? timer_node(fdt) : -1;
	unsigned intid;

	if (node >= 0 && gic_fdt_intid(fdt, node, VTIMER_DT_INDEX,
	    &intid) == 0 && intid < GIC_SPI_BASE)
		return intid;
	cons_printf("timer: virtual timer interrupt not in the device tree; "
	    "using the %s default, INTID %u\n", arm_board.bd_name,
	    arm_board.bd_vtimer_intid);
	return arm_board.bd_vtimer_intid;
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
