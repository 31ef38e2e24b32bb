/*
 * The lwproc operations and the upcall table as the hypervisor sees it
 * (hp_upcalls is hypercall-posix's copy of what rump_init passed).
 */
#include <errno.h>
#include <string.h>

#include <kern/kmem.h>
#include <kern/lwp.h>
#include <kern/rump.h>

#include "hp.h"
#include "kt.h"

KT_CASE(lwproc_rfork_newlwp_release)
{
	struct kmem_stats before, after;
	struct lwp *lwp0 = curlwp(), *c1, *c2;
	int pid;

	kmem_get_stats(&before);
	KT_CHECK(proc_pid(curproc()) == 0);
	KT_CHECK(rump_lwproc_rfork(0, "client") == 0);
	c1 = curlwp();
	pid = proc_pid(curproc());
	KT_CHECK(c1 != lwp0 && pid >= 1);
	KT_CHECK(strcmp(proc_comm(curproc()), "client") == 0);
	KT_CHECK(curcpu() != NULL);
	KT_CHECK(rump_lwproc_curlwp() == c1);
	KT_CHECK(rump_lwproc_newlwp(pid) == 0);
	c2 = curlwp();
	KT_CHECK(c2 != c1 && proc_pid(curproc()) == pid);
	KT_CHECK(rump_lwproc_newlwp(99999) == ESRCH);
	rump_lwproc_switch(lwp0);
	KT_CHECK(curlwp() == lwp0 && proc_pid(curproc()) == 0);
	rump_lwproc_switch(c1);
	rump_lwproc_releaselwp();		/* c1 gone; temporary lwp */
	KT_CHECK(curlwp() != NULL && rump_lwproc_curlwp() == NULL);
	rump_lwproc_switch(c2);		/* temporary lwp freed */
	KT_CHECK(proc_pid(curproc()) == pid);
	rump_lwproc_releaselwp();		/* last lwp: the process goes */
	rump_lwproc_switch(lwp0);
	KT_CHECK(curcpu() != NULL);
	kmem_get_stats(&after);
	KT_CHECK(after.ks_inuse == before.ks_inuse);
}

KT_CASE(upcalls_as_the_hypervisor_calls_them)
{
	struct lwp *lwp0 = curlwp();
	long rv;
	int pid;

	KT_CHECK(hp_upcalls.hyp_getpid() == 0);
	KT_CHECK(hp_upcalls.hyp_syscall(1, NULL, &rv) == ENOSYS);
	KT_CHECK(hp_upcalls.hyp_lwproc_rfork(NULL, 0, "sp") == 0);
	pid = hp_upcalls.hyp_getpid();
	KT_CHECK(pid >= 1);
	hp_upcalls.hyp_execnotify("renamed");
	KT_CHECK(strcmp(proc_comm(curproc()), "renamed") == 0);
	KT_CHECK(hp_upcalls.hyp_lwproc_curlwp() == curlwp());
	hp_upcalls.hyp_lwpexit();
	hp_upcalls.hyp_lwproc_switch(lwp0);
	KT_CHECK(hp_upcalls.hyp_getpid() == 0 && curlwp() == lwp0);
	KT_CHECK(hp_upcalls.hyp_lwproc_newlwp(pid) == ESRCH);
}
