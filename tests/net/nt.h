/*
 * A small harness for the network stack host tests (tests/net/run.sh).
 *
 * Writing a test: make a file tests/net/test_<topic>.c (run.sh compiles
 * every .c file in tests/net, so nothing else needs editing; helpers
 * shared by several tests may live in other .c files there) with cases
 *
 *	#include "nt.h"
 *	NT_CASE(arp_reply_to_request)
 *	{
 *		struct nt_leak lk;
 *
 *		nt_leak_start(&lk);
 *		...
 *		NT_CHECK(x == y);
 *		nt_leak_check(&lk);	// mbufs/clusters/ext back to the start
 *	}
 *
 * Each case lands in the linker set "nt_cases"; main.c runs them in the
 * set's order (files in name order; within a file the compiler may
 * reverse them: cases must not depend on each other). rump_init() has been
 * called by main before the first case, so net_init() has run and the
 * protocols are registered; every case runs in the main thread holding a
 * rump kernel CPU but NOT net_lock (take it with mutex_enter(&net_lock)
 * where the API says "net_lock held"). NT_CHECK records a failure and
 * goes on (any thread). A case must leave nothing behind: destroy its
 * interfaces (fakeif_destroy), free its mbufs, undo its hooks where it
 * can; later cases start from the same state.
 *
 * Fake Ethernet interfaces for the tests: tests/net/fakeif.h.
 * Run a subset: tests/net/run.sh BUILDDIR, or the binary with a case
 * name prefix as argument (NT_ONLY=prefix works too).
 */
#ifndef TESTS_NET_NT_H
#define TESTS_NET_NT_H

#include <stdint.h>

#include <net/mbuf.h>

struct nt_case {
	const char *nc_name;
	void (*nc_fn)(void);
};

#define NT_CASE(name)							\
	static void nt_fn_##name(void);					\
	static const struct nt_case nt_case_##name = {#name, nt_fn_##name}; \
	static const struct nt_case *const nt_ptr_##name		\
	    __attribute__((__section__("nt_cases"), __used__)) =	\
	    &nt_case_##name;						\
	static void nt_fn_##name(void)

void nt_check(int ok, const char *expr, const char *file, int line);
#define NT_CHECK(e) nt_check((e) ? 1 : 0, #e, __FILE__, __LINE__)
/* Like NT_CHECK, printing both values when they differ. */
void nt_check_eq(uint64_t a, uint64_t b, const char *ea, const char *eb,
    const char *file, int line);
#define NT_CHECK_EQ(a, b) \
	nt_check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)

/* Milliseconds of sleep that releases the CPU (a blocking hypercall). */
void nt_sleep_ms(int ms);
/* Does the kernel log contain s? */
int nt_dmesg_has(const char *s);

/* Leak checks over mbuf_get_stats: outstanding mbufs, clusters, ext. */
struct nt_leak {
	struct mbuf_stats nl_start;
};
void nt_leak_start(struct nt_leak *lk);
#define nt_leak_check(lk) nt_leak_check_at(lk, __FILE__, __LINE__)
void nt_leak_check_at(const struct nt_leak *lk, const char *file, int line);

/* A deterministic pseudo-random sequence (xorshift64*), per seed. */
uint64_t nt_rand(uint64_t *state);
/* Uniform in [0, n), n > 0. */
unsigned nt_randn(uint64_t *state, unsigned n);

#endif
