/*
 * rumpuser_getparam: the two mandatory parameters and, for every other
 * name, the process environment.
 *
 * _RUMPUSER_NCPU      $RUMP_NCPU if set, else the number of online CPUs
 * _RUMPUSER_HOSTNAME  $RUMP_HOSTNAME if set, else "rump-<pid>.<hostname>"
 * other "_..." names  EINVAL (reserved for the interface, none known)
 * other names         getenv(); ENOENT if unset
 * "net", "net.IF"     getenv() too, else $RUMP_NET and $RUMP_NET_IF
 *                     (names a shell can export; '.' becomes '_' and
 *                     letters upper case), for the network kernel
 *                     options of sys/netinet/netconfig.c
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

/* "net" -> "RUMP_NET", "net.vioif0" -> "RUMP_NET_VIOIF0"; NULL unless
 * name is "net" or starts with "net.". */
static const char *
net_env(const char *name)
{
	char env[64];
	size_t i, n = strlen(name);

	if (strncmp(name, "net", 3) != 0 || (name[3] != '\0' &&
	    name[3] != '.') || n + 5 >= sizeof(env))
		return NULL;
	memcpy(env, "RUMP_", 5);
	for (i = 0; i <= n; i++)
		env[5 + i] = name[i] == '.' ? '_' :
		    name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 32) :
		    name[i];
	return getenv(env);
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
		val = net_env(name);
	if (val == NULL)
		return ENOENT;
	return copy_value(val, buf, buflen);
}
