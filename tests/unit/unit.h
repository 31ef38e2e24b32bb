/*
 * A minimal test runner for the host unit tests. A test is a function;
 * CHECK stops it at the first failed condition. Each test prints
 * "ok NAME" or "FAIL NAME: why"; unit_done() prints "N passed, N failed"
 * and gives the exit status.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;
static char unit_why[512];

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			snprintf(unit_why, sizeof(unit_why), "%s:%d: %s", \
			    __FILE__, __LINE__, #cond); \
			return; \
		} \
	} while (0)

#define CHECKMSG(cond, ...) \
	do { \
		if (!(cond)) { \
			snprintf(unit_why, sizeof(unit_why), __VA_ARGS__); \
			return; \
		} \
	} while (0)

static inline void
unit_run(const char *name, void (*fn)(void))
{
	unit_why[0] = '\0';
	fn();
	if (unit_why[0] == '\0') {
		printf("ok %s\n", name);
		unit_passed++;
	} else {
		printf("FAIL %s: %s\n", name, unit_why);
		unit_failed++;
	}
	fflush(stdout);
}

#define RUN(fn) unit_run(#fn, fn)

static inline int
unit_done(void)
{
	printf("%d passed, %d failed\n", unit_passed, unit_failed);
	return unit_failed != 0;
}

#endif
