/*
 * The fake USB core's pipes and transfers (fakeusb.h). The descriptor
 * lookups and match tables are the core's own (sys/dev/usb/usb_desc.c,
 * compiled in by run.sh).
 *
 * A submitted transfer waits on its pipe's up_pending list (ux_next)
 * until the test completes it or it is aborted; ux_done then runs in
 * the caller's thread without fk_lock. usb_xfer_abort returns after
 * the callback it caused has returned.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <dev/usb/usb.h>
#include <dev/usb/usbdi.h>

#include "fakeusb_impl.h"
#include "ut.h"

/* ---- pipes ------------------------------------------------------------ */

int
usb_pipe_open(struct usb_device *dev, const usb_endpoint_descriptor_t *ed,
    struct usb_pipe **pp)
{
	struct fake_dev *fd = fdev(dev);
	struct fake_pipe *fp;

	*pp = NULL;
	if (ed == NULL)
		return EINVAL;
	if (dev->ud_gone)
		return ENODEV;
	fp = calloc(1, sizeof(*fp));
	fp->fp_p.up_dev = dev;
	fp->fp_p.up_epaddr = ed->bEndpointAddress;
	fp->fp_p.up_type = UE_GET_XFERTYPE(ed->bmAttributes);
	fp->fp_p.up_mps = UE_MPS(ed->wMaxPacketSize);
	fp->fp_p.up_interval = ed->bInterval;
	fk_enter();
	fp->fp_next = fd->fd_pipes;
	fd->fd_pipes = fp;
	fk_outstanding++;
	fk_exit();
	*pp = &fp->fp_p;
	return 0;
}

void
usb_pipe_close(struct usb_pipe *pipe)
{
	struct fake_dev *fd = fdev(pipe->up_dev);
	struct fake_pipe **pp;
	struct usb_xfer *x;

	fk_enter();
	fpipe(pipe)->fp_closing = true;
	while ((x = pipe->up_pending) != NULL) {
		fk_exit();
		usb_xfer_abort(x);
		fk_enter();
	}
	for (pp = &fd->fd_pipes; *pp != NULL && *pp != fpipe(pipe);
	    pp = &(*pp)->fp_next)
		continue;
	if (*pp != NULL)
		*pp = fpipe(pipe)->fp_next;
	fk_outstanding--;
	fk_exit();
	free(pipe);
}

struct usb_pipe *
fake_pipe(struct fake_dev *fd, uint8_t epaddr)
{
	struct fake_pipe *fp;

	fk_enter();
	for (fp = fd->fd_pipes; fp != NULL; fp = fp->fp_next)
		if (fp->fp_p.up_epaddr == epaddr)
			break;
	fk_exit();
	return fp != NULL ? &fp->fp_p : NULL;
}

unsigned
fake_pending(struct usb_pipe *p)
{
	unsigned n = 0;

	if (p == NULL)
		return 0;
	fk_enter();
	for (struct usb_xfer *x = p->up_pending; x != NULL; x = x->ux_next)
		n++;
	fk_exit();
	return n;
}

struct usb_xfer *
fake_head(struct usb_pipe *p)
{
	struct usb_xfer *x;

	fk_enter();
	x = p->up_pending;
	fk_exit();
	return x;
}

unsigned
fake_clears(struct usb_pipe *p)
{
	return fpipe(p)->fp_clears;
}

unsigned
fakeusb_outstanding(void)
{
	unsigned n;

	fk_enter();
	n = fk_outstanding;
	fk_exit();
	return n;
}

/* ---- transfers ---------------------------------------------------------- */

int
usb_xfer_alloc(struct usb_pipe *pipe, size_t bufsize, struct usb_xfer **xp)
{
	struct usb_xfer *x = calloc(1, sizeof(*x));

	x->ux_pipe = pipe;
	x->ux_buf = calloc(1, bufsize > 0 ? bufsize : 1);
	x->ux_bufsize = bufsize;
	x->ux_flags = USBD_SHORT_XFER_OK;
	fk_enter();
	fk_outstanding++;
	fk_exit();
	*xp = x;
	return 0;
}

void
usb_xfer_free(struct usb_xfer *x)
{
	if (x == NULL)
		return;
	UT_CHECK((x->ux_state & FK_QUEUED) == 0);
	if (x->ux_state & FK_QUEUED)
		usb_xfer_abort(x);
	free(x->ux_buf);
	free(x);
	fk_enter();
	fk_outstanding--;
	fk_exit();
}

int
usb_xfer_submit(struct usb_xfer *x)
{
	struct usb_pipe *p = x->ux_pipe;
	struct usb_xfer **pp;
	int rv = 0;

	fk_enter();
	if (p->up_dev->ud_gone)
		rv = ENODEV;
	else if (x->ux_state & FK_QUEUED)
		rv = EBUSY;
	else if ((x->ux_state & FK_ABORTING) || fpipe(p)->fp_closing)
		rv = ECANCELED;
	else if (x->ux_length > x->ux_bufsize)
		rv = EINVAL;
	if (rv == 0) {
		x->ux_state |= FK_QUEUED;
		x->ux_status = EINPROGRESS;
		x->ux_actlen = 0;
		x->ux_next = NULL;
		for (pp = &p->up_pending; *pp != NULL; pp = &(*pp)->ux_next)
			continue;
		*pp = x;
	}
	fk_exit();
	return rv;
}

/* Take x off its pipe if queued; fk_lock held. */
static bool
unqueue(struct usb_xfer *x)
{
	struct usb_xfer **pp = &x->ux_pipe->up_pending;

	if ((x->ux_state & FK_QUEUED) == 0)
		return false;
	while (*pp != x)
		pp = &(*pp)->ux_next;
	*pp = x->ux_next;
	x->ux_next = NULL;
	x->ux_state &= ~FK_QUEUED;
	return true;
}

void
usb_xfer_abort(struct usb_xfer *x)
{
	bool was;

	fk_enter();
	x->ux_state |= FK_ABORTING;
	was = unqueue(x);
	fk_exit();
	if (was) {
		x->ux_status = ECANCELED;
		x->ux_actlen = 0;
		x->ux_done(x);
	}
	fk_enter();
	x->ux_state &= ~FK_ABORTING;
	fk_exit();
}

static bool
complete(struct usb_pipe *p, int status, const void *data, size_t len,
    void *out, size_t *outlen, unsigned *flags)
{
	bool in = UE_GET_DIR(p->up_epaddr) == UE_DIR_IN;
	struct usb_xfer *x;

	fk_enter();
	if ((x = p->up_pending) != NULL)
		(void)unqueue(x);
	fk_exit();
	if (x == NULL)
		return false;
	if (out != NULL) {
		memcpy(out, x->ux_buf, x->ux_length);
		*outlen = x->ux_length;
		*flags = x->ux_flags;
	}
	x->ux_actlen = 0;
	if (in && data != NULL) {
		x->ux_actlen = len < x->ux_length ? len : x->ux_length;
		memcpy(x->ux_buf, data, x->ux_actlen);
	} else if (!in && status == 0) {
		x->ux_actlen = x->ux_length;
	}
	x->ux_status = status;
	if (status == EPIPE)
		p->up_halted = true;
	x->ux_done(x);
	return true;
}

bool
fakeusb_complete(struct usb_pipe *p, int status, const void *data,
    size_t len)
{
	return complete(p, status, data, len, NULL, NULL, NULL);
}

bool
fakeusb_complete_out(struct usb_pipe *p, int status, void *out,
    size_t *outlen, unsigned *flags)
{
	return complete(p, status, NULL, 0, out, outlen, flags);
}
