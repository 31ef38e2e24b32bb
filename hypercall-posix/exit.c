/*
 * Termination, errno for rump system call clients, and signals.
 *
 * rumpuser_kill receives NetBSD signal numbers. The few below are raised
 * in this process as their Linux counterparts; any other number (and 0)
 * is accepted and ignored, as the manual allows.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "hp.h"

void
rumpuser_exit(int value)
{
	fflush(stdout);
	if (value == RUMPUSER_PANIC)
		abort();
	exit(value);
}

void
rumpuser_seterrno(int error)
{
	errno = error;
}

/* NetBSD number -> Linux number, 0 if not mapped. */
static int
host_signal(int sig)
{
	static const struct {
		int netbsd, host;
	} map[] = {
		{1, SIGHUP}, {2, SIGINT}, {3, SIGQUIT}, {9, SIGKILL},
		{13, SIGPIPE}, {14, SIGALRM}, {15, SIGTERM},
		{30, SIGUSR1}, {31, SIGUSR2},
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (map[i].netbsd == sig)
			return map[i].host;
	return 0;
}

int
rumpuser_kill(int64_t pid, int sig)
{
	int hsig = host_signal(sig);

	(void)pid;
	if (hsig != 0)
		raise(hsig);
	return 0;
}
