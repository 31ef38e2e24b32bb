/*
 * TCP timers: retransmission with exponential backoff and the RTO
 * estimator of RFC 6298, zero-window probes (persist), keepalive
 * (RFC 1122 4.2.3.6; SO_KEEPALIVE, idle 2 h, interval 75 s, 9 probes by
 * default), connection establishment limit, TIME_WAIT (2 MSL) and the
 * FIN_WAIT_2 limit of a closed socket, and delayed ACKs.
 *
 * Each block keeps one deadline per timer; one inet_timer (a callout)
 * is armed for the earliest deadline of all blocks, and tcp_timer_run
 * walks the blocks and runs what is due. With tcp_timers_manual (tests)
 * nothing is armed: the test calls tcp_timer_run after moving the clock.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <net/netif.h>
#include <net/socket.h>
#include <netinet/inet.h>

#include "in_var.h"
#include "tcp_var.h"

uint64_t tcp_msl_ms = 30000;
uint64_t tcp_keepidle_ms = 2ull * 3600 * 1000;
uint64_t tcp_keepintvl_ms = 75000;
unsigned tcp_keepcnt = 9;
uint64_t tcp_delack_ms = 40;
uint64_t tcp_connect_timeout_ms = 75000;
bool tcp_timers_manual;

static struct inet_timer tcp_itimer;

static void tcp_tlp_send(struct tcpcb *tp);

void
tcp_timer_init(void)
{
	inet_timer_init(&tcp_itimer, tcp_timer_run);
}

void
tcp_timer_set(struct tcpcb *tp, int which, uint64_t delay_ns)
{
	uint64_t deadline = inet_now_ns() + delay_ns;

	tp->t_timer[which] = deadline != 0 ? deadline : 1;
	if (!tcp_timers_manual)
		inet_timer_arm(&tcp_itimer, deadline);
}

void
tcp_timer_clear(struct tcpcb *tp, int which)
{
	tp->t_timer[which] = 0;
}

uint64_t
tcp_rexmt_ns(const struct tcpcb *tp)
{
	uint64_t us = tp->t_rto_us;

	for (unsigned i = 0; i < tp->t_rxtshift && us < TCP_RTO_MAX_US; i++)
		us *= 2;
	if (us > TCP_RTO_MAX_US)
		us = TCP_RTO_MAX_US;
	return us * 1000u;
}

void
tcp_rtt_sample(struct tcpcb *tp, uint64_t r)
{
	uint64_t delta, rto;

	if (tp->t_srtt_us == 0) {
		tp->t_srtt_us = r > 0 ? r : 1;
		tp->t_rttvar_us = r / 2;
	} else {
		delta = tp->t_srtt_us > r ? tp->t_srtt_us - r :
		    r - tp->t_srtt_us;
		tp->t_rttvar_us = (3 * tp->t_rttvar_us + delta) / 4;
		tp->t_srtt_us = (7 * tp->t_srtt_us + r) / 8;
		if (tp->t_srtt_us == 0)
			tp->t_srtt_us = 1;
	}
	rto = tp->t_srtt_us + (4 * tp->t_rttvar_us > 1000 ?
	    4 * tp->t_rttvar_us : 1000);
	if (rto < TCP_RTO_MIN_US)
		rto = TCP_RTO_MIN_US;
	if (rto > TCP_RTO_MAX_US)
		rto = TCP_RTO_MAX_US;
	tp->t_rto_us = rto;
	tp->t_rxtshift = 0;
	tcpstat.tcps_rttupdated++;
}

static bool
tcp_keepalive_on(const struct tcpcb *tp)
{
	return (tp->t_flags & TF_KEEPALIVE) != 0 ||
	    (tp->t_so != NULL && (tp->t_so->so_options & SO_KEEPALIVE_K) != 0);
}

static uint64_t
tcp_keepidle(const struct tcpcb *tp)
{
	return tp->t_keepidle_ms != 0 ? tp->t_keepidle_ms : tcp_keepidle_ms;
}

static uint64_t
tcp_keepintvl(const struct tcpcb *tp)
{
	return tp->t_keepintvl_ms != 0 ? tp->t_keepintvl_ms :
	    tcp_keepintvl_ms;
}

void
tcp_keep_reset(struct tcpcb *tp)
{
	if (TCPS_SYNCHRONIZED(tp->t_state) && tcp_keepalive_on(tp))
		tcp_timer_set(tp, TCPT_KEEP, tcp_keepidle(tp) * INET_NS_PER_MS);
}

void
tcp_persist_set(struct tcpcb *tp)
{
	uint64_t us = tp->t_rto_us;

	if (tp->t_snd->sb_cc == 0 || tp->t_timer[TCPT_REXMT] != 0 ||
	    tp->t_timer[TCPT_PERSIST] != 0 || !TCPS_SYNCHRONIZED(tp->t_state))
		return;
	for (unsigned i = 0; i < tp->t_persistshift && us < TCP_PERSMAX_US;
	    i++)
		us *= 2;
	if (us < TCP_PERSMIN_US)
		us = TCP_PERSMIN_US;
	if (us > TCP_PERSMAX_US)
		us = TCP_PERSMAX_US;
	tcp_timer_set(tp, TCPT_PERSIST, us * 1000u);
}

/* ---- the timers --------------------------------------------------------- */

static unsigned
tcp_rxt_limit(const struct tcpcb *tp)
{
	if (tp->t_state == TCPS_SYN_SENT)
		return TCP_SYN_MAXRXT;
	if (tp->t_state == TCPS_SYN_RECEIVED)
		return TCP_SYNACK_MAXRXT;
	return TCP_MAXRXTSHIFT;
}

/* Retransmission timeout; true if the block was closed. */
static bool
tcp_timer_rexmt(struct tcpcb *tp)
{
	uint32_t flight, mss = tp->t_maxseg;

	if (tp->t_tlp_armed) {
		tcp_tlp_send(tp);
		return false;
	}
	if (++tp->t_rxtshift > tcp_rxt_limit(tp)) {
		tcpstat.tcps_timeoutdrop++;
		tcp_drop(tp, tp->t_softerror != 0 ? tp->t_softerror :
		    ETIMEDOUT);
		return true;
	}
	tcpstat.tcps_rexmttimeo++;
	if (TCPS_SYNCHRONIZED(tp->t_state)) {
		/* RFC 5681 (4), RFC 6582 section 4 */
		flight = tp->snd_max - tp->snd_una;
		tp->snd_ssthresh = flight / 2 > 2 * mss ? flight / 2 : 2 * mss;
		tp->snd_cwnd = mss;
		tp->snd_recover = tp->snd_max;
		tp->t_dupacks = 0;
		tp->t_flags &= ~TF_INRECOVERY;
	}
	tp->t_flags &= ~TF_RTTING;	/* Karn */
	tcp_sack_prune(tp, true);	/* the peer may have reneged */
	tp->snd_nxt = tp->snd_una;
	tcp_output(tp);
	return false;
}

/*
 * Tail loss probes (RFC 8985 section 7). When the last segments of a
 * flight are lost, no duplicate ACKs come to start fast retransmit and
 * the sender would wait for the retransmission timeout (200 ms at
 * least). Instead, two smoothed round trips after the last ACK (plus
 * the peer's worst delayed ACK when one segment is out), one segment
 * goes: new data if the window has some, else the last segment again.
 * Its ACK either covers everything (the loss is repaired) or, with
 * SACK, shows the holes and starts fast recovery. One probe per flight:
 * after it the retransmission timeout is armed as usual, and the next
 * probe waits for an ACK of new data.
 */
#define TCP_TLP_DELACK_US 200000u	/* RFC 8985: WCDelAckT */
#define TCP_TLP_MIN_US 10000u

void
tcp_rexmt_arm(struct tcpcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;
	uint64_t pto_us, rto_ns = tcp_rexmt_ns(tp);

	tp->t_tlp_armed = false;
	if (tp->t_state == TCPS_ESTABLISHED && tp->t_srtt_us != 0 &&
	    tp->t_rxtshift == 0 && (tp->t_flags & TF_INRECOVERY) == 0 &&
	    flight > 0) {
		pto_us = 2 * tp->t_srtt_us;
		if (flight <= tp->t_maxseg)
			pto_us += TCP_TLP_DELACK_US;
		if (pto_us < TCP_TLP_MIN_US)
			pto_us = TCP_TLP_MIN_US;
		if (pto_us * 1000u < rto_ns) {
			tp->t_tlp_armed = true;
			tcp_timer_set(tp, TCPT_REXMT, pto_us * 1000u);
			return;
		}
	}
	tcp_timer_set(tp, TCPT_REXMT, rto_ns);
}

static void
tcp_tlp_send(struct tcpcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una, mss = tp->t_maxseg;
	uint32_t sndmax = tp->snd_max, ocwnd = tp->snd_cwnd;

	tcpstat.tcps_tlp++;
	tp->t_tlp_armed = false;
	/* new data, if the peer's window takes a segment more */
	if (tcp_unsent_fits(tp) &&
	    tp->snd_nxt == tp->snd_max) {
		tp->snd_cwnd = flight + mss;
		tcp_output(tp);
		tp->snd_cwnd = ocwnd;
	}
	if (tp->snd_max == sndmax && flight > 0)
		tcp_output_range(tp, sndmax - (flight < mss ? flight : mss),
		    flight < mss ? flight : mss);
	/* the timeout, not another probe: tcp_output re-armed the probe
	 * if it sent new data */
	tp->t_tlp_armed = false;
	tcp_timer_set(tp, TCPT_REXMT, tcp_rexmt_ns(tp));
}

static bool
tcp_timer_persist(struct tcpcb *tp)
{
	tcpstat.tcps_persisttimeo++;
	tp->t_flags |= TF_FORCE;
	tcp_output(tp);
	tp->t_flags &= ~TF_FORCE;
	if (tp->t_persistshift < 16)
		tp->t_persistshift++;
	tcp_persist_set(tp);
	return false;
}

static bool
tcp_timer_keep(struct tcpcb *tp)
{
	uint64_t idle = (inet_now_ns() - tp->t_rcvtime_ns) / INET_NS_PER_MS;
	unsigned cnt = tp->t_keepcnt != 0 ? tp->t_keepcnt : tcp_keepcnt;

	if (!TCPS_SYNCHRONIZED(tp->t_state)) {
		tcp_drop(tp, tp->t_softerror != 0 ? tp->t_softerror :
		    ETIMEDOUT);
		return true;
	}
	if (!tcp_keepalive_on(tp) || tp->t_state > TCPS_CLOSING)
		return false;
	if (idle < tcp_keepidle(tp)) {
		tcp_timer_set(tp, TCPT_KEEP, (tcp_keepidle(tp) - idle) *
		    INET_NS_PER_MS);
		return false;
	}
	if (tp->t_keepprobes >= cnt) {
		tcpstat.tcps_keepdrops++;
		tcp_drop(tp, ETIMEDOUT);
		return true;
	}
	tp->t_keepprobes++;
	tcpstat.tcps_keepprobe++;
	tcp_send_keepalive(tp);
	tcp_timer_set(tp, TCPT_KEEP, tcp_keepintvl(tp) * INET_NS_PER_MS);
	return false;
}

static bool
tcp_timer_2msl(struct tcpcb *tp)
{
	tcp_close(tp);
	return true;
}

static bool
tcp_timer_delack(struct tcpcb *tp)
{
	tp->t_flags |= TF_ACKNOW;
	tcp_output(tp);
	return false;
}

static bool (*const tcp_timer_fns[TCPT_NTIMERS])(struct tcpcb *) = {
	[TCPT_REXMT] = tcp_timer_rexmt,
	[TCPT_PERSIST] = tcp_timer_persist,
	[TCPT_KEEP] = tcp_timer_keep,
	[TCPT_2MSL] = tcp_timer_2msl,
	[TCPT_DELACK] = tcp_timer_delack,
};

/* Runs tp's due timers; true if tp was closed. */
static bool
tcp_timer_due(struct tcpcb *tp, uint64_t now)
{
	for (int i = 0; i < TCPT_NTIMERS; i++) {
		if (tp->t_timer[i] == 0 || tp->t_timer[i] > now)
			continue;
		tp->t_timer[i] = 0;
		if (tcp_timer_fns[i](tp))
			return true;
	}
	return false;
}

void
tcp_timer_run(void)
{
	uint64_t now = inet_now_ns(), next = UINT64_MAX;
	struct tcpcb *tp, *nx;

	KASSERT(mutex_owned(&net_lock));
	for (tp = tcp_first(); tp != NULL; tp = nx) {
		nx = tp->t_next;
		(void)tcp_timer_due(tp, now);
	}
	for (tp = tcp_first(); tp != NULL; tp = tp->t_next)
		for (int i = 0; i < TCPT_NTIMERS; i++)
			if (tp->t_timer[i] != 0 && tp->t_timer[i] < next)
				next = tp->t_timer[i];
	if (next != UINT64_MAX && !tcp_timers_manual)
		inet_timer_arm(&tcp_itimer, next);
}

