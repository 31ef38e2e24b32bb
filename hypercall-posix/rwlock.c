/*
 * Reader/writer locks built from one pthread mutex and two condition
 * variables, so that "held", upgrade and downgrade are exact.
 *
 * State, all under rw_mtx (a short host lock, never held while blocked):
 *	rw_readers  number of shared holders
 *	rw_wheld    1 if held exclusively, then rw_writer is the holder's lwp
 *	rw_wwait    writers waiting; while nonzero new readers wait too, so
 *	            writers are not starved
 * Invariant: rw_wheld == 0 || rw_readers == 0.
 *
 * rumpuser_rw_enter tries first and releases the rump kernel CPU only if
 * it has to wait. rw_held(READER) says "someone holds it shared" (readers
 * are not tracked one by one); rw_held(WRITER) says "the calling lwp
 * holds it exclusively".
 */
#include <errno.h>
#include <stdlib.h>

#include "hp.h"

struct rumpuser_rw {
	pthread_mutex_t rw_mtx;
	pthread_cond_t rw_rcv;	/* readers wait here */
	pthread_cond_t rw_wcv;	/* writers wait here */
	int rw_readers;
	int rw_wheld;
	int rw_wwait;
	struct lwp *rw_writer;
};

void
rumpuser_rw_init(struct rumpuser_rw **rwp)
{
	struct rumpuser_rw *rw;

	if ((rw = calloc(1, sizeof(*rw))) == NULL)
		hp_fatal("rw_init", ENOMEM);
	if (pthread_mutex_init(&rw->rw_mtx, NULL) != 0 ||
	    pthread_cond_init(&rw->rw_rcv, NULL) != 0 ||
	    pthread_cond_init(&rw->rw_wcv, NULL) != 0)
		hp_fatal("rw_init", EAGAIN);
	*rwp = rw;
}

void
rumpuser_rw_destroy(struct rumpuser_rw *rw)
{
	pthread_cond_destroy(&rw->rw_wcv);
	pthread_cond_destroy(&rw->rw_rcv);
	pthread_mutex_destroy(&rw->rw_mtx);
	free(rw);
}

static void
rw_lock(struct rumpuser_rw *rw)
{
	int rv = pthread_mutex_lock(&rw->rw_mtx);

	if (rv != 0)
		hp_fatal("pthread_mutex_lock", rv);
}

static void
rw_unlock(struct rumpuser_rw *rw)
{
	int rv = pthread_mutex_unlock(&rw->rw_mtx);

	if (rv != 0)
		hp_fatal("pthread_mutex_unlock", rv);
}

/* Take the lock if it is free for this kind of holder; rw_mtx held. */
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
	int ok;

	rw_lock(rw);
	ok = grab(enum_rumprwlock == RUMPUSER_RW_WRITER, rw);
	rw_unlock(rw);
	return ok ? 0 : EBUSY;
}

/* Block in the host until the lock is ours; rw_mtx held. */
static void
wait_reader(struct rumpuser_rw *rw)
{
	while (!grab(0, rw))
		pthread_cond_wait(&rw->rw_rcv, &rw->rw_mtx);
}

static void
wait_writer(struct rumpuser_rw *rw)
{
	rw->rw_wwait++;
	while (rw->rw_wheld || rw->rw_readers > 0)
		pthread_cond_wait(&rw->rw_wcv, &rw->rw_mtx);
	rw->rw_wwait--;
	grab(1, rw);
}

void
rumpuser_rw_enter(int enum_rumprwlock, struct rumpuser_rw *rw)
{
	int nlocks;

	if (rumpuser_rw_tryenter(enum_rumprwlock, rw) == 0)
		return;
	hp_cpu_release(&nlocks, NULL);
	rw_lock(rw);
	if (enum_rumprwlock == RUMPUSER_RW_WRITER)
		wait_writer(rw);
	else
		wait_reader(rw);
	rw_unlock(rw);
	hp_cpu_take(nlocks, NULL);
}

/* Wake whoever may go next; rw_mtx held. */
static void
wake_next(struct rumpuser_rw *rw)
{
	if (rw->rw_wheld)
		return;
	if (rw->rw_wwait > 0) {
		if (rw->rw_readers == 0)
			pthread_cond_signal(&rw->rw_wcv);
		return;
	}
	pthread_cond_broadcast(&rw->rw_rcv);
}

void
rumpuser_rw_exit(struct rumpuser_rw *rw)
{
	rw_lock(rw);
	if (rw->rw_wheld) {
		rw->rw_wheld = 0;
		rw->rw_writer = NULL;
	} else {
		rw->rw_readers--;
	}
	wake_next(rw);
	rw_unlock(rw);
}

/* Sole reader becomes the writer without letting anyone in between. */
int
rumpuser_rw_tryupgrade(struct rumpuser_rw *rw)
{
	int rv = EBUSY;

	rw_lock(rw);
	if (!rw->rw_wheld && rw->rw_readers == 1) {
		rw->rw_readers = 0;
		rw->rw_wheld = 1;
		rw->rw_writer = rumpuser_curlwp();
		rv = 0;
	}
	rw_unlock(rw);
	return rv;
}

void
rumpuser_rw_downgrade(struct rumpuser_rw *rw)
{
	rw_lock(rw);
	rw->rw_wheld = 0;
	rw->rw_writer = NULL;
	rw->rw_readers = 1;
	wake_next(rw);
	rw_unlock(rw);
}

void
rumpuser_rw_held(int enum_rumprwlock, struct rumpuser_rw *rw, int *heldp)
{
	rw_lock(rw);
	if (enum_rumprwlock == RUMPUSER_RW_WRITER)
		*heldp = rw->rw_wheld && rw->rw_writer == rumpuser_curlwp();
	else
		*heldp = rw->rw_readers > 0;
	rw_unlock(rw);
}
