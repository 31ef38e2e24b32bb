/*
 * The platform contract's PCI part: what hypercall-bm's rumpcomp_pci_*
 * needs from the board to reach a PCI host bridge. Implemented per arch
 * in arch/<isa>/pci.c:
 *
 *	x86	configuration by ECAM when ACPI has an MCFG entry for
 *		segment 0 (q35), else by mechanism #1, ports 0xcf8/0xcfc
 *		(pc); the firmware assigned BARs and bus numbers; INTx is
 *		the Interrupt Line register (ISA IRQ / GSI); MSI goes to
 *		the local APIC on a vector no I/O APIC input uses.
 *	arm	the device tree's "pci-host-ecam-generic" node: ECAM from
 *		reg, buses from bus-range, windows from ranges, INTx from
 *		interrupt-map. Nothing was assigned: the bus driver does it.
 *
 * Kept apart from <bmk/platform.h>. Everything here may be called from
 * thread context only, after bmk_start.
 */
#ifndef BMK_PLATFORM_PCI_H
#define BMK_PLATFORM_PCI_H

#include <stdbool.h>
#include <stdint.h>

/* An address window of the host bridge (flags may be combined). */
#define PLAT_PCI_WIN_IO 0x1
#define PLAT_PCI_WIN_MEM 0x2
#define PLAT_PCI_WIN_PREFETCH 0x4
#define PLAT_PCI_WIN_64 0x8	/* 64-bit memory space */
struct plat_pci_window {
	unsigned pw_flags;
	uint64_t pw_bus;	/* first address on the PCI side */
	uint64_t pw_cpu;	/* where the CPU sees it */
	uint64_t pw_size;
};

#define PLAT_PCI_MAXWIN 8
struct plat_pci_host {
	unsigned ph_busmin;	/* bus numbers behind the host bridge */
	unsigned ph_busmax;
	bool ph_assign;		/* firmware assigned nothing: we must */
	unsigned ph_conf_size;	/* 256 (mechanism #1) or 4096 (ECAM) */
	int ph_nwin;
	struct plat_pci_window ph_win[PLAT_PCI_MAXWIN];
	const char *ph_desc;	/* "ECAM at 0x...", for the boot log */
};

/*
 * The host bridge, found on first use; NULL if the machine has none
 * (no MCFG and no mechanism #1 on x86, no ECAM node on ARM).
 */
const struct plat_pci_host *plat_pci_host(void);

/*
 * One aligned dword of function bus:dev.fn's configuration space, reg <
 * ph_conf_size. 0, or ENODEV outside the host's buses (a read then gives
 * all ones, as an empty slot does).
 */
int plat_pci_conf_read(unsigned bus, unsigned dev, unsigned fn, unsigned reg,
    uint32_t *v);
int plat_pci_conf_write(unsigned bus, unsigned dev, unsigned fn, unsigned reg,
    uint32_t v);

/*
 * Legacy INTx: the platform line a function's interrupt pin reaches.
 * pi_line is the Interrupt Line register (what x86 firmware routed);
 * pi_rootdev/pi_rootfn/pi_rootpin the function on the host's first bus
 * and the pin after the swizzle of every bridge in between (what the
 * device tree's interrupt-map is keyed by). Returns the line, or -1.
 */
struct plat_pci_intx {
	unsigned pi_bus, pi_dev, pi_fn, pi_pin;	/* pin 1..4 = INTA..D */
	unsigned pi_line;
	unsigned pi_rootdev, pi_rootfn, pi_rootpin;
};
int plat_pci_intx_line(const struct plat_pci_intx *pi);

/*
 * A message-signalled interrupt for function bus:dev.fn: a free platform
 * line and the message (address, data) that raises it. 0, ENOSPC (no
 * line left) or EOPNOTSUPP (no MSI on this machine). The function
 * matters where the interrupt controller translates per requester (an
 * ARM GICv3 ITS).
 */
int plat_pci_msi_alloc(unsigned bus, unsigned dev, unsigned fn, int *linep,
    uint64_t *addrp, uint32_t *datap);

/* Map [pa, pa + len) as uncached device memory. 0 or an errno value. */
int plat_mmu_map_device(uint64_t pa, uint64_t len);

#endif
