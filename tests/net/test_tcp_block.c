/*
 * TCP stream sockets that block: accept, connect (success and refusal),
 * recv with SO_RCVTIMEO, send that waits for room until every byte is
 * queued (and returns a partial count when SO_SNDTIMEO passes), all from
 * a second thread while the test plays the peer; and the timers on
 * their real callout (a retransmission without tcp_timer_run).
 */
#include <kern/kthread.h>

#include "test_tcp.h"

struct blk {
	struct socket *so;
	struct socket *ns;
	int rv;
	size_t n;
	const uint8_t *buf;
	size_t len;
	volatile int done;
};

static void
blk_accept(void *arg)
{
	struct blk *b = arg;

	b->rv = so_accept(b->so, &b->ns, NULL, NULL);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
}

static void
blk_connect(void *arg)
{
	struct blk *b = arg;
	struct sockaddr_in_k sin = ttp_sin(NT_PEER_IP, TTP_PORT);

	b->rv = so_connect(b->so, &sin, sizeof(sin));
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
}

static void
blk_send(void *arg)
{
	struct blk *b = arg;

	b->rv = so_sendto(b->so, b->buf, b->len, 0, NULL, 0, &b->n);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
}

static void
blk_recv(void *arg)
{
	struct blk *b = arg;
	static uint8_t buf[64];

	b->rv = so_recvfrom(b->so, buf, sizeof(buf), 0, NULL, NULL, &b->n);
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
}

static struct lwp *
blk_start(void (*fn)(void *), struct blk *b)
{
	struct lwp *l = NULL;

	b->done = 0;
	NT_CHECK_EQ(kthread_create(fn, b, "tcpblk", KTHREAD_MUSTJOIN, &l), 0);
	nt_sleep_ms(30);	/* let it block */
	return l;
}

static bool
blk_wait(struct blk *b, int ms)
{
	for (int i = 0; i < ms / 5 && !__atomic_load_n(&b->done,
	    __ATOMIC_ACQUIRE); i++)
		nt_sleep_ms(5);
	return __atomic_load_n(&b->done, __ATOMIC_ACQUIRE) != 0;
}

NT_CASE(tcp_blocking_accept_and_recv)
{
	struct nt_leak lk;
	struct ifnet *ifp;
	struct blk b;
	struct lwp *l;
	struct ttp p;
	struct ttp_seg s;
	struct sockaddr_in_k sin = ttp_sin(0, 2000);
	uint8_t o[4] = {2, 4, 5, 0xb4};
	struct so_timeval {
		int64_t sec, usec;
	} tv = {0, 100000};
	uint64_t t0;

	nt_leak_start(&lk);
	ifp = ttp_ifcreate("tcpb0");
	tcp_timers_manual = false;
	memset(&b, 0, sizeof(b));
	b.so = ttp_socket();
	NT_CHECK_EQ(so_bind(b.so, &sin, sizeof(sin)), 0);
	NT_CHECK_EQ(so_listen(b.so, 1), 0);
	l = blk_start(blk_accept, &b);
	NT_CHECK(!b.done);
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	p.lport = 2000;
	p.win = 8000;
	p.snd_nxt = 1;
	ttp_inject(&p, TH_SYN, 1, 0, o, 4, NULL, 0);
	p.snd_nxt = 2;
	NT_CHECK(ttp_recv(&p, &s));
	p.rcv_nxt = s.seq + 1;
	ttp_ack(&p);
	NT_CHECK(blk_wait(&b, 2000));
	kthread_join(l);
	NT_CHECK_EQ(b.rv, 0);
	NT_CHECK(b.ns != NULL);
	so_close(b.so);
	/* recv with a timeout */
	b.so = b.ns;
	NT_CHECK_EQ(so_setsockopt(b.so, SOL_SOCKET_K, SO_RCVTIMEO_K, &tv,
	    sizeof(tv)), 0);
	t0 = kclock_ns();
	l = blk_start(blk_recv, &b);
	NT_CHECK(blk_wait(&b, 2000));
	kthread_join(l);
	NT_CHECK_EQ(b.rv, EWOULDBLOCK);
	NT_CHECK(kclock_ns() - t0 >= 100 * INET_NS_PER_MS);
	/* recv woken by data */
	tv.usec = 0;
	NT_CHECK_EQ(so_setsockopt(b.so, SOL_SOCKET_K, SO_RCVTIMEO_K, &tv,
	    sizeof(tv)), 0);
	l = blk_start(blk_recv, &b);
	NT_CHECK(!b.done);
	ttp_send(&p, "wake", 4);
	NT_CHECK(blk_wait(&b, 2000));
	kthread_join(l);
	NT_CHECK(b.rv == 0 && b.n == 4);
	/* recv woken by the peer's FIN: 0 */
	l = blk_start(blk_recv, &b);
	ttp_inject(&p, TH_ACK | TH_FIN, p.snd_nxt, p.rcv_nxt, NULL, 0, NULL, 0);
	NT_CHECK(blk_wait(&b, 2000));
	kthread_join(l);
	NT_CHECK(b.rv == 0 && b.n == 0);
	ttp_abort(b.so);
	fakeif_drop_sent(ifp);
	tcp_timers_manual = true;
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

NT_CASE(tcp_blocking_connect_and_send)
{
	static uint8_t data[200000];
	struct nt_leak lk;
	struct ifnet *ifp;
	struct blk b;
	struct lwp *l;
	struct ttp p;
	struct ttp_seg s;
	uint8_t o[4] = {2, 4, 5, 0xb4};
	struct so_timeval {
		int64_t sec, usec;
	} tv = {0, 200000};
	uint32_t base;

	nt_leak_start(&lk);
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i % 251);
	ifp = ttp_ifcreate("tcpb1");
	tcp_timers_manual = false;
	memset(&p, 0, sizeof(p));
	p.ifp = ifp;
	p.pport = TTP_PORT;
	p.win = 16384;
	/* refused */
	memset(&b, 0, sizeof(b));
	b.so = ttp_socket();
	l = blk_start(blk_connect, &b);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_SYN);
	p.lport = s.sport;
	ttp_inject(&p, TH_RST | TH_ACK, 0, s.seq + 1, NULL, 0, NULL, 0);
	NT_CHECK(blk_wait(&b, 2000));
	kthread_join(l);
	NT_CHECK_EQ(b.rv, ECONNREFUSED);
	so_close(b.so);
	/* accepted */
	p.lport = 0;
	b.so = ttp_socket();
	l = blk_start(blk_connect, &b);
	NT_CHECK(ttp_recv(&p, &s) && s.flags == TH_SYN);
	p.lport = s.sport;
	p.rcv_nxt = s.seq + 1;
	p.snd_nxt = 50;
	ttp_inject(&p, TH_SYN | TH_ACK, 50, p.rcv_nxt, o, 4, NULL, 0);
	p.snd_nxt = 51;
	NT_CHECK(blk_wait(&b, 2000));
	kthread_join(l);
	NT_CHECK_EQ(b.rv, 0);
	fakeif_drop_sent(ifp);
	/* a send much bigger than the buffer: it waits for ACKs */
	b.buf = data;
	b.len = sizeof(data);
	base = p.rcv_nxt;
	l = blk_start(blk_send, &b);
	for (int i = 0; i < 2000 && !b.done; i++) {
		bool any = false;

		while (ttp_recv(&p, &s)) {
			NT_CHECK(s.dlen == 0 || memcmp(s.data,
			    data + (s.seq - base), s.dlen) == 0);
			if (s.dlen > 0 && s.seq == p.rcv_nxt) {
				p.rcv_nxt += s.dlen;
				any = true;
			}
		}
		if (any)
			ttp_ack(&p);
		else
			nt_sleep_ms(2);
	}
	NT_CHECK(blk_wait(&b, 2000));
	kthread_join(l);
	NT_CHECK(b.rv == 0 && b.n == sizeof(data));
	/* nobody ACKs now: SO_SNDTIMEO gives a partial count */
	NT_CHECK_EQ(so_setsockopt(b.so, SOL_SOCKET_K, SO_SNDTIMEO_K, &tv,
	    sizeof(tv)), 0);
	l = blk_start(blk_send, &b);
	NT_CHECK(blk_wait(&b, 3000));
	kthread_join(l);
	NT_CHECK(b.rv == 0 && b.n > 0 && b.n < sizeof(data));
	/* the real retransmission timer fires without tcp_timer_run: a
	 * tail loss probe or a retransmission of unacknowledged data comes
	 * (nothing else can send now: no ACKs, no new data). The timer has
	 * backed off while SO_SNDTIMEO waited, so allow 30 s. */
	fakeif_drop_sent(ifp);
	{
		bool rexmt = false;

		for (int i = 0; i < 3000 && !rexmt; i++) {
			nt_sleep_ms(10);
			while (ttp_recv(&p, &s))
				rexmt |= s.dlen > 0 &&
				    SEQ_GEQ(s.seq, p.rcv_nxt);
		}
		NT_CHECK(rexmt);
	}
	ttp_abort(b.so);
	tcp_timers_manual = true;
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}

/* Polls until cond holds or ms pass (the loopback runs from a callout). */
#define WAIT_FOR(cond, ms)                                              \
	do {                                                            \
		for (int w_ = 0; w_ < (ms) / 2 && !(cond); w_++)        \
			nt_sleep_ms(2);                                 \
	} while (0)

NT_CASE(tcp_loopback_both_ends_ours)
{
	static uint8_t out[300000], in[300000];
	struct nt_leak lk;
	struct ifnet *ifp;
	struct socket *ls, *cs, *ns = NULL;
	struct sockaddr_in_k sin = ttp_sin(NT_MY_IP, 5050);
	size_t sent = 0, got = 0, n;
	uint64_t pcbs = ttp_pcbs();

	nt_leak_start(&lk);
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i ^ (i >> 8));
	ifp = ttp_ifcreate("tcpb2");
	tcp_timers_manual = false;
	ls = ttp_listen(5050, 4);
	cs = ttp_socket();
	so_setnbio(cs, true);
	NT_CHECK_EQ(so_connect(cs, &sin, sizeof(sin)), EINPROGRESS);
	WAIT_FOR(so_accept(ls, &ns, NULL, NULL) == 0, 2000);
	NT_CHECK(ns != NULL);
	WAIT_FOR(so_poll(cs, SO_POLLOUT) != 0, 2000);
	NT_CHECK_EQ(so_poll(cs, SO_POLLOUT), SO_POLLOUT);
	if (ns == NULL)
		goto out;
	so_setnbio(ns, true);
	for (int i = 0; i < 20000 && got < sizeof(in); i++) {
		if (sent < sizeof(out)) {
			n = 0;
			(void)so_sendto(cs, out + sent, sizeof(out) - sent, 0,
			    NULL, 0, &n);
			sent += n;
		}
		n = 0;
		(void)so_recvfrom(ns, in + got, sizeof(in) - got, 0, NULL,
		    NULL, &n);
		got += n;
		if (n == 0)
			nt_sleep_ms(1);
	}
	NT_CHECK_EQ(got, sizeof(in));
	NT_CHECK(memcmp(in, out, sizeof(in)) == 0);
	/* the client closes, the server sees EOF and closes too */
	so_close(cs);
	{
		long r = -1;

		WAIT_FOR((r = ttp_app_recv(ns, in, 10)) == 0, 2000);
		NT_CHECK_EQ(r, 0);
	}
	so_close(ns);
	so_close(ls);
	WAIT_FOR(ttp_pcbs() == pcbs + 1, 2000);	/* the TIME_WAIT one */
	NT_CHECK_EQ(ttp_pcbs(), pcbs + 1);
out:
	tcp_timers_manual = true;
	for (int i = 0; i < 5 && ttp_pcbs() != pcbs; i++)
		ttp_advance(2 * tcp_msl_ms);
	NT_CHECK_EQ(ttp_pcbs(), pcbs);
	fakeif_drop_sent(ifp);
	ttp_ifdestroy(ifp);
	nt_leak_check(&lk);
}
