/*
 * rumpuser_getparam: the two mandatory parameters and, for every other
 * name, the process environment.
 *
 * _RUMPUSER_NCPU      $RUMP_NCPU if set, else the number of online CPUs
 * _RUMPUSER_HOSTNAME  $RUMP_HOSTNAME if set, else "rump-<pid>.<hostname>"
 * other "_..." names  EINVAL (reserved for the interface, none known)
 * other names         getenv(); ENOENT if unset
 * A value that does not fit in buflen bytes with its NUL gives ERANGE
 * and, if buflen > 0, an empty string: never a truncated value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hp.h"

static int
copy_value(const char *val, void *buf, size_t buflen)
{
	size_t len = strlen(val);

	if (len >= buflen) {
		if (buflen > 0)
			*(char *)buf = '\0';
		return ERANGE;
	}
	memcpy(buf, val, len + 1);
	return 0;
}

static int
param_ncpu(void *buf, size_t buflen)
{
	const char *env = getenv("RUMP_NCPU");
	char tmp[32];
	long n;

	if (env != NULL)
		return copy_value(env, buf, buflen);
	n = sysconf(_SC_NPROCESSORS_ONLN);
	snprintf(tmp, sizeof(tmp), "%ld", n > 0 ? n : 1);
	return copy_value(tmp, buf, buflen);
}

static int
param_hostname(void *buf, size_t buflen)
{
	const char *env = getenv("RUMP_HOSTNAME");
	char host[256], tmp[300];

	if (env != NULL)
		return copy_value(env, buf, buflen);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(tmp, sizeof(tmp), "rump-%d.%s", (int)getpid(), host);
	return copy_value(tmp, buf, buflen);
}

int
rumpuser_getparam(const char *name, void *buf, size_t buflen)
{
	const char *val;

	if (strcmp(name, RUMPUSER_PARAM_NCPU) == 0)
		return param_ncpu(buf, buflen);
	if (strcmp(name, RUMPUSER_PARAM_HOSTNAME) == 0)
		return param_hostname(buf, buflen);
	if (name[0] == '_')
		return EINVAL;
	val = getenv(name);
	if (val == NULL)
		return ENOENT;
	return copy_value(val, buf, buflen);
}
