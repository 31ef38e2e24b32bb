/*
 * The virtio 1.x PCI transport (virtio 1.2, 4.1), modern interface only:
 * the vendor capabilities that place the common, notify, ISR and device
 * configuration structures in BARs; the device status handshake (3.1.1);
 * feature negotiation; programming split virtqueues; notifications; and
 * interrupts, in the first mode the machine gives us:
 *
 *	MSI-X, vector 0 for configuration changes, one vector per queue
 *	MSI-X, one vector for everything (not enough vectors or lines)
 *	MSI, one message; the ISR register says what happened
 *	INTx, the ISR register (reading it deasserts the line)
 *
 * Transitional devices (IDs 0x1000-0x103f) are driven through their
 * modern capabilities; a legacy-only device (no common capability) is
 * refused.
 *
 * Interrupt handlers run with a rump kernel CPU held (the PCI layer
 * attaches them through kintr). Handlers never take transport locks.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kern/bus.h>
#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/klog.h>
#include <kern/mutex.h>
#include <pci/pci.h>

#include "virtio.h"

#define RESET_WAIT_NS 1000000000ull	/* a reset may take this long */

/* ---- Capabilities ---- */

int
virtio_pci_device_type(const struct pci_attach_args *pa)
{
	uint32_t sub;

	if (pa->pa_vendor != VIRTIO_PCI_VENDOR)
		return 0;
	if (pa->pa_product >= VIRTIO_PCI_DEV_MODERN &&
	    pa->pa_product <= VIRTIO_PCI_DEV_MODERN + 0x3f)
		return pa->pa_product - VIRTIO_PCI_DEV_MODERN;
	if (pa->pa_product >= VIRTIO_PCI_DEV_LEGACY_MIN &&
	    pa->pa_product <= VIRTIO_PCI_DEV_LEGACY_MAX) {
		sub = pci_conf_read(pa->pa_pd, PCI_SUBSYS_REG);
		return (int)(sub >> 16);
	}
	return 0;
}

/* Map [off, off + len) of BAR bar into r; false if it cannot be. */
static bool
region_map(struct virtio_softc *vsc, unsigned bar, uint32_t off,
    uint32_t len, struct virtio_region *r)
{
	const struct pci_dev *pd = vsc->vs_pd;
	const struct pci_bar *b;
	bus_space_tag_t t;

	if (bar >= (unsigned)pd->pd_nbar || len == 0)
		return false;
	b = &pd->pd_bar[bar];
	if (!b->pb_assigned || b->pb_kind == PCI_BAR_KIND_NONE ||
	    (uint64_t)off + len > b->pb_size)
		return false;
	t = b->pb_kind == PCI_BAR_KIND_IO ? bus_space_io : bus_space_mem;
	if (bus_space_map(t, b->pb_cpu + off, len, 0, &r->vr_h) != 0)
		return false;
	r->vr_t = t;
	r->vr_len = len;
	return true;
}

/* One vendor capability at off: map it if it is one we use. */
static void
cap_one(struct virtio_softc *vsc, unsigned off)
{
	struct pci_dev *pd = vsc->vs_pd;
	uint32_t w0 = pci_conf_read(pd, off), w1 = pci_conf_read(pd, off + 4);
	uint32_t coff = pci_conf_read(pd, off + VIRTIO_PCI_CAP_OFFSET);
	uint32_t clen = pci_conf_read(pd, off + VIRTIO_PCI_CAP_LENGTH);
	unsigned type = (w0 >> 24) & 0xff, caplen = (w0 >> 16) & 0xff;
	unsigned bar = w1 & 0xff;
	struct virtio_region *r;

	if (caplen < VIRTIO_PCI_CAP_SIZE)
		return;
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG: r = &vsc->vs_common; break;
	case VIRTIO_PCI_CAP_NOTIFY_CFG: r = &vsc->vs_notify; break;
	case VIRTIO_PCI_CAP_ISR_CFG: r = &vsc->vs_isr; break;
	case VIRTIO_PCI_CAP_DEVICE_CFG: r = &vsc->vs_devcfg; break;
	default: return;
	}
	if (r->vr_len != 0)
		return;		/* the first usable one of a type wins */
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG) {
		if (caplen < VIRTIO_PCI_NOTIFY_CAP_SIZE)
			return;
		vsc->vs_notify_mult = pci_conf_read(pd,
		    off + VIRTIO_PCI_CAP_NOTIFY_MULT);
	}
	if (type == VIRTIO_PCI_CAP_COMMON_CFG && clen < VIRTIO_CC_SIZE)
		return;
	(void)region_map(vsc, bar, coff, clen, r);
}

static int
caps_parse(struct virtio_softc *vsc)
{
	const struct pci_dev *pd = vsc->vs_pd;

	for (int i = 0; i < pd->pd_ncap && i < PCI_CAP_MAX; i++)
		if (pd->pd_capid[i] == PCI_CAP_VENDOR)
			cap_one(vsc, pd->pd_capoff[i]);
	if (vsc->vs_common.vr_len == 0) {
		aprint_error(vsc->vs_dev, "no usable virtio 1.x common "
		    "configuration (legacy-only device?)");
		return ENODEV;
	}
	if (vsc->vs_notify.vr_len == 0 || vsc->vs_isr.vr_len == 0) {
		aprint_error(vsc->vs_dev, "virtio notify or ISR capability "
		    "missing or unusable");
		return ENODEV;
	}
	return 0;
}

/* ---- Register access ---- */

static uint8_t
cc_read_1(struct virtio_softc *vsc, bus_size_t o)
{
	return bus_space_read_1(vsc->vs_common.vr_t, vsc->vs_common.vr_h, o);
}
static uint16_t
cc_read_2(struct virtio_softc *vsc, bus_size_t o)
{
	return bus_space_read_2(vsc->vs_common.vr_t, vsc->vs_common.vr_h, o);
}
static uint32_t
cc_read_4(struct virtio_softc *vsc, bus_size_t o)
{
	return bus_space_read_4(vsc->vs_common.vr_t, vsc->vs_common.vr_h, o);
}
static void
cc_write_1(struct virtio_softc *vsc, bus_size_t o, uint8_t v)
{
	bus_space_write_1(vsc->vs_common.vr_t, vsc->vs_common.vr_h, o, v);
}
static void
cc_write_2(struct virtio_softc *vsc, bus_size_t o, uint16_t v)
{
	bus_space_write_2(vsc->vs_common.vr_t, vsc->vs_common.vr_h, o, v);
}
static void
cc_write_4(struct virtio_softc *vsc, bus_size_t o, uint32_t v)
{
	bus_space_write_4(vsc->vs_common.vr_t, vsc->vs_common.vr_h, o, v);
}
/* 64-bit fields as two 32-bit halves, low first (4.1.3.1). */
static void
cc_write_8(struct virtio_softc *vsc, bus_size_t o, uint64_t v)
{
	cc_write_4(vsc, o, (uint32_t)v);
	cc_write_4(vsc, o + 4, (uint32_t)(v >> 32));
}

static void
status_set(struct virtio_softc *vsc, uint8_t bits)
{
	cc_write_1(vsc, VIRTIO_CC_STATUS,
	    (uint8_t)(cc_read_1(vsc, VIRTIO_CC_STATUS) | bits));
}

bool
virtio_needs_reset(struct virtio_softc *vsc)
{
	return (cc_read_1(vsc, VIRTIO_CC_STATUS) & VIRTIO_S_NEEDS_RESET) != 0;
}

/* Sleep about ns (no busy wait): a timed wait nobody signals. */
static void
pause_ns(uint64_t ns)
{
	kmutex_t m;
	kcondvar_t cv;

	mutex_init(&m, MUTEX_DEFAULT);
	cv_init(&cv, "virtio");
	mutex_enter(&m);
	(void)cv_timedwait_ns(&cv, &m, ns);
	mutex_exit(&m);
	cv_destroy(&cv);
	mutex_destroy(&m);
}

static void
device_reset(struct virtio_softc *vsc)
{
	uint64_t t0 = kclock_ns();

	cc_write_1(vsc, VIRTIO_CC_STATUS, 0);
	while (cc_read_1(vsc, VIRTIO_CC_STATUS) != 0) {
		if (kclock_ns() - t0 > RESET_WAIT_NS) {
			aprint_error(vsc->vs_dev, "device did not finish its "
			    "reset within 1 s (status 0x%x)",
			    cc_read_1(vsc, VIRTIO_CC_STATUS));
			return;
		}
		pause_ns(1000000);
	}
}

void
virtio_reset(struct virtio_softc *vsc)
{
	device_reset(vsc);
	for (unsigned i = 0; i < vsc->vs_nvqs; i++)
		vsc->vs_vqs[i]->vq_broken = false;
}

/* ---- Device configuration ---- */

uint8_t
virtio_cfg_read_1(struct virtio_softc *vsc, bus_size_t off)
{
	if (off + 1 > vsc->vs_devcfg.vr_len)
		return 0;
	return bus_space_read_1(vsc->vs_devcfg.vr_t, vsc->vs_devcfg.vr_h, off);
}

uint16_t
virtio_cfg_read_2(struct virtio_softc *vsc, bus_size_t off)
{
	if (off + 2 > vsc->vs_devcfg.vr_len)
		return 0;
	return bus_space_read_2(vsc->vs_devcfg.vr_t, vsc->vs_devcfg.vr_h, off);
}

void
virtio_cfg_read_bytes(struct virtio_softc *vsc, bus_size_t off, void *buf,
    unsigned len)
{
	uint8_t *p = buf, g0, g1;
	int tries = 0;

	do {
		g0 = cc_read_1(vsc, VIRTIO_CC_CFGGEN);
		for (unsigned i = 0; i < len; i++)
			p[i] = virtio_cfg_read_1(vsc, off + i);
		g1 = cc_read_1(vsc, VIRTIO_CC_CFGGEN);
	} while (g0 != g1 && ++tries < 100);
}

/* ---- Attach, features, queues ---- */

int
virtio_attach(struct virtio_softc *vsc, struct pci_attach_args *pa,
    device_t self)
{
	int rv;

	vsc->vs_dev = self;
	vsc->vs_pd = pa->pa_pd;
	vsc->vs_dmat = &bus_dma_tag_default;
	vsc->vs_line = -1;
	if ((rv = caps_parse(vsc)) != 0)
		return rv;
	device_reset(vsc);
	status_set(vsc, VIRTIO_S_ACK);
	status_set(vsc, VIRTIO_S_DRIVER);
	return 0;
}

uint64_t
virtio_device_features(struct virtio_softc *vsc)
{
	uint64_t f;

	cc_write_4(vsc, VIRTIO_CC_DFSELECT, 0);
	f = cc_read_4(vsc, VIRTIO_CC_DF);
	cc_write_4(vsc, VIRTIO_CC_DFSELECT, 1);
	return f | (uint64_t)cc_read_4(vsc, VIRTIO_CC_DF) << 32;
}

/* Write the negotiated features and confirm FEATURES_OK. */
static int
features_commit(struct virtio_softc *vsc)
{
	cc_write_4(vsc, VIRTIO_CC_GFSELECT, 0);
	cc_write_4(vsc, VIRTIO_CC_GF, (uint32_t)vsc->vs_features);
	cc_write_4(vsc, VIRTIO_CC_GFSELECT, 1);
	cc_write_4(vsc, VIRTIO_CC_GF, (uint32_t)(vsc->vs_features >> 32));
	status_set(vsc, VIRTIO_S_FEATURES_OK);
	if (!(cc_read_1(vsc, VIRTIO_CC_STATUS) & VIRTIO_S_FEATURES_OK))
		return ENOTSUP;
	return 0;
}

int
virtio_negotiate(struct virtio_softc *vsc, uint64_t wanted)
{
	uint64_t have = virtio_device_features(vsc);

	if (!(have & VIRTIO_F_VERSION_1)) {
		aprint_error(vsc->vs_dev, "device does not offer VERSION_1");
		status_set(vsc, VIRTIO_S_FAILED);
		return ENOTSUP;
	}
	vsc->vs_features = have & (wanted | VIRTIO_F_VERSION_1 |
	    VIRTIO_F_EVENT_IDX);
	if (features_commit(vsc) != 0) {
		aprint_error(vsc->vs_dev, "device refused features 0x%llx",
		    (unsigned long long)vsc->vs_features);
		status_set(vsc, VIRTIO_S_FAILED);
		return ENOTSUP;
	}
	return 0;
}

int
virtio_vq_alloc(struct virtio_softc *vsc, struct virtqueue *vq,
    unsigned index, unsigned maxsize, const char *name)
{
	uint16_t size, num;
	bus_size_t noff;
	int rv;

	if (vsc->vs_nvqs == sizeof(vsc->vs_vqs) / sizeof(vsc->vs_vqs[0]) ||
	    index >= cc_read_2(vsc, VIRTIO_CC_NUMQ))
		return ENOENT;
	cc_write_2(vsc, VIRTIO_CC_Q_SELECT, (uint16_t)index);
	if ((size = cc_read_2(vsc, VIRTIO_CC_Q_SIZE)) == 0)
		return ENOENT;
	for (num = 1; (unsigned)num * 2 <= size && num * 2u <= maxsize &&
	    num * 2u <= VQ_MAXSIZE;)
		num = (uint16_t)(num * 2);
	noff = (bus_size_t)cc_read_2(vsc, VIRTIO_CC_Q_NOFF) *
	    vsc->vs_notify_mult;
	if (noff + 2 > vsc->vs_notify.vr_len) {
		aprint_error(vsc->vs_dev, "%s: notify offset 0x%llx outside "
		    "its region", name, (unsigned long long)noff);
		return EINVAL;
	}
	vq->vq_owner = vsc;
	vq->vq_index = index;
	vq->vq_name = name;
	vq->vq_notify_off = noff;
	vq->vq_msix_vec = VIRTIO_MSI_NO_VECTOR;
	vq->vq_event_idx = virtio_has(vsc, VIRTIO_F_EVENT_IDX);
	if ((rv = vq_ring_alloc(vq, vsc->vs_dmat, num)) != 0)
		return rv;
	vsc->vs_vqs[vsc->vs_nvqs++] = vq;
	return 0;
}

void
virtio_vq_free(struct virtio_softc *vsc, struct virtqueue *vq)
{
	vq_ring_free(vq, vsc->vs_dmat);
}

/* Program one queue; EIO if the device refused its MSI-X vector. */
static int
vq_program(struct virtio_softc *vsc, struct virtqueue *vq)
{
	bus_addr_t pa = vq->vq_map->dm_segs[0].ds_addr;

	cc_write_2(vsc, VIRTIO_CC_Q_SELECT, (uint16_t)vq->vq_index);
	cc_write_2(vsc, VIRTIO_CC_Q_SIZE, vq->vq_num);
	cc_write_8(vsc, VIRTIO_CC_Q_DESC, pa);
	cc_write_8(vsc, VIRTIO_CC_Q_AVAIL, pa + vq->vq_availoff);
	cc_write_8(vsc, VIRTIO_CC_Q_USED, pa + vq->vq_usedoff);
	if (vq->vq_msix_vec != VIRTIO_MSI_NO_VECTOR) {
		cc_write_2(vsc, VIRTIO_CC_Q_MSIX, vq->vq_msix_vec);
		if (cc_read_2(vsc, VIRTIO_CC_Q_MSIX) != vq->vq_msix_vec) {
			aprint_error(vsc->vs_dev, "%s: device refused MSI-X "
			    "vector %u", vq->vq_name, vq->vq_msix_vec);
			return EIO;
		}
	}
	cc_write_2(vsc, VIRTIO_CC_Q_ENABLE, 1);
	return 0;
}

int
virtio_reinit(struct virtio_softc *vsc)
{
	uint16_t cvec = vsc->vs_intr == VIRTIO_INTR_MSIX ||
	    vsc->vs_intr == VIRTIO_INTR_MSIX_SHARED ? 0 : VIRTIO_MSI_NO_VECTOR;
	int rv;

	virtio_reset(vsc);
	status_set(vsc, VIRTIO_S_ACK);
	status_set(vsc, VIRTIO_S_DRIVER);
	if ((rv = features_commit(vsc)) != 0) {
		aprint_error(vsc->vs_dev, "device refused its features again");
		goto fail;
	}
	if (cvec != VIRTIO_MSI_NO_VECTOR) {
		cc_write_2(vsc, VIRTIO_CC_MSIX_CONFIG, cvec);
		if (cc_read_2(vsc, VIRTIO_CC_MSIX_CONFIG) != cvec) {
			aprint_error(vsc->vs_dev, "device refused MSI-X vector "
			    "%u for configuration changes", cvec);
			rv = EIO;
			goto fail;
		}
	}
	for (unsigned i = 0; i < vsc->vs_nvqs; i++) {
		vq_ring_reset(vsc->vs_vqs[i]);
		if ((rv = vq_program(vsc, vsc->vs_vqs[i])) != 0)
			goto fail;
	}
	return 0;

fail:
	status_set(vsc, VIRTIO_S_FAILED);
	return rv;
}

void
virtio_driver_ok(struct virtio_softc *vsc)
{
	status_set(vsc, VIRTIO_S_DRIVER_OK);
}

void
virtio_notify(struct virtio_softc *vsc, struct virtqueue *vq)
{
	bus_space_write_2(vsc->vs_notify.vr_t, vsc->vs_notify.vr_h,
	    vq->vq_notify_off, (uint16_t)vq->vq_index);
}

/* ---- Interrupts ---- */

static void
run_queues(struct virtio_softc *vsc)
{
	for (unsigned i = 0; i < vsc->vs_nvqs; i++)
		if (vsc->vs_vqs[i]->vq_done != NULL)
			vsc->vs_vqs[i]->vq_done(vsc->vs_vqs[i]);
}

static void
run_config(struct virtio_softc *vsc)
{
	if (vsc->vs_config_change != NULL)
		vsc->vs_config_change(vsc);
}

/* MSI-X vector 0: configuration, and the queues in shared mode. */
static int
intr_vec0(void *arg)
{
	struct virtio_softc *vsc = arg;

	if (vsc->vs_intr == VIRTIO_INTR_MSIX_SHARED)
		run_queues(vsc);
	run_config(vsc);
	return 1;
}

static int
intr_vq(void *arg)
{
	struct virtqueue *vq = arg;

	if (vq->vq_done != NULL)
		vq->vq_done(vq);
	return 1;
}

/* INTx or MSI: the ISR register (read clears it) says what happened. */
static int
intr_isr(void *arg)
{
	struct virtio_softc *vsc = arg;
	uint8_t isr = bus_space_read_1(vsc->vs_isr.vr_t, vsc->vs_isr.vr_h, 0);

	if (isr == 0)
		return 0;
	if (isr & VIRTIO_ISR_QUEUE)
		run_queues(vsc);
	if (isr & VIRTIO_ISR_CONFIG)
		run_config(vsc);
	return 1;
}

/* Vector 0 established; try one vector per queue, else share vector 0. */
static void
msix_queues(struct virtio_softc *vsc)
{
	unsigned i;
	int line;

	for (i = 0; i < vsc->vs_nvqs; i++) {
		if (pci_msix_establish(vsc->vs_pd, i + 1, intr_vq,
		    vsc->vs_vqs[i], &line) != 0)
			break;
		vsc->vs_vqs[i]->vq_msix_vec = (uint16_t)(i + 1);
	}
	vsc->vs_intr = VIRTIO_INTR_MSIX;
	if (i == vsc->vs_nvqs)
		return;
	/* Vectors already set up stay unused: the device is not told. */
	vsc->vs_intr = VIRTIO_INTR_MSIX_SHARED;
	for (i = 0; i < vsc->vs_nvqs; i++)
		vsc->vs_vqs[i]->vq_msix_vec = 0;
}

int
virtio_intr_setup(struct virtio_softc *vsc)
{
	struct pci_dev *pd = vsc->vs_pd;
	int rv;

	/* intr_vec0 reads vs_intr: shared until the queues have vectors. */
	vsc->vs_intr = VIRTIO_INTR_MSIX_SHARED;
	if (pd->pd_msix != 0 &&
	    pci_msix_establish(pd, 0, intr_vec0, vsc, &vsc->vs_line) == 0) {
		msix_queues(vsc);
		return 0;
	}
	vsc->vs_intr = VIRTIO_INTR_MSI;
	if (pd->pd_msi != 0 &&
	    pci_msi_establish(pd, intr_isr, vsc, &vsc->vs_line) == 0)
		return 0;
	vsc->vs_intr = VIRTIO_INTR_INTX;
	vsc->vs_line = pd->pd_irq;
	if ((rv = pci_intr_establish(pd, intr_isr, vsc)) == 0)
		return 0;
	vsc->vs_intr = VIRTIO_INTR_NONE;
	aprint_error(vsc->vs_dev, "no interrupt: no MSI-X, MSI or INTx "
	    "(error %d)", rv);
	return rv;
}

const char *
virtio_intr_name(const struct virtio_softc *vsc)
{
	switch (vsc->vs_intr) {
	case VIRTIO_INTR_MSIX: return "MSI-X";
	case VIRTIO_INTR_MSIX_SHARED: return "MSI-X shared";
	case VIRTIO_INTR_MSI: return "MSI";
	case VIRTIO_INTR_INTX: return "INTx";
	}
	return "no interrupt";
}

/* ---- DMA-safe driver buffers ---- */

int
virtio_dmabuf_alloc(struct virtio_softc *vsc, struct virtio_dmabuf *db,
    bus_size_t len)
{
	bus_dma_tag_t t = vsc->vs_dmat;
	int rseg, rv;
	void *va;

	db->db_len = len;
	if ((rv = bus_dmamem_alloc(t, len, 64, &db->db_seg, 1, &rseg,
	    BUS_DMA_NOWAIT)) != 0)
		return rv;
	if ((rv = bus_dmamem_map(t, &db->db_seg, 1, len, &va,
	    BUS_DMA_NOWAIT)) != 0)
		goto fail_mem;
	db->db_va = va;
	if ((rv = bus_dmamap_create(t, len, 1, len, 0, BUS_DMA_NOWAIT,
	    &db->db_map)) != 0)
		goto fail_map;
	if ((rv = bus_dmamap_load(t, db->db_map, va, len, BUS_DMA_NOWAIT)) != 0)
		goto fail_create;
	memset(va, 0, len);
	return 0;

fail_create:
	bus_dmamap_destroy(t, db->db_map);
fail_map:
	bus_dmamem_unmap(t, va, len);
fail_mem:
	bus_dmamem_free(t, &db->db_seg, 1);
	db->db_va = NULL;
	return rv;
}

bus_addr_t
virtio_dmabuf_pa(const struct virtio_dmabuf *db, bus_size_t off)
{
	return db->db_map->dm_segs[0].ds_addr + off;
}

void
virtio_dmabuf_sync(struct virtio_softc *vsc, struct virtio_dmabuf *db,
    bus_size_t off, bus_size_t len, int ops)
{
	bus_dmamap_sync(vsc->vs_dmat, db->db_map, off, len, ops);
}
