/*
 * Sockets (sys/net/socket.c): the protocol-independent layer between the
 * application's BSD socket calls (sys/libc/socket.c) and the protocols
 * (netinet registers UDP and ICMP echo; TCP comes later).
 *
 * Calls are made with a rump kernel CPU held (rump_schedule) and without
 * net_lock; they take net_lock themselves and sleep on condition
 * variables under it. Protocol entry points (struct sockproto) run with
 * net_lock held.
 *
 * Addresses cross this layer in the application's sockaddr layout, which
 * is ours (include/libc/netinet/in.h): the 4.4BSD one, a length byte then
 * a family byte. struct sockaddr_in_k below is the same layout, asserted
 * against the libc header in sys/libc/socket.c.
 *
 * A datagram socket's receive queue holds one record per datagram: a
 * small mbuf with the sender's struct sockaddr_in_k (m_nextpkt links
 * records), followed through m_next by the data.
 *
 * Stream sockets (TCP): the receive queue holds records of bytes in
 * order (sb_append_stream packs them into clusters); the send queue is
 * the protocol's: one m_next chain of the bytes not yet acknowledged,
 * sb_cc long. A listening socket (SO_ACCEPTCONN) keeps the connections
 * the protocol makes for it (so_newconn) on two queues: incomplete ones
 * (so_q0, handshake in progress) and complete ones (so_q, waiting for
 * so_accept). A queued socket belongs to its listener until accepted:
 * nobody else holds it, and the protocol frees it (so_pcbgone) if the
 * connection dies first.
 */
#ifndef NET_SOCKET_H
#define NET_SOCKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kern/condvar.h>
#include <net/mbuf.h>

#define AF_UNSPEC_K 0
#define AF_INET_K 2
#define SOCK_STREAM_K 1
#define SOCK_DGRAM_K 2
#define SOCK_RAW_K 3

struct sockaddr_in_k {
	uint8_t sin_len;	/* sizeof(struct sockaddr_in_k) */
	uint8_t sin_family;	/* AF_INET_K */
	uint16_t sin_port;	/* network order */
	uint32_t sin_addr;	/* network order */
	uint8_t sin_zero[8];
};
_Static_assert(sizeof(struct sockaddr_in_k) == 16, "sockaddr_in layout");

/* Socket options (levels and names as the libc headers number them). */
#define SOL_SOCKET_K 0xffff
#define SO_DEBUG_K 0x0001
#define SO_ACCEPTCONN_K 0x0002
#define SO_REUSEADDR_K 0x0004
#define SO_KEEPALIVE_K 0x0008
#define SO_BROADCAST_K 0x0020
#define SO_LINGER_K 0x0080
#define SO_REUSEPORT_K 0x0200
#define SO_SNDBUF_K 0x1001
#define SO_RCVBUF_K 0x1002
#define SO_SNDTIMEO_K 0x1005
#define SO_RCVTIMEO_K 0x1006
#define SO_ERROR_K 0x1007
#define SO_TYPE_K 0x1008
#define IPPROTO_IP_K 0
#define IP_TOS_K 3
#define IP_TTL_K 4
#define IPPROTO_TCP_K 6
#define TCP_NODELAY_K 1
#define TCP_MAXSEG_K 2
#define TCP_KEEPIDLE_K 4	/* seconds */
#define TCP_KEEPINTVL_K 5	/* seconds */
#define TCP_KEEPCNT_K 6
#define SOMAXCONN_K 128

/* SO_LINGER's value (struct linger of <sys/socket.h>). */
struct so_linger {
	int l_onoff;
	int l_linger;	/* seconds; only 0 (reset on close) is special */
};

/* so_state */
#define SS_ISCONNECTED 0x0002
#define SS_ISCONNECTING 0x0004
#define SS_CANTSENDMORE 0x0010
#define SS_CANTRCVMORE 0x0020
#define SS_NBIO 0x0100
#define SS_CLOSING 0x0200

/* send/recv flags */
#define MSG_PEEK_K 0x2
#define MSG_WAITALL_K 0x40	/* stream: all len bytes (or EOF, error) */
#define MSG_DONTWAIT_K 0x80

#define SB_DEFAULT_HIWAT (128 * 1024)
#define SB_MAX (1024 * 1024)

struct socket;

struct sockbuf {
	struct mbuf *sb_head;	/* records, linked by m_nextpkt */
	struct mbuf *sb_tail;
	unsigned sb_cc;		/* data bytes queued */
	unsigned sb_hiwat;	/* limit */
	uint64_t sb_timeo_ns;	/* 0: wait forever */
	uint64_t sb_drops;	/* records refused: buffer full */
};

/* A protocol: one per (family, type, protocol). net_lock held. */
struct sockproto {
	int sp_family, sp_type, sp_protocol;
	bool sp_default;	/* the one for protocol 0 of its type */
	int (*sp_attach)(struct socket *so);
	void (*sp_detach)(struct socket *so);
	int (*sp_bind)(struct socket *so, const struct sockaddr_in_k *sin);
	int (*sp_connect)(struct socket *so, const struct sockaddr_in_k *sin);
	int (*sp_disconnect)(struct socket *so);
	int (*sp_shutdown)(struct socket *so, int how);
	/* Consumes m (to: NULL for the connected peer). */
	int (*sp_send)(struct socket *so, struct mbuf *m,
	    const struct sockaddr_in_k *to);
	int (*sp_sockaddr)(struct socket *so, struct sockaddr_in_k *sin);
	int (*sp_peeraddr)(struct socket *so, struct sockaddr_in_k *sin);
	/* Options of levels other than SOL_SOCKET; ENOPROTOOPT if unknown. */
	int (*sp_setopt)(struct socket *so, int level, int name,
	    const void *val, unsigned len);
	int (*sp_getopt)(struct socket *so, int level, int name, void *val,
	    unsigned *len);
	/* Stream protocols (may be NULL for datagram ones). */
	int (*sp_listen)(struct socket *so, int backlog);
	void (*sp_rcvd)(struct socket *so);	/* data was read */
	/* A connection nobody will accept (its listener closes): reset it
	 * and let go of the socket (so_pcbgone). */
	void (*sp_abort)(struct socket *so);
};

struct socket {
	int so_type;
	int so_protocol;
	const struct sockproto *so_proto;
	void *so_pcb;
	unsigned so_state;
	unsigned so_options;	/* SO_*_K booleans */
	int so_error;		/* pending asynchronous error */
	struct sockbuf so_rcv;
	struct sockbuf so_snd;
	kcondvar_t so_cv;	/* any change: data, space, state */
	unsigned so_refs;
	int so_linger;		/* SO_LINGER seconds, -1: off */

	/* Listening stream sockets and the connections they made. */
	struct socket *so_head;	/* the listener whose queue holds us */
	struct socket *so_qnext;	/* next on that queue */
	int so_onq;		/* 0, SO_ONQ0 or SO_ONQ */
	struct socket *so_q0;	/* incomplete connections, oldest first */
	struct socket *so_q;	/* complete connections, oldest first */
	unsigned so_q0len;
	unsigned so_qlen;
	unsigned so_qlimit;	/* listen backlog */
};
#define SO_ONQ0 1
#define SO_ONQ 2

/* Protocols register at init (net_lock not needed). */
int sock_register(const struct sockproto *sp);

/* ---- calls from the libc glue (CPU held, net_lock not) ----------------- */
int so_create(int family, int type, int protocol, struct socket **sop);
int so_close(struct socket *so);
int so_bind(struct socket *so, const void *addr, unsigned addrlen);
int so_connect(struct socket *so, const void *addr, unsigned addrlen);
int so_listen(struct socket *so, int backlog);
/*
 * The next complete connection of listening socket so (blocks unless
 * non-blocking: EWOULDBLOCK; SO_RCVTIMEO); its peer's address to addr.
 * EINVAL if so does not listen.
 */
int so_accept(struct socket *so, struct socket **nsop, void *addr,
    unsigned *addrlen);
int so_shutdown(struct socket *so, int how);
int so_sendto(struct socket *so, const void *buf, size_t len, int flags,
    const void *addr, unsigned addrlen, size_t *sent);
int so_recvfrom(struct socket *so, void *buf, size_t len, int flags,
    void *addr, unsigned *addrlen, size_t *got);
int so_setsockopt(struct socket *so, int level, int name, const void *val,
    unsigned len);
int so_getsockopt(struct socket *so, int level, int name, void *val,
    unsigned *len);
int so_getsockname(struct socket *so, void *addr, unsigned *addrlen);
int so_getpeername(struct socket *so, void *addr, unsigned *addrlen);
void so_setnbio(struct socket *so, bool on);

/* poll: readiness bits as <poll.h> numbers them. */
#define SO_POLLIN 0x0001
#define SO_POLLOUT 0x0004
#define SO_POLLERR 0x0008
#define SO_POLLHUP 0x0010
unsigned so_poll(struct socket *so, unsigned events);
/*
 * Sleeps until some socket changes state or timeout_ns passes (0: do
 * not sleep, UINT64_MAX: no limit); the caller re-polls. Returns 0, or
 * EWOULDBLOCK on timeout.
 */
int so_poll_wait(uint64_t gen, uint64_t timeout_ns);
/* A counter that moves whenever any socket changes state. */
uint64_t so_poll_gen(void);

/* ---- for protocols (net_lock held) ------------------------------------- */
/* Queue a datagram from `from`; false (m freed, counted) if full. */
bool sb_append_dgram(struct socket *so, struct mbuf *m,
    const struct sockaddr_in_k *from);
/* Wake everyone waiting on so (data, space or state changed). */
void so_wakeup(struct socket *so);
void so_seterror(struct socket *so, int error);

/* Stream sockets. */
/* Bytes that still fit in sb (0 if full). */
unsigned sb_space(const struct sockbuf *sb);
/* In-order stream bytes m (any chain; consumed) to the receive queue,
 * copied into clusters; returns how many were queued (fewer than all
 * only when memory ran out). */
unsigned sb_append_stream(struct socket *so, struct mbuf *m);
/*
 * A new connection socket for listener head, on its incomplete queue,
 * with the listener's options and buffer sizes, attached to the
 * protocol (sp_attach). NULL if no memory or the queue is full (the
 * protocol makes room first: so_q0 is the oldest incomplete one).
 */
struct socket *so_newconn(struct socket *head);
/* Limit of head's incomplete queue. */
unsigned so_q0limit(const struct socket *head);
void so_isconnecting(struct socket *so);
/* Established: a queued connection moves to the complete queue. */
void so_isconnected(struct socket *so);
/* Connection gone both ways (after so_seterror if it failed). */
void so_isdisconnected(struct socket *so);
/* The peer sent FIN. */
void so_cantrcvmore(struct socket *so);
/* The protocol let go of so (so_pcb is NULL now): a socket still on a
 * listener's queue is unlinked and freed, others just woken. */
void so_pcbgone(struct socket *so);

#endif
