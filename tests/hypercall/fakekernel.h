/*
 * A test rump "kernel": just enough of one to drive the hypercalls the
 * way a real rump kernel does, and to check that they keep the rules of
 * the hypercall contract. Written against rump/rumpuser.h only.
 *
 * Model:
 * - fk_ncpu rump kernel CPUs (default 1), a counting resource built from
 *   rumpuser mutex/cv *_nowrap calls, as a real rump kernel's scheduler
 *   is. A thread runs kernel code only while it holds one.
 * - Every thread in the kernel has an lwp (struct lwp, defined here),
 *   bound with rumpuser_curlwpop(SET). The lwp counts the upcalls made on
 *   its behalf and knows whether it holds a CPU.
 * - A "big lock" count per lwp: backend_unschedule hands it out through
 *   *countp and backend_schedule gives it back, so a test can check that
 *   the hypervisor passes nlocks through unchanged.
 * Violations (schedule while holding a CPU, unschedule without one, an
 * upcall a hypervisor must not make, ...) are counted; the harness fails
 * a case during which the count grew.
 *
 * With one CPU, a hypercall that blocks in the host while holding the CPU
 * deadlocks the test. A thread that waits 5 s for a CPU reports that as a
 * violation and over-commits the CPU, so the case fails instead of hanging
 * (runners still use a timeout for what this cannot untangle).
 */
#ifndef TESTS_HYPERCALL_FAKEKERNEL_H
#define TESTS_HYPERCALL_FAKEKERNEL_H

#include <rump/rumpuser.h>

struct fk_counts {
	unsigned fc_bunsched;	/* hyp_backend_unschedule calls */
	unsigned fc_bsched;	/* hyp_backend_schedule calls */
	unsigned fc_hsched;	/* hyp_schedule calls */
	unsigned fc_hunsched;	/* hyp_unschedule calls */
};

/* rumpuser_init(17), then bind the calling thread and give it a CPU. */
int fk_init(void);
const struct rumpuser_hyperup *fk_upcalls(void);

/* Upcall counts of the calling thread's lwp. */
void fk_counts_get(struct fk_counts *fc);
/* backend unschedule/schedule pairs since *before; -1 if unbalanced. */
int fk_pairs_since(const struct fk_counts *before);

int fk_have_cpu(void);
/* Only while no other test thread is alive. */
void fk_set_ncpu(int ncpu);
void fk_set_biglocks(int n);
int fk_biglocks(void);

/* Violations so far and the message of the last one. */
unsigned fk_errors(const char **last);
/* Give the calling thread back a CPU if a broken hypercall lost it. */
void fk_repair(void);

/*
 * A kernel thread: fn runs with its own lwp and a CPU, as rump kernel
 * threads do. cookie is set when mustjoin; join with rumpuser_thread_join.
 */
int fk_thread_create(void (*fn)(void *), void *arg, const char *name,
    int mustjoin, void **cookie);

#endif
