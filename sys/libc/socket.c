/*
 * BSD socket calls of the application (include/libc/sys/socket.h) over
 * the rump kernel's socket layer (include/net/socket.h): each call takes
 * a rump kernel CPU for its duration (a call that sleeps gives it back
 * while asleep, inside the kernel), and turns the kernel's errno value
 * into -1 and errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>

#include <kern/kassert.h>
#include <kern/rump.h>
#include <net/socket.h>

#include "fd.h"

/* The application's layout and numbers are the kernel's. */
_Static_assert(sizeof(struct sockaddr_in) == sizeof(struct sockaddr_in_k),
    "sockaddr_in size");
_Static_assert(offsetof(struct sockaddr_in, sin_port) ==
    offsetof(struct sockaddr_in_k, sin_port), "sin_port");
_Static_assert(offsetof(struct sockaddr_in, sin_addr) ==
    offsetof(struct sockaddr_in_k, sin_addr), "sin_addr");
_Static_assert(AF_INET == AF_INET_K && SOCK_DGRAM == SOCK_DGRAM_K &&
    SOCK_STREAM == SOCK_STREAM_K && SOCK_RAW == SOCK_RAW_K, "types");
_Static_assert(SOL_SOCKET == SOL_SOCKET_K && SO_REUSEADDR == SO_REUSEADDR_K &&
    SO_KEEPALIVE == SO_KEEPALIVE_K && SO_BROADCAST == SO_BROADCAST_K &&
    SO_SNDBUF == SO_SNDBUF_K && SO_RCVBUF == SO_RCVBUF_K &&
    SO_SNDTIMEO == SO_SNDTIMEO_K && SO_RCVTIMEO == SO_RCVTIMEO_K &&
    SO_ERROR == SO_ERROR_K && SO_TYPE == SO_TYPE_K &&
    SO_REUSEPORT == SO_REUSEPORT_K && SO_ACCEPTCONN == SO_ACCEPTCONN_K,
    "socket options");
_Static_assert(MSG_PEEK == MSG_PEEK_K && MSG_DONTWAIT == MSG_DONTWAIT_K &&
    MSG_WAITALL == MSG_WAITALL_K,
    "message flags");
_Static_assert(IPPROTO_IP == IPPROTO_IP_K && IP_TTL == IP_TTL_K &&
    IP_TOS == IP_TOS_K, "IP options");
_Static_assert(IPPROTO_TCP == IPPROTO_TCP_K && TCP_NODELAY == TCP_NODELAY_K &&
    TCP_MAXSEG == TCP_MAXSEG_K && TCP_KEEPIDLE == TCP_KEEPIDLE_K &&
    TCP_KEEPINTVL == TCP_KEEPINTVL_K && TCP_KEEPCNT == TCP_KEEPCNT_K &&
    SOMAXCONN == SOMAXCONN_K, "TCP options");
_Static_assert(SO_LINGER == SO_LINGER_K &&
    sizeof(struct linger) == sizeof(struct so_linger) &&
    offsetof(struct linger, l_linger) == offsetof(struct so_linger, l_linger),
    "SO_LINGER");
_Static_assert(POLLIN == SO_POLLIN && POLLOUT == SO_POLLOUT &&
    POLLERR == SO_POLLERR && POLLHUP == SO_POLLHUP, "poll bits");

int
socket(int domain, int type, int protocol)
{
	struct socket *so;
	int rv, fd;

	rump_schedule();
	rv = so_create(domain, type, protocol, &so);
	rump_unschedule();
	if (rv != 0)
		return fd_kcall_result(rv);
	if ((fd = fd_alloc(so)) < 0) {
		rump_schedule();
		so_close(so);
		rump_unschedule();
	}
	return fd;
}

int
sock_close(int fd, struct socket *so)
{
	fd_release(fd);
	rump_schedule();
	so_close(so);
	rump_unschedule();
	return 0;
}

int
bind(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct socket *so = fd_socket(fd);
	int rv;

	if (so == NULL)
		return -1;
	rump_schedule();
	rv = so_bind(so, addr, len);
	rump_unschedule();
	return fd_kcall_result(rv);
}

int
connect(int fd, const struct sockaddr *addr, socklen_t len)
{
	struct socket *so = fd_socket(fd);
	int rv;

	if (so == NULL)
		return -1;
	rump_schedule();
	rv = so_connect(so, addr, len);
	rump_unschedule();
	return fd_kcall_result(rv);
}

int
listen(int fd, int backlog)
{
	struct socket *so = fd_socket(fd);
	int rv;

	if (so == NULL)
		return -1;
	rump_schedule();
	rv = so_listen(so, backlog);
	rump_unschedule();
	return fd_kcall_result(rv);
}

int
accept(int fd, struct sockaddr *addr, socklen_t *len)
{
	struct socket *so = fd_socket(fd), *nso;
	unsigned alen = len != NULL ? *len : 0;
	int rv, nfd;

	if (so == NULL)
		return -1;
	if (!fd_has_free()) {
		/* leave the connection queued for when one is closed */
		errno = EMFILE;
		return -1;
	}
	rump_schedule();
	rv = so_accept(so, &nso, len != NULL ? addr : NULL,
	    len != NULL ? &alen : NULL);
	rump_unschedule();
	if (rv != 0)
		return fd_kcall_result(rv);
	nfd = fd_alloc(nso);
	KASSERT(nfd >= 0);
	if (len != NULL)
		*len = alen;
	return nfd;
}

ssize_t
sendto(int fd, const void *buf, size_t len, int flags,
    const struct sockaddr *to, socklen_t tolen)
{
	struct socket *so = fd_socket(fd);
	size_t sent;
	int rv;

	if (so == NULL)
		return -1;
	rump_schedule();
	rv = so_sendto(so, buf, len, flags, to, tolen, &sent);
	rump_unschedule();
	return rv != 0 ? fd_kcall_result(rv) : (ssize_t)sent;
}

ssize_t
send(int fd, const void *buf, size_t len, int flags)
{
	return sendto(fd, buf, len, flags, NULL, 0);
}

ssize_t
recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from,
    socklen_t *fromlen)
{
	struct socket *so = fd_socket(fd);
	unsigned alen = fromlen != NULL ? *fromlen : 0;
	size_t got;
	int rv;

	if (so == NULL)
		return -1;
	if ((fd_getfl(fd) & O_NONBLOCK) != 0)
		flags |= MSG_DONTWAIT;
	rump_schedule();
	rv = so_recvfrom(so, buf, len, flags, from, fromlen != NULL ? &alen :
	    NULL, &got);
	rump_unschedule();
	if (rv != 0)
		return fd_kcall_result(rv);
	if (fromlen != NULL)
		*fromlen = alen;
	return (ssize_t)got;
}

ssize_t
recv(int fd, void *buf, size_t len, int flags)
{
	return recvfrom(fd, buf, len, flags, NULL, NULL);
}

int
shutdown(int fd, int how)
{
	struct socket *so = fd_socket(fd);
	int rv;

	if (so == NULL)
		return -1;
	rump_schedule();
	rv = so_shutdown(so, how);
	rump_unschedule();
	return fd_kcall_result(rv);
}

static int
sockname(int fd, struct sockaddr *addr, socklen_t *len, bool peer)
{
	struct socket *so = fd_socket(fd);
	unsigned alen;
	int rv;

	if (so == NULL)
		return -1;
	if (addr == NULL || len == NULL)
		return fd_kcall_result(EFAULT);
	alen = *len;
	rump_schedule();
	rv = peer ? so_getpeername(so, addr, &alen) :
	    so_getsockname(so, addr, &alen);
	rump_unschedule();
	if (rv == 0)
		*len = alen;
	return fd_kcall_result(rv);
}

int
getsockname(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sockname(fd, addr, len, false);
}

int
getpeername(int fd, struct sockaddr *addr, socklen_t *len)
{
	return sockname(fd, addr, len, true);
}

int
setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	struct socket *so = fd_socket(fd);
	int rv;

	if (so == NULL)
		return -1;
	rump_schedule();
	rv = so_setsockopt(so, level, name, val, len);
	rump_unschedule();
	return fd_kcall_result(rv);
}

int
getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	struct socket *so = fd_socket(fd);
	unsigned alen;
	int rv;

	if (so == NULL)
		return -1;
	if (len == NULL)
		return fd_kcall_result(EFAULT);
	alen = *len;
	rump_schedule();
	rv = so_getsockopt(so, level, name, val, &alen);
	rump_unschedule();
	if (rv == 0)
		*len = alen;
	return fd_kcall_result(rv);
}

/* fcntl on a socket: only the O_NONBLOCK status flag means anything. */
int
sock_fcntl(int fd, struct socket *so, int cmd, int arg)
{
	switch (cmd) {
	case F_GETFL:
		return O_RDWR | fd_getfl(fd);
	case F_SETFL:
		fd_setfl(fd, arg & O_NONBLOCK);
		rump_schedule();
		so_setnbio(so, (arg & O_NONBLOCK) != 0);
		rump_unschedule();
		return 0;
	case F_GETFD:
	case F_SETFD:
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}
