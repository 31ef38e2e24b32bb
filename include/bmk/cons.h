/*
 * Kernel console output and its formatter (no libc). Formats: %d %i %u
 * %x %X %o %p %s %c %%, with flags '-' '0' ' ' '+' '#', width and
 * precision (also '*'), and length modifiers hh h l ll z j t.
 */
#ifndef BMK_CONS_H
#define BMK_CONS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

int cons_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int cons_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int cons_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cons_vprintf(const char *fmt, va_list ap)
    __attribute__((format(printf, 1, 0)));
void cons_write(const char *buf, size_t len);

/*
 * Informational boot and kernel messages: printed unless the kernel
 * option "quiet" is given. Warnings and errors use cons_printf.
 */
int cons_logf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cons_set_quiet(bool quiet);
void cons_puts(const char *s);

/* Console input (interrupt driven): read up to len bytes, blocking for
 * at least one. Returns the count. */
size_t cons_read(char *buf, size_t len);
/* true if cons_read would return at once. */
bool cons_input_ready(void);
void cons_input_init(void);
/* Input from elsewhere (keyboards): queued behind the serial input and
 * read the same way; dropped and counted when the ring is full. Thread
 * context, never sleeps. */
void cons_input_push(const char *buf, size_t len);

#endif
