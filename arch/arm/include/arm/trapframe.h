/*
 * The exception frame that arch/arm/vectors.S builds on the exception
 * stack (SP_EL1) for every exception: all general registers, the
 * interrupted stack pointer, the exception syndrome registers, and the
 * FP/SIMD state (the interrupted thread may be using it, and nothing
 * guarantees that the C code of the IRQ path never reaches a libc
 * routine that does).
 *
 * Offsets are shared with the assembler; the _Static_asserts below tie
 * them to the C structure.
 */
#ifndef ARM_TRAPFRAME_H
#define ARM_TRAPFRAME_H

#define TF_X(n) (8 * (n))
#define TF_SP 248
#define TF_ELR 256
#define TF_SPSR 264
#define TF_ESR 272
#define TF_FAR 280
#define TF_KIND 288
#define TF_Q(n) (304 + 16 * (n))
#define TF_FPSR 816
#define TF_FPCR 824
#define TF_SIZE 832

/*
 * tf_kind: which of the 16 vectors was taken. The low two bits are the
 * type, the upper two the origin (VBAR_EL1 layout, Arm ARM D1.10.2).
 */
#define EXC_SYNC 0
#define EXC_IRQ 1
#define EXC_FIQ 2
#define EXC_SERROR 3
#define EXC_TYPE_MASK 3
#define EXC_FROM_SP0 0		/* current EL on SP_EL0: threads */
#define EXC_FROM_SPX 4		/* current EL on SP_EL1: handlers */
#define EXC_FROM_LOWER64 8
#define EXC_FROM_LOWER32 12

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct trapframe {
	uint64_t tf_x[31];
	uint64_t tf_sp;
	uint64_t tf_elr;
	uint64_t tf_spsr;
	uint64_t tf_esr;
	uint64_t tf_far;
	uint64_t tf_kind;
	uint64_t tf_pad;
	uint64_t tf_q[32][2];
	uint64_t tf_fpsr;
	uint64_t tf_fpcr;
};

_Static_assert(offsetof(struct trapframe, tf_sp) == TF_SP, "tf_sp");
_Static_assert(offsetof(struct trapframe, tf_elr) == TF_ELR, "tf_elr");
_Static_assert(offsetof(struct trapframe, tf_spsr) == TF_SPSR, "tf_spsr");
_Static_assert(offsetof(struct trapframe, tf_esr) == TF_ESR, "tf_esr");
_Static_assert(offsetof(struct trapframe, tf_far) == TF_FAR, "tf_far");
_Static_assert(offsetof(struct trapframe, tf_kind) == TF_KIND, "tf_kind");
_Static_assert(offsetof(struct trapframe, tf_q) == TF_Q(0), "tf_q");
_Static_assert(offsetof(struct trapframe, tf_fpsr) == TF_FPSR, "tf_fpsr");
_Static_assert(sizeof(struct trapframe) == TF_SIZE, "trapframe size");
_Static_assert(TF_SIZE % 16 == 0, "the stack stays 16-byte aligned");
#endif

#endif
