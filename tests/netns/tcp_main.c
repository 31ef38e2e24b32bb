/*
 * netns-tcp: the rump kernel's TCP as a Linux process on a tap device,
 * driven by tests/netns/tcp.sh with Linux's own TCP as the peer. Only
 * the kernel socket API (include/net/socket.h) is used, as the libc glue
 * would use it.
 *
 * Configuration comes from the environment (tap=TAPNAME, net=A.B.C.D/LEN,
 * read by rump_init as in tests/netns/main.c). Commands, one per line on
 * stdin; each ends with one result line on stdout:
 *	echo PORT          serve TCP echo on PORT (each connection in its
 *	                   own thread, echoed until EOF, then closed):
 *	                   "echo: listening PORT"
 *	collect PORT       serve "collect" on PORT: read until EOF, then send
 *	                   everything back and close (the peer's write side
 *	                   is shut while we still send): "collect: listening
 *	                   PORT"; each connection logs "collect: received N,
 *	                   sent N, error E" when done
 *	client A.B.C.D PORT BYTES
 *	                   connect, send BYTES of a known pattern from one
 *	                   thread while reading the echo in another, shut
 *	                   down writing, read until EOF, check every byte:
 *	                   "client: sent N, received N, ok" (or why not)
 *	halfclose A.B.C.D PORT BYTES
 *	                   connect, send BYTES, shut down writing, then read
 *	                   until EOF what the peer sends after our FIN and
 *	                   check it is the same pattern: "halfclose: ..."
 *	connect A.B.C.D PORT
 *	                   connect and close: "connect: ok",
 *	                   "connect: ECONNREFUSED" or "connect: error N (..)"
 *	stats              counters, then "stats: end"
 *	quit (or EOF)      stops the servers, waits for their connections,
 *	                   detaches virt0, checks no mbuf is left:
 *	                   "quit: clean" or "quit: ..." saying what is wrong
 * Connection threads log "echo: connection done, N bytes, error E".
 * At start it prints "ready IFNAME MAC" (or "error: ..." and exits 1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/kthread.h>
#include <kern/mutex.h>
#include <kern/rump.h>
#include <net/if_virt.h>
#include <net/mbuf.h>
#include <net/netif.h>
#include <net/socket.h>
#include <netinet/dhcp.h>
#include <netinet/inet.h>

#define MAXSERVERS 4
#define CHUNK 16384
#define COLLECT_MAX (64u << 20)
#define RECV_TIMEOUT_S 30	/* a stalled transfer fails, never hangs */
#define ACCEPT_POLL_NS 100000000ull

enum srv_mode { SRV_ECHO, SRV_COLLECT };

struct server {
	enum srv_mode s_mode;
	unsigned s_port;
	struct socket *s_so;
	struct lwp *s_lwp;
};

struct conn {
	enum srv_mode c_mode;
	struct socket *c_so;
};

static struct server servers[MAXSERVERS];
static unsigned nservers;
static volatile int stopping;		/* quit: accept loops return */
static kmutex_t conn_lock;
static unsigned conns_active, conns_total;	/* conn_lock */

static double
now_s(void)
{
	int64_t sec = 0;
	long nsec = 0;

	rumpuser_clock_gettime(RUMPUSER_CLOCK_ABSMONO, &sec, &nsec);
	return (double)sec + (double)nsec / 1e9;
}

static void
sleep_ms(long ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (ms % 1000) * 1000000L);
}

/* The test pattern: byte i of every transfer, from i alone. */
static uint8_t
pattern(uint64_t i)
{
	uint32_t x = (uint32_t)(i >> 2) * 2654435761u;

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	return (uint8_t)(x >> (8 * (i & 3)));
}

static void
pattern_fill(uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = pattern(off + i);
}

/* Offset of the first byte of buf that is not the pattern, or -1. */
static long long
pattern_check(const uint8_t *buf, size_t len, uint64_t off)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern(off + i))
			return (long long)(off + i);
	return -1;
}

static const char *
errname(int e)
{
	switch (e) {
	case 0: return "ok";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EWOULDBLOCK: return "EWOULDBLOCK (timeout)";
	case EPIPE: return "EPIPE";
	case ENOBUFS: return "ENOBUFS";
	default: return strerror(e);
	}
}

static void
make_sin(struct sockaddr_in_k *sin, in_addr_t addr, unsigned port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_len = sizeof(*sin);
	sin->sin_family = AF_INET_K;
	sin->sin_port = net_htons((uint16_t)port);
	sin->sin_addr = addr;
}

/* Sends all of buf; 0 or the error. */
static int
send_all(struct socket *so, const uint8_t *buf, size_t len)
{
	size_t sent;
	int rv;

	while (len > 0) {
		rv = so_sendto(so, buf, len, 0, NULL, 0, &sent);
		if (rv != 0)
			return rv;
		buf += sent;
		len -= sent;
	}
	return 0;
}

static int
set_rcvtimeo(struct socket *so, long sec)
{
	struct { int64_t sec, usec; } tv = { sec, 0 };

	return so_setsockopt(so, SOL_SOCKET_K, SO_RCVTIMEO_K, &tv, sizeof(tv));
}

/* ---- servers ------------------------------------------------------------ */

static void
conn_done(void)
{
	mutex_enter(&conn_lock);
	conns_active--;
	mutex_exit(&conn_lock);
}

static void
echo_conn(struct socket *so)
{
	uint8_t buf[CHUNK];
	unsigned long long total = 0;
	size_t got;
	int rv;

	for (;;) {
		rv = so_recvfrom(so, buf, sizeof(buf), 0, NULL, NULL, &got);
		if (rv != 0 || got == 0)
			break;
		if ((rv = send_all(so, buf, got)) != 0)
			break;
		total += got;
	}
	printf("echo: connection done, %llu bytes, error %d (%s)\n", total, rv,
	    errname(rv));
}

/* Everything until EOF, then all of it back after the peer's FIN. */
static void
collect_conn(struct socket *so)
{
	uint8_t *buf = malloc(COLLECT_MAX);
	size_t have = 0, got = 0;
	int rv = ENOMEM;

	if (buf != NULL) {
		do {
			rv = so_recvfrom(so, buf + have, COLLECT_MAX - have, 0,
			    NULL, NULL, &got);
			have += got;
		} while (rv == 0 && got > 0 && have < COLLECT_MAX);
	}
	if (rv == 0)
		rv = send_all(so, buf, have);
	printf("collect: received %zu, sent %zu, error %d (%s)\n", have,
	    rv == 0 ? have : 0, rv, errname(rv));
	free(buf);
}

static void
conn_thread(void *arg)
{
	struct conn *c = arg;

	set_rcvtimeo(c->c_so, RECV_TIMEOUT_S);
	if (c->c_mode == SRV_ECHO)
		echo_conn(c->c_so);
	else
		collect_conn(c->c_so);
	so_close(c->c_so);
	free(c);
	conn_done();
}

static void
start_conn(struct server *s, struct socket *so)
{
	struct conn *c = malloc(sizeof(*c));

	if (c == NULL) {
		so_close(so);
		return;
	}
	c->c_mode = s->s_mode;
	c->c_so = so;
	mutex_enter(&conn_lock);
	conns_active++;
	conns_total++;
	mutex_exit(&conn_lock);
	if (kthread_create(conn_thread, c, "tcpconn", 0, NULL) != 0) {
		printf("server: kthread_create failed\n");
		so_close(so);
		free(c);
		conn_done();
	}
}

/*
 * Polls rather than sleeping in accept, so that quit can stop it
 * without closing a socket under a sleeping call.
 */
static void
accept_thread(void *arg)
{
	struct server *s = arg;
	struct socket *nso;
	uint64_t gen;
	int rv;

	while (!stopping) {
		gen = so_poll_gen();
		if ((so_poll(s->s_so, SO_POLLIN) & SO_POLLIN) == 0) {
			so_poll_wait(gen, ACCEPT_POLL_NS);
			continue;
		}
		rv = so_accept(s->s_so, &nso, NULL, NULL);
		if (rv == EWOULDBLOCK || rv == ECONNABORTED)
			continue;
		if (rv != 0) {
			printf("server: accept port %u: error %d (%s)\n",
			    s->s_port, rv, errname(rv));
			sleep_ms(100);
			continue;
		}
		start_conn(s, nso);
	}
}

static int
server_open(struct server *s)
{
	struct sockaddr_in_k sin;
	int one = 1, rv;

	if ((rv = so_create(AF_INET_K, SOCK_STREAM_K, 0, &s->s_so)) != 0)
		return rv;
	make_sin(&sin, INADDR_ANY_N, s->s_port);
	so_setsockopt(s->s_so, SOL_SOCKET_K, SO_REUSEADDR_K, &one,
	    sizeof(one));
	if ((rv = so_bind(s->s_so, &sin, sizeof(sin))) != 0 ||
	    (rv = so_listen(s->s_so, 16)) != 0 ||
	    (rv = kthread_create(accept_thread, s, "tcpaccept",
	    KTHREAD_MUSTJOIN, &s->s_lwp)) != 0) {
		so_close(s->s_so);
		return rv;
	}
	return 0;
}

static void
cmd_server(const char *arg, enum srv_mode mode)
{
	const char *name = mode == SRV_ECHO ? "echo" : "collect";
	struct server *s;
	unsigned port;
	int rv;

	if (sscanf(arg, "%u", &port) != 1 || port == 0 || port > 65535 ||
	    nservers == MAXSERVERS) {
		printf("%s: bad arguments\n", name);
		return;
	}
	s = &servers[nservers];
	s->s_mode = mode;
	s->s_port = port;
	if ((rv = server_open(s)) != 0) {
		printf("%s: error %d (%s)\n", name, rv, errname(rv));
		return;
	}
	nservers++;
	printf("%s: listening %u\n", name, port);
}

/* ---- clients ------------------------------------------------------------ */

struct xfer {
	double x_start;
	struct socket *x_so;
	size_t x_len;
	size_t x_sent;
	int x_error;
};

/* Connects so to A.B.C.D PORT; 0 or the error. */
static int
client_connect(const char *arg, struct socket **sop, size_t *lenp)
{
	struct sockaddr_in_k sin;
	char addr[32];
	unsigned port;
	unsigned long long len = 0;
	in_addr_t a;
	int rv;

	if (sscanf(arg, "%31s %u %llu", addr, &port, &len) < 2 ||
	    !inet_aton_n(addr, &a) || port == 0 || port > 65535)
		return EINVAL;
	if (lenp != NULL)
		*lenp = (size_t)len;
	if ((rv = so_create(AF_INET_K, SOCK_STREAM_K, 0, sop)) != 0)
		return rv;
	make_sin(&sin, a, port);
	if ((rv = so_connect(*sop, &sin, sizeof(sin))) != 0) {
		so_close(*sop);
		*sop = NULL;
	}
	return rv;
}

/* Sends x_len pattern bytes, then shuts down writing. */
static void
sender(struct xfer *x)
{
	uint8_t buf[CHUNK];
	size_t n;

	while (x->x_sent < x->x_len) {
		n = x->x_len - x->x_sent < CHUNK ? x->x_len - x->x_sent : CHUNK;
		pattern_fill(buf, n, x->x_sent);
		if ((x->x_error = send_all(x->x_so, buf, n)) != 0)
			return;
		x->x_sent += n;
	}
	x->x_error = so_shutdown(x->x_so, 1);
}

static void
sender_thread(void *arg)
{
	sender(arg);
}

/* Reads until EOF, checking the pattern; 0 or the error. */
static int
receive_check(struct socket *so, size_t *total, long long *bad)
{
	uint8_t buf[CHUNK];
	size_t got;
	int rv;

	*total = 0;
	*bad = -1;
	for (;;) {
		rv = so_recvfrom(so, buf, sizeof(buf), 0, NULL, NULL, &got);
		if (rv != 0 || got == 0)
			return rv;
		if (*bad < 0)
			*bad = pattern_check(buf, got, *total);
		*total += got;
	}
}

static void
report(const char *name, struct xfer *x, size_t got, long long bad, int rv)
{
	double secs = now_s() - x->x_start;

	printf("%s: sent %zu, received %zu, %.2f s, %.2f MB/s", name,
	    x->x_sent, got, secs, (double)(x->x_sent + got) / 2 / 1e6 /
	    (secs > 1e-6 ? secs : 1e-6));
	if (x->x_error != 0)
		printf(", send error %d (%s)", x->x_error, errname(x->x_error));
	if (rv != 0)
		printf(", receive error %d (%s)", rv, errname(rv));
	if (bad >= 0)
		printf(", MISMATCH at offset %lld", bad);
	if (x->x_error == 0 && rv == 0 && bad < 0 && got == x->x_len)
		printf(", ok");
	printf("\n");
}

/*
 * concurrent: the sender runs in its own thread while this one reads
 * (an echo peer); otherwise everything is sent first (a peer that
 * answers only after our FIN).
 */
static void
cmd_client(const char *name, const char *arg, bool concurrent)
{
	struct xfer x = { 0 };
	struct lwp *l = NULL;
	long long bad;
	size_t got = 0;
	int rv;

	x.x_start = now_s();
	if ((rv = client_connect(arg, &x.x_so, &x.x_len)) != 0) {
		printf("%s: connect error %d (%s)\n", name, rv, errname(rv));
		return;
	}
	set_rcvtimeo(x.x_so, RECV_TIMEOUT_S);
	if (!concurrent)
		sender(&x);
	else if ((rv = kthread_create(sender_thread, &x, "tcpsend",
	    KTHREAD_MUSTJOIN, &l)) != 0)
		x.x_error = rv;
	rv = receive_check(x.x_so, &got, &bad);
	if (rv != 0)	/* the sender may be stuck on a dead connection */
		so_shutdown(x.x_so, 2);
	if (l != NULL)
		kthread_join(l);
	so_close(x.x_so);
	report(name, &x, got, bad, rv);
}

static void
cmd_connect(const char *arg)
{
	struct socket *so = NULL;
	int rv;

	if ((rv = client_connect(arg, &so, NULL)) == 0) {
		so_close(so);
		printf("connect: ok\n");
	} else if (rv == ECONNREFUSED) {
		printf("connect: ECONNREFUSED\n");
	} else {
		printf("connect: error %d (%s)\n", rv, errname(rv));
	}
}

/* ---- the rest ----------------------------------------------------------- */

static void
stats_line(void *arg, const char *line)
{
	(void)arg;
	printf("  %s\n", line);
}

static void
cmd_stats(struct ifnet *ifp)
{
	struct mbuf_stats ms;

	mutex_enter(&conn_lock);
	printf("  connections: %u accepted, %u active\n", conns_total,
	    conns_active);
	mutex_exit(&conn_lock);
	mbuf_get_stats(&ms);
	printf("  mbufs: %llu mbufs, %llu clusters, %llu ext outstanding, "
	    "%llu allocation failures\n", (unsigned long long)ms.ms_mbufs,
	    (unsigned long long)ms.ms_clusters,
	    (unsigned long long)ms.ms_ext, (unsigned long long)ms.ms_fail);
	if_stats_print(ifp, stats_line, NULL);
	printf("stats: end\n");
}

static bool
servers_stop(void)
{
	unsigned active = 0;

	stopping = 1;
	for (unsigned i = 0; i < nservers; i++) {
		kthread_join(servers[i].s_lwp);
		so_close(servers[i].s_so);
	}
	for (int i = 0; i < 100; i++) {
		mutex_enter(&conn_lock);
		active = conns_active;
		mutex_exit(&conn_lock);
		if (active == 0)
			return true;
		sleep_ms(100);
	}
	printf("quit: %u connections still open after 10 s\n", active);
	return false;
}

/*
 * Everything goes; then no mbuf may be outstanding. Connections that
 * are closing (FIN_WAIT, TIME_WAIT) get a few seconds first.
 */
static int
cmd_quit(void)
{
	struct mbuf_stats ms;

	if (!servers_stop())
		return 1;
	if (virt_detach_all() != 1) {
		printf("quit: virt_detach_all did not find one interface\n");
		return 1;
	}
	for (int i = 0; i < 50; i++) {
		mbuf_get_stats(&ms);
		if (ms.ms_mbufs == 0 && ms.ms_clusters == 0 && ms.ms_ext == 0)
			break;
		sleep_ms(100);
	}
	if (ms.ms_mbufs != 0 || ms.ms_clusters != 0 || ms.ms_ext != 0) {
		printf("quit: LEAK %llu mbufs, %llu clusters, %llu ext\n",
		    (unsigned long long)ms.ms_mbufs,
		    (unsigned long long)ms.ms_clusters,
		    (unsigned long long)ms.ms_ext);
		return 1;
	}
	printf("quit: clean\n");
	return 0;
}

static struct ifnet *
setup(void)
{
	struct ifnet *ifp;
	char mac[18];
	int rv;

	if ((rv = rump_init()) != 0) {
		printf("error: rump_init: %d\n", rv);
		return NULL;
	}
	rump_schedule();
	mutex_init(&conn_lock, MUTEX_DEFAULT);
	if ((ifp = if_find("virt0")) == NULL) {
		printf("error: no virt0 (is tap= set and the tap usable?)\n");
		return NULL;
	}
	if (!netconfig_wait(5000)) {
		printf("error: virt0 has no address (net= set?)\n");
		return NULL;
	}
	printf("ready %s %s\n", ifp->if_xname, ether_sprintf(mac,
	    ifp->if_lladdr));
	return ifp;
}

static void
command(struct ifnet *ifp, const char *line)
{
	if (strncmp(line, "echo ", 5) == 0)
		cmd_server(line + 5, SRV_ECHO);
	else if (strncmp(line, "collect ", 8) == 0)
		cmd_server(line + 8, SRV_COLLECT);
	else if (strncmp(line, "client ", 7) == 0)
		cmd_client("client", line + 7, true);
	else if (strncmp(line, "halfclose ", 10) == 0)
		cmd_client("halfclose", line + 10, false);
	else if (strncmp(line, "connect ", 8) == 0)
		cmd_connect(line + 8);
	else if (strcmp(line, "stats") == 0)
		cmd_stats(ifp);
	else
		printf("unknown command: %s\n", line);
}

int
main(void)
{
	struct ifnet *ifp;
	char line[256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((ifp = setup()) == NULL)
		return 1;
	for (;;) {
		/* Waiting on stdin is a host block: not with a CPU held. */
		rump_unschedule();
		if (fgets(line, sizeof(line), stdin) == NULL)
			strcpy(line, "quit");
		rump_schedule();
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "quit") == 0)
			break;
		command(ifp, line);
	}
	return cmd_quit();
}
