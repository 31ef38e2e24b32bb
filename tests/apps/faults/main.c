/*
 * Faults on purpose, for the fault-report tests: "null" dereferences
 * NULL, "stack" overflows a thread's stack into its guard page, "write"
 * writes into kernel text. Each must end in a fault report and a halt.
 */
#include <stdio.h>
#include <string.h>

#include <bmk/sched.h>

static int depth;

__attribute__((noinline)) static int
fault_null(volatile int *p)
{
	return *p + 1;
}

__attribute__((noinline)) static int
recurse(int n)
{
	volatile char frame[512];

	frame[0] = (char)n;
	depth = n;
	if (n > 1000000)
		return 0;
	return recurse(n + 1) + frame[0];
}

static void
overflow_thread(void *arg)
{
	(void)arg;
	recurse(0);
}

int
main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "null";

	printf("faults: provoking '%s'\n", what);
	if (strcmp(what, "null") == 0)
		return fault_null(NULL);
	if (strcmp(what, "stack") == 0) {
		sched_create("overflow", overflow_thread, NULL, 16384,
		    SCHED_JOINABLE);
		sched_sleep_ns(1000000000ULL);
		printf("faults: the overflow was not caught (depth %d)\n", depth);
		return 1;
	}
	if (strcmp(what, "write") == 0) {
		memset((void *)(uintptr_t)main, 0, 16);
		printf("faults: writing kernel text did not fault\n");
		return 1;
	}
	printf("faults: unknown fault '%s'\n", what);
	return 2;
}
