/*
 * Assertions for hypercall-bm. They stay on in every build: a broken
 * invariant in the allocators or the scheduler halts the machine with the
 * file, the line and the failed expression rather than corrupting memory.
 * The expression must have no side effects; never do work inside it.
 */
#ifndef BM_ASSERT_H
#define BM_ASSERT_H

#include <bmk/platform.h>

#define BM_STR_(x) #x
#define BM_STR(x) BM_STR_(x)
#define BM_WHERE __FILE__ ":" BM_STR(__LINE__)

#define bm_assert(e) \
	((e) ? (void)0 : plat_halt("assertion failed: " #e " at " BM_WHERE))

/* msg must be a string literal. */
#define bm_panic(msg) plat_halt("panic: " msg " at " BM_WHERE)

#endif
