/*
 * ACPI table discovery: the RSDP (from the boot loader, else the BIOS
 * areas), the RSDT or XSDT, and from them the MADT (local APIC address,
 * I/O APICs, ISA interrupt source overrides) and the FADT and DSDT (for
 * power-off, the RTC century, the PM timer and the AML interpreter, which
 * also takes every SSDT: acpi_find_table_n). Every table's checksum
 * is verified; a bad one is reported and ignored.
 *
 * acpi_find_rsdp() runs before mmu_init() because the BIOS data area
 * lives in page 0, which the final page tables leave unmapped.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/bootinfo.h>
#include <bmk/cons.h>
#include <x86/acpi.h>
#include <x86/arch.h>
#include <x86/cpu.h>

#define BDA_EBDA_SEGMENT 0x40e
#define EBDA_SCAN_LEN 1024
#define BIOS_ROM_START 0xe0000
#define BIOS_ROM_END 0x100000
#define TABLE_MAX_LEN (16u << 20)	/* sanity bound on ah_length */

struct acpi_info acpi_info;
static uintptr_t rsdp_addr;
static uintptr_t root_table;		/* validated RSDT or XSDT */
static bool root_is_xsdt;

static uint8_t
acpi_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len-- > 0)
		s += *b++;
	return s;
}

static bool
sig_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static bool
ensure_mapped(uint64_t pa, uint64_t len)
{
	if (mmu_is_mapped(pa) && mmu_is_mapped(pa + len - 1))
		return true;
	return mmu_map_mmio(pa, len) == 0;
}

static bool
rsdp_valid(uintptr_t pa)
{
	const struct acpi_rsdp *r = (const struct acpi_rsdp *)pa;

	if (!sig_eq(r->rp_sig, "RSD PTR ", 8) ||
	    acpi_sum(r, ACPI_RSDP_V1_LEN) != 0)
		return false;
	return r->rp_revision < 2 || (r->rp_length >= sizeof(*r) &&
	    r->rp_length < 4096 && acpi_sum(r, r->rp_length) == 0);
}

/* The signature is compared as one 64-bit word: 8K probes of the ROM. */
static uintptr_t
rsdp_scan(uintptr_t start, uintptr_t end)
{
	uint64_t sig;

	__builtin_memcpy(&sig, "RSD PTR ", 8);
	for (uintptr_t pa = start; pa + sizeof(struct acpi_rsdp) <= end;
	    pa += 16)
		if (*(const uint64_t *)pa == sig && rsdp_valid(pa))
			return pa;
	return 0;
}

void
acpi_find_rsdp(const struct bootinfo *bi)
{
	uintptr_t ebda;

	if (bi->bi_rsdp != 0) {
		if (rsdp_valid(bi->bi_rsdp)) {
			rsdp_addr = bi->bi_rsdp;
			return;
		}
		cons_printf("acpi: RSDP from the boot loader at 0x%llx is "
		    "invalid; scanning\n", (unsigned long long)bi->bi_rsdp);
	}
	ebda = (uintptr_t)phys_read16(BDA_EBDA_SEGMENT) << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		rsdp_addr = rsdp_scan(ebda, ebda + EBDA_SCAN_LEN);
	if (rsdp_addr == 0)
		rsdp_addr = rsdp_scan(BIOS_ROM_START, BIOS_ROM_END);
}

/* A mapped table with a valid checksum (and signature, if sig), or 0. */
static uintptr_t
acpi_table_at(uint64_t pa, const char *sig)
{
	const struct acpi_header *h = (const struct acpi_header *)(uintptr_t)pa;

	if (pa == 0 || !ensure_mapped(pa, sizeof(*h)))
		return 0;
	if (sig != NULL && !sig_eq(h->ah_sig, sig, 4))
		return 0;
	if (h->ah_length < sizeof(*h) || h->ah_length > TABLE_MAX_LEN ||
	    !ensure_mapped(pa, h->ah_length)) {
		cons_printf("acpi: table %.4s at 0x%llx has a bad length; "
		    "ignored\n", h->ah_sig, (unsigned long long)pa);
		return 0;
	}
	if (acpi_sum(h, h->ah_length) != 0) {
		cons_printf("acpi: table %.4s at 0x%llx has a bad checksum; "
		    "ignored\n", h->ah_sig, (unsigned long long)pa);
		return 0;
	}
	return (uintptr_t)pa;
}

static unsigned
root_entries(void)
{
	const struct acpi_header *h = (const struct acpi_header *)root_table;

	return (h->ah_length - sizeof(*h)) / (root_is_xsdt ? 8 : 4);
}

static uint64_t
root_entry(unsigned i)
{
	const uint8_t *p = (const uint8_t *)root_table +
	    sizeof(struct acpi_header);
	uint64_t v64;
	uint32_t v32;

	if (root_is_xsdt) {
		__builtin_memcpy(&v64, p + 8 * i, 8);	/* may be unaligned */
		return v64;
	}
	__builtin_memcpy(&v32, p + 4 * i, 4);
	return v32;
}

uintptr_t
acpi_find_table_n(const char sig[4], unsigned n)
{
	const struct acpi_header *h;
	uint64_t pa;

	if (root_table == 0)
		return 0;
	for (unsigned i = 0; i < root_entries(); i++) {
		pa = root_entry(i);
		if (pa == 0 || !ensure_mapped(pa, sizeof(*h)))
			continue;
		h = (const struct acpi_header *)(uintptr_t)pa;
		if (sig_eq(h->ah_sig, sig, 4) && acpi_table_at(pa, sig) != 0 &&
		    n-- == 0)
			return (uintptr_t)pa;
	}
	return 0;
}

uintptr_t
acpi_find_table(const char sig[4])
{
	return acpi_find_table_n(sig, 0);
}

static bool
acpi_find_root(void)
{
	const struct acpi_rsdp *r = (const struct acpi_rsdp *)rsdp_addr;

	if (r->rp_revision >= 2 && r->rp_xsdt != 0 &&
	    (root_table = acpi_table_at(r->rp_xsdt, "XSDT")) != 0) {
		root_is_xsdt = true;
		return true;
	}
	root_table = acpi_table_at(r->rp_rsdt, "RSDT");
	return root_table != 0;
}

static void
madt_override(const struct madt_override *o)
{
	struct acpi_isa_route *isa;
	unsigned pol = o->mo_flags & MPS_POLARITY_MASK;
	unsigned trig = o->mo_flags & MPS_TRIGGER_MASK;

	if (o->mo_bus != 0 || o->mo_source >= ACPI_ISA_IRQS)
		return;
	isa = &acpi_info.ac_isa[o->mo_source];
	isa->ar_gsi = o->mo_gsi;
	isa->ar_active_low = pol == MPS_POLARITY_LOW;	/* ISA default high */
	isa->ar_level = trig == MPS_TRIGGER_LEVEL;	/* ISA default edge */
}

static void
madt_entry(const struct madt_entry *e)
{
	const struct madt_ioapic *io = (const void *)e;
	struct acpi_ioapic *ai;

	switch (e->me_type) {
	case MADT_IOAPIC:
		if (e->me_length < sizeof(*io) ||
		    acpi_info.ac_nioapic == ACPI_MAX_IOAPIC)
			return;
		ai = &acpi_info.ac_ioapic[acpi_info.ac_nioapic++];
		ai->ai_id = io->mi_id;
		ai->ai_addr = io->mi_addr;
		ai->ai_gsi_base = io->mi_gsi_base;
		return;
	case MADT_OVERRIDE:
		if (e->me_length >= sizeof(struct madt_override))
			madt_override((const void *)e);
		return;
	case MADT_LAPIC_ADDR:
		if (e->me_length >= sizeof(struct madt_lapic_addr))
			acpi_info.ac_lapic_addr =
			    ((const struct madt_lapic_addr *)e)->ml_addr;
		return;
	}
}

static void
madt_parse(uintptr_t madt)
{
	const struct acpi_madt *m = (const struct acpi_madt *)madt;
	uintptr_t p = madt + sizeof(*m), end = madt + m->am_hdr.ah_length;

	acpi_info.ac_lapic_addr = m->am_lapic_addr;
	while (p + sizeof(struct madt_entry) <= end) {
		const struct madt_entry *e = (const struct madt_entry *)p;
		if (e->me_length < sizeof(*e) || p + e->me_length > end) {
			cons_printf("acpi: MADT entry at offset %lu is "
			    "malformed; rest ignored\n", p - madt);
			break;
		}
		madt_entry(e);
		p += e->me_length;
	}
	acpi_info.ac_have_madt = true;
}

/*
 * The PM timer: X_PM_TMR_BLK if it names an I/O port (ACPI 2.0+), else
 * PM_TMR_BLK when PM_TMR_LEN says the block exists. Memory-mapped PM
 * timers are not used.
 */
static void
fadt_pmtimer(const uint8_t *f, uint32_t len)
{
	struct acpi_gas gas;
	uint32_t port = 0, flags = 0;

	if (len >= FADT_X_PM_TMR_BLK + sizeof(gas)) {
		__builtin_memcpy(&gas, f + FADT_X_PM_TMR_BLK, sizeof(gas));
		if (gas.ag_space == ACPI_GAS_IO && gas.ag_addr <= 0xfffc)
			port = (uint32_t)gas.ag_addr;
	}
	if (port == 0 && len > FADT_PM_TMR_LEN && f[FADT_PM_TMR_LEN] == 4)
		__builtin_memcpy(&port, f + FADT_PM_TMR_BLK, 4);
	if (port == 0 || port > 0xfffc)
		return;
	if (len >= FADT_FLAGS + 4)
		__builtin_memcpy(&flags, f + FADT_FLAGS, 4);
	acpi_info.ac_pmtmr_port = (uint16_t)port;
	acpi_info.ac_pmtmr_bits = (flags & FADT_TMR_VAL_EXT) ? 32 : 24;
}

static void
fadt_parse(uintptr_t fadt)
{
	const struct acpi_header *h = (const struct acpi_header *)fadt;
	const uint8_t *f = (const uint8_t *)fadt;
	uint64_t dsdt = 0;
	uint32_t d32;

	acpi_info.ac_fadt = fadt;
	if (h->ah_length > FADT_CENTURY)
		acpi_info.ac_century = f[FADT_CENTURY];
	fadt_pmtimer(f, h->ah_length);
	if (h->ah_length >= FADT_X_DSDT + 8)
		__builtin_memcpy(&dsdt, f + FADT_X_DSDT, 8);
	if (dsdt == 0) {
		__builtin_memcpy(&d32, f + FADT_DSDT, 4);
		dsdt = d32;
	}
	acpi_info.ac_dsdt = acpi_table_at(dsdt, "DSDT");
}

void
acpi_init(void)
{
	uintptr_t t;

	for (int irq = 0; irq < ACPI_ISA_IRQS; irq++)
		acpi_info.ac_isa[irq].ar_gsi = (uint32_t)irq;
	if (rsdp_addr == 0) {
		cons_logf("acpi: no RSDP found\n");
		return;
	}
	if (!acpi_find_root()) {
		cons_printf("acpi: no valid RSDT/XSDT\n");
		return;
	}
	if ((t = acpi_find_table("APIC")) != 0)
		madt_parse(t);
	if ((t = acpi_find_table("FACP")) != 0)
		fadt_parse(t);
	cons_logf("acpi: RSDP at 0x%lx, %s; MADT %s, %d I/O APIC(s); "
	    "FADT %s\n", rsdp_addr, root_is_xsdt ? "XSDT" : "RSDT",
	    acpi_info.ac_have_madt ? "found" : "missing",
	    acpi_info.ac_nioapic, acpi_info.ac_fadt ? "found" : "missing");
}
