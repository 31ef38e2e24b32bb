/*
 * Pipes (an open endpoint of a device) and the synchronous control
 * requests every driver uses: usb_control, usb_get_descriptor,
 * usb_set_interface, clearing a halt.
 *
 * A device's pipes other than ep0 are on ud_pipes (up_next) under the
 * bus's uc_xlock; ep0's pipe (ud_pipe0) exists from before ubm_dev_setup
 * until after ubm_dev_teardown. Class drivers close their pipes in their
 * detach; what they leave open is closed by the core before teardown.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <dev/usb/usbdi.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>

#include "usb_impl.h"

/* The timeout of control requests given none (timeout_ms 0). */
unsigned usb_ctrl_timeout_ms = USB_CTRL_TIMEOUT_MS;

int
usb_pipe0_alloc(struct usb_device *dev, unsigned mps0)
{
	struct usb_pipe_impl *pi;

	if ((pi = kmem_zalloc(sizeof(*pi), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	pi->pi_p.up_dev = dev;
	pi->pi_p.up_type = UE_CONTROL;
	pi->pi_p.up_mps = (uint16_t)mps0;
	dev->ud_pipe0 = &pi->pi_p;
	return 0;
}

void
usb_pipe0_free(struct usb_device *dev)
{
	if (dev->ud_pipe0 != NULL)
		kmem_free(usb_pi(dev->ud_pipe0), sizeof(struct usb_pipe_impl));
	dev->ud_pipe0 = NULL;
}

struct usb_pipe *
usb_default_pipe(struct usb_device *dev)
{
	return dev->ud_pipe0;
}

/* The SS endpoint companion right after ed in the configuration. */
static const usb_ss_ep_companion_descriptor_t *
ep_companion(const struct usb_device *dev, const usb_endpoint_descriptor_t *ed)
{
	const uint8_t *base = (const uint8_t *)dev->ud_cdesc;
	const uint8_t *p = (const uint8_t *)ed;
	size_t off;

	if (base == NULL || p < base || p >= base + dev->ud_cdesc_len)
		return NULL;
	off = (size_t)(p - base) + ed->bLength;
	if (off + sizeof(usb_ss_ep_companion_descriptor_t) > dev->ud_cdesc_len ||
	    base[off + 1] != UDESC_SS_EP_COMPANION ||
	    base[off] < sizeof(usb_ss_ep_companion_descriptor_t))
		return NULL;
	return (const void *)(base + off);
}

static void
pipe_fill(struct usb_pipe *p, struct usb_device *dev,
    const usb_endpoint_descriptor_t *ed)
{
	const usb_ss_ep_companion_descriptor_t *sc;

	p->up_dev = dev;
	p->up_epaddr = ed->bEndpointAddress;
	p->up_type = UE_GET_XFERTYPE(ed->bmAttributes);
	p->up_mps = UE_MPS(ed->wMaxPacketSize);
	p->up_interval = ed->bInterval;
	if (dev->ud_speed >= USB_SPEED_SUPER) {
		if ((sc = ep_companion(dev, ed)) != NULL) {
			p->up_maxburst = sc->bMaxBurst > 15 ? 15 : sc->bMaxBurst;
			if (p->up_type == UE_ISOCHRONOUS)
				p->up_mult = sc->bmAttributes & 3;
		}
	} else if (dev->ud_speed == USB_SPEED_HIGH) {
		p->up_mult = UE_MULT(ed->wMaxPacketSize);
	}
}

int
usb_pipe_open(struct usb_device *dev, const usb_endpoint_descriptor_t *ed,
    struct usb_pipe **pp)
{
	struct usb_core *uc = usb_core_of(dev);
	struct usb_pipe_impl *pi;
	int rv;

	*pp = NULL;
	if (ed == NULL || UE_GET_ADDR(ed->bEndpointAddress) == 0)
		return EINVAL;
	if (dev->ud_gone)
		return ENODEV;
	if ((pi = kmem_zalloc(sizeof(*pi), KM_NOSLEEP)) == NULL)
		return ENOMEM;
	pipe_fill(&pi->pi_p, dev, ed);
	if ((rv = dev->ud_bus->ub_methods->ubm_pipe_open(&pi->pi_p)) != 0) {
		kmem_free(pi, sizeof(*pi));
		return rv;
	}
	mutex_enter(&uc->uc_xlock);
	pi->pi_p.up_next = dev->ud_pipes;
	dev->ud_pipes = &pi->pi_p;
	mutex_exit(&uc->uc_xlock);
	*pp = &pi->pi_p;
	return 0;
}

void
usb_pipe_close(struct usb_pipe *pipe)
{
	struct usb_device *dev;
	struct usb_core *uc;
	struct usb_pipe **pp;

	if (pipe == NULL)
		return;
	dev = pipe->up_dev;
	uc = usb_core_of(dev);
	KASSERT(pipe != dev->ud_pipe0);
	mutex_enter(&uc->uc_xlock);
	usb_pi(pipe)->pi_closing = true;
	mutex_exit(&uc->uc_xlock);
	usb_pipe_abort_all(pipe);
	dev->ud_bus->ub_methods->ubm_pipe_close(pipe);
	mutex_enter(&uc->uc_xlock);
	for (pp = &dev->ud_pipes; *pp != NULL && *pp != pipe;
	    pp = &(*pp)->up_next)
		continue;
	if (*pp == pipe)
		*pp = pipe->up_next;
	mutex_exit(&uc->uc_xlock);
	kmem_free(usb_pi(pipe), sizeof(struct usb_pipe_impl));
}

void
usb_dev_abort_all(struct usb_device *dev)
{
	struct usb_core *uc = usb_core_of(dev);
	struct usb_pipe *p, *busy;

	if (dev->ud_pipe0 != NULL)
		usb_pipe_abort_all(dev->ud_pipe0);
	for (;;) {
		busy = NULL;
		mutex_enter(&uc->uc_xlock);
		for (p = dev->ud_pipes; p != NULL && busy == NULL;
		    p = p->up_next)
			if (p->up_pending != NULL)
				busy = p;
		mutex_exit(&uc->uc_xlock);
		if (busy == NULL)
			return;
		usb_pipe_abort_all(busy);
	}
}

void
usb_dev_close_pipes(struct usb_device *dev)
{
	while (dev->ud_pipes != NULL) {
		klog(LOG_WARNING, "%s: a driver left endpoint 0x%02x open; "
		    "closing it", dev->ud_where, dev->ud_pipes->up_epaddr);
		usb_pipe_close(dev->ud_pipes);
	}
}

/* ---- control requests -------------------------------------------------- */

static void
pipe0_unhalt(struct usb_device *dev)
{
	const struct usb_bus_methods *m = dev->ud_bus->ub_methods;

	if (m->ubm_pipe_reset != NULL && !dev->ud_gone)
		(void)m->ubm_pipe_reset(dev->ud_pipe0);
	dev->ud_pipe0->up_halted = false;
}

int
usb_control(struct usb_device *dev, const usb_device_request_t *req,
    void *data, size_t *actlen, unsigned timeout_ms)
{
	size_t len = UGETW(req->wLength);
	bool in = (req->bmRequestType & UT_READ) != 0;
	struct usb_xfer *x;
	int rv;

	if (actlen != NULL)
		*actlen = 0;
	if (dev->ud_gone || dev->ud_pipe0 == NULL)
		return ENODEV;
	if (len > 0 && data == NULL)
		return EINVAL;
	if ((rv = usb_xfer_alloc(dev->ud_pipe0, len, &x)) != 0)
		return rv;
	x->ux_req = *req;
	x->ux_length = len;
	x->ux_timeout_ms = timeout_ms != 0 ? timeout_ms : usb_ctrl_timeout_ms;
	if (!in && len > 0)
		memcpy(x->ux_buf, data, len);
	rv = usb_xfer_sync(x);
	if (rv == 0 && in && x->ux_actlen > 0)
		memcpy(data, x->ux_buf, x->ux_actlen);
	if (actlen != NULL && rv == 0)
		*actlen = x->ux_actlen;
	usb_xfer_free(x);
	if (rv == EPIPE)
		pipe0_unhalt(dev);
	return rv;
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

	if (len > 0xffff)
		return EINVAL;
	req_fill(&req, UT_READ_DEVICE, UR_GET_DESCRIPTOR,
	    (uint16_t)(type << 8 | index), langid, (uint16_t)len);
	return usb_control(dev, &req, buf, actlen, 0);
}

int
usb_set_interface(struct usb_device *dev, unsigned ifaceno, unsigned alt)
{
	usb_device_request_t req;

	if (ifaceno > 0xff || alt > 0xff)
		return EINVAL;
	req_fill(&req, UT_WRITE | UT_STANDARD | UT_INTERFACE,
	    UR_SET_INTERFACE, (uint16_t)alt, (uint16_t)ifaceno, 0);
	return usb_control(dev, &req, NULL, NULL, 0);
}

int
usb_pipe_clear_halt(struct usb_pipe *pipe)
{
	struct usb_device *dev = pipe->up_dev;
	const struct usb_bus_methods *m = dev->ud_bus->ub_methods;
	usb_device_request_t req;
	int rv;

	if (dev->ud_gone)
		return ENODEV;
	if (m->ubm_pipe_reset != NULL && (rv = m->ubm_pipe_reset(pipe)) != 0)
		return rv;
	if (pipe == dev->ud_pipe0) {
		pipe->up_halted = false;
		return 0;
	}
	req_fill(&req, UT_WRITE_ENDPOINT, UR_CLEAR_FEATURE, UF_ENDPOINT_HALT,
	    pipe->up_epaddr, 0);
	if ((rv = usb_control(dev, &req, NULL, NULL, 0)) == 0)
		pipe->up_halted = false;
	return rv;
}
