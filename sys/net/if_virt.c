/*
 * virt0, virt1, ...: Ethernet interfaces whose wire is a host network
 * interface reached through the rumpcomp_netif_* hypercalls (a Linux tap
 * device under hypercall-posix). Portable: nothing but the contract.
 *
 * At rump_init (early subsystem, after net_init) the parameter "tap"
 * ("tap0" or "tap0,tap1") names the host interfaces; each becomes one
 * virt interface with a random locally administered MAC address.
 *
 * Send: if_transmit queues on if_snd and calls virt_start, which hands
 * each frame to the host as an iovec over its mbufs (the host copies,
 * so the chain is freed at once). sc_txlock keeps frames in order when
 * several threads transmit at once; it is taken after net_lock, and
 * the send hypercall never blocks.
 *
 * Receive: one kernel thread per interface loops on the blocking
 * receive hypercall (which releases the CPU while it waits) into a
 * fresh cluster, then hands the frame to ether_input with no lock held.
 *
 * Detach: shutdown makes the blocked receive return ECANCELED, the
 * thread leaves and is joined; only then is the interface detached
 * (nothing can call ether_input after that) and the handle closed.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <rump/rumpcomp_netif.h>
#include <rump/rumpuser.h>

#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/kthread.h>
#include <kern/mutex.h>
#include <kern/rump.h>
#include <net/if_virt.h>
#include <net/mbuf.h>
#include <net/netif.h>

/* Received frames start this far into the cluster: IP header aligned. */
#define VIRT_ALIGN 2
#define VIRT_RXLEN (MCLBYTES - VIRT_ALIGN)
#define VIRT_MAXSEG 16		/* iovec entries; longer chains are copied */
#define VIRT_ERR_PAUSE_NS 100000000L	/* after a host receive error */

struct virt_softc {
	struct ifnet sc_if;
	void *sc_nif;			/* host interface handle */
	char sc_host[IFNAMSIZ];		/* its name */
	struct lwp *sc_rxl;		/* receive thread (joinable) */
	kmutex_t sc_txlock;		/* serializes virt_start */
	uint8_t sc_txbuf[MCLBYTES * 2];	/* long chains, under sc_txlock */
	uint8_t sc_rxdrop[MCLBYTES];	/* frames dropped for want of mbufs */
};

static kmutex_t virt_lock;		/* virt_sc */
static struct virt_softc *virt_sc[VIRT_MAXUNITS];

/* ---- transmit ----------------------------------------------------------- */

/* The frame as an iovec, or copied whole into sc_txbuf. 0 if too long. */
static size_t
virt_tx_iov(struct virt_softc *sc, struct mbuf *m,
    struct rumpuser_iovec *iov)
{
	unsigned len = m->m_pkthdr.len, sum = 0;
	size_t n = 0;

	for (struct mbuf *p = m; p != NULL && n < VIRT_MAXSEG; p = p->m_next) {
		if (p->m_len == 0)
			continue;
		iov[n].iov_base = mtod(p, void *);
		iov[n++].iov_len = p->m_len;
		sum += p->m_len;
	}
	if (sum == len)
		return n;
	if (len > sizeof(sc->sc_txbuf) || m_length(m) < len)
		return 0;
	m_copydata(m, 0, len, sc->sc_txbuf);
	iov[0].iov_base = sc->sc_txbuf;
	iov[0].iov_len = len;
	return 1;
}

static void
virt_tx_one(struct virt_softc *sc, struct mbuf *m)
{
	struct ifnet *ifp = &sc->sc_if;
	struct rumpuser_iovec iov[VIRT_MAXSEG];
	unsigned len = m->m_pkthdr.len;
	size_t n;
	int rv;

	if ((n = virt_tx_iov(sc, m, iov)) == 0) {
		if_stat_add(ifp, IFS_OERRORS, 1);
		return;
	}
	rv = rumpcomp_netif_send(sc->sc_nif, iov, n);
	if (rv == 0) {
		if_stat_add(ifp, IFS_OPACKETS, 1);
		if_stat_add(ifp, IFS_OBYTES, len);	/* OMCASTS: ether.c */
	} else if (rv == ENOBUFS) {
		if_stat_add(ifp, IFS_OQDROPS, 1);
	} else {
		if_stat_add(ifp, IFS_OERRORS, 1);
	}
}

static void
virt_start(struct ifnet *ifp)
{
	struct virt_softc *sc = ifp->if_softc;
	struct mbuf *m;

	mutex_enter(&sc->sc_txlock);
	while ((m = if_dequeue(ifp)) != NULL) {
		if ((__atomic_load_n(&ifp->if_flags, __ATOMIC_RELAXED) &
		    IFF_RUNNING) != 0 && m->m_len >= ETHER_HDR_LEN)
			virt_tx_one(sc, m);
		else
			if_stat_add(ifp, IFS_OERRORS, 1);
		m_freem(m);
	}
	mutex_exit(&sc->sc_txlock);
}

/* ---- receive ------------------------------------------------------------ */

/*
 * What a receive that did not give a frame means: 1 to stop (shutdown),
 * else the error is counted (and the thread pauses after a host error,
 * so that a broken host interface does not spin it).
 */
static int
virt_rx_error(struct virt_softc *sc, int rv, unsigned *nerr)
{
	if (rv == ECANCELED)
		return 1;
	if_stat_add(&sc->sc_if, IFS_IERRORS, 1);
	if (rv == EMSGSIZE)
		return 0;
	if ((*nerr)++ == 0)
		klog(LOG_WARNING, "%s: receive from %s failed (error %d)",
		    sc->sc_if.if_xname, sc->sc_host, rv);
	rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0, VIRT_ERR_PAUSE_NS);
	return 0;
}

/* No mbuf: take the next frame off the host anyway and drop it. */
static int
virt_rx_drop(struct virt_softc *sc)
{
	size_t len;
	int rv;

	rv = rumpcomp_netif_recv(sc->sc_nif, sc->sc_rxdrop,
	    sizeof(sc->sc_rxdrop), &len);
	if (rv == 0)
		if_stat_add(&sc->sc_if, IFS_IQDROPS, 1);
	return rv;
}

/* Hands a received frame of len bytes in m up, or drops it. */
static void
virt_rx_frame(struct virt_softc *sc, struct mbuf *m, size_t len)
{
	struct ifnet *ifp = &sc->sc_if;

	if (len < ETHER_HDR_LEN) {
		if_stat_add(ifp, IFS_RUNT, 1);
		m_freem(m);
		return;
	}
	if ((__atomic_load_n(&ifp->if_flags, __ATOMIC_RELAXED) &
	    IFF_RUNNING) == 0) {
		if_stat_add(ifp, IFS_IQDROPS, 1);
		m_freem(m);
		return;
	}
	m->m_len = (unsigned)len;
	m->m_pkthdr.len = (unsigned)len;
	m->m_pkthdr.rcvif = ifp;
	ether_input(ifp, m);
}

static void
virt_rx_thread(void *arg)
{
	struct virt_softc *sc = arg;
	struct mbuf *m;
	unsigned nerr = 0;
	size_t len;
	int rv;

	for (;;) {
		if ((m = m_getcl(M_NOWAIT)) == NULL) {
			rv = virt_rx_drop(sc);
		} else {
			m->m_data += VIRT_ALIGN;
			rv = rumpcomp_netif_recv(sc->sc_nif, mtod(m, void *),
			    VIRT_RXLEN, &len);
			if (rv == 0) {
				virt_rx_frame(sc, m, len);
				continue;
			}
			m_freem(m);
		}
		if (rv != 0 && virt_rx_error(sc, rv, &nerr))
			break;
	}
}

/* ---- interface ---------------------------------------------------------- */

static int
virt_init(struct ifnet *ifp)
{
	ifp->if_flags |= IFF_RUNNING;
	return 0;
}

static void
virt_stop(struct ifnet *ifp)
{
	ifp->if_flags &= ~IFF_RUNNING;
}

/* The host interface hands over every frame: no filter to program. */
static int
virt_mcast_update(struct ifnet *ifp)
{
	(void)ifp;
	return 0;
}

static void
virt_lladdr(uint8_t mac[ETHER_ADDR_LEN])
{
	size_t got = 0;

	if (rumpuser_getrandom(mac, ETHER_ADDR_LEN, 0, &got) != 0 ||
	    got != ETHER_ADDR_LEN)
		memset(mac, 0x5a, ETHER_ADDR_LEN);
	mac[0] = (uint8_t)((mac[0] & ~1u) | 2u);  /* unicast, local */
}

static void
virt_ifsetup(struct virt_softc *sc, unsigned unit, unsigned hostmtu)
{
	struct ifnet *ifp = &sc->sc_if;
	unsigned maxmtu = VIRT_RXLEN - ETHER_HDR_LEN;

	ksnprintf(ifp->if_xname, sizeof(ifp->if_xname), "virt%u", unit);
	ifp->if_softc = sc;
	ifp->if_init = virt_init;
	ifp->if_stop = virt_stop;
	ifp->if_start = virt_start;
	ifp->if_mcast_update = virt_mcast_update;
	ifp->if_mtu_max = hostmtu < maxmtu ? hostmtu : maxmtu;
}

/* Opens host interface host as virt<unit>; 0 or errno (logged). */
static int
virt_create(unsigned unit, const char *host)
{
	struct virt_softc *sc;
	uint8_t mac[ETHER_ADDR_LEN];
	char macstr[18];
	unsigned hostmtu;
	int rv;

	if ((sc = kmem_zalloc(sizeof(*sc), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	memcpy(sc->sc_host, host, strlen(host) + 1);
	if ((rv = rumpcomp_netif_open(host, &sc->sc_nif, &hostmtu)) != 0) {
		klog(LOG_ERR, "virt%u: cannot open host interface %s "
		    "(error %d)", unit, host, rv);
		goto fail;
	}
	mutex_init(&sc->sc_txlock, MUTEX_DEFAULT);
	virt_ifsetup(sc, unit, hostmtu);
	virt_lladdr(mac);
	ether_ifattach(&sc->sc_if, mac);
	if (hostmtu < sc->sc_if.if_mtu)
		if_set_mtu(&sc->sc_if, hostmtu);
	rv = kthread_create(virt_rx_thread, sc, sc->sc_if.if_xname,
	    KTHREAD_MUSTJOIN, &sc->sc_rxl);
	if (rv != 0) {
		klog(LOG_ERR, "%s: no receive thread (error %d)",
		    sc->sc_if.if_xname, rv);
		goto fail_attached;
	}
	virt_sc[unit] = sc;
	klog(LOG_INFO, "%s: tap %s, MAC %s, MTU %u", sc->sc_if.if_xname, host,
	    ether_sprintf(macstr, mac), sc->sc_if.if_mtu);
	if_link_state_change(&sc->sc_if, LINK_STATE_UP);
	return 0;

fail_attached:
	ether_ifdetach(&sc->sc_if);
	mutex_destroy(&sc->sc_txlock);
	rumpcomp_netif_close(sc->sc_nif);
fail:
	kmem_free(sc, sizeof(*sc));
	return rv;
}

/*
 * The next name of a comma-separated list into name (at most
 * IFNAMSIZ - 1 characters; *toolong if it had more). NULL at the end.
 */
static const char *
virt_next_name(const char *s, char name[IFNAMSIZ], bool *toolong)
{
	size_t n = 0;

	if (*s == '\0')
		return NULL;
	for (; *s != '\0' && *s != ','; s++, n++)
		if (n < IFNAMSIZ - 1)
			name[n] = *s;
	name[n < IFNAMSIZ - 1 ? n : IFNAMSIZ - 1] = '\0';
	*toolong = n >= IFNAMSIZ;
	return *s == ',' ? s + 1 : s;
}

/*
 * The unit is the position in the list: in "tap0,tap1", tap1 is virt1
 * even if tap0 could not be opened. Empty entries are skipped.
 */
static int
virt_attach_all(void)
{
	char list[IFNAMSIZ * VIRT_MAXUNITS * 2], name[IFNAMSIZ];
	const char *s = list;
	unsigned unit = 0;
	bool toolong;
	int rv;

	net_init();
	mutex_init(&virt_lock, MUTEX_DEFAULT);
	rv = rumpuser_getparam("tap", list, sizeof(list));
	if (rv == ENOENT)
		return 0;
	if (rv != 0) {
		klog(LOG_ERR, "virt: parameter tap unusable (error %d)", rv);
		return rv;
	}
	while ((s = virt_next_name(s, name, &toolong)) != NULL) {
		if (name[0] == '\0')
			continue;
		if (unit == VIRT_MAXUNITS) {
			klog(LOG_ERR, "virt: more than %d host interfaces in "
			    "tap=", VIRT_MAXUNITS);
			break;
		}
		if (toolong)
			klog(LOG_ERR, "virt%u: host interface name %s... too "
			    "long", unit, name);
		else
			virt_create(unit, name);
		unit++;
	}
	return 0;
}

RUMP_SUBSYS_EARLY("virt", virt_attach_all);

/* ---- detach ------------------------------------------------------------- */

static struct virt_softc *
virt_take(struct ifnet *ifp)
{
	struct virt_softc *sc = NULL;

	mutex_enter(&virt_lock);
	for (unsigned i = 0; i < VIRT_MAXUNITS; i++) {
		if (virt_sc[i] != NULL &&
		    (ifp == NULL || &virt_sc[i]->sc_if == ifp)) {
			sc = virt_sc[i];
			virt_sc[i] = NULL;
			break;
		}
	}
	mutex_exit(&virt_lock);
	return sc;
}

static void
virt_destroy(struct virt_softc *sc)
{
	rumpcomp_netif_shutdown(sc->sc_nif);
	kthread_join(sc->sc_rxl);
	ether_ifdetach(&sc->sc_if);
	/* A virt_start that began before the detach has finished after: */
	mutex_enter(&sc->sc_txlock);
	mutex_exit(&sc->sc_txlock);
	mutex_destroy(&sc->sc_txlock);
	rumpcomp_netif_close(sc->sc_nif);
	kmem_free(sc, sizeof(*sc));
}

int
virt_detach(struct ifnet *ifp)
{
	struct virt_softc *sc;

	if ((sc = virt_take(ifp)) == NULL)
		return EINVAL;
	virt_destroy(sc);
	return 0;
}

int
virt_detach_all(void)
{
	struct virt_softc *sc;
	int n = 0;

	while ((sc = virt_take(NULL)) != NULL) {
		virt_destroy(sc);
		n++;
	}
	return n;
}
