/*
 * Console output: both routines write to the host's stdout and flush at
 * line ends (putchar) or after every call (dprintf), so that output
 * from several threads and an abort() that follows are not lost.
 */
#include <stdarg.h>
#include <stdio.h>

#include "hp.h"

void
rumpuser_putchar(int ch)
{
	putchar(ch);
	if (ch == '\n')
		fflush(stdout);
}

void
rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}
