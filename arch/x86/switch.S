/*
 * Thread contexts (struct plat_ctx, layout in x86/ctx.h).
 *
 * plat_ctx_switch(from, to): save the callee-saved state of the caller in
 * from (its stack pointer points at the return address) and resume to;
 * the caller-saved registers, SSE ones included, are dead across a call.
 *
 * plat_ctx_init(ctx, stack_top, entry, arg): a context whose first
 * switch "returns" into ctx_start, which calls entry(arg) with a 16-byte
 * aligned stack and a zero frame pointer and return address above it, so
 * backtraces end there. If entry returns, the machine halts.
 */
#include <x86/ctx.h>
#include <x86/regs.h>

	.text
	.globl plat_ctx_switch
	.type plat_ctx_switch, @function
plat_ctx_switch:
	movq	%rsp, CTX_RSP(%rdi)
	movq	%rbx, CTX_RBX(%rdi)
	movq	%rbp, CTX_RBP(%rdi)
	movq	%r12, CTX_R12(%rdi)
	movq	%r13, CTX_R13(%rdi)
	movq	%r14, CTX_R14(%rdi)
	movq	%r15, CTX_R15(%rdi)
	fnstcw	CTX_FCW(%rdi)
	stmxcsr	CTX_MXCSR(%rdi)

	movq	CTX_RSP(%rsi), %rsp
	movq	CTX_RBX(%rsi), %rbx
	movq	CTX_RBP(%rsi), %rbp
	movq	CTX_R12(%rsi), %r12
	movq	CTX_R13(%rsi), %r13
	movq	CTX_R14(%rsi), %r14
	movq	CTX_R15(%rsi), %r15
	fldcw	CTX_FCW(%rsi)
	ldmxcsr	CTX_MXCSR(%rsi)
	ret
	.size plat_ctx_switch, . - plat_ctx_switch

	.globl plat_ctx_init
	.type plat_ctx_init, @function
plat_ctx_init:
	andq	$-16, %rsi
	movq	$0, -8(%rsi)		/* return address of ctx_start */
	leaq	ctx_start(%rip), %rax
	movq	%rax, -16(%rsi)			/* popped by the first ret */
	leaq	-16(%rsi), %rax
	movq	%rax, CTX_RSP(%rdi)
	movq	$0, CTX_RBX(%rdi)
	movq	$0, CTX_RBP(%rdi)
	movq	%rcx, CTX_R12(%rdi)		/* arg */
	movq	%rdx, CTX_R13(%rdi)		/* entry */
	movq	$0, CTX_R14(%rdi)
	movq	$0, CTX_R15(%rdi)
	movl	$X87_CW_DEFAULT, CTX_FCW(%rdi)
	movl	$MXCSR_DEFAULT, CTX_MXCSR(%rdi)
	ret
	.size plat_ctx_init, . - plat_ctx_init

	.type ctx_start, @function
ctx_start:
	/* rsp = stack_top - 8: keep it 16-aligned for the call below */
	pushq	$0
	xorl	%ebp, %ebp
	movq	%r12, %rdi
	call	*%r13
	leaq	msg_returned(%rip), %rdi
	call	plat_halt
	.size ctx_start, . - ctx_start

	.section .rodata
msg_returned:
	.asciz	"plat_ctx: a thread entry function returned"

	.section .note.GNU-stack, "", @progbits
