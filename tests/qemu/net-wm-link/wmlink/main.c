/*
 * wm driver test (tests/qemu/net-wm-link): every wm interface is brought
 * up, must report link, and must carry a raw ARP request for 10.0.2.2
 * from 10.0.2.15 to QEMU's user-mode network, whose reply must come
 * back through a packet tap (IF_TAP_IN).
 *
 * On the first interface it also feeds the driver impossible
 * descriptors, by writing the receive ring the way a broken device
 * would and raising a receive interrupt (ICS), then checks that each
 * was counted (IFS_BADDESC) and that the interface still works (the
 * second case resets the rings). This pokes at the driver's private
 * state (if_wmvar.h) on purpose. Last, it takes the interfaces down and
 * checks that no received buffer is still lent out, and detaches the
 * last interface.
 *
 * Kernel functions are called only between rump_schedule() and
 * rump_unschedule(); the waits sleep without the CPU.
 * Prints "wmlink: ..." lines, then "wmlink: PASS" or "wmlink: FAIL";
 * exits 0 or 1.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <kern/device.h>
#include <kern/rump.h>
#include <net/mbuf.h>
#include <net/netif.h>

#include "../../../../drivers/pci/if_wmvar.h"

#include "../../netlink.h"

/* Up to 5 requests, a second apart; true when a reply came. */
static bool
arp_roundtrip(struct ifnet *ifp, struct watch *w)
{
	int before = w->w_replies;
	struct mbuf *m;

	for (int tries = 0; tries < 5; tries++) {
		if ((m = arp_request(ifp->if_lladdr)) == NULL ||
		    if_transmit(ifp, m) != 0) {
			printf("wmlink: %s: cannot send\n", ifp->if_xname);
			return false;
		}
		for (int i = 0; i < 100 && w->w_replies == before; i++)
			nap(10);
		if (w->w_replies != before)
			return true;
	}
	return false;
}

/*
 * Make the device "write back" into slot i, raise RXT0, wait a bit.
 * The receiver is off meanwhile, so that a real frame (DHCP may be
 * running on the interface) cannot land in the same slot; the ring
 * reset of the second case turns it back on by itself.
 */
static uint64_t
inject(struct wm_softc *sc, unsigned i, uint16_t len)
{
	struct ifnet *ifp = &sc->sc_if;
	uint64_t before = if_stat_get(ifp, IFS_BADDESC);
	uint32_t rctl;

	mutex_enter(&sc->sc_lock);
	rctl = wm_read(sc, WM_RCTL);
	wm_write(sc, WM_RCTL, rctl & ~WM_RCTL_EN);
	sc->sc_rxd[i].rd_len = len;
	sc->sc_rxd[i].rd_status = WM_RXS_DD | WM_RXS_EOP;
	bus_dmamap_sync(sc->sc_dmat, sc->sc_rxring.wd_map, 0,
	    sc->sc_rxring.wd_size, BUS_DMASYNC_PREWRITE);
	wm_write(sc, WM_ICS, WM_ICR_RXT0);
	mutex_exit(&sc->sc_lock);
	for (int n = 0; n < 100 && if_stat_get(ifp, IFS_BADDESC) == before;
	    n++)
		nap(10);
	mutex_enter(&sc->sc_lock);
	if (sc->sc_running)
		wm_write(sc, WM_RCTL, wm_read(sc, WM_RCTL) | WM_RCTL_EN);
	mutex_exit(&sc->sc_lock);
	return if_stat_get(ifp, IFS_BADDESC) - before;
}

/* Bad length in the next descriptor; DD in a slot never given. */
static int
bad_descriptors(struct ifnet *ifp)
{
	struct wm_softc *sc = ifp->if_softc;
	uint64_t n;
	int fail = 0;

	n = inject(sc, sc->sc_rxnext, 4000);
	printf("wmlink: %s: descriptor with length 4000: %llu counted\n",
	    ifp->if_xname, (unsigned long long)n);
	fail += n == 0;
	if (!sc->sc_rxfresh[sc->sc_rxtail]) {
		printf("wmlink: %s: no fresh slot to test\n", ifp->if_xname);
		return fail + 1;
	}
	n = inject(sc, sc->sc_rxtail, 60);
	printf("wmlink: %s: DD beyond the tail: %llu counted\n",
	    ifp->if_xname, (unsigned long long)n);
	return fail + (n == 0);
}

/*
 * Joining 01:00:5e:00:00:fb must set its hash bit (destination bits
 * 47:36 = 0xfb0: MTA word 125, bit 16); leaving must clear it.
 */
static int
multicast_filter(struct ifnet *ifp)
{
	static const uint8_t group[ETHER_ADDR_LEN] = {
		0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	struct wm_softc *sc = ifp->if_softc;
	uint32_t on, off;

	mutex_enter(&net_lock);
	(void)ether_addmulti(ifp, group);
	on = wm_read(sc, WM_MTA + 4 * 125);
	(void)ether_delmulti(ifp, group);
	off = wm_read(sc, WM_MTA + 4 * 125);
	mutex_exit(&net_lock);
	printf("wmlink: %s: multicast hash bit %s after join, %s after "
	    "leave\n", ifp->if_xname, (on & 1u << 16) ? "set" : "clear",
	    (off & 1u << 16) ? "set" : "clear");
	return !(on & 1u << 16) || (off & 1u << 16);
}

static int
test_if(struct ifnet *ifp, struct watch *w, bool corrupt)
{
	int rv;

	w->w_tap.it_fn = tap_fn;
	w->w_tap.it_arg = w;
	mutex_enter(&net_lock);
	if_tap_attach(ifp, &w->w_tap);
	mutex_exit(&net_lock);
	if ((rv = if_up(ifp)) != 0) {
		printf("wmlink: %s: if_up failed (error %d)\n", ifp->if_xname,
		    rv);
		return 1;
	}
	if (!wait_link(ifp)) {
		printf("wmlink: %s: no link after 5 s\n", ifp->if_xname);
		return 1;
	}
	printf("wmlink: %s: link up, %llu Mb/s\n", ifp->if_xname,
	    (unsigned long long)(ifp->if_baudrate / 1000000));
	if (corrupt && (bad_descriptors(ifp) != 0 ||
	    multicast_filter(ifp) != 0))
		return 1;
	if (!arp_roundtrip(ifp, w)) {
		printf("wmlink: %s: no ARP reply from 10.0.2.2\n",
		    ifp->if_xname);
		return 1;
	}
	printf("wmlink: %s: ARP reply from 10.0.2.2 is at "
	    "%02x:%02x:%02x:%02x:%02x:%02x\n", ifp->if_xname,
	    w->w_peer_mac[0], w->w_peer_mac[1], w->w_peer_mac[2],
	    w->w_peer_mac[3], w->w_peer_mac[4], w->w_peer_mac[5]);
	return 0;
}

/* Detach the last wm and check that its interface is gone. */
static int
detach_last(struct ifnet *ifp)
{
	char name[IFNAMSIZ];
	device_t dev;
	int rv;

	memcpy(name, ifp->if_xname, IFNAMSIZ);
	if ((dev = device_find_by_xname(name)) == NULL)
		return 1;
	rv = config_detach(dev, 0);
	printf("wmlink: %s: detach: error %d, interface %s\n", name, rv,
	    if_find(name) == NULL ? "gone" : "still there");
	return rv != 0 || if_find(name) != NULL;
}

static int
run(void)
{
	struct ifnet *ifps[MAXIF];
	struct mbuf_stats st;
	char name[IFNAMSIZ];
	int n = 0, failed = 0;

	for (int i = 0; i < MAXIF; i++) {
		snprintf(name, sizeof(name), "wm%d", i);
		if ((ifps[n] = if_find(name)) != NULL)
			n++;
	}
	printf("wmlink: %d wm interface(s)\n", n);
	if (n < 2)
		failed++;
	for (int i = 0; i < n; i++)
		failed += test_if(ifps[i], &watches[i], i == 0);
	for (int i = 0; i < n; i++) {
		if_down(ifps[i]);
		mutex_enter(&net_lock);
		if_tap_detach(ifps[i], &watches[i].w_tap);
		mutex_exit(&net_lock);
	}
	mbuf_get_stats(&st);
	printf("wmlink: after if_down: %llu receive buffers lent out\n",
	    (unsigned long long)st.ms_ext);
	failed += st.ms_ext != 0;
	if (n > 0)
		failed += detach_last(ifps[n - 1]);
	return failed;
}

int
main(void)
{
	int failed;

	rump_schedule();
	failed = run();
	rump_unschedule();
	printf("wmlink: %s\n", failed ? "FAIL" : "PASS");
	return failed ? 1 : 0;
}
