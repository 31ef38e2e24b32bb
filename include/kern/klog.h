/*
 * The kernel log. Each message has a level; those above the threshold
 * are dropped. The threshold starts at LOG_INFO, or at the value of the
 * parameter "loglevel" (a number 0-7 or a name: err, warning, notice,
 * info, debug), read from rumpuser_getparam at rump_init.
 *
 * The console has a second threshold, klog_setconslevel: a message
 * above it is kept in the ring but not printed. It starts at LOG_DEBUG
 * (the console shows what the log keeps), or at LOG_WARNING when the
 * kernel option "quiet" is given: warnings and errors still print.
 *
 * A message is formatted (printf-like: %d %i %u %x %X %o %p %s %c %%
 * with - 0 width .precision and l/ll/z/j modifiers) into a line of at
 * most KLOG_LINEMAX bytes, kept in a ring buffer of recent lines
 * (klog_dmesg) and written to the console with rumpuser_dprintf. A
 * message that does not end in '\n' gets one.
 *
 * aprint_* prefix the message with the device's name and ": ".
 * Callable with or without a rump kernel CPU; never sleeps.
 */
#ifndef KERN_KLOG_H
#define KERN_KLOG_H

#include <stdarg.h>
#include <stddef.h>

#define LOG_EMERG 0
#define LOG_ALERT 1
#define LOG_CRIT 2
#define LOG_ERR 3
#define LOG_WARNING 4
#define LOG_NOTICE 5
#define LOG_INFO 6
#define LOG_DEBUG 7

#define KLOG_LINEMAX 256
#define KLOG_RINGSIZE 16384

struct device;

void klog(int level, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
void vklog(int level, const char *fmt, va_list ap);
void klog_setlevel(int level);
int klog_getlevel(void);
void klog_setconslevel(int level);
int klog_getconslevel(void);
/* Level from a name or digit string; -1 if unknown. */
int klog_parselevel(const char *s);
/*
 * Copy the ring buffer, oldest line first, NUL-terminated, into buf;
 * returns the length (a full buffer keeps the newest lines).
 */
size_t klog_dmesg(char *buf, size_t len);

void aprint_normal(struct device *dev, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
void aprint_error(struct device *dev, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));
void aprint_debug(struct device *dev, const char *fmt, ...)
    __attribute__((__format__(__printf__, 2, 3)));

/* The formatter: C99 snprintf semantics (returns the untruncated length). */
int kvsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
    __attribute__((__format__(__printf__, 3, 0)));
int ksnprintf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

#endif
