/*
 * Bounded packet queues (struct mbuf_queue): a FIFO of packets linked by
 * m_nextpkt. The queue has no lock of its own; its owner guards it.
 * Invariant: mq_len counts the packets from mq_head to mq_tail, and
 * mq_len <= mq_maxlen.
 */
#include <stddef.h>

#include <net/mbuf.h>

void
mq_init(struct mbuf_queue *q, unsigned maxlen)
{
	q->mq_head = NULL;
	q->mq_tail = NULL;
	q->mq_len = 0;
	q->mq_maxlen = maxlen;
	q->mq_drops = 0;
}

bool
mq_enqueue(struct mbuf_queue *q, struct mbuf *m)
{
	if (q->mq_len >= q->mq_maxlen) {
		q->mq_drops++;
		m_freem(m);
		return false;
	}
	m->m_nextpkt = NULL;
	if (q->mq_tail != NULL)
		q->mq_tail->m_nextpkt = m;
	else
		q->mq_head = m;
	q->mq_tail = m;
	q->mq_len++;
	return true;
}

struct mbuf *
mq_dequeue(struct mbuf_queue *q)
{
	struct mbuf *m = q->mq_head;

	if (m == NULL)
		return NULL;
	q->mq_head = m->m_nextpkt;
	if (q->mq_head == NULL)
		q->mq_tail = NULL;
	m->m_nextpkt = NULL;
	q->mq_len--;
	return m;
}

void
mq_purge(struct mbuf_queue *q)
{
	struct mbuf *m = q->mq_head;

	q->mq_head = NULL;
	q->mq_tail = NULL;
	q->mq_len = 0;
	m_freem_list(m);
}
