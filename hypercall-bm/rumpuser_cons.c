/*
 * Console output for the rump kernel: straight to every platform console
 * through the kernel console (bmk/cons.h). Threads are cooperative and
 * neither call blocks, so a dprintf line is never split by another
 * thread's output.
 */
#include <stdarg.h>

#include <bmk/cons.h>

#include "rumpuser_impl.h"

void
rumpuser_putchar(int ch)
{
	char c = (char)ch;

	cons_write(&c, 1);
}

/* cons_vprintf streams through a small buffer: no length limit. */
void
rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cons_vprintf(fmt, ap);
	va_end(ap);
}
