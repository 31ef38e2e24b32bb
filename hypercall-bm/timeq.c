/*
 * Deadline queue: a doubly linked list sorted by deadline.
 *
 * Insertion walks backwards from the tail, past every entry with a later
 * deadline. Timeouts are nearly always "now + something", so new entries
 * usually belong at or near the tail and insertion is close to O(1);
 * removing the earliest entry or a given entry is O(1).
 *
 * Invariant: for consecutive entries a, b: a->te_deadline <= b->te_deadline,
 * and among equal deadlines the earlier-inserted entry comes first.
 * The caller provides the locking (the scheduler disables interrupts).
 */
#include <stddef.h>

#include "bm_assert.h"
#include "timeq.h"

void
timeq_init(struct timeq *tq)
{
	tq->tq_head = tq->tq_tail = NULL;
}

void
timeq_insert(struct timeq *tq, struct timeq_entry *te, uint64_t deadline)
{
	struct timeq_entry *after = tq->tq_tail;

	bm_assert(!te->te_queued);
	while (after != NULL && after->te_deadline > deadline)
		after = after->te_prev;
	te->te_deadline = deadline;
	te->te_prev = after;
	te->te_next = (after != NULL) ? after->te_next : tq->tq_head;
	if (te->te_next != NULL)
		te->te_next->te_prev = te;
	else
		tq->tq_tail = te;
	if (after != NULL)
		after->te_next = te;
	else
		tq->tq_head = te;
	te->te_queued = true;
}

void
timeq_remove(struct timeq *tq, struct timeq_entry *te)
{
	bm_assert(te->te_queued);
	if (te->te_prev != NULL)
		te->te_prev->te_next = te->te_next;
	else
		tq->tq_head = te->te_next;
	if (te->te_next != NULL)
		te->te_next->te_prev = te->te_prev;
	else
		tq->tq_tail = te->te_prev;
	te->te_next = te->te_prev = NULL;
	te->te_queued = false;
}

struct timeq_entry *
timeq_first(const struct timeq *tq)
{
	return tq->tq_head;
}

uint64_t
timeq_next_deadline(const struct timeq *tq)
{
	return tq->tq_head != NULL ? tq->tq_head->te_deadline : UINT64_MAX;
}
