/*
 * Flattened device tree (Devicetree Specification v0.4, chapter 5):
 * a read-only, defensive parser of the blob a boot loader hands over.
 *
 * fdt_open() checks the header, the memory reservation block and walks
 * the whole structure block once; a blob it accepts is well formed. Every
 * accessor still bounds-checks what it reads, so nothing here ever reads
 * outside [blob, blob + totalsize), and never past maxlen.
 *
 * Nodes are named by their offset in the structure block (an int >= 0,
 * the offset of the node's FDT_BEGIN_NODE token); -1 means "none".
 * Problems are reported on the console (cons_printf) by fdt_open and
 * fdt_to_bootinfo; the accessors only return errors.
 */
#ifndef BMK_FDT_H
#define BMK_FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bootinfo;

#define FDT_MAGIC 0xd00dfeedu
#define FDT_MAXSIZE (16u << 20)	/* larger blobs are not believed */
#define FDT_MAXDEPTH 32		/* deeper nesting is malformed */
#define FDT_MAXCELLS 2		/* #address-cells / #size-cells we read */

struct fdt {
	const uint8_t *fd_blob;
	uint32_t fd_size;		/* totalsize */
	uint32_t fd_struct_off;
	uint32_t fd_struct_size;
	uint32_t fd_strings_off;
	uint32_t fd_strings_size;
	uint32_t fd_rsvmap_off;
	int fd_nrsv;			/* entries in the reservation block */
	int fd_root;
};

/* Big-endian cell at p (no alignment needed). */
uint32_t fdt_be32(const void *p);

/*
 * Check the blob at blob (at most maxlen bytes readable) and fill fdt.
 * Returns 0, or EINVAL after printing what is wrong.
 */
int fdt_open(struct fdt *fdt, const void *blob, size_t maxlen);

/* Tree walking. */
int fdt_first_child(const struct fdt *fdt, int node);
int fdt_next_sibling(const struct fdt *fdt, int node);
/* Next node in document order after node (-1: the root); -1 at the end. */
int fdt_next_node(const struct fdt *fdt, int node);
int fdt_parent(const struct fdt *fdt, int node);
const char *fdt_node_name(const struct fdt *fdt, int node);
/*
 * Node at an absolute path ("/chosen", "/soc/uart@1000"). A component
 * without '@' also matches a node name with a unit address.
 */
int fdt_path(const struct fdt *fdt, const char *path);
/* Next node after node (-1: from the start) whose compatible has compat. */
int fdt_find_compatible(const struct fdt *fdt, int node, const char *compat);

/* Property value and its length, or NULL. */
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name,
    int *lenp);
/* The property is a string list containing s. */
bool fdt_prop_has(const struct fdt *fdt, int node, const char *name,
    const char *s);
/* A NUL-terminated string property, or NULL. */
const char *fdt_getstr(const struct fdt *fdt, int node, const char *name);
/* A one-cell property; 0 or ENOENT/EINVAL. */
int fdt_getu32(const struct fdt *fdt, int node, const char *name,
    uint32_t *v);
/* status absent, "okay" or "ok". */
bool fdt_node_enabled(const struct fdt *fdt, int node);

/*
 * #address-cells and #size-cells that node gives its children (defaults
 * 2 and 1). EINVAL if a value is above FDT_MAXCELLS, or if the address
 * cells are 0.
 */
int fdt_cells(const struct fdt *fdt, int node, int *acp, int *scp);
/*
 * Entry idx of node's "reg", decoded with its parent's cells. 0, ENOENT
 * (no such entry) or EINVAL (malformed; size cells must be nonzero).
 */
int fdt_reg(const struct fdt *fdt, int node, int idx, uint64_t *basep,
    uint64_t *sizep);

/* Entry idx of a 3-cell GIC "interrupts" property. */
#define FDT_IRQ_SPI 0
#define FDT_IRQ_PPI 1
struct fdt_irq {
	uint32_t fi_type;	/* FDT_IRQ_SPI or FDT_IRQ_PPI */
	uint32_t fi_num;	/* SPI or PPI number (not the GIC INTID) */
	uint32_t fi_flags;	/* trigger type and, for PPIs, CPU mask */
};
int fdt_irq(const struct fdt *fdt, int node, int idx, struct fdt_irq *irq);

/* Entry idx of the header's memory reservation block. 0 or ENOENT. */
int fdt_rsv(const struct fdt *fdt, int idx, uint64_t *basep, uint64_t *sizep);

/* /chosen bootargs, or NULL. */
const char *fdt_bootargs(const struct fdt *fdt);
/* Node named by /chosen stdout-path (a path or an alias), or -1. */
int fdt_stdout_node(const struct fdt *fdt);

/*
 * Boot information from the device tree at blob: RAM (memory nodes),
 * reserved ranges (the header's reservation block, /reserved-memory,
 * the blob itself), the command line (/chosen bootargs); applies "quiet"
 * like multiboot_parse. Returns 0, or EINVAL if the blob is unusable or
 * describes no memory.
 */
int fdt_to_bootinfo(const void *blob, size_t maxlen, struct bootinfo *bi);

#endif
