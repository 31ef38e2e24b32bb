/*
 * Private to the TCP files of sys/netinet (and to the host tests): the
 * connection block, sequence arithmetic, timers and the entry points by
 * which tcp_input, tcp_output, tcp_timer, tcp_subr and tcp_usrreq call
 * each other.
 *
 * Everything here runs with net_lock held.
 *
 * Invariants of a struct tcpcb:
 *   - snd_una <= snd_nxt <= snd_max (sequence space), and t_snd holds
 *     exactly the bytes [snd_una, snd_una + t_snd->sb_cc) (SYN and FIN
 *     occupy sequence numbers but no buffer bytes);
 *   - rcv_nxt <= rcv_adv: the right edge we advertised never moves left;
 *   - t_so is NULL once the application closed the socket (the block may
 *     live on through FIN_WAIT, CLOSING, LAST_ACK and TIME_WAIT), and
 *     t_snd then points at t_sndorphan, which took over the send queue;
 *   - a block is on the global list and in the hash once its ports are
 *     set (tcp_attach puts it on the list; tcp_close takes it off and
 *     frees it: nothing may touch tp after tcp_close).
 */
#ifndef NETINET_TCP_VAR_H
#define NETINET_TCP_VAR_H

#include <stdbool.h>
#include <stdint.h>

#include <net/mbuf.h>
#include <net/socket.h>
#include <netinet/inet.h>

/* States (RFC 9293 section 3.3.2), in the order the tests below rely on. */
enum {
	TCPS_CLOSED,
	TCPS_LISTEN,
	TCPS_SYN_SENT,
	TCPS_SYN_RECEIVED,
	TCPS_ESTABLISHED,
	TCPS_CLOSE_WAIT,
	TCPS_FIN_WAIT_1,
	TCPS_CLOSING,
	TCPS_LAST_ACK,
	TCPS_FIN_WAIT_2,
	TCPS_TIME_WAIT,
	TCPS_NSTATES
};
#define TCPS_SYNCHRONIZED(s) ((s) >= TCPS_ESTABLISHED)
/* We may still send data (no FIN queued by us). */
#define TCPS_CANSEND(s) ((s) == TCPS_ESTABLISHED || (s) == TCPS_CLOSE_WAIT)
#define TCPS_HAVERCVDFIN(s) \
	((s) == TCPS_CLOSE_WAIT || (s) == TCPS_CLOSING || \
	 (s) == TCPS_LAST_ACK || (s) == TCPS_TIME_WAIT)

/* Sequence number comparisons, modulo 2^32. */
#define SEQ_LT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)
#define SEQ_MAX(a, b) (SEQ_GT(a, b) ? (a) : (b))
#define SEQ_MIN(a, b) (SEQ_LT(a, b) ? (a) : (b))

/* Timers: deadlines on the stack's clock (inet_now_ns), 0 = off. */
enum {
	TCPT_REXMT,	/* retransmission (SYN, SYN-ACK, data, FIN) */
	TCPT_PERSIST,	/* zero-window probe */
	TCPT_KEEP,	/* keepalive, or connection establishment limit */
	TCPT_2MSL,	/* TIME_WAIT, or FIN_WAIT_2 after close */
	TCPT_DELACK,	/* delayed ACK */
	TCPT_NTIMERS
};

/* Limits and defaults. */
#define TCP_RTO_INIT_US 1000000u	/* RFC 6298 2.1 */
#define TCP_RTO_MIN_US 200000u
#define TCP_RTO_MAX_US 60000000u
#define TCP_MAXRXTSHIFT 12		/* then ETIMEDOUT */
#define TCP_SYN_MAXRXT 6		/* SYN: 1+2+4+8+16+32 s, then give up */
#define TCP_SYNACK_MAXRXT 5
#define TCP_PERSMIN_US 500000u
#define TCP_PERSMAX_US 60000000u
#define TCP_DEFAULT_MSS 536		/* RFC 9293 3.7.1 */
#define TCP_MIN_MSS 64
#define TCP_REASS_MAXSEGS 128		/* out-of-order segments queued */
#define TCP_FIN2_TIMEOUT_MS 60000	/* FIN_WAIT_2 after close */
#define TCP_CHALLENGE_PER_S 100		/* RFC 5961 section 7 */
/* Resets answering segments for no connection, per second: a scan or a
 * flood of a closed port gets no more than this back (FreeBSD's icmplim
 * default, which covers the same case). */
#define TCP_CLOSED_RST_PER_S 200
#define TCP_RCV_WSCALE 5		/* our window shift (SB_MAX fits) */

/* Tunables; tests shorten them. */
extern uint64_t tcp_msl_ms;		/* 30 s: TIME_WAIT is 2 MSL */
extern uint64_t tcp_keepidle_ms;	/* 2 h */
extern uint64_t tcp_keepintvl_ms;	/* 75 s */
extern unsigned tcp_keepcnt;		/* 9 */
extern uint64_t tcp_delack_ms;		/* 40 ms */
extern uint64_t tcp_connect_timeout_ms;	/* 75 s: SYN_SENT/SYN_RECEIVED */
/* Tests: when true, timers run only when tcp_timer_run is called. */
extern bool tcp_timers_manual;
/* Offer and use SACK (RFC 2018). */
extern bool tcp_do_sack;

/* Out-of-order data waiting for the hole before it (tcp_reass.c). */
struct tcp_reass {
	struct tcp_reass *tr_next;	/* ascending tr_seq, no overlaps */
	uint32_t tr_seq;
	unsigned tr_len;		/* > 0 */
	struct mbuf *tr_m;		/* tr_len bytes */
};

/* t_flags */
#define TF_ACKNOW 0x0001	/* send an ACK at the next tcp_output */
#define TF_NODELAY 0x0002	/* no Nagle */
#define TF_SENTFIN 0x0004	/* FIN sent (at snd_max - 1) */
#define TF_NEEDFIN 0x0008	/* FIN goes after the queued data */
#define TF_REQ_SCALE 0x0010	/* we offered window scaling */
#define TF_RCVD_SCALE 0x0020	/* ... and the peer did too */
#define TF_REQ_TSTMP 0x0040
#define TF_RCVD_TSTMP 0x0080
#define TF_INRECOVERY 0x0100	/* NewReno fast recovery */
#define TF_FORCE 0x0200		/* send one byte into a zero window */
#define TF_PASSIVE 0x0400	/* made by a listener */
#define TF_KEEPALIVE 0x0800	/* SO_KEEPALIVE */
#define TF_RTTING 0x1000	/* timing t_rtseq (no timestamps) */
#define TF_DELACKED 0x2000	/* an ACK is owed (delayed) */
#define TF_REQ_SACK 0x4000	/* we offered SACK (RFC 2018) */
#define TF_SACK_PERMIT 0x8000	/* ... and the peer did too */

#define TCP_SACK_MAX 8		/* SACKed ranges remembered (sender) */
struct tcp_sackblk {
	uint32_t sb_start;
	uint32_t sb_end;
};

struct tcp_seg;

struct tcpcb {
	struct tcpcb *t_next;		/* global list */
	struct tcpcb **t_prevp;
	struct tcpcb *t_hnext;		/* hash chain (connections) */
	bool t_hashed;
	bool t_ackd_queued;		/* on the ackd list (tcp_ackd.c) */
	struct tcpcb *t_ackd_next;
	struct socket *t_so;
	int t_state;
	unsigned t_flags;
	in_addr_t t_laddr;
	in_port_t t_lport;
	in_addr_t t_faddr;
	in_port_t t_fport;
	struct sockbuf *t_snd;		/* &t_so->so_snd or &t_sndorphan */
	struct sockbuf t_sndorphan;

	/* send sequence space */
	uint32_t iss;
	uint32_t snd_una;
	uint32_t snd_nxt;
	uint32_t snd_max;
	uint32_t snd_wl1;
	uint32_t snd_wl2;
	uint32_t snd_wnd;		/* scaled */
	uint32_t max_sndwnd;
	uint32_t snd_cwnd;
	uint32_t snd_ssthresh;
	uint32_t snd_recover;		/* RFC 6582 */
	unsigned t_dupacks;

	/* receive sequence space */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_adv;		/* right edge advertised */
	uint32_t last_ack_sent;
	unsigned t_unacked_segs;	/* full segments since our last ACK */

	/* options */
	unsigned t_maxseg;		/* data per segment (options out) */
	unsigned t_peermss;		/* from the peer's SYN */
	uint8_t snd_scale;
	uint8_t rcv_scale;
	uint32_t ts_recent;
	uint64_t ts_recent_ns;		/* when ts_recent was set */
	uint32_t ts_offset;		/* added to our clock in TSval */

	/* round trip (RFC 6298), microseconds */
	uint64_t t_srtt_us;		/* 0: no sample yet */
	bool t_tlp_armed;		/* TCPT_REXMT holds a probe timeout */
	uint64_t t_rttvar_us;
	uint64_t t_rto_us;
	uint32_t t_rtseq;		/* TF_RTTING: timed sequence number */
	uint64_t t_rtstart_ns;
	unsigned t_rxtshift;		/* retransmissions of snd_una */
	unsigned t_persistshift;

	uint64_t t_timer[TCPT_NTIMERS];
	uint64_t t_rcvtime_ns;		/* last segment received */
	unsigned t_keepprobes;		/* unanswered */
	uint64_t t_keepidle_ms;		/* 0: the defaults */
	uint64_t t_keepintvl_ms;
	unsigned t_keepcnt;
	int t_softerror;		/* last ICMP error */
	uint8_t t_ttl;			/* IP_TTL, 0: the default */
	uint8_t t_tos;			/* IP_TOS */

	struct tcp_reass *t_reass;
	unsigned t_reass_n;
	bool t_rcvfin;			/* the peer's FIN seen out of order */
	uint32_t t_rcvfin_seq;		/* ... at this sequence number */

	/* SACK: what the peer reported holding above snd_una (ascending,
	 * disjoint), how far this recovery retransmitted holes, and the
	 * last out-of-order segment we queued (our first block) */
	struct tcp_sackblk t_sack[TCP_SACK_MAX];
	unsigned t_nsack;
	uint32_t t_sack_rxt;
	uint32_t t_sack_last;
};

static inline struct tcpcb *
sototcpcb(struct socket *so)
{
	return so != NULL ? so->so_pcb : NULL;
}

/* Is there unsent data, and does the peer's window take more than what
 * is in flight? (Early retransmit and tail loss probes ask.) */
static inline bool
tcp_unsent_fits(const struct tcpcb *tp)
{
	uint32_t flight = tp->snd_max - tp->snd_una;

	return tp->t_snd->sb_cc > flight && tp->snd_wnd > flight;
}

extern struct tcpstat tcpstat;

/* ---- tcp_subr.c --------------------------------------------------------- */
void tcp_init(void);
/* tcp_ackd.c: immediate ACKs of an input batch, sent after the readers. */
void tcp_ackd_init(void);
bool tcp_ackd_defer(struct tcpcb *tp);
void tcp_ackd_forget(struct tcpcb *tp);
/* A new block in CLOSED for so (NULL: none yet); NULL if no memory. */
struct tcpcb *tcp_attach(struct socket *so);
/* The block goes: off the lists, queues freed, the socket let go. */
void tcp_close(struct tcpcb *tp);
/* Abort: RST to the peer if synchronized, error to the socket, close. */
void tcp_drop(struct tcpcb *tp, int error);
void tcp_set_state(struct tcpcb *tp, int state);
/* Entering ESTABLISHED (either direction). */
void tcp_established(struct tcpcb *tp);
void tcp_hash_insert(struct tcpcb *tp);
struct tcpcb *tcp_lookup(in_addr_t laddr, in_port_t lport, in_addr_t faddr,
    in_port_t fport);
struct tcpcb *tcp_lookup_listen(in_addr_t laddr, in_port_t lport);
/* Local port (and address): lport 0 picks an ephemeral one. */
int tcp_bind(struct tcpcb *tp, in_addr_t laddr, in_port_t lport);
uint32_t tcp_new_isn(const struct tcpcb *tp);
/* Our MSS to offer for a peer: the route's interface MTU - 40. */
unsigned tcp_mss_for(in_addr_t faddr);
/* Our timestamp clock: milliseconds. */
uint32_t tcp_ts_now(void);
struct tcpcb *tcp_first(void);
/* Challenge ACK budget of RFC 5961 section 7: true if one may go. */
bool tcp_challenge_ok(void);
bool tcp_closed_rst_ok(void);

/* ---- tcp_output.c ------------------------------------------------------- */
/* Sends what the state, windows and flags call for. */
void tcp_output(struct tcpcb *tp);
/* A segment without a connection block (resets, challenge ACKs). */
void tcp_respond(in_addr_t src, in_port_t sport, in_addr_t dst,
    in_port_t dport, uint32_t seq, uint32_t ack, uint8_t flags);
/* A keepalive probe: SEG.SEQ = SND.UNA - 1, no data (RFC 1122). */
void tcp_send_keepalive(struct tcpcb *tp);
/* Retransmits [seq, seq + len) of the send queue (len <= t_maxseg). */
void tcp_output_range(struct tcpcb *tp, uint32_t seq, uint32_t len);

/* ---- tcp_sack.c --------------------------------------------------------- */
/* The peer's SACK blocks of segment s into the scoreboard. */
void tcp_sack_update(struct tcpcb *tp, const struct tcp_seg *s);
/* Forgets what snd_una passed (all of it: clear). */
void tcp_sack_prune(struct tcpcb *tp, bool clear);
/* Retransmits the next hole not yet resent in this recovery; false if
 * there is none. */
bool tcp_sack_rexmit(struct tcpcb *tp);
/* Our blocks for an ACK into p (at most max); returns how many. */
unsigned tcp_sack_blocks(const struct tcpcb *tp, struct tcp_sackblk *b,
    unsigned max);
/* The window we can advertise now (unscaled bytes). */
uint32_t tcp_rcv_space(const struct tcpcb *tp);

/* ---- tcp_timer.c -------------------------------------------------------- */
void tcp_timer_init(void);
/* Runs every timer that is due; tests call it after moving the clock. */
void tcp_timer_run(void);
void tcp_timer_set(struct tcpcb *tp, int which, uint64_t delay_ns);
void tcp_timer_clear(struct tcpcb *tp, int which);
/* The current retransmission timeout with backoff, nanoseconds. */
uint64_t tcp_rexmt_ns(const struct tcpcb *tp);
/* Arm TCPT_REXMT for data in flight: a tail loss probe first when it
 * applies (RFC 8985 section 7), else the retransmission timeout. */
void tcp_rexmt_arm(struct tcpcb *tp);
void tcp_rtt_sample(struct tcpcb *tp, uint64_t rtt_us);
/* (Re)starts the keepalive/idle timer after activity. */
void tcp_keep_reset(struct tcpcb *tp);
/* Arms persist when the peer's window is closed and data waits. */
void tcp_persist_set(struct tcpcb *tp);

/* ---- tcp_input.c, tcp_ack.c, tcp_reass.c -------------------------------- */
/* The parsed options of one segment. */
struct tcp_opts {
	bool to_mss_ok, to_ws_ok, to_ts_ok, to_sackok;
	uint16_t to_mss;
	uint8_t to_ws;
	uint32_t to_tsval, to_tsecr;
	unsigned to_nsack;		/* SACK blocks (host order) */
	struct tcp_sackblk to_sack[4];
};
/* The fields of one received segment, host order. */
struct tcp_seg {
	struct ifnet *ts_ifp;
	in_addr_t ts_src;		/* the peer */
	in_addr_t ts_dst;		/* us */
	in_port_t ts_sport;
	in_port_t ts_dport;
	uint32_t ts_seq;
	uint32_t ts_ack;
	uint32_t ts_win;		/* unscaled */
	uint8_t ts_flags;
	unsigned ts_len;		/* data bytes */
	struct tcp_opts ts_opt;
};
int tcp_parse_options(const uint8_t *p, unsigned len, bool syn,
    struct tcp_opts *to);
/* ACK processing in synchronized states; false: the segment is done
 * with (dropped, or the block closed: *closed). */
bool tcp_ack(struct tcpcb *tp, struct tcp_seg *s, bool *closed);
/* Data (m: data only, consumed) and FIN of an acceptable segment;
 * true if the block was closed (data after close: reset). */
bool tcp_data(struct tcpcb *tp, struct tcp_seg *s, struct mbuf *m);
void tcp_reass_flush(struct tcpcb *tp);
/* Window update from the peer (RFC 9293 3.10.7.4, fifth check). */
void tcp_update_window(struct tcpcb *tp, const struct tcp_seg *s);
/* Options of the peer's SYN (MSS, window scale, timestamps). */
void tcp_syn_options(struct tcpcb *tp, const struct tcp_opts *to);
/* The connection goes into its first congestion window. */
void tcp_cc_init(struct tcpcb *tp);

#endif
