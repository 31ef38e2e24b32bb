/*
 * TCP connection blocks: creation and teardown, the state variable, the
 * lookup of segments to blocks (a hash over the 4-tuple for connections,
 * a walk for listeners), local ports, initial sequence numbers, the
 * statistics and the names of the states.
 *
 * Ports: a TCP port is unique among blocks unless the binder set
 * SO_REUSEADDR, which lets it share a port with connections (TIME_WAIT
 * included) but never with another listener on an overlapping address.
 * Connections made by a listener share its port; ephemeral ports come
 * from 49152-65535 starting at a random point.
 *
 * ISNs follow RFC 6528: a 4-microsecond clock plus a keyed hash
 * (SipHash-2-4, secret from rumpuser_getrandom at init) of the 4-tuple.
 */
#include <errno.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/callout.h>
#include <kern/kassert.h>
#include <kern/kmem.h>
#include <net/netif.h>
#include <net/socket.h>
#include <netinet/inet.h>

#include "in_var.h"
#include "tcp_var.h"

#define TCP_HASHSIZE 256
#define EPHEMERAL_FIRST 49152u
#define EPHEMERAL_COUNT 16384u

struct tcpstat tcpstat;
static struct tcpcb *tcp_list;
static struct tcpcb *tcp_hash[TCP_HASHSIZE];
static uint64_t tcp_secret[2];
/* At most a limit per second of the stack's clock. */
struct tcp_persec {
	uint64_t ps_sec;
	unsigned ps_count;
};
static struct tcp_persec tcp_chal_rate, tcp_rst_rate;

static const char *const tcp_state_names[TCPS_NSTATES] = {
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED",
	"CLOSE_WAIT", "FIN_WAIT_1", "CLOSING", "LAST_ACK", "FIN_WAIT_2",
	"TIME_WAIT",
};

const char *
tcp_state_name(int state)
{
	return state >= 0 && state < TCPS_NSTATES ? tcp_state_names[state] :
	    "?";
}

void
tcp_getstat(struct tcpstat *st)
{
	mutex_enter(&net_lock);
	*st = tcpstat;
	mutex_exit(&net_lock);
}

struct tcpcb *
tcp_first(void)
{
	return tcp_list;
}

/* ---- SipHash-2-4 (Aumasson, Bernstein 2012) ----------------------------- */

static inline uint64_t
rotl64(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static void
sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl64(v[1], 13) ^ v[0];
	v[0] = rotl64(v[0], 32);
	v[2] += v[3];
	v[3] = rotl64(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl64(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl64(v[1], 17) ^ v[2];
	v[2] = rotl64(v[2], 32);
}

/* SipHash-2-4 of the message given as n little-endian 64-bit words
 * (the last one already carrying the length byte). */
static uint64_t
siphash24(const uint64_t key[2], const uint64_t *w, unsigned n)
{
	uint64_t v[4] = {
		key[0] ^ 0x736f6d6570736575ull, key[1] ^ 0x646f72616e646f6dull,
		key[0] ^ 0x6c7967656e657261ull, key[1] ^ 0x7465646279746573ull,
	};

	for (unsigned i = 0; i < n; i++) {
		v[3] ^= w[i];
		sip_round(v);
		sip_round(v);
		v[0] ^= w[i];
	}
	v[2] ^= 0xff;
	for (int i = 0; i < 4; i++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static uint64_t
tcp_tuple_hash(in_addr_t laddr, in_port_t lport, in_addr_t faddr,
    in_port_t fport)
{
	uint64_t w[2] = {
		(uint64_t)laddr | (uint64_t)faddr << 32,
		(uint64_t)lport | (uint64_t)fport << 16 | 12ull << 56,
	};

	return siphash24(tcp_secret, w, 2);
}

uint32_t
tcp_new_isn(const struct tcpcb *tp)
{
	uint32_t clock4us = (uint32_t)(inet_now_ns() / 4000u);

	return clock4us + (uint32_t)tcp_tuple_hash(tp->t_laddr, tp->t_lport,
	    tp->t_faddr, tp->t_fport);
}

uint32_t
tcp_ts_now(void)
{
	return (uint32_t)(inet_now_ns() / INET_NS_PER_MS);
}

static bool
tcp_persec_take(struct tcp_persec *ps, unsigned limit)
{
	uint64_t sec = inet_now_ns() / INET_NS_PER_S;

	if (sec != ps->ps_sec) {
		ps->ps_sec = sec;
		ps->ps_count = 0;
	}
	if (ps->ps_count >= limit)
		return false;
	ps->ps_count++;
	return true;
}

bool
tcp_challenge_ok(void)
{
	if (!tcp_persec_take(&tcp_chal_rate, TCP_CHALLENGE_PER_S))
		return false;
	tcpstat.tcps_challengeack++;
	return true;
}

bool
tcp_closed_rst_ok(void)
{
	if (tcp_persec_take(&tcp_rst_rate, TCP_CLOSED_RST_PER_S))
		return true;
	tcpstat.tcps_rstlimited++;
	return false;
}

/* ---- blocks ------------------------------------------------------------- */

void
tcp_init(void)
{
	size_t got = 0;

	if (rumpuser_getrandom(tcp_secret, sizeof(tcp_secret),
	    RUMPUSER_RANDOM_NOWAIT, &got) != 0 || got != sizeof(tcp_secret)) {
		for (int i = 0; i < 2; i++)
			tcp_secret[i] ^= (uint64_t)inet_random() << 32 |
			    inet_random();
	}
	tcp_timer_init();
	tcp_ackd_init();
}

struct tcpcb *
tcp_attach(struct socket *so)
{
	struct tcpcb *tp = kmem_zalloc(sizeof(*tp), KM_NOSLEEP);

	if (tp == NULL)
		return NULL;
	tp->t_so = so;
	tp->t_snd = so != NULL ? &so->so_snd : &tp->t_sndorphan;
	tp->t_state = TCPS_CLOSED;
	tp->t_rto_us = TCP_RTO_INIT_US;
	tp->t_maxseg = TCP_DEFAULT_MSS;
	tp->t_peermss = TCP_DEFAULT_MSS;
	tp->snd_ssthresh = 0x3fffffff;
	tp->t_rcvtime_ns = inet_now_ns();
	tp->t_next = tcp_list;
	if (tcp_list != NULL)
		tcp_list->t_prevp = &tp->t_next;
	tp->t_prevp = &tcp_list;
	tcp_list = tp;
	if (so != NULL)
		so->so_pcb = tp;
	tcpstat.tcps_pcbs++;
	return tp;
}

static unsigned
tcp_hashidx(in_addr_t laddr, in_port_t lport, in_addr_t faddr,
    in_port_t fport)
{
	uint32_t h = laddr ^ faddr ^ ((uint32_t)lport << 16 | fport);

	h *= 0x9e3779b1u;
	return h >> 24;
}

void
tcp_hash_insert(struct tcpcb *tp)
{
	unsigned i = tcp_hashidx(tp->t_laddr, tp->t_lport, tp->t_faddr,
	    tp->t_fport);

	KASSERT(!tp->t_hashed);
	tp->t_hnext = tcp_hash[i];
	tcp_hash[i] = tp;
	tp->t_hashed = true;
}

static void
tcp_hash_remove(struct tcpcb *tp)
{
	unsigned i = tcp_hashidx(tp->t_laddr, tp->t_lport, tp->t_faddr,
	    tp->t_fport);

	if (!tp->t_hashed)
		return;
	for (struct tcpcb **pp = &tcp_hash[i]; *pp != NULL;
	    pp = &(*pp)->t_hnext) {
		if (*pp == tp) {
			*pp = tp->t_hnext;
			break;
		}
	}
	tp->t_hashed = false;
}

void
tcp_set_state(struct tcpcb *tp, int state)
{
	if (tp->t_state == TCPS_ESTABLISHED && state != TCPS_ESTABLISHED)
		tcpstat.tcps_established--;
	if (state == TCPS_ESTABLISHED && tp->t_state != TCPS_ESTABLISHED)
		tcpstat.tcps_established++;
	tp->t_state = state;
}

void
tcp_close(struct tcpcb *tp)
{
	struct socket *so = tp->t_so;

	tcp_set_state(tp, TCPS_CLOSED);
	tcp_hash_remove(tp);
	tcp_ackd_forget(tp);
	*tp->t_prevp = tp->t_next;
	if (tp->t_next != NULL)
		tp->t_next->t_prevp = tp->t_prevp;
	tcp_reass_flush(tp);
	m_freem(tp->t_sndorphan.sb_head);
	tcpstat.tcps_pcbs--;
	tcpstat.tcps_closed++;
	kmem_free(tp, sizeof(*tp));
	if (so != NULL)
		so_pcbgone(so);
}

void
tcp_drop(struct tcpcb *tp, int error)
{
	struct socket *so = tp->t_so;

	if (tp->t_state >= TCPS_SYN_RECEIVED && tp->t_state != TCPS_TIME_WAIT) {
		tcp_respond(tp->t_laddr, tp->t_lport, tp->t_faddr, tp->t_fport,
		    tp->snd_nxt, 0, TH_RST);
		if (TCPS_SYNCHRONIZED(tp->t_state))
			tcpstat.tcps_drops++;
		else
			tcpstat.tcps_conndrops++;
	} else if (tp->t_state == TCPS_SYN_SENT) {
		tcpstat.tcps_conndrops++;
	}
	if (so != NULL) {
		if (error != 0)
			so->so_error = error;
		so_isdisconnected(so);
	}
	tcp_close(tp);
}

void
tcp_established(struct tcpcb *tp)
{
	tcp_set_state(tp, TCPS_ESTABLISHED);
	tcpstat.tcps_connects++;
	if ((tp->t_flags & TF_PASSIVE) != 0)
		tcpstat.tcps_accepts++;
	tcp_timer_clear(tp, TCPT_KEEP);
	tcp_keep_reset(tp);
	if (tp->t_so != NULL)
		so_isconnected(tp->t_so);
}

/* ---- lookup ------------------------------------------------------------- */

struct tcpcb *
tcp_lookup(in_addr_t laddr, in_port_t lport, in_addr_t faddr,
    in_port_t fport)
{
	unsigned i = tcp_hashidx(laddr, lport, faddr, fport);

	for (struct tcpcb *tp = tcp_hash[i]; tp != NULL; tp = tp->t_hnext)
		if (tp->t_lport == lport && tp->t_fport == fport &&
		    tp->t_laddr == laddr && tp->t_faddr == faddr)
			return tp;
	return NULL;
}

struct tcpcb *
tcp_lookup_listen(in_addr_t laddr, in_port_t lport)
{
	struct tcpcb *wild = NULL;

	for (struct tcpcb *tp = tcp_list; tp != NULL; tp = tp->t_next) {
		if (tp->t_state != TCPS_LISTEN || tp->t_lport != lport)
			continue;
		if (tp->t_laddr == laddr)
			return tp;
		if (tp->t_laddr == 0)
			wild = tp;
	}
	return wild;
}

/* ---- ports -------------------------------------------------------------- */

static bool
tcp_port_used(const struct tcpcb *self, in_addr_t laddr, in_port_t lport,
    bool reuse)
{
	for (const struct tcpcb *tp = tcp_list; tp != NULL; tp = tp->t_next) {
		if (tp == self || tp->t_lport != lport)
			continue;
		if (tp->t_laddr != 0 && laddr != 0 && tp->t_laddr != laddr)
			continue;
		/* with SO_REUSEADDR only listeners and unconnected blocks
		 * holding the port are in the way */
		if (reuse && tp->t_faddr != 0)
			continue;
		return true;
	}
	return false;
}

int
tcp_bind(struct tcpcb *tp, in_addr_t laddr, in_port_t lport)
{
	bool reuse = tp->t_so != NULL &&
	    (tp->t_so->so_options & SO_REUSEADDR_K) != 0;
	unsigned start;

	if (tp->t_lport != 0)
		return EINVAL;
	if (laddr != 0 && in_ifaddr_find(laddr) == NULL)
		return EADDRNOTAVAIL;
	if (lport != 0) {
		if (tcp_port_used(tp, laddr, lport, reuse))
			return EADDRINUSE;
		tp->t_laddr = laddr;
		tp->t_lport = lport;
		return 0;
	}
	start = inet_random() % EPHEMERAL_COUNT;
	for (unsigned i = 0; i < EPHEMERAL_COUNT; i++) {
		in_port_t p = net_htons((uint16_t)(EPHEMERAL_FIRST +
		    (start + i) % EPHEMERAL_COUNT));

		if (!tcp_port_used(tp, laddr, p, false)) {
			tp->t_laddr = laddr;
			tp->t_lport = p;
			return 0;
		}
	}
	return EADDRINUSE;
}

unsigned
tcp_mss_for(in_addr_t faddr)
{
	struct ifnet *ifp = in_ifaddr_find(faddr);
	const struct rtentry *rt;
	unsigned mtu = 576;

	if (ifp == NULL && (rt = rt_lookup(faddr)) != NULL)
		ifp = rt->rt_ifp;
	if (ifp != NULL && ifp->if_mtu >= 68)
		mtu = ifp->if_mtu;
	return mtu - sizeof(struct ip_hdr) - sizeof(struct tcp_hdr);
}
