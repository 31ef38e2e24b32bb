/*
 * The socket layer: protocol lookup, socket buffers, blocking and
 * non-blocking receive with timeouts (include/net/socket.h); for
 * stream sockets also the listen queues, accept, connect that waits,
 * and send that blocks until every byte is queued. Options are in
 * socket_opt.c, readiness and wakeups in socket_poll.c.
 *
 * Invariants:
 *   - every field of a socket is read and written with net_lock held;
 *   - so_refs counts the calls inside the socket (a call that sleeps
 *     keeps it alive); so_close detaches the protocol at once, the last
 *     call to leave frees the memory;
 *   - a sleeping caller re-checks everything after waking: state may
 *     have changed in any way while net_lock was released.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/kassert.h>
#include <kern/kmem.h>
#include <net/mbuf.h>
#include <net/netif.h>
#include <net/socket.h>

#include "socket_impl.h"

#define SOCK_MAXPROTO 8
#define SO_HEADROOM 64		/* Ethernet 14 + IPv4 20 + UDP 8, rounded */
#define SO_MAXDGRAM 65535
#define SO_Q0MAX 256		/* incomplete connections per listener */
#define SO_SND_CHUNK (16 * 1024) /* bytes copied in per protocol call */

static const struct sockproto *sock_protos[SOCK_MAXPROTO];
static unsigned sock_nprotos;

int
sock_register(const struct sockproto *sp)
{
	if (sock_nprotos == SOCK_MAXPROTO)
		return ENOSPC;
	so_poll_init();
	sock_protos[sock_nprotos++] = sp;
	return 0;
}

static const struct sockproto *
sock_find(int family, int type, int protocol)
{
	bool family_seen = false, type_seen = false;

	for (unsigned i = 0; i < sock_nprotos; i++) {
		const struct sockproto *sp = sock_protos[i];

		if (sp->sp_family != family)
			continue;
		family_seen = true;
		if (sp->sp_type != type)
			continue;
		type_seen = true;
		if (sp->sp_protocol == protocol ||
		    (protocol == 0 && sp->sp_default))
			return sp;
	}
	if (!family_seen)
		errno = EAFNOSUPPORT;
	else if (!type_seen)
		errno = EPROTOTYPE;
	else
		errno = EPROTONOSUPPORT;
	return NULL;
}

/* ---- socket buffers ----------------------------------------------------- */

static void
sb_init(struct sockbuf *sb)
{
	memset(sb, 0, sizeof(*sb));
	sb->sb_hiwat = SB_DEFAULT_HIWAT;
}

static void
sb_flush(struct sockbuf *sb)
{
	m_freem_list(sb->sb_head);
	sb->sb_head = sb->sb_tail = NULL;
	sb->sb_cc = 0;
}

static void
sb_append_record(struct sockbuf *sb, struct mbuf *rec, unsigned datalen)
{
	rec->m_nextpkt = NULL;
	if (sb->sb_tail != NULL)
		sb->sb_tail->m_nextpkt = rec;
	else
		sb->sb_head = rec;
	sb->sb_tail = rec;
	sb->sb_cc += datalen;
}

/* The first record goes; its data length was `datalen`. */
static void
sb_drop_record(struct sockbuf *sb, unsigned datalen)
{
	struct mbuf *rec = sb->sb_head;

	sb->sb_head = rec->m_nextpkt;
	if (sb->sb_head == NULL)
		sb->sb_tail = NULL;
	rec->m_nextpkt = NULL;
	sb->sb_cc -= datalen;
	m_freem(rec);
}

bool
sb_append_dgram(struct socket *so, struct mbuf *m,
    const struct sockaddr_in_k *from)
{
	struct sockbuf *sb = &so->so_rcv;
	unsigned len = m_length(m);
	struct mbuf *a;

	KASSERT(mutex_owned(&net_lock));
	if ((so->so_state & SS_CANTRCVMORE) != 0 ||
	    sb->sb_cc + len > sb->sb_hiwat ||
	    (a = m_get(M_NOWAIT)) == NULL) {
		sb->sb_drops++;
		m_freem(m);
		return false;
	}
	memcpy(a->m_data, from, sizeof(*from));
	a->m_len = sizeof(*from);
	a->m_next = m;
	sb_append_record(sb, a, len);
	so_wakeup(so);
	return true;
}

unsigned
sb_space(const struct sockbuf *sb)
{
	return sb->sb_cc < sb->sb_hiwat ? sb->sb_hiwat - sb->sb_cc : 0;
}

/* Room for n more bytes at the end of the receive queue's last record
 * (a private cluster record made by sb_append_stream). */
static unsigned
sb_tail_room(const struct sockbuf *sb)
{
	const struct mbuf *t = sb->sb_tail;

	if (t == NULL || t->m_next != NULL || m_readonly(t))
		return 0;
	return m_trailingspace(t);
}

unsigned
sb_append_stream(struct socket *so, struct mbuf *m)
{
	struct sockbuf *sb = &so->so_rcv;
	unsigned len = m_length(m), off = 0, n;
	struct mbuf *c;

	KASSERT(mutex_owned(&net_lock));
	while (off < len) {
		if ((n = sb_tail_room(sb)) == 0) {
			if ((c = m_getcl(M_NOWAIT)) == NULL)
				break;
			c->m_len = c->m_pkthdr.len = 0;
			sb_append_record(sb, c, 0);
			continue;
		}
		c = sb->sb_tail;
		n = n < len - off ? n : len - off;
		m_copydata(m, off, n, c->m_data + c->m_len);
		c->m_len += n;
		c->m_pkthdr.len += n;
		sb->sb_cc += n;
		off += n;
	}
	m_freem(m);
	if (off > 0)
		so_wakeup(so);
	return off;
}

void
so_seterror(struct socket *so, int error)
{
	so->so_error = error;
	so_wakeup(so);
}

static void so_enqueue(struct socket *head, struct socket *so, int q);
static void so_dequeue(struct socket *so);
static void so_free(struct socket *so);

unsigned
so_q0limit(const struct socket *head)
{
	unsigned l = 2 * head->so_qlimit + 16;

	return l < SO_Q0MAX ? l : SO_Q0MAX;
}

struct socket *
so_newconn(struct socket *head)
{
	struct socket *so;

	KASSERT(mutex_owned(&net_lock));
	if ((head->so_options & SO_ACCEPTCONN_K) == 0 ||
	    head->so_q0len >= so_q0limit(head) ||
	    (so = kmem_zalloc(sizeof(*so), KM_NOSLEEP)) == NULL)
		return NULL;
	so->so_type = head->so_type;
	so->so_protocol = head->so_protocol;
	so->so_proto = head->so_proto;
	so->so_options = head->so_options & ~SO_ACCEPTCONN_K;
	so->so_linger = head->so_linger;
	sb_init(&so->so_rcv);
	sb_init(&so->so_snd);
	so->so_rcv.sb_hiwat = head->so_rcv.sb_hiwat;
	so->so_snd.sb_hiwat = head->so_snd.sb_hiwat;
	so->so_rcv.sb_timeo_ns = head->so_rcv.sb_timeo_ns;
	so->so_snd.sb_timeo_ns = head->so_snd.sb_timeo_ns;
	cv_init(&so->so_cv, "socket");
	if (so->so_proto->sp_attach(so) != 0) {
		cv_destroy(&so->so_cv);
		kmem_free(so, sizeof(*so));
		return NULL;
	}
	so_enqueue(head, so, SO_ONQ0);
	return so;
}

void
so_isconnecting(struct socket *so)
{
	so->so_state &= ~SS_ISCONNECTED;
	so->so_state |= SS_ISCONNECTING;
	so_wakeup(so);
}

void
so_isconnected(struct socket *so)
{
	struct socket *head = so->so_head;

	so->so_state &= ~SS_ISCONNECTING;
	so->so_state |= SS_ISCONNECTED;
	if (head != NULL && so->so_onq == SO_ONQ0) {
		so_dequeue(so);
		so_enqueue(head, so, SO_ONQ);
		so_wakeup(head);
	}
	so_wakeup(so);
}

void
so_isdisconnected(struct socket *so)
{
	so->so_state &= ~(SS_ISCONNECTED | SS_ISCONNECTING);
	so->so_state |= SS_CANTRCVMORE | SS_CANTSENDMORE;
	so_wakeup(so);
}

void
so_cantrcvmore(struct socket *so)
{
	so->so_state |= SS_CANTRCVMORE;
	so_wakeup(so);
}

void
so_pcbgone(struct socket *so)
{
	struct socket *head = so->so_head;

	so->so_pcb = NULL;
	if (head == NULL) {
		so_wakeup(so);
		return;
	}
	so_dequeue(so);
	so_wakeup(head);
	so_free(so);
}

/* ---- life cycle --------------------------------------------------------- */

static void
so_free(struct socket *so)
{
	sb_flush(&so->so_rcv);
	sb_flush(&so->so_snd);
	cv_destroy(&so->so_cv);
	kmem_free(so, sizeof(*so));
}

/* Leaves a call; the last one out of a closed socket frees it. */
static void
so_rele(struct socket *so)
{
	KASSERT(so->so_refs > 0);
	if (--so->so_refs == 0 && (so->so_state & SS_CLOSING) != 0)
		so_free(so);
}

int
so_create(int family, int type, int protocol, struct socket **sop)
{
	const struct sockproto *sp;
	struct socket *so;
	int rv;

	if ((sp = sock_find(family, type, protocol)) == NULL)
		return errno;
	if ((so = kmem_zalloc(sizeof(*so), KM_SLEEP)) == NULL)
		return ENOBUFS;
	so->so_type = type;
	so->so_protocol = sp->sp_protocol;
	so->so_proto = sp;
	so->so_linger = -1;
	sb_init(&so->so_rcv);
	sb_init(&so->so_snd);
	cv_init(&so->so_cv, "socket");
	mutex_enter(&net_lock);
	rv = sp->sp_attach(so);
	mutex_exit(&net_lock);
	if (rv != 0) {
		cv_destroy(&so->so_cv);
		kmem_free(so, sizeof(*so));
		return rv;
	}
	*sop = so;
	return 0;
}

/* Every connection queued on listener head is reset and freed. */
static void
so_qflush(struct socket *head)
{
	struct socket **qp[2] = {&head->so_q0, &head->so_q};

	for (int i = 0; i < 2; i++) {
		while (*qp[i] != NULL) {
			struct socket *c = *qp[i];

			c->so_proto->sp_abort(c);
			/* sp_abort ends in so_pcbgone, which unlinks c */
			KASSERT(*qp[i] != c);
		}
	}
}

int
so_close(struct socket *so)
{
	mutex_enter(&net_lock);
	if ((so->so_options & SO_ACCEPTCONN_K) != 0)
		so_qflush(so);
	so->so_proto->sp_detach(so);
	so->so_pcb = NULL;
	so->so_state |= SS_CLOSING | SS_CANTRCVMORE | SS_CANTSENDMORE;
	so_wakeup(so);
	so->so_refs++;
	so_rele(so);
	mutex_exit(&net_lock);
	return 0;
}

/* ---- addresses ---------------------------------------------------------- */

static int
sin_from_user(const void *addr, unsigned addrlen, struct sockaddr_in_k *sin)
{
	if (addr == NULL || addrlen < sizeof(*sin))
		return EINVAL;
	memcpy(sin, addr, sizeof(*sin));
	if (sin->sin_family != AF_INET_K)
		return EAFNOSUPPORT;
	sin->sin_len = sizeof(*sin);
	return 0;
}

static void
sin_to_user(const struct sockaddr_in_k *sin, void *addr, unsigned *addrlen)
{
	unsigned n;

	if (addr == NULL || addrlen == NULL)
		return;
	n = *addrlen < sizeof(*sin) ? *addrlen : sizeof(*sin);
	memcpy(addr, sin, n);
	*addrlen = sizeof(*sin);
}

/* A call into the socket: net_lock held and the socket referenced. */
void
so_call_begin(struct socket *so)
{
	mutex_enter(&net_lock);
	so->so_refs++;
}

void
so_call_end(struct socket *so)
{
	so_rele(so);
	mutex_exit(&net_lock);
}

int
so_bind(struct socket *so, const void *addr, unsigned addrlen)
{
	struct sockaddr_in_k sin;
	int rv;

	if ((rv = sin_from_user(addr, addrlen, &sin)) != 0)
		return rv;
	so_call_begin(so);
	rv = so->so_proto->sp_bind(so, &sin);
	so_call_end(so);
	return rv;
}

/* Sleeps on so for at most timeo_ns (0: no limit); ETIMEDOUT or 0. */
static int
so_sleep(struct socket *so, uint64_t timeo_ns)
{
	if (timeo_ns == 0) {
		cv_wait(&so->so_cv, &net_lock);
		return 0;
	}
	return cv_timedwait_ns(&so->so_cv, &net_lock, timeo_ns) != 0 ?
	    ETIMEDOUT : 0;
}

/* Takes the pending error, 0 if none. */
static int
so_takeerror(struct socket *so)
{
	int e = so->so_error;

	so->so_error = 0;
	return e;
}

/* A stream connect: starts it, then waits for the outcome unless the
 * socket is non-blocking. */
static int
so_connect_stream(struct socket *so, const struct sockaddr_in_k *sin)
{
	int rv;

	if ((so->so_options & SO_ACCEPTCONN_K) != 0)
		return EOPNOTSUPP;
	if ((so->so_state & SS_ISCONNECTING) != 0)
		return EALREADY;
	if ((so->so_state & (SS_ISCONNECTED | SS_CANTSENDMORE)) != 0)
		return EISCONN;
	if ((rv = so->so_proto->sp_connect(so, sin)) != 0)
		return rv;
	if ((so->so_state & SS_NBIO) != 0)
		return EINPROGRESS;
	while ((so->so_state & SS_ISCONNECTING) != 0 && so->so_error == 0) {
		if (so_sleep(so, so->so_snd.sb_timeo_ns) != 0 &&
		    (so->so_state & SS_ISCONNECTING) != 0)
			return EINPROGRESS;	/* keeps going, as BSD */
	}
	if ((rv = so_takeerror(so)) != 0)
		return rv;
	return (so->so_state & SS_ISCONNECTED) != 0 ? 0 : ECONNABORTED;
}

int
so_connect(struct socket *so, const void *addr, unsigned addrlen)
{
	struct sockaddr_in_k sin;
	int rv;

	if (addr != NULL && addrlen >= 2 &&
	    ((const uint8_t *)addr)[1] == AF_UNSPEC_K &&
	    so->so_type != SOCK_STREAM_K) {
		so_call_begin(so);
		rv = so->so_proto->sp_disconnect(so);
		so_call_end(so);
		return rv;
	}
	if ((rv = sin_from_user(addr, addrlen, &sin)) != 0)
		return rv;
	so_call_begin(so);
	if (so->so_type == SOCK_STREAM_K)
		rv = so_connect_stream(so, &sin);
	else
		rv = so->so_proto->sp_connect(so, &sin);
	so_call_end(so);
	return rv;
}

int
so_listen(struct socket *so, int backlog)
{
	int rv = EOPNOTSUPP;

	so_call_begin(so);
	if (so->so_proto->sp_listen != NULL)
		rv = so->so_proto->sp_listen(so, backlog);
	if (rv == 0) {
		so->so_options |= SO_ACCEPTCONN_K;
		so->so_qlimit = backlog < 1 ? 1 : backlog > SOMAXCONN_K ?
		    SOMAXCONN_K : (unsigned)backlog;
	}
	so_call_end(so);
	return rv;
}

/* Unlinks so from its listener's queue. */
static void
so_dequeue(struct socket *so)
{
	struct socket *head = so->so_head;
	struct socket **pp = so->so_onq == SO_ONQ0 ? &head->so_q0 :
	    &head->so_q;

	while (*pp != so)
		pp = &(*pp)->so_qnext;
	*pp = so->so_qnext;
	if (so->so_onq == SO_ONQ0)
		head->so_q0len--;
	else
		head->so_qlen--;
	so->so_qnext = NULL;
	so->so_head = NULL;
	so->so_onq = 0;
}

/* Appends so to head's queue q. */
static void
so_enqueue(struct socket *head, struct socket *so, int q)
{
	struct socket **pp = q == SO_ONQ0 ? &head->so_q0 : &head->so_q;

	while (*pp != NULL)
		pp = &(*pp)->so_qnext;
	*pp = so;
	so->so_qnext = NULL;
	so->so_head = head;
	so->so_onq = q;
	if (q == SO_ONQ0)
		head->so_q0len++;
	else
		head->so_qlen++;
}

static int
so_wait_accept(struct socket *so)
{
	for (;;) {
		if ((so->so_options & SO_ACCEPTCONN_K) == 0 ||
		    (so->so_state & SS_CLOSING) != 0)
			return EINVAL;
		if (so->so_q != NULL)
			return 0;
		if (so->so_error != 0)
			return so_takeerror(so);
		if ((so->so_state & SS_CANTRCVMORE) != 0)
			return ECONNABORTED;
		if ((so->so_state & SS_NBIO) != 0)
			return EWOULDBLOCK;
		if (so_sleep(so, so->so_rcv.sb_timeo_ns) != 0 &&
		    so->so_q == NULL)
			return EWOULDBLOCK;
	}
}

int
so_accept(struct socket *so, struct socket **nsop, void *addr,
    unsigned *addrlen)
{
	struct sockaddr_in_k sin;
	struct socket *ns;
	int rv;

	*nsop = NULL;
	so_call_begin(so);
	if ((rv = so_wait_accept(so)) == 0) {
		ns = so->so_q;
		so_dequeue(ns);
		memset(&sin, 0, sizeof(sin));
		if (ns->so_proto->sp_peeraddr(ns, &sin) != 0) {
			sin.sin_len = sizeof(sin);
			sin.sin_family = AF_INET_K;
		}
		*nsop = ns;
	}
	so_call_end(so);
	if (rv == 0)
		sin_to_user(&sin, addr, addrlen);
	return rv;
}

int
so_shutdown(struct socket *so, int how)
{
	int rv;

	if (how < 0 || how > 2)
		return EINVAL;
	so_call_begin(so);
	if (so->so_type == SOCK_STREAM_K &&
	    (so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) == 0 &&
	    (so->so_options & SO_ACCEPTCONN_K) == 0) {
		so_call_end(so);
		return ENOTCONN;
	}
	if (how != 1 && so->so_type == SOCK_STREAM_K)
		sb_flush(&so->so_rcv);
	if (how != 1)
		so->so_state |= SS_CANTRCVMORE;
	if (how != 0)
		so->so_state |= SS_CANTSENDMORE;
	rv = so->so_proto->sp_shutdown(so, how);
	so_wakeup(so);
	so_call_end(so);
	return rv;
}

int
so_getsockname(struct socket *so, void *addr, unsigned *addrlen)
{
	struct sockaddr_in_k sin;
	int rv;

	memset(&sin, 0, sizeof(sin));
	so_call_begin(so);
	rv = so->so_proto->sp_sockaddr(so, &sin);
	so_call_end(so);
	if (rv == 0)
		sin_to_user(&sin, addr, addrlen);
	return rv;
}

int
so_getpeername(struct socket *so, void *addr, unsigned *addrlen)
{
	struct sockaddr_in_k sin;
	int rv;

	memset(&sin, 0, sizeof(sin));
	so_call_begin(so);
	rv = so->so_proto->sp_peeraddr(so, &sin);
	so_call_end(so);
	if (rv == 0)
		sin_to_user(&sin, addr, addrlen);
	return rv;
}

void
so_setnbio(struct socket *so, bool on)
{
	mutex_enter(&net_lock);
	if (on)
		so->so_state |= SS_NBIO;
	else
		so->so_state &= ~SS_NBIO;
	mutex_exit(&net_lock);
}

/* ---- data --------------------------------------------------------------- */

/* The user's bytes as a packet; NULL if no memory. */
static struct mbuf *
so_copyin(const void *buf, size_t len)
{
	struct mbuf *m = m_gethdr(M_WAITOK);

	if (m == NULL)
		return NULL;
	/* room in front for the protocol, IP and link headers */
	m->m_data += SO_HEADROOM;
	if (len > 0 && m_append(m, (unsigned)len, buf) != 0) {
		m_freem(m);
		return NULL;
	}
	return m;
}

/* Why a stream socket cannot take data now (0: it can, maybe after
 * waiting for room). */
static int
so_snd_error(struct socket *so)
{
	if ((so->so_state & SS_CANTSENDMORE) != 0)
		return EPIPE;
	if (so->so_error != 0)
		return so_takeerror(so);
	if ((so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING)) == 0)
		return ENOTCONN;
	return 0;
}

/* Waits until so can take bytes; 0, an error, or EWOULDBLOCK. */
static int
so_wait_snd(struct socket *so, int flags)
{
	int rv;

	for (;;) {
		if ((rv = so_snd_error(so)) != 0)
			return rv;
		if ((so->so_state & SS_ISCONNECTED) != 0 &&
		    sb_space(&so->so_snd) > 0)
			return 0;
		if ((so->so_state & SS_NBIO) != 0 ||
		    (flags & MSG_DONTWAIT_K) != 0)
			return EWOULDBLOCK;
		if (so_sleep(so, so->so_snd.sb_timeo_ns) != 0 &&
		    so_snd_error(so) == 0 && sb_space(&so->so_snd) == 0)
			return EWOULDBLOCK;
	}
}

/*
 * Stream send: every byte is queued before returning, unless the socket
 * is non-blocking, the send timeout passes or an error comes; then the
 * bytes queued so far count, and the error only if there were none.
 * net_lock is released while bytes are copied into mbufs.
 */
static int
so_send_stream(struct socket *so, const uint8_t *buf, size_t len, int flags,
    size_t *sent)
{
	struct mbuf *m;
	size_t n;
	int rv = 0;

	so_call_begin(so);
	while (*sent < len || (len == 0 && *sent == 0)) {
		if ((rv = so_wait_snd(so, flags)) != 0)
			break;
		if (len == 0)
			break;
		n = sb_space(&so->so_snd);
		n = n < len - *sent ? n : len - *sent;
		n = n < SO_SND_CHUNK ? n : SO_SND_CHUNK;
		mutex_exit(&net_lock);
		m = so_copyin(buf + *sent, n);
		mutex_enter(&net_lock);
		if (m == NULL) {
			rv = ENOBUFS;
			break;
		}
		if ((rv = so_snd_error(so)) != 0) {
			m_freem(m);
			break;
		}
		if ((rv = so->so_proto->sp_send(so, m, NULL)) != 0)
			break;
		*sent += n;
	}
	so_call_end(so);
	return *sent > 0 && (rv == EWOULDBLOCK || rv == ENOBUFS) ? 0 : rv;
}

int
so_sendto(struct socket *so, const void *buf, size_t len, int flags,
    const void *addr, unsigned addrlen, size_t *sent)
{
	struct sockaddr_in_k sin, *to = NULL;
	struct mbuf *m;
	int rv;

	*sent = 0;
	if (so->so_type == SOCK_STREAM_K)
		return so_send_stream(so, buf, len, flags, sent);
	if (addr != NULL) {
		if ((rv = sin_from_user(addr, addrlen, &sin)) != 0)
			return rv;
		to = &sin;
	}
	if (len > SO_MAXDGRAM)
		return EMSGSIZE;
	if ((m = so_copyin(buf, len)) == NULL)
		return ENOBUFS;
	so_call_begin(so);
	if ((so->so_state & SS_CANTSENDMORE) != 0) {
		m_freem(m);
		rv = EPIPE;
	} else if (so->so_error != 0) {
		m_freem(m);
		rv = so->so_error;
		so->so_error = 0;
	} else {
		rv = so->so_proto->sp_send(so, m, to);
	}
	so_call_end(so);
	if (rv == 0)
		*sent = len;
	return rv;
}

/* Sleeps for data on so_rcv; 0 when there is something to return. */
static int
so_wait_rcv(struct socket *so, int flags)
{
	int rv;

	for (;;) {
		if (so->so_rcv.sb_head != NULL)
			return 0;
		if (so->so_error != 0) {
			rv = so->so_error;
			so->so_error = 0;
			return rv;
		}
		if ((so->so_state & SS_CANTRCVMORE) != 0)
			return 0;
		if ((so->so_state & SS_NBIO) != 0 ||
		    (flags & MSG_DONTWAIT_K) != 0)
			return EWOULDBLOCK;
		if (so->so_rcv.sb_timeo_ns == 0)
			cv_wait(&so->so_cv, &net_lock);
		else if (cv_timedwait_ns(&so->so_cv, &net_lock,
		    so->so_rcv.sb_timeo_ns) != 0 &&
		    so->so_rcv.sb_head == NULL)
			return EWOULDBLOCK;
	}
}

/* One datagram record into buf; the rest of it is discarded. */
static size_t
so_take_dgram(struct socket *so, void *buf, size_t len, int flags,
    void *addr, unsigned *addrlen)
{
	struct mbuf *rec = so->so_rcv.sb_head;
	struct sockaddr_in_k sin;
	unsigned dlen = m_length(rec->m_next);
	size_t n = len < dlen ? len : dlen;

	memcpy(&sin, rec->m_data, sizeof(sin));
	if (n > 0)
		m_copydata(rec->m_next, 0, (unsigned)n, buf);
	sin_to_user(&sin, addr, addrlen);
	if ((flags & MSG_PEEK_K) == 0)
		sb_drop_record(&so->so_rcv, dlen);
	return n;
}

/* Stream data: as many bytes as fit, across records (a peek looks
 * across them too and takes nothing). */
static size_t
so_take_stream(struct socket *so, uint8_t *buf, size_t len, int flags)
{
	struct sockbuf *sb = &so->so_rcv;
	struct mbuf *rec = sb->sb_head;
	size_t done = 0;

	while (done < len && rec != NULL) {
		unsigned have = m_length(rec);
		unsigned n = (unsigned)(len - done < have ? len - done : have);

		if (n > 0)
			m_copydata(rec, 0, n, buf + done);
		done += n;
		if ((flags & MSG_PEEK_K) != 0) {
			rec = rec->m_nextpkt;
			continue;
		}
		if (n == have) {
			sb_drop_record(sb, n);
		} else {
			m_adj(rec, (int)n);
			sb->sb_cc -= n;
		}
		rec = sb->sb_head;
	}
	if (done > 0 && (flags & MSG_PEEK_K) == 0 &&
	    so->so_proto->sp_rcvd != NULL)
		so->so_proto->sp_rcvd(so);
	return done;
}

/*
 * Stream receive: what is there (waiting for something first); with
 * MSG_WAITALL until len bytes came, EOF, an error or a timeout (the
 * bytes that came are returned then, the error kept for later).
 */
static int
so_recv_stream(struct socket *so, uint8_t *buf, size_t len, int flags,
    void *addr, unsigned *addrlen, size_t *got)
{
	struct sockaddr_in_k sin;
	int rv;

	if ((so->so_state & (SS_ISCONNECTED | SS_ISCONNECTING |
	    SS_CANTRCVMORE)) == 0 && so->so_rcv.sb_head == NULL &&
	    so->so_error == 0)
		return ENOTCONN;
	for (;;) {
		if (*got > 0 && so->so_rcv.sb_head == NULL &&
		    (so->so_error != 0 ||
		    (so->so_state & SS_CANTRCVMORE) != 0))
			break;	/* report the bytes now, the rest later */
		if ((rv = so_wait_rcv(so, flags)) != 0)
			return *got > 0 ? 0 : rv;
		if (so->so_rcv.sb_head == NULL)
			break;	/* EOF */
		*got += so_take_stream(so, buf + *got, len - *got, flags);
		if ((flags & (MSG_WAITALL_K | MSG_PEEK_K)) != MSG_WAITALL_K ||
		    *got >= len)
			break;
	}
	memset(&sin, 0, sizeof(sin));
	if (addr != NULL && addrlen != NULL &&
	    so->so_proto->sp_peeraddr(so, &sin) == 0)
		sin_to_user(&sin, addr, addrlen);
	return 0;
}

int
so_recvfrom(struct socket *so, void *buf, size_t len, int flags,
    void *addr, unsigned *addrlen, size_t *got)
{
	int rv;

	*got = 0;
	so_call_begin(so);
	if (so->so_type == SOCK_STREAM_K) {
		rv = so_recv_stream(so, buf, len, flags, addr, addrlen, got);
	} else {
		rv = so_wait_rcv(so, flags);
		if (rv == 0 && so->so_rcv.sb_head != NULL)
			*got = so_take_dgram(so, buf, len, flags, addr,
			    addrlen);
	}
	so_call_end(so);
	return rv;
}
