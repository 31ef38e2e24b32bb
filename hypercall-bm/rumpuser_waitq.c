/*
 * FIFO wait queues for the rumpuser locks and condition variables, on
 * top of the scheduler's prepare/block/wake protocol (bmk/sched.h).
 *
 * Invariant: a waiter is on its queue iff w_woken == 0 and its thread is
 * inside ru_waitq_sleep. Wakers unlink the waiter and set w_woken before
 * calling sched_wake, so a thread that returns from sched_block with
 * w_woken == 0 (deadline, or a wake meant for something else) is still
 * linked and unlinks itself.
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <bmk/sched.h>

#include "rumpuser_impl.h"

void
ru_waitq_init(struct ru_waitq *wq)
{
	wq->wq_head = NULL;
	wq->wq_tail = NULL;
}

int
ru_waitq_empty(const struct ru_waitq *wq)
{
	return wq->wq_head == NULL;
}

static void
append(struct ru_waitq *wq, struct ru_waiter *w)
{
	w->w_next = NULL;
	if (wq->wq_tail != NULL)
		wq->wq_tail->w_next = w;
	else
		wq->wq_head = w;
	wq->wq_tail = w;
}

/* Unlink w, which is on wq. */
static void
unlink_waiter(struct ru_waitq *wq, struct ru_waiter *w)
{
	struct ru_waiter **pp = &wq->wq_head, *prev = NULL;

	while (*pp != w) {
		prev = *pp;
		pp = &(*pp)->w_next;
	}
	*pp = w->w_next;
	if (wq->wq_tail == w)
		wq->wq_tail = prev;
}

int
ru_waitq_sleep(struct ru_waitq *wq, uint64_t deadline_ns)
{
	struct ru_waiter w = {.w_thread = sched_current(), .w_woken = 0};
	int rv = 0;

	append(wq, &w);
	while (!w.w_woken && rv == 0) {
		sched_blockprepare();
		if (deadline_ns != RU_NODEADLINE)
			sched_blockprepare_timeout(deadline_ns);
		rv = sched_block();
	}
	if (w.w_woken)
		return 0;
	unlink_waiter(wq, &w);
	return ETIMEDOUT;
}

void
ru_waitq_wakeone(struct ru_waitq *wq)
{
	struct ru_waiter *w = wq->wq_head;

	if (w == NULL)
		return;
	wq->wq_head = w->w_next;
	if (wq->wq_head == NULL)
		wq->wq_tail = NULL;
	w->w_woken = 1;
	sched_wake(w->w_thread);
}

void
ru_waitq_wakeall(struct ru_waitq *wq)
{
	while (wq->wq_head != NULL)
		ru_waitq_wakeone(wq);
}
