/*
 * tcpload: the host side of bench/net's TCP bulk figure. Sends BYTES bytes
 * (byte i is i % 251, so that a lost, doubled or reordered segment shows)
 * over one connection to 127.0.0.1:PORT and times the transfer until the
 * guest has provably received all of it:
 *
 *	tcpload PORT echo|sink BYTES [TIMEOUT_S]
 *
 *   echo  the peer echoes (RFC 862): done when all BYTES came back, each
 *         byte checked; the guest has received and sent BYTES.
 *   sink  the peer discards (RFC 863): after the last byte the write side
 *         is shut down, and done when the peer closes; if it answered a
 *         decimal byte count before closing, that count must be BYTES.
 *
 * The clock starts before connect() and stops at the last byte (echo) or
 * at the peer's close (sink). Prints one line:
 * "tcpload: MODE sent N received N seconds S MB/s R" (MB = 10^6 bytes),
 * exit status 0; or a line saying what went wrong (short echo, wrong
 * byte, wrong count, timeout with the bytes done so far), exit status 1.
 * Native C so that the client is far faster than any guest it measures.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CHUNK 65536
#define PATTERN 251		/* prime: no power-of-two period */

struct load {
	int fd;
	int echo;		/* 1: echo mode, 0: sink mode */
	long long total;	/* bytes to send */
	long long sent, received;
	int shut;		/* write side shut down */
	char reply[64];		/* sink: what the peer answered */
	size_t nreply;
	int64_t t0;
};

static uint8_t pattern[CHUNK + PATTERN];

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int
fail(struct load *l, const char *why)
{
	double s = (double)(now_ns() - l->t0) / 1e9;

	printf("tcpload: %s: %s after %.3f s (sent %lld received %lld)\n",
	    l->echo ? "echo" : "sink", why, s, l->sent, l->received);
	return 1;
}

/* Sends what the socket takes now; shuts the write side after the end. */
static int
send_some(struct load *l)
{
	while (l->sent < l->total) {
		long long left = l->total - l->sent;
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		ssize_t w = send(l->fd, pattern + l->sent % PATTERN, n,
		    MSG_NOSIGNAL);

		if (w < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		l->sent += w;
	}
	if (!l->shut && shutdown(l->fd, SHUT_WR) != 0)
		return -1;
	l->shut = 1;
	return 0;
}

/* Reads what is there: 1 at end of stream, 0 otherwise, -1 on error. */
static int
recv_some(struct load *l, const char **why)
{
	static uint8_t buf[CHUNK];

	for (;;) {
		ssize_t r = recv(l->fd, buf, sizeof(buf), 0);

		if (r < 0) {
			*why = "receive error";
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		}
		if (r == 0)
			return 1;
		if (!l->echo) {
			size_t room = sizeof(l->reply) - 1 - l->nreply;
			size_t n = (size_t)r < room ? (size_t)r : room;

			memcpy(l->reply + l->nreply, buf, n);
			l->nreply += n;
		} else if (memcmp(buf, pattern + l->received % PATTERN,
		    (size_t)r) != 0 || l->received + r > l->total) {
			*why = "echoed bytes differ from those sent";
			return -1;
		}
		l->received += r;
	}
}

static int
finish(struct load *l)
{
	double s = (double)(now_ns() - l->t0) / 1e9;
	char *end;
	long long n;

	if (!l->echo && l->nreply > 0) {
		l->reply[l->nreply] = '\0';
		n = strtoll(l->reply, &end, 10);
		if (end != l->reply && n != l->total) {
			printf("tcpload: sink: the peer counted %lld bytes of "
			    "%lld\n", n, l->total);
			return 1;
		}
	}
	printf("tcpload: %s sent %lld received %lld seconds %.3f MB/s %.2f\n",
	    l->echo ? "echo" : "sink", l->sent, l->received, s,
	    (double)l->total / s / 1e6);
	return 0;
}

static int
run(struct load *l, double timeout)
{
	int64_t end = l->t0 + (int64_t)(timeout * 1e9);
	const char *why = "";
	int r;

	for (;;) {
		struct pollfd p = { .fd = l->fd, .events = POLLIN };

		if (l->sent < l->total)
			p.events |= POLLOUT;
		if (now_ns() > end)
			return fail(l, "timeout");
		if (poll(&p, 1, 100) <= 0)
			continue;
		if ((p.revents & POLLOUT) && send_some(l) != 0)
			return fail(l, "send error");
		if (!(p.revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = recv_some(l, &why);
		if (r < 0)
			return fail(l, why);
		if (l->echo && l->received == l->total)
			return finish(l);
		if (r == 1)
			return l->echo ? fail(l, "the peer closed early")
			    : l->sent < l->total ? fail(l, "the peer closed "
			    "before the end") : finish(l);
	}
}

int
main(int argc, char **argv)
{
	static struct load l;
	struct sockaddr_in a = { .sin_family = AF_INET };
	double timeout = argc == 5 ? atof(argv[4]) : 300;

	if (argc < 4 || argc > 5 || (strcmp(argv[2], "echo") != 0 &&
	    strcmp(argv[2], "sink") != 0) || atoll(argv[3]) <= 0) {
		fprintf(stderr, "usage: tcpload PORT echo|sink BYTES "
		    "[TIMEOUT_S]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i % PATTERN);
	l.echo = strcmp(argv[2], "echo") == 0;
	l.total = atoll(argv[3]);
	a.sin_port = htons((uint16_t)atoi(argv[1]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l.t0 = now_ns();
	l.fd = socket(AF_INET, SOCK_STREAM, 0);
	if (l.fd < 0 || connect(l.fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("tcpload: socket/connect");
		return 2;
	}
	fcntl(l.fd, F_SETFL, O_NONBLOCK);
	return run(&l, timeout);
}
