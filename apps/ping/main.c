/*
 * ping: sends ICMP echo requests and prints the round-trip times, like
 * the usual tool; without a host it only waits, and the kernel answers
 * the pings that others send.
 *
 *	ping [-c count] [-i interval_s] [-s size] [-W timeout_s]
 *	     [-w deadline_s] [-n netwait_s] [-v] [host]
 *
 * Without a host it answers until a line arrives on the console or the
 * deadline passes. The host is a dotted quad. -v prints the interfaces,
 * routes and ARP cache again at the end. Exit status: 0 if a reply came
 * back, 1 if none did, 2 on an error (bad arguments, no network
 * configuration within the netwait time, socket errors).
 *
 * Uses an ICMP echo ("ping") socket: SOCK_DGRAM, IPPROTO_ICMP. The
 * kernel sets the identifier and the checksum; each request carries the
 * time it was sent, so a reply gives its own round-trip time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rumpmetal/net.h>

#define ICMP_ECHO 8
#define ICMP_ECHOREPLY 0
#define ICMP_HDRLEN 8
#define MAXDATA 65000

struct icmp_echo {
	uint8_t type;
	uint8_t code;
	uint16_t cksum;
	uint16_t id;
	uint16_t seq;
};

struct opts {
	long count;		/* 0: until the deadline, or forever */
	double interval;
	long size;
	double timeout;		/* for the last reply */
	double deadline;	/* 0: none */
	double netwait;
	int verbose;
	const char *host;
};

struct stats {
	long sent, received, dup;
	double min, max, sum, sum2;
	uint8_t seen[65536 / 8];
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
usage(void)
{
	fprintf(stderr, "usage: ping [-c count] [-i interval] [-s size] "
	    "[-W timeout] [-w deadline] [-n netwait] [-v] [host]\n");
	return 2;
}

static int
num_arg(const char *s, double min, double max, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || *v < min || *v > max) {
		fprintf(stderr, "ping: bad number \"%s\" (%g..%g)\n", s, min,
		    max);
		return -1;
	}
	return 0;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	double v;
	int c;

	*o = (struct opts){ .interval = 1, .size = 56, .timeout = 2,
	    .netwait = 30 };
	while ((c = getopt(argc, argv, "c:i:s:W:w:n:v")) != -1) {
		const char *a = optarg;

		if (c == '?')
			return -1;
		if (c == 'v') {
			o->verbose = 1;
			continue;
		}
		if (num_arg(a, 0, 1e9, &v) != 0)
			return -1;
		switch (c) {
		case 'c': o->count = (long)v; break;
		case 'i': o->interval = v < 0.001 ? 0.001 : v; break;
		case 's':
			if (v > MAXDATA)
				return num_arg(a, 0, MAXDATA, &v);
			o->size = (long)v;
			break;
		case 'W': o->timeout = v; break;
		case 'w': o->deadline = v; break;
		case 'n': o->netwait = v; break;
		}
	}
	if (optind < argc)
		o->host = argv[optind++];
	return optind == argc ? 0 : -1;
}

static int
send_echo(int s, const struct sockaddr_in *to, uint16_t seq, long size)
{
	static uint8_t pkt[ICMP_HDRLEN + MAXDATA];
	struct icmp_echo *h = (struct icmp_echo *)pkt;
	double t = now_s();

	memset(pkt, 0, ICMP_HDRLEN);
	h->type = ICMP_ECHO;
	h->seq = htons(seq);
	for (long i = 0; i < size; i++)
		pkt[ICMP_HDRLEN + i] = (uint8_t)(i + 8);
	if (size >= (long)sizeof(t))
		memcpy(pkt + ICMP_HDRLEN, &t, sizeof(t));
	if (sendto(s, pkt, ICMP_HDRLEN + (size_t)size, 0,
	    (const struct sockaddr *)to, sizeof(*to)) < 0) {
		printf("ping: sendto: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

static void
got_reply(struct stats *st, const uint8_t *pkt, ssize_t n,
    const struct sockaddr_in *from, long size)
{
	const struct icmp_echo *h = (const struct icmp_echo *)pkt;
	uint16_t seq = ntohs(h->seq);
	char addr[INET_ADDRSTRLEN];
	double sent, rtt = -1;
	int dup;

	if (n < ICMP_HDRLEN || h->type != ICMP_ECHOREPLY)
		return;
	dup = (st->seen[seq / 8] >> (seq % 8)) & 1;
	st->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	inet_ntop(AF_INET, &from->sin_addr, addr, sizeof(addr));
	if (size >= (long)sizeof(sent) && n >= ICMP_HDRLEN + (ssize_t)sizeof(sent)) {
		memcpy(&sent, pkt + ICMP_HDRLEN, sizeof(sent));
		rtt = (now_s() - sent) * 1000;
	}
	printf("%zd bytes from %s: icmp_seq=%u", n, addr, seq);
	if (rtt >= 0)
		printf(" time=%.3f ms", rtt);
	printf("%s\n", dup ? " (DUP!)" : "");
	if (dup) {
		st->dup++;
		return;
	}
	st->received++;
	if (rtt >= 0) {
		if (st->received == 1 || rtt < st->min)
			st->min = rtt;
		if (rtt > st->max)
			st->max = rtt;
		st->sum += rtt;
		st->sum2 += rtt * rtt;
	}
}

/* Receives until `until` (absolute seconds), or until `want` replies
 * have come back (0: no such limit). */
static void
receive_until(int s, struct stats *st, double until, long size, long want)
{
	static uint8_t pkt[ICMP_HDRLEN + MAXDATA];
	struct pollfd p = { .fd = s, .events = POLLIN };

	for (;;) {
		double left = until - now_s();
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (left <= 0 || (want > 0 && st->received >= want))
			return;
		if (poll(&p, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		n = recvfrom(s, pkt, sizeof(pkt), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fl);
		if (n >= 0)
			got_reply(st, pkt, n, &from, size);
	}
}

static void
summary(const char *host, const struct stats *st, double elapsed)
{
	long loss = st->sent == 0 ? 0 :
	    (st->sent - st->received) * 100 / st->sent;

	printf("\n--- %s ping statistics ---\n", host);
	printf("%ld packets transmitted, %ld received,", st->sent,
	    st->received);
	if (st->dup != 0)
		printf(" +%ld duplicates,", st->dup);
	printf(" %ld%% packet loss, time %.0fms\n", loss, elapsed * 1000);
	if (st->received > 0) {
		double avg = st->sum / (double)st->received;
		double var = st->sum2 / (double)st->received - avg * avg;

		printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
		    st->min, avg, st->max, sqrt(var > 0 ? var : 0));
	}
}

static int
ping_host(const struct opts *o)
{
	static struct stats st;
	struct sockaddr_in to = { .sin_len = sizeof(to), .sin_family = AF_INET };
	double start, next, end;
	int s;

	if (inet_pton(AF_INET, o->host, &to.sin_addr) != 1) {
		fprintf(stderr, "ping: %s: not an IPv4 address\n", o->host);
		return 2;
	}
	if ((s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP)) < 0) {
		fprintf(stderr, "ping: socket: %s\n", strerror(errno));
		return 2;
	}
	printf("PING %s (%s) %ld(%ld) bytes of data.\n", o->host, o->host,
	    o->size, o->size + ICMP_HDRLEN + 20);
	start = next = now_s();
	end = o->deadline > 0 ? start + o->deadline : 0;
	while ((o->count == 0 || st.sent < o->count) &&
	    (end == 0 || now_s() < end)) {
		if (send_echo(s, &to, (uint16_t)(st.sent + 1), o->size) == 0)
			st.sent++;
		if (o->count != 0 && st.sent >= o->count)
			break;	/* the last one: only its reply to wait for */
		next += o->interval;
		receive_until(s, &st, end != 0 && end < next ? end : next,
		    o->size, 0);
	}
	if (st.received < st.sent)
		receive_until(s, &st, end != 0 ? end : now_s() + o->timeout,
		    o->size, st.sent);
	summary(o->host, &st, now_s() - start);
	close(s);
	return st.received > 0 ? 0 : 1;
}

/* The kernel answers; we wait for a console line or the deadline. */
static int
answer(const struct opts *o)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char line[64];

	printf("ping: answering pings until a line on the console%s\n",
	    o->deadline > 0 ? " or the deadline" : "");
	if (poll(&p, 1, o->deadline > 0 ? (int)(o->deadline * 1000) : -1) > 0)
		(void)read(0, line, sizeof(line));
	printf("ping: done\n");
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	char info[1024];
	int rv;

	if (parse_opts(argc, argv, &o) != 0)
		return usage();
	if (rumpmetal_netwait((int)(o.netwait * 1000)) != 0) {
		rumpmetal_netinfo(info, sizeof(info));
		fprintf(stderr, "ping: no network configuration after %g s\n%s",
		    o.netwait, info);
		return 2;
	}
	rumpmetal_netinfo(info, sizeof(info));
	printf("%s", info);
	rv = o.host != NULL ? ping_host(&o) : answer(&o);
	if (o.verbose) {
		rumpmetal_netinfo(info, sizeof(info));
		printf("%s", info);
	}
	return rv;
}
