/*
 * A small harness for the sys/kern host tests. A case is registered with
 * KT_CASE(name) { ... } and lands in the linker set "kt_cases" (which
 * also exercises __start_/__stop_ linker sets on the host). main.c runs
 * every case in the main thread, holding a rump kernel CPU, and ends
 * with "N passed, N failed". KT_CHECK records a failure and goes on; it
 * may be used from any thread.
 */
#ifndef TESTS_KERN_KT_H
#define TESTS_KERN_KT_H

struct kt_case {
	const char *kc_name;
	void (*kc_fn)(void);
};

#define KT_CASE(name)							\
	static void kt_fn_##name(void);					\
	static const struct kt_case kt_case_##name = {#name, kt_fn_##name}; \
	static const struct kt_case *const kt_ptr_##name		\
	    __attribute__((__section__("kt_cases"), __used__)) =	\
	    &kt_case_##name;						\
	static void kt_fn_##name(void)

void kt_check(int ok, const char *expr, const char *file, int line);
#define KT_CHECK(e) kt_check((e) ? 1 : 0, #e, __FILE__, __LINE__)

/* Milliseconds of sleep that releases the CPU (a blocking hypercall). */
void kt_sleep_ms(int ms);
/* Does the kernel log contain s? */
int kt_dmesg_has(const char *s);

#endif
