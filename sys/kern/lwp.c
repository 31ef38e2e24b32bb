/*
 * lwps and processes, and the lwproc operations behind the
 * hyp_lwproc_* upcalls.
 *
 * proc0 (pid 0, "system") always exists and holds kernel threads, lwp0
 * and temporary lwps; other processes exist while they have lwps. The
 * process list and every process's lwp list are under kern_lwp_mtx, a
 * SPIN hypercall mutex taken with enter_nowrap: these functions work
 * with or without a CPU, and nothing blocks while it is held.
 *
 * An lwp is bound to at most one thread (l_bound) and is destroyed only
 * unbound and without a CPU.
 */
#include <errno.h>
#include <stddef.h>

#include <rump/rumpuser.h>

#include <kern/kassert.h>
#include <kern/kmem.h>
#include <kern/lwp.h>

#include "kern_impl.h"

struct proc proc0;
static struct proc *allproc = &proc0;
static struct rumpuser_mtx *kern_lwp_mtx;
static int next_lid = 1;
static int next_pid = 1;

int
lwp_init(void)
{
	rumpuser_mutex_init(&kern_lwp_mtx, RUMPUSER_MTX_SPIN);
	proc0.p_pid = 0;
	kstrlcpy(proc0.p_comm, "system", sizeof(proc0.p_comm));
	return 0;
}

struct lwp *
lwp_checked(struct lwp *l)
{
	KASSERT(l != NULL && l->l_magic == LWP_MAGIC);
	return l;
}

struct lwp *
curlwp(void)
{
	return rumpuser_curlwp();
}

struct proc *
curproc(void)
{
	struct lwp *l = curlwp();

	return l != NULL ? l->l_proc : NULL;
}

struct cpu_info *
curcpu(void)
{
	struct lwp *l = curlwp();

	return l != NULL ? l->l_cpu : NULL;
}

unsigned
cpu_index(const struct cpu_info *ci)
{
	return ci->ci_index;
}

int
lwp_lid(const struct lwp *l)
{
	return l->l_lid;
}

const char *
lwp_name(const struct lwp *l)
{
	return l->l_name;
}

struct proc *
lwp_proc(const struct lwp *l)
{
	return l->l_proc;
}

int
proc_pid(const struct proc *p)
{
	return p->p_pid;
}

const char *
proc_comm(const struct proc *p)
{
	return p->p_comm;
}

static struct lwp *
lwp_alloc(int flags, const char *name)
{
	struct lwp *l;

	if ((l = kmem_zalloc(sizeof(*l), KM_NOSLEEP)) == NULL)
		return NULL;
	l->l_magic = LWP_MAGIC;
	l->l_flags = flags;
	kstrlcpy(l->l_name, name, sizeof(l->l_name));
	return l;
}

/* Put l into p; kern_lwp_mtx held. */
static void
lwp_link(struct lwp *l, struct proc *p)
{
	l->l_lid = next_lid++;
	l->l_proc = p;
	l->l_pnext = p->p_lwps;
	p->p_lwps = l;
	p->p_nlwps++;
}

struct lwp *
lwp_create(struct proc *p, int flags, const char *name)
{
	struct lwp *l;

	if ((l = lwp_alloc(flags, name)) == NULL)
		return NULL;
	rumpuser_mutex_enter_nowrap(kern_lwp_mtx);
	lwp_link(l, p != NULL ? p : &proc0);
	rumpuser_mutex_exit(kern_lwp_mtx);
	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, l);
	return l;
}

/* Unlink p from allproc if l was its last lwp; kern_lwp_mtx held. */
static struct proc *
lwp_unlink(struct lwp *l)
{
	struct proc *p = l->l_proc, **pp;
	struct lwp **lp = &p->p_lwps;

	while (*lp != l)
		lp = &(*lp)->l_pnext;
	*lp = l->l_pnext;
	if (--p->p_nlwps > 0 || p == &proc0)
		return NULL;
	for (pp = &allproc; *pp != p; pp = &(*pp)->p_next)
		continue;
	*pp = p->p_next;
	return p;
}

void
lwp_destroy(struct lwp *l)
{
	struct proc *dead;

	lwp_checked(l);
	KASSERT(!l->l_bound && l->l_cpu == NULL);
	rumpuser_mutex_enter_nowrap(kern_lwp_mtx);
	dead = lwp_unlink(l);
	rumpuser_mutex_exit(kern_lwp_mtx);
	rumpuser_curlwpop(RUMPUSER_LWP_DESTROY, l);
	l->l_magic = 0;
	kmem_free(l, sizeof(*l));
	if (dead != NULL)
		kmem_free(dead, sizeof(*dead));
}

void
lwp_bind(struct lwp *l)
{
	KASSERT(!l->l_bound && curlwp() == NULL);
	l->l_bound = 1;
	rumpuser_curlwpop(RUMPUSER_LWP_SET, l);
}

void
lwp_unbind(struct lwp *l)
{
	KASSERT(l->l_bound && curlwp() == l);
	rumpuser_curlwpop(RUMPUSER_LWP_CLEAR, l);
	l->l_bound = 0;
}

/*
 * Make l the calling thread's lwp; the CPU goes with the thread. The old
 * lwp stays in its process, unbound, unless it was temporary.
 */
void
rump_lwproc_switch(struct lwp *l)
{
	struct lwp *old = lwp_checked(curlwp());

	lwp_checked(l);
	if (l == old)
		return;
	KASSERT(!l->l_bound && old->l_cpu != NULL);
	rsched_handoff(old, l);
	lwp_unbind(old);
	lwp_bind(l);
	if ((old->l_flags & LW_IMPLICIT) != 0)
		lwp_destroy(old);
}

int
rump_lwproc_newlwp(int pid)
{
	struct proc *p;
	struct lwp *l;

	if ((l = lwp_alloc(0, "lwp")) == NULL)
		return ENOMEM;
	rumpuser_mutex_enter_nowrap(kern_lwp_mtx);
	for (p = allproc; p != NULL && p->p_pid != pid; p = p->p_next)
		continue;
	if (p != NULL)
		lwp_link(l, p);
	rumpuser_mutex_exit(kern_lwp_mtx);
	if (p == NULL) {
		kmem_free(l, sizeof(*l));
		return ESRCH;
	}
	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, l);
	rump_lwproc_switch(l);
	return 0;
}

/* flags (descriptor table sharing) mean nothing yet: no descriptors. */
int
rump_lwproc_rfork(int flags, const char *comm)
{
	struct proc *p, *parent = curproc();
	struct lwp *l;

	(void)flags;
	if ((p = kmem_zalloc(sizeof(*p), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	if ((l = lwp_alloc(0, "lwp")) == NULL) {
		kmem_free(p, sizeof(*p));
		return ENOMEM;
	}
	if (comm == NULL)
		comm = parent != NULL ? parent->p_comm : "rump";
	kstrlcpy(p->p_comm, comm, sizeof(p->p_comm));
	rumpuser_mutex_enter_nowrap(kern_lwp_mtx);
	p->p_pid = next_pid++;
	p->p_next = allproc;
	allproc = p;
	lwp_link(l, p);
	rumpuser_mutex_exit(kern_lwp_mtx);
	rumpuser_curlwpop(RUMPUSER_LWP_CREATE, l);
	rump_lwproc_switch(l);
	return 0;
}

/* The thread goes on with a temporary lwp; the old one is destroyed. */
void
rump_lwproc_releaselwp(void)
{
	struct lwp *old = lwp_checked(curlwp()), *tmp;

	KASSERT((old->l_flags & (LW_IMPLICIT | LW_SYSTEM)) == 0);
	if ((tmp = lwp_create(&proc0, LW_IMPLICIT, "implicit")) == NULL)
		panic("rump_lwproc_releaselwp: no memory for an lwp");
	rump_lwproc_switch(tmp);
	lwp_destroy(old);
}

struct lwp *
rump_lwproc_curlwp(void)
{
	struct lwp *l = curlwp();

	return l != NULL && (l->l_flags & LW_IMPLICIT) == 0 ? l : NULL;
}

void
proc_setcomm(struct proc *p, const char *comm)
{
	rumpuser_mutex_enter_nowrap(kern_lwp_mtx);
	kstrlcpy(p->p_comm, comm, sizeof(p->p_comm));
	rumpuser_mutex_exit(kern_lwp_mtx);
}
