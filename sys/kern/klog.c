/*
 * The kernel log: formatting, level threshold, ring buffer, console.
 *
 * Ring invariant: kl_ring holds the last kl_used bytes written, ending
 * at kl_head (exclusive), as whole lines when the ring has not wrapped;
 * after a wrap the oldest line may be cut, and klog_dmesg skips up to
 * the first newline. A message at most kl_level goes to the ring; one
 * also at most kl_conslevel goes to the console ("quiet" lowers that
 * to LOG_WARNING: informational lines stay in the ring only). kl_mtx (a SPIN hypercall mutex taken with
 * enter_nowrap) protects the ring; the console write happens outside
 * it, one rumpuser_dprintf per line, so lines never mix.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <rump/rumpuser.h>

#include <kern/device.h>
#include <kern/klog.h>

#include "kern_impl.h"

static struct rumpuser_mtx *kl_mtx;
static char kl_ring[KLOG_RINGSIZE];
static size_t kl_head;
static size_t kl_used;
static int kl_level = LOG_INFO;
static int kl_conslevel = LOG_DEBUG;	/* console: also at most this */

static const char *const kl_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug",
};

int
klog_parselevel(const char *s)
{
	if (s[0] >= '0' && s[0] <= '7' && s[1] == '\0')
		return s[0] - '0';
	for (int i = 0; i <= LOG_DEBUG; i++)
		if (kstrcmp(s, kl_names[i]) == 0)
			return i;
	return -1;
}

void
klog_init(void)
{
	char buf[16];
	int level;

	if (kl_mtx == NULL)
		rumpuser_mutex_init(&kl_mtx, RUMPUSER_MTX_SPIN);
	if (rumpuser_getparam("quiet", buf, sizeof(buf)) != ENOENT)
		klog_setconslevel(LOG_WARNING);
	if (rumpuser_getparam("loglevel", buf, sizeof(buf)) != 0)
		return;
	if ((level = klog_parselevel(buf)) >= 0)
		klog_setlevel(level);
	else
		klog(LOG_WARNING, "klog: unknown loglevel \"%s\"", buf);
}

void
klog_setlevel(int level)
{
	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	__atomic_store_n(&kl_level, level, __ATOMIC_RELAXED);
}

int
klog_getlevel(void)
{
	return __atomic_load_n(&kl_level, __ATOMIC_RELAXED);
}

void
klog_setconslevel(int level)
{
	if (level < LOG_EMERG)
		level = LOG_EMERG;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	__atomic_store_n(&kl_conslevel, level, __ATOMIC_RELAXED);
}

int
klog_getconslevel(void)
{
	return __atomic_load_n(&kl_conslevel, __ATOMIC_RELAXED);
}

static void
ring_put(const char *line, size_t n)
{
	if (kl_mtx == NULL)		/* before klog_init: console only */
		return;
	rumpuser_mutex_enter_nowrap(kl_mtx);
	for (size_t i = 0; i < n; i++) {
		kl_ring[kl_head] = line[i];
		kl_head = (kl_head + 1) % KLOG_RINGSIZE;
	}
	kl_used = kl_used + n > KLOG_RINGSIZE ? KLOG_RINGSIZE : kl_used + n;
	rumpuser_mutex_exit(kl_mtx);
}

/* Emit prefix + formatted message as one line. */
static void
emit(int level, const char *prefix, const char *fmt, va_list ap)
{
	char line[KLOG_LINEMAX];
	size_t n;

	if (level > klog_getlevel())
		return;
	n = kstrlcpy(line, prefix, sizeof(line));
	if (n >= sizeof(line) - 2)
		n = sizeof(line) - 2;
	kvsnprintf(line + n, sizeof(line) - 1 - n, fmt, ap);
	n = kstrlen(line);
	if (n == 0 || line[n - 1] != '\n') {
		line[n++] = '\n';
		line[n] = '\0';
	}
	ring_put(line, n);
	if (level <= klog_getconslevel())
		rumpuser_dprintf("%s", line);
}

void
vklog(int level, const char *fmt, va_list ap)
{
	emit(level, "", fmt, ap);
}

void
klog(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(level, "", fmt, ap);
	va_end(ap);
}

static void
aprint(int level, device_t dev, const char *fmt, va_list ap)
{
	char prefix[40];

	ksnprintf(prefix, sizeof(prefix), "%s: ",
	    dev != NULL ? device_xname(dev) : "(null)");
	emit(level, prefix, fmt, ap);
}

void
aprint_normal(device_t dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aprint(LOG_INFO, dev, fmt, ap);
	va_end(ap);
}

void
aprint_error(device_t dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aprint(LOG_ERR, dev, fmt, ap);
	va_end(ap);
}

void
aprint_debug(device_t dev, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	aprint(LOG_DEBUG, dev, fmt, ap);
	va_end(ap);
}

size_t
klog_dmesg(char *buf, size_t len)
{
	size_t start, n, skip = 0, out = 0;

	if (len == 0 || kl_mtx == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return 0;
	}
	rumpuser_mutex_enter_nowrap(kl_mtx);
	n = kl_used < len - 1 ? kl_used : len - 1;
	start = (kl_head + KLOG_RINGSIZE - n) % KLOG_RINGSIZE;
	if (n < kl_used || kl_used == KLOG_RINGSIZE) {
		/* the first line may be cut: start after a newline */
		while (skip < n && kl_ring[(start + skip) % KLOG_RINGSIZE] != '\n')
			skip++;
		if (skip < n)
			skip++;
	}
	for (size_t i = skip; i < n; i++)
		buf[out++] = kl_ring[(start + i) % KLOG_RINGSIZE];
	rumpuser_mutex_exit(kl_mtx);
	buf[out] = '\0';
	return out;
}
