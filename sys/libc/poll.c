/*
 * poll() and select() over sockets and the console.
 *
 * Sockets wake a sleeping poll through the socket layer's change
 * counter (so_poll_gen/so_poll_wait). Console input does not move that
 * counter, so while the console is among the descriptors the wait is
 * cut into slices of POLL_CONS_SLICE_MS and the console is looked at
 * after each one.
 */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>

#include <bmk/cons.h>
#include <kern/rump.h>
#include <net/socket.h>

#include "fd.h"

#define POLL_CONS_SLICE_MS 10

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static short
poll_console(const struct pollfd *p)
{
	short r = 0;

	if (p->fd == 0 && (p->events & (POLLIN | POLLRDNORM)) != 0 &&
	    cons_input_ready())
		r |= p->events & (POLLIN | POLLRDNORM);
	if (p->fd != 0)
		r |= p->events & POLLOUT;
	return r;
}

/* One pass over the set; the number of ready entries. CPU held. */
static int
poll_scan(struct pollfd *fds, nfds_t nfds, bool *console)
{
	int n = 0;

	*console = false;
	for (nfds_t i = 0; i < nfds; i++) {
		struct pollfd *p = &fds[i];
		struct socket *so;

		p->revents = 0;
		if (p->fd < 0)
			continue;
		if (fd_is_console(p->fd)) {
			*console = true;
			p->revents = poll_console(p);
		} else if ((so = fd_socket(p->fd)) == NULL) {
			p->revents = POLLNVAL;
		} else {
			p->revents = (short)so_poll(so, (unsigned)p->events);
		}
		if (p->revents != 0)
			n++;
	}
	return n;
}

int
poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
	uint64_t deadline = timeout_ms < 0 ? UINT64_MAX :
	    now_ns() + (uint64_t)timeout_ms * 1000000u;
	bool console;
	int n;

	rump_schedule();
	for (;;) {
		uint64_t gen = so_poll_gen(), now, wait;

		if ((n = poll_scan(fds, nfds, &console)) > 0)
			break;
		now = now_ns();
		if (now >= deadline)
			break;
		wait = deadline == UINT64_MAX ? UINT64_MAX : deadline - now;
		if (console && wait > POLL_CONS_SLICE_MS * 1000000ull)
			wait = POLL_CONS_SLICE_MS * 1000000ull;
		if (so_poll_wait(gen, wait) != 0 && !console &&
		    deadline == UINT64_MAX) {
			/* no socket layer to wake us: nothing can change */
			rump_unschedule();
			errno = EINVAL;
			return -1;
		}
	}
	rump_unschedule();
	return n;
}

static void
select_add(struct pollfd *p, int fd, fd_set *r, fd_set *w, fd_set *e)
{
	p->fd = fd;
	p->events = 0;
	if (r != NULL && FD_ISSET(fd, r))
		p->events |= POLLIN;
	if (w != NULL && FD_ISSET(fd, w))
		p->events |= POLLOUT;
	if (e != NULL && FD_ISSET(fd, e))
		p->events |= POLLPRI;
}

int
select(int nfds, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
	struct pollfd pfd[FD_SETSIZE];
	nfds_t n = 0;
	int timeout = -1, ready = 0;

	if (nfds < 0 || nfds > FD_SETSIZE) {
		errno = EINVAL;
		return -1;
	}
	for (int fd = 0; fd < nfds; fd++) {
		select_add(&pfd[n], fd, r, w, e);
		if (pfd[n].events != 0)
			n++;
	}
	if (tv != NULL) {
		if (tv->tv_sec < 0 || tv->tv_usec < 0) {
			errno = EINVAL;
			return -1;
		}
		timeout = tv->tv_sec > 86400 * 24 ? 86400 * 24 * 1000 :
		    (int)(tv->tv_sec * 1000 + tv->tv_usec / 1000);
	}
	if (poll(pfd, n, timeout) < 0)
		return -1;
	for (nfds_t i = 0; i < n; i++) {
		if ((pfd[i].revents & POLLNVAL) != 0) {
			errno = EBADF;
			return -1;
		}
	}
	if (r != NULL)
		FD_ZERO(r);
	if (w != NULL)
		FD_ZERO(w);
	if (e != NULL)
		FD_ZERO(e);
	for (nfds_t i = 0; i < n; i++) {
		short rv = pfd[i].revents;

		if ((pfd[i].events & POLLIN) != 0 &&
		    (rv & (POLLIN | POLLHUP | POLLERR)) != 0) {
			FD_SET(pfd[i].fd, r);
			ready++;
		}
		if ((pfd[i].events & POLLOUT) != 0 &&
		    (rv & (POLLOUT | POLLERR)) != 0) {
			FD_SET(pfd[i].fd, w);
			ready++;
		}
	}
	return ready;
}
