/*
 * The EL1 exception vector table (VBAR_EL1) and the common save/restore
 * path. Each of the 16 vectors reserves a struct trapframe (arm/
 * trapframe.h) on SP_EL1, the exception stack, notes which vector it is
 * and branches to exc_entry, which saves the rest, calls
 * trap_dispatch(tf), restores everything and returns with eret.
 *
 * The interrupted stack pointer goes in tf_sp: SP_EL0 for exceptions
 * from threads (the "current EL with SP_EL0" vectors), the stack pointer
 * before the frame for exceptions inside handlers.
 *
 * The FP/SIMD registers are saved too: an IRQ can interrupt a thread in
 * the middle of FP code, and the C code of the IRQ path, although built
 * with -mgeneral-regs-only, might one day call a libc routine (memcpy)
 * that uses SIMD registers. That costs about 40 instructions per IRQ.
 */
#include <arm/trapframe.h>

	.macro	vector kind
	.balign	0x80
	sub	sp, sp, #TF_SIZE
	stp	x0, x1, [sp, #TF_X(0)]
	mov	x0, #\kind
	b	exc_entry
	.endm

	.text
	.balign	2048
	.globl	arm_vectors
arm_vectors:
	vector	(EXC_FROM_SP0 + EXC_SYNC)
	vector	(EXC_FROM_SP0 + EXC_IRQ)
	vector	(EXC_FROM_SP0 + EXC_FIQ)
	vector	(EXC_FROM_SP0 + EXC_SERROR)
	vector	(EXC_FROM_SPX + EXC_SYNC)
	vector	(EXC_FROM_SPX + EXC_IRQ)
	vector	(EXC_FROM_SPX + EXC_FIQ)
	vector	(EXC_FROM_SPX + EXC_SERROR)
	vector	(EXC_FROM_LOWER64 + EXC_SYNC)
	vector	(EXC_FROM_LOWER64 + EXC_IRQ)
	vector	(EXC_FROM_LOWER64 + EXC_FIQ)
	vector	(EXC_FROM_LOWER64 + EXC_SERROR)
	vector	(EXC_FROM_LOWER32 + EXC_SYNC)
	vector	(EXC_FROM_LOWER32 + EXC_IRQ)
	vector	(EXC_FROM_LOWER32 + EXC_FIQ)
	vector	(EXC_FROM_LOWER32 + EXC_SERROR)

	.type	exc_entry, @function
exc_entry:
	str	x0, [sp, #TF_KIND]
	stp	x2, x3, [sp, #TF_X(2)]
	stp	x4, x5, [sp, #TF_X(4)]
	stp	x6, x7, [sp, #TF_X(6)]
	stp	x8, x9, [sp, #TF_X(8)]
	stp	x10, x11, [sp, #TF_X(10)]
	stp	x12, x13, [sp, #TF_X(12)]
	stp	x14, x15, [sp, #TF_X(14)]
	stp	x16, x17, [sp, #TF_X(16)]
	stp	x18, x19, [sp, #TF_X(18)]
	stp	x20, x21, [sp, #TF_X(20)]
	stp	x22, x23, [sp, #TF_X(22)]
	stp	x24, x25, [sp, #TF_X(24)]
	stp	x26, x27, [sp, #TF_X(26)]
	stp	x28, x29, [sp, #TF_X(28)]
	str	x30, [sp, #TF_X(30)]
	/* The interrupted sp: SP_EL0, or ours before the frame. */
	mrs	x1, sp_el0
	add	x2, sp, #TF_SIZE
	tst	x0, #EXC_FROM_SPX
	csel	x1, x2, x1, ne
	str	x1, [sp, #TF_SP]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #TF_ELR]
	mrs	x1, esr_el1
	mrs	x2, far_el1
	stp	x1, x2, [sp, #TF_ESR]
	add	x1, sp, #TF_Q(0)
	stp	q0, q1, [x1], #32
	stp	q2, q3, [x1], #32
	stp	q4, q5, [x1], #32
	stp	q6, q7, [x1], #32
	stp	q8, q9, [x1], #32
	stp	q10, q11, [x1], #32
	stp	q12, q13, [x1], #32
	stp	q14, q15, [x1], #32
	stp	q16, q17, [x1], #32
	stp	q18, q19, [x1], #32
	stp	q20, q21, [x1], #32
	stp	q22, q23, [x1], #32
	stp	q24, q25, [x1], #32
	stp	q26, q27, [x1], #32
	stp	q28, q29, [x1], #32
	stp	q30, q31, [x1], #32
	mrs	x2, fpsr
	mrs	x3, fpcr
	stp	x2, x3, [x1]

	mov	x0, sp
	mov	x29, #0			/* handler backtraces stop here */
	bl	trap_dispatch

	add	x1, sp, #TF_Q(0)
	ldp	q0, q1, [x1], #32
	ldp	q2, q3, [x1], #32
	ldp	q4, q5, [x1], #32
	ldp	q6, q7, [x1], #32
	ldp	q8, q9, [x1], #32
	ldp	q10, q11, [x1], #32
	ldp	q12, q13, [x1], #32
	ldp	q14, q15, [x1], #32
	ldp	q16, q17, [x1], #32
	ldp	q18, q19, [x1], #32
	ldp	q20, q21, [x1], #32
	ldp	q22, q23, [x1], #32
	ldp	q24, q25, [x1], #32
	ldp	q26, q27, [x1], #32
	ldp	q28, q29, [x1], #32
	ldp	q30, q31, [x1], #32
	ldp	x2, x3, [x1]
	msr	fpsr, x2
	msr	fpcr, x3
	ldp	x1, x2, [sp, #TF_ELR]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #TF_X(0)]
	ldp	x2, x3, [sp, #TF_X(2)]
	ldp	x4, x5, [sp, #TF_X(4)]
	ldp	x6, x7, [sp, #TF_X(6)]
	ldp	x8, x9, [sp, #TF_X(8)]
	ldp	x10, x11, [sp, #TF_X(10)]
	ldp	x12, x13, [sp, #TF_X(12)]
	ldp	x14, x15, [sp, #TF_X(14)]
	ldp	x16, x17, [sp, #TF_X(16)]
	ldp	x18, x19, [sp, #TF_X(18)]
	ldp	x20, x21, [sp, #TF_X(20)]
	ldp	x22, x23, [sp, #TF_X(22)]
	ldp	x24, x25, [sp, #TF_X(24)]
	ldp	x26, x27, [sp, #TF_X(26)]
	ldp	x28, x29, [sp, #TF_X(28)]
	ldr	x30, [sp, #TF_X(30)]
	add	sp, sp, #TF_SIZE
	eret
	.size	exc_entry, . - exc_entry

	.section .note.GNU-stack, "", @progbits
