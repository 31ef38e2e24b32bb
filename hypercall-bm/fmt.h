/*
 * The formatter behind cons_vsnprintf and cons_printf: writes into a
 * buffer and, when the buffer fills, either flushes it (console output)
 * or drops the rest (snprintf), counting every byte it would have written.
 */
#ifndef BM_FMT_H
#define BM_FMT_H

#include <stdarg.h>
#include <stddef.h>

struct fmt_out {
	char *fo_buf;
	size_t fo_cap;		/* bytes of fo_buf the formatter may fill */
	size_t fo_len;		/* bytes in fo_buf now */
	size_t fo_total;	/* bytes produced so far, kept or not */
	/* Empty the full buffer (sets fo_len to 0), or NULL to truncate. */
	void (*fo_flush)(struct fmt_out *);
};

void fmt_format(struct fmt_out *o, const char *fmt, va_list ap);

#endif
