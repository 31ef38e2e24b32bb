/*
 * What hypercall-bm offers the libc glue (sys/libc) directly: the
 * program's arguments and environment from the boot command line, the
 * clocks, and power-off. Everything else reaches the glue through the
 * allocator, scheduler and console headers.
 */
#ifndef BMK_BMK_H
#define BMK_BMK_H

#include <stdint.h>

/* The program's argv (argv[0] is the application name), NULL-terminated. */
char **bmk_argv(int *argc);
/* NULL-terminated "NAME=value" list from the command line. */
char **bmk_environ(void);
/* Value of kernel option or environment value name, or NULL. */
const char *bmk_getparam(const char *name);

/* Monotonic nanoseconds since the kernel's first instruction. */
uint64_t bmk_clock_monotonic(void);
/* Unix time in nanoseconds. */
int64_t bmk_clock_wall(void);

/* Run the application's entry on the main thread (provided by sys/libc). */
void bmk_app_entry(void);
/* Name of the application (generated at link time). */
extern const char bmk_app_name[];

/* Report the status, then power off. */
__attribute__((noreturn)) void bmk_exit(int status);

#endif
