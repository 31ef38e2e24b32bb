/*
 * httpd: a small static HTTP/1.1 server (RFC 9110, 9112) for the files
 * built into the image (apps/httpd/www/, tools/mkwww.sh), generated
 * test files (/1k.bin ... /16m.bin, www.h) and /status (the kernel's
 * counters).
 *
 *	httpd [-p port] [-c max_connections] [-t idle_s] [-n netwait_s]
 *
 * GET and HEAD; keep-alive by default for HTTP/1.1, for HTTP/1.0 only
 * when asked; pipelined requests answered in order; errors 400, 404,
 * 405, 414, 431 and 505. A connection idle for idle_s (default 10)
 * seconds is closed. One poll() loop serves up to max_connections
 * (default 128) at once; beyond that the listener is not polled until
 * one closes. Prints "httpd: listening on port 80", serves until a line
 * arrives on the console, prints its counters and exits 0; exit status
 * 2 on bad arguments, no network configuration or setup errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rumpmetal/net.h>

#include "httpd.h"

#define NFIXED 2		/* console, listener */

struct opts {
	long port, maxconn, idle_s;
	double netwait;
};

uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int
usage(void)
{
	fprintf(stderr, "usage: httpd [-p port] [-c max_connections] "
	    "[-t idle_s] [-n netwait_s]\n");
	return 2;
}

static int
num(const char *s, long min, long max, long *v)
{
	char *end;

	*v = strtol(s, &end, 10);
	return end != s && *end == '\0' && *v >= min && *v <= max ? 0 : -1;
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	char *end;
	int c, rv = 0;

	*o = (struct opts){ .port = 80, .maxconn = 128, .idle_s = 10,
	    .netwait = 60 };
	while ((c = getopt(argc, argv, "p:c:t:n:")) != -1 && rv == 0) {
		switch (c) {
		case 'p': rv = num(optarg, 1, 65535, &o->port); break;
		case 'c': rv = num(optarg, 1, 100000, &o->maxconn); break;
		case 't': rv = num(optarg, 1, 86400, &o->idle_s); break;
		case 'n':
			o->netwait = strtod(optarg, &end);
			rv = end != optarg && *end == '\0' && o->netwait >= 0 ?
			    0 : -1;
			break;
		default: rv = -1; break;
		}
	}
	return rv == 0 && optind == argc ? 0 : -1;
}

static int
listen_on(long port)
{
	struct sockaddr_in a = { .sin_len = sizeof(a), .sin_family = AF_INET,
	    .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_ANY) };
	int s, one = 1;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) < 0) {
		fprintf(stderr, "httpd: socket: %s\n", strerror(errno));
		return -1;
	}
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s, SOMAXCONN) != 0 || fcntl(s, F_SETFL, O_NONBLOCK) != 0) {
		fprintf(stderr, "httpd: port %ld: %s\n", port, strerror(errno));
		close(s);
		return -1;
	}
	return s;
}

static void
close_slot(struct httpd *h, int i)
{
	close(h->h_pfd[i].fd);
	conn_free(h->h_conn[i]);
	h->h_n--;
	h->h_pfd[i] = h->h_pfd[h->h_n];
	h->h_conn[i] = h->h_conn[h->h_n];
	h->h_st.hs_active--;
	h->h_pfd[1].events = POLLIN;
}

/* Takes the waiting connections while there is room. */
static void
accept_all(struct httpd *h)
{
	while (h->h_n < h->h_cap) {
		int fd = accept(h->h_pfd[1].fd, NULL, NULL);
		struct conn *c;

		if (fd < 0) {
			if (errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE) &&
			    h->h_st.hs_active > 0)
				h->h_pfd[1].events = 0;
			return;
		}
		fcntl(fd, F_SETFL, O_NONBLOCK);
		if ((c = conn_new(fd, now_ms(), h->h_idle_ms)) == NULL) {
			h->h_st.hs_refused++;
			close(fd);
			continue;
		}
		h->h_pfd[h->h_n] = (struct pollfd){ .fd = fd, .events = POLLIN };
		h->h_conn[h->h_n++] = c;
		h->h_st.hs_accepted++;
		if (++h->h_st.hs_active > h->h_st.hs_peak)
			h->h_st.hs_peak = h->h_st.hs_active;
	}
	h->h_pfd[1].events = 0;	/* full: until one closes */
}

/* Milliseconds until the first idle deadline; -1 if none. */
static int
next_timeout(const struct httpd *h, uint64_t now)
{
	uint64_t first = UINT64_MAX;

	for (int i = NFIXED; i < h->h_n; i++) {
		if (h->h_conn[i]->c_deadline_ms < first)
			first = h->h_conn[i]->c_deadline_ms;
	}
	if (first == UINT64_MAX)
		return -1;
	return first <= now ? 0 : (int)(first - now);
}

/* Connections walked downwards: close_slot moves a handled one in. */
static void
run_conns(struct httpd *h)
{
	uint64_t now = now_ms();

	for (int i = h->h_n - 1; i >= NFIXED; i--) {
		struct pollfd *p = &h->h_pfd[i];
		short ev = p->events;

		if (p->revents != 0) {
			if (conn_run(h, h->h_conn[i], p->revents, &ev))
				p->events = ev;
			else
				close_slot(h, i);
		} else if (now >= h->h_conn[i]->c_deadline_ms) {
			h->h_st.hs_timeouts++;
			close_slot(h, i);
		}
	}
}

static void
serve(struct httpd *h)
{
	char line[128];

	while (!h->h_done) {
		int n = poll(h->h_pfd, (nfds_t)h->h_n,
		    next_timeout(h, now_ms()));

		if (n < 0) {
			fprintf(stderr, "httpd: poll: %s\n", strerror(errno));
			return;
		}
		if ((h->h_pfd[0].revents & POLLIN) != 0) {
			(void)read(0, line, sizeof(line));
			h->h_done = true;
		}
		if (h->h_pfd[1].revents != 0)
			accept_all(h);
		run_conns(h);
	}
}

static int
setup(struct httpd *h, const struct opts *o)
{
	int s;

	h->h_cap = NFIXED + (int)o->maxconn;
	h->h_idle_ms = (unsigned)o->idle_s * 1000u;
	h->h_pfd = calloc((size_t)h->h_cap, sizeof(*h->h_pfd));
	h->h_conn = calloc((size_t)h->h_cap, sizeof(*h->h_conn));
	if (h->h_pfd == NULL || h->h_conn == NULL) {
		fprintf(stderr, "httpd: no memory for %ld connections\n",
		    o->maxconn);
		return -1;
	}
	if ((s = listen_on(o->port)) < 0)
		return -1;
	h->h_pfd[0] = (struct pollfd){ .fd = 0, .events = POLLIN };
	h->h_pfd[1] = (struct pollfd){ .fd = s, .events = POLLIN };
	h->h_n = NFIXED;
	h->h_st.hs_start_ms = now_ms();
	return 0;
}

int
main(int argc, char **argv)
{
	static struct httpd h;
	struct opts o;
	char info[1024];

	if (parse_opts(argc, argv, &o) != 0)
		return usage();
	if (rumpmetal_netwait((int)(o.netwait * 1000)) != 0) {
		rumpmetal_netinfo(info, sizeof(info));
		fprintf(stderr, "httpd: no network configuration after %g s\n%s",
		    o.netwait, info);
		return 2;
	}
	rumpmetal_netinfo(info, sizeof(info));
	printf("%s", info);
	if (setup(&h, &o) != 0)
		return 2;
	printf("httpd: listening on port %ld\n", o.port);
	fflush(stdout);
	serve(&h);
	printf("httpd: %llu connections, %llu requests, %llu bytes sent, "
	    "%llu timed out\n", (unsigned long long)h.h_st.hs_accepted,
	    (unsigned long long)h.h_st.hs_requests,
	    (unsigned long long)h.h_st.hs_bytes,
	    (unsigned long long)h.h_st.hs_timeouts);
	for (int i = NFIXED; i < h.h_n; i++)
		close(h.h_pfd[i].fd);
	close(h.h_pfd[1].fd);
	return 0;
}
