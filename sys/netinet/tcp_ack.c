/*
 * TCP ACK processing in synchronized states (RFC 9293 3.10.7.4, fifth
 * check): the acceptable range of RFC 5961 section 5, freeing
 * acknowledged bytes, RTT samples (timestamps of RFC 7323 or one timed
 * segment, Karn's rule), the send window update, congestion control
 * (RFC 5681 slow start and congestion avoidance, limited transmit of
 * RFC 3042, NewReno fast retransmit and recovery of RFC 6582), and the
 * state changes when our FIN is acknowledged.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <net/socket.h>
#include <netinet/inet.h>

#include "in_var.h"
#include "tcp_var.h"

#define TCP_DUPTHRESH 3
#define TCP_CWND_MAX 0x3fffffffu

void
tcp_cc_init(struct tcpcb *tp)
{
	uint32_t mss = tp->t_maxseg;

	/* RFC 5681 3.1: IW */
	if (mss > 2190)
		tp->snd_cwnd = 2 * mss;
	else if (mss > 1095)
		tp->snd_cwnd = 3 * mss;
	else
		tp->snd_cwnd = 4 * mss;
	tp->snd_ssthresh = TCP_CWND_MAX;
	/* RFC 6582: the initial send sequence number, one before snd_una
	 * here (the SYN is acknowledged), so that the loss of the first
	 * data segment can start fast retransmit */
	tp->snd_recover = tp->snd_una - 1;
	tp->t_dupacks = 0;
}

void
tcp_update_window(struct tcpcb *tp, const struct tcp_seg *s)
{
	if (!(SEQ_LT(tp->snd_wl1, s->ts_seq) || (tp->snd_wl1 == s->ts_seq &&
	    SEQ_LEQ(tp->snd_wl2, s->ts_ack))))
		return;
	tp->snd_wnd = s->ts_win << tp->snd_scale;
	tp->snd_wl1 = s->ts_seq;
	tp->snd_wl2 = s->ts_ack;
	if (tp->snd_wnd > tp->max_sndwnd)
		tp->max_sndwnd = tp->snd_wnd;
	if (tp->snd_wnd > 0) {
		tp->t_persistshift = 0;
		if (tp->t_timer[TCPT_PERSIST] != 0) {
			tcp_timer_clear(tp, TCPT_PERSIST);
			tp->t_rxtshift = 0;
		}
	}
}

/* Removes n acknowledged bytes from the front of the send queue. */
static void
tcp_sbdrop(struct sockbuf *sb, uint32_t n)
{
	struct mbuf *m = sb->sb_head;

	KASSERT(n <= sb->sb_cc);
	sb->sb_cc -= n;
	while (m != NULL && n >= m->m_len) {
		n -= m->m_len;
		m = m_free(m);
	}
	if (m != NULL && n > 0) {
		m->m_data += n;
		m->m_len -= n;
	}
	sb->sb_head = m;
	if (m == NULL)
		sb->sb_tail = NULL;
}

/*
 * Duplicate ACKs that start fast retransmit: three, or with fewer than
 * four segments out and nothing more to send, one less than are out
 * (early retransmit, RFC 5827): a short flight cannot produce three.
 */
static unsigned
tcp_dupthresh(const struct tcpcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una, mss = tp->t_maxseg;
	uint32_t oseg = (flight + mss - 1) / mss;
	if (oseg >= 2 && oseg < 4 && !tcp_unsent_fits(tp))
		return oseg - 1;
	return TCP_DUPTHRESH;
}

/* The third duplicate ACK and those after it (RFC 6582 3.2). */
static void
tcp_dupack(struct tcpcb *tp, const struct tcp_seg *s)
{
	uint32_t mss = tp->t_maxseg, flight, onxt;
	unsigned thresh = tcp_dupthresh(tp);

	if (++tp->t_dupacks < thresh) {
		/* limited transmit (RFC 3042): a new segment per duplicate,
		 * at most two beyond cwnd, to keep duplicates coming */
		if ((tp->t_flags & TF_INRECOVERY) == 0 &&
		    tp->snd_nxt == tp->snd_max) {
			uint32_t ocwnd = tp->snd_cwnd;

			tp->snd_cwnd += tp->t_dupacks * mss;
			tcp_output(tp);
			tp->snd_cwnd = ocwnd;
		}
		return;
	}
	if ((tp->t_flags & TF_INRECOVERY) != 0) {
		/* a segment left: a hole goes again, or cwnd inflates */
		if (!tcp_sack_rexmit(tp))
			tp->snd_cwnd += mss;
		return;
	}
	if (tp->t_dupacks != thresh || !SEQ_GT(s->ts_ack, tp->snd_recover))
		return;
	flight = tp->snd_max - tp->snd_una;
	tp->snd_ssthresh = flight / 2 > 2 * mss ? flight / 2 : 2 * mss;
	tp->snd_recover = tp->snd_max;
	tp->t_flags |= TF_INRECOVERY;
	tp->t_flags &= ~TF_RTTING;
	tcpstat.tcps_fastrexmt++;
	onxt = tp->snd_nxt;
	tp->snd_nxt = tp->snd_una;
	tp->snd_cwnd = mss;
	tcp_timer_clear(tp, TCPT_REXMT);
	tcp_output(tp);
	tp->snd_cwnd = tp->snd_ssthresh + thresh * mss;
	tp->t_sack_rxt = tp->snd_nxt;
	if (SEQ_GT(onxt, tp->snd_nxt))
		tp->snd_nxt = onxt;
}

/* New data acknowledged: cwnd (RFC 5681, RFC 6582 3.2 steps 3-4). */
static void
tcp_cc_ack(struct tcpcb *tp, uint32_t ack, uint32_t acked)
{
	uint32_t mss = tp->t_maxseg, flight, onxt, incr;

	if ((tp->t_flags & TF_INRECOVERY) != 0) {
		if (SEQ_GEQ(ack, tp->snd_recover)) {
			flight = tp->snd_max - ack;
			incr = (flight > mss ? flight : mss) + mss;
			tp->snd_cwnd = incr < tp->snd_ssthresh ? incr :
			    tp->snd_ssthresh;
			tp->t_flags &= ~TF_INRECOVERY;
			tp->t_dupacks = 0;
			return;
		}
		/* partial ACK: the next hole goes at once; cwnd deflates
		 * by what was acknowledged, plus a segment (RFC 6582) */
		incr = tp->snd_cwnd;
		if (tp->t_nsack > 0) {
			/* the scoreboard says where the holes are */
			if (SEQ_LT(tp->t_sack_rxt, ack))
				tp->t_sack_rxt = ack;
			(void)tcp_sack_rexmit(tp);
		} else {
			onxt = tp->snd_nxt;
			tp->snd_nxt = ack;
			tp->snd_cwnd = mss;
			tcp_output(tp);
			if (SEQ_GT(onxt, tp->snd_nxt))
				tp->snd_nxt = onxt;
		}
		tp->snd_cwnd = incr > acked ? incr - acked : mss;
		if (acked >= mss)
			tp->snd_cwnd += mss;
		return;
	}
	tp->t_dupacks = 0;
	if (tp->snd_cwnd < tp->snd_ssthresh)
		incr = acked < mss ? acked : mss;
	else
		incr = mss * mss / tp->snd_cwnd > 0 ? mss * mss / tp->snd_cwnd :
		    1;
	if (tp->snd_cwnd + incr < TCP_CWND_MAX)
		tp->snd_cwnd += incr;
}

/* RTT sample from the ACK of new data. */
static void
tcp_ack_rtt(struct tcpcb *tp, const struct tcp_seg *s)
{
	uint32_t now, sent;

	if ((tp->t_flags & TF_RCVD_TSTMP) != 0 && s->ts_opt.to_ts_ok &&
	    s->ts_opt.to_tsecr != 0) {
		now = tcp_ts_now() + tp->ts_offset;
		sent = s->ts_opt.to_tsecr;
		if (SEQ_GEQ(now, sent) && now - sent < 3600u * 1000u)
			tcp_rtt_sample(tp, (uint64_t)(now - sent) * 1000u);
	} else if ((tp->t_flags & TF_RTTING) != 0 &&
	    SEQ_GT(s->ts_ack, tp->t_rtseq)) {
		tcp_rtt_sample(tp, (inet_now_ns() - tp->t_rtstart_ns) / 1000u);
		tp->t_flags &= ~TF_RTTING;
	}
}

/* Our FIN was acknowledged; true if the block closed. */
static bool
tcp_fin_acked(struct tcpcb *tp)
{
	switch (tp->t_state) {
	case TCPS_FIN_WAIT_1:
		tcp_set_state(tp, TCPS_FIN_WAIT_2);
		if (tp->t_so == NULL)
			tcp_timer_set(tp, TCPT_2MSL,
			    TCP_FIN2_TIMEOUT_MS * INET_NS_PER_MS);
		return false;
	case TCPS_CLOSING:
		tcp_set_state(tp, TCPS_TIME_WAIT);
		for (int i = 0; i < TCPT_NTIMERS; i++)
			tcp_timer_clear(tp, i);
		tcp_timer_set(tp, TCPT_2MSL, 2 * tcp_msl_ms * INET_NS_PER_MS);
		if (tp->t_so != NULL)
			so_isdisconnected(tp->t_so);
		return false;
	case TCPS_LAST_ACK:
		if (tp->t_so != NULL)
			so_isdisconnected(tp->t_so);
		tcp_close(tp);
		return true;
	default:
		return false;
	}
}

/* New data (and maybe our FIN) acknowledged up to s->ts_ack. */
static bool
tcp_ack_new(struct tcpcb *tp, const struct tcp_seg *s, bool *closed)
{
	uint32_t acked = s->ts_ack - tp->snd_una, bytes;
	bool finacked = false;

	tcp_ack_rtt(tp, s);
	tp->t_rxtshift = 0;
	if (s->ts_ack == tp->snd_max)
		tcp_timer_clear(tp, TCPT_REXMT);
	else
		tcp_rexmt_arm(tp);
	bytes = acked;
	if (bytes > tp->t_snd->sb_cc) {
		bytes = tp->t_snd->sb_cc;
		finacked = (tp->t_flags & TF_SENTFIN) != 0;
	}
	tcp_sbdrop(tp->t_snd, bytes);
	if (tp->t_so != NULL)
		so_wakeup(tp->t_so);
	tp->snd_una = s->ts_ack;
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	tcp_sack_prune(tp, false);
	tcp_update_window(tp, s);
	tcp_cc_ack(tp, s->ts_ack, acked);
	if (finacked && tcp_fin_acked(tp)) {
		*closed = true;
		return false;
	}
	return true;
}

bool
tcp_ack(struct tcpcb *tp, struct tcp_seg *s, bool *closed)
{
	uint32_t ack = s->ts_ack;

	if (SEQ_GT(ack, tp->snd_max)) {
		if_stat_add(s->ts_ifp, IFS_TCP_BADACK, 1);
		tp->t_flags |= TF_ACKNOW;
		return false;
	}
	if (SEQ_LT(ack, tp->snd_una - tp->max_sndwnd)) {
		/* RFC 5961 5.2: older than anything we could have sent */
		if_stat_add(s->ts_ifp, IFS_TCP_BADACK, 1);
		if (tcp_challenge_ok())
			tp->t_flags |= TF_ACKNOW;
		return false;
	}
	tcp_sack_update(tp, s);
	if (SEQ_GT(ack, tp->snd_una))
		return tcp_ack_new(tp, s, closed);
	if (ack == tp->snd_una && s->ts_len == 0 &&
	    (s->ts_flags & TH_FIN) == 0 && tp->snd_max != tp->snd_una &&
	    (s->ts_win << tp->snd_scale) == tp->snd_wnd) {
		tcp_dupack(tp, s);
		return true;
	}
	/* not a duplicate: data, a window change, or an old ACK */
	if (ack == tp->snd_una) {
		tcp_update_window(tp, s);
		tp->t_dupacks = 0;
	}
	return true;
}
