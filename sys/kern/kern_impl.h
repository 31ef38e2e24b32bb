/*
 * Internal header of sys/kern: the lwp, proc and cpu structures and the
 * calls between the scheduler, the lwp layer and rump_init. Nothing
 * outside sys/kern includes it.
 *
 * Locking of these structures:
 * - l_cpu, l_flags and l_bound are touched only by the thread the lwp is
 *   bound to (or, before it is bound, by its creator).
 * - proc and lwp lists: kern_lwp_mtx, a SPIN hypercall mutex taken with
 *   enter_nowrap (never releases the CPU, usable without one); nothing
 *   that can block happens while it is held.
 * - the CPU pool: kern_sched_mtx, likewise (see scheduler.c).
 */
#ifndef SYS_KERN_KERN_IMPL_H
#define SYS_KERN_KERN_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include <kern/lwp.h>

#define LWP_MAGIC 0x6c77702aU
#define LWP_NAMELEN 24

#define LW_IMPLICIT 0x01	/* made by rump_schedule; freed by unschedule */
#define LW_SYSTEM 0x02		/* a kernel thread */
#define LW_MUSTJOIN 0x04	/* kthread collected by kthread_join */

struct cpu_info {
	unsigned ci_index;
	struct lwp *ci_curlwp;
	struct cpu_info *ci_next;	/* free list */
};

struct lwp {
	unsigned l_magic;
	int l_lid;
	int l_flags;
	int l_bound;			/* set as some thread's current lwp */
	struct proc *l_proc;
	struct lwp *l_pnext;		/* next lwp of l_proc */
	struct cpu_info *l_cpu;		/* the CPU it holds, or NULL */
	struct cpu_info *l_lastcpu;	/* affinity hint */
	char l_name[LWP_NAMELEN];
	/* kernel threads (kthread.c) */
	void (*l_kfn)(void *);
	void *l_karg;
	void *l_kcookie;		/* rumpuser_thread_join cookie */
};

struct proc {
	int p_pid;
	int p_nlwps;
	struct lwp *p_lwps;
	struct proc *p_next;
	char p_comm[PROC_COMMLEN];
};

extern struct proc proc0;

/* lwp.c */
int lwp_init(void);
/* A new lwp in p (NULL: proc0), not bound to any thread; NULL if no memory. */
struct lwp *lwp_create(struct proc *p, int flags, const char *name);
/* Unlink and free l, and its process if that was its last lwp. */
void lwp_destroy(struct lwp *l);
void lwp_bind(struct lwp *l);		/* curlwpop(SET) */
void lwp_unbind(struct lwp *l);		/* curlwpop(CLEAR) */
struct lwp *lwp_checked(struct lwp *l);	/* panics on a bad magic */

/* scheduler.c */
int rsched_init(unsigned ncpu);
void rsched_take_cpu(struct lwp *l);
void rsched_release_cpu(struct lwp *l);
void rsched_handoff(struct lwp *old, struct lwp *new);
void rsched_backend_unschedule(int nlocks, int *countp, void *interlock);
void rsched_backend_schedule(int nlocks, void *interlock);

/* Subsystem initialization, called by rump_init in this order. */
void klog_init(void);
void callout_subsys_init(void);

/* kmem.c: kmem_alloc with a larger alignment (a power of two). */
void *kmem_alloc_aligned(size_t size, size_t align, int flags);

/* String helpers (fmt.c): bounded copy, always NUL-terminated. */
size_t kstrlcpy(char *dst, const char *src, size_t size);
size_t kstrlen(const char *s);
int kstrcmp(const char *a, const char *b);

#endif
