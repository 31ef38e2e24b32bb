/*
 * The resolver's platform side (resolv.h): the query loop runs over the
 * application's own UDP socket calls (so a lookup is an ordinary socket
 * user: one socket bound to port 0, which the kernel gives a random
 * ephemeral port), with query ids from the kernel's random generator
 * and the DNS servers the kernel learnt (rumpmetal_dns_servers).
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <rumpmetal/net.h>
#include <rump/rumpuser.h>

#include "resolv.h"

struct udp_transport {
	int ut_fd;
};

static uint64_t
ut_now_ms(void *arg)
{
	struct timespec ts;

	(void)arg;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static uint16_t
ut_random16(void *arg)
{
	uint16_t v = 0;
	size_t got;

	(void)arg;
	/* Never blocks and fills the buffer (ChaCha20, hypercall-bm). */
	if (rumpuser_getrandom(&v, sizeof(v), RUMPUSER_RANDOM_NOWAIT,
	    &got) != 0 || got != sizeof(v))
		v = (uint16_t)(ut_now_ms(NULL) * 40503u);
	return v;
}

static int
ut_open(void *arg)
{
	struct udp_transport *ut = arg;
	struct sockaddr_in a = { .sin_len = sizeof(a), .sin_family = AF_INET,
	    .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_ANY) };
	int err;

	if ((ut->ut_fd = socket(AF_INET, SOCK_DGRAM, 0)) < 0)
		return errno;
	if (bind(ut->ut_fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
		err = errno;
		close(ut->ut_fd);
		ut->ut_fd = -1;
		return err;
	}
	return 0;
}

static void
ut_close(void *arg)
{
	struct udp_transport *ut = arg;

	if (ut->ut_fd >= 0)
		close(ut->ut_fd);
	ut->ut_fd = -1;
}

static int
ut_send(void *arg, uint32_t addr, uint16_t port, const void *buf,
    unsigned len)
{
	struct udp_transport *ut = arg;
	struct sockaddr_in to = { .sin_len = sizeof(to), .sin_family = AF_INET,
	    .sin_port = htons(port), .sin_addr.s_addr = addr };

	if (sendto(ut->ut_fd, buf, len, 0, (struct sockaddr *)&to,
	    sizeof(to)) < 0)
		return errno;
	return 0;
}

static int
ut_recv(void *arg, void *buf, unsigned cap, unsigned *len, uint32_t *from,
    uint16_t *fromport, uint64_t deadline_ms)
{
	struct udp_transport *ut = arg;
	struct pollfd p = { .fd = ut->ut_fd, .events = POLLIN };

	for (;;) {
		struct sockaddr_in sin;
		socklen_t sl = sizeof(sin);
		uint64_t now = ut_now_ms(NULL);
		ssize_t n;

		if (now >= deadline_ms)
			return ETIMEDOUT;
		if (poll(&p, 1, (int)(deadline_ms - now)) < 0 &&
		    errno != EINTR)
			return errno;
		n = recvfrom(ut->ut_fd, buf, cap, MSG_DONTWAIT,
		    (struct sockaddr *)&sin, &sl);
		if (n < 0) {
			if (errno == EWOULDBLOCK || errno == EAGAIN ||
			    errno == EINTR)
				continue;
			return errno;
		}
		*len = (unsigned)n;
		*from = sin.sin_addr.s_addr;
		*fromport = ntohs(sin.sin_port);
		return 0;
	}
}

enum res_error
res_platform_lookup(const uint8_t *qname, unsigned qlen, uint16_t qtype,
    struct dns_result *r, int *errp)
{
	struct in_addr servers[RES_MAXSERVERS];
	struct udp_transport ut = { .ut_fd = -1 };
	struct res_transport t = { &ut, ut_open, ut_close, ut_send, ut_recv,
	    ut_now_ms, ut_random16 };
	struct res_conf rc = { .rc_port = DNS_PORT,
	    .rc_timeout_ms = RES_TIMEOUT_MS, .rc_tries = RES_TRIES };

	rc.rc_nservers = (unsigned)rumpmetal_dns_servers(servers,
	    RES_MAXSERVERS);
	for (unsigned i = 0; i < rc.rc_nservers; i++)
		rc.rc_servers[i] = servers[i].s_addr;
	return res_lookup(&rc, &t, qname, qlen, qtype, r, errp, NULL);
}
