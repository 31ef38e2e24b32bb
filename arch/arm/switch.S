/*
 * Thread contexts (arm/ctx.h): the callee-saved state lives in a frame
 * on the thread's own stack; struct plat_ctx holds the stack pointer.
 *
 * plat_ctx_switch(from, to): push the frame, save sp in from, load sp
 * from to, pop its frame, return into to. The caller-saved registers,
 * the upper halves of v8-v15 included, are dead across a call (AAPCS64).
 *
 * A new context (ctx.c) starts in ctx_start with x19 = entry and
 * x20 = arg; it enables interrupts, as the contract wants, and calls
 * entry(arg) with a zero frame pointer, so backtraces end there.
 */
#include <arm/ctx.h>
#include <arm/sysreg.h>

	.text
	.globl	plat_ctx_switch
	.type	plat_ctx_switch, @function
plat_ctx_switch:
	sub	sp, sp, #CF_SIZE
	stp	x19, x20, [sp, #CF_X19]
	stp	x21, x22, [sp, #CF_X19 + 16]
	stp	x23, x24, [sp, #CF_X19 + 32]
	stp	x25, x26, [sp, #CF_X19 + 48]
	stp	x27, x28, [sp, #CF_X19 + 64]
	stp	x29, x30, [sp, #CF_X29]
	stp	d8, d9, [sp, #CF_D8]
	stp	d10, d11, [sp, #CF_D8 + 16]
	stp	d12, d13, [sp, #CF_D8 + 32]
	stp	d14, d15, [sp, #CF_D8 + 48]
	mrs	x9, fpcr
	mrs	x10, fpsr
	stp	x9, x10, [sp, #CF_FPCR]
	mov	x9, sp
	str	x9, [x0, #CTX_SP]

	ldr	x9, [x1, #CTX_SP]
	mov	sp, x9
	ldp	x9, x10, [sp, #CF_FPCR]
	msr	fpcr, x9
	msr	fpsr, x10
	ldp	d8, d9, [sp, #CF_D8]
	ldp	d10, d11, [sp, #CF_D8 + 16]
	ldp	d12, d13, [sp, #CF_D8 + 32]
	ldp	d14, d15, [sp, #CF_D8 + 48]
	ldp	x19, x20, [sp, #CF_X19]
	ldp	x21, x22, [sp, #CF_X19 + 16]
	ldp	x23, x24, [sp, #CF_X19 + 32]
	ldp	x25, x26, [sp, #CF_X19 + 48]
	ldp	x27, x28, [sp, #CF_X19 + 64]
	ldp	x29, x30, [sp, #CF_X29]
	add	sp, sp, #CF_SIZE
	ret
	.size	plat_ctx_switch, . - plat_ctx_switch

	.globl	ctx_start
	.type	ctx_start, @function
ctx_start:
	msr	daifclr, #DAIF_IMM_I
	mov	x0, x20
	mov	x29, #0
	mov	x30, #0
	blr	x19
	adr	x0, msg_returned
	bl	plat_halt
	.size	ctx_start, . - ctx_start

	.section .rodata
msg_returned:
	.asciz	"plat_ctx: a thread entry function returned"

	.section .note.GNU-stack, "", @progbits
