/*
 * Initialization and the glue every other file uses: the upcall table
 * received from the rump kernel, the release/take wrappers around host
 * blocking, dl_bootstrap and daemonize.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "hp.h"

_Static_assert(sizeof(pid_t) == sizeof(int), "pid_t is passed as int");

struct rumpuser_hyperup hp_upcalls;

/* A failed version check leaves the upcalls of an earlier init alone. */
int
rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION || hyp == NULL)
		return EINVAL;
	hp_upcalls = *hyp;
	return 0;
}

void
hp_cpu_release(int *nlocks, void *interlock)
{
	hp_upcalls.hyp_backend_unschedule(0, nlocks, interlock);
}

void
hp_cpu_take(int nlocks, void *interlock)
{
	hp_upcalls.hyp_backend_schedule(nlocks, interlock);
}

void
hp_fatal(const char *what, int error)
{
	fprintf(stderr, "hypercall-posix: %s: %s\n", what, strerror(error));
	abort();
}

/*
 * Nothing is loaded dynamically here: modules linked into the program
 * register themselves through the rump kernel's own link sets.
 */
void
rumpuser_dl_bootstrap(rump_modinit_fn modinit, rump_symload_fn symload,
    rump_compload_fn compload)
{
	(void)modinit;
	(void)symload;
	(void)compload;
}

/* The program stays in the foreground; there is nothing to detach from. */
int
rumpuser_daemonize_begin(void)
{
	return 0;
}

int
rumpuser_daemonize_done(int error)
{
	(void)error;
	return 0;
}
