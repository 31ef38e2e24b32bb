/*
 * Initialization and the glue the other rumpuser_*.c files use: the
 * upcalls received from the rump kernel, the wrappers that release and
 * take back the rump kernel CPU around a wait, dl_bootstrap and
 * daemonize.
 */
#include <stddef.h>

#include <bmk/errno.h>

#include "rumpuser_impl.h"

struct rumpuser_hyperup ru_upcalls;

/* A failed version check leaves the upcalls of an earlier init alone. */
int
rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{
	if (version != RUMPUSER_VERSION || hyp == NULL)
		return EINVAL;
	ru_upcalls = *hyp;
	return 0;
}

void
ru_cpu_release(int *nlocks, void *interlock)
{
	ru_upcalls.hyp_backend_unschedule(0, nlocks, interlock);
}

void
ru_cpu_take(int nlocks, void *interlock)
{
	ru_upcalls.hyp_backend_schedule(nlocks, interlock);
}

/*
 * Nothing is loaded dynamically: modules linked into the image register
 * themselves through the rump kernel's own link sets.
 */
void
rumpuser_dl_bootstrap(rump_modinit_fn modinit, rump_symload_fn symload,
    rump_compload_fn compload)
{
	(void)modinit;
	(void)symload;
	(void)compload;
}

/* The program is the machine: there is nothing to detach from. */
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
