/*
 * cdce: USB network adapters of the CDC Ethernet Control Model (USB CDC
 * 1.2 and its ECM subclass specification), QEMU's usb-net among them,
 * attached as Ethernet interfaces of the stack.
 *
 * Attach (the communications interface, class 2 subclass 6, is ours):
 * its functional descriptors give the data interface (union) and the
 * MAC address and largest frame (Ethernet networking descriptor; the
 * address is a string descriptor of 12 hex digits). A configuration
 * without them, or with an address that is not a unicast MAC, is
 * refused with a message. The data interface is claimed; the alternate
 * setting with one bulk IN and one bulk OUT endpoint is selected
 * (SET_INTERFACE; alternate 0 has none). The communications interface's
 * interrupt IN endpoint, if any, carries notifications.
 *
 * Receive: CDCE_RX_LIST bulk IN transfers are in flight while the
 * interface runs. A frame ends with a short packet (a zero-length one
 * after a frame that fills its last packet), so each transfer ends with
 * one frame; it is copied into an mbuf and given to ether_input from the
 * completion callback, and the transfer goes back. Transmit: if_start
 * copies frames from if_snd into free bulk OUT transfers
 * (CDCE_TX_LIST), with USBD_FORCE_SHORT_XFER: a frame that fills its
 * last packet is followed by a zero-length packet, as ECM requires.
 * Notifications: NETWORK_CONNECTION sets the link state,
 * CONNECTION_SPEED_CHANGE the baud rate. The link is UNKNOWN until the
 * first one (QEMU's usb-net never sends any); without a notification
 * endpoint it is UP when the interface starts.
 * Filter: SET_ETHERNET_PACKET_FILTER (directed and broadcast, all
 * multicast with any group joined or IFF_ALLMULTI, promiscuous with
 * IFF_PROMISC) each time the interface starts or its filter changes; a
 * device that refuses it (QEMU's stalls) is not asked again, and
 * ether_input filters what arrives anyway.
 *
 * No synchronous USB request while net_lock is held: if_init, if_stop
 * and if_mcast_update run with it, and a receive callback waiting for
 * net_lock in ether_input would keep the controller's interrupt thread
 * from completing the request. They only set flags, submit and post
 * work to the worker thread (uworker.h), which does the requests, the
 * stall recovery and the aborts. if_stop leaves the transfers in
 * flight; their callbacks see the interface stopped and keep them.
 * Detach (thread context, no net_lock): stop the worker, abort every
 * transfer, wait until no callback is handing a frame up, then
 * ether_ifdetach, close the pipes and free everything: no mbuf stays.
 *
 * Locking: sc_lock guards the busy flags, sc_running, sc_dying and the
 * notification state; it is never held across ether_input,
 * if_link_state_change, usb_control or an abort. Order: net_lock, then
 * sc_lock. The worker is posted only under sc_lock with !sc_dying.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usb.h>
#include <dev/usb/usbdi.h>
#include <kern/condvar.h>
#include <kern/device.h>
#include <kern/klog.h>
#include <kern/mutex.h>
#include <net/mbuf.h>
#include <net/netif.h>

#include "if_cdcevar.h"
#include "uworker.h"

#define CDCE_RX_LIST 4
#define CDCE_TX_LIST 4
#define CDCE_BUFSZ 2048			/* a frame, rounded up to packets */
#define CDCE_FRAME_MAX 1518		/* with a VLAN tag, no CRC */
#define CDCE_RX_HEADROOM 2		/* IP header 4-byte aligned */
#define CDCE_INTR_BUFSZ 64
#define CDCE_TX_TIMEOUT_MS 5000
#define CDCE_MAX_ERRORS 10		/* failed transfers in a row */
#define CDCE_DETACH_WAIT_MS 5000

/* ECM requests, packet filter bits and notifications */
#define UCDC_SET_ETHERNET_PACKET_FILTER 0x43
#define UCDC_PACKET_PROMISCUOUS 0x01
#define UCDC_PACKET_ALL_MULTICAST 0x02
#define UCDC_PACKET_DIRECTED 0x04
#define UCDC_PACKET_BROADCAST 0x08
#define UCDC_N_NETWORK_CONNECTION 0x00
#define UCDC_N_CONNECTION_SPEED_CHANGE 0x2a
#define UCDC_NOTIFY_HDR 8
#define UCDC_SPEED_DATA 8

/* Worker bits */
#define WORK_FILTER 0x01
#define WORK_STALL_IN 0x02
#define WORK_STALL_OUT 0x04
#define WORK_STALL_INTR 0x08

struct cdce_softc;

struct cdce_chain {
	struct cdce_softc *cc_sc;
	struct usb_xfer *cc_xfer;
	bool cc_busy;			/* submitted */
};

struct cdce_softc {
	device_t sc_dev;
	struct usb_device *sc_udev;
	unsigned sc_ctl_iface;
	uint8_t sc_mac[ETHER_ADDR_LEN];
	struct usb_pipe *sc_pipe_in, *sc_pipe_out, *sc_pipe_intr;
	struct cdce_chain sc_rx[CDCE_RX_LIST], sc_tx[CDCE_TX_LIST], sc_intr;
	size_t sc_rxlen;		/* bytes asked per receive transfer */
	struct uworker sc_worker;
	struct ifnet sc_if;
	kmutex_t sc_lock;
	kcondvar_t sc_cv;		/* a callback finished */
	bool sc_attached;		/* attach completed: detach undoes */
	bool sc_dying;
	bool sc_running;		/* if_init'ed, not stopped */
	bool sc_nofilter;		/* the device refuses the filter */
	int sc_filter;			/* last filter sent, -1 none */
	unsigned sc_inprog;		/* callbacks handing a frame up */
	unsigned sc_rx_errrun, sc_intr_errrun;
	bool sc_speed_wait;		/* a speed change's data is next */
};

static void cdce_start(struct ifnet *ifp);
static void cdce_rx_done(struct usb_xfer *x);
static void cdce_tx_done(struct usb_xfer *x);
static void cdce_intr_done(struct usb_xfer *x);

/* ---- receive ----------------------------------------------------------- */

/* sc_lock held. */
static void
rx_submit(struct cdce_softc *sc, struct cdce_chain *c)
{
	struct usb_xfer *x = c->cc_xfer;
	int rv;

	x->ux_length = sc->sc_rxlen;
	x->ux_timeout_ms = 0;
	x->ux_flags = USBD_SHORT_XFER_OK;
	x->ux_done = cdce_rx_done;
	x->ux_priv = c;
	if ((rv = usb_xfer_submit(x)) == 0) {
		c->cc_busy = true;
		return;
	}
	if (rv != ENODEV && rv != ECANCELED)
		aprint_error(sc->sc_dev, "cannot queue a receive transfer "
		    "(error %d)", rv);
}

/* Every idle receive transfer goes; sc_lock held. */
static void
rx_fill(struct cdce_softc *sc)
{
	for (int i = 0; i < CDCE_RX_LIST; i++)
		if (!sc->sc_rx[i].cc_busy)
			rx_submit(sc, &sc->sc_rx[i]);
}

/* The frame of a finished transfer, or NULL (counted). */
static struct mbuf *
rx_frame(struct cdce_softc *sc, struct usb_xfer *x)
{
	struct ifnet *ifp = &sc->sc_if;
	struct mbuf *m;

	/* A zero-length packet on its own: the end of the frame before
	 * (QEMU sends it as the next transfer). Nothing to count. */
	if (x->ux_actlen == 0)
		return NULL;
	if (x->ux_actlen < ETHER_HDR_LEN) {
		if_stat_add(ifp, IFS_RUNT, 1);
		return NULL;
	}
	if (x->ux_actlen > CDCE_FRAME_MAX) {
		if_stat_add(ifp, IFS_IERRORS, 1);
		return NULL;
	}
	if ((m = m_devget(x->ux_buf, x->ux_actlen, CDCE_RX_HEADROOM, ifp))
	    == NULL)
		if_stat_add(ifp, IFS_IQDROPS, 1);
	return m;
}

/* A failed receive: count; true if the transfer should go again. */
static bool
rx_error(struct cdce_softc *sc, int status)
{
	if (status == ECANCELED || status == ENODEV)
		return false;
	if_stat_add(&sc->sc_if, IFS_IERRORS, 1);
	if (++sc->sc_rx_errrun >= CDCE_MAX_ERRORS) {
		if (sc->sc_rx_errrun == CDCE_MAX_ERRORS)
			aprint_error(sc->sc_dev, "%u receive errors in a row "
			    "(last %d); receive stopped until the interface "
			    "restarts", sc->sc_rx_errrun, status);
		return false;
	}
	if (status == EPIPE) {
		uworker_post(&sc->sc_worker, WORK_STALL_IN);
		return false;
	}
	return true;
}

static void
cdce_rx_done(struct usb_xfer *x)
{
	struct cdce_chain *c = x->ux_priv;
	struct cdce_softc *sc = c->cc_sc;
	struct mbuf *m = NULL;
	bool again;

	/* cc_busy stays set until the end, so that rx_fill (if_init, the
	 * worker) leaves this transfer alone while the frame goes up. */
	mutex_enter(&sc->sc_lock);
	if (sc->sc_dying) {
		again = false;
	} else if (x->ux_status != 0) {
		again = rx_error(sc, x->ux_status);
	} else {
		sc->sc_rx_errrun = 0;
		again = true;
		if (sc->sc_running && (m = rx_frame(sc, x)) != NULL)
			sc->sc_inprog++;
	}
	mutex_exit(&sc->sc_lock);
	if (m != NULL)
		ether_input(&sc->sc_if, m);
	mutex_enter(&sc->sc_lock);
	if (m != NULL)
		sc->sc_inprog--;
	c->cc_busy = false;
	if (again && sc->sc_running && !sc->sc_dying)
		rx_submit(sc, c);
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
}

/* ---- transmit ----------------------------------------------------------- */

static struct cdce_chain *
tx_free_chain(struct cdce_softc *sc)
{
	for (int i = 0; i < CDCE_TX_LIST; i++)
		if (!sc->sc_tx[i].cc_busy)
			return &sc->sc_tx[i];
	return NULL;
}

/* Copy m into c's transfer and queue it; sc_lock held. m is kept. */
static void
tx_encap(struct cdce_softc *sc, struct cdce_chain *c, struct mbuf *m)
{
	struct ifnet *ifp = &sc->sc_if;
	struct usb_xfer *x = c->cc_xfer;
	unsigned len = m->m_pkthdr.len;
	int rv;

	if (len < ETHER_HDR_LEN || len > x->ux_bufsize) {
		if_stat_add(ifp, IFS_OERRORS, 1);
		return;
	}
	m_copydata(m, 0, len, x->ux_buf);
	x->ux_length = len;
	x->ux_timeout_ms = CDCE_TX_TIMEOUT_MS;
	x->ux_flags = USBD_FORCE_SHORT_XFER;
	x->ux_done = cdce_tx_done;
	x->ux_priv = c;
	if ((rv = usb_xfer_submit(x)) != 0) {
		if_stat_add(ifp, IFS_OERRORS, 1);
		return;
	}
	c->cc_busy = true;
	if_stat_add(ifp, IFS_OPACKETS, 1);
	if_stat_add(ifp, IFS_OBYTES, len);
	if (((const uint8_t *)x->ux_buf)[0] & 1)
		if_stat_add(ifp, IFS_OMCASTS, 1);
}

/*
 * Frames from if_snd into free transfers. They are freed after sc_lock
 * is dropped: a free function of external storage must not run under
 * a driver lock.
 */
static void
cdce_start(struct ifnet *ifp)
{
	struct cdce_softc *sc = ifp->if_softc;
	struct mbuf *m, *done = NULL;
	struct cdce_chain *c;

	mutex_enter(&sc->sc_lock);
	while (sc->sc_running && !sc->sc_dying &&
	    (c = tx_free_chain(sc)) != NULL && (m = if_dequeue(ifp)) != NULL) {
		tx_encap(sc, c, m);
		m->m_nextpkt = done;
		done = m;
	}
	mutex_exit(&sc->sc_lock);
	m_freem_list(done);
}

static void
cdce_tx_done(struct usb_xfer *x)
{
	struct cdce_chain *c = x->ux_priv;
	struct cdce_softc *sc = c->cc_sc;
	struct ifnet *ifp = &sc->sc_if;
	bool more;

	mutex_enter(&sc->sc_lock);
	c->cc_busy = false;
	if (x->ux_status != 0 && x->ux_status != ECANCELED &&
	    x->ux_status != ENODEV) {
		if_stat_add(ifp, IFS_OERRORS, 1);
		if (x->ux_status == EPIPE && !sc->sc_dying)
			uworker_post(&sc->sc_worker, WORK_STALL_OUT);
	}
	more = sc->sc_running && !sc->sc_dying &&
	    __atomic_load_n(&ifp->if_snd.mq_len, __ATOMIC_RELAXED) != 0;
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
	if (more)
		cdce_start(ifp);
}

/* ---- notifications ------------------------------------------------------ */

/* sc_lock held. */
static void
intr_submit(struct cdce_softc *sc)
{
	struct usb_xfer *x = sc->sc_intr.cc_xfer;
	int rv;

	x->ux_length = x->ux_bufsize;
	x->ux_timeout_ms = 0;
	x->ux_done = cdce_intr_done;
	x->ux_priv = &sc->sc_intr;
	if ((rv = usb_xfer_submit(x)) == 0)
		sc->sc_intr.cc_busy = true;
	else if (rv != ENODEV && rv != ECANCELED)
		aprint_error(sc->sc_dev, "cannot read notifications (error "
		    "%d)", rv);
}

/*
 * One notification transfer. A speed change whose data did not come
 * with its header (an 8-byte endpoint) takes the next transfer. Sets
 * *link (-1: no change) and *speed (0: none). sc_lock held.
 */
static void
notify_parse(struct cdce_softc *sc, const uint8_t *p, size_t len, int *link,
    uint64_t *speed)
{
	if (sc->sc_speed_wait) {
		sc->sc_speed_wait = false;
		if (len >= UCDC_SPEED_DATA)
			*speed = UGETDW(p);
		return;
	}
	if (len < UCDC_NOTIFY_HDR || p[0] != UT_READ_CLASS_INTERFACE) {
		if_stat_add(&sc->sc_if, IFS_BADDESC, 1);
		return;
	}
	switch (p[1]) {
	case UCDC_N_NETWORK_CONNECTION:
		*link = UGETW(p + 2) != 0 ? LINK_STATE_UP : LINK_STATE_DOWN;
		break;
	case UCDC_N_CONNECTION_SPEED_CHANGE:
		if (UGETW(p + 6) < UCDC_SPEED_DATA)
			if_stat_add(&sc->sc_if, IFS_BADDESC, 1);
		else if (len >= UCDC_NOTIFY_HDR + UCDC_SPEED_DATA)
			*speed = UGETDW(p + UCDC_NOTIFY_HDR);
		else
			sc->sc_speed_wait = true;
		break;
	default:
		break;			/* RESPONSE_AVAILABLE and others */
	}
}

/* What a finished notification transfer asks for; sc_lock held. */
static bool
intr_status(struct cdce_softc *sc, struct usb_xfer *x, int *link,
    uint64_t *speed)
{
	if (sc->sc_dying || x->ux_status == ECANCELED ||
	    x->ux_status == ENODEV)
		return false;
	if (x->ux_status == 0) {
		sc->sc_intr_errrun = 0;
		notify_parse(sc, x->ux_buf, x->ux_actlen, link, speed);
		return true;
	}
	if (++sc->sc_intr_errrun >= CDCE_MAX_ERRORS) {
		aprint_error(sc->sc_dev, "notifications stopped after %u "
		    "errors (last %d)", sc->sc_intr_errrun, x->ux_status);
		return false;
	}
	if (x->ux_status == EPIPE) {
		uworker_post(&sc->sc_worker, WORK_STALL_INTR);
		return false;
	}
	return true;
}

/*
 * The link state is reported before the transfer goes again, so that
 * notifications are applied in order; cc_busy stays set meanwhile, so
 * detach waits for it.
 */
static void
cdce_intr_done(struct usb_xfer *x)
{
	struct cdce_softc *sc = ((struct cdce_chain *)x->ux_priv)->cc_sc;
	uint64_t speed = 0;
	int link = -1;
	bool again;

	mutex_enter(&sc->sc_lock);
	again = intr_status(sc, x, &link, &speed);
	mutex_exit(&sc->sc_lock);
	if (speed != 0)
		__atomic_store_n(&sc->sc_if.if_baudrate, speed,
		    __ATOMIC_RELAXED);
	if (link >= 0)
		if_link_state_change(&sc->sc_if, link);
	mutex_enter(&sc->sc_lock);
	sc->sc_intr.cc_busy = false;
	if (again && !sc->sc_dying)
		intr_submit(sc);
	cv_broadcast(&sc->sc_cv);
	mutex_exit(&sc->sc_lock);
}

/* ---- ifnet entry points (net_lock held: no synchronous requests) -------- */

static int
cdce_init(struct ifnet *ifp)
{
	struct cdce_softc *sc = ifp->if_softc;

	mutex_enter(&sc->sc_lock);
	if (sc->sc_dying) {
		mutex_exit(&sc->sc_lock);
		return ENXIO;
	}
	sc->sc_running = true;
	sc->sc_rx_errrun = 0;
	rx_fill(sc);
	uworker_post(&sc->sc_worker, WORK_FILTER);
	mutex_exit(&sc->sc_lock);
	ifp->if_flags |= IFF_RUNNING;
	if (sc->sc_pipe_intr == NULL)
		if_link_state_change(ifp, LINK_STATE_UP);
	cdce_start(ifp);
	return 0;
}

static void
cdce_stop(struct ifnet *ifp)
{
	struct cdce_softc *sc = ifp->if_softc;

	mutex_enter(&sc->sc_lock);
	sc->sc_running = false;
	mutex_exit(&sc->sc_lock);
	ifp->if_flags &= ~(unsigned)IFF_RUNNING;
}

static int
cdce_mcast_update(struct ifnet *ifp)
{
	struct cdce_softc *sc = ifp->if_softc;

	mutex_enter(&sc->sc_lock);
	if (!sc->sc_dying)
		uworker_post(&sc->sc_worker, WORK_FILTER);
	mutex_exit(&sc->sc_lock);
	return 0;
}

/* ---- the worker (thread context, no lock held) -------------------------- */

static void
set_filter(struct cdce_softc *sc)
{
	struct ifnet *ifp = &sc->sc_if;
	usb_device_request_t req;
	uint16_t filter = UCDC_PACKET_DIRECTED | UCDC_PACKET_BROADCAST;
	int rv;

	mutex_enter(&net_lock);
	if (ifp->if_flags & IFF_PROMISC)
		filter |= UCDC_PACKET_PROMISCUOUS;
	if ((ifp->if_flags & IFF_ALLMULTI) || ether_multi_count(ifp) > 0)
		filter |= UCDC_PACKET_ALL_MULTICAST;
	mutex_exit(&net_lock);
	if (sc->sc_nofilter || sc->sc_filter == filter)
		return;
	req.bmRequestType = UT_WRITE_CLASS_INTERFACE;
	req.bRequest = UCDC_SET_ETHERNET_PACKET_FILTER;
	USETW(req.wValue, filter);
	USETW(req.wIndex, sc->sc_ctl_iface);
	USETW(req.wLength, 0);
	rv = usb_control(sc->sc_udev, &req, NULL, NULL, 0);
	if (rv == 0) {
		sc->sc_filter = filter;
	} else if (rv == EPIPE) {
		aprint_normal(sc->sc_dev, "the adapter refuses packet filters; "
		    "the stack filters what it delivers");
		sc->sc_nofilter = true;
	} else if (rv != ENODEV) {
		aprint_error(sc->sc_dev, "packet filter not set (error %d)",
		    rv);
	}
}

/*
 * A halted endpoint: take back what is queued on it, clear the halt
 * and restart. Aborting here is safe: no net_lock is held.
 */
static void
unstall(struct cdce_softc *sc, struct usb_pipe *pipe, struct cdce_chain *c,
    int n, const char *what)
{
	int rv;

	for (int i = 0; i < n; i++)
		usb_xfer_abort(c[i].cc_xfer);
	if ((rv = usb_pipe_clear_halt(pipe)) != 0 && rv != ENODEV)
		aprint_error(sc->sc_dev, "%s endpoint stalled and cannot be "
		    "cleared (error %d)", what, rv);
}

static void
cdce_work(void *arg, unsigned work)
{
	struct cdce_softc *sc = arg;

	if (work & WORK_STALL_IN)
		unstall(sc, sc->sc_pipe_in, sc->sc_rx, CDCE_RX_LIST, "receive");
	if (work & WORK_STALL_OUT)
		unstall(sc, sc->sc_pipe_out, sc->sc_tx, CDCE_TX_LIST,
		    "transmit");
	if (work & WORK_STALL_INTR)
		unstall(sc, sc->sc_pipe_intr, &sc->sc_intr, 1, "notification");
	mutex_enter(&sc->sc_lock);
	if ((work & WORK_STALL_IN) && sc->sc_running && !sc->sc_dying)
		rx_fill(sc);
	if ((work & WORK_STALL_INTR) && !sc->sc_dying && !sc->sc_intr.cc_busy)
		intr_submit(sc);
	mutex_exit(&sc->sc_lock);
	if (work & WORK_STALL_OUT)
		cdce_start(&sc->sc_if);
	if (work & WORK_FILTER)
		set_filter(sc);
}

/* ---- attach and detach -------------------------------------------------- */

static int
chain_alloc(struct cdce_softc *sc, struct cdce_chain *c, struct usb_pipe *p,
    size_t size)
{
	c->cc_sc = sc;
	return usb_xfer_alloc(p, size, &c->cc_xfer);
}

/* Pipes and transfers; what was made before a failure stays for
 * cdce_release. */
static int
cdce_open(struct cdce_softc *sc, const struct cdce_desc *cd)
{
	struct usb_device *dev = sc->sc_udev;
	size_t isize;
	int rv;

	if ((rv = usb_pipe_open(dev, cd->cd_ed_in, &sc->sc_pipe_in)) != 0 ||
	    (rv = usb_pipe_open(dev, cd->cd_ed_out, &sc->sc_pipe_out)) != 0)
		return rv;
	for (int i = 0; i < CDCE_RX_LIST; i++)
		if ((rv = chain_alloc(sc, &sc->sc_rx[i], sc->sc_pipe_in,
		    CDCE_BUFSZ)) != 0)
			return rv;
	for (int i = 0; i < CDCE_TX_LIST; i++)
		if ((rv = chain_alloc(sc, &sc->sc_tx[i], sc->sc_pipe_out,
		    CDCE_BUFSZ)) != 0)
			return rv;
	if (cd->cd_ed_intr == NULL)
		return 0;
	if ((rv = usb_pipe_open(dev, cd->cd_ed_intr, &sc->sc_pipe_intr)) != 0) {
		aprint_error(sc->sc_dev, "notification endpoint does not open "
		    "(error %d); going on without", rv);
		sc->sc_pipe_intr = NULL;
		return 0;
	}
	isize = sc->sc_pipe_intr->up_mps;
	if (isize < UCDC_NOTIFY_HDR || isize > CDCE_INTR_BUFSZ)
		isize = CDCE_INTR_BUFSZ;
	return chain_alloc(sc, &sc->sc_intr, sc->sc_pipe_intr, isize);
}

/* Transfers freed, pipes closed; none may be submitted. */
static void
cdce_release(struct cdce_softc *sc)
{
	for (int i = 0; i < CDCE_RX_LIST; i++)
		if (sc->sc_rx[i].cc_xfer != NULL)
			usb_xfer_free(sc->sc_rx[i].cc_xfer);
	for (int i = 0; i < CDCE_TX_LIST; i++)
		if (sc->sc_tx[i].cc_xfer != NULL)
			usb_xfer_free(sc->sc_tx[i].cc_xfer);
	if (sc->sc_intr.cc_xfer != NULL)
		usb_xfer_free(sc->sc_intr.cc_xfer);
	if (sc->sc_pipe_intr != NULL)
		usb_pipe_close(sc->sc_pipe_intr);
	if (sc->sc_pipe_out != NULL)
		usb_pipe_close(sc->sc_pipe_out);
	if (sc->sc_pipe_in != NULL)
		usb_pipe_close(sc->sc_pipe_in);
}

static void
cdce_ifattach(struct cdce_softc *sc, const struct cdce_desc *cd)
{
	struct ifnet *ifp = &sc->sc_if;
	unsigned mtu = cd->cd_maxseg - ETHER_HDR_LEN;

	ksnprintf(ifp->if_xname, IFNAMSIZ, "%s", device_xname(sc->sc_dev));
	ifp->if_softc = sc;
	ifp->if_init = cdce_init;
	ifp->if_stop = cdce_stop;
	ifp->if_start = cdce_start;
	ifp->if_mcast_update = cdce_mcast_update;
	ifp->if_link_state = LINK_STATE_UNKNOWN;
	ether_ifattach(ifp, sc->sc_mac);
	if (mtu < ETHERMTU) {
		mutex_enter(&net_lock);
		ifp->if_mtu = ifp->if_mtu_max = mtu;
		mutex_exit(&net_lock);
	}
}

static const struct usb_id cdce_ids[] = {
	USB_ID_CS(UICLASS_CDC, UISUBCLASS_ETHERNET_NETWORKING_CONTROL_MODEL),
	USB_ID_END,
};

static int
cdce_match(device_t parent, void *aux)
{
	(void)parent;
	return usb_match_ids(cdce_ids, aux);
}

/* Descriptors, MAC address and the data interface's setting. */
static int
cdce_probe(struct cdce_softc *sc, unsigned ctl, struct cdce_desc *cd)
{
	struct usb_device *dev = sc->sc_udev;
	const char *why = NULL;
	unsigned mps;
	int rv;

	if ((rv = cdce_desc_parse(dev, ctl, cd, &why)) != 0 ||
	    (rv = cdce_mac_get(dev, cd->cd_imac, sc->sc_mac, &why)) != 0) {
		if (why != NULL)
			aprint_error(sc->sc_dev, "%s; not attached", why);
		else
			aprint_error(sc->sc_dev, "cannot read the MAC address "
			    "(error %d); not attached", rv);
		return rv;
	}
	mps = UE_MPS(cd->cd_ed_in->wMaxPacketSize);
	sc->sc_rxlen = (CDCE_FRAME_MAX + mps - 1) / mps * mps;
	if (sc->sc_rxlen > CDCE_BUFSZ) {
		aprint_error(sc->sc_dev, "bulk packets of %u bytes are not "
		    "supported; not attached", mps);
		return ENOTSUP;
	}
	usb_interface_claim(dev, cd->cd_data_iface);
	if ((rv = usb_set_interface(dev, cd->cd_data_iface,
	    cd->cd_data_alt)) != 0) {
		aprint_error(sc->sc_dev, "cannot select the data interface's "
		    "setting %u (error %d); not attached", cd->cd_data_alt, rv);
		return rv;
	}
	return 0;
}

static void
cdce_attach(device_t parent, device_t self, void *aux)
{
	struct cdce_softc *sc = device_private(self);
	struct usb_attach_arg *uaa = aux;
	struct cdce_desc cd;
	char mac[18];
	int rv;

	(void)parent;
	sc->sc_dev = self;
	sc->sc_udev = uaa->uaa_dev;
	sc->sc_filter = -1;
	if (cdce_probe(sc, uaa->uaa_ifaceno, &cd) != 0)
		return;
	sc->sc_ctl_iface = cd.cd_ctl_iface;
	mutex_init(&sc->sc_lock, MUTEX_DEFAULT);
	cv_init(&sc->sc_cv, "cdce");
	if ((rv = cdce_open(sc, &cd)) != 0 ||
	    (rv = uworker_start(&sc->sc_worker, device_xname(self), cdce_work,
	    sc)) != 0) {
		aprint_error(self, "cannot set up transfers (error %d); not "
		    "attached", rv);
		cdce_release(sc);
		cv_destroy(&sc->sc_cv);
		mutex_destroy(&sc->sc_lock);
		return;
	}
	aprint_normal(self, "%s, CDC ECM, MAC %s, %u-byte packets%s",
	    sc->sc_udev->ud_product[0] != '\0' ? sc->sc_udev->ud_product :
	    "USB Ethernet", ether_sprintf(mac, sc->sc_mac),
	    UE_MPS(cd.cd_ed_in->wMaxPacketSize),
	    sc->sc_pipe_intr != NULL ? "" : ", no notifications");
	cdce_ifattach(sc, &cd);
	sc->sc_attached = true;
	mutex_enter(&sc->sc_lock);
	if (sc->sc_pipe_intr != NULL)
		intr_submit(sc);
	mutex_exit(&sc->sc_lock);
}

static bool
any_busy(const struct cdce_softc *sc)
{
	for (int i = 0; i < CDCE_RX_LIST; i++)
		if (sc->sc_rx[i].cc_busy)
			return true;
	for (int i = 0; i < CDCE_TX_LIST; i++)
		if (sc->sc_tx[i].cc_busy)
			return true;
	return sc->sc_intr.cc_busy || sc->sc_inprog > 0;
}

/* Every transfer back and no callback inside the stack. */
static void
cdce_quiesce(struct cdce_softc *sc)
{
	uint64_t ns = CDCE_DETACH_WAIT_MS * 1000000ULL;

	for (int i = 0; i < CDCE_RX_LIST; i++)
		usb_xfer_abort(sc->sc_rx[i].cc_xfer);
	for (int i = 0; i < CDCE_TX_LIST; i++)
		usb_xfer_abort(sc->sc_tx[i].cc_xfer);
	if (sc->sc_intr.cc_xfer != NULL)
		usb_xfer_abort(sc->sc_intr.cc_xfer);
	mutex_enter(&sc->sc_lock);
	while (any_busy(sc)) {
		if (cv_timedwait_ns(&sc->sc_cv, &sc->sc_lock, ns) == ETIMEDOUT) {
			aprint_error(sc->sc_dev, "transfers still busy after "
			    "%u ms of detach; going on", CDCE_DETACH_WAIT_MS);
			break;
		}
	}
	mutex_exit(&sc->sc_lock);
}

static int
cdce_detach(device_t self, int flags)
{
	struct cdce_softc *sc = device_private(self);

	(void)flags;
	if (!sc->sc_attached)
		return 0;
	mutex_enter(&sc->sc_lock);
	sc->sc_dying = true;
	mutex_exit(&sc->sc_lock);
	uworker_stop(&sc->sc_worker);
	cdce_quiesce(sc);
	ether_ifdetach(&sc->sc_if);
	cdce_release(sc);
	cv_destroy(&sc->sc_cv);
	mutex_destroy(&sc->sc_lock);
	sc->sc_attached = false;
	return 0;
}

static const struct cfdriver cdce_cd = {
	.cd_name = "cdce",
	.cd_attachto = USB_ATTR,
	.cd_softc_size = sizeof(struct cdce_softc),
	.cd_match = cdce_match,
	.cd_attach = cdce_attach,
	.cd_detach = cdce_detach,
};
CFDRIVER_DECLARE(cdce_cd);
