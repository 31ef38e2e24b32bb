/*
 * Helpers shared by the NIC link tests (net-virtio-link, net-wm-link):
 * a packet tap that notes ARP replies from QEMU's gateway (10.0.2.2) to
 * 10.0.2.15, a raw ARP request builder, a sleep that gives back the rump
 * kernel CPU, and a wait for link up. Included by each test's main.c
 * (static functions: each test is its own image).
 */
#ifndef TESTS_QEMU_NETLINK_H
#define TESTS_QEMU_NETLINK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <kern/rump.h>
#include <net/mbuf.h>
#include <net/netif.h>

#define MAXIF 4
#define ARP_LEN 42

static const uint8_t my_ip[4] = { 10, 0, 2, 15 };
static const uint8_t peer_ip[4] = { 10, 0, 2, 2 };

struct watch {
	struct if_tap w_tap;
	volatile int w_replies;
	uint8_t w_peer_mac[ETHER_ADDR_LEN];
};
static struct watch watches[MAXIF];

/* Tap, net_lock held: note ARP replies from peer_ip to my_ip. */
static void
tap_fn(void *arg, struct ifnet *ifp, const struct mbuf *m, int dir)
{
	struct watch *w = arg;
	uint8_t f[ARP_LEN];

	(void)ifp;
	if (dir != IF_TAP_IN || m->m_pkthdr.len < ARP_LEN)
		return;
	m_copydata(m, 0, ARP_LEN, f);
	if (f[12] != 0x08 || f[13] != 0x06 || f[20] != 0 || f[21] != 2 ||
	    memcmp(f + 28, peer_ip, 4) != 0 || memcmp(f + 38, my_ip, 4) != 0)
		return;
	memcpy(w->w_peer_mac, f + 22, ETHER_ADDR_LEN);
	w->w_replies++;
}

static struct mbuf *
arp_request(const uint8_t *lladdr)
{
	uint8_t f[ARP_LEN];
	struct mbuf *m;

	memset(f, 0xff, ETHER_ADDR_LEN);
	memcpy(f + 6, lladdr, ETHER_ADDR_LEN);
	f[12] = 0x08, f[13] = 0x06;		/* ARP */
	f[14] = 0, f[15] = 1;			/* Ethernet */
	f[16] = 0x08, f[17] = 0x00;		/* IPv4 */
	f[18] = 6, f[19] = 4;
	f[20] = 0, f[21] = 1;			/* request */
	memcpy(f + 22, lladdr, ETHER_ADDR_LEN);
	memcpy(f + 28, my_ip, 4);
	memset(f + 32, 0, ETHER_ADDR_LEN);
	memcpy(f + 38, peer_ip, 4);
	if ((m = m_gethdr(M_NOWAIT)) == NULL)
		return NULL;
	if (m_append(m, ARP_LEN, f) != 0) {
		m_freem(m);
		return NULL;
	}
	return m;
}

/* Sleep without the CPU. */
static void
nap(unsigned ms)
{
	rump_unschedule();
	usleep(ms * 1000);
	rump_schedule();
}

static bool
wait_link(struct ifnet *ifp)
{
	for (int i = 0; i < 500; i++) {
		if (ifp->if_link_state == LINK_STATE_UP)
			return true;
		nap(10);
	}
	return false;
}

#endif
