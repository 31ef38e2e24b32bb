/*
 * The hypercall conformance suite: cases, the harness that runs them and
 * small helpers. The cases use rump/rumpuser.h, rump/rumpcomp_pci.h and
 * the fake kernel (fakekernel.h) only, plus <errno.h> and <string.h>, so
 * the same code runs over hypercall-posix on Linux and over hypercall-bm
 * inside QEMU. Threads come only from rumpuser_thread_create (through
 * fk_thread_create). No case waits by spinning on another thread: on one
 * cooperative CPU that would never end.
 *
 * A case returns HC_PASS, or the value of hc_fail / hc_failv / hc_skip.
 */
#ifndef TESTS_HYPERCALL_SUITE_H
#define TESTS_HYPERCALL_SUITE_H

#include <stdint.h>

#include <rump/rumpuser.h>

#include "fakekernel.h"

#define HC_PASS 0
#define HC_FAIL 1
#define HC_SKIP 2

struct hc_case {
	const char *hc_name;
	int (*hc_fn)(void);
};

/* Group tables, each ending with { NULL, NULL }. */
extern const struct hc_case hc_cases_misc[];
extern const struct hc_case hc_cases_mem[];
extern const struct hc_case hc_cases_clock[];
extern const struct hc_case hc_cases_thread[];
extern const struct hc_case hc_cases_mutex[];
extern const struct hc_case hc_cases_rw[];
extern const struct hc_case hc_cases_cv[];
extern const struct hc_case hc_cases_files[];

/* Run every case; print one line per case and a total. Returns failures. */
int hypercall_suite_main(void);

int hc_fail(const char *why);
int hc_failv(const char *why, long long got);
int hc_skip(const char *why);

#define HC_MS 1000000LL

int64_t hc_now_ns(void);		/* ABSMONO */
void hc_sleep_ns(int64_t ns);		/* RELWALL sleep; releases the CPU */
void hc_busy_ns(int64_t ns);		/* keeps the CPU */
/* Generous bound for "did not oversleep": 10x + 50 ms (QEMU is slow). */
int hc_late(int64_t elapsed, int64_t requested);

/* A counter threads can wait on. */
struct hc_flag {
	struct rumpuser_mtx *f_mtx;
	struct rumpuser_cv *f_cv;
	int f_val;
};
void hc_flag_init(struct hc_flag *f);
void hc_flag_destroy(struct hc_flag *f);
void hc_flag_add(struct hc_flag *f, int n);
void hc_flag_wait(struct hc_flag *f, int atleast);
int hc_flag_get(struct hc_flag *f);

/* A joinable kernel thread running fn(arg). */
int hc_spawn(void (*fn)(void *), void *arg, void **cookie);

/* Error reported from another thread; the case fails with it. */
void hc_note(const char *why);

#endif
