/*
 * Host network interface hypercalls on Linux (rump/rumpcomp_netif.h):
 * a tap device through /dev/net/tun, IFF_TAP | IFF_NO_PI, so that one
 * read or write is exactly one Ethernet frame.
 *
 * open attaches to an existing tap device (made with `ip tuntap add
 * NAME mode tap`, which needs no privilege afterwards if its owner is
 * the caller) or creates a transient one (needs CAP_NET_ADMIN; it goes
 * away with the process). The MTU is the host interface's, asked with
 * SIOCGIFMTU.
 *
 * The tap descriptor is non-blocking: send never waits, and recv first
 * tries a read while holding the rump kernel CPU, then, only when
 * nothing is queued, releases the CPU and waits in poll() on the tap and
 * on an eventfd that shutdown makes readable for good. ni_shut is
 * checked after every wakeup, so a receiver leaves with ECANCELED even
 * when frames are still queued.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <rump/rumpcomp_netif.h>

#include "hp.h"

_Static_assert(sizeof(struct rumpuser_iovec) == sizeof(struct iovec), "iov");

/* Larger than any frame a tap hands out (64 KiB plus headers). */
#define NETIF_SPILL 65600

struct hp_netif {
	int ni_fd;		/* the tap, O_NONBLOCK */
	int ni_wake;		/* eventfd, readable once shut down */
	int ni_shut;		/* atomic: shutdown was called */
	char ni_name[IFNAMSIZ];
	char ni_spill[NETIF_SPILL];	/* overlong frames end here; unread */
};

static int
tap_attach(const char *name, int *fdp)
{
	struct ifreq ifr;
	int fd, rv;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1)
		return errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		rv = errno;
		close(fd);
		return rv;
	}
	*fdp = fd;
	return 0;
}

static int
host_mtu(const char *name, unsigned *mtup)
{
	struct ifreq ifr;
	int s, rv = 0;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(s, SIOCGIFMTU, &ifr) == -1)
		rv = errno;
	else if (ifr.ifr_mtu <= 0)
		rv = EINVAL;
	else
		*mtup = (unsigned)ifr.ifr_mtu;
	close(s);
	return rv;
}

int
rumpcomp_netif_open(const char *name, void **handlep, unsigned *mtup)
{
	struct hp_netif *ni;
	size_t len = strlen(name);
	int rv;

	if (len == 0 || len >= IFNAMSIZ)
		return EINVAL;
	if ((ni = calloc(1, sizeof(*ni))) == NULL)
		return ENOMEM;
	memcpy(ni->ni_name, name, len);
	ni->ni_wake = -1;
	if ((rv = tap_attach(name, &ni->ni_fd)) != 0)
		goto fail;
	if ((rv = host_mtu(name, mtup)) != 0)
		goto fail_fd;
	if ((ni->ni_wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		rv = errno;
		goto fail_fd;
	}
	*handlep = ni;
	return 0;

fail_fd:
	close(ni->ni_fd);
fail:
	free(ni);
	return rv;
}

static int
is_shut(const struct hp_netif *ni)
{
	return __atomic_load_n(&ni->ni_shut, __ATOMIC_ACQUIRE);
}

int
rumpcomp_netif_send(void *handle, const struct rumpuser_iovec *iov,
    size_t iovcnt)
{
	struct hp_netif *ni = handle;
	ssize_t n;

	if (is_shut(ni))
		return ECANCELED;
	if (iovcnt > IOV_MAX)
		return EMSGSIZE;
	do
		n = writev(ni->ni_fd, (const struct iovec *)(const void *)iov,
		    (int)iovcnt);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno == EAGAIN ? ENOBUFS : errno;
	return 0;
}

/*
 * One non-blocking read. A frame longer than buflen runs over into a
 * scratch buffer, so that its length is known: EMSGSIZE.
 */
static int
recv_try(struct hp_netif *ni, void *buf, size_t buflen, size_t *lenp)
{
	struct iovec iov[2] = {
		{ .iov_base = buf, .iov_len = buflen },
		{ .iov_base = ni->ni_spill, .iov_len = sizeof(ni->ni_spill) },
	};
	ssize_t n;

	do
		n = readv(ni->ni_fd, iov, 2);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return errno;
	if ((size_t)n > buflen)
		return EMSGSIZE;
	*lenp = (size_t)n;
	return 0;
}

/* Sleep without the CPU until the tap or the eventfd is readable. */
static int
recv_wait(struct hp_netif *ni)
{
	struct pollfd pfd[2] = {
		{ .fd = ni->ni_fd, .events = POLLIN },
		{ .fd = ni->ni_wake, .events = POLLIN },
	};
	int nlocks, rv = 0;

	hp_cpu_release(&nlocks, NULL);
	if (poll(pfd, 2, -1) == -1 && errno != EINTR)
		rv = errno;
	hp_cpu_take(nlocks, NULL);
	return rv;
}

int
rumpcomp_netif_recv(void *handle, void *buf, size_t buflen, size_t *lenp)
{
	struct hp_netif *ni = handle;
	int rv;

	for (;;) {
		if (is_shut(ni))
			return ECANCELED;
		rv = recv_try(ni, buf, buflen, lenp);
		if (rv != EAGAIN)
			return rv;
		if ((rv = recv_wait(ni)) != 0)
			return rv;
	}
}

void
rumpcomp_netif_shutdown(void *handle)
{
	struct hp_netif *ni = handle;
	uint64_t one = 1;

	__atomic_store_n(&ni->ni_shut, 1, __ATOMIC_RELEASE);
	/* Fails only when the counter is saturated: readable already. */
	if (write(ni->ni_wake, &one, sizeof(one)) == -1 && errno != EAGAIN)
		hp_fatal("netif eventfd write", errno);
}

void
rumpcomp_netif_close(void *handle)
{
	struct hp_netif *ni = handle;

	close(ni->ni_wake);
	close(ni->ni_fd);
	free(ni);
}
