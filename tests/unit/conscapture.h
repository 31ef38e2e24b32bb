/*
 * For host tests of boot/ code, which prints through cons_printf: a
 * cons_printf that appends to consbuf, so tests can check the messages,
 * and NCHECK, a check that reports under its own name and goes on
 * (counted in unit.h's totals).
 */
#ifndef CONSCAPTURE_H
#define CONSCAPTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "unit.h"

static char consbuf[8192];

int
cons_printf(const char *fmt, ...)
{
	va_list ap;
	size_t n = strlen(consbuf);
	int r;

	va_start(ap, fmt);
	r = vsnprintf(consbuf + n, sizeof(consbuf) - n, fmt, ap);
	va_end(ap);
	return r;
}

#define NCHECK(name, cond) do {						\
	if (cond) {							\
		unit_passed++;						\
		printf("ok %s\n", name);				\
	} else {							\
		unit_failed++;						\
		printf("FAIL %s: %s (line %d)\n", name, #cond, __LINE__); \
	}								\
} while (0)

#endif
