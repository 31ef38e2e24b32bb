/*
 * Fake USB devices for the fake controller: standard requests answered
 * from descriptor tables, hub class requests of fake hubs, hooks and
 * misbehaviour flags, plugging and unplugging, and the test-side
 * helpers of fakehc.h.
 */
#include <errno.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/kassert.h>
#include <kern/kmem.h>

#include "fakedev.h"
#include "fakehc.h"
#include "usb_impl.h"

struct fdev *
fdev_new(const char *name, enum usb_speed speed, const uint8_t *ddesc,
    const uint8_t *const *cfgs, const size_t *lens, unsigned ncfg)
{
	struct fdev *fd = kmem_zalloc(sizeof(*fd), KM_SLEEP);

	KASSERT(ncfg <= FH_MAXCFG);
	fd->fd_name = name;
	fd->fd_speed = speed;
	memcpy(fd->fd_ddesc, ddesc, sizeof(fd->fd_ddesc));
	fd->fd_ddesc_len = sizeof(fd->fd_ddesc);
	fd->fd_hub_depth = -1;
	for (unsigned i = 0; i < ncfg; i++)
		fdev_set_config(fd, i, cfgs[i], lens[i]);
	fd->fd_ncfg = ncfg;
	return fd;
}

void
fdev_set_config(struct fdev *fd, unsigned i, const uint8_t *cfg, size_t len)
{
	KASSERT(i < FH_MAXCFG);
	if (fd->fd_cfg[i] != NULL)
		kmem_free(fd->fd_cfg[i], fd->fd_cfglen[i] ? fd->fd_cfglen[i] : 1);
	fd->fd_cfg[i] = kmem_alloc(len ? len : 1, KM_SLEEP);
	memcpy(fd->fd_cfg[i], cfg, len);
	fd->fd_cfglen[i] = len;
	if (i >= fd->fd_ncfg)
		fd->fd_ncfg = i + 1;
}

void
fdev_free(struct fdev *fd)
{
	for (unsigned i = 0; i < FH_MAXCFG; i++)
		if (fd->fd_cfg[i] != NULL)
			kmem_free(fd->fd_cfg[i],
			    fd->fd_cfglen[i] ? fd->fd_cfglen[i] : 1);
	kmem_free(fd, sizeof(*fd));
}

struct fdev *
fdev_new_hub(const char *name, enum usb_speed speed, unsigned nports)
{
	bool ss = speed >= USB_SPEED_SUPER;
	uint8_t dd[18] = { 18, UDESC_DEVICE, 0x00, ss ? 0x03 : 0x02,
	    UDCLASS_HUB, 0, speed == USB_SPEED_HIGH ? 1 : 0, ss ? 9 : 64,
	    0x09, 0x04, 0x01, 0x20, 0x00, 0x01, 0, 0, 0, 1 };
	uint8_t cfg[31] = {
		9, UDESC_CONFIG, 25, 0, 1, 1, 0, 0xe0, 0,
		9, UDESC_INTERFACE, 0, 0, 1, UICLASS_HUB, 0, 0, 0,
		7, UDESC_ENDPOINT, 0x81, UE_INTERRUPT, 2, 0, 12,
		6, UDESC_SS_EP_COMPANION, 0, 0, 2, 0 };
	const uint8_t *cp = cfg;
	size_t len = ss ? 31 : 25;
	struct fdev *fd;

	KASSERT(nports >= 1 && nports <= FH_MAXPORTS);
	if (speed <= USB_SPEED_FULL)
		dd[7] = 8;
	cfg[2] = (uint8_t)len;
	fd = fdev_new(name, speed, dd, &cp, &len, 1);
	fd->fd_is_hub = true;
	fd->fd_nports = nports;
	return fd;
}

void
fdev_hub_put(struct fdev *hub, unsigned port, struct fdev *fd)
{
	KASSERT(hub->fd_is_hub && port >= 1 && port <= hub->fd_nports);
	hub->fd_ports[port].fp_dev = fd;
	hub->fd_ports[port].fp_change = UPS_C_CONNECT;
}

/* ---- standard requests ------------------------------------------------- */

static size_t
put(uint8_t *buf, size_t len, const void *src, size_t n)
{
	n = n < len ? n : len;
	memcpy(buf, src, n);
	return n;
}

static int
string_desc(struct fdev *fd, unsigned idx, uint8_t *buf, size_t len,
    size_t *act)
{
	static const uint8_t langs[4] = { 4, UDESC_STRING, 0x09, 0x04 };
	uint8_t s[2 + 2 * 64];
	size_t n;

	if (idx == 0) {
		*act = put(buf, len, langs, sizeof(langs));
		return 0;
	}
	if (idx > 3 || fd->fd_str[idx] == NULL)
		return EPIPE;
	n = strlen(fd->fd_str[idx]);
	n = n > 64 ? 64 : n;
	s[0] = (uint8_t)(2 + 2 * n);
	s[1] = UDESC_STRING;
	for (size_t i = 0; i < n; i++) {
		s[2 + 2 * i] = (uint8_t)fd->fd_str[idx][i];
		s[3 + 2 * i] = 0;
	}
	*act = put(buf, len, s, 2 + 2 * n);
	return 0;
}

static int
get_descriptor(struct fdev *fd, unsigned type, unsigned idx, uint8_t *buf,
    size_t len, size_t *act)
{
	switch (type) {
	case UDESC_DEVICE:
		*act = put(buf, len, fd->fd_ddesc, fd->fd_ddesc_len);
		return 0;
	case UDESC_CONFIG:
		if (idx >= fd->fd_ncfg || fd->fd_cfg[idx] == NULL)
			return EPIPE;
		*act = put(buf, len, fd->fd_cfg[idx], fd->fd_cfglen[idx]);
		return 0;
	case UDESC_STRING:
		return string_desc(fd, idx, buf, len, act);
	default:
		return EPIPE;
	}
}

static int
set_config(struct fdev *fd, unsigned v)
{
	for (unsigned i = 0; i < fd->fd_ncfg; i++)
		if (v == 0 || (fd->fd_cfglen[i] >= 6 && fd->fd_cfg[i][5] == v)) {
			fd->fd_config = (uint8_t)v;
			fd->fd_nsetconfig++;
			return 0;
		}
	return EPIPE;
}

static int
std_req(struct fdev *fd, const usb_device_request_t *req, uint8_t *buf,
    size_t len, size_t *act)
{
	unsigned v = UGETW(req->wValue);

	switch (req->bmRequestType << 8 | req->bRequest) {
	case UT_READ_DEVICE << 8 | UR_GET_DESCRIPTOR:
		return get_descriptor(fd, v >> 8, v & 0xff, buf, len, act);
	case UT_WRITE_DEVICE << 8 | UR_SET_CONFIG:
		return set_config(fd, v);
	case (UT_WRITE | UT_INTERFACE) << 8 | UR_SET_INTERFACE:
	case UT_WRITE_ENDPOINT << 8 | UR_CLEAR_FEATURE:
		return 0;
	case UT_READ_DEVICE << 8 | UR_GET_STATUS:
		*act = put(buf, len, "\0\0", 2);
		return 0;
	default:
		return EPIPE;
	}
}

/* ---- hub class requests -------------------------------------------------- */

static int
hub_desc(struct fdev *fd, unsigned type, uint8_t *buf, size_t len,
    size_t *act)
{
	bool ss = fd->fd_speed >= USB_SPEED_SUPER;
	uint8_t d[12] = { 9, UDESC_HUB, (uint8_t)fd->fd_nports,
	    0x20 /* TT think time 1 */, 0, 1, 0, 0, 0xff };

	if (type != (ss ? UDESC_SS_HUB : UDESC_HUB))
		return EPIPE;
	if (ss) {
		memset(d, 0, sizeof(d));
		d[0] = 12;
		d[1] = UDESC_SS_HUB;
		d[2] = (uint8_t)fd->fd_nports;
		d[5] = 1;
	}
	*act = put(buf, len, d, d[0]);
	return 0;
}

static int
port_status(struct fdev *fd, struct fdev_port *fp, uint8_t *buf, size_t len,
    size_t *act)
{
	bool ss = fd->fd_speed >= USB_SPEED_SUPER;
	uint16_t st = 0;
	uint8_t w[4];

	if (fp->fp_dev != NULL)
		st |= UPS_CURRENT_CONNECT;
	if (fp->fp_enabled)
		st |= UPS_PORT_ENABLED;
	if (fp->fp_powered)
		st |= ss ? UPS_SS_PORT_POWER : UPS_PORT_POWER;
	if (!ss && fp->fp_dev != NULL && fp->fp_dev->fd_speed == USB_SPEED_LOW)
		st |= UPS_LOW_SPEED;
	if (!ss && fp->fp_dev != NULL && fp->fp_dev->fd_speed == USB_SPEED_HIGH)
		st |= UPS_HIGH_SPEED;
	USETW(w, st);
	USETW(w + 2, fp->fp_change);
	*act = put(buf, len, w, 4);
	return 0;
}

static const uint16_t hub_clear_bits[32] = {
	[UHF_C_PORT_CONNECTION] = UPS_C_CONNECT,
	[UHF_C_PORT_ENABLE] = UPS_C_ENABLE,
	[UHF_C_PORT_SUSPEND] = UPS_C_SUSPEND,
	[UHF_C_PORT_OVER_CURRENT] = UPS_C_OVERCURRENT,
	[UHF_C_PORT_RESET] = UPS_C_RESET,
	[UHF_C_PORT_LINK_STATE] = UPS_C_LINK_STATE,
	[UHF_C_PORT_CONFIG_ERROR] = UPS_C_CONFIG_ERROR,
	[UHF_C_BH_PORT_RESET] = UPS_C_BH_RESET,
};

static int
port_feature(struct fakehc *fh, struct fdev_port *fp, bool set, unsigned f)
{
	if (set && f == UHF_PORT_POWER) {
		fp->fp_powered = true;
	} else if (set && f == UHF_PORT_RESET) {
		fp->fp_resets++;
		if (fp->fp_dev != NULL && !fp->fp_dev->fd_no_enable)
			fp->fp_enabled = true;
		fp->fp_change |= UPS_C_RESET;
	} else if ((set && f == UHF_PORT_LINK_STATE) ||
	    (!set && f == UHF_PORT_ENABLE)) {
		fp->fp_enabled = false;
		fp->fp_disables++;
		fakehc_event_locked(fh);
	} else if (!set && f < 32 && hub_clear_bits[f] != 0) {
		fp->fp_change &= (uint16_t)~hub_clear_bits[f];
	} else if (!set && f == UHF_PORT_POWER) {
		fp->fp_powered = false;
	} else {
		return EPIPE;
	}
	return 0;
}

static int
hub_req(struct fakehc *fh, struct fdev *fd, const usb_device_request_t *req,
    uint8_t *buf, size_t len, size_t *act)
{
	unsigned v = UGETW(req->wValue), port = UGETW(req->wIndex) & 0xff;
	struct fdev_port *fp = port >= 1 && port <= fd->fd_nports ?
	    &fd->fd_ports[port] : NULL;

	switch (req->bmRequestType << 8 | req->bRequest) {
	case UT_READ_CLASS_DEVICE << 8 | UR_GET_DESCRIPTOR:
		return hub_desc(fd, v >> 8, buf, len, act);
	case UT_READ_CLASS_DEVICE << 8 | UR_GET_STATUS:
		*act = put(buf, len, "\0\0\0\0", 4);
		return 0;
	case UT_WRITE_CLASS_DEVICE << 8 | UR_SET_HUB_DEPTH:
		if (fd->fd_speed < USB_SPEED_SUPER)
			return EPIPE;
		fd->fd_hub_depth = (int)v;
		return 0;
	case UT_READ_CLASS_OTHER << 8 | UR_GET_STATUS:
		return fp != NULL ? port_status(fd, fp, buf, len, act) : EPIPE;
	case UT_WRITE_CLASS_OTHER << 8 | UR_SET_FEATURE:
	case UT_WRITE_CLASS_OTHER << 8 | UR_CLEAR_FEATURE:
		if (fp == NULL)
			return EPIPE;
		return port_feature(fh, fp, req->bRequest == UR_SET_FEATURE, v);
	default:
		return EPIPE;
	}
}

int
fakedev_control(struct fakehc *fh, struct fdev *fd, struct usb_xfer *x)
{
	const usb_device_request_t *req = &x->ux_req;
	size_t act = 0;
	int r;

	fd->fd_nreq++;
	if (fd->fd_hang_all)
		return FH_HOLD;
	if (fd->fd_stall_all)
		return EPIPE;
	r = FH_PASS;
	if (fd->fd_hook != NULL)
		r = fd->fd_hook(fd, req, x->ux_buf, x->ux_length, &act);
	if (r == FH_PASS && fd->fd_is_hub && (req->bmRequestType & UT_CLASS))
		r = hub_req(fh, fd, req, x->ux_buf, x->ux_length, &act);
	else if (r == FH_PASS)
		r = std_req(fd, req, x->ux_buf, x->ux_length, &act);
	x->ux_actlen = act;
	return r;
}

int
fakedev_hub_status(struct fakehc *fh, struct fdev *fd, struct usb_xfer *x)
{
	uint8_t map[2] = { 0, 0 };
	bool any = false;

	(void)fh;
	for (unsigned p = 1; p <= fd->fd_nports; p++)
		if (fd->fd_ports[p].fp_change != 0) {
			map[p / 8] |= (uint8_t)(1U << (p % 8));
			any = true;
		}
	if (!any) {
		fd->fd_status_x = x;
		return FH_HOLD;
	}
	x->ux_actlen = put(x->ux_buf, x->ux_length, map,
	    (fd->fd_nports + 8) / 8);
	return 0;
}

/* ---- plugging ------------------------------------------------------------ */

static void
mark_gone(struct fdev *fd)
{
	fd->fd_gone = true;
	if (fd->fd_is_hub)
		for (unsigned p = 1; p <= fd->fd_nports; p++)
			if (fd->fd_ports[p].fp_dev != NULL)
				mark_gone(fd->fd_ports[p].fp_dev);
}

static void
port_changed(struct fakehc *fh, struct fdev *hub)
{
	if (hub == NULL)
		usb_hub_changed(&fh->fh_roothub);
	else
		fakehc_hub_poke(fh, hub);
}

void
fakehc_plug(struct fakehc *fh, struct fdev *hub, unsigned port,
    struct fdev *fd)
{
	struct fdev_port *fp = hub != NULL ? &hub->fd_ports[port] :
	    &fh->fh_ports[port];

	mutex_enter(&fh->fh_lock);
	fp->fp_dev = fd;
	fp->fp_enabled = false;
	fp->fp_change |= UPS_C_CONNECT;
	fd->fd_gone = false;
	fd->fd_addr = 0;
	fd->fd_config = 0;
	port_changed(fh, hub);
	mutex_exit(&fh->fh_lock);
}

void
fakehc_unplug(struct fakehc *fh, struct fdev *hub, unsigned port)
{
	struct fdev_port *fp = hub != NULL ? &hub->fd_ports[port] :
	    &fh->fh_ports[port];

	mutex_enter(&fh->fh_lock);
	if (fp->fp_dev != NULL)
		mark_gone(fp->fp_dev);
	fp->fp_dev = NULL;
	fp->fp_enabled = false;
	fp->fp_change |= UPS_C_CONNECT;
	port_changed(fh, hub);
	mutex_exit(&fh->fh_lock);
}

/* ---- test helpers -------------------------------------------------------- */

bool
fakehc_complete(struct fakehc *fh, struct usb_pipe *pipe, int status,
    const void *data, size_t len)
{
	struct usb_xfer *x, **pp;
	struct fdev *fd;

	mutex_enter(&fh->fh_lock);
	for (pp = &fh->fh_held; (x = *pp) != NULL;
	    pp = (struct usb_xfer **)&x->ux_hcpriv)
		if (x->ux_pipe == pipe)
			break;
	if (x == NULL) {
		mutex_exit(&fh->fh_lock);
		return false;
	}
	*pp = x->ux_hcpriv;
	x->ux_hcpriv = NULL;
	x->ux_hcdata[0] = 0;
	fd = x->ux_pipe->up_dev->ud_hcpriv;
	if (fd != NULL && fd->fd_status_x == x)
		fd->fd_status_x = NULL;
	mutex_exit(&fh->fh_lock);
	len = len < x->ux_length ? len : x->ux_length;
	if (data != NULL && len > 0)
		memcpy(x->ux_buf, data, len);
	x->ux_actlen = data != NULL ? len : 0;
	x->ux_status = status;
	usb_xfer_done(x);
	return true;
}

struct usb_pipe *
fakehc_held_pipe(struct fakehc *fh, struct usb_device *dev)
{
	struct usb_pipe *p = NULL;

	mutex_enter(&fh->fh_lock);
	for (struct usb_xfer *x = fh->fh_held; x != NULL && p == NULL;
	    x = x->ux_hcpriv)
		if (x->ux_pipe->up_dev == dev)
			p = x->ux_pipe;
	mutex_exit(&fh->fh_lock);
	return p;
}

unsigned
fakehc_nheld(struct fakehc *fh)
{
	unsigned n = 0;

	mutex_enter(&fh->fh_lock);
	for (struct usb_xfer *x = fh->fh_held; x != NULL; x = x->ux_hcpriv)
		n++;
	mutex_exit(&fh->fh_lock);
	return n;
}

bool
fakehc_wait(struct fakehc *fh, bool (*fn)(struct fakehc *, void *),
    void *arg, unsigned ms)
{
	uint64_t deadline = kclock_ns() + (uint64_t)ms * 1000000ULL;
	bool ok;

	mutex_enter(&fh->fh_lock);
	while (!(ok = fn(fh, arg)) && kclock_ns() < deadline)
		(void)cv_timedwait_ns(&fh->fh_evcv, &fh->fh_lock, 300000ULL);
	mutex_exit(&fh->fh_lock);
	return ok;
}

struct usb_device *
fakehc_udev(struct fakehc *fh, unsigned rootport, unsigned hubport)
{
	struct usb_device *dev;

	usb_tree_lock();
	dev = fh->fh_roothub.uh_children != NULL ?
	    fh->fh_roothub.uh_children[rootport] : NULL;
	if (dev != NULL && hubport != 0)
		dev = dev->ud_hub != NULL ? dev->ud_hub->uh_children[hubport] :
		    NULL;
	usb_tree_unlock();
	return dev;
}
