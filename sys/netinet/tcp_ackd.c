/*
 * ACKs that wait for the application's answer.
 *
 * RFC 1122 (4.2.3.2) wants an ACK for at least every second full-sized
 * segment. When two such segments arrive in one input batch (a driver
 * handing over what its ring holds, ether_input_list), the ACK is not
 * sent from inside the batch: the connection goes on a list, and the
 * "tcpack" thread sends what is still owed once the threads the batch
 * woke (the readers of those connections) have had their turn. A reader
 * that answers at once (echo, request/response) carries the ACK on its
 * data and nothing more is sent; otherwise the ACK leaves one
 * scheduling round later, well before the delayed-ACK timer, which
 * stays armed as the backstop.
 *
 * Outside input batches (timers, host tests calling ether_input one
 * frame at a time) ACKs go out at once as before.
 *
 * Invariant: a block is on ackd_list iff t_ackd_queued; tcp_close takes
 * it off (tcp_ackd_forget), so the list never holds a freed block. All
 * of it is guarded by net_lock.
 */
#include <stdbool.h>

#include <kern/condvar.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kthread.h>
#include <net/netif.h>
#include <netinet/inet.h>

#include "in_var.h"
#include "tcp_var.h"

static struct tcpcb *ackd_list;
static kcondvar_t ackd_cv;
static bool ackd_running;

/* net_lock held: true if tp's immediate ACK is left to the thread. */
bool
tcp_ackd_defer(struct tcpcb *tp)
{
	KASSERT(mutex_owned(&net_lock));
	if (!ackd_running || !if_batch_active())
		return false;
	if (!tp->t_ackd_queued) {
		tp->t_ackd_queued = true;
		tp->t_ackd_next = ackd_list;
		ackd_list = tp;
	}
	return true;
}

void
tcp_ackd_forget(struct tcpcb *tp)
{
	struct tcpcb **pp;

	if (!tp->t_ackd_queued)
		return;
	for (pp = &ackd_list; *pp != tp; pp = &(*pp)->t_ackd_next)
		KASSERT(*pp != NULL);
	*pp = tp->t_ackd_next;
	tp->t_ackd_queued = false;
}

/* End of an output batch (net_lock held). */
static void
ackd_batch_done(void)
{
	if (ackd_list != NULL)
		cv_signal(&ackd_cv);
}

static void
ackd_flush(void)
{
	struct tcpcb *tp;

	while ((tp = ackd_list) != NULL) {
		ackd_list = tp->t_ackd_next;
		tp->t_ackd_queued = false;
		if (tp->t_unacked_segs >= 2) {
			tp->t_flags |= TF_ACKNOW;
			tcp_output(tp);
		}
	}
}

static void
ackd_thread(void *arg)
{
	(void)arg;
	mutex_enter(&net_lock);
	for (;;) {
		while (ackd_list == NULL)
			cv_wait(&ackd_cv, &net_lock);
		ackd_flush();
	}
}

/* net_lock held (inet_init). Without the thread, ACKs go out at once. */
void
tcp_ackd_init(void)
{
	int error;

	cv_init(&ackd_cv, "tcpack");
	if_batch_hook(ackd_batch_done);
	error = kthread_create(ackd_thread, NULL, "tcpack", 0, NULL);
	if (error != 0) {
		klog(LOG_WARNING, "tcp: no ACK thread (error %d): ACKs are not deferred\n",
		    error);
		return;
	}
	ackd_running = true;
}
