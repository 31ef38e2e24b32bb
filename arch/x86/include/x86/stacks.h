/*
 * Sizes of the statically allocated stacks (arch/x86/stacks.c). Each has
 * an unmapped guard page below it. Shared with entry.S.
 */
#ifndef X86_STACKS_H
#define X86_STACKS_H

#define BOOT_STACK_SIZE	(64 * 1024)	/* arch init, then bmk_start */
#define IST_STACK_SIZE	(16 * 1024)
/* The boot stack area is a guard page, then the stack. */
#define BOOT_STACK_TOP_OFFSET	(4096 + BOOT_STACK_SIZE)

#endif
