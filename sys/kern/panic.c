/*
 * panic and failed assertions: report on the console through the
 * hypercall and end the kernel with rumpuser_exit(RUMPUSER_PANIC), which
 * prints a backtrace and halts (bare metal) or aborts (Linux).
 */
#include <stdarg.h>

#include <rump/rumpuser.h>

#include <kern/kassert.h>
#include <kern/klog.h>

void
panic(const char *fmt, ...)
{
	char buf[KLOG_LINEMAX];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	rumpuser_dprintf("panic: %s\n", buf);
	rumpuser_exit(RUMPUSER_PANIC);
}

void
kassert_fail(const char *expr, const char *file, int line)
{
	panic("assertion \"%s\" failed at %s:%d", expr, file, line);
}
