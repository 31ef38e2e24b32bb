/*
 * rumpuser_getparam: the two mandatory parameters and, for every other
 * name, the boot command line (bmk_getparam: upper-case NAME=value
 * environment values and lower-case kernel options).
 *
 * _RUMPUSER_NCPU      "1": one CPU on bare metal
 * _RUMPUSER_HOSTNAME  kernel option hostname=NAME, else "rumpmetal"
 * other "_..." names  EINVAL (reserved for the interface, none known)
 * other names         the command line's value; ENOENT if absent
 * A value that does not fit in buflen bytes with its NUL gives ERANGE
 * and, if buflen > 0, an empty string: never a truncated value. These
 * are hypercall-posix's rules.
 */
#include <stddef.h>

#include <bmk/bmk.h>
#include <bmk/errno.h>

#include "rumpuser_impl.h"

#define DEFAULT_HOSTNAME "rumpmetal"

static size_t
str_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

static int
str_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static int
copy_value(const char *val, void *buf, size_t buflen)
{
	size_t len = str_len(val), i;
	char *out = buf;

	if (len >= buflen) {
		if (buflen > 0)
			out[0] = '\0';
		return ERANGE;
	}
	for (i = 0; i <= len; i++)
		out[i] = val[i];
	return 0;
}

static const char *
hostname(void)
{
	const char *h = bmk_getparam("hostname");

	return h != NULL && h[0] != '\0' ? h : DEFAULT_HOSTNAME;
}

int
rumpuser_getparam(const char *name, void *buf, size_t buflen)
{
	const char *val;

	if (str_eq(name, RUMPUSER_PARAM_NCPU))
		return copy_value("1", buf, buflen);
	if (str_eq(name, RUMPUSER_PARAM_HOSTNAME))
		return copy_value(hostname(), buf, buflen);
	if (name[0] == '_')
		return EINVAL;
	if ((val = bmk_getparam(name)) == NULL)
		return ENOENT;
	return copy_value(val, buf, buflen);
}
