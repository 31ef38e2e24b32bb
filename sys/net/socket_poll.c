/*
 * Readiness: the test behind poll/select, and the wakeups. Every change
 * a sleeper may wait for goes through so_wakeup, which wakes the
 * socket's own sleepers and moves so_gen, the counter poll() waits on
 * (one condition variable for every socket: poll may watch many).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>

#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/kassert.h>
#include <net/netif.h>
#include <net/socket.h>

#include "socket_impl.h"

static kcondvar_t so_poll_cv;
static bool so_poll_cv_ready;
static uint64_t so_gen;

void
so_poll_init(void)
{
	if (!so_poll_cv_ready) {
		cv_init(&so_poll_cv, "sopoll");
		so_poll_cv_ready = true;
	}
}

void
so_wakeup(struct socket *so)
{
	KASSERT(mutex_owned(&net_lock));
	cv_broadcast(&so->so_cv);
	so_gen++;
	cv_broadcast(&so_poll_cv);
}

unsigned
so_poll(struct socket *so, unsigned events)
{
	unsigned r = 0;

	mutex_enter(&net_lock);
	if (so->so_rcv.sb_head != NULL ||
	    (so->so_state & SS_CANTRCVMORE) != 0 || so->so_q != NULL)
		r |= SO_POLLIN;
	if ((so->so_state & SS_CANTSENDMORE) == 0 &&
	    (so->so_type != SOCK_STREAM_K ||
	    ((so->so_state & SS_ISCONNECTED) != 0 &&
	    sb_space(&so->so_snd) >= (so->so_snd.sb_hiwat < SO_SND_LOWAT ?
	    so->so_snd.sb_hiwat : SO_SND_LOWAT))))
		r |= SO_POLLOUT;
	/* a stream connect that failed is "writable": the error shows */
	if (so->so_type == SOCK_STREAM_K && so->so_error != 0)
		r |= SO_POLLOUT;
	if (so->so_error != 0)
		r |= SO_POLLERR;
	if ((so->so_state & (SS_CANTRCVMORE | SS_CANTSENDMORE)) ==
	    (SS_CANTRCVMORE | SS_CANTSENDMORE))
		r |= SO_POLLHUP;
	mutex_exit(&net_lock);
	return r & (events | SO_POLLERR | SO_POLLHUP);
}

uint64_t
so_poll_gen(void)
{
	uint64_t g;

	mutex_enter(&net_lock);
	g = so_gen;
	mutex_exit(&net_lock);
	return g;
}

int
so_poll_wait(uint64_t gen, uint64_t timeout_ns)
{
	uint64_t deadline = timeout_ns == UINT64_MAX ? UINT64_MAX :
	    kclock_ns() + timeout_ns;
	int rv = 0;

	if (timeout_ns == 0 || !so_poll_cv_ready)
		return EWOULDBLOCK;
	mutex_enter(&net_lock);
	while (so_gen == gen && rv == 0) {
		uint64_t now = kclock_ns();

		if (deadline == UINT64_MAX) {
			cv_wait(&so_poll_cv, &net_lock);
		} else if (now >= deadline) {
			rv = EWOULDBLOCK;
		} else {
			(void)cv_timedwait_ns(&so_poll_cv, &net_lock,
			    deadline - now);
		}
	}
	mutex_exit(&net_lock);
	return rv;
}
