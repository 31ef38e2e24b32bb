/*
 * Internals of the PCI bus driver shared by its files: the scan state,
 * the function table and the helpers between scanning, BARs,
 * capabilities and the listing.
 */
#ifndef PCI_IMPL_H
#define PCI_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/klog.h>
#include <pci/pci.h>
#include <rump/rumpcomp_pci.h>
#include <rump/rumpuser.h>

#define PCI_MAXDEPTH 32		/* bridges nested below the host */
#define PCI_MAX64 (1ULL << 40)	/* larger BARs exceed what we map */
#define PCI_MAXIO 0x10000	/* I/O space is 64 KiB on x86 and virt */
#define PCI_IO_MIN 0x1000	/* never assign I/O below (legacy ISA) */

/* Interrupt cookies: kind, function index, vector. */
#define PCI_COOKIE_INTX 1u
#define PCI_COOKIE_MSI 2u
#define PCI_COOKIE_MSIX 3u
#define PCI_COOKIE(kind, idx, vec) ((kind) << 24 | (unsigned)(idx) << 12 | \
	(vec))

struct pci_state {
	struct rumpcomp_pci_host ps_host;
	bool ps_scanned;
	bool ps_have_host;
	int ps_nfunc;
	struct pci_dev ps_func[PCI_MAXFUNCS];
	bool ps_full_reported;
};
extern struct pci_state pci_state;

/* Bad input from the hardware: a warning (printed even under quiet). */
#define pci_warnf(...) klog(LOG_WARNING, __VA_ARGS__)

/* pci_bus.c */
uint32_t pci_conf_bdf(unsigned bus, unsigned dev, unsigned fn, unsigned reg);
void pci_conf_bdf_write(unsigned bus, unsigned dev, unsigned fn,
    unsigned reg, uint32_t v);
void pci_warn(const struct pci_dev *pd, const char *what);

/* pci_bar.c */
void pci_bars_size(struct pci_dev *pd);
void pci_assign(void);
bool pci_bus_to_cpu(uint64_t bus, bool io, uint64_t *cpu);

/* pci_cap.c */
void pci_caps_walk(struct pci_dev *pd);
void pci_intx_map(struct pci_dev *pd);
const char *pci_cap_name(uint8_t id);

#endif
