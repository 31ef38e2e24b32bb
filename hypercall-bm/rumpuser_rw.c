/*
 * Reader/writer locks on two wait queues, with the semantics of
 * hypercall-posix (so that "held", upgrade and downgrade are exact):
 *	rw_readers  number of shared holders
 *	rw_wheld    1 if held exclusively, then rw_writer is the holder's lwp
 *	rw_wwait    writers waiting; while nonzero new readers wait too, so
 *	            writers are not starved
 * Invariant: rw_wheld == 0 || rw_readers == 0.
 *
 * rumpuser_rw_enter tries first and releases the rump kernel CPU only if
 * it has to wait (exactly once). rw_held(READER) says "someone holds it
 * shared" (readers are not tracked one by one); rw_held(WRITER) says
 * "the calling lwp holds it exclusively". tryupgrade succeeds only for
 * the sole reader.
 */
#include <stddef.h>

#include <bmk/errno.h>
#include <bmk/memalloc.h>
#include <bmk/platform.h>

#include "bm_assert.h"
#include "rumpuser_impl.h"

struct rumpuser_rw {
	int rw_readers;
	int rw_wheld;
	int rw_wwait;
	struct lwp *rw_writer;
	struct ru_waitq rw_rq;	/* readers wait here */
	struct ru_waitq rw_wq;	/* writers wait here */
};

void
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw;

	if ((rw = memalloc_zero(sizeof(*rw), 0)) == NULL)
		plat_halt("rumpuser_rw_init: out of memory");
	ru_waitq_init(&rw->rw_rq);
	ru_waitq_init(&rw->rw_wq);
	*rwp = rw;
}

void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	bm_assert(!rw->rw_wheld && rw->rw_readers == 0);
	memfree(rw);
}

/* Take the lock if it is free for this kind of holder. */
static int
grab(int writer, struct rumpuser_rw *rw)
{
	if (writer) {
		if (rw->rw_wheld || rw->rw_readers > 0)
			return 0;
		rw->rw_wheld = 1;
		rw->rw_writer = rumpuser_curlwp();
		return 1;
	}
	if (rw->rw_wheld || rw->rw_wwait > 0)
		return 0;
	rw->rw_readers++;
	return 1;
}

int
rumpuser_rw_tryenter(int enum_rumprwlock, struct rumpuser_rw *rw)
{
	return grab(enum_rumprwlock == RUMPUSER_RW_WRITER, rw) ? 0 : EBUSY;
}

static void
wait_reader(struct rumpuser_rw *rw)
{
	while (!grab(0, rw))
		ru_waitq_sleep(&rw->rw_rq, RU_NODEADLINE);
}

static void
wait_writer(struct rumpuser_rw *rw)
{
	rw->rw_wwait++;
	while (rw->rw_wheld || rw->rw_readers > 0)
		ru_waitq_sleep(&rw->rw_wq, RU_NODEADLINE);
	rw->rw_wwait--;
	grab(1, rw);
}

void
rumpuser_rw_enter(int enum_rumprwlock, struct rumpuser_rw *rw)
{
	int writer = enum_rumprwlock == RUMPUSER_RW_WRITER, nlocks;

	if (grab(writer, rw))
		return;
	ru_cpu_release(&nlocks, NULL);
	if (writer)
		wait_writer(rw);
	else
		wait_reader(rw);
	ru_cpu_take(nlocks, NULL);
}

/* Wake whoever may go next. */
static void
wake_next(struct rumpuser_rw *rw)
{
	if (rw->rw_wheld)
		return;
	if (rw->rw_wwait > 0) {
		if (rw->rw_readers == 0)
			ru_waitq_wakeone(&rw->rw_wq);
		return;
	}
	ru_waitq_wakeall(&rw->rw_rq);
}

void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	if (rw->rw_wheld) {
		rw->rw_wheld = 0;
		rw->rw_writer = NULL;
	} else {
		bm_assert(rw->rw_readers > 0);
		rw->rw_readers--;
	}
	wake_next(rw);
}

/* Sole reader becomes the writer without letting anyone in between. */
int
rumpuser_rw_tryupgrade(struct rumpuser_rw *rw)
{
	if (rw->rw_wheld || rw->rw_readers != 1)
		return EBUSY;
	rw->rw_readers = 0;
	rw->rw_wheld = 1;
	rw->rw_writer = rumpuser_curlwp();
	return 0;
}

void
rumpuser_rw_downgrade(struct rumpuser_rw *rw)
{
	bm_assert(rw->rw_wheld);
	rw->rw_wheld = 0;
	rw->rw_writer = NULL;
	rw->rw_readers = 1;
	wake_next(rw);
}

void
rumpuser_rw_held(int enum_rumprwlock, struct rumpuser_rw *rw, int *heldp)
{
	if (enum_rumprwlock == RUMPUSER_RW_WRITER)
		*heldp = rw->rw_wheld && rw->rw_writer == rumpuser_curlwp();
	else
		*heldp = rw->rw_readers > 0;
}
