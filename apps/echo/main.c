/*
 * echo: an echo server (RFC 862) over TCP and UDP, the peer for
 * bench/net and the TCP tests.
 *
 *	echo [-p port] [-n netwait_s] [-c max_connections] [-v]
 *
 * Waits for the network configuration (DHCP at boot by default), binds
 * TCP and UDP 0.0.0.0:port (default 7), prints "echo: tcp port 7 ready"
 * and "echo: udp port 7 ready", sends every datagram back to where it
 * came from and every byte of every TCP connection back on it, until a
 * line arrives on the console. Then prints what it did (with -v also
 * the kernel's network counters) and exits 0.
 * Exit status 2 on an error (bad arguments, no network configuration
 * within the netwait time, socket errors at setup).
 *
 * One poll() loop over a table of descriptors, each with its handler:
 * the console, the UDP socket, the TCP listener and one slot per
 * connection. A connection owns one buffer of CONN_BUF bytes: it reads
 * only while the buffer is empty and then waits for POLLOUT until the
 * peer has taken it all back (partial writes), so memory per connection
 * is bounded and a slow reader slows only its own sender. At
 * max_connections (default 256) the listener is not polled until one
 * closes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rumpmetal/net.h>

#define MAXDGRAM 65536
#define CONN_BUF 32768	/* fewer, larger reads: bulk echo rate */
#define NFIXED 3		/* console, UDP, listener */

struct echo;
typedef void echo_handler(struct echo *, int slot);

struct conn {
	uint8_t *c_buf;		/* CONN_BUF bytes */
	unsigned c_off, c_len;	/* bytes [c_off, c_len) still to send */
};

struct echo {
	struct pollfd *e_pfd;
	echo_handler **e_handler;
	struct conn *e_conn;	/* per slot; used by connection slots */
	int e_nfds, e_cap;
	int e_listen_slot;	/* -1: no TCP */
	int e_done;		/* a line came on the console */
	long e_udp_echoed, e_udp_errors;
	long e_tcp_accepted, e_tcp_active, e_tcp_peak, e_tcp_errors;
	unsigned long long e_tcp_bytes;
};

struct opts {
	int port;
	double netwait;
	int maxconn;
	int verbose;
};

static int
usage(void)
{
	fprintf(stderr, "usage: echo [-p port] [-n netwait_s] "
	    "[-c max_connections] [-v]\n");
	return 2;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	char *end;
	long v;
	int c;

	*o = (struct opts){ .port = 7, .netwait = 60, .maxconn = 256 };
	while ((c = getopt(argc, argv, "p:n:c:v")) != -1) {
		switch (c) {
		case 'v':
			o->verbose = 1;
			break;
		case 'p':
		case 'c':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || end == optarg || v < 1 ||
			    v > (c == 'p' ? 65535 : 100000))
				return -1;
			*(c == 'p' ? &o->port : &o->maxconn) = (int)v;
			break;
		case 'n':
			o->netwait = strtod(optarg, &end);
			if (*end != '\0' || end == optarg || o->netwait < 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

static int
table_init(struct echo *e, int maxconn)
{
	e->e_cap = NFIXED + maxconn;
	e->e_pfd = calloc((size_t)e->e_cap, sizeof(*e->e_pfd));
	e->e_handler = calloc((size_t)e->e_cap, sizeof(*e->e_handler));
	e->e_conn = calloc((size_t)e->e_cap, sizeof(*e->e_conn));
	e->e_listen_slot = -1;
	if (e->e_pfd == NULL || e->e_handler == NULL || e->e_conn == NULL) {
		fprintf(stderr, "echo: no memory for %d connections\n",
		    maxconn);
		return -1;
	}
	return 0;
}

/* Adds fd to the poll table: its slot, or -1 if the table is full. */
static int
watch(struct echo *e, int fd, short events, echo_handler *h)
{
	if (e->e_nfds == e->e_cap)
		return -1;
	e->e_pfd[e->e_nfds] = (struct pollfd){ .fd = fd, .events = events };
	e->e_handler[e->e_nfds] = h;
	e->e_conn[e->e_nfds] = (struct conn){ 0 };
	return e->e_nfds++;
}

/* Removes slot by moving the last one into it (serve walks downwards,
 * so the moved slot was already handled this round). */
static void
unwatch(struct echo *e, int slot)
{
	int last = --e->e_nfds;

	e->e_pfd[slot] = e->e_pfd[last];
	e->e_handler[slot] = e->e_handler[last];
	e->e_conn[slot] = e->e_conn[last];
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

static void
conn_close(struct echo *e, int slot)
{
	close(e->e_pfd[slot].fd);
	free(e->e_conn[slot].c_buf);
	unwatch(e, slot);
	e->e_tcp_active--;
	if (e->e_listen_slot >= 0)
		e->e_pfd[e->e_listen_slot].events = POLLIN;
}

/* Sends what is buffered: 0, or -1 if the connection is dead. */
static int
conn_flush(struct echo *e, struct conn *c, int fd)
{
	while (c->c_off < c->c_len) {
		ssize_t n = send(fd, c->c_buf + c->c_off, c->c_len - c->c_off,
		    MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EWOULDBLOCK || errno == EAGAIN)
				return 0;
			return -1;
		}
		c->c_off += (unsigned)n;
		e->e_tcp_bytes += (unsigned long long)n;
	}
	c->c_off = c->c_len = 0;
	return 0;
}

static void
conn_io(struct echo *e, int slot)
{
	struct pollfd *p = &e->e_pfd[slot];
	struct conn *c = &e->e_conn[slot];
	ssize_t n;

	if ((p->revents & POLLNVAL) != 0)
		goto dead;
	if (c->c_len == 0 && (p->revents & (POLLIN | POLLHUP | POLLERR))) {
		n = recv(p->fd, c->c_buf, CONN_BUF, MSG_DONTWAIT);
		if (n == 0)
			goto eof;
		if (n < 0 && errno != EWOULDBLOCK && errno != EAGAIN)
			goto dead;
		c->c_off = 0;
		c->c_len = n > 0 ? (unsigned)n : 0;
	}
	if (conn_flush(e, c, p->fd) != 0)
		goto dead;
	p->events = c->c_len > c->c_off ? POLLOUT : POLLIN;
	return;
dead:
	e->e_tcp_errors++;
eof:
	conn_close(e, slot);
}

/* Takes one waiting connection: 0, or -1 when there is none (or no room). */
static int
accept_one(struct echo *e)
{
	int fd, slot;
	uint8_t *buf;

	if (e->e_nfds == e->e_cap)
		return -1;
	if ((fd = accept(e->e_pfd[e->e_listen_slot].fd, NULL, NULL)) < 0) {
		if (errno != EWOULDBLOCK && errno != EAGAIN &&
		    errno != ECONNABORTED)
			e->e_tcp_errors++;
		return errno == ECONNABORTED ? 0 : -1;
	}
	if ((buf = malloc(CONN_BUF)) == NULL) {
		e->e_tcp_errors++;
		close(fd);
		return 0;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	slot = watch(e, fd, POLLIN, conn_io);
	e->e_conn[slot].c_buf = buf;
	e->e_tcp_accepted++;
	if (++e->e_tcp_active > e->e_tcp_peak)
		e->e_tcp_peak = e->e_tcp_active;
	return 0;
}

static void
tcp_accept(struct echo *e, int slot)
{
	(void)slot;
	while (accept_one(e) == 0)
		;
	/* Full table, or out of descriptors: wait for a connection to go. */
	if (e->e_nfds == e->e_cap || errno == EMFILE || errno == ENFILE)
		e->e_pfd[e->e_listen_slot].events = e->e_tcp_active > 0 ? 0 :
		    POLLIN;
}

static int
open_socket(struct echo *e, int type, int port, echo_handler *h)
{
	const char *name = type == SOCK_STREAM ? "tcp" : "udp";
	struct sockaddr_in a = { .sin_len = sizeof(a), .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_ANY) };
	int s, one = 1, slot;

	if ((s = socket(AF_INET, type, 0)) < 0) {
		fprintf(stderr, "echo: %s socket: %s\n", name, strerror(errno));
		return -1;
	}
	if (type == SOCK_STREAM)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    (type == SOCK_STREAM && listen(s, SOMAXCONN) != 0) ||
	    (type == SOCK_STREAM && fcntl(s, F_SETFL, O_NONBLOCK) != 0)) {
		fprintf(stderr, "echo: %s port %d: %s\n", name, port,
		    strerror(errno));
		close(s);
		return -1;
	}
	slot = watch(e, s, POLLIN, h);
	if (type == SOCK_STREAM)
		e->e_listen_slot = slot;
	printf("echo: %s port %d ready\n", name, port);
	return 0;
}

static void
serve(struct echo *e)
{
	while (!e->e_done) {
		if (poll(e->e_pfd, (nfds_t)e->e_nfds, -1) <= 0)
			continue;
		for (int i = e->e_nfds - 1; i >= 0 && !e->e_done; i--) {
			if (e->e_pfd[i].revents != 0)
				e->e_handler[i](e, i);
		}
	}
}

static void
report(const struct echo *e)
{
	printf("echo: udp: %ld datagrams echoed, %ld errors\n", e->e_udp_echoed,
	    e->e_udp_errors);
	printf("echo: tcp: %ld connections (%ld at once at most, %ld open), "
	    "%llu bytes echoed, %ld errors\n", e->e_tcp_accepted, e->e_tcp_peak,
	    e->e_tcp_active, e->e_tcp_bytes, e->e_tcp_errors);
}

int
main(int argc, char **argv)
{
	static struct echo e;
	struct opts o;
	char info[1024];

	if (parse_opts(argc, argv, &o) != 0)
		return usage();
	if (table_init(&e, o.maxconn) != 0)
		return 2;
	if (rumpmetal_netwait((int)(o.netwait * 1000)) != 0) {
		rumpmetal_netinfo(info, sizeof(info));
		fprintf(stderr, "echo: no network configuration after %g s\n%s",
		    o.netwait, info);
		return 2;
	}
	rumpmetal_netinfo(info, sizeof(info));
	printf("%s", info);
	watch(&e, 0, POLLIN, console_input);
	if (open_socket(&e, SOCK_DGRAM, o.port, udp_input) != 0 ||
	    open_socket(&e, SOCK_STREAM, o.port, tcp_accept) != 0)
		return 2;
	fflush(stdout);
	serve(&e);
	report(&e);
	if (o.verbose) {
		static char stats[8192];

		rumpmetal_netstats(stats, sizeof(stats));
		printf("%s", stats);
	}
	for (int i = 1; i < e.e_nfds; i++)
		close(e.e_pfd[i].fd);
	return 0;
}
