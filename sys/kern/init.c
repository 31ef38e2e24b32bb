/*
 * rump_init and the upcall table handed to the hypervisor.
 *
 * Order of bring-up: the hypervisor (rumpuser_init), the log, lwps and
 * proc0, the virtual CPUs, lwp0 for the calling thread (which then holds
 * a CPU while the subsystems start), callouts (the softclock thread),
 * and autoconfiguration. The caller leaves holding no CPU.
 */
#include <errno.h>
#include <stddef.h>

#include <rump/rumpuser.h>

#include <kern/device.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/lwp.h>
#include <kern/rump.h>

#include "kern_impl.h"

static int ri_done;

static int
up_rfork(void *priv, int flags, const char *comm)
{
	(void)priv;
	return rump_lwproc_rfork(flags, comm);
}

/* No system call table yet. */
static int
up_syscall(int num, void *arg, long *retval)
{
	(void)num;
	(void)arg;
	*retval = -1;
	return ENOSYS;
}

/* A client's thread ended: drop the lwp that served it. */
static void
up_lwpexit(void)
{
	rump_lwproc_releaselwp();
}

static void
up_execnotify(const char *comm)
{
	struct proc *p = curproc();

	if (p != NULL)
		proc_setcomm(p, comm);
}

static int
up_getpid(void)
{
	struct proc *p = curproc();

	return p != NULL ? proc_pid(p) : 0;
}

static const struct rumpuser_hyperup ri_upcalls = {
	.hyp_schedule = rump_schedule,
	.hyp_unschedule = rump_unschedule,
	.hyp_backend_unschedule = rsched_backend_unschedule,
	.hyp_backend_schedule = rsched_backend_schedule,
	.hyp_lwproc_switch = rump_lwproc_switch,
	.hyp_lwproc_release = rump_lwproc_releaselwp,
	.hyp_lwproc_rfork = up_rfork,
	.hyp_lwproc_newlwp = rump_lwproc_newlwp,
	.hyp_lwproc_curlwp = rump_lwproc_curlwp,
	.hyp_syscall = up_syscall,
	.hyp_lwpexit = up_lwpexit,
	.hyp_execnotify = up_execnotify,
	.hyp_getpid = up_getpid,
};

/* _RUMPUSER_NCPU, clamped to [1, RUMP_MAXCPU]. */
static unsigned
param_ncpu(void)
{
	char buf[16];
	unsigned n = 0;

	if (rumpuser_getparam(RUMPUSER_PARAM_NCPU, buf, sizeof(buf)) != 0)
		return 1;
	for (const char *s = buf; *s >= '0' && *s <= '9' && n < 1000; s++)
		n = n * 10 + (unsigned)(*s - '0');
	if (n < 1)
		return 1;
	return n > RUMP_MAXCPU ? RUMP_MAXCPU : n;
}

extern const struct rump_subsys *const __start_rump_subsys_early[]
    __attribute__((__weak__));
extern const struct rump_subsys *const __stop_rump_subsys_early[]
    __attribute__((__weak__));
extern const struct rump_subsys *const __start_rump_subsys_late[]
    __attribute__((__weak__));
extern const struct rump_subsys *const __stop_rump_subsys_late[]
    __attribute__((__weak__));

static void
subsys_run(const struct rump_subsys *const *p,
    const struct rump_subsys *const *end)
{
	int rv;

	for (; p < end; p++) {
		if ((rv = (*p)->rs_init()) != 0)
			klog(LOG_ERR, "%s: initialisation failed (error %d)",
			    (*p)->rs_name, rv);
	}
}

/* Give the calling thread lwp0 and a CPU. */
static int
start_lwp0(void)
{
	struct lwp *l0;

	if ((l0 = lwp_create(&proc0, 0, "lwp0")) == NULL)
		return ENOMEM;
	lwp_bind(l0);
	rump_schedule();
	return 0;
}

int
rump_init(void)
{
	int rv;

	if (ri_done)
		return 0;
	if ((rv = rumpuser_init(RUMPUSER_VERSION, &ri_upcalls)) != 0)
		return rv;
	klog_init();
	if ((rv = lwp_init()) != 0 || (rv = rsched_init(param_ncpu())) != 0)
		return rv;
	if ((rv = start_lwp0()) != 0)
		return rv;
	klog(LOG_INFO, "rump kernel: %u CPU%s", rump_ncpu(),
	    rump_ncpu() > 1 ? "s" : "");
	callout_subsys_init();
	subsys_run(__start_rump_subsys_early, __stop_rump_subsys_early);
	rv = config_init();
	if (rv == 0)
		subsys_run(__start_rump_subsys_late, __stop_rump_subsys_late);
	rump_unschedule();
	if (rv == 0)
		ri_done = 1;
	return rv;
}
