/*
 * TCP stream sockets (SOCK_STREAM, protocol 0 or IPPROTO_TCP): the
 * sockproto through which the socket layer drives a connection block,
 * and the options of level IPPROTO_TCP (TCP_NODELAY, TCP_MAXSEG,
 * TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT) and IPPROTO_IP (IP_TTL,
 * IP_TOS).
 *
 * Closing: with unread data, or SO_LINGER with a zero time, the
 * connection is reset (RFC 9293 3.10.4; RFC 1122 4.2.2.13); otherwise
 * the block takes the send queue over from the socket (t_sndorphan),
 * sends the rest and a FIN, and finishes the close on its own.
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <kern/rump.h>
#include <net/netif.h>
#include <net/socket.h>
#include <netinet/inet.h>

#include "in_var.h"
#include "tcp_var.h"

static int
tcp_usr_attach(struct socket *so)
{
	return tcp_attach(so) != NULL ? 0 : ENOBUFS;
}

/* The application will send no more: a FIN goes after the data. */
static void
tcp_usrclosed(struct tcpcb *tp)
{
	switch (tp->t_state) {
	case TCPS_ESTABLISHED:
		tcp_set_state(tp, TCPS_FIN_WAIT_1);
		break;
	case TCPS_CLOSE_WAIT:
		tcp_set_state(tp, TCPS_LAST_ACK);
		break;
	case TCPS_FIN_WAIT_2:
		if (tp->t_so == NULL)
			tcp_timer_set(tp, TCPT_2MSL,
			    TCP_FIN2_TIMEOUT_MS * INET_NS_PER_MS);
		return;
	default:
		return;
	}
	tp->t_flags |= TF_NEEDFIN;
}

static void
tcp_usr_detach(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return;
	if (tp->t_state <= TCPS_SYN_SENT) {
		tcp_close(tp);
		return;
	}
	if (so->so_rcv.sb_cc > 0 || so->so_linger == 0 ||
	    tp->t_state == TCPS_SYN_RECEIVED) {
		tcp_drop(tp, 0);
		return;
	}
	tp->t_sndorphan = so->so_snd;
	so->so_snd.sb_head = so->so_snd.sb_tail = NULL;
	so->so_snd.sb_cc = 0;
	tp->t_snd = &tp->t_sndorphan;
	tp->t_so = NULL;
	so->so_pcb = NULL;
	tcp_usrclosed(tp);
	tcp_output(tp);
}

static void
tcp_usr_abort(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp != NULL)
		tcp_drop(tp, ECONNABORTED);
	else
		so_pcbgone(so);
}

static int
tcp_usr_bind(struct socket *so, const struct sockaddr_in_k *sin)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return EINVAL;
	if (tp->t_state != TCPS_CLOSED)
		return EINVAL;
	return tcp_bind(tp, sin->sin_addr, sin->sin_port);
}

static int
tcp_usr_listen(struct socket *so, int backlog)
{
	struct tcpcb *tp = sototcpcb(so);
	int rv;

	(void)backlog;
	if (tp == NULL)
		return EINVAL;
	if (tp->t_state == TCPS_LISTEN)
		return 0;
	if (tp->t_state != TCPS_CLOSED)
		return EINVAL;
	if (tp->t_lport == 0 && (rv = tcp_bind(tp, tp->t_laddr, 0)) != 0)
		return rv;
	tcp_set_state(tp, TCPS_LISTEN);
	return 0;
}

static int
tcp_usr_connect(struct socket *so, const struct sockaddr_in_k *sin)
{
	struct tcpcb *tp = sototcpcb(so);
	in_addr_t laddr;
	int rv;

	if (tp == NULL)
		return ECONNRESET;
	if (tp->t_state != TCPS_CLOSED)
		return tp->t_state == TCPS_LISTEN ? EOPNOTSUPP : EISCONN;
	if (sin->sin_addr == 0 || sin->sin_port == 0 ||
	    sin->sin_addr == INADDR_BROADCAST_N ||
	    IN_MULTICAST_N(sin->sin_addr))
		return EADDRNOTAVAIL;
	laddr = tp->t_laddr != 0 ? tp->t_laddr :
	    ip_select_source(sin->sin_addr);
	if (laddr == 0)
		return ENETUNREACH;
	if (tp->t_lport == 0 && (rv = tcp_bind(tp, tp->t_laddr, 0)) != 0)
		return rv;
	if (tcp_lookup(laddr, tp->t_lport, sin->sin_addr, sin->sin_port))
		return EADDRINUSE;
	tp->t_laddr = laddr;
	tp->t_faddr = sin->sin_addr;
	tp->t_fport = sin->sin_port;
	tcp_hash_insert(tp);
	tp->t_flags |= TF_REQ_SCALE | TF_REQ_TSTMP |
	    (tcp_do_sack ? TF_REQ_SACK : 0);
	tp->ts_offset = inet_random();
	tp->iss = tcp_new_isn(tp);
	tp->snd_una = tp->snd_nxt = tp->snd_max = tp->iss;
	tp->t_maxseg = tcp_mss_for(tp->t_faddr);
	tcp_set_state(tp, TCPS_SYN_SENT);
	tcpstat.tcps_connattempt++;
	so_isconnecting(so);
	tcp_timer_set(tp, TCPT_KEEP, tcp_connect_timeout_ms * INET_NS_PER_MS);
	tcp_output(tp);
	return 0;
}

static int
tcp_usr_disconnect(struct socket *so)
{
	(void)so;
	return EOPNOTSUPP;
}

static int
tcp_usr_shutdown(struct socket *so, int how)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL)
		return 0;
	if (how != 0) {
		if (tp->t_state == TCPS_SYN_SENT) {
			tcp_drop(tp, 0);
			return 0;
		}
		tcp_usrclosed(tp);
	}
	tcp_output(tp);
	return 0;
}

/* Appends m to the send queue, packing small writes into the tail. */
static void
tcp_sbappend(struct sockbuf *sb, struct mbuf *m)
{
	struct mbuf *next, *t;
	unsigned len;

	for (; m != NULL; m = next) {
		next = m->m_next;
		m->m_next = NULL;
		m->m_flags &= ~M_PKTHDR;
		len = m->m_len;
		t = sb->sb_tail;
		if (len == 0) {
			m_free(m);
			continue;
		}
		if (t != NULL && m_trailingspace(t) >= len) {
			memcpy(t->m_data + t->m_len, m->m_data, len);
			t->m_len += len;
			m_free(m);
		} else {
			if (t != NULL)
				t->m_next = m;
			else
				sb->sb_head = m;
			sb->sb_tail = m;
		}
		sb->sb_cc += len;
	}
}

static int
tcp_usr_send(struct socket *so, struct mbuf *m,
    const struct sockaddr_in_k *to)
{
	struct tcpcb *tp = sototcpcb(so);

	(void)to;
	if (tp == NULL || !TCPS_CANSEND(tp->t_state) ||
	    (tp->t_flags & TF_NEEDFIN) != 0) {
		m_freem(m);
		return tp == NULL ? ECONNRESET : EPIPE;
	}
	tcp_sbappend(tp->t_snd, m);
	tcp_output(tp);
	return 0;
}

static int
tcp_usr_sockaddr(struct socket *so, struct sockaddr_in_k *sin)
{
	struct tcpcb *tp = sototcpcb(so);

	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET_K;
	if (tp != NULL) {
		sin->sin_port = tp->t_lport;
		sin->sin_addr = tp->t_laddr;
	}
	return 0;
}

static int
tcp_usr_peeraddr(struct socket *so, struct sockaddr_in_k *sin)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp == NULL || tp->t_faddr == 0 ||
	    (so->so_state & SS_ISCONNECTED) == 0)
		return ENOTCONN;
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET_K;
	sin->sin_port = tp->t_fport;
	sin->sin_addr = tp->t_faddr;
	return 0;
}

static void
tcp_usr_rcvd(struct socket *so)
{
	struct tcpcb *tp = sototcpcb(so);

	if (tp != NULL)
		tcp_output(tp);
}

/* ---- options ------------------------------------------------------------ */

static int
tcp_setopt_tcp(struct tcpcb *tp, int name, int v)
{
	switch (name) {
	case TCP_NODELAY_K:
		if (v != 0)
			tp->t_flags |= TF_NODELAY;
		else
			tp->t_flags &= ~TF_NODELAY;
		tcp_output(tp);
		return 0;
	case TCP_MAXSEG_K:
		if (v < TCP_MIN_MSS || v > 65535)
			return EINVAL;
		if ((unsigned)v < tp->t_maxseg)
			tp->t_maxseg = (unsigned)v;
		return 0;
	case TCP_KEEPIDLE_K:
	case TCP_KEEPINTVL_K:
		if (v < 1 || v > 24 * 3600 * 10)
			return EINVAL;
		if (name == TCP_KEEPIDLE_K)
			tp->t_keepidle_ms = (uint64_t)v * 1000;
		else
			tp->t_keepintvl_ms = (uint64_t)v * 1000;
		tcp_keep_reset(tp);
		return 0;
	case TCP_KEEPCNT_K:
		if (v < 1 || v > 1000)
			return EINVAL;
		tp->t_keepcnt = (unsigned)v;
		return 0;
	default:
		return ENOPROTOOPT;
	}
}

static int
tcp_setopt_ip(struct tcpcb *tp, int name, int v)
{
	switch (name) {
	case IP_TTL_K:
		if (v < -1 || v > 255 || v == 0)
			return EINVAL;
		tp->t_ttl = v == -1 ? 0 : (uint8_t)v;
		return 0;
	case IP_TOS_K:
		if (v < 0 || v > 255)
			return EINVAL;
		tp->t_tos = (uint8_t)v;
		return 0;
	default:
		return ENOPROTOOPT;
	}
}

static int
tcp_usr_setopt(struct socket *so, int level, int name, const void *val,
    unsigned len)
{
	struct tcpcb *tp = sototcpcb(so);
	int v;

	if (tp == NULL)
		return level == SOL_SOCKET_K ? 0 : ECONNRESET;
	if (level == SOL_SOCKET_K) {
		if (name == SO_KEEPALIVE_K)
			tcp_keep_reset(tp);
		return 0;
	}
	if (level != IPPROTO_TCP_K && level != IPPROTO_IP_K)
		return ENOPROTOOPT;
	if (val == NULL || len < sizeof(int))
		return EINVAL;
	memcpy(&v, val, sizeof(v));
	if (level == IPPROTO_IP_K)
		return tcp_setopt_ip(tp, name, v);
	return tcp_setopt_tcp(tp, name, v);
}

static int
tcp_usr_getopt(struct socket *so, int level, int name, void *val,
    unsigned *len)
{
	struct tcpcb *tp = sototcpcb(so);
	int v;

	if (level != IPPROTO_TCP_K && level != IPPROTO_IP_K)
		return ENOPROTOOPT;
	if (val == NULL || len == NULL || *len < sizeof(int))
		return EINVAL;
	if (tp == NULL)
		return ECONNRESET;
	if (level == IPPROTO_IP_K) {
		if (name != IP_TTL_K && name != IP_TOS_K)
			return ENOPROTOOPT;
		v = name == IP_TOS_K ? tp->t_tos :
		    tp->t_ttl != 0 ? tp->t_ttl : IP_DEFTTL;
		memcpy(val, &v, sizeof(v));
		*len = sizeof(v);
		return 0;
	}
	switch (name) {
	case TCP_NODELAY_K:
		v = (tp->t_flags & TF_NODELAY) != 0;
		break;
	case TCP_MAXSEG_K:
		v = (int)tp->t_maxseg;
		break;
	case TCP_KEEPIDLE_K:
		v = (int)((tp->t_keepidle_ms != 0 ? tp->t_keepidle_ms :
		    tcp_keepidle_ms) / 1000);
		break;
	case TCP_KEEPINTVL_K:
		v = (int)((tp->t_keepintvl_ms != 0 ? tp->t_keepintvl_ms :
		    tcp_keepintvl_ms) / 1000);
		break;
	case TCP_KEEPCNT_K:
		v = (int)(tp->t_keepcnt != 0 ? tp->t_keepcnt : tcp_keepcnt);
		break;
	default:
		return ENOPROTOOPT;
	}
	memcpy(val, &v, sizeof(v));
	*len = sizeof(v);
	return 0;
}

static const struct sockproto tcp_sockproto = {
	.sp_family = AF_INET_K,
	.sp_type = SOCK_STREAM_K,
	.sp_protocol = IPPROTO_TCP,
	.sp_default = true,
	.sp_attach = tcp_usr_attach,
	.sp_detach = tcp_usr_detach,
	.sp_bind = tcp_usr_bind,
	.sp_connect = tcp_usr_connect,
	.sp_disconnect = tcp_usr_disconnect,
	.sp_shutdown = tcp_usr_shutdown,
	.sp_send = tcp_usr_send,
	.sp_sockaddr = tcp_usr_sockaddr,
	.sp_peeraddr = tcp_usr_peeraddr,
	.sp_setopt = tcp_usr_setopt,
	.sp_getopt = tcp_usr_getopt,
	.sp_listen = tcp_usr_listen,
	.sp_rcvd = tcp_usr_rcvd,
	.sp_abort = tcp_usr_abort,
};

static int
tcp_subsys_init(void)
{
	tcp_init();
	return sock_register(&tcp_sockproto);
}
RUMP_SUBSYS_EARLY("tcp", tcp_subsys_init);
