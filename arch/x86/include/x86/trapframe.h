/*
 * The trap frame built by arch/x86/trap.S on the IST stack: the general
 * registers pushed by the common stub (r15 lowest), the vector and error
 * code pushed by the per-vector stub (0 when the CPU pushes none), then
 * the frame the CPU pushes for a 64-bit interrupt.
 */
#ifndef X86_TRAPFRAME_H
#define X86_TRAPFRAME_H

#define TF_SIZE		176	/* 22 quadwords; keeps RSP 16-byte aligned */

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct trapframe {
	uint64_t tf_r15, tf_r14, tf_r13, tf_r12;
	uint64_t tf_r11, tf_r10, tf_r9, tf_r8;
	uint64_t tf_rbp, tf_rdi, tf_rsi, tf_rdx;
	uint64_t tf_rcx, tf_rbx, tf_rax;
	uint64_t tf_vector, tf_err;
	/* pushed by the CPU */
	uint64_t tf_rip, tf_cs, tf_rflags, tf_rsp, tf_ss;
};
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trap.S frame size");
_Static_assert(offsetof(struct trapframe, tf_vector) == 15 * 8,
    "trap.S pushes 15 general registers below the vector");
_Static_assert(offsetof(struct trapframe, tf_rip) == 17 * 8,
    "CPU frame follows vector and error code");
#endif

#endif
