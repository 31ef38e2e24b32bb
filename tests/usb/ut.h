/*
 * A small harness for the USB core host tests (tests/usb/run.sh).
 *
 * A case is UT_CASE(name) { ... } in any tests/usb/test_*.c; it lands in
 * the linker set "ut_cases" and main.c runs it in the main thread,
 * holding a rump kernel CPU, after rump_init. UT_CHECK records a
 * failure and goes on (any thread). Cases leave nothing behind: they
 * destroy their fake controllers and free their fake devices, and
 * ut_leak_check compares kmem's bytes in use with the case's start.
 *
 * The fake host controller and devices are in fakehc.h; the test class
 * drivers (tkbd, tmass, tecm) in tdrv.h.
 */
#ifndef TESTS_USB_UT_H
#define TESTS_USB_UT_H

#include <stdint.h>

struct ut_case {
	const char *uc_name;
	void (*uc_fn)(void);
};

#define UT_CASE(name)							\
	static void ut_fn_##name(void);					\
	static const struct ut_case ut_case_##name = {#name, ut_fn_##name}; \
	static const struct ut_case *const ut_ptr_##name		\
	    __attribute__((__section__("ut_cases"), __used__)) =	\
	    &ut_case_##name;						\
	static void ut_fn_##name(void)

void ut_check(int ok, const char *expr, const char *file, int line);
#define UT_CHECK(e) ut_check((e) ? 1 : 0, #e, __FILE__, __LINE__)
void ut_check_eq(uint64_t a, uint64_t b, const char *ea, const char *eb,
    const char *file, int line);
#define UT_CHECK_EQ(a, b) \
	ut_check_eq((uint64_t)(a), (uint64_t)(b), #a, #b, __FILE__, __LINE__)

/* Sleep that releases the CPU. */
void ut_sleep_ms(int ms);
/* Poll (every ms) until e holds or ms_max passed; true if it holds. */
#define UT_WAIT(e, ms_max) ({						\
	int ut_w_ = 0;							\
	while (!(e) && ut_w_ < (ms_max)) { ut_sleep_ms(1); ut_w_++; }	\
	(e) ? 1 : 0; })
/* Does the kernel log contain s? Lines since ut_dmesg_mark only. */
int ut_dmesg_has(const char *s);
void ut_dmesg_mark(void);
/* Check that the log gets s (waiting up to 2 s: lines come after the
 * events tests wait for). */
void ut_log_check(const char *s, const char *file, int line);
#define UT_LOG(s) ut_log_check((s), __FILE__, __LINE__)

/* kmem bytes in use, to compare before and after a case. */
uint64_t ut_kmem_inuse(void);
#define ut_leak_check(start) UT_CHECK_EQ(ut_kmem_inuse(), (start))

/* Deterministic xorshift64* sequence. */
uint64_t ut_rand(uint64_t *state);
unsigned ut_randn(uint64_t *state, unsigned n);

#include <stddef.h>
/* Mutate a descriptor set c (len bytes, room for cap) in one to four
 * random ways (test_desc.c); returns the new length. */
size_t fuzz_mutate(uint64_t *rs, uint8_t *c, size_t len, size_t cap);

#endif
