/*
 * udpload: the host side of bench/net's UDP echo figure. Sends datagrams
 * of SIZE bytes (an 8-byte big-endian sequence number, then zeros) to
 * 127.0.0.1:PORT, keeping WINDOW of them outstanding, for SECONDS, and
 * counts the echoes that come back. A datagram not echoed within
 * LOST_NS counts as lost and leaves the window.
 *
 *	udpload PORT SECONDS WINDOW [SIZE]
 *
 * Before the timed part, one echo must come back within 15 s (the path
 * through QEMU's forward works); otherwise exit status 3. Prints one line:
 * "udpload: sent N echoed N lost N seconds S pps P". Native C so that the
 * client is far faster than any guest it measures.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RING 65536		/* > any window: seq % RING is unique in it */
#define MAXWINDOW 4096
#define LOST_NS 500000000LL
#define MAXSIZE 1472

struct load {
	int fd;
	size_t size;
	uint64_t seq;		/* next to send */
	uint64_t oldest;	/* no pending datagram below it */
	long npending, sent, echoed, lost;
	int64_t sent_at[RING];	/* ns; 0: not pending */
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
send_one(struct load *l)
{
	uint8_t buf[MAXSIZE] = { 0 };
	uint64_t be = __builtin_bswap64(l->seq);

	memcpy(buf, &be, sizeof(be));
	if (send(l->fd, buf, l->size, MSG_DONTWAIT) != (ssize_t)l->size)
		return -1;	/* EAGAIN, or ECONNREFUSED from an ICMP error */
	l->sent_at[l->seq % RING] = now_ns();
	l->seq++;
	l->sent++;
	l->npending++;
	return 0;
}

/* Takes every queued echo; returns how many matched a pending datagram. */
static long
drain(struct load *l)
{
	uint8_t buf[MAXSIZE + 1];
	long n = 0;
	ssize_t r;

	while ((r = recv(l->fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0 ||
	    errno == ECONNREFUSED || errno == EINTR) {
		uint64_t be, q;

		if (r != (ssize_t)l->size)
			continue;
		memcpy(&be, buf, sizeof(be));
		q = __builtin_bswap64(be);
		if (q < l->oldest || q >= l->seq || l->sent_at[q % RING] == 0)
			continue;
		l->sent_at[q % RING] = 0;
		l->npending--;
		n++;
	}
	return n;
}

/* Datagrams older than LOST_NS leave the window as lost. */
static void
expire(struct load *l, int64_t now)
{
	while (l->oldest < l->seq) {
		int64_t t = l->sent_at[l->oldest % RING];

		if (t != 0 && now - t < LOST_NS)
			return;
		if (t != 0) {
			l->sent_at[l->oldest % RING] = 0;
			l->npending--;
			l->lost++;
		}
		l->oldest++;
	}
}

static int
warm_up(struct load *l)
{
	int64_t deadline = now_ns() + 15000000000LL;
	struct pollfd p = { .fd = l->fd, .events = POLLIN };

	while (now_ns() < deadline) {
		(void)send_one(l);
		if (poll(&p, 1, 200) > 0 && drain(l) > 0)
			return 0;
	}
	return -1;
}

static void
run(struct load *l, double seconds, long window)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	int64_t t0 = now_ns(), end = t0 + (int64_t)(seconds * 1e9), now;

	while ((now = now_ns()) < end) {
		int64_t left_ms = (end - now) / 1000000;

		expire(l, now);
		while (l->npending < window && send_one(l) == 0)
			;
		if (poll(&p, 1, left_ms < 50 ? (int)left_ms + 1 : 50) > 0)
			l->echoed += drain(l);
	}
	seconds = (double)(now_ns() - t0) / 1e9;
	printf("udpload: sent %ld echoed %ld lost %ld seconds %.3f pps %.1f\n",
	    l->sent, l->echoed, l->lost, seconds, (double)l->echoed / seconds);
}

int
main(int argc, char **argv)
{
	static struct load l;
	struct sockaddr_in a = { .sin_family = AF_INET };
	long window;
	double seconds;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: udpload PORT SECONDS WINDOW [SIZE]\n");
		return 2;
	}
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	seconds = atof(argv[2]);
	window = atol(argv[3]);
	l.size = argc == 5 ? (size_t)atol(argv[4]) : 64;
	if (window < 1 || window > MAXWINDOW || l.size < 8 || l.size > MAXSIZE ||
	    seconds <= 0) {
		fprintf(stderr, "udpload: window 1..%d, size 8..%d, seconds > 0\n",
		    MAXWINDOW, MAXSIZE);
		return 2;
	}
	l.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (l.fd < 0 || connect(l.fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("udpload: socket/connect");
		return 2;
	}
	if (warm_up(&l) != 0) {
		fprintf(stderr, "udpload: no echo from 127.0.0.1:%s in 15 s\n",
		    argv[1]);
		return 3;
	}
	/* Echoes of the warm-up that are still on the way count for nothing. */
	memset(l.sent_at, 0, sizeof(l.sent_at));
	l.oldest = l.seq;
	l.npending = l.sent = l.echoed = l.lost = 0;
	run(&l, seconds, window);
	return 0;
}
