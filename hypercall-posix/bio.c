/*
 * Asynchronous block I/O: rumpuser_bio queues the request and returns;
 * a pool of BIO_WORKERS host threads (started on first use) performs it
 * with pread/pwrite and calls biodone.
 *
 * biodone runs inside the rump kernel: a worker takes a rump kernel CPU
 * with hyp_schedule() around the call and releases it after. Each worker
 * gets an lwp of its own once, at start (hyp_lwproc_newlwp while
 * scheduled), so that biodone always runs with a current lwp.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "hp.h"

#define BIO_WORKERS 4

struct bio_req {
	int br_fd;
	int br_op;
	void *br_data;
	size_t br_dlen;
	int64_t br_off;
	rump_biodone_fn br_done;
	void *br_donearg;
	struct bio_req *br_next;
};

/* FIFO of requests not yet taken by a worker. */
static pthread_mutex_t bio_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t bio_cv = PTHREAD_COND_INITIALIZER;
static struct bio_req *bio_head, **bio_tailp = &bio_head;
static pthread_once_t bio_once = PTHREAD_ONCE_INIT;

static struct bio_req *
bio_dequeue(void)
{
	struct bio_req *br;

	pthread_mutex_lock(&bio_mtx);
	while (bio_head == NULL)
		pthread_cond_wait(&bio_cv, &bio_mtx);
	br = bio_head;
	bio_head = br->br_next;
	if (bio_head == NULL)
		bio_tailp = &bio_head;
	pthread_mutex_unlock(&bio_mtx);
	return br;
}

static void
bio_enqueue(struct bio_req *br)
{
	br->br_next = NULL;
	pthread_mutex_lock(&bio_mtx);
	*bio_tailp = br;
	bio_tailp = &br->br_next;
	pthread_cond_signal(&bio_cv);
	pthread_mutex_unlock(&bio_mtx);
}

/* Whole transfer, short only at end of file. Returns errno value. */
static int
bio_transfer(struct bio_req *br, size_t *done)
{
	char *p = br->br_data;
	off_t off = (off_t)br->br_off;
	ssize_t n;

	*done = 0;
	while (*done < br->br_dlen) {
		if (br->br_op & RUMPUSER_BIO_WRITE)
			n = pwrite(br->br_fd, p + *done, br->br_dlen - *done,
			    off + (off_t)*done);
		else
			n = pread(br->br_fd, p + *done, br->br_dlen - *done,
			    off + (off_t)*done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return errno;
		if (n == 0)
			break;
		*done += (size_t)n;
	}
	if ((br->br_op & RUMPUSER_BIO_SYNC) && (br->br_op & RUMPUSER_BIO_WRITE))
		if (fdatasync(br->br_fd) == -1)
			return errno;
	return 0;
}

static void
bio_complete(struct bio_req *br, size_t done, int error)
{
	hp_upcalls.hyp_schedule();
	br->br_done(br->br_donearg, done, error);
	hp_upcalls.hyp_unschedule();
}

static void *
bio_worker(void *arg)
{
	struct bio_req *br;
	size_t done;
	int error;

	(void)arg;
	pthread_setname_np(pthread_self(), "rumpuser-bio");
	hp_upcalls.hyp_schedule();
	hp_upcalls.hyp_lwproc_newlwp(0);
	hp_upcalls.hyp_unschedule();
	for (;;) {
		br = bio_dequeue();
		error = bio_transfer(br, &done);
		bio_complete(br, done, error);
		free(br);
	}
	return NULL;
}

static void
bio_start(void)
{
	pthread_attr_t attr;
	pthread_t t;
	int i, rv;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < BIO_WORKERS; i++) {
		if ((rv = pthread_create(&t, &attr, bio_worker, NULL)) != 0)
			hp_fatal("bio worker", rv);
	}
	pthread_attr_destroy(&attr);
}

void
rumpuser_bio(int fd, int op, void *data, size_t dlen, int64_t off,
    rump_biodone_fn biodone, void *donearg)
{
	struct bio_req *br;

	pthread_once(&bio_once, bio_start);
	if ((br = malloc(sizeof(*br))) == NULL) {
		biodone(donearg, 0, ENOMEM);	/* caller is in the kernel */
		return;
	}
	br->br_fd = fd;
	br->br_op = op;
	br->br_data = data;
	br->br_dlen = dlen;
	br->br_off = off;
	br->br_done = biodone;
	br->br_donearg = donearg;
	bio_enqueue(br);
}
