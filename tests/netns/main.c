/*
 * netns-stack: the rump kernel (sys/kern, sys/net, sys/netinet) as a
 * Linux process on a tap device, driven by tests/netns/run.sh.
 *
 * Configuration comes from the environment, which is where
 * hypercall-posix's rumpuser_getparam looks: tap=TAPNAME makes virt0
 * (sys/net/if_virt.c) and net=A.B.C.D/LEN configures it (netconfig), both
 * inside rump_init. The program then serves UDP echo on port ECHO_PORT
 * (each datagram is sent back from the input path) and answers commands,
 * one per line on stdin, one result line each on stdout:
 *	ping A.B.C.D N    N ICMP echo requests, 100 ms apart, through an
 *	                  IPPROTO_ICMP inpcb; then waits up to 2 s:
 *	                  "ping: N sent, M received, K bad"
 *	stats             the interface counters, then "stats: end"
 *	quit (or EOF)     closes everything, detaches virt0 and checks that
 *	                  no mbuf is left: "quit: clean" or "quit: LEAK ..."
 * At start it prints "ready IFNAME MAC" (or "error: ..." and exits 1).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <kern/klog.h>
#include <kern/mutex.h>
#include <kern/rump.h>
#include <net/if_virt.h>
#include <net/mbuf.h>
#include <net/netif.h>
#include <netinet/dhcp.h>
#include <netinet/inet.h>

#define ECHO_PORT 7777
#define PING_MAX 64
#define PING_DATA 56

static struct inpcb echo_inp, ping_inp;
static uint64_t echo_count, echo_errors;	/* net_lock */
static uint8_t ping_got[PING_MAX];		/* net_lock */
static unsigned ping_bad;			/* net_lock */

static void
sleep_ms(long ms)
{
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, ms / 1000,
	    (ms % 1000) * 1000000L);
}

/* UDP echo: the payload goes straight back to where it came from. */
static bool
echo_input(struct inpcb *inp, struct mbuf *m, const struct inpcb_from *from)
{
	if (udp_send(inp, m, from->if_src, from->if_sport) == 0)
		echo_count++;
	else
		echo_errors++;
	return true;
}

static void
ping_payload(uint8_t *p, unsigned seq)
{
	for (unsigned i = 0; i < PING_DATA; i++)
		p[i] = (uint8_t)(seq * 31 + i);
}

/* An echo reply: ours if the identifier, sequence and data match. */
static bool
ping_input(struct inpcb *inp, struct mbuf *m, const struct inpcb_from *from)
{
	uint8_t msg[sizeof(struct icmp_hdr) + PING_DATA], want[PING_DATA];
	struct icmp_hdr *ih = (struct icmp_hdr *)msg;
	unsigned seq;

	(void)from;
	if (m->m_pkthdr.len != sizeof(msg)) {
		ping_bad++;
		m_freem(m);
		return true;
	}
	m_copydata(m, 0, sizeof(msg), msg);
	m_freem(m);
	seq = net_ntohs(ih->icmp_seq);
	if (ih->icmp_type != ICMP_ECHOREPLY || ih->icmp_id != inp->inp_lport ||
	    seq >= PING_MAX) {
		ping_bad++;
		return true;
	}
	ping_payload(want, seq);
	if (memcmp(msg + sizeof(*ih), want, PING_DATA) != 0)
		ping_bad++;
	else
		ping_got[seq] = 1;
	return true;
}

static int
ping_send(in_addr_t dst, unsigned seq)
{
	uint8_t msg[sizeof(struct icmp_hdr) + PING_DATA];
	struct icmp_hdr *ih = (struct icmp_hdr *)msg;
	struct mbuf *m;

	memset(ih, 0, sizeof(*ih));
	ih->icmp_type = ICMP_ECHO;
	ih->icmp_seq = net_htons((uint16_t)seq);
	ping_payload(msg + sizeof(*ih), seq);
	if ((m = m_devget(msg, sizeof(msg), 64, NULL)) == NULL)
		return ENOBUFS;
	return icmp_echo_send(&ping_inp, m, dst);
}

static void
cmd_ping(const char *arg)
{
	char addr[32];
	unsigned n = 0, sent = 0, got = 0, bad;
	in_addr_t dst;
	int rv;

	if (sscanf(arg, "%31s %u", addr, &n) != 2 || !inet_aton_n(addr, &dst) ||
	    n == 0 || n > PING_MAX) {
		printf("ping: bad arguments\n");
		return;
	}
	mutex_enter(&net_lock);
	memset(ping_got, 0, sizeof(ping_got));
	ping_bad = 0;
	mutex_exit(&net_lock);
	for (unsigned seq = 0; seq < n; seq++) {
		mutex_enter(&net_lock);
		rv = ping_send(dst, seq);
		mutex_exit(&net_lock);
		if (rv == 0)
			sent++;
		else
			printf("ping: seq %u: send error %d\n", seq, rv);
		sleep_ms(100);
	}
	for (int wait = 0; wait < 20 && got < sent; wait++) {
		mutex_enter(&net_lock);
		got = 0;
		for (unsigned i = 0; i < n; i++)
			got += ping_got[i];
		mutex_exit(&net_lock);
		if (got < sent)
			sleep_ms(100);
	}
	mutex_enter(&net_lock);
	bad = ping_bad;
	mutex_exit(&net_lock);
	printf("ping: %u sent, %u received, %u bad\n", sent, got, bad);
}

static void
stats_line(void *arg, const char *line)
{
	(void)arg;
	printf("  %s\n", line);
}

static void
cmd_stats(struct ifnet *ifp)
{
	mutex_enter(&net_lock);
	printf("  echo: %llu echoed, %llu send errors\n",
	    (unsigned long long)echo_count, (unsigned long long)echo_errors);
	mutex_exit(&net_lock);
	if_stats_print(ifp, stats_line, NULL);
	printf("stats: end\n");
}

/* Everything goes; then no mbuf or cluster may be outstanding. */
static int
cmd_quit(void)
{
	struct mbuf_stats ms;

	mutex_enter(&net_lock);
	inpcb_destroy(&echo_inp);
	inpcb_destroy(&ping_inp);
	mutex_exit(&net_lock);
	if (virt_detach_all() != 1) {
		printf("quit: virt_detach_all did not find one interface\n");
		return 1;
	}
	mbuf_get_stats(&ms);
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

static int
open_pcbs(void)
{
	int rv;

	mutex_enter(&net_lock);
	inpcb_init(&echo_inp, IPPROTO_UDP, echo_input, NULL);
	rv = inpcb_bind(&echo_inp, INADDR_ANY_N, net_htons(ECHO_PORT));
	if (rv == 0) {
		inpcb_init(&ping_inp, IPPROTO_ICMP, ping_input, NULL);
		rv = inpcb_bind(&ping_inp, INADDR_ANY_N, 0);
	}
	mutex_exit(&net_lock);
	return rv;
}

/* rump_init did the work; see that virt0 exists and has its address. */
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
	if ((ifp = if_find("virt0")) == NULL) {
		printf("error: no virt0 (is tap= set and the tap usable?)\n");
		return NULL;
	}
	if (!netconfig_wait(5000)) {
		printf("error: virt0 has no address (net= set?)\n");
		return NULL;
	}
	if ((rv = open_pcbs()) != 0) {
		printf("error: inpcb bind: %d\n", rv);
		return NULL;
	}
	printf("ready %s %s\n", ifp->if_xname, ether_sprintf(mac,
	    ifp->if_lladdr));
	return ifp;
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
		if (strncmp(line, "ping ", 5) == 0)
			cmd_ping(line + 5);
		else if (strcmp(line, "stats") == 0)
			cmd_stats(ifp);
		else if (strcmp(line, "quit") == 0)
			break;
		else
			printf("unknown command: %s\n", line);
	}
	return cmd_quit();
}
