/*
 * Harness of the umass host tests: UT_CASE(name) { ... } registers a
 * case in the linker set "ut_cases"; main.c runs each in the main
 * thread holding a rump kernel CPU and ends with "N passed, N failed".
 * UT_CHECK records a failure and goes on (any thread).
 */
#ifndef TESTS_UMASS_UT_H
#define TESTS_UMASS_UT_H

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

/* Sleep that releases the CPU. */
void ut_sleep_ms(int ms);
/* Does the kernel log (since the last ut_dmesg_mark) contain s? */
int ut_dmesg_has(const char *s);
void ut_dmesg_mark(void);

struct fake_msd;
struct disk;
/* A fake disk of n blocks of bs bytes, attached; sd0 must appear. */
struct fake_msd *ut_disk(uint32_t bs, uint64_t n);
/* Does the disk hold what fake_block says, for blocks [blk, blk+n)? */
int ut_same_as_device(struct fake_msd *fm, unsigned lun, uint64_t blk,
    const uint8_t *buf, uint64_t n, uint32_t bs);

#endif
