/*
 * printf-style formatter without libc, with the C standard's semantics
 * for the conversions it knows: %d %i %u %x %X %o %p %s %c %%, flags
 * '-' '0' ' ' '+' '#', width and precision (also '*', where a negative
 * width means '-' and a negative precision means none), length modifiers
 * hh h l ll z j t.
 *
 * Choices where C leaves room: %p prints like %#jx but with "0x" even
 * for a null pointer; %s prints "(null)" for a null pointer. An unknown
 * conversion (including %n and floating point) is copied to the output
 * as written and consumes no argument.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/cons.h>

#include "fmt.h"

#define F_LEFT 0x01
#define F_ZERO 0x02
#define F_SPACE 0x04
#define F_PLUS 0x08
#define F_ALT 0x10

enum fmt_len { L_NONE, L_HH, L_H, L_L, L_LL, L_Z, L_J, L_T };

struct fmt_spec {
	unsigned fs_flags;
	int fs_width;
	int fs_prec;		/* -1: none */
	enum fmt_len fs_len;
	char fs_conv;
};

_Static_assert(sizeof(ptrdiff_t) == sizeof(size_t),
    "%zd and %tu read the other type of the same width");

static void
out_char(struct fmt_out *o, char c)
{
	if (o->fo_len == o->fo_cap && o->fo_flush != NULL)
		o->fo_flush(o);
	if (o->fo_len < o->fo_cap)
		o->fo_buf[o->fo_len++] = c;
	o->fo_total++;
}

static void
out_repeat(struct fmt_out *o, char c, size_t n)
{
	while (n-- > 0)
		out_char(o, c);
}

static void
out_mem(struct fmt_out *o, const char *s, size_t n)
{
	while (n-- > 0)
		out_char(o, *s++);
}

/* Decimal number at *pp, saturating at INT_MAX. */
static int
parse_num(const char **pp)
{
	const char *p = *pp;
	int n = 0;

	while (*p >= '0' && *p <= '9') {
		int d = *p++ - '0';

		n = (n > (__INT_MAX__ - d) / 10) ? __INT_MAX__ : n * 10 + d;
	}
	*pp = p;
	return n;
}

static void
parse_flags(const char **pp, struct fmt_spec *fs)
{
	for (;; (*pp)++) {
		switch (**pp) {
		case '-': fs->fs_flags |= F_LEFT; break;
		case '0': fs->fs_flags |= F_ZERO; break;
		case ' ': fs->fs_flags |= F_SPACE; break;
		case '+': fs->fs_flags |= F_PLUS; break;
		case '#': fs->fs_flags |= F_ALT; break;
		default: return;
		}
	}
}

static void
parse_width_prec(const char **pp, struct fmt_spec *fs, va_list *ap)
{
	if (**pp == '*') {
		int w = va_arg(*ap, int);

		(*pp)++;
		if (w < 0) {
			fs->fs_flags |= F_LEFT;
			w = (w == -__INT_MAX__ - 1) ? __INT_MAX__ : -w;
		}
		fs->fs_width = w;
	} else {
		fs->fs_width = parse_num(pp);
	}
	fs->fs_prec = -1;
	if (**pp != '.')
		return;
	(*pp)++;
	if (**pp == '*') {
		int p = va_arg(*ap, int);

		(*pp)++;
		fs->fs_prec = p < 0 ? -1 : p;
	} else {
		fs->fs_prec = parse_num(pp);
	}
}

static void
parse_len(const char **pp, struct fmt_spec *fs)
{
	const char *p = *pp;

	switch (*p) {
	case 'h': fs->fs_len = (p[1] == 'h') ? L_HH : L_H; break;
	case 'l': fs->fs_len = (p[1] == 'l') ? L_LL : L_L; break;
	case 'z': fs->fs_len = L_Z; break;
	case 'j': fs->fs_len = L_J; break;
	case 't': fs->fs_len = L_T; break;
	default: fs->fs_len = L_NONE; return;
	}
	*pp += (fs->fs_len == L_HH || fs->fs_len == L_LL) ? 2 : 1;
}

/* Parse the spec after '%'; *pp ends just past the conversion char. */
static void
parse_spec(const char **pp, struct fmt_spec *fs, va_list *ap)
{
	fs->fs_flags = 0;
	parse_flags(pp, fs);
	parse_width_prec(pp, fs, ap);
	parse_len(pp, fs);
	fs->fs_conv = **pp;
	if (**pp != '\0')
		(*pp)++;
}

static intmax_t
arg_signed(const struct fmt_spec *fs, va_list *ap)
{
	switch (fs->fs_len) {
	case L_HH: return (signed char)va_arg(*ap, int);
	case L_H: return (short)va_arg(*ap, int);
	case L_L: return va_arg(*ap, long);
	case L_LL: return va_arg(*ap, long long);
	case L_Z: return va_arg(*ap, ptrdiff_t);
	case L_J: return va_arg(*ap, intmax_t);
	case L_T: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t
arg_unsigned(const struct fmt_spec *fs, va_list *ap)
{
	switch (fs->fs_len) {
	case L_HH: return (unsigned char)va_arg(*ap, unsigned int);
	case L_H: return (unsigned short)va_arg(*ap, unsigned int);
	case L_L: return va_arg(*ap, unsigned long);
	case L_LL: return va_arg(*ap, unsigned long long);
	case L_Z: return va_arg(*ap, size_t);
	case L_J: return va_arg(*ap, uintmax_t);
	case L_T: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Output prefix, zeros and digits, padded to the field width. */
static void
out_field(struct fmt_out *o, const struct fmt_spec *fs, const char *prefix,
    size_t nzeros, const char *digits, size_t ndigits)
{
	size_t npre = 0, len, pad;

	while (prefix[npre] != '\0')
		npre++;
	len = npre + nzeros + ndigits;
	pad = (size_t)fs->fs_width > len ? (size_t)fs->fs_width - len : 0;
	if ((fs->fs_flags & (F_ZERO | F_LEFT)) == F_ZERO) {
		nzeros += pad;
		pad = 0;
	}
	if (!(fs->fs_flags & F_LEFT))
		out_repeat(o, ' ', pad);
	out_mem(o, prefix, npre);
	out_repeat(o, '0', nzeros);
	out_mem(o, digits, ndigits);
	if (fs->fs_flags & F_LEFT)
		out_repeat(o, ' ', pad);
}

/* Digits of v, most significant first, ending at end; returns start. */
static char *
to_digits(char *end, uintmax_t v, unsigned base, bool upper)
{
	const char *xd = upper ? "0123456789ABCDEF" : "0123456789abcdef";

	do {
		*--end = xd[v % base];
		v /= base;
	} while (v != 0);
	return end;
}

static void
fmt_integer(struct fmt_out *o, struct fmt_spec *fs, uintmax_t v,
    const char *prefix)
{
	char buf[3 * sizeof(uintmax_t)], *end = buf + sizeof(buf), *d = end;
	unsigned base = 10;
	size_t nd, nzeros;

	if (fs->fs_conv == 'o')
		base = 8;
	else if (fs->fs_conv == 'x' || fs->fs_conv == 'X' || fs->fs_conv == 'p')
		base = 16;
	if (v != 0 || fs->fs_prec != 0)
		d = to_digits(end, v, base, fs->fs_conv == 'X');
	nd = (size_t)(end - d);
	nzeros = (fs->fs_prec > 0 && (size_t)fs->fs_prec > nd) ?
	    (size_t)fs->fs_prec - nd : 0;
	/* '#' with 'o': the first digit printed must be a 0. */
	if (base == 8 && (fs->fs_flags & F_ALT) && nzeros == 0 &&
	    (nd == 0 || *d != '0'))
		nzeros = 1;
	/* A precision turns the '0' flag off for integers. */
	if (fs->fs_prec >= 0)
		fs->fs_flags &= ~F_ZERO;
	out_field(o, fs, prefix, nzeros, d, nd);
}

static void
fmt_signed(struct fmt_out *o, struct fmt_spec *fs, va_list *ap)
{
	intmax_t v = arg_signed(fs, ap);
	uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
	const char *prefix = "";

	if (v < 0)
		prefix = "-";
	else if (fs->fs_flags & F_PLUS)
		prefix = "+";
	else if (fs->fs_flags & F_SPACE)
		prefix = " ";
	fmt_integer(o, fs, mag, prefix);
}

static void
fmt_unsigned(struct fmt_out *o, struct fmt_spec *fs, va_list *ap)
{
	uintmax_t v = arg_unsigned(fs, ap);
	const char *prefix = "";

	if ((fs->fs_flags & F_ALT) && v != 0 && fs->fs_conv == 'x')
		prefix = "0x";
	else if ((fs->fs_flags & F_ALT) && v != 0 && fs->fs_conv == 'X')
		prefix = "0X";
	fmt_integer(o, fs, v, prefix);
}

static void
fmt_string(struct fmt_out *o, struct fmt_spec *fs, const char *s)
{
	size_t n = 0;

	if (s == NULL)
		s = "(null)";
	/* Never read past the precision: s need not be terminated. */
	while ((fs->fs_prec < 0 || n < (size_t)fs->fs_prec) && s[n] != '\0')
		n++;
	fs->fs_flags &= ~F_ZERO;
	fs->fs_prec = -1;
	out_field(o, fs, "", 0, s, n);
}

/* One conversion; start points at its '%' (for unknown conversions). */
static void
fmt_conv(struct fmt_out *o, struct fmt_spec *fs, va_list *ap,
    const char *start, const char *end)
{
	char c;

	switch (fs->fs_conv) {
	case 'd':
	case 'i':
		fmt_signed(o, fs, ap);
		break;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		fmt_unsigned(o, fs, ap);
		break;
	case 'p':
		fmt_integer(o, fs, (uintptr_t)va_arg(*ap, void *), "0x");
		break;
	case 's':
		fmt_string(o, fs, va_arg(*ap, const char *));
		break;
	case 'c':
		c = (char)va_arg(*ap, int);
		fs->fs_flags &= ~F_ZERO;
		out_field(o, fs, "", 0, &c, 1);
		break;
	case '%':
		out_char(o, '%');
		break;
	default:
		out_mem(o, start, (size_t)(end - start));
		break;
	}
}

void
fmt_format(struct fmt_out *o, const char *fmt, va_list ap)
{
	struct fmt_spec fs;
	const char *start;
	va_list aq;

	/* A copy, so that helpers can take its address portably. */
	va_copy(aq, ap);
	while (*fmt != '\0') {
		if (*fmt != '%') {
			out_char(o, *fmt++);
			continue;
		}
		start = fmt++;
		parse_spec(&fmt, &fs, &aq);
		fmt_conv(o, &fs, &aq, start, fmt);
	}
	va_end(aq);
}

int
cons_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_out o = {
		.fo_buf = buf,
		.fo_cap = size > 0 ? size - 1 : 0,
		.fo_flush = NULL,
	};

	fmt_format(&o, fmt, ap);
	if (size > 0)
		buf[o.fo_len] = '\0';
	return o.fo_total > __INT_MAX__ ? __INT_MAX__ : (int)o.fo_total;
}

int
cons_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = cons_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
