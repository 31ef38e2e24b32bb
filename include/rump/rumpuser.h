/*
 * The rump kernel hypercall interface, rumpuser(3), interface version 17.
 *
 * Written for rumpmetal from the manual page (reference/rumpuser.3) and
 * from the ABI facts in DESIGN.md. Both hypercall-bm/ (bare metal) and
 * hypercall-posix/ (Linux, pthreads) implement every function declared
 * here, and a rump kernel compiled elsewhere against interface 17 links
 * against either: the numeric constants and the upcall structure layout
 * are those that NetBSD's rump kernels are built with.
 *
 * Rules every implementation follows (tests/hypercall checks them):
 * - Every function returning int returns an errno value, 0 on success.
 *   Functions returning void never fail.
 * - A hypercall is entered holding the rump kernel CPU. One that blocks
 *   in the host releases it first with hyp_backend_unschedule() and takes
 *   it back with hyp_backend_schedule() before returning. The *_nowrap
 *   calls and RUMPUSER_MTX_SPIN mutexes never release it.
 *
 * Only freestanding headers are used, so that the kernel side (built with
 * -nostdinc) and the libc side can both include this file. Where NetBSD
 * uses pid_t this header uses int: pid_t is a 32-bit int on every ABI a
 * rump kernel is built for, so the types are the same.
 */
#ifndef RUMP_RUMPUSER_H
#define RUMP_RUMPUSER_H

#include <stddef.h>
#include <stdint.h>

#define RUMPUSER_VERSION 17

struct lwp;		/* the rump kernel's thread; opaque to the hypervisor */
struct modinfo;
struct rump_component;

/*
 * Upcalls: the rump kernel hands these to rumpuser_init(). The order and
 * the 8 spare pointers are ABI (21 pointers, 168 bytes on LP64).
 */
struct rumpuser_hyperup {
	void (*hyp_schedule)(void);
	void (*hyp_unschedule)(void);
	void (*hyp_backend_unschedule)(int nlocks, int *countp,
	    void *interlock);
	void (*hyp_backend_schedule)(int nlocks, void *interlock);
	void (*hyp_lwproc_switch)(struct lwp *l);
	void (*hyp_lwproc_release)(void);
	int (*hyp_lwproc_rfork)(void *priv, int flags, const char *comm);
	int (*hyp_lwproc_newlwp)(int pid);
	struct lwp *(*hyp_lwproc_curlwp)(void);
	int (*hyp_syscall)(int num, void *arg, long *retval);
	void (*hyp_lwpexit)(void);
	void (*hyp_execnotify)(const char *comm);
	int (*hyp_getpid)(void);
	void *hyp__extra[8];
};
_Static_assert(sizeof(struct rumpuser_hyperup) == 21 * sizeof(void *),
    "rumpuser upcall structure: 13 upcalls and 8 spare pointers");

/* The manual page spells the structure tag this way. */
#define rump_hyperup rumpuser_hyperup

/* Fails (nonzero) unless version == RUMPUSER_VERSION. */
int rumpuser_init(int version, const struct rumpuser_hyperup *hyp);

/* Memory. alignment is a power of two (0: no requirement). */
int rumpuser_malloc(size_t len, int alignment, void **memp);
void rumpuser_free(void *mem, size_t len);
int rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec,
    void **memp);
void rumpuser_unmap(void *addr, size_t len);

/* Files and I/O. */
#define RUMPUSER_OPEN_RDONLY 0x0000
#define RUMPUSER_OPEN_WRONLY 0x0001
#define RUMPUSER_OPEN_RDWR 0x0002
#define RUMPUSER_OPEN_ACCMODE 0x0003
#define RUMPUSER_OPEN_CREATE 0x0004
#define RUMPUSER_OPEN_EXCL 0x0008
#define RUMPUSER_OPEN_BIO 0x0010
int rumpuser_open(const char *name, int mode, int *fdp);
int rumpuser_close(int fd);

#define RUMPUSER_FT_OTHER 0
#define RUMPUSER_FT_DIR 1
#define RUMPUSER_FT_REG 2
#define RUMPUSER_FT_BLK 3
#define RUMPUSER_FT_CHR 4
int rumpuser_getfileinfo(const char *name, uint64_t *size, int *type);

#define RUMPUSER_BIO_READ 0x01
#define RUMPUSER_BIO_WRITE 0x02
#define RUMPUSER_BIO_SYNC 0x04
/* Completion: (donearg, bytes transferred, errno value). */
typedef void (*rump_biodone_fn)(void *donearg, size_t done, int error);
void rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off,
    rump_biodone_fn biodone, void *donearg);

struct rumpuser_iovec {
	void *iov_base;
	size_t iov_len;
};
#define RUMPUSER_IOV_NOSEEK -1
int rumpuser_iovread(int fd, struct rumpuser_iovec *ruiov, size_t iovlen,
    int64_t off, size_t *retv);
int rumpuser_iovwrite(int fd, const struct rumpuser_iovec *ruiov,
    size_t iovlen, int64_t off, size_t *retv);

#define RUMPUSER_SYNCFD_READ 0x01
#define RUMPUSER_SYNCFD_WRITE 0x02
#define RUMPUSER_SYNCFD_BOTH (RUMPUSER_SYNCFD_READ | RUMPUSER_SYNCFD_WRITE)
#define RUMPUSER_SYNCFD_BARRIER 0x04
#define RUMPUSER_SYNCFD_SYNC 0x08
int rumpuser_syncfd(int fd, int flags, uint64_t start, uint64_t len);

/* Clocks. The ids are passed as int. */
enum rumpclock { RUMPUSER_CLOCK_RELWALL, RUMPUSER_CLOCK_ABSMONO };
int rumpuser_clock_gettime(int enum_rumpclock, int64_t *sec, long *nsec);
int rumpuser_clock_sleep(int enum_rumpclock, int64_t sec, long nsec);

/* Parameters: a NUL-terminated string into buf. */
#define RUMPUSER_PARAM_NCPU "_RUMPUSER_NCPU"
#define RUMPUSER_PARAM_HOSTNAME "_RUMPUSER_HOSTNAME"
int rumpuser_getparam(const char *name, void *buf, size_t buflen);

/* Errno for rump system call clients, termination, signals. */
void rumpuser_seterrno(int error);
#define RUMPUSER_PID_SELF ((int64_t)-1)
int rumpuser_kill(int64_t pid, int sig);	/* sig: NetBSD numbering */
#define RUMPUSER_PANIC (-1)
__attribute__((__noreturn__)) void rumpuser_exit(int value);

/* Console. */
void rumpuser_putchar(int ch);
void rumpuser_dprintf(const char *fmt, ...)
    __attribute__((__format__(__printf__, 1, 2)));

/* Randomness. Always succeeds unless NOWAIT is given. */
#define RUMPUSER_RANDOM_HARD 0x01
#define RUMPUSER_RANDOM_NOWAIT 0x02
int rumpuser_getrandom(void *buf, size_t buflen, int flags, size_t *retp);

/* Threads. fun never returns: it ends with rumpuser_thread_exit(). */
int rumpuser_thread_create(void *(*fun)(void *), void *arg,
    const char *thrname, int mustjoin, int priority, int cpuidx,
    void **cookie);
__attribute__((__noreturn__)) void rumpuser_thread_exit(void);
int rumpuser_thread_join(void *cookie);

enum rumplwpop {
	RUMPUSER_LWP_CREATE,
	RUMPUSER_LWP_DESTROY,
	RUMPUSER_LWP_SET,
	RUMPUSER_LWP_CLEAR
};
void rumpuser_curlwpop(int enum_rumplwpop, struct lwp *l);
struct lwp *rumpuser_curlwp(void);

/* Mutexes. flags: at least one of these. */
struct rumpuser_mtx;
#define RUMPUSER_MTX_SPIN 0x01
#define RUMPUSER_MTX_KMUTEX 0x02
void rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags);
void rumpuser_mutex_enter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx);
int rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx);
void rumpuser_mutex_exit(struct rumpuser_mtx *mtx);
void rumpuser_mutex_destroy(struct rumpuser_mtx *mtx);
void rumpuser_mutex_owner(struct rumpuser_mtx *mtx, struct lwp **lp);

/* Reader/writer locks. */
struct rumpuser_rw;
enum rumprwlock { RUMPUSER_RW_READER, RUMPUSER_RW_WRITER };
void rumpuser_rw_init(struct rumpuser_rw **rwp);
void rumpuser_rw_enter(int enum_rumprwlock, struct rumpuser_rw *rw);
int rumpuser_rw_tryenter(int enum_rumprwlock, struct rumpuser_rw *rw);
int rumpuser_rw_tryupgrade(struct rumpuser_rw *rw);
void rumpuser_rw_downgrade(struct rumpuser_rw *rw);
void rumpuser_rw_exit(struct rumpuser_rw *rw);
void rumpuser_rw_destroy(struct rumpuser_rw *rw);
void rumpuser_rw_held(int enum_rumprwlock, struct rumpuser_rw *rw,
    int *heldp);

/* Condition variables. timedwait: relative (sec, nsec), ETIMEDOUT. */
struct rumpuser_cv;
void rumpuser_cv_init(struct rumpuser_cv **cvp);
void rumpuser_cv_destroy(struct rumpuser_cv *cv);
void rumpuser_cv_wait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx);
void rumpuser_cv_wait_nowrap(struct rumpuser_cv *cv,
    struct rumpuser_mtx *mtx);
int rumpuser_cv_timedwait(struct rumpuser_cv *cv, struct rumpuser_mtx *mtx,
    int64_t sec, int64_t nsec);
void rumpuser_cv_signal(struct rumpuser_cv *cv);
void rumpuser_cv_broadcast(struct rumpuser_cv *cv);
void rumpuser_cv_has_waiters(struct rumpuser_cv *cv, int *waitersp);

/* Dynamic loading: hands statically linked modules to the kernel. */
typedef void (*rump_modinit_fn)(const struct modinfo *const *mi, size_t n);
typedef int (*rump_symload_fn)(void *symtab, uint64_t symsize,
    char *strtab, uint64_t strsize);
typedef void (*rump_compload_fn)(const struct rump_component *rc);
void rumpuser_dl_bootstrap(rump_modinit_fn modinit, rump_symload_fn symload,
    rump_compload_fn compload);

/* Process management. */
int rumpuser_daemonize_begin(void);
int rumpuser_daemonize_done(int error);

/* Syscall proxy (rump_sp(7)); an implementation may answer ENOSYS. */
int rumpuser_sp_init(const char *url, const char *ostype,
    const char *osrelease, const char *machine);
int rumpuser_sp_copyin(void *client, const void *raddr, void *laddr,
    size_t len);
int rumpuser_sp_copyinstr(void *client, const void *raddr, void *laddr,
    size_t *lenp);
int rumpuser_sp_copyout(void *client, const void *laddr, void *raddr,
    size_t len);
int rumpuser_sp_copyoutstr(void *client, const void *laddr, void *raddr,
    size_t *lenp);
int rumpuser_sp_anonmmap(void *client, size_t len, void **addrp);
int rumpuser_sp_raise(void *client, int sig);
void rumpuser_sp_fini(void *client);

#endif
