/*
 * bus_space: register access in two address spaces.
 *
 * Memory space: the handle is the kernel virtual address that
 * rumpcomp_pci_map returned; accesses are volatile loads and stores of
 * exactly the access width, which the compiler neither merges, splits
 * nor reorders against each other. I/O space: the handle is the port
 * number, and accesses are rumpcomp_bus_io_* hypercalls (x86 in/out),
 * which also stay in program order.
 *
 * bus_space_barrier is a full memory fence (portable: the compiler's
 * __atomic_thread_fence). Ordering of DMA memory against register
 * accesses as seen by a device is bus_dmamap_sync's job.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/rumpcomp_bus.h>
#include <rump/rumpcomp_pci.h>

#include <kern/bus.h>
#include <kern/kassert.h>

enum bus_space_kind { BS_IO, BS_MEM };

struct bus_space {
	enum bus_space_kind bs_kind;
	const char *bs_name;
};

const struct bus_space bus_space_io_tag = {BS_IO, "io"};
const struct bus_space bus_space_mem_tag = {BS_MEM, "mem"};

static int
is_io(bus_space_tag_t t)
{
	KASSERT(t == bus_space_io || t == bus_space_mem);
	return t->bs_kind == BS_IO;
}

int
bus_space_map(bus_space_tag_t t, bus_addr_t addr, bus_size_t size,
    int flags, bus_space_handle_t *hp)
{
	void *va;
	int rv;

	(void)flags;
	if (size == 0 || addr + size < addr)
		return EINVAL;
	if (is_io(t)) {
		if ((rv = rumpcomp_bus_io_map(addr, size)) != 0)
			return rv;
		*hp = (bus_space_handle_t)addr;
		return 0;
	}
	if ((va = rumpcomp_pci_map(addr, size)) == NULL)
		return ENOMEM;
	*hp = (bus_space_handle_t)va;
	return 0;
}

/* Mappings are permanent (the contract has no unmap); nothing to do. */
void
bus_space_unmap(bus_space_tag_t t, bus_space_handle_t h, bus_size_t size)
{
	(void)is_io(t);
	(void)h;
	(void)size;
}

int
bus_space_subregion(bus_space_tag_t t, bus_space_handle_t h,
    bus_size_t off, bus_size_t size, bus_space_handle_t *nhp)
{
	(void)is_io(t);
	(void)size;
	*nhp = h + (bus_space_handle_t)off;
	return 0;
}

#define MMIO(type, h, off) (*(volatile type *)((h) + (uintptr_t)(off)))

uint8_t
bus_space_read_1(bus_space_tag_t t, bus_space_handle_t h, bus_size_t off)
{
	if (is_io(t))
		return rumpcomp_bus_io_read8(h + off);
	return MMIO(uint8_t, h, off);
}

uint16_t
bus_space_read_2(bus_space_tag_t t, bus_space_handle_t h, bus_size_t off)
{
	if (is_io(t))
		return rumpcomp_bus_io_read16(h + off);
	return MMIO(uint16_t, h, off);
}

uint32_t
bus_space_read_4(bus_space_tag_t t, bus_space_handle_t h, bus_size_t off)
{
	if (is_io(t))
		return rumpcomp_bus_io_read32(h + off);
	return MMIO(uint32_t, h, off);
}

uint64_t
bus_space_read_8(bus_space_tag_t t, bus_space_handle_t h, bus_size_t off)
{
	if (is_io(t))
		panic("bus_space_read_8: no 64-bit port access");
	return MMIO(uint64_t, h, off);
}

void
bus_space_write_1(bus_space_tag_t t, bus_space_handle_t h, bus_size_t off,
    uint8_t v)
{
	if (is_io(t))
		rumpcomp_bus_io_write8(h + off, v);
	else
		MMIO(uint8_t, h, off) = v;
}

void
bus_space_write_2(bus_space_tag_t t, bus_space_handle_t h, bus_size_t off,
    uint16_t v)
{
	if (is_io(t))
		rumpcomp_bus_io_write16(h + off, v);
	else
		MMIO(uint16_t, h, off) = v;
}

void
bus_space_write_4(bus_space_tag_t t, bus_space_handle_t h, bus_size_t off,
    uint32_t v)
{
	if (is_io(t))
		rumpcomp_bus_io_write32(h + off, v);
	else
		MMIO(uint32_t, h, off) = v;
}

void
bus_space_write_8(bus_space_tag_t t, bus_space_handle_t h, bus_size_t off,
    uint64_t v)
{
	if (is_io(t))
		panic("bus_space_write_8: no 64-bit port access");
	MMIO(uint64_t, h, off) = v;
}

void
bus_space_barrier(bus_space_tag_t t, bus_space_handle_t h, bus_size_t off,
    bus_size_t len, int flags)
{
	(void)is_io(t);
	(void)h;
	(void)off;
	(void)len;
	(void)flags;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
