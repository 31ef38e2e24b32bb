/*
 * Device addresses from a device tree, as the CPU sees them: fdt_reg()
 * gives a "reg" entry in the address space of the node's bus; each bus
 * node up to the root maps it into its parent's with "ranges"
 * (Devicetree Specification v0.4, 2.3.8): triples <child-address
 * parent-address length>, the cells counted by the bus's
 * #address-cells, its parent's #address-cells and the bus's
 * #size-cells. An empty "ranges" is the identity; a bus without one
 * does not map its children into the CPU's space at all.
 *
 * QEMU virt puts its devices at the root, where nothing changes; the
 * Raspberry Pi's sit under /soc, whose ranges turn the VideoCore bus
 * address 0x7e201000 into the ARM's 0x3f201000.
 */
#include <stdint.h>

#include <bmk/errno.h>
#include <bmk/fdt.h>
#include <arm/arch.h>

static uint64_t
cells_at(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt_be32(p + 4 * i);
	return v;
}

/* Map *addr from bus's child space into its parent's; 0 or EINVAL. */
static int
bus_translate(const struct fdt *fdt, int bus, uint64_t *addr)
{
	int parent = fdt_parent(fdt, bus), cac, csc, pac, psc, len, stride;
	const uint8_t *r = fdt_getprop(fdt, bus, "ranges", &len);

	if (r == NULL || parent < 0)
		return EINVAL;
	if (len == 0)
		return 0;
	if (fdt_cells(fdt, bus, &cac, &csc) != 0 ||
	    fdt_cells(fdt, parent, &pac, &psc) != 0)
		return EINVAL;
	stride = 4 * (cac + pac + csc);
	for (int off = 0; off + stride <= len; off += stride) {
		uint64_t child = cells_at(r + off, cac);
		uint64_t size = cells_at(r + off + 4 * (cac + pac), csc);

		if (*addr >= child && *addr - child < size) {
			*addr = cells_at(r + off + 4 * cac, pac) +
			    (*addr - child);
			return 0;
		}
	}
	return EINVAL;
}

int
dt_reg(const struct fdt *fdt, int node, int idx, uint64_t *basep,
    uint64_t *sizep)
{
	int err = fdt_reg(fdt, node, idx, basep, sizep);

	if (err != 0)
		return err;
	for (int bus = fdt_parent(fdt, node); bus >= 0 && bus != fdt->fd_root;
	    bus = fdt_parent(fdt, bus))
		if (bus_translate(fdt, bus, basep) != 0)
			return EINVAL;
	return 0;
}
