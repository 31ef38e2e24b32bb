/*
 * TCP input (RFC 9293 section 3.10.7): header, checksum, option and
 * flag checks; demultiplexing to a connection or a listener; the LISTEN
 * and SYN_SENT states; and, for synchronized states, the sequence number
 * check and trimming, RST and SYN handling with the challenge ACKs of
 * RFC 5961, and PAWS (RFC 7323). ACK processing and congestion control
 * are in tcp_ack.c, data and FIN in tcp_reass.c.
 *
 * What is dropped and counted (enum if_stat): a short header or bad
 * data offset, a segment to a broadcast or multicast address (BADHDR);
 * a bad checksum (BADSUM; not checked when the device verified it, or
 * for virtio's "partial sum, data valid" from the host itself); a
 * malformed option: length 0 or 1, running
 * past the header, wrong length for its kind (BADOPT); SYN with FIN or
 * RST, or none of SYN, RST and ACK (BADFLAGS); out of window or failing
 * PAWS (BADSEQ); acknowledging what we never sent (BADACK). Segments for
 * no connection and no listener are answered with a reset (never a reset
 * for a reset) and counted as NOPORT.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <net/socket.h>
#include <netinet/inet.h>

#include "in_var.h"
#include "tcp_var.h"

#define TCP_PAWS_IDLE_NS (24ull * 24 * 3600 * INET_NS_PER_S)

static void
tcp_drop_seg(struct ifnet *ifp, struct mbuf *m, enum if_stat why)
{
	if (ifp != NULL)
		if_stat_add(ifp, why, 1);
	if (why != IFS_TCP_BADSEQ && why != IFS_TCP_BADACK)
		tcpstat.tcps_rcvbad++;
	m_freem(m);
}

/* One option of kind p[0] and length olen (>= 2, within the header). */
static int
tcp_parse_one(const uint8_t *p, unsigned olen, bool syn, struct tcp_opts *to)
{
	switch (p[0]) {
	case TCPOPT_MAXSEG:
		if (olen != TCPOLEN_MAXSEG)
			return EINVAL;
		to->to_mss_ok = syn;
		to->to_mss = (uint16_t)(p[2] << 8 | p[3]);
		return 0;
	case TCPOPT_WINDOW:
		if (olen != TCPOLEN_WINDOW)
			return EINVAL;
		to->to_ws_ok = syn;
		to->to_ws = p[2] > TCP_MAX_WINSHIFT ? TCP_MAX_WINSHIFT : p[2];
		return 0;
	case TCPOPT_SACK_PERMITTED:
		if (olen != TCPOLEN_SACK_PERMITTED)
			return EINVAL;
		to->to_sackok = syn;
		return 0;
	case TCPOPT_SACK:
		if ((olen - 2) % 8 != 0)
			return EINVAL;
		for (unsigned i = 2; i + 8 <= olen && to->to_nsack < 4;
		    i += 8) {
			struct tcp_sackblk *b = &to->to_sack[to->to_nsack++];

			b->sb_start = (uint32_t)p[i] << 24 |
			    (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 |
			    p[i + 3];
			b->sb_end = (uint32_t)p[i + 4] << 24 |
			    (uint32_t)p[i + 5] << 16 | (uint32_t)p[i + 6] << 8 |
			    p[i + 7];
		}
		return 0;
	case TCPOPT_TIMESTAMP:
		if (olen != TCPOLEN_TIMESTAMP)
			return EINVAL;
		to->to_ts_ok = true;
		to->to_tsval = (uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 |
		    (uint32_t)p[4] << 8 | p[5];
		to->to_tsecr = (uint32_t)p[6] << 24 | (uint32_t)p[7] << 16 |
		    (uint32_t)p[8] << 8 | p[9];
		return 0;
	default:
		return 0;	/* unknown kinds are skipped */
	}
}

int
tcp_parse_options(const uint8_t *p, unsigned len, bool syn,
    struct tcp_opts *to)
{
	unsigned i = 0, olen;

	memset(to, 0, sizeof(*to));
	while (i < len && p[i] != TCPOPT_EOL) {
		if (p[i] == TCPOPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= len)
			return EINVAL;
		olen = p[i + 1];
		if (olen < 2 || i + olen > len ||
		    tcp_parse_one(p + i, olen, syn, to) != 0)
			return EINVAL;
		i += olen;
	}
	return 0;
}

static bool
tcp_flags_bad(uint8_t f)
{
	if ((f & TH_SYN) != 0 && (f & (TH_FIN | TH_RST)) != 0)
		return true;
	return (f & (TH_SYN | TH_RST | TH_ACK)) == 0;
}

/* The checks of the header comment; fills s and leaves only the data
 * in the returned chain. NULL: dropped and counted. */
static struct mbuf *
tcp_check(struct ifnet *ifp, struct mbuf *m, unsigned hlen, struct tcp_seg *s)
{
	const struct ip_hdr *ip = mtod(m, const struct ip_hdr *);
	const struct tcp_hdr *th;
	unsigned plen = m->m_pkthdr.len - hlen, off;
	in_addr_t src = ip->ip_src, dst = ip->ip_dst;

	if (plen < sizeof(*th) || (m->m_flags & (M_BCAST | M_MCAST)) != 0 ||
	    IN_MULTICAST_N(dst) || in_broadcast(dst, ifp) || src == 0) {
		tcp_drop_seg(ifp, m, IFS_TCP_BADHDR);
		return NULL;
	}
	if ((m = m_pullup(m, hlen + sizeof(*th))) == NULL)
		goto nomem;
	th = (const struct tcp_hdr *)(mtod(m, const uint8_t *) + hlen);
	off = (unsigned)(th->th_off >> 4) * 4;
	if (off < sizeof(*th) || off > plen) {
		tcp_drop_seg(ifp, m, IFS_TCP_BADHDR);
		return NULL;
	}
	if ((m->m_pkthdr.csum_flags & M_CSUM_BAD) != 0 ||
	    ((m->m_pkthdr.csum_flags & (M_CSUM_DATA_OK | M_CSUM_PARTIAL)) ==
	    0 && in4_cksum(m, IPPROTO_TCP, src, dst, hlen, plen) != 0)) {
		tcp_drop_seg(ifp, m, IFS_TCP_BADSUM);
		return NULL;
	}
	if ((m = m_pullup(m, hlen + off)) == NULL)
		goto nomem;
	th = (const struct tcp_hdr *)(mtod(m, const uint8_t *) + hlen);
	if (tcp_flags_bad(th->th_flags)) {
		tcp_drop_seg(ifp, m, IFS_TCP_BADFLAGS);
		return NULL;
	}
	if (tcp_parse_options((const uint8_t *)(th + 1), off - sizeof(*th),
	    (th->th_flags & TH_SYN) != 0, &s->ts_opt) != 0) {
		tcp_drop_seg(ifp, m, IFS_TCP_BADOPT);
		return NULL;
	}
	s->ts_ifp = ifp;
	s->ts_src = src;
	s->ts_dst = dst;
	s->ts_sport = th->th_sport;
	s->ts_dport = th->th_dport;
	s->ts_seq = net_ntohl(th->th_seq);
	s->ts_ack = net_ntohl(th->th_ack);
	s->ts_win = net_ntohs(th->th_win);
	s->ts_flags = th->th_flags;
	s->ts_len = plen - off;
	m_adj(m, (int)(hlen + off));
	return m;
nomem:
	if_stat_add(ifp, IFS_IQDROPS, 1);
	return NULL;
}

/* The reset that answers s (RFC 9293 3.10.7.1); none for a reset. */
static void
tcp_reset_for(const struct tcp_seg *s)
{
	unsigned seglen = s->ts_len + ((s->ts_flags & TH_SYN) != 0) +
	    ((s->ts_flags & TH_FIN) != 0);

	if ((s->ts_flags & TH_RST) != 0)
		return;
	if ((s->ts_flags & TH_ACK) != 0)
		tcp_respond(s->ts_dst, s->ts_dport, s->ts_src, s->ts_sport,
		    s->ts_ack, 0, TH_RST);
	else
		tcp_respond(s->ts_dst, s->ts_dport, s->ts_src, s->ts_sport,
		    0, s->ts_seq + seglen, TH_RST | TH_ACK);
}

void
tcp_syn_options(struct tcpcb *tp, const struct tcp_opts *to)
{
	unsigned ours = tcp_mss_for(tp->t_faddr), mss;

	if (to->to_ws_ok && (tp->t_flags & TF_REQ_SCALE) != 0) {
		tp->t_flags |= TF_RCVD_SCALE;
		tp->snd_scale = to->to_ws;
		tp->rcv_scale = TCP_RCV_WSCALE;
	} else {
		tp->t_flags &= ~(TF_REQ_SCALE | TF_RCVD_SCALE);
		tp->snd_scale = tp->rcv_scale = 0;
	}
	if (to->to_ts_ok && (tp->t_flags & TF_REQ_TSTMP) != 0) {
		tp->t_flags |= TF_RCVD_TSTMP;
		tp->ts_recent = to->to_tsval;
		tp->ts_recent_ns = inet_now_ns();
	} else {
		tp->t_flags &= ~(TF_REQ_TSTMP | TF_RCVD_TSTMP);
	}
	if (to->to_sackok && (tp->t_flags & TF_REQ_SACK) != 0)
		tp->t_flags |= TF_SACK_PERMIT;
	else
		tp->t_flags &= ~(TF_REQ_SACK | TF_SACK_PERMIT);
	tp->t_peermss = to->to_mss_ok ? to->to_mss : TCP_DEFAULT_MSS;
	if (tp->t_peermss < TCP_MIN_MSS)
		tp->t_peermss = TCP_MIN_MSS;
	mss = tp->t_peermss < ours ? tp->t_peermss : ours;
	if ((tp->t_flags & TF_RCVD_TSTMP) != 0)
		mss -= TCPOLEN_TIMESTAMP + 2;
	tp->t_maxseg = mss < TCP_MIN_MSS ? TCP_MIN_MSS : mss;
}

/* ---- LISTEN ------------------------------------------------------------- */

/* Room on the incomplete queue: the oldest embryonic connection goes
 * (a SYN flood cannot grow memory, established connections are apart).
 * false if the SYN must be dropped. */
static bool
tcp_listen_room(struct ifnet *ifp, struct socket *head)
{
	if (head->so_qlen >= head->so_qlimit) {
		if_stat_add(ifp, IFS_TCP_SYNDROP, 1);
		tcpstat.tcps_syndrop++;
		return false;
	}
	if (head->so_q0len >= so_q0limit(head) && head->so_q0 != NULL) {
		if_stat_add(ifp, IFS_TCP_SYNDROP, 1);
		tcpstat.tcps_syndrop++;
		tcpstat.tcps_conndrops++;
		tcp_close(sototcpcb(head->so_q0));
	}
	return true;
}

static void
tcp_input_listen(struct tcpcb *lp, struct tcp_seg *s, struct mbuf *m)
{
	struct socket *so;
	struct tcpcb *tp;

	m_freem(m);	/* data on a SYN is not taken: the peer resends */
	if ((s->ts_flags & TH_RST) != 0)
		return;
	if ((s->ts_flags & TH_ACK) != 0) {
		if_stat_add(s->ts_ifp, IFS_TCP_NOPORT, 1);
		tcp_reset_for(s);
		return;
	}
	if ((s->ts_flags & TH_SYN) == 0 || lp->t_so == NULL) {
		if_stat_add(s->ts_ifp, IFS_TCP_BADFLAGS, 1);
		return;
	}
	if (!tcp_listen_room(s->ts_ifp, lp->t_so))
		return;
	if ((so = so_newconn(lp->t_so)) == NULL) {
		if_stat_add(s->ts_ifp, IFS_TCP_SYNDROP, 1);
		tcpstat.tcps_syndrop++;
		return;
	}
	tp = sototcpcb(so);
	tp->t_laddr = s->ts_dst;
	tp->t_lport = s->ts_dport;
	tp->t_faddr = s->ts_src;
	tp->t_fport = s->ts_sport;
	tp->t_flags |= TF_PASSIVE | TF_REQ_SCALE | TF_REQ_TSTMP |
	    (tcp_do_sack ? TF_REQ_SACK : 0) |
	    (lp->t_flags & (TF_NODELAY | TF_KEEPALIVE));
	tp->t_keepidle_ms = lp->t_keepidle_ms;
	tp->t_keepintvl_ms = lp->t_keepintvl_ms;
	tp->t_keepcnt = lp->t_keepcnt;
	tcp_hash_insert(tp);
	tcp_syn_options(tp, &s->ts_opt);
	tp->irs = s->ts_seq;
	tp->rcv_nxt = tp->rcv_adv = s->ts_seq + 1;
	tp->iss = tcp_new_isn(tp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->snd_wnd = s->ts_win;
	tp->snd_wl1 = s->ts_seq;
	tp->ts_offset = inet_random();
	tcp_set_state(tp, TCPS_SYN_RECEIVED);
	tcpstat.tcps_synrcvd++;
	tcp_timer_set(tp, TCPT_KEEP, tcp_connect_timeout_ms * INET_NS_PER_MS);
	tcp_output(tp);
}

/* ---- SYN_SENT ----------------------------------------------------------- */

static void
tcp_input_synsent(struct tcpcb *tp, struct tcp_seg *s, struct mbuf *m)
{
	bool ackok = (s->ts_flags & TH_ACK) != 0 &&
	    SEQ_GT(s->ts_ack, tp->iss) && SEQ_LEQ(s->ts_ack, tp->snd_max);

	m_freem(m);	/* data on a SYN is not taken: the peer resends */
	if ((s->ts_flags & TH_ACK) != 0 && !ackok) {
		if_stat_add(s->ts_ifp, IFS_TCP_BADACK, 1);
		tcp_reset_for(s);
		return;
	}
	if ((s->ts_flags & TH_RST) != 0) {
		if (ackok)
			tcp_drop(tp, ECONNREFUSED);
		return;
	}
	if ((s->ts_flags & TH_SYN) == 0)
		return;
	tcp_syn_options(tp, &s->ts_opt);
	tp->irs = s->ts_seq;
	tp->rcv_nxt = tp->rcv_adv = s->ts_seq + 1;
	tp->snd_wnd = s->ts_win;	/* never scaled in a SYN */
	tp->max_sndwnd = tp->snd_wnd;
	tp->snd_wl1 = s->ts_seq;
	tp->snd_wl2 = s->ts_ack;
	tp->t_flags |= TF_ACKNOW;
	tcp_timer_clear(tp, TCPT_REXMT);
	if (ackok) {
		if ((tp->t_flags & TF_RTTING) != 0 && tp->t_rxtshift == 0)
			tcp_rtt_sample(tp, (inet_now_ns() - tp->t_rtstart_ns) /
			    1000u);
		tp->t_flags &= ~TF_RTTING;
		tp->snd_una = s->ts_ack;
		if (SEQ_LT(tp->snd_nxt, tp->snd_una))
			tp->snd_nxt = tp->snd_una;
		tp->t_rxtshift = 0;
		tcp_cc_init(tp);
		tcp_established(tp);
	} else {
		/* simultaneous open: our SYN again, now with an ACK */
		tcp_set_state(tp, TCPS_SYN_RECEIVED);
		tp->snd_nxt = tp->iss;
		tp->t_rxtshift = 0;
	}
	tcp_output(tp);
}

/* ---- synchronized states (and SYN_RECEIVED) ----------------------------- */

static void
tcp_challenge_ack(struct tcpcb *tp)
{
	if (tcp_challenge_ok()) {
		tp->t_flags |= TF_ACKNOW;
		tcp_output(tp);
	}
}

/* PAWS (RFC 7323 5.3); false: drop s (an ACK is sent). */
static bool
tcp_paws_ok(struct tcpcb *tp, const struct tcp_seg *s)
{
	if ((tp->t_flags & TF_RCVD_TSTMP) == 0 || !s->ts_opt.to_ts_ok ||
	    (s->ts_flags & TH_RST) != 0 ||
	    SEQ_GEQ(s->ts_opt.to_tsval, tp->ts_recent))
		return true;
	if (inet_now_ns() - tp->ts_recent_ns > TCP_PAWS_IDLE_NS) {
		tp->ts_recent = 0;	/* too old to compare */
		return true;
	}
	if_stat_add(s->ts_ifp, IFS_TCP_BADSEQ, 1);
	tp->t_flags |= TF_ACKNOW;
	tcp_output(tp);
	return false;
}

/* The acceptability test of RFC 9293 3.10.7.4 (first check). */
static bool
tcp_seq_acceptable(const struct tcpcb *tp, const struct tcp_seg *s)
{
	uint32_t wnd = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ?
	    tp->rcv_adv - tp->rcv_nxt : 0;
	uint32_t seglen = s->ts_len + ((s->ts_flags & TH_SYN) != 0) +
	    ((s->ts_flags & TH_FIN) != 0);
	uint32_t seq = s->ts_seq, end = s->ts_seq + seglen - 1;

	if (seglen == 0 && wnd == 0)
		return seq == tp->rcv_nxt;
	if (seglen == 0)
		return SEQ_GEQ(seq, tp->rcv_nxt) &&
		    SEQ_LT(seq, tp->rcv_nxt + wnd);
	if (wnd == 0)	/* its ACK still counts (RFC 9293 3.10.7.4) */
		return seq == tp->rcv_nxt;
	return (SEQ_GEQ(seq, tp->rcv_nxt) && SEQ_LT(seq, tp->rcv_nxt + wnd)) ||
	    (SEQ_GEQ(end, tp->rcv_nxt) && SEQ_LT(end, tp->rcv_nxt + wnd));
}

/* Cuts what lies before rcv_nxt and beyond the window off s and m. */
static void
tcp_trim(struct tcpcb *tp, struct tcp_seg *s, struct mbuf *m)
{
	uint32_t wnd = tp->rcv_adv - tp->rcv_nxt, todrop, excess;

	if (SEQ_LT(s->ts_seq, tp->rcv_nxt)) {
		todrop = tp->rcv_nxt - s->ts_seq;
		if ((s->ts_flags & TH_SYN) != 0) {
			s->ts_flags &= (uint8_t)~TH_SYN;
			s->ts_seq++;
			todrop--;
		}
		if (todrop >= s->ts_len) {
			/* a FIN at todrop == len is already in the past too */
			if (todrop > s->ts_len)
				s->ts_flags &= (uint8_t)~TH_FIN;
			todrop = s->ts_len;
		}
		m_adj(m, (int)todrop);
		s->ts_len -= todrop;
		s->ts_seq += todrop;
		tcpstat.tcps_rcvduppack += todrop > 0;
	}
	if (SEQ_GT(s->ts_seq + s->ts_len, tp->rcv_nxt + wnd)) {
		excess = s->ts_seq + s->ts_len - (tp->rcv_nxt + wnd);
		if (excess > s->ts_len)
			excess = s->ts_len;
		m_adj(m, -(int)excess);
		s->ts_len -= excess;
		s->ts_flags &= (uint8_t)~(TH_FIN | TH_PUSH);
		tp->t_flags |= TF_ACKNOW;	/* tell the peer our window */
	}
}

/* A reset for this connection arrived (exact sequence number). */
static void
tcp_reset_rcvd(struct tcpcb *tp)
{
	struct socket *so = tp->t_so;
	int e = 0;

	switch (tp->t_state) {
	case TCPS_SYN_RECEIVED:
		e = (tp->t_flags & TF_PASSIVE) != 0 ? 0 : ECONNREFUSED;
		break;
	case TCPS_ESTABLISHED:
	case TCPS_FIN_WAIT_1:
	case TCPS_FIN_WAIT_2:
	case TCPS_CLOSE_WAIT:
		e = ECONNRESET;
		tcpstat.tcps_drops++;
		break;
	default:
		break;
	}
	if (so != NULL && so->so_head == NULL) {
		if (e != 0)
			so->so_error = e;
		so_isdisconnected(so);
	}
	tcp_close(tp);
}

/* Checks 1-4 of RFC 9293 3.10.7.4; false if s is done with (dropped,
 * or *closed). */
static bool
tcp_sync_checks(struct tcpcb *tp, struct tcp_seg *s, struct mbuf *m,
    bool *closed)
{
	if (!tcp_paws_ok(tp, s))
		return false;
	if (tp->t_state == TCPS_SYN_RECEIVED &&
	    (s->ts_flags & (TH_SYN | TH_ACK)) == TH_SYN &&
	    s->ts_seq == tp->irs) {
		tp->snd_nxt = tp->iss;	/* the SYN-ACK was lost */
		tcp_output(tp);
		return false;
	}
	if ((s->ts_flags & (TH_SYN | TH_ACK)) == (TH_SYN | TH_ACK) &&
	    s->ts_seq == tp->irs) {
		/* the peer's SYN again (simultaneous open, or our ACK of
		 * its SYN-ACK was lost): the old SYN is cut off, an ACK
		 * goes back */
		s->ts_flags &= (uint8_t)~TH_SYN;
		s->ts_seq++;
		tp->t_flags |= TF_ACKNOW;
	}
	if (!tcp_seq_acceptable(tp, s)) {
		if ((s->ts_flags & TH_RST) != 0)
			return false;
		if (SEQ_GEQ(s->ts_seq, tp->rcv_nxt))
			if_stat_add(s->ts_ifp, IFS_TCP_BADSEQ, 1);
		else
			tcpstat.tcps_rcvduppack++;
		if (tp->t_state == TCPS_TIME_WAIT &&
		    (s->ts_flags & TH_FIN) != 0)
			tcp_timer_set(tp, TCPT_2MSL,
			    2 * tcp_msl_ms * INET_NS_PER_MS);
		tp->t_flags |= TF_ACKNOW;
		tcp_output(tp);
		return false;
	}
	if ((s->ts_flags & TH_RST) != 0) {
		if (s->ts_seq == tp->rcv_nxt) {
			tcp_reset_rcvd(tp);
			*closed = true;
		} else {
			tcp_challenge_ack(tp);
		}
		return false;
	}
	tcp_trim(tp, s, m);
	if ((s->ts_flags & TH_SYN) != 0) {
		/* RFC 5961 section 4: a SYN in a synchronized state */
		tcp_challenge_ack(tp);
		return false;
	}
	if ((s->ts_flags & TH_ACK) == 0) {
		if_stat_add(s->ts_ifp, IFS_TCP_BADFLAGS, 1);
		return false;
	}
	return true;
}

/* The ACK that completes a passive (or simultaneous) open. */
static bool
tcp_synrcvd_ack(struct tcpcb *tp, struct tcp_seg *s)
{
	if (!SEQ_GT(s->ts_ack, tp->snd_una) ||
	    SEQ_GT(s->ts_ack, tp->snd_max)) {
		if_stat_add(s->ts_ifp, IFS_TCP_BADACK, 1);
		tcp_reset_for(s);
		return false;
	}
	if (tp->t_rxtshift == 0 && tp->t_srtt_us == 0 &&
	    (tp->t_flags & TF_RTTING) != 0)
		tcp_rtt_sample(tp, (inet_now_ns() - tp->t_rtstart_ns) / 1000u);
	tp->t_flags &= ~TF_RTTING;
	tp->snd_una++;			/* our SYN */
	if (SEQ_LT(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	tp->snd_wnd = s->ts_win << tp->snd_scale;
	tp->max_sndwnd = tp->snd_wnd;
	tp->snd_wl1 = s->ts_seq;
	tp->snd_wl2 = s->ts_ack;
	tp->t_rxtshift = 0;
	tcp_timer_clear(tp, TCPT_REXMT);
	tcp_cc_init(tp);
	tcp_established(tp);
	return true;
}

/* RFC 7323 4.3: remember the peer's TSval of an in-order segment. */
static void
tcp_ts_update(struct tcpcb *tp, const struct tcp_seg *s)
{
	if ((tp->t_flags & TF_RCVD_TSTMP) != 0 && s->ts_opt.to_ts_ok &&
	    SEQ_GEQ(s->ts_opt.to_tsval, tp->ts_recent) &&
	    SEQ_LEQ(s->ts_seq, tp->last_ack_sent)) {
		tp->ts_recent = s->ts_opt.to_tsval;
		tp->ts_recent_ns = inet_now_ns();
	}
}

static void
tcp_input_sync(struct tcpcb *tp, struct tcp_seg *s, struct mbuf *m)
{
	bool closed = false;

	tp->t_rcvtime_ns = inet_now_ns();
	tp->t_keepprobes = 0;
	if (!tcp_sync_checks(tp, s, m, &closed)) {
		m_freem(m);
		return;
	}
	tcp_ts_update(tp, s);
	if (tp->t_state == TCPS_SYN_RECEIVED && !tcp_synrcvd_ack(tp, s)) {
		m_freem(m);
		return;
	}
	if (!tcp_ack(tp, s, &closed)) {
		m_freem(m);
		if (!closed)
			tcp_output(tp);
		return;
	}
	if (tcp_data(tp, s, m))
		return;
	tcp_output(tp);
}

/*
 * A new SYN for the 4-tuple of a connection in TIME_WAIT, beyond what
 * the old one used (its sequence number above rcv_nxt, or with
 * timestamps a newer TSval; RFC 6191): the old block goes and the SYN
 * is for the listener. True if tp was closed.
 */
static bool
tcp_timewait_reuse(struct tcpcb *tp, const struct tcp_seg *s)
{
	if (tp->t_state != TCPS_TIME_WAIT ||
	    (s->ts_flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN ||
	    tcp_lookup_listen(s->ts_dst, s->ts_dport) == NULL)
		return false;
	if ((tp->t_flags & TF_RCVD_TSTMP) != 0 && s->ts_opt.to_ts_ok ?
	    !SEQ_GT(s->ts_opt.to_tsval, tp->ts_recent) :
	    !SEQ_GT(s->ts_seq, tp->rcv_nxt))
		return false;
	tcp_close(tp);
	return true;
}

void
tcp_input(struct ifnet *ifp, struct mbuf *m, unsigned hlen)
{
	struct tcp_seg s;
	struct tcpcb *tp;

	KASSERT(mutex_owned(&net_lock));
	tcpstat.tcps_rcvtotal++;
	memset(&s, 0, sizeof(s));
	if ((m = tcp_check(ifp, m, hlen, &s)) == NULL)
		return;
	tp = tcp_lookup(s.ts_dst, s.ts_dport, s.ts_src, s.ts_sport);
	if (tp != NULL && tcp_timewait_reuse(tp, &s))
		tp = NULL;
	if (tp == NULL)
		tp = tcp_lookup_listen(s.ts_dst, s.ts_dport);
	if (tp == NULL) {
		if_stat_add(ifp, IFS_TCP_NOPORT, 1);
		m_freem(m);
		if (tcp_closed_rst_ok())
			tcp_reset_for(&s);
		return;
	}
	switch (tp->t_state) {
	case TCPS_LISTEN:
		tcp_input_listen(tp, &s, m);
		break;
	case TCPS_SYN_SENT:
		tcp_input_synsent(tp, &s, m);
		break;
	case TCPS_CLOSED:
		m_freem(m);
		break;
	default:
		tcp_input_sync(tp, &s, m);
		break;
	}
}

/* ---- ICMP errors -------------------------------------------------------- */

static void
tcp_mtu_change(struct tcpcb *tp, unsigned mtu)
{
	unsigned mss, opt = (tp->t_flags & TF_RCVD_TSTMP) != 0 ? 12 : 0;

	if (mtu < 68 || mtu <= sizeof(struct ip_hdr) + sizeof(struct tcp_hdr) +
	    opt + TCP_MIN_MSS)
		mtu = 576;
	mss = mtu - sizeof(struct ip_hdr) - sizeof(struct tcp_hdr) - opt;
	if (mss >= tp->t_maxseg)
		return;
	tp->t_maxseg = mss;
	tp->snd_nxt = tp->snd_una;
	tcp_output(tp);
}

void
tcp_ctlinput(int type, int code, unsigned mtu, const struct ip_hdr *ip,
    const uint8_t th8[8])
{
	in_port_t sport, dport;
	uint32_t seq;
	struct tcpcb *tp;
	int e;

	memcpy(&sport, th8, 2);
	memcpy(&dport, th8 + 2, 2);
	memcpy(&seq, th8 + 4, 4);
	seq = net_ntohl(seq);
	tp = tcp_lookup(ip->ip_src, sport, ip->ip_dst, dport);
	if (tp == NULL || tp->t_state < TCPS_SYN_SENT ||
	    SEQ_LT(seq, tp->snd_una) || SEQ_GEQ(seq, tp->snd_max))
		return;	/* RFC 5927: not about data in flight */
	if (type == ICMP_UNREACH && code == ICMP_UNREACH_NEEDFRAG) {
		tcp_mtu_change(tp, mtu);
		return;
	}
	if (type != ICMP_UNREACH)
		return;
	e = code == ICMP_UNREACH_PORT || code == ICMP_UNREACH_PROTOCOL ?
	    ECONNREFUSED : code == ICMP_UNREACH_NET ? ENETUNREACH :
	    EHOSTUNREACH;
	tp->t_softerror = e;
	if (tp->t_state == TCPS_SYN_SENT ||
	    (tp->t_state == TCPS_SYN_RECEIVED &&
	    (tp->t_flags & TF_PASSIVE) == 0))
		tcp_drop(tp, e);
}
