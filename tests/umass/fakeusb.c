/*
 * The fake USB core (the usbdi.h calls umass makes) and the device side
 * of the Bulk-Only Transport of the simulated mass storage device; see
 * fakeusb.h. The bus is a device "usb0" under mainbus0 offering the
 * "usb" attribute, so umass attaches exactly as it would on the real
 * core.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/callout.h>
#include <kern/kmem.h>

#include "fakeusb.h"

static int fakebus_token;
static device_t fakebus_dev;

static uint32_t
get32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static void
put32le(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static struct fake_msd *
fake_of(struct usb_device *dev)
{
	return (struct fake_msd *)dev;	/* fm_dev is the first member */
}

uint64_t
fake_rand(struct fake_msd *fm)
{
	uint64_t x = fm->fm_rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return fm->fm_rng = x;
}

/* ---- the bus ----------------------------------------------------------- */

static int
fakebus_match(device_t parent, void *aux)
{
	(void)parent;
	return aux == &fakebus_token;
}

static const struct cfdriver fakebus_cd = {
	.cd_name = "usb",
	.cd_attachto = "mainbus",
	.cd_busattr = USB_ATTR,
	.cd_match = fakebus_match,
};
CFDRIVER_DECLARE(fakebus_cd);

static device_t
fakebus(void)
{
	if (fakebus_dev == NULL)
		fakebus_dev = config_attach(device_find_by_xname("mainbus0"),
		    &fakebus_cd, &fakebus_token, NULL);
	return fakebus_dev;
}

static void
uaa_print(void *aux, const char *pnp, char *buf, size_t len)
{
	struct usb_attach_arg *uaa = aux;

	if (pnp != NULL)
		snprintf(buf, len, "interface class %u at %s", uaa->uaa_class,
		    pnp);
	else
		snprintf(buf, len, " interface %u", uaa->uaa_ifaceno);
}

/* ---- devices ----------------------------------------------------------- */

void
fake_lun_setup(struct fake_msd *fm, unsigned lun, uint8_t type,
    uint32_t blksize, uint64_t nblks)
{
	struct fake_lun *fl = &fm->fm_lun[lun];
	uint64_t dense = nblks < FAKE_DENSE_BLKS ? nblks : FAKE_DENSE_BLKS;

	free(fl->fl_dense);
	fl->fl_type = type;
	fl->fl_blksize = blksize;
	fl->fl_nblks = nblks;
	fl->fl_dense = malloc(dense * blksize);
	for (uint64_t b = 0; b < dense; b++)
		fake_pattern(lun, b, blksize, fl->fl_dense + b * blksize);
}

struct fake_msd *
fake_msd_create(uint32_t blksize, uint64_t nblks)
{
	struct fake_msd *fm = calloc(1, sizeof(*fm));

	fm->fm_dev.ud_speed = USB_SPEED_HIGH;
	snprintf(fm->fm_dev.ud_where, sizeof(fm->fm_dev.ud_where),
	    "usb0 port 1");
	snprintf(fm->fm_dev.ud_product, sizeof(fm->fm_dev.ud_product),
	    "Fake BOT Disk");
	fm->fm_ed[0] = (usb_endpoint_descriptor_t){ 7, UDESC_ENDPOINT, 0x81,
	    UE_BULK, { 0x00, 0x02 }, 0 };
	fm->fm_ed[1] = (usb_endpoint_descriptor_t){ 7, UDESC_ENDPOINT, 0x02,
	    UE_BULK, { 0x00, 0x02 }, 0 };
	fm->fm_subclass = UISUBCLASS_SCSI;
	fm->fm_gone_after = -1;
	fm->fm_rng = 0x9e3779b97f4a7c15ULL;
	fm->fm_buf = malloc(FAKE_BUFSIZE);
	mutex_init(&fm->fm_mtx, MUTEX_DEFAULT);
	cv_init(&fm->fm_cv, "fakemsd");
	for (unsigned l = 0; l <= FAKE_MAXLUN; l++)
		fm->fm_lun[l].fl_type = 0x1f;
	fake_lun_setup(fm, 0, 0, blksize, nblks);
	return fm;
}

device_t
fake_msd_attach(struct fake_msd *fm)
{
	struct usb_attach_arg uaa;
	usb_interface_descriptor_t id = { 9, UDESC_INTERFACE, 0, 0, 2,
	    UICLASS_MASS, fm->fm_subclass, UIPROTO_MASS_BBB, 0 };

	memset(&uaa, 0, sizeof(uaa));
	uaa.uaa_dev = &fm->fm_dev;
	uaa.uaa_ifaceno = fm->fm_ifaceno;
	uaa.uaa_idesc = &id;
	uaa.uaa_vendor = 0x1234;
	uaa.uaa_product = 0x5678;
	uaa.uaa_class = UICLASS_MASS;
	uaa.uaa_subclass = fm->fm_subclass;
	uaa.uaa_proto = UIPROTO_MASS_BBB;
	fm->fm_umass = config_found(fakebus(), &uaa, uaa_print);
	return fm->fm_umass;
}

void
fake_msd_set_gone(struct fake_msd *fm)
{
	mutex_enter(&fm->fm_mtx);
	__atomic_store_n(&fm->fm_dev.ud_gone, true, __ATOMIC_RELEASE);
	cv_broadcast(&fm->fm_cv);
	mutex_exit(&fm->fm_mtx);
}

void
fake_msd_destroy(struct fake_msd *fm)
{
	if (fm->fm_umass != NULL)
		config_detach(fm->fm_umass, DETACH_FORCE);
	for (unsigned l = 0; l <= FAKE_MAXLUN; l++) {
		free(fm->fm_lun[l].fl_dense);
		for (int i = 0; i < FAKE_SPARSE; i++)
			free(fm->fm_lun[l].fl_sparse[i]);
	}
	cv_destroy(&fm->fm_cv);
	mutex_destroy(&fm->fm_mtx);
	free(fm->fm_buf);
	free(fm);
}

/* ---- usbdi.h ------------------------------------------------------------ */

int
usb_match_ids(const struct usb_id *ids, const struct usb_attach_arg *uaa)
{
	int best = 0, pri;

	for (; ids->ui_flags != 0; ids++) {
		unsigned f = ids->ui_flags;

		if (((f & USB_ID_VENDOR) && ids->ui_vendor != uaa->uaa_vendor) ||
		    ((f & USB_ID_PRODUCT) && ids->ui_product != uaa->uaa_product) ||
		    ((f & USB_ID_CLASS) && ids->ui_class != uaa->uaa_class) ||
		    ((f & USB_ID_SUBCLASS) &&
		    ids->ui_subclass != uaa->uaa_subclass) ||
		    ((f & USB_ID_PROTO) && ids->ui_proto != uaa->uaa_proto))
			continue;
		pri = (f & USB_ID_PRODUCT) ? 40 : (f & USB_ID_PROTO) ? 30 :
		    (f & USB_ID_SUBCLASS) ? 20 : 10;
		if (pri > best)
			best = pri;
	}
	return best;
}

const usb_endpoint_descriptor_t *
usb_find_endpoint(struct usb_device *dev, unsigned ifaceno, uint8_t dir,
    uint8_t type, unsigned n)
{
	struct fake_msd *fm = fake_of(dev);

	if (ifaceno != fm->fm_ifaceno || n != 0 || type != UE_BULK)
		return NULL;
	return dir == UE_DIR_IN ? &fm->fm_ed[0] : &fm->fm_ed[1];
}

int
usb_pipe_open(struct usb_device *dev, const usb_endpoint_descriptor_t *ed,
    struct usb_pipe **pp)
{
	struct usb_pipe *p = kmem_zalloc(sizeof(*p), KM_SLEEP);

	p->up_dev = dev;
	p->up_epaddr = ed->bEndpointAddress;
	p->up_type = UE_GET_XFERTYPE(ed->bmAttributes);
	p->up_mps = UE_MPS(ed->wMaxPacketSize);
	*pp = p;
	return 0;
}

void
usb_pipe_close(struct usb_pipe *pipe)
{
	kmem_free(pipe, sizeof(*pipe));
}

int
usb_pipe_clear_halt(struct usb_pipe *pipe)
{
	struct fake_msd *fm = fake_of(pipe->up_dev);

	if (pipe->up_dev->ud_gone)
		return ENODEV;
	mutex_enter(&fm->fm_mtx);
	if (UE_GET_DIR(pipe->up_epaddr) == UE_DIR_IN) {
		fm->fm_halt_in = false;
		fm->fm_clear_in++;
	} else {
		fm->fm_halt_out = false;
		fm->fm_clear_out++;
	}
	pipe->up_halted = false;
	mutex_exit(&fm->fm_mtx);
	return 0;
}

int
usb_xfer_alloc(struct usb_pipe *pipe, size_t bufsize, struct usb_xfer **xp)
{
	struct usb_xfer *x = kmem_zalloc(sizeof(*x), KM_SLEEP);

	x->ux_pipe = pipe;
	x->ux_buf = kmem_zalloc(bufsize, KM_SLEEP);
	x->ux_bufsize = bufsize;
	*xp = x;
	return 0;
}

void
usb_xfer_free(struct usb_xfer *x)
{
	kmem_free(x->ux_buf, x->ux_bufsize);
	kmem_free(x, sizeof(*x));
}

void
usb_xfer_abort(struct usb_xfer *x)
{
	struct fake_msd *fm = fake_of(x->ux_pipe->up_dev);

	mutex_enter(&fm->fm_mtx);
	fm->fm_aborts++;
	if (fm->fm_blocked)
		fm->fm_abort = true;
	cv_broadcast(&fm->fm_cv);
	mutex_exit(&fm->fm_mtx);
}

/* GET MAX LUN and the Bulk-Only Mass Storage Reset. */
int
usb_control(struct usb_device *dev, const usb_device_request_t *req,
    void *data, size_t *actlen, unsigned timeout_ms)
{
	struct fake_msd *fm = fake_of(dev);
	int rv = 0;

	(void)timeout_ms;
	if (dev->ud_gone)
		return ENODEV;
	mutex_enter(&fm->fm_mtx);
	if (actlen != NULL)
		*actlen = 0;
	if (UGETW(req->wIndex) != fm->fm_ifaceno) {
		rv = EPIPE;
	} else if (req->bmRequestType == UT_READ_CLASS_INTERFACE &&
	    req->bRequest == 0xfe && UGETW(req->wLength) == 1) {
		if (fm->fm_maxlun < 0) {
			rv = EPIPE;
		} else {
			*(uint8_t *)data = (uint8_t)fm->fm_maxlun;
			if (actlen != NULL)
				*actlen = 1;
		}
	} else if (req->bmRequestType == UT_WRITE_CLASS_INTERFACE &&
	    req->bRequest == 0xff && UGETW(req->wLength) == 0) {
		/* Halts survive the reset (BOT 3.1). */
		fm->fm_resets++;
		fm->fm_state = FS_IDLE;
	} else {
		rv = EPIPE;
	}
	mutex_exit(&fm->fm_mtx);
	return rv;
}

/* ---- the device side of BOT ------------------------------------------- */

static int
halt(struct usb_xfer *x)
{
	x->ux_pipe->up_halted = true;
	return EPIPE;
}

static int
bot_cbw(struct fake_msd *fm, struct usb_xfer *x)
{
	const uint8_t *p = x->ux_buf;

	fm->fm_cbws++;
	x->ux_actlen = x->ux_length;
	if (x->ux_length != 31 || get32le(p) != 0x43425355 || p[14] == 0 ||
	    p[14] > 16) {
		/* 6.6.1: not a valid CBW; stall both until reset. */
		fm->fm_violations++;
		fm->fm_halt_in = fm->fm_halt_out = true;
		fm->fm_state = FS_NEED_RESET;
		return 0;
	}
	fm->fm_tag = get32le(p + 4);
	fm->fm_dlen = get32le(p + 8);
	fm->fm_dirin = (p[12] & 0x80) != 0;
	fm->fm_lunno = p[13] & 0x0f;
	fm->fm_last_cblen = p[14];
	fm->fm_last_tag = fm->fm_tag;
	memset(fm->fm_cdb, 0, sizeof(fm->fm_cdb));
	memcpy(fm->fm_cdb, p + 15, p[14]);
	fm->fm_buflen = 0;
	fake_scsi_exec(fm);
	return 0;
}

/* A data stage that the test wants to hang: 0 to go on, or why not. */
static int
bot_block(struct fake_msd *fm)
{
	uint64_t end = kclock_ns() + (uint64_t)fm->fm_block_ms * 1000000;
	int rv = 0;

	fm->fm_blocked = true;
	cv_broadcast(&fm->fm_cv);
	while (fm->fm_block_data && !fm->fm_abort && !fm->fm_dev.ud_gone) {
		if (fm->fm_block_ms == 0)
			cv_wait(&fm->fm_cv, &fm->fm_mtx);
		else if (kclock_ns() >= end)
			break;
		else
			cv_timedwait_ns(&fm->fm_cv, &fm->fm_mtx,
			    end - kclock_ns());
	}
	if (fm->fm_abort)
		rv = ECANCELED;
	else if (fm->fm_dev.ud_gone)
		rv = ENODEV;
	fm->fm_abort = false;
	fm->fm_blocked = false;
	cv_broadcast(&fm->fm_cv);
	return rv;
}

/* The knob: the data stage stalls and the command fails. */
static int
bot_stall_data(struct fake_msd *fm, struct usb_xfer *x, bool in)
{
	struct fake_lun *fl = &fm->fm_lun[fm->fm_lunno];

	fm->fm_stall_data = false;
	if (in)
		fm->fm_halt_in = true;
	else
		fm->fm_halt_out = true;
	fm->fm_status = 1;
	fm->fm_residue = fm->fm_dlen;
	fl->fl_key = 0x0b;		/* ABORTED COMMAND */
	fl->fl_asc = fl->fl_ascq = 0;
	fm->fm_state = FS_STATUS;
	return halt(x);
}

static void
bot_make_csw(struct fake_msd *fm, uint8_t *p)
{
	put32le(p, 0x53425355);
	put32le(p + 4, fm->fm_tag);
	put32le(p + 8, fm->fm_residue);
	p[12] = fm->fm_status;
}

static int
bot_data_out(struct fake_msd *fm, struct usb_xfer *x)
{
	size_t n;
	int rv;

	if (fm->fm_stall_data)
		return bot_stall_data(fm, x, false);
	if (fm->fm_block_data && (rv = bot_block(fm)) != 0)
		return rv;
	n = x->ux_length < fm->fm_buflen ? x->ux_length : fm->fm_buflen;
	memcpy(fm->fm_buf, x->ux_buf, n);
	x->ux_actlen = x->ux_length;
	if (n == fm->fm_buflen)
		fake_scsi_write_done(fm);
	else
		fm->fm_residue = (uint32_t)(fm->fm_buflen - n);
	fm->fm_state = FS_STATUS;
	return 0;
}

static int
bot_data_in(struct fake_msd *fm, struct usb_xfer *x)
{
	size_t n;
	int rv;

	if (fm->fm_stall_data)
		return bot_stall_data(fm, x, true);
	if (fm->fm_csw_in_data) {
		fm->fm_csw_in_data = false;
		fm->fm_status = 1;
		fm->fm_residue = fm->fm_dlen;
		fm->fm_lun[fm->fm_lunno].fl_key = 0x0b;
		bot_make_csw(fm, x->ux_buf);
		x->ux_actlen = 13;
		fm->fm_state = FS_IDLE;
		return 0;
	}
	if (fm->fm_timeout_data > 0) {
		fm->fm_timeout_data--;
		return ETIMEDOUT;
	}
	if (fm->fm_block_data && (rv = bot_block(fm)) != 0)
		return rv;
	n = x->ux_length < fm->fm_buflen ? x->ux_length : fm->fm_buflen;
	memcpy(x->ux_buf, fm->fm_buf, n);
	x->ux_actlen = n;
	fm->fm_state = FS_STATUS;
	return 0;
}

static void
bot_csw_fault(struct fake_msd *fm, struct usb_xfer *x)
{
	uint8_t *p = x->ux_buf;

	switch (fm->fm_csw_fault) {
	case CSWF_SIG:
		p[0] ^= 0x20;
		break;
	case CSWF_TAG:
		put32le(p + 4, fm->fm_tag + 1);
		break;
	case CSWF_RESIDUE:
		put32le(p + 8, fm->fm_dlen + 1);
		break;
	case CSWF_PHASE:
		p[12] = 2;
		break;
	case CSWF_SHORT:
		x->ux_actlen = 12;
		break;
	case CSWF_STATUS:
		p[12] = 0x42;
		break;
	case CSWF_NONE:
		break;
	}
	fm->fm_csw_fault = CSWF_NONE;
}

static int
bot_csw(struct fake_msd *fm, struct usb_xfer *x)
{
	if (fm->fm_stall_csw > 0) {
		fm->fm_stall_csw--;
		fm->fm_halt_in = true;
		return halt(x);
	}
	if (x->ux_length < 13)
		return EIO;		/* babble */
	bot_make_csw(fm, x->ux_buf);
	x->ux_actlen = 13;
	bot_csw_fault(fm, x);
	fm->fm_state = FS_IDLE;
	return 0;
}

static int
bot_xfer(struct fake_msd *fm, struct usb_xfer *x, bool in)
{
	if (in ? fm->fm_halt_in : fm->fm_halt_out)
		return halt(x);
	if (!in && fm->fm_state == FS_IDLE)
		return bot_cbw(fm, x);
	if (!in && fm->fm_state == FS_DATA_OUT)
		return bot_data_out(fm, x);
	if (in && fm->fm_state == FS_DATA_IN)
		return bot_data_in(fm, x);
	if (in && fm->fm_state == FS_STATUS)
		return bot_csw(fm, x);
	/* Nothing to say in this direction now: the device NAKs. */
	fm->fm_violations++;
	return ETIMEDOUT;
}

/* ---- random corruption -------------------------------------------------- */

enum { K_LOST, K_STALL, K_EIO_AFTER, K_FLIP, K_SHORT, K_CSWFIELD, K_NKINDS };

/* A corruption before the device sees the xfer; -1: none, else the
 * kind to apply after (K_EIO_AFTER, K_FLIP, K_SHORT, K_CSWFIELD). */
static int
fuzz_pick(struct fake_msd *fm, struct usb_xfer *x, bool in, int *rv)
{
	int kind;

	if (fm->fm_fuzz_permille == 0 ||
	    fake_rand(fm) % 1000 >= fm->fm_fuzz_permille)
		return -1;
	kind = (int)(fake_rand(fm) % K_NKINDS);
	if (!in && kind >= K_FLIP)
		kind = K_EIO_AFTER;	/* OUT data is protected by CRC */
	fm->fm_corruptions++;
	if (kind == K_LOST) {
		*rv = ETIMEDOUT;
	} else if (kind == K_STALL) {
		if (in)
			fm->fm_halt_in = true;
		else
			fm->fm_halt_out = true;
		if (fm->fm_state == FS_DATA_IN || fm->fm_state == FS_DATA_OUT) {
			fm->fm_residue = fm->fm_dlen;
			fm->fm_state = FS_STATUS;
		}
		*rv = halt(x);
	}
	return kind;
}

static void
fuzz_after(struct fake_msd *fm, struct usb_xfer *x, int kind, int *rv,
    enum fake_state before)
{
	uint8_t *p = x->ux_buf;

	if (*rv != 0 || kind == K_LOST || kind == K_STALL)
		return;
	if ((kind == K_FLIP || kind == K_CSWFIELD) && before == FS_DATA_IN &&
	    x->ux_actlen > 0)
		fm->fm_silent++;
	if (kind == K_EIO_AFTER) {
		*rv = EIO;
	} else if (kind == K_SHORT && x->ux_actlen > 0) {
		x->ux_actlen = fake_rand(fm) % x->ux_actlen;
	} else if (kind == K_FLIP && x->ux_actlen > 0) {
		for (int i = 1 + (int)(fake_rand(fm) % 4); i > 0; i--)
			p[fake_rand(fm) % x->ux_actlen] ^=
			    (uint8_t)(1 + fake_rand(fm) % 255);
	} else if (kind == K_CSWFIELD && x->ux_actlen == 13) {
		unsigned off = (unsigned)(fake_rand(fm) % 4) * 4;

		if (off == 12)
			p[12] = (uint8_t)fake_rand(fm);
		else
			put32le(p + off, (uint32_t)fake_rand(fm));
	} else if (kind == K_CSWFIELD && x->ux_actlen > 0) {
		p[fake_rand(fm) % x->ux_actlen] ^= 0x80;
	}
}

int
usb_xfer_sync(struct usb_xfer *x)
{
	struct fake_msd *fm = fake_of(x->ux_pipe->up_dev);
	bool in = UE_GET_DIR(x->ux_pipe->up_epaddr) == UE_DIR_IN;
	enum fake_state before;
	int rv = 0, kind;

	mutex_enter(&fm->fm_mtx);
	x->ux_actlen = 0;
	fm->fm_xfers++;
	if (fm->fm_gone_after == 0)
		__atomic_store_n(&fm->fm_dev.ud_gone, true, __ATOMIC_RELEASE);
	else if (fm->fm_gone_after > 0)
		fm->fm_gone_after--;
	if (fm->fm_dev.ud_gone) {
		rv = ENODEV;
	} else if ((kind = fuzz_pick(fm, x, in, &rv)) == K_LOST ||
	    kind == K_STALL) {
		/* the device never answered, or stalled */
	} else {
		before = fm->fm_state;
		rv = bot_xfer(fm, x, in);
		fuzz_after(fm, x, kind, &rv, before);
	}
	mutex_exit(&fm->fm_mtx);
	x->ux_status = rv;
	return rv;
}
