/*
 * I/O APICs: each owns the GSIs [gsi_base, gsi_base + inputs). Entries are
 * programmed masked, fixed delivery to the boot CPU's APIC ID in physical
 * mode; irq.c unmasks them on demand.
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/platform.h>
#include <x86/arch.h>
#include <x86/cpu.h>
#include <x86/ioapic.h>

struct ioapic {
	uintptr_t io_base;
	uint32_t io_gsi_base;
	uint32_t io_inputs;
};
static struct ioapic ioapics[ACPI_MAX_IOAPIC];
static int nioapic;

static uint32_t
ioapic_read(const struct ioapic *io, uint32_t reg)
{
	unsigned long s = plat_intr_disable();
	uint32_t v;

	/*
	 * Select and window are one access: interrupt handlers mask lines
	 * through the same pair, so keep them from running in between.
	 */
	mmio_write32(io->io_base + IOAPIC_REGSEL, reg);
	v = mmio_read32(io->io_base + IOAPIC_WIN);
	plat_intr_restore(s);
	return v;
}

static void
ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t v)
{
	unsigned long s = plat_intr_disable();

	mmio_write32(io->io_base + IOAPIC_REGSEL, reg);
	mmio_write32(io->io_base + IOAPIC_WIN, v);
	plat_intr_restore(s);
}

int
ioapic_add(uint8_t id, uint32_t paddr, uint32_t gsi_base)
{
	struct ioapic *io;

	if (nioapic == ACPI_MAX_IOAPIC || mmu_map_mmio(paddr,
	    IOAPIC_MMIO_SIZE) != 0)
		return ENOSPC;
	io = &ioapics[nioapic++];
	io->io_base = paddr;
	io->io_gsi_base = gsi_base;
	io->io_inputs =
	    IOAPIC_VER_MAXREDIR(ioapic_read(io, IOAPIC_REG_VER)) + 1;
	for (uint32_t pin = 0; pin < io->io_inputs; pin++) {
		ioapic_write(io, IOAPIC_REG_RTE(pin), RTE_MASKED);
		ioapic_write(io, IOAPIC_REG_RTE(pin) + 1, 0);
	}
	cons_logf("ioapic: id %u at 0x%x, GSI %u-%u\n", id, paddr,
	    gsi_base, gsi_base + io->io_inputs - 1);
	return 0;
}

static struct ioapic *
ioapic_for(uint32_t gsi, uint32_t *pin)
{
	for (int i = 0; i < nioapic; i++) {
		struct ioapic *io = &ioapics[i];
		if (gsi >= io->io_gsi_base &&
		    gsi - io->io_gsi_base < io->io_inputs) {
			*pin = gsi - io->io_gsi_base;
			return io;
		}
	}
	return NULL;
}

int
ioapic_route(uint32_t gsi, uint8_t vector, bool active_low, bool level,
    uint32_t dest_apic)
{
	uint32_t pin, lo;
	struct ioapic *io = ioapic_for(gsi, &pin);

	if (io == NULL)
		return EINVAL;
	lo = vector | RTE_DELIV_FIXED | RTE_DEST_PHYS | RTE_MASKED |
	    (active_low ? RTE_ACTIVE_LOW : 0) | (level ? RTE_LEVEL : 0);
	ioapic_write(io, IOAPIC_REG_RTE(pin), RTE_MASKED);
	ioapic_write(io, IOAPIC_REG_RTE(pin) + 1, dest_apic << RTE_DEST_SHIFT);
	ioapic_write(io, IOAPIC_REG_RTE(pin), lo);
	return 0;
}

void
ioapic_set_masked(uint32_t gsi, bool masked)
{
	uint32_t pin, lo;
	struct ioapic *io = ioapic_for(gsi, &pin);

	if (io == NULL)
		return;
	lo = ioapic_read(io, IOAPIC_REG_RTE(pin));
	lo = masked ? (lo | RTE_MASKED) : (lo & ~RTE_MASKED);
	ioapic_write(io, IOAPIC_REG_RTE(pin), lo);
}

int
ioapic_set_mode(uint32_t gsi, bool active_low, bool level)
{
	uint32_t pin, lo;
	struct ioapic *io = ioapic_for(gsi, &pin);

	if (io == NULL)
		return EINVAL;
	lo = ioapic_read(io, IOAPIC_REG_RTE(pin)) &
	    ~(uint32_t)(RTE_ACTIVE_LOW | RTE_LEVEL);
	lo |= (active_low ? RTE_ACTIVE_LOW : 0) | (level ? RTE_LEVEL : 0);
	ioapic_write(io, IOAPIC_REG_RTE(pin), lo);
	return 0;
}
