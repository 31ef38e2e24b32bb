/*
 * vioif driver test (tests/qemu/net-virtio-link): every vioif interface
 * is brought up, must report link, and must carry a raw ARP request for
 * 10.0.2.2 from 10.0.2.15 to QEMU's user-mode network, whose reply must
 * come back through a packet tap (IF_TAP_IN). The devices are set up
 * differently by test.conf (interrupt mode, features), so each path of
 * the driver gets one round trip.
 *
 * On the first interface it then plays a lying device: it writes used
 * entries into the receive queue's used ring (an id no chain has, and a
 * length larger than the buffer) and runs the queue's interrupt
 * callback; both must be counted (IFS_BADDESC). Then a used index that
 * jumps past everything made available: the driver must reset the
 * device, and a second ARP round trip must work. This pokes at the
 * driver's private state (drivers/pci/virtio.h) on purpose.
 *
 * Last, the interfaces go down, and every cluster the drivers held
 * must be back (nothing else in this test keeps one).
 *
 * Kernel functions are called only between rump_schedule() and
 * rump_unschedule(); the waits sleep without the CPU. Prints
 * "vioiflink: ..." lines, then "vioiflink: PASS" or "vioiflink: FAIL";
 * exits 0 or 1.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kern/bus.h>
#include <kern/rump.h>
#include <net/mbuf.h>
#include <net/netif.h>

#include "../../../../drivers/pci/virtio.h"

#include "../../netlink.h"

/* Up to 5 requests, a second apart; true when a reply came. */
static bool
arp_roundtrip(struct ifnet *ifp, struct watch *w, const char *when)
{
	int before = w->w_replies;
	struct mbuf *m;

	for (int tries = 0; tries < 5; tries++) {
		if ((m = arp_request(ifp->if_lladdr)) == NULL ||
		    if_transmit(ifp, m) != 0) {
			printf("vioiflink: %s: cannot send\n", ifp->if_xname);
			return false;
		}
		for (int i = 0; i < 100 && w->w_replies == before; i++)
			nap(10);
		if (w->w_replies != before)
			break;
	}
	if (w->w_replies == before) {
		printf("vioiflink: %s: no ARP reply from 10.0.2.2%s\n",
		    ifp->if_xname, when);
		return false;
	}
	printf("vioiflink: %s: ARP reply from 10.0.2.2 is at "
	    "%02x:%02x:%02x:%02x:%02x:%02x%s\n", ifp->if_xname,
	    w->w_peer_mac[0], w->w_peer_mac[1], w->w_peer_mac[2],
	    w->w_peer_mac[3], w->w_peer_mac[4], w->w_peer_mac[5], when);
	return true;
}

static void
used_sync(struct virtqueue *vq)
{
	bus_dmamap_sync(vq->vq_owner->vs_dmat, vq->vq_map, vq->vq_usedoff,
	    vq->vq_bytes - vq->vq_usedoff, BUS_DMASYNC_PREWRITE);
}

/*
 * As a lying device: n used entries {id, len} after what the driver has
 * seen, and the used index moved by n + jump; then the interrupt.
 */
static uint64_t
inject(struct ifnet *ifp, struct virtqueue *vq, const uint32_t (*ent)[2],
    unsigned n, uint16_t jump)
{
	uint64_t before = if_stat_get(ifp, IFS_BADDESC);
	uint16_t idx = vq->vq_used_idx;
	volatile uint32_t *e;

	for (unsigned i = 0; i < n; i++) {
		e = (volatile uint32_t *)(volatile void *)
		    &vq->vq_used[2 + 4 * ((idx + i) & (vq->vq_num - 1))];
		e[0] = ent[i][0];
		e[1] = ent[i][1];
	}
	used_sync(vq);
	__atomic_store_n(&vq->vq_used[1], (uint16_t)(idx + n + jump),
	    __ATOMIC_RELEASE);
	used_sync(vq);
	vq->vq_done(vq);
	for (int i = 0; i < 100 && if_stat_get(ifp, IFS_BADDESC) == before;
	    i++)
		nap(10);
	return if_stat_get(ifp, IFS_BADDESC) - before;
}

/* An outstanding receive chain, or -1. */
static int
outstanding_head(const struct virtqueue *vq)
{
	for (int h = 0; h < vq->vq_num; h++)
		if (vq->vq_chainlen[h] != 0)
			return h;
	return -1;
}

/* Wait until the driver has reset and refilled the receive queue. */
static bool
wait_restart(struct ifnet *ifp, struct virtqueue *vq)
{
	for (int i = 0; i < 300; i++) {
		if (!vq->vq_broken && (ifp->if_flags & IFF_RUNNING) &&
		    vq_nfree(vq) < vq->vq_num)
			return true;
		nap(10);
	}
	return false;
}

static int
lying_device(struct ifnet *ifp, struct watch *w)
{
	struct virtio_softc *vsc = ifp->if_softc;
	struct virtqueue *rxq = vsc->vs_vqs[0];
	uint32_t ent[2][2] = { { 9999, 60 }, { 0, 5000 } };
	uint64_t n;
	int h = outstanding_head(rxq), fail = 0;

	if (h < 0) {
		printf("vioiflink: %s: no receive buffer to test\n",
		    ifp->if_xname);
		return 1;
	}
	ent[1][0] = (uint32_t)h;
	n = inject(ifp, rxq, (const uint32_t (*)[2])ent, 2, 0);
	printf("vioiflink: %s: used id 9999, used length 5000: %llu "
	    "counted\n", ifp->if_xname, (unsigned long long)n);
	fail += n != 2;
	n = inject(ifp, rxq, NULL, 0, 1000);
	printf("vioiflink: %s: used index jump of 1000: %llu counted\n",
	    ifp->if_xname, (unsigned long long)n);
	fail += n != 1;
	if (!wait_restart(ifp, rxq)) {
		printf("vioiflink: %s: no restart after the bad index\n",
		    ifp->if_xname);
		return fail + 1;
	}
	return fail + !arp_roundtrip(ifp, w, " after the reset");
}

/*
 * BURST requests as fast as if_snd takes them (a full queue: nap and
 * retry): the transmit ring fills and must drain by its interrupt.
 * Every frame must go out (DHCP may add its own), and most replies
 * come back.
 */
#define BURST 400
static int
burst(struct ifnet *ifp, struct watch *w)
{
	uint64_t out0 = if_stat_get(ifp, IFS_OPACKETS);
	int before = w->w_replies, sent = 0, stalls = 0;
	struct mbuf *m;

	while (sent < BURST && stalls < 500) {
		if ((m = arp_request(ifp->if_lladdr)) == NULL)
			break;
		if (if_transmit(ifp, m) == 0) {
			sent++;
			continue;
		}
		stalls++;
		nap(1);
	}
	for (int i = 0; i < 300 && w->w_replies - before < sent; i++)
		nap(10);
	printf("vioiflink: %s: burst of %d: %llu sent, %d replies\n",
	    ifp->if_xname, BURST,
	    (unsigned long long)(if_stat_get(ifp, IFS_OPACKETS) - out0),
	    w->w_replies - before);
	return if_stat_get(ifp, IFS_OPACKETS) - out0 < BURST ||
	    w->w_replies - before < BURST / 2;
}

static int
test_if(struct ifnet *ifp, struct watch *w, bool corrupt)
{
	int rv;

	w->w_tap.it_fn = tap_fn;
	w->w_tap.it_arg = w;
	if_tap_attach(ifp, &w->w_tap);
	if ((rv = if_up(ifp)) != 0) {
		printf("vioiflink: %s: if_up failed (error %d)\n",
		    ifp->if_xname, rv);
		return 1;
	}
	if (!wait_link(ifp)) {
		printf("vioiflink: %s: no link after 5 s\n", ifp->if_xname);
		return 1;
	}
	printf("vioiflink: %s: link up\n", ifp->if_xname);
	if (!arp_roundtrip(ifp, w, ""))
		return 1;
	if (burst(ifp, w) != 0)
		return 1;
	return corrupt ? lying_device(ifp, w) : 0;
}

static int
run(void)
{
	struct ifnet *ifps[MAXIF];
	struct mbuf_stats st;
	char name[IFNAMSIZ];
	int n = 0, failed = 0;

	for (int i = 0; i < MAXIF; i++) {
		snprintf(name, sizeof(name), "vioif%d", i);
		if ((ifps[n] = if_find(name)) != NULL)
			n++;
	}
	printf("vioiflink: %d vioif interface(s)\n", n);
	if (n < 3)
		failed++;
	for (int i = 0; i < n; i++)
		failed += test_if(ifps[i], &watches[i], i == 0);
	for (int i = 0; i < n; i++) {
		if_down(ifps[i]);
		if_tap_detach(ifps[i], &watches[i].w_tap);
	}
	mbuf_get_stats(&st);
	printf("vioiflink: after if_down: %llu mbufs, %llu clusters "
	    "outstanding\n", (unsigned long long)st.ms_mbufs,
	    (unsigned long long)st.ms_clusters);
	failed += st.ms_clusters != 0;
	return failed;
}

int
main(void)
{
	int failed;

	rump_schedule();
	failed = run();
	rump_unschedule();
	printf("vioiflink: %s\n", failed ? "FAIL" : "PASS");
	return failed ? 1 : 0;
}
