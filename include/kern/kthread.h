/*
 * Kernel threads: a host thread (rumpuser_thread_create) with its own
 * lwp in proc0, running fn(arg) with a rump kernel CPU. Returning from
 * fn is the same as kthread_exit(). A KTHREAD_MUSTJOIN thread stays
 * until kthread_join() collects it, which also frees its lwp; any other
 * thread cleans up after itself.
 */
#ifndef KERN_KTHREAD_H
#define KERN_KTHREAD_H

struct lwp;

#define KTHREAD_MUSTJOIN 0x01

/*
 * *lp (may be NULL unless MUSTJOIN) receives the new lwp. A thread
 * that is not MUSTJOIN may have exited and freed it by the time
 * kthread_create returns: only a joinable lwp may be used afterwards.
 */
int kthread_create(void (*fn)(void *), void *arg, const char *name,
    int flags, struct lwp **lp);
__attribute__((__noreturn__)) void kthread_exit(void);
int kthread_join(struct lwp *l);

#endif
