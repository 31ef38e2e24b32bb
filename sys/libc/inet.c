/*
 * Address conversion for the application (include/libc/arpa/inet.h):
 * dotted quads only (inet_aton also takes the a, a.b and a.b.c forms
 * and octal/hex parts, as the traditional one does); IPv6 text forms
 * are refused with EAFNOSUPPORT.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

/* One number in base 8, 10 or 16; NULL if none or too big. */
static const char *
parse_part(const char *s, uint32_t *v)
{
	unsigned base = 10;
	uint64_t n = 0;
	const char *start;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] >= '0' && s[1] <= '9') {
		base = 8;
	}
	start = s;
	for (;; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			break;
		if (d >= base || (n = n * base + d) > 0xffffffffu)
			return NULL;
	}
	if (s == start)
		return NULL;
	*v = (uint32_t)n;
	return s;
}

int
inet_aton(const char *s, struct in_addr *a)
{
	uint32_t part[4], v;
	int n = 0;

	for (;;) {
		if (n == 4 || (s = parse_part(s, &part[n++])) == NULL)
			return 0;
		if (*s == '\0')
			break;
		if (*s++ != '.')
			return 0;
	}
	for (int i = 0; i < n - 1; i++) {
		if (part[i] > 0xff)
			return 0;
	}
	if (part[n - 1] > (0xffffffffu >> (8 * (n - 1))))
		return 0;
	v = part[n - 1];
	for (int i = 0; i < n - 1; i++)
		v |= part[i] << (24 - 8 * i);
	if (a != NULL)
		a->s_addr = htonl(v);
	return 1;
}

in_addr_t
inet_addr(const char *s)
{
	struct in_addr a;

	return inet_aton(s, &a) ? a.s_addr : INADDR_NONE;
}

char *
inet_ntoa(struct in_addr a)
{
	static char buf[INET_ADDRSTRLEN];

	return (char *)inet_ntop(AF_INET, &a, buf, sizeof(buf));
}

/* inet_pton: exactly four decimal parts of at most three digits. */
static int
pton4(const char *s, uint8_t out[4])
{
	for (int i = 0; i < 4; i++) {
		unsigned v = 0, digits = 0;

		while (*s >= '0' && *s <= '9') {
			if (digits == 1 && v == 0)
				return 0;	/* no leading zeros */
			v = v * 10 + (unsigned)(*s++ - '0');
			if (++digits > 3 || v > 255)
				return 0;
		}
		if (digits == 0)
			return 0;
		out[i] = (uint8_t)v;
		if (i < 3 && *s++ != '.')
			return 0;
	}
	return *s == '\0';
}

int
inet_pton(int af, const char *src, void *dst)
{
	uint8_t b[4];

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return -1;
	}
	if (!pton4(src, b))
		return 0;
	memcpy(dst, b, 4);
	return 1;
}

const char *
inet_ntop(int af, const void *src, char *dst, socklen_t len)
{
	const uint8_t *b = src;
	char tmp[INET_ADDRSTRLEN];
	int n;

	if (af != AF_INET) {
		errno = EAFNOSUPPORT;
		return NULL;
	}
	n = snprintf(tmp, sizeof(tmp), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	if (n < 0 || (socklen_t)n >= len) {
		errno = ENOSPC;
		return NULL;
	}
	memcpy(dst, tmp, (size_t)n + 1);
	return dst;
}
