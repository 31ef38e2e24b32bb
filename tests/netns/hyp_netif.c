/*
 * The host network interface hypercalls (rump/rumpcomp_netif.h) of
 * hypercall-posix, alone, under the test rump "kernel" of
 * tests/hypercall (fakekernel.c): open (of an existing tap and of a new
 * one), send, receive, an overlong frame, and shutdown waking a blocked
 * receiver. Frames reach the
 * receiver from an AF_PACKET socket sending on the tap's host side;
 * frames sent are counted by the host interface's rx_packets.
 *
 * Usage: hyp-netif TAPNAME (the tap exists and is up; root). Prints
 * "pass NAME" / "FAIL NAME: why" per case, then "N passed, N failed".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netpacket/packet.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <rump/rumpcomp_netif.h>
#include <rump/rumpuser.h>

#include "../hypercall/fakekernel.h"

#define TEST_ETHERTYPE 0x88b5	/* IEEE 802 local experimental */

static const char *tap;
static void *nif;
static unsigned fails, npass;

static int
fail(const char *name, const char *why, long long v)
{
	printf("FAIL %s: %s (%lld)\n", name, why, v);
	fails++;
	return 1;
}

static long long
sysfs_num(const char *what)
{
	char path[256];
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", tap, what);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static void
sleep_ms(int ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, (long)ms * 1000000L);
}

/*
 * Opening gives the tap its carrier; Linux starts its transmit queue a
 * moment later (link watch), and drops what is sent before. Wait for
 * operstate "up", then a little more.
 */
static bool
carrier_up(void)
{
	char path[256], state[32];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", tap);
	for (int i = 0; i < 50; i++) {
		if ((f = fopen(path, "r")) != NULL) {
			if (fscanf(f, "%31s", state) != 1)
				state[0] = '\0';
			fclose(f);
			if (strcmp(state, "up") == 0) {
				sleep_ms(100);
				return true;
			}
		}
		sleep_ms(100);
	}
	return false;
}

/* A frame of len bytes: broadcast, our ethertype, payload = tag, i... */
static void
make_frame(uint8_t *f, size_t len, uint8_t tag)
{
	memset(f, 0xff, 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x01", 6);
	f[12] = TEST_ETHERTYPE >> 8;
	f[13] = TEST_ETHERTYPE & 0xff;
	f[14] = tag;
	for (size_t i = 15; i < len; i++)
		f[i] = (uint8_t)(i * 7 + tag);
}

/* Send a frame out of the host side of the tap (it reaches recv). */
static int
inject(size_t len, uint8_t tag)
{
	static uint8_t f[2048];
	struct sockaddr_ll sll;
	int s, rv = 0;

	if ((s = socket(AF_PACKET, SOCK_RAW, 0)) == -1)
		return errno;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(tap);
	sll.sll_halen = 6;
	memset(sll.sll_addr, 0xff, 6);
	make_frame(f, len, tag);
	if (sendto(s, f, len, 0, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		rv = errno;
	close(s);
	return rv;
}

/* Next frame of ours (others, such as IPv6 chatter, are skipped). */
static int
recv_ours(uint8_t *buf, size_t buflen, size_t *lenp)
{
	int rv;

	for (;;) {
		rv = rumpcomp_netif_recv(nif, buf, buflen, lenp);
		if (rv != 0)
			return rv;
		if (*lenp >= 15 && buf[12] == (TEST_ETHERTYPE >> 8) &&
		    buf[13] == (TEST_ETHERTYPE & 0xff))
			return 0;
	}
}

static void
case_open(void)
{
	unsigned mtu = 0;
	void *h;
	int rv;

	if (rumpcomp_netif_open("", &h, &mtu) != EINVAL ||
	    rumpcomp_netif_open("a-name-far-too-long-for-linux", &h, &mtu) !=
	    EINVAL) {
		fail("open", "bad names accepted", 0);
		return;
	}
	if ((rv = rumpcomp_netif_open(tap, &nif, &mtu)) != 0) {
		fail("open", "open", rv);
		exit(1);
	}
	if (!carrier_up()) {
		fail("open", "the host interface never came up", 0);
		return;
	}
	if ((long long)mtu != sysfs_num("mtu")) {
		fail("open", "MTU differs from sysfs", mtu);
		return;
	}
	npass++;
	printf("pass open (MTU %u)\n", mtu);
}

/* A name that does not exist yet: open creates a tap, close removes it. */
static void
case_transient(void)
{
	const char *name = "rmtransient0";
	char path[64];
	unsigned mtu;
	void *h;
	int rv;

	snprintf(path, sizeof(path), "/sys/class/net/%s", name);
	if ((rv = rumpcomp_netif_open(name, &h, &mtu)) != 0) {
		fail("transient", "open", rv);
		return;
	}
	if (access(path, F_OK) != 0) {
		rumpcomp_netif_close(h);
		fail("transient", "no host interface after open", errno);
		return;
	}
	rumpcomp_netif_shutdown(h);
	rumpcomp_netif_close(h);
	for (int i = 0; i < 20 && access(path, F_OK) == 0; i++)
		sleep_ms(50);
	if (access(path, F_OK) == 0) {
		fail("transient", "host interface still there after close", 0);
		return;
	}
	npass++;
	printf("pass transient (MTU %u)\n", mtu);
}

static void
case_send(void)
{
	uint8_t f[100], big[1514];
	struct rumpuser_iovec iov[3] = {
		{ f, 14 }, { f + 14, 30 }, { f + 44, 56 },
	};
	long long before = sysfs_num("statistics/rx_packets"), after;
	int rv;

	make_frame(f, sizeof(f), 1);
	make_frame(big, sizeof(big), 2);
	if ((rv = rumpcomp_netif_send(nif, iov, 3)) != 0 ||
	    (rv = rumpcomp_netif_send(nif, iov, 1)) != 0)
		goto bad;
	iov[0].iov_base = big;
	iov[0].iov_len = sizeof(big);
	if ((rv = rumpcomp_netif_send(nif, iov, 1)) != 0)
		goto bad;
	after = sysfs_num("statistics/rx_packets");
	if (after - before != 3) {
		fail("send", "host rx_packets grew by", after - before);
		return;
	}
	npass++;
	printf("pass send\n");
	return;
bad:
	fail("send", "send", rv);
}

static void *
inject_later(void *arg)
{
	usleep(200 * 1000);
	inject(60, (uint8_t)(uintptr_t)arg);
	return NULL;
}

/* Frames queued before the call, then one that comes while blocked. */
static void
case_recv(void)
{
	static const size_t sizes[] = { 60, 1514, 15, 777 };
	uint8_t buf[2048], want[2048];
	struct fk_counts before;
	pthread_t t;
	size_t len;
	int rv;

	for (unsigned i = 0; i < 4; i++)
		if ((rv = inject(sizes[i], (uint8_t)(10 + i))) != 0) {
			fail("recv", "inject", rv);
			return;
		}
	for (unsigned i = 0; i < 4; i++) {
		if ((rv = recv_ours(buf, sizeof(buf), &len)) != 0) {
			fail("recv", "recv", rv);
			return;
		}
		make_frame(want, sizes[i], (uint8_t)(10 + i));
		if (len != sizes[i] || memcmp(buf, want, len) != 0) {
			printf("    frame %u: %zu bytes, tag %u; want %zu, %u\n",
			    i, len, buf[14], sizes[i], 10 + i);
			fail("recv", "frame differs, length", (long long)len);
			return;
		}
	}
	fk_counts_get(&before);
	pthread_create(&t, NULL, inject_later, (void *)(uintptr_t)20);
	rv = recv_ours(buf, sizeof(buf), &len);
	pthread_join(t, NULL);
	if (rv != 0 || len != 60 || buf[14] != 20)
		fail("recv", "blocking recv", rv);
	else if (fk_pairs_since(&before) < 1)
		fail("recv", "did not release the CPU", fk_pairs_since(&before));
	else {
		npass++;
		printf("pass recv\n");
	}
}

static void
case_overlong(void)
{
	uint8_t buf[2048];
	size_t len = 0;
	int rv;

	inject(1000, 30);
	inject(64, 31);
	if ((rv = recv_ours(buf, 100, &len)) != EMSGSIZE) {
		fail("overlong", "want EMSGSIZE, got", rv);
		return;
	}
	if ((rv = recv_ours(buf, sizeof(buf), &len)) != 0 || len != 64 ||
	    buf[14] != 31) {
		fail("overlong", "the next frame", rv);
		return;
	}
	npass++;
	printf("pass overlong\n");
}

static volatile int rx_result = -1;

static void
blocked_rx(void *arg)
{
	uint8_t buf[2048];
	size_t len;

	(void)arg;
	rx_result = recv_ours(buf, sizeof(buf), &len);
}

static void
case_shutdown(void)
{
	struct rumpuser_iovec iov = { "0123456789abcdef", 16 };
	void *cookie;
	int rv;

	if ((rv = fk_thread_create(blocked_rx, NULL, "rx", 1, &cookie)) != 0) {
		fail("shutdown", "thread", rv);
		return;
	}
	sleep_ms(200);
	rumpcomp_netif_shutdown(nif);
	rumpcomp_netif_shutdown(nif);	/* idempotent */
	rumpuser_thread_join(cookie);
	if (rx_result != ECANCELED) {
		fail("shutdown", "receiver got", rx_result);
		return;
	}
	if ((rv = rumpcomp_netif_send(nif, &iov, 1)) != ECANCELED) {
		fail("shutdown", "send after shutdown", rv);
		return;
	}
	rumpcomp_netif_close(nif);
	npass++;
	printf("pass shutdown\n");
}

int
main(int argc, char **argv)
{
	const char *last = "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: %s TAPNAME\n", argv[0]);
		return 2;
	}
	tap = argv[1];
	if (fk_init() != 0) {
		printf("fk_init failed\n0 passed, 1 failed\n");
		return 1;
	}
	fk_set_ncpu(1);
	case_open();
	case_transient();
	case_send();
	case_recv();
	case_overlong();
	case_shutdown();
	if (fk_errors(&last) != 0)
		fail("fake kernel", last, fk_errors(&last));
	printf("%u passed, %u failed\n", npass, fails);
	return fails != 0;
}
