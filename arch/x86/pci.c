/*
 * The PCI host bridge of a PC (<bmk/platform_pci.h>).
 *
 * Configuration access: ECAM when the ACPI MCFG table (PCI Firmware
 * Specification 3.0, 4.1.2) has an entry for segment 0 (q35: the MCH's
 * PCIEXBAR), else configuration mechanism #1 (PCI Local Bus 3.0,
 * 3.2.2.3.2): an address dword to port 0xcf8, data through 0xcfc (pc:
 * the i440FX). Only segment 0 is used.
 *
 * Resources: the firmware (SeaBIOS, OVMF) numbered the buses and assigned
 * every BAR; we keep all of it.
 *
 * INTx: with an I/O APIC, the host bridge's _PRT, evaluated in APIC mode
 * by the AML interpreter (aml_*.c) on first use, says which GSI each
 * slot's pin reaches and how it is triggered; the function's root
 * device and pin (after the bridge swizzle) select the entry, for every
 * function of that device. Without an I/O APIC, a DSDT or a _PRT, or
 * when the interpreter fails or the table has no entry for the pin, the
 * Interrupt Line register is used: the ISA IRQ the firmware routed the
 * pin to (lines 16 and up are GSIs, irq.c). 0 or 0xff there means not
 * routed: no interrupt. The boot log says once which source is in use.
 *
 * MSI (Intel SDM vol. 3, 11.11): address 0xfee00000 with the boot CPU's
 * APIC ID, fixed delivery, edge; the data is the vector. irq.c maps
 * vector VEC_IOAPIC_BASE + n to platform line n, and a line that no I/O
 * APIC input backs has nothing to mask, so lines above the last GSI
 * serve as MSI lines with no change to the interrupt code. Needs the
 * local APIC (no MSI in the 8259 fallback mode).
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/platform.h>
#include <bmk/platform_pci.h>
#include <x86/acpi.h>
#include <x86/aml.h>
#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/ioapic.h>
#include <x86/vectors.h>

#define CONF1_ADDR 0xcf8
#define CONF1_DATA 0xcfc
#define CONF1_ENABLE 0x80000000u
#define MCFG_ENTRIES_OFF 44		/* header (36) + reserved (8) */
#define MCFG_ENTRY_SIZE 16
#define ECAM_BUS_SIZE (1UL << 20)
#define MSI_ADDR_BASE 0xfee00000u
#define MSI_ADDR_DEST_SHIFT 12
#define PRT_MAX 256

struct mcfg_entry {
	uint64_t me_base;
	uint16_t me_segment;
	uint8_t me_busmin;
	uint8_t me_busmax;
	uint32_t me_reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct mcfg_entry) == MCFG_ENTRY_SIZE, "MCFG entry");

static struct plat_pci_host host;
static bool host_probed, host_found;
static uintptr_t ecam_base;		/* 0: mechanism #1 */
static char host_desc[64];
static int msi_next = -1;		/* next MSI line, counting down */
static int msi_floor;			/* lines below are I/O APIC inputs */
static struct aml_prt prt[PRT_MAX];
static int nprt = -1;			/* -1: not evaluated yet */

/* Segment 0's entry of the MCFG table, mapped; false if none. */
static bool
mcfg_find(void)
{
	const struct acpi_header *h;
	struct mcfg_entry e;
	uintptr_t t = acpi_find_table("MCFG");

	if (t == 0)
		return false;
	h = (const struct acpi_header *)t;
	for (uint32_t off = MCFG_ENTRIES_OFF;
	    off + MCFG_ENTRY_SIZE <= h->ah_length; off += MCFG_ENTRY_SIZE) {
		__builtin_memcpy(&e, (const uint8_t *)t + off, sizeof(e));
		if (e.me_segment != 0 || e.me_busmin > e.me_busmax ||
		    e.me_base == 0 || (e.me_base & (ECAM_BUS_SIZE - 1)) != 0)
			continue;
		if (mmu_map_mmio(e.me_base + e.me_busmin * ECAM_BUS_SIZE,
		    (e.me_busmax - e.me_busmin + 1UL) * ECAM_BUS_SIZE) != 0) {
			cons_printf("pci: cannot map ECAM at 0x%llx\n",
			    (unsigned long long)e.me_base);
			continue;
		}
		ecam_base = e.me_base;
		host.ph_busmin = e.me_busmin;
		host.ph_busmax = e.me_busmax;
		return true;
	}
	return false;
}

/* Mechanism #1 exists if the address register keeps what we write. */
static bool
conf1_probe(void)
{
	unsigned long s = plat_intr_disable();
	uint32_t old = inl(CONF1_ADDR), v;

	outl(CONF1_ADDR, CONF1_ENABLE);
	v = inl(CONF1_ADDR);
	outl(CONF1_ADDR, old);
	plat_intr_restore(s);
	return v == CONF1_ENABLE;
}

const struct plat_pci_host *
plat_pci_host(void)
{
	if (host_probed)
		return host_found ? &host : NULL;
	host_probed = true;
	if (mcfg_find()) {
		host.ph_conf_size = 4096;
		cons_snprintf(host_desc, sizeof(host_desc),
		    "ECAM at 0x%lx (ACPI MCFG)", (unsigned long)ecam_base);
	} else if (conf1_probe()) {
		host.ph_busmin = 0;
		host.ph_busmax = 255;
		host.ph_conf_size = 256;
		cons_snprintf(host_desc, sizeof(host_desc),
		    "configuration mechanism #1 (ports 0xcf8/0xcfc)");
	} else {
		return NULL;
	}
	host.ph_assign = false;
	host.ph_nwin = 0;
	host.ph_desc = host_desc;
	host_found = true;
	return &host;
}

static bool
conf_ok(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return plat_pci_host() != NULL && bus >= host.ph_busmin &&
	    bus <= host.ph_busmax && dev < 32 && fn < 8 &&
	    reg < host.ph_conf_size && (reg & 3) == 0;
}

static uintptr_t
ecam_addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return ecam_base + ((uintptr_t)bus << 20) + (dev << 15) + (fn << 12) +
	    reg;
}

static uint32_t
conf1_addr(unsigned bus, unsigned dev, unsigned fn, unsigned reg)
{
	return CONF1_ENABLE | bus << 16 | dev << 11 | fn << 8 | reg;
}

int
plat_pci_conf_read(unsigned bus, unsigned dev, unsigned fn, unsigned reg,
    uint32_t *v)
{
	unsigned long s;

	*v = 0xffffffffu;
	if (!conf_ok(bus, dev, fn, reg))
		return ENODEV;
	if (ecam_base != 0) {
		*v = mmio_read32(ecam_addr(bus, dev, fn, reg));
		return 0;
	}
	s = plat_intr_disable();
	outl(CONF1_ADDR, conf1_addr(bus, dev, fn, reg));
	*v = inl(CONF1_DATA);
	plat_intr_restore(s);
	return 0;
}

int
plat_pci_conf_write(unsigned bus, unsigned dev, unsigned fn, unsigned reg,
    uint32_t v)
{
	unsigned long s;

	if (!conf_ok(bus, dev, fn, reg))
		return ENODEV;
	if (ecam_base != 0) {
		mmio_write32(ecam_addr(bus, dev, fn, reg), v);
		return 0;
	}
	s = plat_intr_disable();
	outl(CONF1_ADDR, conf1_addr(bus, dev, fn, reg));
	outl(CONF1_DATA, v);
	plat_intr_restore(s);
	return 0;
}

/* The _PRT, once; nprt stays 0 if there is none we can use. */
static void
prt_load(void)
{
	const char *why = NULL;
	int n = 0;

	if (!irq_using_apic())
		why = "8259 PIC mode, no I/O APIC";
	else
		n = aml_hw_pci_routes(prt, PRT_MAX, &why);
	nprt = n > 0 ? n : 0;
	if (nprt > 0)
		cons_logf("pci: INTx routing from ACPI _PRT (%d entries)\n",
		    nprt);
	else
		cons_logf("pci: INTx routing from firmware Interrupt Line "
		    "registers (%s)\n", why != NULL ? why : "no _PRT");
}

static int
prt_line(const struct plat_pci_intx *pi)
{
	for (int i = 0; i < nprt; i++)
		if (prt[i].ap_dev == pi->pi_rootdev &&
		    prt[i].ap_pin + 1u == pi->pi_rootpin)
			return irq_gsi_line(prt[i].ap_gsi, prt[i].ap_level,
			    prt[i].ap_active_low);
	return -1;
}

/* The _PRT's routing, else the firmware's: an ISA IRQ or a GSI. */
int
plat_pci_intx_line(const struct plat_pci_intx *pi)
{
	int line;

	if (pi->pi_pin < 1 || pi->pi_pin > 4)
		return -1;
	if (nprt < 0)
		prt_load();
	if ((line = prt_line(pi)) >= 0)
		return line;
	if (pi->pi_line == 0 || pi->pi_line >= PLAT_NIRQ)
		return -1;
	return (int)pi->pi_line;
}

/* One past the highest GSI any I/O APIC has (its version register). */
static int
gsi_end(void)
{
	uint32_t end = 16, ver, last;
	unsigned long s;

	for (int i = 0; i < acpi_info.ac_nioapic; i++) {
		const struct acpi_ioapic *io = &acpi_info.ac_ioapic[i];
		s = plat_intr_disable();
		mmio_write32(io->ai_addr + IOAPIC_REGSEL, IOAPIC_REG_VER);
		ver = mmio_read32(io->ai_addr + IOAPIC_WIN);
		plat_intr_restore(s);
		last = io->ai_gsi_base + IOAPIC_VER_MAXREDIR(ver) + 1;
		if (last > end)
			end = last;
	}
	return end > PLAT_NIRQ ? PLAT_NIRQ : (int)end;
}

int
plat_pci_msi_alloc(unsigned bus, unsigned dev, unsigned fn, int *linep,
    uint64_t *addrp, uint32_t *datap)
{
	(void)bus;	/* the local APIC does not care who writes */
	(void)dev;
	(void)fn;
	if (!irq_using_apic())
		return EOPNOTSUPP;
	if (msi_next < 0) {
		msi_floor = gsi_end();
		msi_next = PLAT_NIRQ - 1;
	}
	if (msi_next < msi_floor)
		return ENOSPC;
	*linep = msi_next--;
	*addrp = MSI_ADDR_BASE | lapic_id() << MSI_ADDR_DEST_SHIFT;
	*datap = VEC_IOAPIC_BASE + (uint32_t)*linep;
	return 0;
}

int
plat_mmu_map_device(uint64_t pa, uint64_t len)
{
	if (len == 0 || pa + len < pa)
		return EINVAL;
	if (mmu_is_mapped(pa) && mmu_is_mapped(pa + len - 1) &&
	    pa + len <= (4ULL << 30))
		return 0;	/* the boot map has [0, 4 GiB) uncached */
	return mmu_map_mmio(pa, len);
}
