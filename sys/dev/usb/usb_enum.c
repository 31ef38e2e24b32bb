/*
 * Enumeration: what the explore thread does with the ports of a hub.
 * A port with a new connection is debounced, reset through the hub's
 * ops, and the device on it addressed (ubm_dev_setup), its device
 * descriptor read (8 bytes for ep0's packet size, then all 18) and its
 * configurations fetched and checked (usb_desc.c). The configuration
 * chosen is the first one with an interface some class driver wants
 * (config_match on usbN), else the first; after SET_CONFIGURATION each
 * interface nobody claimed yet is offered to the class drivers.
 *
 * A device that fails any step is reported with its port (and address
 * when it has one), torn down and its port disabled; the port is tried
 * again USB_ENUM_RETRIES times in all, then left alone until the
 * device is unplugged. Other ports are not held up by it.
 *
 * A port whose device went away (no connection, or a new connection
 * reported by the hub) has that device detached, with everything
 * behind it when it is a hub: usb_dev_detach marks them all ud_gone
 * (I/O fails ENODEV), aborts their transfers, detaches their drivers
 * (deepest first), closes leftover pipes and tears them down.
 *
 * Only the explore thread (or usb_bus_attach/detach, which run when
 * it does not) calls these; uh_children and ud_drivers are written
 * under usb_tree_mtx so that usb_list can read them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/device.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>

#include "usb_impl.h"

unsigned usb_debounce_ms = USB_DEBOUNCE_MS;

struct enum_ctx {
	struct usb_hub *ec_hub;
	unsigned ec_port;
	struct usb_device *ec_dev;
	bool ec_setup;			/* ubm_dev_setup succeeded */
	uint8_t *ec_cfg[USB_MAX_CONFIGS];
	size_t ec_cfglen[USB_MAX_CONFIGS];
	char ec_why[96];
};

const char *
usb_errstr(int rv, char *buf, size_t len)
{
	switch (rv) {
	case EPIPE:
		return "stalled";
	case ETIMEDOUT:
		return "timed out";
	case ENODEV:
		return "device gone";
	case EIO:
		return "transaction error";
	case ENOMEM:
		return "out of memory";
	default:
		ksnprintf(buf, len, "error %d", rv);
		return buf;
	}
}

static int
why(struct enum_ctx *ec, int rv, const char *fmt, ...)
    __attribute__((__format__(__printf__, 3, 4)));

static int
why(struct enum_ctx *ec, int rv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(ec->ec_why, sizeof(ec->ec_why), fmt, ap);
	va_end(ap);
	return rv;
}

/* "what: stalled" for a request that failed with rv. */
static int
why_req(struct enum_ctx *ec, int rv, const char *what)
{
	char b[16];

	return why(ec, rv, "%s: %s", what, usb_errstr(rv, b, sizeof(b)));
}

void
usb_interface_claim(struct usb_device *dev, unsigned ifaceno)
{
	if (ifaceno < USB_MAX_IFACES)
		dev->ud_claimed |= 1U << ifaceno;
}

/* ---- the new device ---------------------------------------------------- */

static void
dev_place(struct usb_device *dev, struct usb_hub *hub, unsigned port)
{
	struct usb_device *up = hub->uh_dev;
	unsigned nib = port > 15 ? 15 : port;

	dev->ud_bus = hub->uh_bus;
	dev->ud_parent = up;
	dev->ud_port = port;
	if (up == NULL) {
		dev->ud_rootport = port;
		ksnprintf(dev->ud_where, sizeof(dev->ud_where), "%s port %u",
		    device_xname(hub->uh_bus->ub_dev), port);
		return;
	}
	dev->ud_rootport = up->ud_rootport;
	dev->ud_depth = up->ud_depth + 1;
	dev->ud_route = up->ud_route | (uint32_t)nib << (4 * up->ud_depth);
	ksnprintf(dev->ud_where, sizeof(dev->ud_where), "%s.%u",
	    up->ud_where, port);
	if (dev->ud_speed != USB_SPEED_LOW && dev->ud_speed != USB_SPEED_FULL)
		return;
	if (up->ud_speed == USB_SPEED_HIGH) {
		dev->ud_tt_hub = up;
		dev->ud_tt_port = port;
	} else {
		dev->ud_tt_hub = up->ud_tt_hub;
		dev->ud_tt_port = up->ud_tt_port;
	}
}

static unsigned
initial_mps0(enum usb_speed speed)
{
	switch (speed) {
	case USB_SPEED_HIGH:
		return 64;
	case USB_SPEED_SUPER:
	case USB_SPEED_SUPER_PLUS:
		return 512;
	default:
		return 8;
	}
}

/* ep0's packet size from bMaxPacketSize, or 0 if wrong for speed. */
static unsigned
real_mps0(enum usb_speed speed, uint8_t b)
{
	if (speed >= USB_SPEED_SUPER)
		return b == 9 ? 512 : 0;
	if (speed == USB_SPEED_LOW)
		return b == 8 ? 8 : 0;
	return (b == 8 || b == 16 || b == 32 || b == 64) ? b : 0;
}

static int
read_ddesc(struct enum_ctx *ec)
{
	struct usb_device *dev = ec->ec_dev;
	usb_device_descriptor_t dd;
	const char *w;
	unsigned mps;
	size_t act;
	int rv;

	memset(&dd, 0, sizeof(dd));
	rv = usb_get_descriptor(dev, UDESC_DEVICE, 0, 0, &dd, 8, &act);
	if (rv != 0)
		return why_req(ec, rv, "device descriptor");
	if (act < 8)
		return why(ec, EIO, "device descriptor: short (%zu bytes)", act);
	if (dd.bDescriptorType != UDESC_DEVICE || dd.bLength < 8)
		return why(ec, EIO, "device descriptor: not one (type %u)",
		    dd.bDescriptorType);
	if ((mps = real_mps0(dev->ud_speed, dd.bMaxPacketSize)) == 0)
		return why(ec, EIO, "device descriptor: bad ep0 max packet "
		    "size %u", dd.bMaxPacketSize);
	if (mps != dev->ud_pipe0->up_mps) {
		rv = dev->ud_bus->ub_methods->ubm_dev_set_mps0(dev, mps);
		if (rv != 0)
			return why_req(ec, rv, "setting ep0 max packet size");
		dev->ud_pipe0->up_mps = (uint16_t)mps;
	}
	rv = usb_get_descriptor(dev, UDESC_DEVICE, 0, 0, &dd, sizeof(dd), &act);
	if (rv != 0)
		return why_req(ec, rv, "device descriptor");
	if (act < sizeof(dd))
		return why(ec, EIO, "device descriptor: short (%zu bytes)", act);
	if (usb_desc_check_device(&dd, act, &w) != 0)
		return why(ec, EIO, "device descriptor: %s", w);
	if (real_mps0(dev->ud_speed, dd.bMaxPacketSize) != mps)
		return why(ec, EIO, "device descriptor: ep0 max packet size "
		    "changed");
	dev->ud_ddesc = dd;
	return 0;
}

/* Configuration idx into ec_cfg[idx]; 0, or why it is unusable. */
static int
fetch_config(struct enum_ctx *ec, unsigned idx)
{
	struct usb_device *dev = ec->ec_dev;
	usb_config_descriptor_t cd;
	const char *w;
	size_t act, total;
	uint8_t *buf;
	int rv;

	rv = usb_get_descriptor(dev, UDESC_CONFIG, (uint8_t)idx, 0, &cd,
	    sizeof(cd), &act);
	if (rv != 0)
		return why_req(ec, rv, "configuration");
	if (act < sizeof(cd))
		return why(ec, EIO, "configuration: short (%zu bytes)", act);
	total = UGETW(cd.wTotalLength);
	if (cd.bDescriptorType != UDESC_CONFIG || total < sizeof(cd))
		return why(ec, EIO, "configuration: bad header");
	if (total > USB_CONFIG_MAXLEN)
		return why(ec, EIO, "configuration: too long (%zu bytes)", total);
	if ((buf = kmem_alloc(total, KM_NOSLEEP)) == NULL)
		return why(ec, ENOMEM, "configuration: out of memory");
	rv = usb_get_descriptor(dev, UDESC_CONFIG, (uint8_t)idx, 0, buf, total,
	    &act);
	if (rv == 0 && act != total)
		rv = why(ec, EIO, "configuration: short (%zu of %zu bytes)",
		    act, total);
	else if (rv != 0)
		why_req(ec, rv, "configuration");
	else if (usb_desc_check_config(buf, total, &w) != 0)
		rv = why(ec, EIO, "configuration: %s", w);
	if (rv != 0) {
		kmem_free(buf, total);
		return rv;
	}
	ec->ec_cfg[idx] = buf;
	ec->ec_cfglen[idx] = total;
	return 0;
}

/* Every configuration; at least one must be good. */
static int
fetch_configs(struct enum_ctx *ec)
{
	unsigned n = ec->ec_dev->ud_ddesc.bNumConfigurations;
	unsigned good = 0;
	int rv = 0;

	if (n > USB_MAX_CONFIGS)
		n = USB_MAX_CONFIGS;
	for (unsigned i = 0; i < n; i++) {
		if ((rv = fetch_config(ec, i)) == 0) {
			good++;
			continue;
		}
		if (rv == ENODEV || rv == ENOMEM)
			return rv;
		if (n > 1)
			klog(LOG_WARNING, "%s: configuration %u skipped: %s",
			    ec->ec_dev->ud_where, i, ec->ec_why);
	}
	if (good == 0)
		return rv != 0 ? rv : why(ec, EIO, "no usable configuration");
	return 0;
}

/* The next interface descriptor with alt setting 0 after *offp. */
static const usb_interface_descriptor_t *
next_iface0(const uint8_t *cfg, size_t len, size_t *offp)
{
	const usb_interface_descriptor_t *id;
	size_t off = *offp;

	off = off == 0 ? cfg[0] : off + cfg[off];
	for (; off + 2 <= len; off += cfg[off]) {
		id = (const void *)(cfg + off);
		if (id->bDescriptorType == UDESC_INTERFACE &&
		    id->bAlternateSetting == 0) {
			*offp = off;
			return id;
		}
	}
	return NULL;
}

static void
uaa_fill(struct usb_attach_arg *uaa, struct usb_device *dev,
    const usb_interface_descriptor_t *id)
{
	memset(uaa, 0, sizeof(*uaa));
	uaa->uaa_dev = dev;
	uaa->uaa_ifaceno = id->bInterfaceNumber;
	uaa->uaa_idesc = id;
	uaa->uaa_vendor = UGETW(dev->ud_ddesc.idVendor);
	uaa->uaa_product = UGETW(dev->ud_ddesc.idProduct);
	uaa->uaa_release = UGETW(dev->ud_ddesc.bcdDevice);
	uaa->uaa_class = id->bInterfaceClass;
	uaa->uaa_subclass = id->bInterfaceSubClass;
	uaa->uaa_proto = id->bInterfaceProtocol;
}

static bool
config_wanted(struct enum_ctx *ec, unsigned i)
{
	const usb_interface_descriptor_t *id;
	struct usb_attach_arg uaa;
	size_t off = 0;

	while ((id = next_iface0(ec->ec_cfg[i], ec->ec_cfglen[i], &off))) {
		uaa_fill(&uaa, ec->ec_dev, id);
		if (config_match(ec->ec_dev->ud_bus->ub_dev, &uaa) != NULL)
			return true;
	}
	return false;
}

/* Index of the configuration to use. */
static unsigned
choose_config(struct enum_ctx *ec)
{
	unsigned first = USB_MAX_CONFIGS;

	for (unsigned i = 0; i < USB_MAX_CONFIGS; i++) {
		if (ec->ec_cfg[i] == NULL)
			continue;
		if (first == USB_MAX_CONFIGS)
			first = i;
		if (config_wanted(ec, i))
			return i;
	}
	return first;
}

static int
set_config(struct enum_ctx *ec)
{
	struct usb_device *dev = ec->ec_dev;
	unsigned i = choose_config(ec);
	const usb_config_descriptor_t *cd;
	usb_device_request_t req;
	int rv;

	KASSERT(i < USB_MAX_CONFIGS);
	cd = (const void *)ec->ec_cfg[i];
	req.bmRequestType = UT_WRITE_DEVICE;
	req.bRequest = UR_SET_CONFIG;
	USETW(req.wValue, cd->bConfigurationValue);
	USETW(req.wIndex, 0);
	USETW(req.wLength, 0);
	if ((rv = usb_control(dev, &req, NULL, NULL, 0)) != 0)
		return why_req(ec, rv, "set configuration");
	dev->ud_cdesc = (void *)ec->ec_cfg[i];
	dev->ud_cdesc_len = ec->ec_cfglen[i];
	ec->ec_cfg[i] = NULL;
	return 0;
}

static void
free_configs(struct enum_ctx *ec)
{
	for (unsigned i = 0; i < USB_MAX_CONFIGS; i++)
		if (ec->ec_cfg[i] != NULL)
			kmem_free(ec->ec_cfg[i], ec->ec_cfglen[i]);
	memset(ec->ec_cfg, 0, sizeof(ec->ec_cfg));
}

/* ---- strings (optional: failures leave them empty) ----------------------- */

static uint16_t
pick_langid(struct usb_device *dev)
{
	uint8_t buf[255];
	uint16_t first = 0;
	size_t act, n;

	if (usb_get_descriptor(dev, UDESC_STRING, 0, 0, buf, sizeof(buf),
	    &act) != 0 || act < 4 || buf[1] != UDESC_STRING || buf[0] < 4)
		return 0;
	n = (buf[0] < act ? buf[0] : act) / 2;
	for (size_t i = 1; i < n; i++) {
		uint16_t id = (uint16_t)(buf[2 * i] | buf[2 * i + 1] << 8);

		if (id == USB_LANGID_EN_US)
			return id;
		if (first == 0)
			first = id;
	}
	return first;
}

/* String idx as printable ASCII into out (len >= 1); "" on failure. */
static void
read_string(struct usb_device *dev, uint8_t idx, uint16_t langid, char *out,
    size_t len)
{
	uint8_t buf[255];
	size_t act, n, o = 0;

	out[0] = '\0';
	if (idx == 0 || usb_get_descriptor(dev, UDESC_STRING, idx, langid,
	    buf, sizeof(buf), &act) != 0 || act < 2 ||
	    buf[1] != UDESC_STRING)
		return;
	n = (buf[0] < act ? buf[0] : act) / 2;
	for (size_t i = 1; i < n && o + 1 < len; i++) {
		uint16_t c = (uint16_t)(buf[2 * i] | buf[2 * i + 1] << 8);

		if (c == 0)
			break;
		out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static void
read_strings(struct usb_device *dev)
{
	const usb_device_descriptor_t *dd = &dev->ud_ddesc;
	uint16_t langid;

	if (dd->iManufacturer == 0 && dd->iProduct == 0)
		return;
	if ((langid = pick_langid(dev)) == 0)
		return;
	read_string(dev, dd->iManufacturer, langid, dev->ud_vendor,
	    sizeof(dev->ud_vendor));
	read_string(dev, dd->iProduct, langid, dev->ud_product,
	    sizeof(dev->ud_product));
}

/* ---- class drivers ------------------------------------------------------ */

static void
usb_print(void *aux, const char *pnp, char *buf, size_t len)
{
	struct usb_attach_arg *uaa = aux;
	struct usb_device *dev = uaa->uaa_dev;
	const char *where = dev->ud_where;

	/* ud_where starts with the bus name, which pnp/"at" already gave */
	while (*where != '\0' && *where != ' ')
		where++;
	if (pnp == NULL)
		ksnprintf(buf, len, "%s addr %u iface %u", where, dev->ud_addr,
		    uaa->uaa_ifaceno);
	else
		ksnprintf(buf, len, "%04x:%04x class %02x/%02x/%02x at %s%s "
		    "iface %u", uaa->uaa_vendor, uaa->uaa_product,
		    uaa->uaa_class, uaa->uaa_subclass, uaa->uaa_proto, pnp,
		    where, uaa->uaa_ifaceno);
}

static void
driver_add(struct usb_device *dev, device_t d)
{
	usb_tree_lock();
	for (unsigned i = 0; i < 16; i++)
		if (dev->ud_drivers[i] == NULL) {
			dev->ud_drivers[i] = d;
			d = NULL;
			break;
		}
	usb_tree_unlock();
	if (d != NULL)
		klog(LOG_WARNING, "%s: more than 16 drivers; %s not tracked",
		    dev->ud_where, device_xname(d));
}

static void
attach_drivers(struct usb_device *dev)
{
	const usb_interface_descriptor_t *id;
	struct usb_attach_arg uaa;
	size_t off = 0;
	unsigned n;
	device_t d;

	while ((id = next_iface0((const uint8_t *)dev->ud_cdesc,
	    dev->ud_cdesc_len, &off)) != NULL && !dev->ud_gone) {
		n = id->bInterfaceNumber;
		if (n >= USB_MAX_IFACES) {
			klog(LOG_WARNING, "%s: interface %u ignored",
			    dev->ud_where, n);
			continue;
		}
		if (dev->ud_claimed & (1U << n))
			continue;
		uaa_fill(&uaa, dev, id);
		dev->ud_claimed |= 1U << n;
		if ((d = config_found(dev->ud_bus->ub_dev, &uaa, usb_print)))
			driver_add(dev, d);
		else
			dev->ud_claimed &= ~(1U << n);
	}
}

/* ---- one port ------------------------------------------------------------ */

/* Connected for usb_debounce_ms without a change? (bounded: 5 tries) */
static bool
debounce(struct usb_hub *hub, unsigned port)
{
	const struct usb_hub_ops *ops = hub->uh_ops;
	struct usb_port_status ps;

	for (int tries = 0; tries < 5; tries++) {
		if (usb_debounce_ms > 0)
			usb_delay_ms(usb_debounce_ms);
		if (ops->uho_port_status(hub, port, &ps) != 0 ||
		    !(ps.ps_status & UPS_CURRENT_CONNECT))
			return false;
		if (!(ps.ps_change & UPS_C_CONNECT))
			return true;
		(void)ops->uho_port_clear(hub, port, UPS_C_CONNECT);
	}
	return false;
}

static int
dev_new(struct enum_ctx *ec)
{
	struct usb_hub *hub = ec->ec_hub;
	struct usb_port_status ps;
	struct usb_device *dev;
	int rv;

	memset(&ps, 0, sizeof(ps));
	if ((rv = hub->uh_ops->uho_port_reset(hub, ec->ec_port, &ps)) != 0)
		return why_req(ec, rv, "port reset");
	if (!(ps.ps_status & UPS_PORT_ENABLED))
		return why(ec, EIO, "port reset: port not enabled");
	if (hub->uh_dev != NULL && hub->uh_dev->ud_depth + 1 > USB_MAX_DEPTH)
		return why(ec, EIO, "too many hub tiers");
	if ((dev = kmem_zalloc(sizeof(*dev), KM_NOSLEEP)) == NULL)
		return why(ec, ENOMEM, "out of memory");
	dev->ud_speed = ps.ps_speed;
	dev_place(dev, hub, ec->ec_port);
	ec->ec_dev = dev;
	if ((rv = usb_pipe0_alloc(dev, initial_mps0(dev->ud_speed))) != 0)
		return why(ec, rv, "out of memory");
	rv = dev->ud_bus->ub_methods->ubm_dev_setup(dev,
	    initial_mps0(dev->ud_speed));
	if (rv != 0)
		return why_req(ec, rv, "set address");
	ec->ec_setup = true;
	return 0;
}

static void
dev_free(struct usb_device *dev)
{
	usb_pipe0_free(dev);
	if (dev->ud_cdesc != NULL)
		kmem_free(dev->ud_cdesc, dev->ud_cdesc_len);
	kmem_free(dev, sizeof(*dev));
}

/* Enumeration failed: say so, undo, disable the port. */
static void
enum_fail(struct enum_ctx *ec, int rv)
{
	struct usb_hub *hub = ec->ec_hub;
	struct usb_device *dev = ec->ec_dev;
	unsigned tries = ++hub->uh_retries[ec->ec_port];
	char where[sizeof(dev->ud_where)], addr[16] = "";

	if (dev != NULL) {
		memcpy(where, dev->ud_where, sizeof(where));
		if (ec->ec_setup)
			ksnprintf(addr, sizeof(addr), " (addr %u)", dev->ud_addr);
		if (ec->ec_setup)
			dev->ud_bus->ub_methods->ubm_dev_teardown(dev);
		dev_free(dev);
	} else if (hub->uh_dev == NULL) {
		ksnprintf(where, sizeof(where), "%s port %u",
		    device_xname(hub->uh_bus->ub_dev), ec->ec_port);
	} else {
		ksnprintf(where, sizeof(where), "%s.%u", hub->uh_dev->ud_where,
		    ec->ec_port);
	}
	free_configs(ec);
	if (tries >= USB_ENUM_RETRIES || rv == ENODEV)
		klog(LOG_ERR, "%s: %s, giving up%s", where, ec->ec_why, addr);
	else
		klog(LOG_WARNING, "%s: %s, retrying%s", where, ec->ec_why, addr);
	if (rv == ENODEV)
		hub->uh_retries[ec->ec_port] = USB_ENUM_RETRIES;
	(void)hub->uh_ops->uho_port_disable(hub, ec->ec_port);
}

static void
dev_attached(struct usb_hub *hub, unsigned port, struct usb_device *dev)
{
	char line[KLOG_LINEMAX];

	usb_tree_lock();
	hub->uh_children[port] = dev;
	usb_core_of(dev)->uc_ndevs++;
	usb_tree_unlock();
	attach_drivers(dev);
	usb_list_line(dev, line, sizeof(line));
	klog(LOG_INFO, "%s", line);
}

/* A new device on hub's port; false if it failed. */
static bool
enumerate(struct usb_hub *hub, unsigned port)
{
	struct enum_ctx ec;
	int rv;

	memset(&ec, 0, sizeof(ec));
	ec.ec_hub = hub;
	ec.ec_port = port;
	if ((rv = dev_new(&ec)) != 0 || (rv = read_ddesc(&ec)) != 0 ||
	    (rv = fetch_configs(&ec)) != 0 || (rv = set_config(&ec)) != 0) {
		enum_fail(&ec, rv);
		return false;
	}
	free_configs(&ec);
	read_strings(ec.ec_dev);
	hub->uh_retries[port] = 0;
	dev_attached(hub, port, ec.ec_dev);
	return true;
}

static void
port_overcurrent(struct usb_hub *hub, unsigned port,
    const struct usb_port_status *ps)
{
	const char *what = (ps->ps_status & UPS_OVERCURRENT) ?
	    "over-current" : "over-current ended";

	if (hub->uh_dev == NULL)
		klog(LOG_WARNING, "%s port %u: %s",
		    device_xname(hub->uh_bus->ub_dev), port, what);
	else
		klog(LOG_WARNING, "%s.%u: %s", hub->uh_dev->ud_where, port,
		    what);
}

/* Look at one port; true if it wants another look (a retry). */
static bool
explore_port(struct usb_hub *hub, unsigned port)
{
	const struct usb_hub_ops *ops = hub->uh_ops;
	struct usb_device *child = hub->uh_children[port];
	struct usb_port_status ps;
	bool connected;

	memset(&ps, 0, sizeof(ps));
	if (ops->uho_port_status(hub, port, &ps) != 0)
		return false;
	if (ps.ps_change != 0)
		(void)ops->uho_port_clear(hub, port, ps.ps_change);
	connected = (ps.ps_status & UPS_CURRENT_CONNECT) != 0;
	if (ps.ps_change & UPS_C_OVERCURRENT)
		port_overcurrent(hub, port, &ps);
	if (child != NULL && (!connected || (ps.ps_change & UPS_C_CONNECT))) {
		usb_dev_detach(child, false);
		child = NULL;
	}
	if (!connected || (ps.ps_change & UPS_C_CONNECT))
		hub->uh_retries[port] = 0;
	if (!connected || child != NULL ||
	    hub->uh_retries[port] >= USB_ENUM_RETRIES)
		return false;
	if (!debounce(hub, port))
		return false;
	return !enumerate(hub, port) &&
	    hub->uh_retries[port] < USB_ENUM_RETRIES;
}

void
usb_hub_explore(struct usb_hub *hub)
{
	bool again = false;

	if (hub->uh_dev != NULL && hub->uh_dev->ud_gone)
		return;
	for (unsigned p = 1; p <= hub->uh_nports; p++)
		if (explore_port(hub, p))
			again = true;
	if (hub->uh_dev != NULL)
		uhub_explore_hook(hub);
	if (again)
		usb_hub_changed(hub);
}

/* ---- detach -------------------------------------------------------------- */

static void
mark_gone(struct usb_device *dev)
{
	struct usb_core *uc = usb_core_of(dev);

	mutex_enter(&uc->uc_xlock);
	dev->ud_gone = true;
	mutex_exit(&uc->uc_xlock);
	if (dev->ud_hub != NULL)
		for (unsigned p = 1; p <= dev->ud_hub->uh_nports; p++)
			if (dev->ud_hub->uh_children[p] != NULL)
				mark_gone(dev->ud_hub->uh_children[p]);
}

static void
abort_tree(struct usb_device *dev)
{
	usb_dev_abort_all(dev);
	if (dev->ud_hub != NULL)
		for (unsigned p = 1; p <= dev->ud_hub->uh_nports; p++)
			if (dev->ud_hub->uh_children[p] != NULL)
				abort_tree(dev->ud_hub->uh_children[p]);
}

/* Detach dev's drivers, last attached first; false if one refused. */
static bool
detach_drivers(struct usb_device *dev)
{
	device_t d;
	int rv;

	for (int i = 15; i >= 0; i--) {
		if ((d = dev->ud_drivers[i]) == NULL)
			continue;
		if ((rv = config_detach(d, DETACH_FORCE)) != 0) {
			klog(LOG_ERR, "%s: %s refused to detach (error %d); "
			    "the device is abandoned", dev->ud_where,
			    device_xname(d), rv);
			return false;
		}
		dev->ud_drivers[i] = NULL;	/* childdetached did it too */
	}
	return true;
}

static void
unlink_child(struct usb_device *dev)
{
	struct usb_hub *hub = dev->ud_parent != NULL ?
	    dev->ud_parent->ud_hub : dev->ud_bus->ub_roothub;

	usb_tree_lock();
	if (hub != NULL && hub->uh_children[dev->ud_port] == dev)
		hub->uh_children[dev->ud_port] = NULL;
	usb_core_of(dev)->uc_ndevs--;
	usb_tree_unlock();
}

static void
detach_tree(struct usb_device *dev, bool quiet)
{
	char names[64];
	bool ok;

	if (dev->ud_hub != NULL)
		for (unsigned p = 1; p <= dev->ud_hub->uh_nports; p++)
			if (dev->ud_hub->uh_children[p] != NULL)
				detach_tree(dev->ud_hub->uh_children[p], quiet);
	usb_driver_names(dev, names, sizeof(names));
	ok = detach_drivers(dev);
	unlink_child(dev);
	if (!quiet)
		klog(LOG_INFO, "%s: detached (%s)", dev->ud_where, names);
	if (!ok)
		return;		/* a driver still points at it: leak it */
	usb_dev_close_pipes(dev);
	dev->ud_bus->ub_methods->ubm_dev_teardown(dev);
	dev_free(dev);
}

void
usb_dev_detach(struct usb_device *dev, bool quiet)
{
	mark_gone(dev);
	abort_tree(dev);
	detach_tree(dev, quiet);
}
