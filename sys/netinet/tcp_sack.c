/*
 * Selective acknowledgments (RFC 2018), offered and used when
 * tcp_do_sack is set and the peer offers them too.
 *
 * As a receiver we report the out-of-order data of the reassembly
 * queue: the block holding the most recently queued segment first, then
 * the others from the highest down, on every ACK without data while a
 * hole exists (at most 3 blocks with timestamps, 4 without). No D-SACK.
 *
 * As a sender we remember up to TCP_SACK_MAX ranges the peer holds above
 * snd_una (the scoreboard) and, during fast recovery, retransmit the
 * holes between them one segment per duplicate ACK (each one says a
 * segment left the network), in order, each once per recovery
 * (t_sack_rxt), before any new data. After a retransmission timeout the
 * scoreboard is forgotten: the receiver may have reneged (RFC 2018 8).
 */
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"
#include "tcp_var.h"

#define TCP_SACK_RANGES 32	/* receiver ranges looked at for blocks */

bool tcp_do_sack = true;

void
tcp_sack_prune(struct tcpcb *tp, bool clear)
{
	unsigned j = 0;

	if (clear) {
		tp->t_nsack = 0;
		return;
	}
	for (unsigned i = 0; i < tp->t_nsack; i++) {
		struct tcp_sackblk b = tp->t_sack[i];

		if (SEQ_LEQ(b.sb_end, tp->snd_una))
			continue;
		if (SEQ_LT(b.sb_start, tp->snd_una))
			b.sb_start = tp->snd_una;
		tp->t_sack[j++] = b;
	}
	tp->t_nsack = j;
}

/* Adds [start, end) to the ascending, disjoint scoreboard, merging what
 * it touches; when full, the highest range is forgotten. */
static void
tcp_sack_add(struct tcpcb *tp, uint32_t start, uint32_t end)
{
	struct tcp_sackblk nb[TCP_SACK_MAX + 1];
	unsigned n = 0;
	bool placed = false;

	for (unsigned i = 0; i < tp->t_nsack; i++) {
		struct tcp_sackblk b = tp->t_sack[i];

		if (SEQ_LT(b.sb_end, start)) {
			nb[n++] = b;
		} else if (SEQ_GT(b.sb_start, end)) {
			if (!placed) {
				nb[n++] = (struct tcp_sackblk){start, end};
				placed = true;
			}
			nb[n++] = b;
		} else {
			start = SEQ_MIN(start, b.sb_start);
			end = SEQ_MAX(end, b.sb_end);
		}
	}
	if (!placed)
		nb[n++] = (struct tcp_sackblk){start, end};
	if (n > TCP_SACK_MAX)
		n = TCP_SACK_MAX;
	memcpy(tp->t_sack, nb, n * sizeof(nb[0]));
	tp->t_nsack = n;
}

void
tcp_sack_update(struct tcpcb *tp, const struct tcp_seg *s)
{
	if ((tp->t_flags & TF_SACK_PERMIT) == 0)
		return;
	for (unsigned i = 0; i < s->ts_opt.to_nsack; i++) {
		uint32_t start = s->ts_opt.to_sack[i].sb_start;
		uint32_t end = s->ts_opt.to_sack[i].sb_end;

		/* nonsense and what lies below snd_una (D-SACK) is ignored */
		if (!SEQ_LT(start, end) || SEQ_LEQ(end, tp->snd_una) ||
		    SEQ_GT(end, tp->snd_max))
			continue;
		if (SEQ_LT(start, tp->snd_una))
			start = tp->snd_una;
		tcp_sack_add(tp, start, end);
	}
}

bool
tcp_sack_rexmit(struct tcpcb *tp)
{
	uint32_t seq = SEQ_MAX(tp->t_sack_rxt, tp->snd_una), len;

	for (unsigned i = 0; i < tp->t_nsack; i++) {
		const struct tcp_sackblk *b = &tp->t_sack[i];

		if (SEQ_LEQ(b->sb_end, seq))
			continue;
		if (SEQ_LEQ(b->sb_start, seq)) {
			seq = b->sb_end;	/* held by the peer: skip */
			continue;
		}
		len = b->sb_start - seq;
		if (len > tp->t_maxseg)
			len = tp->t_maxseg;
		tcp_output_range(tp, seq, len);
		tp->t_sack_rxt = seq + len;
		return true;
	}
	return false;
}

/* The reassembly queue as merged ranges, ascending; returns how many
 * (the lowest ones when there are more than max). */
static unsigned
tcp_sack_ranges(const struct tcpcb *tp, struct tcp_sackblk *r, unsigned max)
{
	unsigned n = 0;

	for (const struct tcp_reass *q = tp->t_reass; q != NULL;
	    q = q->tr_next) {
		if (n > 0 && r[n - 1].sb_end == q->tr_seq) {
			r[n - 1].sb_end += q->tr_len;
			continue;
		}
		if (n == max)
			break;
		r[n].sb_start = q->tr_seq;
		r[n].sb_end = q->tr_seq + q->tr_len;
		n++;
	}
	return n;
}

unsigned
tcp_sack_blocks(const struct tcpcb *tp, struct tcp_sackblk *b, unsigned max)
{
	struct tcp_sackblk r[TCP_SACK_RANGES];
	unsigned n = tcp_sack_ranges(tp, r, TCP_SACK_RANGES), out = 0;
	int first = -1;

	for (unsigned i = 0; i < n; i++)
		if (SEQ_GEQ(tp->t_sack_last, r[i].sb_start) &&
		    SEQ_LT(tp->t_sack_last, r[i].sb_end))
			first = (int)i;
	if (first >= 0 && out < max)
		b[out++] = r[first];
	for (int i = (int)n - 1; i >= 0 && out < max; i--)
		if (i != first)
			b[out++] = r[i];
	return out;
}
