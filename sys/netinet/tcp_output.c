/*
 * TCP output: deciding what to send (RFC 9293 3.8.6 and 3.10, RFC 1122
 * 4.2.3.4 Nagle and sender silly window avoidance, RFC 5681 congestion
 * window), building the segment (options of RFC 9293 3.2 and RFC 7323),
 * and the segments sent without a connection block (resets).
 *
 * The send queue t_snd holds [snd_una, snd_una + sb_cc); a segment
 * carries the bytes from offset snd_nxt - snd_una. SYN takes the
 * sequence number iss (never with data), FIN the one after the last
 * byte of the queue. tcp_output loops until nothing more may go.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <net/socket.h>
#include <netinet/inet.h>

#include "in_var.h"
#include "tcp_var.h"

#define TCP_MAXOLEN 40
#define TCP_COPY_SMALL 128	/* data up to this is copied, not shared */

/* What a segment is: flags, sequence, data offset and length. */
struct tcp_outseg {
	uint8_t os_flags;
	uint32_t os_seq;
	unsigned os_off;	/* into t_snd */
	unsigned os_len;
};

uint32_t
tcp_rcv_space(const struct tcpcb *tp)
{
	const struct socket *so = tp->t_so;
	uint32_t space, adv;

	if (so == NULL)
		space = SB_DEFAULT_HIWAT;
	else
		space = sb_space(&so->so_rcv);
	adv = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	/* never shrink the window we offered; move its right edge only by
	 * a useful amount (receiver SWS avoidance, RFC 9293 3.8.6.2.2) */
	if (space < adv || (so != NULL && space - adv <
	    (so->so_rcv.sb_hiwat / 2 < tp->t_maxseg ?
	    so->so_rcv.sb_hiwat / 2 : tp->t_maxseg)))
		space = adv;
	if (space > ((uint32_t)TCP_MAXWIN << tp->rcv_scale))
		space = (uint32_t)TCP_MAXWIN << tp->rcv_scale;
	return space;
}

/* The window field of a segment (SYNs are never scaled). */
static uint16_t
tcp_win_field(const struct tcpcb *tp, uint8_t flags, uint32_t *advp)
{
	uint32_t space = tcp_rcv_space(tp);
	uint32_t field;

	if ((flags & TH_SYN) != 0) {
		field = space > TCP_MAXWIN ? TCP_MAXWIN : space;
		*advp = field;
		return (uint16_t)field;
	}
	field = space >> tp->rcv_scale;
	if (field > TCP_MAXWIN)
		field = TCP_MAXWIN;
	*advp = field << tp->rcv_scale;
	return (uint16_t)field;
}

static uint8_t
tcp_state_flags(int state)
{
	switch (state) {
	case TCPS_SYN_SENT:
		return TH_SYN;
	case TCPS_SYN_RECEIVED:
		return TH_SYN | TH_ACK;
	case TCPS_ESTABLISHED:
	case TCPS_CLOSE_WAIT:
	case TCPS_FIN_WAIT_2:
	case TCPS_TIME_WAIT:
		return TH_ACK;
	case TCPS_FIN_WAIT_1:
	case TCPS_CLOSING:
	case TCPS_LAST_ACK:
		return TH_FIN | TH_ACK;
	default:
		return 0;
	}
}

/* SACK blocks after n bytes of options (room for 3 or 4 blocks). */
static unsigned
tcp_build_sack(const struct tcpcb *tp, uint8_t *p, unsigned n)
{
	struct tcp_sackblk b[4];
	unsigned nb = tcp_sack_blocks(tp, b, n > 0 ? 3 : 4);
	uint32_t v;

	if (nb == 0)
		return n;
	p[n++] = TCPOPT_NOP;
	p[n++] = TCPOPT_NOP;
	p[n++] = TCPOPT_SACK;
	p[n++] = (uint8_t)(2 + 8 * nb);
	for (unsigned i = 0; i < nb; i++) {
		v = net_htonl(b[i].sb_start);
		memcpy(p + n, &v, 4);
		v = net_htonl(b[i].sb_end);
		memcpy(p + n + 4, &v, 4);
		n += 8;
	}
	return n;
}

/* Writes the options of a segment with flags (sack: blocks wanted);
 * returns their length. */
static unsigned
tcp_build_options(const struct tcpcb *tp, uint8_t flags, bool sack,
    uint8_t *p)
{
	unsigned n = 0;
	uint32_t v;

	if ((flags & TH_SYN) != 0) {
		unsigned mss = tcp_mss_for(tp->t_faddr);

		p[n++] = TCPOPT_MAXSEG;
		p[n++] = TCPOLEN_MAXSEG;
		p[n++] = (uint8_t)(mss >> 8);
		p[n++] = (uint8_t)mss;
		if ((tp->t_flags & TF_REQ_SCALE) != 0) {
			p[n++] = TCPOPT_NOP;
			p[n++] = TCPOPT_WINDOW;
			p[n++] = TCPOLEN_WINDOW;
			p[n++] = TCP_RCV_WSCALE;
		}
		if ((tp->t_flags & TF_REQ_SACK) != 0) {
			p[n++] = TCPOPT_NOP;
			p[n++] = TCPOPT_NOP;
			p[n++] = TCPOPT_SACK_PERMITTED;
			p[n++] = TCPOLEN_SACK_PERMITTED;
		}
	}
	if ((tp->t_flags & TF_REQ_TSTMP) != 0 &&
	    ((flags & TH_SYN) != 0 || (tp->t_flags & TF_RCVD_TSTMP) != 0) &&
	    (flags & TH_RST) == 0) {
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_NOP;
		p[n++] = TCPOPT_TIMESTAMP;
		p[n++] = TCPOLEN_TIMESTAMP;
		v = net_htonl(tcp_ts_now() + tp->ts_offset);
		memcpy(p + n, &v, 4);
		/* TSecr only when ACK is set (RFC 7323 3.2) */
		v = (flags & TH_ACK) != 0 ? net_htonl(tp->ts_recent) : 0;
		memcpy(p + n + 4, &v, 4);
		n += 8;
	}
	if (sack)
		n = tcp_build_sack(tp, p, n);
	KASSERT(n <= TCP_MAXOLEN && n % 4 == 0);
	return n;
}

/* The header mbuf with os_len bytes of data from the send queue. */
static struct mbuf *
tcp_seg_mbuf(struct tcpcb *tp, const struct tcp_outseg *os, unsigned hlen)
{
	struct mbuf *m;

	if (os->os_len <= TCP_COPY_SMALL) {
		m = inet_getpkt(hlen + os->os_len, INET_HEADROOM);
		if (m != NULL && os->os_len > 0)
			m_copydata(tp->t_snd->sb_head, os->os_off, os->os_len,
			    mtod(m, uint8_t *) + hlen);
		return m;
	}
	if ((m = inet_getpkt(hlen, INET_HEADROOM)) == NULL)
		return NULL;
	m->m_next = m_copym(tp->t_snd->sb_head, os->os_off, os->os_len,
	    M_NOWAIT);
	if (m->m_next == NULL) {
		m_freem(m);
		return NULL;
	}
	m->m_pkthdr.len = hlen + os->os_len;
	return m;
}

/* Builds and sends one segment; 0 or errno from below. */
static int
tcp_send_seg(struct tcpcb *tp, const struct tcp_outseg *os, uint32_t *advp)
{
	uint8_t opt[TCP_MAXOLEN];
	/* blocks only on segments without data: they must fit the MSS */
	bool sack = (tp->t_flags & TF_SACK_PERMIT) != 0 &&
	    tp->t_reass != NULL && os->os_len == 0 &&
	    (os->os_flags & (TH_ACK | TH_SYN | TH_RST)) == TH_ACK;
	unsigned olen = tcp_build_options(tp, os->os_flags, sack, opt);
	unsigned hlen = sizeof(struct tcp_hdr) + olen;
	struct ip_out io = {.io_proto = IPPROTO_TCP, .io_flags = IPO_DF};
	struct tcp_hdr *th;
	struct mbuf *m;

	if ((m = tcp_seg_mbuf(tp, os, hlen)) == NULL)
		return ENOBUFS;
	th = mtod(m, struct tcp_hdr *);
	memset(th, 0, sizeof(*th));
	th->th_sport = tp->t_lport;
	th->th_dport = tp->t_fport;
	th->th_seq = net_htonl(os->os_seq);
	th->th_ack = (os->os_flags & TH_ACK) != 0 ? net_htonl(tp->rcv_nxt) : 0;
	th->th_off = (uint8_t)((hlen / 4) << 4);
	th->th_flags = os->os_flags;
	th->th_win = net_htons(tcp_win_field(tp, os->os_flags, advp));
	memcpy(th + 1, opt, olen);
	th->th_sum = in4_cksum(m, IPPROTO_TCP, tp->t_laddr, tp->t_faddr, 0,
	    m->m_pkthdr.len);
	io.io_src = tp->t_laddr;
	io.io_dst = tp->t_faddr;
	io.io_ttl = tp->t_ttl;
	io.io_tos = tp->t_tos;
	tcpstat.tcps_sndtotal++;
	return ip_output(m, &io);
}

/* Has the window we can offer grown enough to tell the peer (receiver
 * silly window avoidance, RFC 9293 3.8.6.2.2)? */
static bool
tcp_window_update_due(const struct tcpcb *tp)
{
	uint32_t space, adv, grow, hiwat;

	if (tp->t_so == NULL || TCPS_HAVERCVDFIN(tp->t_state) ||
	    !TCPS_SYNCHRONIZED(tp->t_state))
		return false;
	space = tcp_rcv_space(tp);
	adv = SEQ_GT(tp->rcv_adv, tp->rcv_nxt) ? tp->rcv_adv - tp->rcv_nxt : 0;
	if (space <= adv)
		return false;
	grow = space - adv;
	hiwat = tp->t_so->so_rcv.sb_hiwat;
	/* the scaled field must change at all */
	if ((space >> tp->rcv_scale) == (adv >> tp->rcv_scale))
		return false;
	if (grow < 2 * tp->t_maxseg && 2 * grow < hiwat)
		return false;
	/* the ACKs the peer's next segments bring carry the rest: an
	 * update is worth its own segment when the window the peer has
	 * left at least doubles, and by two segments more (not, say, right
	 * after the handshake, when the unscaled SYN offered 64 KiB of a
	 * 128 KiB buffer) */
	return space >= 2 * adv + 2 * tp->t_maxseg;
}

/* How many bytes may go from snd_nxt now (window, cwnd, one MSS). */
static uint32_t
tcp_send_len(struct tcpcb *tp)
{
	uint32_t off = tp->snd_nxt - tp->snd_una, win, avail;

	win = tp->snd_wnd < tp->snd_cwnd ? tp->snd_wnd : tp->snd_cwnd;
	if ((tp->t_flags & TF_FORCE) != 0 && win == 0)
		win = 1;
	avail = tp->t_snd->sb_cc < win ? tp->t_snd->sb_cc : win;
	if (avail < off) {
		/* the window shrank under data already sent */
		if (win == 0 && (tp->t_flags & TF_SENTFIN) == 0) {
			tcp_timer_clear(tp, TCPT_REXMT);
			tp->snd_nxt = tp->snd_una;
		}
		return 0;
	}
	return avail - off < tp->t_maxseg ? avail - off : tp->t_maxseg;
}

/* Is a data segment of os's length worth sending now (Nagle, sender
 * silly window avoidance)? */
static bool
tcp_data_due(const struct tcpcb *tp, const struct tcp_outseg *os)
{
	bool all = os->os_off + os->os_len == tp->t_snd->sb_cc;

	if (os->os_len == 0)
		return false;
	return os->os_len == tp->t_maxseg || (tp->t_flags & TF_FORCE) != 0 ||
	    SEQ_LT(tp->snd_nxt, tp->snd_max) ||
	    (all && (tp->snd_max == tp->snd_una ||
	    (tp->t_flags & TF_NODELAY) != 0)) ||
	    (tp->max_sndwnd > 0 && os->os_len >= tp->max_sndwnd / 2);
}

/* Decides the next segment; false if nothing should go now. */
static bool
tcp_choose(struct tcpcb *tp, struct tcp_outseg *os)
{
	uint8_t flags = tcp_state_flags(tp->t_state);
	uint32_t fin_seq;

	memset(os, 0, sizeof(*os));
	if (flags == 0)
		return false;
	if ((flags & TH_SYN) != 0) {
		os->os_flags = flags;
		os->os_seq = tp->iss;
		if (tp->snd_nxt == tp->iss)
			return true;
		os->os_flags = TH_ACK;
		os->os_seq = tp->snd_nxt;
		return (tp->t_flags & TF_ACKNOW) != 0 &&
		    tp->t_state == TCPS_SYN_RECEIVED;
	}
	os->os_len = tcp_send_len(tp);
	os->os_seq = tp->snd_nxt;
	os->os_off = tp->snd_nxt - tp->snd_una;
	/* FIN: on the segment that ends the queue, once (or again when
	 * retransmitting) */
	fin_seq = tp->snd_una + tp->t_snd->sb_cc;
	if (tp->snd_nxt + os->os_len != fin_seq ||
	    ((tp->t_flags & TF_SENTFIN) != 0 &&
	    SEQ_GEQ(tp->snd_nxt, tp->snd_max)))
		flags &= (uint8_t)~TH_FIN;
	if (os->os_len > 0 && (flags & TH_FIN) == 0 &&
	    os->os_off + os->os_len == tp->t_snd->sb_cc)
		flags |= TH_PUSH;
	os->os_flags = flags;
	if (tcp_data_due(tp, os) || (flags & TH_FIN) != 0)
		return true;
	if ((tp->t_flags & TF_ACKNOW) == 0 && !tcp_window_update_due(tp))
		return false;
	/* A pure ACK carries snd_max, as BSD's do: after a timeout
	 * rewound snd_nxt, snd_nxt may lie below what the peer has
	 * received, and a peer that drops such old segments would never
	 * see the ACK (with our window shut, each side then ignored the
	 * other's ACKs for good). */
	if (os->os_len == 0 && (tp->t_flags & TF_FORCE) == 0)
		os->os_seq = tp->snd_max;
	return true;
}

/* Bookkeeping after segment os went out (or was handed to IP). */
static void
tcp_sent(struct tcpcb *tp, const struct tcp_outseg *os, uint32_t adv)
{
	uint32_t span = os->os_len + ((os->os_flags & TH_SYN) != 0) +
	    ((os->os_flags & TH_FIN) != 0);

	if (span > 0) {
		uint32_t end = os->os_seq + span;
		bool fresh = SEQ_GEQ(os->os_seq, tp->snd_max);

		if ((os->os_flags & TH_FIN) != 0)
			tp->t_flags |= TF_SENTFIN;
		if (SEQ_LT(os->os_seq, tp->snd_max)) {
			tcpstat.tcps_sndrexmitpack++;
			tcpstat.tcps_sndrexmitbyte += os->os_len;
		} else {
			tcpstat.tcps_sndbyte += os->os_len;
		}
		tp->snd_nxt = end;
		if (SEQ_GT(end, tp->snd_max)) {
			if ((tp->t_flags & (TF_RTTING | TF_RCVD_TSTMP)) == 0 &&
			    SEQ_GEQ(os->os_seq, tp->snd_max)) {
				tp->t_flags |= TF_RTTING;
				tp->t_rtseq = os->os_seq;
				tp->t_rtstart_ns = inet_now_ns();
			}
			tp->snd_max = end;
		}
		/* RFC 8985 7.2: new data restarts a pending probe timer,
		 * and the second segment of a flight may make one due */
		if ((tp->t_timer[TCPT_REXMT] == 0 || (fresh &&
		    (tp->t_tlp_armed || (tp->t_rxtshift == 0 &&
		    os->os_seq - tp->snd_una <= tp->t_maxseg)))) &&
		    (tp->t_flags & TF_FORCE) == 0) {
			tcp_timer_clear(tp, TCPT_PERSIST);
			tcp_rexmt_arm(tp);
		}
	} else {
		tcpstat.tcps_sndacks++;
	}
	if ((os->os_flags & TH_ACK) != 0) {
		tp->last_ack_sent = tp->rcv_nxt;
		tp->t_flags &= ~(TF_ACKNOW | TF_DELACKED);
		tp->t_unacked_segs = 0;
		tcp_timer_clear(tp, TCPT_DELACK);
	}
	if (SEQ_GT(tp->rcv_nxt + adv, tp->rcv_adv))
		tp->rcv_adv = tp->rcv_nxt + adv;
}

void
tcp_output(struct tcpcb *tp)
{
	struct tcp_outseg os;
	uint32_t adv;
	int rv;

	KASSERT(mutex_owned(&net_lock));
	if_batch_begin();
	while (tcp_choose(tp, &os)) {
		adv = 0;
		rv = tcp_send_seg(tp, &os, &adv);
		if (rv == EHOSTUNREACH || rv == ENETUNREACH ||
		    rv == EHOSTDOWN)
			tp->t_softerror = rv;
		/* a segment IP could not take is lost: the timers recover */
		tcp_sent(tp, &os, adv);
		tp->t_flags &= ~TF_FORCE;
		if (os.os_len + ((os.os_flags & (TH_SYN | TH_FIN)) != 0) == 0)
			break;
		if (rv == ENOBUFS)
			break;
	}
	if_batch_end();
	tcp_persist_set(tp);
}

void
tcp_respond(in_addr_t src, in_port_t sport, in_addr_t dst, in_port_t dport,
    uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct ip_out io = {.io_proto = IPPROTO_TCP, .io_flags = IPO_DF};
	struct tcp_hdr *th;
	struct mbuf *m;

	if ((m = inet_getpkt(sizeof(*th), INET_HEADROOM)) == NULL)
		return;
	th = mtod(m, struct tcp_hdr *);
	memset(th, 0, sizeof(*th));
	th->th_sport = sport;
	th->th_dport = dport;
	th->th_seq = net_htonl(seq);
	th->th_ack = net_htonl(ack);
	th->th_off = (sizeof(*th) / 4) << 4;
	th->th_flags = flags;
	th->th_sum = in4_cksum(m, IPPROTO_TCP, src, dst, 0, sizeof(*th));
	io.io_src = src;
	io.io_dst = dst;
	tcpstat.tcps_sndtotal++;
	if ((flags & TH_RST) != 0)
		tcpstat.tcps_sndrst++;
	else
		tcpstat.tcps_sndacks++;
	(void)ip_output(m, &io);
}

void
tcp_output_range(struct tcpcb *tp, uint32_t seq, uint32_t len)
{
	struct tcp_outseg os = {.os_flags = TH_ACK, .os_seq = seq,
	    .os_off = seq - tp->snd_una, .os_len = len};
	uint32_t adv = 0;

	if (len == 0 || SEQ_LT(seq, tp->snd_una) ||
	    os.os_off + len > tp->t_snd->sb_cc)
		return;
	(void)tcp_send_seg(tp, &os, &adv);
	tcpstat.tcps_sndrexmitpack++;
	tcpstat.tcps_sndrexmitbyte += len;
	tp->last_ack_sent = tp->rcv_nxt;
	tp->t_flags &= ~(TF_ACKNOW | TF_DELACKED);
	tcp_timer_clear(tp, TCPT_DELACK);
	if (tp->t_timer[TCPT_REXMT] == 0)
		tcp_timer_set(tp, TCPT_REXMT, tcp_rexmt_ns(tp));
}

void
tcp_send_keepalive(struct tcpcb *tp)
{
	struct tcp_outseg os = {.os_flags = TH_ACK, .os_seq = tp->snd_una - 1};
	uint32_t adv = 0;

	(void)tcp_send_seg(tp, &os, &adv);
}
