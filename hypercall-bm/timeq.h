/*
 * Deadline queue for the scheduler: entries sorted by deadline, entries
 * with equal deadlines in insertion order. Embedded in the owning
 * structure (no allocation, so queueing can never fail).
 */
#ifndef BM_TIMEQ_H
#define BM_TIMEQ_H

#include <stdbool.h>
#include <stdint.h>

struct timeq_entry {
	uint64_t te_deadline;
	struct timeq_entry *te_next;
	struct timeq_entry *te_prev;
	bool te_queued;
};

struct timeq {
	struct timeq_entry *tq_head;	/* earliest deadline */
	struct timeq_entry *tq_tail;	/* latest deadline */
};

void timeq_init(struct timeq *tq);
void timeq_insert(struct timeq *tq, struct timeq_entry *te, uint64_t deadline);
void timeq_remove(struct timeq *tq, struct timeq_entry *te);
/* Earliest entry, or NULL when empty. */
struct timeq_entry *timeq_first(const struct timeq *tq);
/* Earliest deadline, or UINT64_MAX when empty. */
uint64_t timeq_next_deadline(const struct timeq *tq);

#endif
