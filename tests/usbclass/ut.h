/*
 * Harness of the USB class driver host tests (tests/usbclass/run.sh):
 * ukbd, ums and cdce compiled against a fake of the USB core
 * (fakeusb.h), with sys/kern, sys/net and hypercall-posix, under ASan
 * and UBSan.
 *
 * A case: UT_CASE(name) { ... } in any tests/usbclass/test_*.c; it lands
 * in the linker set "ut_cases" and main.c runs it in the main thread,
 * holding a rump kernel CPU, after rump_init (so the fake bus "fakeusb0"
 * and the network stack are up). UT_CHECK records a failure and goes
 * on. A case leaves nothing behind: it detaches what it attached, and
 * the harness checks after each case that the fake has no pipe or
 * transfer left and that no mbuf is outstanding.
 */
#ifndef TESTS_USBCLASS_UT_H
#define TESTS_USBCLASS_UT_H

#include <stdbool.h>
#include <stddef.h>
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
/* Strings, with both shown (escaped) when they differ. */
void ut_check_str(const char *a, size_t alen, const char *b, size_t blen,
    const char *ea, const char *file, int line);
#define UT_CHECK_MEM(a, alen, lit) \
	ut_check_str((a), (alen), (lit), sizeof(lit) - 1, #a, __FILE__, \
	    __LINE__)

/* Sleep that releases the CPU. */
void ut_sleep_ms(int ms);
/* Wait (sleeping) up to ms for cond() to become true. */
bool ut_wait(bool (*cond)(void *), void *arg, int ms);
int ut_dmesg_has(const char *s);

/* What keyboards typed (the ttyin sink the harness installs). */
size_t ut_typed(char *buf, size_t len);	/* takes and clears */
void ut_typed_clear(void);

#endif
