/*
 * Fixed sizes and addresses of the aarch64 platform.
 *
 * Stacks: every thread, the boot code and the scheduler loop run at EL1
 * on SP_EL0 ("EL1t"). Taking an exception switches the CPU to SP_EL1,
 * which always points to the top of the exception stack: so a thread
 * that overflows into its guard page still gets a fault report, on a
 * stack that is fine. Handlers never switch threads and run with
 * interrupts masked, so one exception stack is enough; an exception
 * inside a handler (a nested fault) arrives on the "current EL with
 * SP_ELx" vectors, still on that stack.
 */
#ifndef ARM_LAYOUT_H
#define ARM_LAYOUT_H

#define GUARD_SIZE 4096
#define BOOT_STACK_SIZE (64 * 1024)	/* arch init, then the sched loop */
#define EXC_STACK_SIZE (16 * 1024)
#define BOOT_STACK_TOP_OFFSET (GUARD_SIZE + BOOT_STACK_SIZE)
#define EXC_STACK_TOP_OFFSET (GUARD_SIZE + EXC_STACK_SIZE)

#endif
