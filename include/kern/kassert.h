/*
 * Assertions and panic for the rump kernel (sys/). Assertions stay on in
 * every build: a broken invariant prints the expression, file and line
 * through the console hypercall and ends the kernel with
 * rumpuser_exit(RUMPUSER_PANIC). The expression must have no side
 * effects; never do work inside KASSERT.
 */
#ifndef KERN_KASSERT_H
#define KERN_KASSERT_H

__attribute__((__noreturn__, __format__(__printf__, 1, 2)))
void panic(const char *fmt, ...);

__attribute__((__noreturn__))
void kassert_fail(const char *expr, const char *file, int line);

#define KASSERT(e) \
	((e) ? (void)0 : kassert_fail(#e, __FILE__, __LINE__))

/* Compile-time check, for layouts the contract or hardware relies on. */
#define CTASSERT(e) _Static_assert(e, #e)

#endif
