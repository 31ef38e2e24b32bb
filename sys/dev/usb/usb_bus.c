/*
 * USB buses: the "usbN" device below a host controller, the per-bus
 * explore thread, and hub change notification.
 *
 * usb_bus_attach explores the root hub (and every hub found below it)
 * in the caller's thread until nothing is left to look at, then starts
 * the explore thread "usbN". That thread sleeps on uc_ecv until
 * usb_hub_changed() sets uc_work (or the bus is dying): no polling
 * while idle. It alone changes the device tree of its bus afterwards.
 *
 * Teardown has two entries that end in the same place:
 *   - usb_bus_detach (the controller asks): stop the thread, detach
 *     every device through the core (drivers see ud_gone), then
 *     config_detach("usbN");
 *   - config_detach of the controller (autoconf detaches children
 *     first): the class drivers below usbN go first, each reported to
 *     usb_childdetached, which clears its ud_drivers slot; uhub's detach
 *     detaches the devices behind its hub; then usb_detach frees the
 *     rest. usb_bus_detach afterwards finds ub_core NULL and returns.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <dev/usb/usbdi.h>
#include <kern/device.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/kthread.h>
#include <kern/rump.h>

#include "usb_impl.h"

static struct rumpuser_mtx *usb_tree_mtx;
struct usb_core *usb_buses;

struct usb_softc {
	struct usb_bus *sc_bus;
};

static int
usb_subsys_init(void)
{
	rumpuser_mutex_init(&usb_tree_mtx, RUMPUSER_MTX_SPIN);
	return 0;
}

void
usb_tree_lock(void)
{
	rumpuser_mutex_enter_nowrap(usb_tree_mtx);
}

void
usb_tree_unlock(void)
{
	rumpuser_mutex_exit(usb_tree_mtx);
}
RUMP_SUBSYS_EARLY("usb", usb_subsys_init);

/* ---- hubs -------------------------------------------------------------- */

int
usb_hub_init(struct usb_hub *hub, struct usb_bus *bus, struct usb_device *dev)
{
	size_t n = hub->uh_nports + 1;

	if (hub->uh_nports == 0 || hub->uh_nports > USB_MAX_PORTS)
		return EINVAL;
	hub->uh_children = kmem_zalloc(n * sizeof(*hub->uh_children),
	    KM_NOSLEEP);
	hub->uh_retries = kmem_zalloc(n, KM_NOSLEEP);
	if (hub->uh_children == NULL || hub->uh_retries == NULL) {
		usb_hub_fini(hub);
		return ENOMEM;
	}
	hub->uh_bus = bus;
	hub->uh_dev = dev;
	hub->uh_changed = false;
	return 0;
}

void
usb_hub_fini(struct usb_hub *hub)
{
	size_t n = hub->uh_nports + 1;

	if (hub->uh_children != NULL)
		kmem_free(hub->uh_children, n * sizeof(*hub->uh_children));
	if (hub->uh_retries != NULL)
		kmem_free(hub->uh_retries, n);
	hub->uh_children = NULL;
	hub->uh_retries = NULL;
}

void
usb_hub_changed(struct usb_hub *hub)
{
	struct usb_core *uc;

	if (hub == NULL || hub->uh_bus == NULL ||
	    (uc = hub->uh_bus->ub_core) == NULL)
		return;
	mutex_enter(&uc->uc_elock);
	hub->uh_changed = true;
	uc->uc_work = true;
	cv_signal(&uc->uc_ecv);
	mutex_exit(&uc->uc_elock);
}

/* Depth first below hub: the first with uh_changed; uc_elock held. */
static struct usb_hub *
find_changed(struct usb_hub *hub)
{
	struct usb_hub *h;

	if (hub->uh_changed) {
		hub->uh_changed = false;
		return hub;
	}
	for (unsigned p = 1; p <= hub->uh_nports; p++) {
		struct usb_device *c = hub->uh_children[p];

		if (c != NULL && c->ud_hub != NULL &&
		    (h = find_changed(c->ud_hub)) != NULL)
			return h;
	}
	return NULL;
}

struct usb_hub *
usb_next_changed(struct usb_bus *bus)
{
	struct usb_core *uc = bus->ub_core;
	struct usb_hub *h;

	mutex_enter(&uc->uc_elock);
	h = find_changed(bus->ub_roothub);
	mutex_exit(&uc->uc_elock);
	return h;
}

static void
explore_bus(struct usb_bus *bus)
{
	struct usb_hub *h;

	while ((h = usb_next_changed(bus)) != NULL)
		usb_hub_explore(h);
}

static void
explore_thread(void *arg)
{
	struct usb_core *uc = arg;

	for (;;) {
		mutex_enter(&uc->uc_elock);
		while (!uc->uc_work && !uc->uc_dying)
			cv_wait(&uc->uc_ecv, &uc->uc_elock);
		if (uc->uc_dying) {
			mutex_exit(&uc->uc_elock);
			break;
		}
		uc->uc_work = false;
		mutex_exit(&uc->uc_elock);
		explore_bus(uc->uc_bus);
	}
	kthread_exit();
}

static void
stop_thread(struct usb_core *uc)
{
	if (uc->uc_thread == NULL)
		return;
	mutex_enter(&uc->uc_elock);
	uc->uc_dying = true;
	cv_broadcast(&uc->uc_ecv);
	mutex_exit(&uc->uc_elock);
	kthread_join(uc->uc_thread);
	uc->uc_thread = NULL;
}

/* Every device on the root hub, and what is below them. */
static void
detach_all(struct usb_bus *bus)
{
	struct usb_hub *rh = bus->ub_roothub;

	for (unsigned p = 1; p <= rh->uh_nports; p++)
		if (rh->uh_children[p] != NULL)
			usb_dev_detach(rh->uh_children[p], false);
}

/* ---- the bus device ---------------------------------------------------- */

static int
usb_match(device_t parent, void *aux)
{
	(void)parent;
	(void)aux;
	return 0;	/* attached directly by usb_bus_attach */
}

static void
usb_attach(device_t parent, device_t self, void *aux)
{
	struct usb_softc *sc = device_private(self);
	struct usb_bus *bus = aux;

	(void)parent;
	sc->sc_bus = bus;
	bus->ub_dev = self;
	aprint_normal(self, "USB bus, %u root hub port%s",
	    bus->ub_roothub->uh_nports,
	    bus->ub_roothub->uh_nports == 1 ? "" : "s");
}

static void
core_free(struct usb_bus *bus)
{
	struct usb_core *uc = bus->ub_core, **pp;

	usb_tree_lock();
	for (pp = &usb_buses; *pp != NULL && *pp != uc; pp = &(*pp)->uc_next)
		continue;
	if (*pp == uc)
		*pp = uc->uc_next;
	usb_tree_unlock();
	usb_hub_fini(bus->ub_roothub);
	bus->ub_roothub->uh_bus = NULL;
	cv_destroy(&uc->uc_ecv);
	mutex_destroy(&uc->uc_elock);
	cv_destroy(&uc->uc_xcv);
	mutex_destroy(&uc->uc_xlock);
	bus->ub_core = NULL;
	kmem_free(uc, sizeof(*uc));
}

static int
usb_detach(device_t self, int flags)
{
	struct usb_softc *sc = device_private(self);
	struct usb_bus *bus = sc->sc_bus;

	(void)flags;
	if (bus->ub_core == NULL)
		return 0;
	stop_thread(bus->ub_core);
	detach_all(bus);
	core_free(bus);
	return 0;
}

/* A class driver below usbN is gone (whoever detached it). */
static int
clear_slot(struct usb_device *dev, device_t child)
{
	int found = 0;

	for (unsigned i = 0; i < 16; i++)
		if (dev->ud_drivers[i] == child) {
			dev->ud_drivers[i] = NULL;
			found = 1;
		}
	if (dev->ud_hub == NULL)
		return found;
	for (unsigned p = 1; p <= dev->ud_hub->uh_nports && !found; p++)
		if (dev->ud_hub->uh_children[p] != NULL)
			found = clear_slot(dev->ud_hub->uh_children[p], child);
	return found;
}

static void
usb_childdetached(device_t self, device_t child)
{
	struct usb_softc *sc = device_private(self);
	struct usb_hub *rh = sc->sc_bus->ub_roothub;
	int found = 0;

	if (rh->uh_children == NULL)
		return;
	usb_tree_lock();
	for (unsigned p = 1; p <= rh->uh_nports && !found; p++)
		if (rh->uh_children[p] != NULL)
			found = clear_slot(rh->uh_children[p], child);
	usb_tree_unlock();
}

static const struct cfdriver usb_cd = {
	.cd_name = "usb",
	.cd_attachto = USB_HC_ATTR,
	.cd_busattr = USB_ATTR,
	.cd_softc_size = sizeof(struct usb_softc),
	.cd_match = usb_match,
	.cd_attach = usb_attach,
	.cd_detach = usb_detach,
	.cd_childdetached = usb_childdetached,
};
CFDRIVER_DECLARE(usb_cd);

static int
bus_check(device_t hcdev, const struct usb_bus *bus)
{
	const struct cfdriver *hc = device_driver(hcdev);
	const struct usb_bus_methods *m = bus->ub_methods;
	const struct usb_hub *rh = bus->ub_roothub;

	if (hc->cd_busattr == NULL ||
	    strlen(hc->cd_busattr) != strlen(USB_HC_ATTR) ||
	    memcmp(hc->cd_busattr, USB_HC_ATTR, strlen(USB_HC_ATTR)) != 0) {
		aprint_error(hcdev, "cannot attach usb: the controller's "
		    "cd_busattr must be \"" USB_HC_ATTR "\"");
		return EINVAL;
	}
	if (m == NULL || m->ubm_dev_setup == NULL ||
	    m->ubm_dev_teardown == NULL || m->ubm_pipe_open == NULL ||
	    m->ubm_pipe_close == NULL || m->ubm_xfer_start == NULL ||
	    m->ubm_xfer_abort == NULL || m->ubm_dev_set_mps0 == NULL) {
		aprint_error(hcdev, "cannot attach usb: methods missing");
		return EINVAL;
	}
	if (rh == NULL || rh->uh_ops == NULL ||
	    rh->uh_ops->uho_port_status == NULL ||
	    rh->uh_ops->uho_port_clear == NULL ||
	    rh->uh_ops->uho_port_reset == NULL ||
	    rh->uh_ops->uho_port_disable == NULL) {
		aprint_error(hcdev, "cannot attach usb: no root hub ops");
		return EINVAL;
	}
	return 0;
}

static struct usb_core *
core_alloc(struct usb_bus *bus)
{
	struct usb_core *uc;

	if ((uc = kmem_zalloc(sizeof(*uc), KM_NOSLEEP)) == NULL)
		return NULL;
	uc->uc_bus = bus;
	mutex_init(&uc->uc_xlock, MUTEX_DEFAULT);
	cv_init(&uc->uc_xcv, "usbxfer");
	mutex_init(&uc->uc_elock, MUTEX_DEFAULT);
	cv_init(&uc->uc_ecv, "usbexp");
	bus->ub_core = uc;
	return uc;
}

int
usb_bus_attach(device_t hcdev, struct usb_bus *bus)
{
	struct usb_core *uc;
	int rv;

	if (hcdev == NULL || bus == NULL)
		return EINVAL;
	if ((rv = bus_check(hcdev, bus)) != 0)
		return rv;
	if ((uc = core_alloc(bus)) == NULL)
		return ENOMEM;
	if ((rv = usb_hub_init(bus->ub_roothub, bus, NULL)) != 0) {
		core_free(bus);
		return rv;
	}
	bus->ub_hcdev = hcdev;
	config_attach(hcdev, &usb_cd, bus, NULL);
	usb_tree_lock();
	uc->uc_next = usb_buses;
	usb_buses = uc;
	usb_tree_unlock();
	usb_hub_changed(bus->ub_roothub);
	explore_bus(bus);
	rv = kthread_create(explore_thread, uc, device_xname(bus->ub_dev),
	    KTHREAD_MUSTJOIN, &uc->uc_thread);
	if (rv != 0) {
		aprint_error(bus->ub_dev, "no explore thread (error %d): "
		    "hot plug will not be seen", rv);
		uc->uc_thread = NULL;
	}
	return 0;
}

int
usb_bus_detach(struct usb_bus *bus)
{
	if (bus == NULL || bus->ub_core == NULL)
		return 0;
	stop_thread(bus->ub_core);
	detach_all(bus);
	return config_detach(bus->ub_dev, 0);
}
