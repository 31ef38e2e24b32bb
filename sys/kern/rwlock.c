/*
 * Reader/writer locks: a thin layer over the rumpuser rwlock hypercalls
 * (which release the rump kernel CPU while waiting). The hypervisor
 * knows the writer; readers are only counted, so the checks on exit are
 * "held by me exclusively, or by someone shared".
 */
#include <stdbool.h>

#include <rump/rumpuser.h>

#include <kern/kassert.h>
#include <kern/lwp.h>
#include <kern/rwlock.h>

static int
hyp_op(krw_t op)
{
	KASSERT(op == RW_READER || op == RW_WRITER);
	return op == RW_WRITER ? RUMPUSER_RW_WRITER : RUMPUSER_RW_READER;
}

void
rw_init(krwlock_t *rw)
{
	rumpuser_rw_init(&rw->rw_hyp);
}

void
rw_destroy(krwlock_t *rw)
{
	KASSERT(!rw_lock_held(rw));
	rumpuser_rw_destroy(rw->rw_hyp);
	rw->rw_hyp = 0;
}

void
rw_enter(krwlock_t *rw, krw_t op)
{
	KASSERT(curcpu() != NULL);
	KASSERT(!rw_write_held(rw));
	rumpuser_rw_enter(hyp_op(op), rw->rw_hyp);
}

bool
rw_tryenter(krwlock_t *rw, krw_t op)
{
	return rumpuser_rw_tryenter(hyp_op(op), rw->rw_hyp) == 0;
}

void
rw_exit(krwlock_t *rw)
{
	KASSERT(rw_lock_held(rw));
	rumpuser_rw_exit(rw->rw_hyp);
}

bool
rw_tryupgrade(krwlock_t *rw)
{
	KASSERT(rw_read_held(rw));
	return rumpuser_rw_tryupgrade(rw->rw_hyp) == 0;
}

void
rw_downgrade(krwlock_t *rw)
{
	KASSERT(rw_write_held(rw));
	rumpuser_rw_downgrade(rw->rw_hyp);
}

bool
rw_write_held(krwlock_t *rw)
{
	int held;

	rumpuser_rw_held(RUMPUSER_RW_WRITER, rw->rw_hyp, &held);
	return held != 0;
}

bool
rw_read_held(krwlock_t *rw)
{
	int held;

	rumpuser_rw_held(RUMPUSER_RW_READER, rw->rw_hyp, &held);
	return held != 0;
}

bool
rw_lock_held(krwlock_t *rw)
{
	return rw_write_held(rw) || rw_read_held(rw);
}
