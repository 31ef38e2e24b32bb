/*
 * Thread contexts. A switched-out thread keeps its callee-saved state
 * (AAPCS64: x19-x28, the frame pointer x29, the link register x30, the
 * low halves d8-d15 of v8-v15) and its FPCR/FPSR in a frame at the top
 * of its own stack; struct plat_ctx holds only the stack pointer. So the
 * context fits any size of struct plat_ctx, and a new context is just a
 * prepared frame (plat_ctx_init).
 */
#ifndef ARM_CTX_H
#define ARM_CTX_H

#define CTX_SP 0		/* offset of the saved sp in struct plat_ctx */

#define CF_X19 0		/* x19..x28 at CF_X19 + 8 * (n - 19) */
#define CF_X29 80
#define CF_X30 88
#define CF_D8 96		/* d8..d15 */
#define CF_FPCR 160
#define CF_FPSR 168
#define CF_SIZE 176

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>

struct ctx_frame {
	uint64_t cf_x[10];	/* x19..x28 */
	uint64_t cf_fp;
	uint64_t cf_lr;
	uint64_t cf_d[8];	/* d8..d15 */
	uint64_t cf_fpcr;
	uint64_t cf_fpsr;
};

_Static_assert(offsetof(struct ctx_frame, cf_fp) == CF_X29, "cf_fp");
_Static_assert(offsetof(struct ctx_frame, cf_lr) == CF_X30, "cf_lr");
_Static_assert(offsetof(struct ctx_frame, cf_d) == CF_D8, "cf_d");
_Static_assert(offsetof(struct ctx_frame, cf_fpcr) == CF_FPCR, "cf_fpcr");
_Static_assert(sizeof(struct ctx_frame) == CF_SIZE, "ctx frame size");
_Static_assert(CF_SIZE % 16 == 0, "the stack stays 16-byte aligned");
#endif

#endif
