/*
 * TCP receive data (RFC 9293 3.10.7.4, seventh and eighth checks): bytes
 * in order go to the socket's receive queue, bytes beyond a hole wait in
 * a reassembly queue (ascending, overlaps trimmed, at most
 * TCP_REASS_MAXSEGS segments; all of it inside the window we offered),
 * the FIN is taken once everything before it arrived, and ACKs are
 * delayed (every second full segment, or tcp_delack_ms) except after
 * out-of-order data, holes filled and FINs, which are acknowledged at
 * once (RFC 5681 4.2, RFC 1122 4.2.3.2).
 *
 * Data arriving for a socket the application already closed resets the
 * connection (RFC 1122 4.2.2.13).
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <kern/kmem.h>
#include <net/netif.h>
#include <net/socket.h>
#include <netinet/inet.h>

#include "in_var.h"
#include "tcp_var.h"

void
tcp_reass_flush(struct tcpcb *tp)
{
	struct tcp_reass *r;

	while ((r = tp->t_reass) != NULL) {
		tp->t_reass = r->tr_next;
		m_freem(r->tr_m);
		kmem_free(r, sizeof(*r));
	}
	tp->t_reass_n = 0;
	tp->t_rcvfin = false;
}

/* In-order bytes to the application; returns how many were taken (all
 * of them, unless memory ran out). */
static unsigned
tcp_deliver(struct tcpcb *tp, struct mbuf *m, unsigned len)
{
	struct socket *so = tp->t_so;

	if (len == 0) {
		m_freem(m);
		return 0;
	}
	tcpstat.tcps_rcvbyte += len;
	if (so == NULL || (so->so_state & SS_CANTRCVMORE) != 0) {
		m_freem(m);	/* shut down for reading: dropped, acked */
		return len;
	}
	return sb_append_stream(so, m);
}

/* The peer's FIN is in order. */
static void
tcp_fin(struct tcpcb *tp)
{
	tp->t_rcvfin = false;
	tp->rcv_nxt++;
	tp->t_flags |= TF_ACKNOW;
	if (tp->t_so != NULL)
		so_cantrcvmore(tp->t_so);
	switch (tp->t_state) {
	case TCPS_ESTABLISHED:
		tcp_set_state(tp, TCPS_CLOSE_WAIT);
		break;
	case TCPS_FIN_WAIT_1:
		tcp_set_state(tp, TCPS_CLOSING);
		break;
	case TCPS_FIN_WAIT_2:
		tcp_set_state(tp, TCPS_TIME_WAIT);
		for (int i = 0; i < TCPT_NTIMERS; i++)
			tcp_timer_clear(tp, i);
		tcp_timer_set(tp, TCPT_2MSL, 2 * tcp_msl_ms * INET_NS_PER_MS);
		if (tp->t_so != NULL)
			so_isdisconnected(tp->t_so);
		break;
	default:
		break;
	}
}

/* A private copy of m (len bytes at seq) goes into the queue at *pp: a
 * driver's receive buffer is not held while the hole waits. */
static void
tcp_reass_link(struct tcpcb *tp, struct ifnet *ifp, struct tcp_reass **pp,
    uint32_t seq, uint32_t len, struct mbuf *m)
{
	struct tcp_reass *n = NULL;
	struct mbuf *c;

	if (tp->t_reass_n < TCP_REASS_MAXSEGS)
		n = kmem_alloc(sizeof(*n), KM_NOSLEEP);
	if (n == NULL || (c = m_dup(m, M_NOWAIT)) == NULL) {
		if (n != NULL)
			kmem_free(n, sizeof(*n));
		if_stat_add(ifp, IFS_TCP_RCVDROP, 1);
		m_freem(m);
		return;
	}
	m_freem(m);
	n->tr_seq = seq;
	n->tr_len = len;
	n->tr_m = c;
	n->tr_next = *pp;
	*pp = n;
	tp->t_reass_n++;
	tcpstat.tcps_rcvoopack++;
}

/* Queues an out-of-order segment; consumes m. A FIN is remembered
 * apart (t_rcvfin): it is taken when rcv_nxt reaches it. */
static void
tcp_reass_insert(struct tcpcb *tp, struct tcp_seg *s, struct mbuf *m)
{
	uint32_t seq = s->ts_seq, len = s->ts_len, end, d;
	struct tcp_reass **pp = &tp->t_reass, *r;

	if ((s->ts_flags & TH_FIN) != 0) {
		tp->t_rcvfin = true;
		tp->t_rcvfin_seq = seq + len;
	}
	/* past the segments wholly before us; trim our front against the
	 * one that overlaps it */
	while ((r = *pp) != NULL && SEQ_LEQ(r->tr_seq + r->tr_len, seq))
		pp = &r->tr_next;
	if (r != NULL && SEQ_LT(r->tr_seq, seq)) {
		d = r->tr_seq + r->tr_len - seq;
		d = d > len ? len : d;
		m_adj(m, (int)d);
		seq += d;
		len -= d;
		pp = &r->tr_next;
	}
	end = seq + len;
	/* later segments we cover go; the one we run into cuts our tail */
	while (len > 0 && (r = *pp) != NULL &&
	    SEQ_LEQ(r->tr_seq + r->tr_len, end)) {
		*pp = r->tr_next;
		m_freem(r->tr_m);
		kmem_free(r, sizeof(*r));
		tp->t_reass_n--;
	}
	if (len > 0 && r != NULL && SEQ_LT(r->tr_seq, end)) {
		d = end - r->tr_seq;
		m_adj(m, -(int)d);
		len -= d;
	}
	if (len == 0) {
		m_freem(m);
		return;
	}
	tp->t_sack_last = seq;
	tcp_reass_link(tp, s->ts_ifp, pp, seq, len, m);
}

/* Moves what the reassembly queue now holds in order to the socket;
 * true if the FIN is in order now. */
static bool
tcp_reass_pull(struct tcpcb *tp)
{
	struct tcp_reass *r;
	unsigned got, len;

	while ((r = tp->t_reass) != NULL && SEQ_LEQ(r->tr_seq, tp->rcv_nxt)) {
		tp->t_reass = r->tr_next;
		tp->t_reass_n--;
		len = r->tr_len;
		if (SEQ_LT(r->tr_seq, tp->rcv_nxt)) {
			uint32_t d = tp->rcv_nxt - r->tr_seq;

			d = d > len ? len : d;
			m_adj(r->tr_m, (int)d);
			len -= d;
		}
		got = tcp_deliver(tp, r->tr_m, len);
		tp->rcv_nxt += got;
		kmem_free(r, sizeof(*r));
		if (got < len)
			return false;
	}
	return tp->t_reass == NULL && tp->t_rcvfin &&
	    tp->rcv_nxt == tp->t_rcvfin_seq;
}

static void
tcp_delay_ack(struct tcpcb *tp, unsigned len)
{
	if (len >= tp->t_maxseg)
		tp->t_unacked_segs++;
	if (tp->t_unacked_segs >= 2 && !tcp_ackd_defer(tp)) {
		tp->t_flags |= TF_ACKNOW;
		return;
	}
	tp->t_flags |= TF_DELACKED;
	if (tp->t_timer[TCPT_DELACK] == 0)
		tcp_timer_set(tp, TCPT_DELACK, tcp_delack_ms * INET_NS_PER_MS);
}

bool
tcp_data(struct tcpcb *tp, struct tcp_seg *s, struct mbuf *m)
{
	bool fin = (s->ts_flags & TH_FIN) != 0;
	unsigned got;

	if (tp->t_state != TCPS_ESTABLISHED &&
	    tp->t_state != TCPS_FIN_WAIT_1 && tp->t_state != TCPS_FIN_WAIT_2) {
		m_freem(m);	/* after the peer's FIN: nothing can come */
		return false;
	}
	if (s->ts_len == 0 && !fin) {
		m_freem(m);
		return false;
	}
	if (tp->t_so == NULL && s->ts_len > 0) {
		m_freem(m);
		tcpstat.tcps_rcvafterclose++;
		tcp_drop(tp, 0);
		return true;
	}
	if (s->ts_seq != tp->rcv_nxt || tp->t_reass != NULL || tp->t_rcvfin) {
		tcp_reass_insert(tp, s, m);
		tp->t_flags |= TF_ACKNOW;
		if (tcp_reass_pull(tp))
			tcp_fin(tp);
		return false;
	}
	got = tcp_deliver(tp, m, s->ts_len);
	tp->rcv_nxt += got;
	if (got < s->ts_len) {
		if_stat_add(s->ts_ifp, IFS_TCP_RCVDROP, 1);
		tp->t_flags |= TF_ACKNOW;
		return false;
	}
	if (fin)
		tcp_fin(tp);
	else if (got > 0)
		tcp_delay_ack(tp, got);
	return false;
}
