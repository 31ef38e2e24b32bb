/*
 * The fake host controller (see fakehc.h): the controller side
 * (methods, root hub ops, the worker thread, autoconf glue). Fake
 * devices' answers to control requests are in fakedev.c.
 *
 * Invariants (fh_lock): an xfer is on at most one of fh_queue and
 * fh_held, and ux_hcdata[0] says which (FX_QUEUE, FX_HELD, 0); a held
 * hub status xfer is also the hub's fd_status_x.
 */
#include <errno.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/device.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/kthread.h>

#include "fakehc.h"
#include "fakedev.h"
#include "usb_impl.h"

#define FX_QUEUE 1
#define FX_HELD 2

#define FAKEHC_MAGIC 0x66616b65u

struct fakehc_aux {
	unsigned fa_magic;
	struct fakehc *fa_fh;
};

struct fakehc_softc {
	struct fakehc *sc_fh;
};

static struct usb_xfer **
xnext(struct usb_xfer *x)
{
	return (struct usb_xfer **)&x->ux_hcpriv;
}

static void
list_push(struct usb_xfer **head, struct usb_xfer *x, unsigned where)
{
	while (*head != NULL)
		head = xnext(*head);
	*xnext(x) = NULL;
	*head = x;
	x->ux_hcdata[0] = where;
}

static bool
list_remove(struct usb_xfer **head, struct usb_xfer *x)
{
	for (; *head != NULL; head = xnext(*head))
		if (*head == x) {
			*head = *xnext(x);
			*xnext(x) = NULL;
			x->ux_hcdata[0] = 0;
			return true;
		}
	return false;
}

void
fakehc_event_locked(struct fakehc *fh)
{
	fh->fh_events++;
	cv_broadcast(&fh->fh_evcv);
}

/* The fake device a usb_device is on (by place); fh_lock held. */
static struct fdev *
lookup_fdev(struct fakehc *fh, struct usb_device *dev)
{
	struct fdev *hub;

	if (dev->ud_parent == NULL)
		return dev->ud_port <= fh->fh_nports ?
		    fh->fh_ports[dev->ud_port].fp_dev : NULL;
	hub = dev->ud_parent->ud_hcpriv;
	if (hub == NULL || !hub->fd_is_hub || dev->ud_port > hub->fd_nports)
		return NULL;
	return hub->fd_ports[dev->ud_port].fp_dev;
}

/* Move a hub's held status xfer back to the queue; fh_lock held. */
void
fakehc_hub_poke(struct fakehc *fh, struct fdev *hub)
{
	struct usb_xfer *x = hub->fd_status_x;

	if (x == NULL)
		return;
	hub->fd_status_x = NULL;
	if (list_remove(&fh->fh_held, x)) {
		list_push(&fh->fh_queue, x, FX_QUEUE);
		cv_signal(&fh->fh_cv);
	}
}

/* ---- worker ---------------------------------------------------------- */

static int
process(struct fakehc *fh, struct usb_xfer *x)
{
	struct fdev *fd = x->ux_pipe->up_dev->ud_hcpriv;

	x->ux_actlen = 0;
	if (fd == NULL || fd->fd_gone)
		return FH_HOLD;
	if (x->ux_pipe->up_type == UE_CONTROL)
		return fakedev_control(fh, fd, x);
	if (fd->fd_is_hub && x->ux_pipe->up_type == UE_INTERRUPT &&
	    UE_GET_DIR(x->ux_pipe->up_epaddr) == UE_DIR_IN)
		return fakedev_hub_status(fh, fd, x);
	return FH_HOLD;
}

static void
worker(void *arg)
{
	struct fakehc *fh = arg;
	struct usb_xfer *x;
	int r;

	mutex_enter(&fh->fh_lock);
	for (;;) {
		while (fh->fh_queue == NULL && !fh->fh_dying)
			cv_wait(&fh->fh_cv, &fh->fh_lock);
		if (fh->fh_queue == NULL)
			break;
		x = fh->fh_queue;
		list_remove(&fh->fh_queue, x);
		if ((r = process(fh, x)) == FH_HOLD) {
			list_push(&fh->fh_held, x, FX_HELD);
			continue;
		}
		x->ux_status = r;
		mutex_exit(&fh->fh_lock);
		usb_xfer_done(x);
		mutex_enter(&fh->fh_lock);
		fakehc_event_locked(fh);
	}
	mutex_exit(&fh->fh_lock);
}

/* ---- methods --------------------------------------------------------- */

static struct fakehc *
fh_of(struct usb_device *dev)
{
	return dev->ud_bus->ub_hcpriv;
}

static unsigned
expected_mps0(enum usb_speed s)
{
	return s == USB_SPEED_HIGH ? 64 : s >= USB_SPEED_SUPER ? 512 : 8;
}

static int
fh_dev_setup(struct usb_device *dev, unsigned mps0)
{
	struct fakehc *fh = fh_of(dev);
	struct fdev *fd;

	mutex_enter(&fh->fh_lock);
	fd = lookup_fdev(fh, dev);
	if (fd == NULL || fd->fd_gone) {
		mutex_exit(&fh->fh_lock);
		return ENODEV;
	}
	if (fd->fd_udev != NULL || mps0 != expected_mps0(dev->ud_speed) ||
	    dev->ud_pipe0 == NULL || dev->ud_pipe0->up_mps != mps0)
		fh->fh_bad++;
	fd->fd_udev = dev;
	fd->fd_addr = fh->fh_nextaddr;
	fh->fh_nextaddr = fh->fh_nextaddr >= 127 ? 1 : fh->fh_nextaddr + 1;
	dev->ud_addr = fd->fd_addr;
	dev->ud_hcpriv = fd;
	fh->fh_nslots++;
	fh->fh_nsetup++;
	fakehc_event_locked(fh);
	mutex_exit(&fh->fh_lock);
	return 0;
}

static int
fh_dev_set_mps0(struct usb_device *dev, unsigned mps0)
{
	if (mps0 != 8 && mps0 != 16 && mps0 != 32 && mps0 != 64 &&
	    mps0 != 512)
		fh_of(dev)->fh_bad++;
	return 0;
}

static int
fh_dev_set_hub(struct usb_device *dev, unsigned nports, unsigned ttt,
    bool mtt)
{
	struct fdev *fd = dev->ud_hcpriv;

	(void)mtt;
	fd->fd_hub_nports = nports;
	fd->fd_hub_ttt = ttt;
	return 0;
}

static bool
has_xfers_of(struct usb_xfer *list, struct usb_device *dev,
    struct usb_pipe *pipe)
{
	for (; list != NULL; list = *xnext(list))
		if (list->ux_pipe->up_dev == dev &&
		    (pipe == NULL || list->ux_pipe == pipe))
			return true;
	return false;
}

static void
fh_dev_teardown(struct usb_device *dev)
{
	struct fakehc *fh = fh_of(dev);
	struct fdev *fd = dev->ud_hcpriv;

	mutex_enter(&fh->fh_lock);
	if (has_xfers_of(fh->fh_queue, dev, NULL) ||
	    has_xfers_of(fh->fh_held, dev, NULL) || fd == NULL ||
	    fd->fd_udev != dev)
		fh->fh_bad++;
	if (fd != NULL && fd->fd_udev == dev)
		fd->fd_udev = NULL;
	fh->fh_nslots--;
	fh->fh_nteardown++;
	dev->ud_hcpriv = NULL;
	fakehc_event_locked(fh);
	mutex_exit(&fh->fh_lock);
}

static int
fh_pipe_open(struct usb_pipe *pipe)
{
	struct fakehc *fh = fh_of(pipe->up_dev);

	mutex_enter(&fh->fh_lock);
	fh->fh_npipes++;
	mutex_exit(&fh->fh_lock);
	return 0;
}

static void
fh_pipe_close(struct usb_pipe *pipe)
{
	struct fakehc *fh = fh_of(pipe->up_dev);

	mutex_enter(&fh->fh_lock);
	if (has_xfers_of(fh->fh_queue, pipe->up_dev, pipe) ||
	    has_xfers_of(fh->fh_held, pipe->up_dev, pipe))
		fh->fh_bad++;
	fh->fh_npipes--;
	mutex_exit(&fh->fh_lock);
}

static int
fh_pipe_reset(struct usb_pipe *pipe)
{
	struct fakehc *fh = fh_of(pipe->up_dev);

	mutex_enter(&fh->fh_lock);
	fh->fh_nresets++;
	mutex_exit(&fh->fh_lock);
	return 0;
}

static int
fh_xfer_start(struct usb_xfer *x)
{
	struct fakehc *fh = fh_of(x->ux_pipe->up_dev);

	mutex_enter(&fh->fh_lock);
	if (x->ux_hcdata[0] != 0) {
		fh->fh_bad++;
		mutex_exit(&fh->fh_lock);
		return EBUSY;
	}
	list_push(&fh->fh_queue, x, FX_QUEUE);
	fh->fh_nxfers++;
	cv_signal(&fh->fh_cv);
	mutex_exit(&fh->fh_lock);
	return 0;
}

static void
fh_xfer_abort(struct usb_xfer *x)
{
	struct fakehc *fh = fh_of(x->ux_pipe->up_dev);
	struct fdev *fd = x->ux_pipe->up_dev->ud_hcpriv;
	bool mine;

	mutex_enter(&fh->fh_lock);
	fh->fh_naborts++;
	mine = list_remove(&fh->fh_queue, x) || list_remove(&fh->fh_held, x);
	if (fd != NULL && fd->fd_status_x == x)
		fd->fd_status_x = NULL;
	mutex_exit(&fh->fh_lock);
	if (!mine)
		return;
	x->ux_status = ECANCELED;
	x->ux_actlen = 0;
	usb_xfer_done(x);
}

static const struct usb_bus_methods fh_methods = {
	.ubm_dev_setup = fh_dev_setup,
	.ubm_dev_set_mps0 = fh_dev_set_mps0,
	.ubm_dev_set_hub = fh_dev_set_hub,
	.ubm_dev_teardown = fh_dev_teardown,
	.ubm_pipe_open = fh_pipe_open,
	.ubm_pipe_close = fh_pipe_close,
	.ubm_pipe_reset = fh_pipe_reset,
	.ubm_xfer_start = fh_xfer_start,
	.ubm_xfer_abort = fh_xfer_abort,
};

/* ---- root hub --------------------------------------------------------- */

static int
rh_status(struct usb_hub *hub, unsigned port, struct usb_port_status *ps)
{
	struct fakehc *fh = hub->uh_priv;
	struct fdev_port *fp = &fh->fh_ports[port];

	KASSERT(port >= 1 && port <= fh->fh_nports);
	mutex_enter(&fh->fh_lock);
	fh->fh_nstatus++;
	ps->ps_status = (fp->fp_dev != NULL ? UPS_CURRENT_CONNECT : 0) |
	    (fp->fp_enabled ? UPS_PORT_ENABLED : 0);
	ps->ps_change = fp->fp_change;
	ps->ps_speed = fp->fp_dev != NULL ? fp->fp_dev->fd_speed :
	    USB_SPEED_UNKNOWN;
	mutex_exit(&fh->fh_lock);
	return 0;
}

static int
rh_clear(struct usb_hub *hub, unsigned port, uint16_t change)
{
	struct fakehc *fh = hub->uh_priv;

	mutex_enter(&fh->fh_lock);
	fh->fh_ports[port].fp_change &= (uint16_t)~change;
	mutex_exit(&fh->fh_lock);
	return 0;
}

static int
rh_reset(struct usb_hub *hub, unsigned port, struct usb_port_status *ps)
{
	struct fakehc *fh = hub->uh_priv;
	struct fdev_port *fp = &fh->fh_ports[port];

	mutex_enter(&fh->fh_lock);
	fp->fp_resets++;
	if (fp->fp_dev != NULL && !fp->fp_dev->fd_no_enable)
		fp->fp_enabled = true;
	mutex_exit(&fh->fh_lock);
	return rh_status(hub, port, ps);
}

static int
rh_disable(struct usb_hub *hub, unsigned port)
{
	struct fakehc *fh = hub->uh_priv;

	mutex_enter(&fh->fh_lock);
	fh->fh_ports[port].fp_enabled = false;
	fh->fh_ports[port].fp_disables++;
	fakehc_event_locked(fh);
	mutex_exit(&fh->fh_lock);
	return 0;
}

static const struct usb_hub_ops fh_rh_ops = {
	.uho_port_status = rh_status,
	.uho_port_clear = rh_clear,
	.uho_port_reset = rh_reset,
	.uho_port_disable = rh_disable,
};

/* ---- autoconf --------------------------------------------------------- */

static int
fakehc_match(device_t parent, void *aux)
{
	struct fakehc_aux *fa = aux;

	(void)parent;
	return fa != NULL && fa->fa_magic == FAKEHC_MAGIC ? 100 : 0;
}

static void
fakehc_attach(device_t parent, device_t self, void *aux)
{
	struct fakehc_softc *sc = device_private(self);
	struct fakehc *fh = ((struct fakehc_aux *)aux)->fa_fh;
	int rv;

	(void)parent;
	sc->sc_fh = fh;
	fh->fh_dev = self;
	rv = kthread_create(worker, fh, "fakehc", KTHREAD_MUSTJOIN,
	    &fh->fh_worker);
	KASSERT(rv == 0);
	fh->fh_bus.ub_methods = &fh_methods;
	fh->fh_bus.ub_hcpriv = fh;
	fh->fh_bus.ub_dmat = &bus_dma_tag_default;
	fh->fh_bus.ub_roothub = &fh->fh_roothub;
	fh->fh_roothub.uh_ops = &fh_rh_ops;
	fh->fh_roothub.uh_priv = fh;
	fh->fh_roothub.uh_nports = fh->fh_nports;
	if ((rv = usb_bus_attach(self, &fh->fh_bus)) != 0)
		aprint_error(self, "usb_bus_attach: error %d", rv);
}

static int
fakehc_detach(device_t self, int flags)
{
	struct fakehc_softc *sc = device_private(self);
	struct fakehc *fh = sc->sc_fh;

	(void)flags;
	usb_bus_detach(&fh->fh_bus);
	mutex_enter(&fh->fh_lock);
	fh->fh_dying = true;
	cv_broadcast(&fh->fh_cv);
	mutex_exit(&fh->fh_lock);
	kthread_join(fh->fh_worker);
	return 0;
}

static const struct cfdriver fakehc_cd = {
	.cd_name = "fakehc",
	.cd_attachto = "mainbus",
	.cd_busattr = USB_HC_ATTR,
	.cd_softc_size = sizeof(struct fakehc_softc),
	.cd_match = fakehc_match,
	.cd_attach = fakehc_attach,
	.cd_detach = fakehc_detach,
};
CFDRIVER_DECLARE(fakehc_cd);

struct fakehc *
fakehc_create(unsigned nports, struct fdev *const *devices)
{
	struct fakehc_aux fa = { FAKEHC_MAGIC, NULL };
	struct fakehc *fh;

	KASSERT(nports >= 1 && nports <= FH_MAXPORTS);
	fh = kmem_zalloc(sizeof(*fh), KM_SLEEP);
	fh->fh_nports = nports;
	fh->fh_nextaddr = 1;
	mutex_init(&fh->fh_lock, MUTEX_DEFAULT);
	cv_init(&fh->fh_cv, "fakehc");
	cv_init(&fh->fh_evcv, "fakeev");
	for (unsigned p = 1; devices != NULL && p <= nports; p++)
		if (devices[p] != NULL) {
			fh->fh_ports[p].fp_dev = devices[p];
			fh->fh_ports[p].fp_change = UPS_C_CONNECT;
		}
	fa.fa_fh = fh;
	if (config_found(device_find_by_xname("mainbus0"), &fa, NULL) == NULL)
		panic("fakehc did not attach");
	return fh;
}

unsigned
fakehc_destroy(struct fakehc *fh, bool via_bus_detach)
{
	unsigned bad;
	int rv;

	if (via_bus_detach && (rv = usb_bus_detach(&fh->fh_bus)) != 0)
		klog(LOG_ERR, "usb_bus_detach: error %d", rv);
	if ((rv = config_detach(fh->fh_dev, 0)) != 0)
		panic("fakehc detach: error %d", rv);
	bad = fh->fh_bad + (fh->fh_queue != NULL) + (fh->fh_held != NULL) +
	    (fh->fh_nslots != 0) + (fh->fh_npipes != 0);
	if (bad != 0)
		klog(LOG_ERR, "fakehc: %u contract violations, %d slots, %d "
		    "pipes left", fh->fh_bad, fh->fh_nslots, fh->fh_npipes);
	cv_destroy(&fh->fh_evcv);
	cv_destroy(&fh->fh_cv);
	mutex_destroy(&fh->fh_lock);
	kmem_free(fh, sizeof(*fh));
	return bad;
}
