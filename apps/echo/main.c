/*
 * echo: an echo server (RFC 862) over UDP, the peer for bench/net.
 *
 *	echo [-p port] [-n netwait_s]
 *
 * Waits for the network configuration (DHCP at boot by default), binds
 * UDP 0.0.0.0:port (default 7), prints "echo: udp port 7 ready" and
 * sends every datagram back to where it came from, until a line arrives
 * on the console. Then prints how many it echoed and exits 0. Exit
 * status 2 on an error (bad arguments, no network configuration within
 * the netwait time, socket errors at setup).
 *
 * The loop is one poll() over a table of descriptors, each with its own
 * handler: slot 0 is the console, then one slot per service. A TCP echo
 * service fits in by watching its listening socket with a handler that
 * accepts and watches each connection (and unwatches it at EOF).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rumpmetal/net.h>

#define MAXFDS 64
#define MAXDGRAM 65536

struct echo;
typedef void echo_handler(struct echo *, int slot);

struct echo {
	struct pollfd e_pfd[MAXFDS];
	echo_handler *e_handler[MAXFDS];
	int e_nfds;
	int e_done;		/* a line came on the console */
	long e_udp_echoed;
	long e_udp_errors;
};

struct opts {
	int port;
	double netwait;
};

static int
usage(void)
{
	fprintf(stderr, "usage: echo [-p port] [-n netwait_s]\n");
	return 2;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	char *end;
	int c;

	*o = (struct opts){ .port = 7, .netwait = 60 };
	while ((c = getopt(argc, argv, "p:n:")) != -1) {
		switch (c) {
		case 'p':
			o->port = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || o->port < 1 || o->port > 65535)
				return -1;
			break;
		case 'n':
			o->netwait = strtod(optarg, &end);
			if (*end != '\0' || o->netwait < 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* Adds fd to the poll table: its slot, or -1 if the table is full. */
static int
watch(struct echo *e, int fd, echo_handler *h)
{
	if (e->e_nfds == MAXFDS)
		return -1;
	e->e_pfd[e->e_nfds] = (struct pollfd){ .fd = fd, .events = POLLIN };
	e->e_handler[e->e_nfds] = h;
	return e->e_nfds++;
}

static void
console_input(struct echo *e, int slot)
{
	char line[128];

	(void)read(e->e_pfd[slot].fd, line, sizeof(line));
	e->e_done = 1;
}

/* Echoes every datagram queued on the socket, then returns to poll. */
static void
udp_input(struct echo *e, int slot)
{
	static char buf[MAXDGRAM];
	int s = e->e_pfd[slot].fd;

	for (;;) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(s, buf, sizeof(buf), MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fl);

		if (n < 0) {
			if (errno != EWOULDBLOCK && errno != EAGAIN)
				e->e_udp_errors++;
			return;
		}
		if (sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from,
		    fl) == n)
			e->e_udp_echoed++;
		else
			e->e_udp_errors++;
	}
}

static int
udp_open(struct echo *e, int port)
{
	struct sockaddr_in a = { .sin_len = sizeof(a), .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_ANY) };
	int s;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) < 0) {
		fprintf(stderr, "echo: udp socket: %s\n", strerror(errno));
		return -1;
	}
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		fprintf(stderr, "echo: udp bind port %d: %s\n", port,
		    strerror(errno));
		goto fail;
	}
	if (watch(e, s, udp_input) < 0)
		goto fail;
	printf("echo: udp port %d ready\n", port);
	return 0;
fail:
	close(s);
	return -1;
}

static void
serve(struct echo *e)
{
	while (!e->e_done) {
		if (poll(e->e_pfd, (nfds_t)e->e_nfds, -1) <= 0)
			continue;
		for (int i = 0; i < e->e_nfds && !e->e_done; i++) {
			if (e->e_pfd[i].revents != 0)
				e->e_handler[i](e, i);
		}
	}
}

int
main(int argc, char **argv)
{
	static struct echo e;
	struct opts o;
	char info[1024];

	if (parse_opts(argc, argv, &o) != 0)
		return usage();
	if (rumpmetal_netwait((int)(o.netwait * 1000)) != 0) {
		rumpmetal_netinfo(info, sizeof(info));
		fprintf(stderr, "echo: no network configuration after %g s\n%s",
		    o.netwait, info);
		return 2;
	}
	rumpmetal_netinfo(info, sizeof(info));
	printf("%s", info);
	watch(&e, 0, console_input);
	if (udp_open(&e, o.port) != 0)
		return 2;
	fflush(stdout);
	serve(&e);
	printf("echo: udp: %ld datagrams echoed, %ld errors\n", e.e_udp_echoed,
	    e.e_udp_errors);
	for (int i = 1; i < e.e_nfds; i++)
		close(e.e_pfd[i].fd);
	return 0;
}
