/*
 * The kernel's formatter (kvsnprintf) and string helpers. Our own, so
 * that sys/ needs nothing from a libc: conversions d i u x X o p s c %,
 * flags '-' and '0', width and precision (numbers or '*'), length
 * modifiers hh h l ll z j t.
 *
 * The output goes through a cursor that counts every character but
 * stores only those that fit, so the return value is the untruncated
 * length, as C99 snprintf returns.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/klog.h>

#include "kern_impl.h"

struct out {
	char *o_buf;
	size_t o_len;
	size_t o_pos;
};

struct spec {
	bool s_left;
	bool s_zero;
	int s_width;
	int s_prec;		/* -1: none */
	int s_size;		/* 0 int, 1 long, 2 long long/intmax/size */
};

static void
put(struct out *o, char c)
{
	if (o->o_pos + 1 < o->o_len)
		o->o_buf[o->o_pos] = c;
	o->o_pos++;
}

static void
pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void
put_str(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	if (s == NULL)
		s = "(null)";
	while (s[n] != '\0' && (sp->s_prec < 0 || n < sp->s_prec))
		n++;
	if (!sp->s_left)
		pad(o, ' ', sp->s_width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->s_left)
		pad(o, ' ', sp->s_width - n);
}

/* Digits of v in base, least significant first; returns their count. */
static int
digits(uintmax_t v, unsigned base, bool upper, char *d)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		d[n++] = set[v % base];
		v /= base;
	} while (v != 0);
	return n;
}

static void
put_num(struct out *o, const struct spec *sp, uintmax_t v, bool neg,
    unsigned base, bool upper, const char *prefix)
{
	char d[sizeof(uintmax_t) * 3 + 2];
	int nd = digits(v, base, upper, d);
	int plen = neg ? 1 : 0;
	int zeros = sp->s_prec > nd ? sp->s_prec - nd : 0;
	int total;

	for (const char *p = prefix; *p != '\0'; p++)
		plen++;
	if (sp->s_prec == 0 && v == 0)
		nd = 0;
	total = plen + zeros + nd;
	if (sp->s_zero && !sp->s_left && sp->s_prec < 0 &&
	    sp->s_width > total) {
		zeros += sp->s_width - total;
		total = sp->s_width;
	}
	if (!sp->s_left)
		pad(o, ' ', sp->s_width - total);
	if (neg)
		put(o, '-');
	for (const char *p = prefix; *p != '\0'; p++)
		put(o, *p);
	pad(o, '0', zeros);
	while (nd > 0)
		put(o, d[--nd]);
	if (sp->s_left)
		pad(o, ' ', sp->s_width - total);
}

static intmax_t
arg_signed(const struct spec *sp, va_list *ap)
{
	if (sp->s_size == 2)
		return va_arg(*ap, long long);
	if (sp->s_size == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static uintmax_t
arg_unsigned(const struct spec *sp, va_list *ap)
{
	if (sp->s_size == 2)
		return va_arg(*ap, unsigned long long);
	if (sp->s_size == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

/* Flags, width, precision and length of one conversion; returns the
 * conversion character's position. */
static const char *
parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	*sp = (struct spec){false, false, 0, -1, 0};
	for (;; f++) {
		if (*f == '-')
			sp->s_left = true;
		else if (*f == '0')
			sp->s_zero = true;
		else
			break;
	}
	if (*f == '*') {
		sp->s_width = va_arg(*ap, int);
		if (sp->s_width < 0) {
			sp->s_left = true;
			sp->s_width = -sp->s_width;
		}
		f++;
	}
	while (*f >= '0' && *f <= '9')
		sp->s_width = sp->s_width * 10 + (*f++ - '0');
	if (*f == '.') {
		f++;
		sp->s_prec = 0;
		if (*f == '*') {
			sp->s_prec = va_arg(*ap, int);
			f++;
		}
		while (*f >= '0' && *f <= '9')
			sp->s_prec = sp->s_prec * 10 + (*f++ - '0');
	}
	for (;; f++) {
		if (*f == 'l')
			sp->s_size++;
		else if (*f == 'z' || *f == 'j' || *f == 't')
			sp->s_size = 2;
		else if (*f != 'h')
			break;
	}
	if (sp->s_size > 2)
		sp->s_size = 2;
	return f;
}

static void
convert(struct out *o, const struct spec *sp, char c, va_list *ap)
{
	intmax_t sv;

	switch (c) {
	case 'd':
	case 'i':
		sv = arg_signed(sp, ap);
		put_num(o, sp, sv < 0 ? -(uintmax_t)sv : (uintmax_t)sv, sv < 0,
		    10, false, "");
		break;
	case 'u':
		put_num(o, sp, arg_unsigned(sp, ap), false, 10, false, "");
		break;
	case 'x':
	case 'X':
		put_num(o, sp, arg_unsigned(sp, ap), false, 16, c == 'X', "");
		break;
	case 'o':
		put_num(o, sp, arg_unsigned(sp, ap), false, 8, false, "");
		break;
	case 'p':
		put_num(o, sp, (uintptr_t)va_arg(*ap, void *), false, 16, false,
		    "0x");
		break;
	case 's':
		put_str(o, sp, va_arg(*ap, const char *));
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	default:	/* '%' and anything unknown: print it */
		put(o, c);
		break;
	}
}

int
kvsnprintf(char *buf, size_t len, const char *fmt, va_list ap)
{
	struct out o = {buf, len, 0};
	struct spec sp;
	va_list aq;

	va_copy(aq, ap);
	for (const char *f = fmt; *f != '\0'; f++) {
		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp, &aq);
		if (*f == '\0')
			break;
		convert(&o, &sp, *f, &aq);
	}
	va_end(aq);
	if (len > 0)
		buf[o.o_pos < len ? o.o_pos : len - 1] = '\0';
	return (int)o.o_pos;
}

int
ksnprintf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n;
}

size_t
kstrlcpy(char *dst, const char *src, size_t size)
{
	size_t n = 0;

	while (src[n] != '\0') {
		if (n + 1 < size)
			dst[n] = src[n];
		n++;
	}
	if (size > 0)
		dst[n < size ? n : size - 1] = '\0';
	return n;
}

size_t
kstrlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

int
kstrcmp(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}
