/*
 * The fake USB core of the class driver tests (fakeusb.h): the bus,
 * fake devices, their control requests (answered at once and logged).
 * Pipes and transfers are in fakeusb_pipe.c.
 *
 * fk_lock (a spin hypercall mutex) guards every pipe's pending list,
 * the transfers' ux_state, the request logs and the counters. It is
 * never held while a driver's ux_done runs. ux_state: FK_QUEUED while
 * on a pending list, FK_ABORTING while usb_xfer_abort runs (a resubmit
 * from the callback then fails with ECANCELED, as in the real core).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rump/rumpuser.h>

#include <dev/usb/usb.h>
#include <dev/usb/usbdi.h>
#include <kern/device.h>
#include <kern/klog.h>

#include "fakeusb_impl.h"
#include "ut.h"

static struct rumpuser_mtx *fk_lock;
unsigned fk_outstanding;
static device_t fakeusb_dev;

void
fk_enter(void)
{
	rumpuser_mutex_enter_nowrap(fk_lock);
}

void
fk_exit(void)
{
	rumpuser_mutex_exit(fk_lock);
}

/* ---- the fake bus --------------------------------------------------------- */

static int
fakeusb_match(device_t parent, void *aux)
{
	(void)parent;
	(void)aux;
	return 1;
}

static void
fakeusb_attach_bus(device_t parent, device_t self, void *aux)
{
	(void)parent;
	(void)aux;
	rumpuser_mutex_init(&fk_lock, RUMPUSER_MTX_SPIN);
	fakeusb_dev = self;
	aprint_normal(self, "fake USB bus");
}

static const struct cfdriver fakeusb_cd = {
	.cd_name = "fakeusb",
	.cd_attachto = "mainbus",
	.cd_busattr = USB_ATTR,
	.cd_match = fakeusb_match,
	.cd_attach = fakeusb_attach_bus,
};
CFDRIVER_DECLARE(fakeusb_cd);

static void
fake_print(void *aux, const char *pnp, char *buf, size_t len)
{
	struct usb_attach_arg *uaa = aux;

	if (pnp != NULL)
		snprintf(buf, len, "class %02x/%02x/%02x at %s iface %u",
		    uaa->uaa_class, uaa->uaa_subclass, uaa->uaa_proto, pnp,
		    uaa->uaa_ifaceno);
	else
		snprintf(buf, len, " iface %u", uaa->uaa_ifaceno);
}

/* ---- configuration descriptors -------------------------------------------- */

void
fake_cfg_init(struct fake_cfg *fc)
{
	usb_config_descriptor_t *cd = (void *)fc->fc_buf;

	memset(fc, 0, sizeof(*fc));
	cd->bLength = sizeof(*cd);
	cd->bDescriptorType = UDESC_CONFIG;
	cd->bConfigurationValue = 1;
	cd->bmAttributes = 0x80;
	fc->fc_len = sizeof(*cd);
}

void
fake_cfg_raw(struct fake_cfg *fc, const void *d, size_t len)
{
	if (fc->fc_len + len > sizeof(fc->fc_buf))
		abort();
	memcpy(fc->fc_buf + fc->fc_len, d, len);
	fc->fc_len += len;
}

void
fake_cfg_iface(struct fake_cfg *fc, uint8_t no, uint8_t alt, uint8_t nep,
    uint8_t cls, uint8_t sub, uint8_t proto)
{
	usb_interface_descriptor_t id = {
		sizeof(id), UDESC_INTERFACE, no, alt, nep, cls, sub, proto, 0,
	};

	fake_cfg_raw(fc, &id, sizeof(id));
}

void
fake_cfg_ep(struct fake_cfg *fc, uint8_t addr, uint8_t type, uint16_t mps,
    uint8_t interval)
{
	usb_endpoint_descriptor_t ed = {
		sizeof(ed), UDESC_ENDPOINT, addr, type, { 0, 0 }, interval,
	};

	USETW(ed.wMaxPacketSize, mps);
	fake_cfg_raw(fc, &ed, sizeof(ed));
}

void
fake_cfg_done(struct fake_cfg *fc)
{
	usb_config_descriptor_t *cd = (void *)fc->fc_buf;
	unsigned n = 0;

	USETW(cd->wTotalLength, fc->fc_len);
	for (size_t off = cd->bLength; off + 4 <= fc->fc_len;
	    off += fc->fc_buf[off]) {
		if (fc->fc_buf[off + 1] == UDESC_INTERFACE &&
		    fc->fc_buf[off + 3] == 0)
			n++;
		if (fc->fc_buf[off] == 0)
			break;
	}
	cd->bNumInterface = (uint8_t)n;
}

/* ---- devices -------------------------------------------------------------- */

struct fake_dev *
fake_dev_new(const struct fake_cfg *fc, const char *product)
{
	struct fake_dev *fd = calloc(1, sizeof(*fd));

	memcpy(fd->fd_cfg, fc->fc_buf, fc->fc_len);
	fd->fd_udev.ud_cdesc = (void *)fd->fd_cfg;
	fd->fd_udev.ud_cdesc_len = fc->fc_len;
	fd->fd_udev.ud_speed = USB_SPEED_FULL;
	snprintf(fd->fd_udev.ud_where, sizeof(fd->fd_udev.ud_where),
	    "fakeusb0 port 1");
	snprintf(fd->fd_udev.ud_product, sizeof(fd->fd_udev.ud_product), "%s",
	    product != NULL ? product : "");
	fk_enter();
	fk_outstanding++;
	fk_exit();
	return fd;
}

void
fake_dev_free(struct fake_dev *fd)
{
	UT_CHECK(fd->fd_nchild == 0 && fd->fd_pipes == NULL);
	for (int i = 0; i < FAKE_MAXSTR; i++)
		free(fd->fd_str[i].fs_buf);
	free(fd);
	fk_enter();
	fk_outstanding--;
	fk_exit();
}

struct usb_device *
fake_udev(struct fake_dev *fd)
{
	return &fd->fd_udev;
}

void
fake_dev_rawstring(struct fake_dev *fd, uint8_t idx, const void *d,
    size_t len)
{
	struct fake_str *fs = &fd->fd_str[idx % FAKE_MAXSTR];

	free(fs->fs_buf);
	fs->fs_buf = malloc(len > 0 ? len : 1);
	memcpy(fs->fs_buf, d, len);
	fs->fs_len = len;
}

void
fake_dev_string(struct fake_dev *fd, uint8_t idx, const char *s)
{
	uint8_t buf[256];
	size_t n = strlen(s);

	buf[0] = (uint8_t)(2 + 2 * n);
	buf[1] = UDESC_STRING;
	for (size_t i = 0; i < n; i++) {
		buf[2 + 2 * i] = (uint8_t)s[i];
		buf[3 + 2 * i] = 0;
	}
	fake_dev_rawstring(fd, idx, buf, 2 + 2 * n);
}

void
fake_dev_refuse(struct fake_dev *fd, uint8_t request, int err)
{
	fd->fd_refuse[request] = err;
}

/* The interface descriptor (ifaceno, alt 0) in fd's configuration. */
static const usb_interface_descriptor_t *
find_idesc(struct fake_dev *fd, unsigned ifaceno)
{
	const uint8_t *p = fd->fd_cfg;

	for (size_t off = p[0]; off + 2 <= fd->fd_udev.ud_cdesc_len &&
	    p[off] >= 2; off += p[off]) {
		const usb_interface_descriptor_t *id = (const void *)(p + off);

		if (id->bDescriptorType == UDESC_INTERFACE &&
		    id->bInterfaceNumber == ifaceno &&
		    id->bAlternateSetting == 0)
			return id;
	}
	return NULL;
}

device_t
fakeusb_attach(struct fake_dev *fd, unsigned ifaceno)
{
	const usb_interface_descriptor_t *id = find_idesc(fd, ifaceno);
	struct usb_attach_arg uaa = { 0 };
	device_t child;

	if (id == NULL || (fd->fd_udev.ud_claimed & (1u << ifaceno)) != 0 ||
	    fd->fd_nchild == FAKE_MAXCHILD)
		return NULL;
	uaa.uaa_dev = &fd->fd_udev;
	uaa.uaa_ifaceno = ifaceno;
	uaa.uaa_idesc = id;
	uaa.uaa_vendor = 0x1234;
	uaa.uaa_product = 0x5678;
	uaa.uaa_class = id->bInterfaceClass;
	uaa.uaa_subclass = id->bInterfaceSubClass;
	uaa.uaa_proto = id->bInterfaceProtocol;
	fd->fd_udev.ud_claimed |= 1u << ifaceno;
	child = config_found(fakeusb_dev, &uaa, fake_print);
	if (child != NULL)
		fd->fd_child[fd->fd_nchild++] = child;
	return child;
}

int
fakeusb_detach(struct fake_dev *fd)
{
	int rv;

	while (fd->fd_nchild > 0) {
		if ((rv = config_detach(fd->fd_child[fd->fd_nchild - 1], 0))
		    != 0)
			return rv;
		fd->fd_nchild--;
	}
	return 0;
}

void
fakeusb_unplug(struct fake_dev *fd)
{
	struct fake_pipe *fp;

	fd->fd_udev.ud_gone = true;
	fk_enter();
	for (fp = fd->fd_pipes; fp != NULL; fp = fp->fp_next) {
		while (fp->fp_p.up_pending != NULL) {
			fk_exit();
			(void)fakeusb_complete(&fp->fp_p, ENODEV, NULL, 0);
			fk_enter();
		}
	}
	fk_exit();
	UT_CHECK_EQ(fakeusb_detach(fd), 0);
}

/* ---- request log ----------------------------------------------------------- */

unsigned
fake_nreqs(struct fake_dev *fd)
{
	unsigned n;

	fk_enter();
	n = fd->fd_nlog;
	fk_exit();
	return n;
}

const struct fake_req *
fake_req(struct fake_dev *fd, unsigned i)
{
	return i < fake_nreqs(fd) ? &fd->fd_log[i] : NULL;
}

unsigned
fake_count_reqs(struct fake_dev *fd, uint8_t type, uint8_t request)
{
	unsigned n = 0, total = fake_nreqs(fd);

	for (unsigned i = 0; i < total; i++)
		if (fd->fd_log[i].fr_req.bmRequestType == type &&
		    fd->fd_log[i].fr_req.bRequest == request)
			n++;
	return n;
}

const struct fake_req *
fake_last_req(struct fake_dev *fd, uint8_t request)
{
	const struct fake_req *r = NULL;
	unsigned total = fake_nreqs(fd);

	for (unsigned i = 0; i < total; i++)
		if (fd->fd_log[i].fr_req.bRequest == request)
			r = &fd->fd_log[i];
	return r;
}

static void
log_req(struct fake_dev *fd, const usb_device_request_t *req,
    const void *data)
{
	struct fake_req *r;
	size_t len = UGETW(req->wLength);

	fk_enter();
	if (fd->fd_nlog < FAKE_MAXLOG) {
		r = &fd->fd_log[fd->fd_nlog];
		r->fr_req = *req;
		memset(r->fr_data, 0, sizeof(r->fr_data));
		if ((req->bmRequestType & UT_READ) == 0 && data != NULL)
			memcpy(r->fr_data, data, len < sizeof(r->fr_data) ?
			    len : sizeof(r->fr_data));
		fd->fd_nlog++;
	}
	fk_exit();
}

/* ---- control requests ------------------------------------------------------ */

static int
get_string(struct fake_dev *fd, unsigned idx, void *data, size_t len,
    size_t *actlen)
{
	static const uint8_t langs[4] = { 4, UDESC_STRING, 0x09, 0x04 };
	const uint8_t *src = langs;
	size_t n = sizeof(langs);

	if (idx != 0) {
		if (idx >= FAKE_MAXSTR || fd->fd_str[idx].fs_buf == NULL)
			return EPIPE;
		src = fd->fd_str[idx].fs_buf;
		n = fd->fd_str[idx].fs_len;
	}
	if (n > len)
		n = len;
	memcpy(data, src, n);
	*actlen = n;
	return 0;
}

static void
count_clear(struct fake_dev *fd, const usb_device_request_t *req)
{
	fk_enter();
	for (struct fake_pipe *fp = fd->fd_pipes; fp != NULL; fp = fp->fp_next)
		if (fp->fp_p.up_epaddr == UGETW(req->wIndex))
			fp->fp_clears++;
	fk_exit();
}

int
usb_control(struct usb_device *dev, const usb_device_request_t *req,
    void *data, size_t *actlen, unsigned timeout_ms)
{
	struct fake_dev *fd = fdev(dev);
	size_t got = 0;
	int rv;

	(void)timeout_ms;
	if (actlen != NULL)
		*actlen = 0;
	log_req(fd, req, data);
	if (dev->ud_gone)
		return ENODEV;
	if ((rv = fd->fd_refuse[req->bRequest]) != 0)
		return rv;
	if (req->bRequest == UR_GET_DESCRIPTOR &&
	    req->bmRequestType == UT_READ_DEVICE) {
		if ((UGETW(req->wValue) >> 8) != UDESC_STRING)
			return EPIPE;
		rv = get_string(fd, UGETW(req->wValue) & 0xff, data,
		    UGETW(req->wLength), &got);
		if (actlen != NULL)
			*actlen = got;
		return rv;
	}
	if (req->bRequest == UR_CLEAR_FEATURE &&
	    req->bmRequestType == UT_WRITE_ENDPOINT)
		count_clear(fd, req);
	return 0;
}

static void
req_fill(usb_device_request_t *req, uint8_t type, uint8_t request,
    uint16_t value, uint16_t index, uint16_t length)
{
	req->bmRequestType = type;
	req->bRequest = request;
	USETW(req->wValue, value);
	USETW(req->wIndex, index);
	USETW(req->wLength, length);
}

int
usb_get_descriptor(struct usb_device *dev, uint8_t type, uint8_t index,
    uint16_t langid, void *buf, size_t len, size_t *actlen)
{
	usb_device_request_t req;

	req_fill(&req, UT_READ_DEVICE, UR_GET_DESCRIPTOR,
	    (uint16_t)(type << 8 | index), langid, (uint16_t)len);
	return usb_control(dev, &req, buf, actlen, 0);
}

int
usb_set_interface(struct usb_device *dev, unsigned ifaceno, unsigned alt)
{
	usb_device_request_t req;

	req_fill(&req, UT_WRITE | UT_STANDARD | UT_INTERFACE,
	    UR_SET_INTERFACE, (uint16_t)alt, (uint16_t)ifaceno, 0);
	return usb_control(dev, &req, NULL, NULL, 0);
}

int
usb_pipe_clear_halt(struct usb_pipe *pipe)
{
	usb_device_request_t req;
	int rv;

	req_fill(&req, UT_WRITE_ENDPOINT, UR_CLEAR_FEATURE, UF_ENDPOINT_HALT,
	    pipe->up_epaddr, 0);
	if ((rv = usb_control(pipe->up_dev, &req, NULL, NULL, 0)) == 0)
		pipe->up_halted = false;
	return rv;
}

void
usb_interface_claim(struct usb_device *dev, unsigned ifaceno)
{
	if (ifaceno < 32)
		dev->ud_claimed |= 1u << ifaceno;
}
