/*
 * Exception dispatch, from vectors.S with interrupts masked, on the
 * exception stack.
 *
 *	IRQ from a thread		gic_irq(): acknowledge, record, return
 *	everything else			fault_report(): the report, then halt
 *
 * An IRQ is only expected on the "current EL with SP_EL0" vector:
 * handlers run with interrupts masked, so an IRQ taken on SP_EL1 means
 * something unmasked them, and that is reported like a fault.
 */
#include <stdint.h>

#include <arm/arch.h>
#include <arm/sysreg.h>
#include <arm/trapframe.h>

void
vectors_init(void)
{
	sysreg_write(vbar_el1, (uintptr_t)arm_vectors);
	isb();
}

void
trap_dispatch(struct trapframe *tf)
{
	if (tf->tf_kind == EXC_FROM_SP0 + EXC_IRQ) {
		gic_irq();
		return;
	}
	fault_report(tf);
}
