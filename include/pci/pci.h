/*
 * The PCI bus driver (drivers/pci/): enumeration of every bus behind the
 * host bridge and every bridge, BAR sizing and (where the firmware left
 * it to us) assignment, capabilities, INTx / MSI / MSI-X, the listing,
 * and a driver table with separate match and attach steps.
 *
 * Portable: it reaches the machine only through the rumpcomp_pci_*
 * hypercalls (<rump/rumpcomp_pci.h>) and prints with rumpuser_dprintf.
 *
 * Life cycle: pci_scan() records every function (once; later calls
 * return at once, since renumbering buses under attached drivers would
 * break them); pci_list() prints them; pci_attach_all() offers each function
 * to the registered drivers in registration order. A function no driver
 * takes is listed and otherwise left alone: its BARs are sized (and, on
 * machines without firmware, given addresses), but memory and I/O
 * decoding and bus mastering stay as they were. pci_init() scans,
 * attaches (printing "NAME at pci BB:DD.F: attached" per driver) and
 * lists; the kernel calls it once at boot.
 *
 * Errors are errno values of the libc the rump kernel runs with (newlib
 * on bare metal, like sys/; the host's in the tests).
 * Bad hardware input (a function that reads all ones past its ID, a BAR
 * that sizes to zero or to more than the address space, a looping
 * capability list, a bridge whose bus numbers overlap another's) is
 * reported on the console and the offending part skipped.
 */
#ifndef PCI_PCI_H
#define PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include <pci/pcireg.h>

#define PCI_MAXFUNCS 256	/* functions recorded in one scan */
#define PCI_MAXDRIVERS 32

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

struct pci_driver;

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
	const struct pci_driver *pd_driver;
	void *pd_softc;		/* the driver's */
};

/* A driver ID: vendor and device; PCI_ID_ANY matches any device ID. */
#define PCI_ID_ANY 0xffff
struct pci_id {
	uint16_t pi_vendor;
	uint16_t pi_device;
};

struct pci_driver {
	const char *pdr_name;
	const struct pci_id *pdr_ids;	/* ends with pi_vendor == 0 */
	/* Optional, after an ID matched: 0 declines the function. */
	int (*pdr_match)(const struct pci_dev *pd);
	/* Decoding and bus mastering are on. 0 or an errno value. */
	int (*pdr_attach)(struct pci_dev *pd);
};

/* Scan, list, attach: the boot entry. 0, or ENODEV if there is no PCI. */
int pci_init(void);
int pci_scan(void);
void pci_scan_reset(void);	/* tests: forget the scan */
void pci_list(void);
void pci_list_tree(void);	/* the device tree, indented by bus */
int pci_attach_all(void);

/* The scan's functions, in scan order (depth first). */
int pci_nfuncs(void);
struct pci_dev *pci_func(int i);
struct pci_dev *pci_find(unsigned bus, unsigned dev, unsigned fn);

/* Drivers: 0, EINVAL (no name, IDs or attach) or ENOSPC. */
int pci_driver_register(const struct pci_driver *drv);
void pci_drivers_clear(void);	/* tests */
/* The name the demo table gives a known device, or NULL. */
const char *pci_known_name(uint16_t vendor, uint16_t device);

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
 * Interrupts; handlers run in thread context and return nonzero when
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
