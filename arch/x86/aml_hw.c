/*
 * The kernel side of the AML interpreter: region access to the machine
 * (SystemMemory through the MMU, SystemIO through in/out, PCI_Config
 * through the host bridge, pci.c) and the one query the kernel makes,
 * the host bridge's _PRT, over the DSDT and every SSDT.
 *
 * The interpreter's arena comes from memalloc and is freed before
 * returning: the routes are copied out, nothing else outlives the call.
 * Not in the host tests (they link the portable aml_*.c files only).
 */
#include <stdbool.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <bmk/memalloc.h>
#include <bmk/platform.h>
#include <bmk/platform_pci.h>
#include <x86/acpi.h>
#include <x86/aml.h>
#include <x86/arch.h>
#include <x86/cpu.h>

#define AML_ARENA_SIZE (2u << 20)
#define AML_ARENA_MIN (256u << 10)
#define MAX_SSDT 64

static int
mem_rw(uint64_t addr, unsigned w, uint64_t *v, bool write)
{
	volatile void *p = (volatile void *)(uintptr_t)addr;

	if (plat_mmu_map_device(addr, w) != 0)
		return EFAULT;
	switch (w) {
	case 1: if (write) *(volatile uint8_t *)p = (uint8_t)*v;
		else *v = *(volatile uint8_t *)p;
		return 0;
	case 2: if (write) *(volatile uint16_t *)p = (uint16_t)*v;
		else *v = *(volatile uint16_t *)p;
		return 0;
	case 4: if (write) *(volatile uint32_t *)p = (uint32_t)*v;
		else *v = *(volatile uint32_t *)p;
		return 0;
	case 8: if (write) *(volatile uint64_t *)p = *v;
		else *v = *(volatile uint64_t *)p;
		return 0;
	}
	return EINVAL;
}

static int
io_rw(uint64_t addr, unsigned w, uint64_t *v, bool write)
{
	uint16_t port = (uint16_t)addr;

	if (addr > 0xffff - (w - 1))
		return EINVAL;
	switch (w) {
	case 1: if (write) outb(port, (uint8_t)*v); else *v = inb(port);
		return 0;
	case 2: if (write) outw(port, (uint16_t)*v); else *v = inw(port);
		return 0;
	case 4: if (write) outl(port, (uint32_t)*v); else *v = inl(port);
		return 0;
	}
	return EINVAL;
}

/* PCI configuration space by aligned dwords; narrower writes merge. */
static int
pci_rw(uint64_t addr, unsigned w, uint64_t *v, bool write)
{
	unsigned reg = AML_PCI_REG(addr), shift = (reg & 3) * 8;
	unsigned b = AML_PCI_BUS(addr), d = AML_PCI_DEV(addr);
	unsigned f = AML_PCI_FN(addr);
	uint32_t dw, mask = w == 4 ? 0xffffffffu : ((1u << (8 * w)) - 1);
	int e;

	if (w > 4 || (reg & 3) + w > 4)
		return EINVAL;
	if ((e = plat_pci_conf_read(b, d, f, reg & ~3u, &dw)) != 0)
		return e;
	if (!write) {
		*v = (dw >> shift) & mask;
		return 0;
	}
	dw = (dw & ~(mask << shift)) | ((uint32_t)*v & mask) << shift;
	return plat_pci_conf_write(b, d, f, reg & ~3u, dw);
}

static int
hw_read(void *arg, int space, uint64_t addr, unsigned w, uint64_t *v)
{
	(void)arg;
	*v = 0;
	if (space == AML_SPACE_MEM)
		return mem_rw(addr, w, v, false);
	if (space == AML_SPACE_IO)
		return io_rw(addr, w, v, false);
	return pci_rw(addr, w, v, false);
}

static int
hw_write(void *arg, int space, uint64_t addr, unsigned w, uint64_t v)
{
	(void)arg;
	if (space == AML_SPACE_MEM)
		return mem_rw(addr, w, &v, true);
	if (space == AML_SPACE_IO)
		return io_rw(addr, w, &v, true);
	return pci_rw(addr, w, &v, true);
}

static const struct aml_ops hw_ops = { hw_read, hw_write, NULL };

static void
load_tables(struct aml *a)
{
	const struct acpi_header *h;
	uintptr_t t;

	h = (const struct acpi_header *)acpi_info.ac_dsdt;
	aml_load(a, h, h->ah_length);
	for (unsigned i = 0; i < MAX_SSDT; i++) {
		if ((t = acpi_find_table_n("SSDT", i)) == 0)
			break;
		h = (const struct acpi_header *)t;
		aml_load(a, h, h->ah_length);
	}
}

static void *
arena_alloc(size_t *size)
{
	void *p;

	for (*size = AML_ARENA_SIZE; *size >= AML_ARENA_MIN; *size /= 2)
		if ((p = memalloc(*size, 16)) != NULL)
			return p;
	return NULL;
}

int
aml_hw_pci_routes(struct aml_prt *out, int max, const char **why)
{
	struct aml a;
	size_t size;
	void *arena;
	int n;

	*why = NULL;
	if (acpi_info.ac_dsdt == 0) {
		*why = "no DSDT";
		return -ENOENT;
	}
	if ((arena = arena_alloc(&size)) == NULL) {
		*why = "no memory for the AML interpreter";
		return -ENOMEM;
	}
	if (aml_init(&a, arena, size, &hw_ops) != 0) {
		memfree(arena);
		*why = "AML arena too small";
		return -ENOMEM;
	}
	load_tables(&a);
	n = aml_pci_routes(&a, out, max);
	if (n == -ENOENT)
		*why = "no host bridge _PRT in the DSDT/SSDTs";
	else if (n < 0)
		*why = a.a_err != NULL ? a.a_err : "AML evaluation failed";
	else if (n == 0)
		*why = "_PRT is empty";
	memfree(arena);
	return n;
}
