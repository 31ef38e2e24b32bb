/*
 * Entry stubs for all 256 vectors and the common path. Each stub pushes
 * a zero error code when the CPU does not push one, then its vector
 * number; the common path saves the general registers into a struct
 * trapframe (x86/trapframe.h), calls trap_dispatch(tf) and returns with
 * iretq. Every vector runs on an IST stack, so the stack pointer is
 * 16-byte aligned at the call (CPU frame 40 + 16 + 120 bytes).
 */
#include <x86/trapframe.h>
#include <x86/vectors.h>

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == VEC_DF || ((v) >= VEC_TS && (v) <= VEC_PF) || \
	(v) == VEC_AC || (v) == VEC_CP || (v) == VEC_VC || (v) == VEC_SX)

/* The table of stub addresses for idt.c, filled in by the loop below. */
	.section .rodata.trap_stubs, "a"
	.balign 8
	.globl trap_stubs
trap_stubs:

	.section .text
	vec = 0
	.rept VEC_COUNT
	.balign 16
1:
	.if !HAS_ERR(vec)
	pushq	$0
	.endif
	pushq	$vec
	jmp	trap_common
	.pushsection .rodata.trap_stubs, "a"
	.quad	1b
	.popsection
	vec = vec + 1
	.endr

	.type trap_common, @function
trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	xorl	%ebp, %ebp		/* handler backtraces stop here */
	call	trap_dispatch
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp		/* vector and error code */
	iretq
	.size trap_common, . - trap_common

	.section .note.GNU-stack, "", @progbits
