/*
 * Threads and processes of the rump kernel, and its virtual CPUs.
 *
 * Every thread running kernel code has an lwp, bound to the host thread
 * with rumpuser_curlwpop(SET), and holds one of the rump kernel's
 * virtual CPUs. An lwp belongs to a process: proc0 ("system", pid 0)
 * holds kernel threads and the lwps made for host threads that enter the
 * kernel (rump_schedule); processes with pids from 1 up are made by
 * rump_lwproc_rfork, for clients. The types are opaque.
 *
 * The lwproc calls switch the calling thread between lwps; the caller
 * holds a CPU and keeps it across the switch. They back the hyp_lwproc_*
 * upcalls of the hypercall contract.
 */
#ifndef KERN_LWP_H
#define KERN_LWP_H

#include <stdbool.h>

struct lwp;
struct proc;
struct cpu_info;

#define PROC_COMMLEN 24

struct lwp *curlwp(void);		/* NULL outside the kernel */
struct proc *curproc(void);
struct cpu_info *curcpu(void);		/* NULL if not scheduled */
unsigned cpu_index(const struct cpu_info *ci);

int lwp_lid(const struct lwp *l);
const char *lwp_name(const struct lwp *l);
struct proc *lwp_proc(const struct lwp *l);
int proc_pid(const struct proc *p);
const char *proc_comm(const struct proc *p);
void proc_setcomm(struct proc *p, const char *comm);

/* New process named comm (NULL: curproc's name), one lwp; switch to it. */
int rump_lwproc_rfork(int flags, const char *comm);
/* New lwp in process pid; switch to it. ESRCH if there is no such pid. */
int rump_lwproc_newlwp(int pid);
/* Make l (not bound to any other thread) the calling thread's lwp. */
void rump_lwproc_switch(struct lwp *l);
/* Drop the calling thread's lwp; it goes on with a temporary one. */
void rump_lwproc_releaselwp(void);
struct lwp *rump_lwproc_curlwp(void);

#endif
