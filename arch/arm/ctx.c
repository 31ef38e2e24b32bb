/*
 * plat_ctx_init: a new thread context is a context frame (arm/ctx.h) at
 * the top of its stack whose "return address" is ctx_start in switch.S,
 * so the first plat_ctx_switch to it starts entry(arg) there.
 */
#include <stdint.h>

#include <bmk/platform.h>
#include <arm/ctx.h>

extern char ctx_start[];

_Static_assert(CTX_SP == 0 && sizeof(struct plat_ctx) >= sizeof(uintptr_t),
    "plat_ctx holds the saved stack pointer in its first word");

void
plat_ctx_init(struct plat_ctx *ctx, void *stack_top, void (*entry)(void *),
    void *arg)
{
	uintptr_t top = (uintptr_t)stack_top & ~(uintptr_t)15;
	struct ctx_frame *cf = (struct ctx_frame *)(top - sizeof(*cf));

	for (unsigned i = 0; i < sizeof(*cf) / sizeof(uint64_t); i++)
		((volatile uint64_t *)cf)[i] = 0;
	cf->cf_x[0] = (uintptr_t)entry;		/* x19 */
	cf->cf_x[1] = (uintptr_t)arg;		/* x20 */
	cf->cf_lr = (uintptr_t)ctx_start;
	cf->cf_fp = 0;
	cf->cf_fpcr = 0;	/* round to nearest, no traps, IEEE NaNs */
	cf->cf_fpsr = 0;
	ctx->pc_regs[0] = (uintptr_t)cf;
}
