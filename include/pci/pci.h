/*
 * The PCI bus driver (drivers/pci/): enumeration of every bus behind the
 * host bridge and every bridge, BAR sizing and (where the firmware left
 * it to us) assignment, capabilities, INTx / MSI / MSI-X, the listing,
 * and the autoconf glue that makes PCI a bus of the rump kernel.
 *
 * Portable: it reaches the machine only through the rumpcomp_pci_*
 * hypercalls (<rump/rumpcomp_pci.h>) and prints through klog.
 *
 * Autoconf: the cfdriver "pci" attaches at "mainbus" when the platform
 * reports a host bridge (rumpcomp_pci_host_info). Its attach scans
 * (pci_scan), logs the listing once (pci_list, LOG_INFO: "quiet"
 * silences it, the scan's warnings stay visible), then offers every
 * function on the root bus to config_found with a struct
 * pci_attach_args. PCI-to-PCI bridges attach as "ppb", which offers the
 * functions behind it the same way; both offer the bus attribute "pci".
 * A PCI driver is an ordinary cfdriver with cd_attachto "pci": an ID
 * table and a match (usually just pci_match_ids) / attach pair.
 *
 * Only a matched function is touched: memory and I/O decoding and bus
 * mastering are turned on between match and attach. An unmatched one is
 * reported ("<class> <ids> at pci0 dev 3 function 0 not configured") and
 * left as it was; so is one with a BAR that got no address (decoding it
 * would claim whatever lies at the BAR's reset value), with a warning.
 *
 * Life cycle: pci_scan() records every function (once; later calls
 * return at once, since renumbering buses under attached drivers would
 * break them). The kernel scans at boot; an application only reads.
 *
 * Errors are errno values of the libc the rump kernel runs with (newlib
 * on bare metal, like sys/; the host's in the tests).
 * Bad hardware input (a function that reads all ones past its ID, a BAR
 * that sizes to zero or to more than the address space, a looping
 * capability list, a bridge whose bus numbers overlap another's) is
 * logged as a warning and the offending part skipped.
 */
#ifndef PCI_PCI_H
#define PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include <kern/device.h>
#include <pci/pcireg.h>

#define PCI_MAXFUNCS 256	/* functions recorded in one scan */

/* Kinds of BAR; pb_kind. */
#define PCI_BAR_KIND_NONE 0	/* not implemented, or skipped */
#define PCI_BAR_KIND_IO 1
#define PCI_BAR_KIND_MEM32 2
#define PCI_BAR_KIND_MEM64 3	/* occupies two registers */

struct pci_bar {
	uint8_t pb_reg;		/* BAR number, 0..5 */
	uint8_t pb_kind;
	bool pb_prefetch;
	bool pb_assigned;	/* pb_bus is a real address */
	uint64_t pb_bus;	/* the address the BAR holds */
	uint64_t pb_cpu;	/* where the CPU reaches it (map this) */
	uint64_t pb_size;
};

/* pd_flags: what the scan found wrong (the part was skipped). */
#define PCI_DEVF_BADBAR 0x1	/* a BAR was skipped */
#define PCI_DEVF_BADCAP 0x2	/* the capability list was cut */
#define PCI_DEVF_BRIDGE_OFF 0x4	/* nothing behind this bridge scanned */
#define PCI_DEVF_ENABLED 0x8	/* decoding enabled for a driver */

struct pci_dev {
	uint8_t pd_bus, pd_dev, pd_fn;
	uint8_t pd_hdrtype;	/* PCI_HDRTYPE_* */
	uint16_t pd_vendor, pd_device;
	uint32_t pd_class;	/* class register: class.sub.if.revision */
	uint8_t pd_pin;		/* 0 none, 1..4 INTA..INTD */
	uint8_t pd_line;	/* Interrupt Line register */
	int pd_irq;		/* platform line of INTx, -1 if none */
	unsigned pd_flags;
	int pd_index;		/* in the scan's table */
	int pd_parent;		/* bridge above (index), -1 on the root bus */
	/* Bridges: the bus numbers they forward, as programmed. */
	uint8_t pd_secbus, pd_subbus;
	int pd_nbar;
	struct pci_bar pd_bar[PCI_NBAR_DEVICE];
	int pd_ncap;
	uint8_t pd_capid[PCI_CAP_MAX];
	uint8_t pd_capoff[PCI_CAP_MAX];
	uint8_t pd_msi, pd_msix, pd_pcie;	/* capability offsets, or 0 */
	device_t pd_self;	/* the device attached to it, or NULL */
};

/* A driver ID: vendor and device; PCI_ID_ANY matches any device ID. */
#define PCI_ID_ANY 0xffff
struct pci_id {
	uint16_t pi_vendor;
	uint16_t pi_device;
};

/*
 * What a PCI driver's match and attach get as aux. pa_pd is the scan's
 * record (it lives as long as the kernel); the rest are copies for
 * matching. pa_bar[i] is BAR register i (PCI_BAR_KIND_NONE if absent or
 * skipped).
 */
struct pci_attach_args {
	unsigned pa_bus, pa_device, pa_function;
	uint16_t pa_vendor, pa_product;
	uint32_t pa_class;		/* class.sub.if.revision */
	uint8_t pa_intrpin;		/* 0 none, 1..4 INTA..INTD */
	uint8_t pa_intrline;		/* Interrupt Line register */
	int pa_irq;			/* platform line of INTx, -1 if none */
	int pa_nbar;
	const struct pci_bar *pa_bar;
	struct pci_dev *pa_pd;
};

/*
 * Match helper: 1 if the function's IDs are in ids (ending with
 * pi_vendor == 0), else 0. A match function returns its result, or a
 * higher priority to win over a generic driver.
 */
int pci_match_ids(const struct pci_id *ids, const struct pci_attach_args *pa);

/* The scan (done by the "pci" device's attach at boot). 0 or ENODEV. */
int pci_scan(void);
void pci_scan_reset(void);	/* tests: forget the scan */

/*
 * The listing, one line at a time (without '\n') to out; pci_list()
 * logs it (LOG_INFO). Owners are the attached devices' names.
 */
typedef void (*pci_out_t)(void *arg, const char *line);
void pci_list_to(pci_out_t out, void *arg);
void pci_list(void);

/* The scan's functions, in scan order (depth first). */
int pci_nfuncs(void);
struct pci_dev *pci_func(int i);
struct pci_dev *pci_find(unsigned bus, unsigned dev, unsigned fn);
/* The function a device attached to, or NULL. */
struct pci_dev *pci_dev_of(device_t dev);

/* The name the demo table gives a known device, or NULL. */
const char *pci_known_name(uint16_t vendor, uint16_t device);
/* A short name of a class register's class and subclass ("ethernet"). */
const char *pci_class_name(uint32_t class);

/* Configuration space of a recorded function (32-bit, aligned). */
uint32_t pci_conf_read(const struct pci_dev *pd, unsigned reg);
void pci_conf_write(const struct pci_dev *pd, unsigned reg, uint32_t v);
/* Set bits in the command register (PCI_CMD_*). */
void pci_command_set(struct pci_dev *pd, uint32_t bits);

/* A capability's offset, or 0. */
unsigned pci_cap_find(const struct pci_dev *pd, uint8_t id);
/* A virtual address for an assigned memory BAR, or NULL. */
void *pci_bar_map(const struct pci_dev *pd, int reg);

/*
 * Interrupts; handlers run in thread context with a rump kernel CPU
 * held (through kintr_establish, <kern/intr.h>) and return nonzero when
 * the interrupt was theirs. 0 or an errno value: ENODEV (no such
 * interrupt), EOPNOTSUPP (no MSI on this machine), EIO (the hypercall
 * failed to attach the handler).
 */
int pci_intr_establish(struct pci_dev *pd, int (*fn)(void *), void *arg);
int pci_msi_establish(struct pci_dev *pd, int (*fn)(void *), void *arg,
    int *linep);
int pci_msix_establish(struct pci_dev *pd, unsigned vec, int (*fn)(void *),
    void *arg, int *linep);

#endif
