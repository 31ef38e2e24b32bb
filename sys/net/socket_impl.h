/*
 * Private to the socket layer (socket.c, socket_opt.c, socket_poll.c).
 */
#ifndef NET_SOCKET_IMPL_H
#define NET_SOCKET_IMPL_H

struct socket;

#define SO_SND_LOWAT 2048	/* POLLOUT: at least this much room */

/* Enter a call on so: net_lock taken, the socket referenced (it is not
 * freed until so_call_end, even if closed meanwhile). */
void so_call_begin(struct socket *so);
/* Leave it: the last call out of a closed socket frees it. */
void so_call_end(struct socket *so);

/* The poll condition variable, once, before the first socket. */
void so_poll_init(void);

#endif
