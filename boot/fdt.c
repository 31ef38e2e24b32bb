/*
 * Flattened device tree parser (Devicetree Specification v0.4, ch. 5),
 * portable C with no libc; see bmk/fdt.h for the interface.
 *
 * The blob comes from a boot loader we do not control. fdt_open checks
 * the header and walks the memory reservation block and the structure
 * block once, so that a malformed blob is reported in one place. Every
 * later read goes through tok_read, which checks again that a token, its
 * name and its value lie inside the structure (and strings) block: an
 * accessor given a bogus node offset fails, it does not read astray.
 *
 * Reads are byte-wise (fdt_be32), so the blob needs no alignment and the
 * code works with the MMU off, where unaligned accesses fault.
 */
#include <bmk/bootinfo.h>
#include <bmk/cmdline.h>
#include <bmk/cons.h>
#include <bmk/errno.h>
#include <bmk/fdt.h>

enum fdt_token {
	FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4,
	FDT_END = 9,
};

/* Header fields (all big-endian 32-bit), by byte offset. */
enum fdt_hdr {
	HDR_MAGIC = 0, HDR_TOTALSIZE = 4, HDR_OFF_STRUCT = 8,
	HDR_OFF_STRINGS = 12, HDR_OFF_RSVMAP = 16, HDR_VERSION = 20,
	HDR_LAST_COMP = 24, HDR_BOOT_CPUID = 28, HDR_SIZE_STRINGS = 32,
	HDR_SIZE_STRUCT = 36, HDR_SIZE = 40,
};

#define FDT_VERSION_MIN 16
#define FDT_VERSION_OURS 17
#define PATH_MAX_COMPONENT 128

struct tok {
	uint32_t t_type;
	uint32_t t_next;	/* offset of the following token */
	const char *t_name;	/* node name or property name */
	const uint8_t *t_val;	/* property value */
	uint32_t t_len;		/* property length */
};

uint32_t
fdt_be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	    (uint32_t)b[2] << 8 | b[3];
}

static uint32_t
hdr(const uint8_t *blob, enum fdt_hdr field)
{
	return fdt_be32(blob + field);
}

static uint32_t
align4(uint32_t v)
{
	return (v + 3) & ~3u;
}

/* Length of the string at s if a NUL comes before s + max, else -1. */
static int64_t
bounded_strlen(const uint8_t *s, uint32_t max)
{
	for (uint32_t i = 0; i < max; i++)
		if (s[i] == '\0')
			return i;
	return -1;
}

static bool
str_eq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static const uint8_t *
struct_at(const struct fdt *fdt, uint32_t off)
{
	return fdt->fd_blob + fdt->fd_struct_off + off;
}

static int
tok_prop(const struct fdt *fdt, uint32_t off, struct tok *t)
{
	uint32_t room = fdt->fd_struct_size - off, nameoff;
	const uint8_t *name;

	if (room < 12)
		return EINVAL;
	t->t_len = fdt_be32(struct_at(fdt, off + 4));
	nameoff = fdt_be32(struct_at(fdt, off + 8));
	if (t->t_len > room - 12 || nameoff >= fdt->fd_strings_size)
		return EINVAL;
	name = fdt->fd_blob + fdt->fd_strings_off + nameoff;
	if (bounded_strlen(name, fdt->fd_strings_size - nameoff) < 0)
		return EINVAL;
	t->t_name = (const char *)name;
	t->t_val = struct_at(fdt, off + 12);
	t->t_next = align4(off + 12 + t->t_len);
	return 0;
}

/* The token at struct-block offset off. 0 or EINVAL. */
static int
tok_read(const struct fdt *fdt, int64_t off, struct tok *t)
{
	int64_t n;

	if (off < 0 || (off & 3) != 0 || off + 4 > fdt->fd_struct_size)
		return EINVAL;
	t->t_type = fdt_be32(struct_at(fdt, (uint32_t)off));
	t->t_name = NULL;
	t->t_val = NULL;
	t->t_len = 0;
	t->t_next = (uint32_t)off + 4;
	switch (t->t_type) {
	case FDT_BEGIN_NODE:
		n = bounded_strlen(struct_at(fdt, (uint32_t)off + 4),
		    fdt->fd_struct_size - (uint32_t)off - 4);
		if (n < 0)
			return EINVAL;
		t->t_name = (const char *)struct_at(fdt, (uint32_t)off + 4);
		t->t_next = align4((uint32_t)(off + 4 + n + 1));
		return 0;
	case FDT_PROP:
		return tok_prop(fdt, (uint32_t)off, t);
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		return 0;
	default:
		return EINVAL;
	}
}

/* ---- checking the blob ---- */

static int
check_range(const char *what, uint64_t off, uint64_t size, uint32_t total)
{
	if (off > total || size > total - off) {
		cons_printf("fdt: %s [0x%llx, +0x%llx) outside the blob "
		    "(totalsize 0x%x)\n", what, (unsigned long long)off,
		    (unsigned long long)size, total);
		return EINVAL;
	}
	return 0;
}

static int
check_header(struct fdt *fdt, const uint8_t *blob, size_t maxlen)
{
	uint32_t total, version;

	if (maxlen < HDR_SIZE) {
		cons_printf("fdt: blob smaller than its header\n");
		return EINVAL;
	}
	if (hdr(blob, HDR_MAGIC) != FDT_MAGIC) {
		cons_printf("fdt: bad magic 0x%08x\n", hdr(blob, HDR_MAGIC));
		return EINVAL;
	}
	total = hdr(blob, HDR_TOTALSIZE);
	if (total < HDR_SIZE || total > maxlen || total > FDT_MAXSIZE) {
		cons_printf("fdt: implausible totalsize 0x%x\n", total);
		return EINVAL;
	}
	version = hdr(blob, HDR_VERSION);
	if (version < FDT_VERSION_MIN ||
	    hdr(blob, HDR_LAST_COMP) > FDT_VERSION_OURS) {
		cons_printf("fdt: version %u (compatible with %u) not "
		    "supported\n", version, hdr(blob, HDR_LAST_COMP));
		return EINVAL;
	}
	fdt->fd_blob = blob;
	fdt->fd_size = total;
	fdt->fd_struct_off = hdr(blob, HDR_OFF_STRUCT);
	fdt->fd_strings_off = hdr(blob, HDR_OFF_STRINGS);
	fdt->fd_strings_size = hdr(blob, HDR_SIZE_STRINGS);
	fdt->fd_rsvmap_off = hdr(blob, HDR_OFF_RSVMAP);
	/* Version 16 has no size_dt_struct: the block runs to the end. */
	fdt->fd_struct_size = version >= 17 ? hdr(blob, HDR_SIZE_STRUCT) :
	    (fdt->fd_struct_off <= total ? total - fdt->fd_struct_off : 0);
	return 0;
}

static int
check_blocks(const struct fdt *fdt)
{
	if (check_range("structure block", fdt->fd_struct_off,
	    fdt->fd_struct_size, fdt->fd_size) != 0 ||
	    check_range("strings block", fdt->fd_strings_off,
	    fdt->fd_strings_size, fdt->fd_size) != 0 ||
	    check_range("reservation block", fdt->fd_rsvmap_off, 16,
	    fdt->fd_size) != 0)
		return EINVAL;
	if ((fdt->fd_struct_off & 3) != 0 || (fdt->fd_rsvmap_off & 7) != 0) {
		cons_printf("fdt: misaligned structure or reservation block\n");
		return EINVAL;
	}
	return 0;
}

/* Count the reservation entries; the block ends with a zero entry. */
static int
check_rsvmap(struct fdt *fdt)
{
	uint64_t off = fdt->fd_rsvmap_off;
	const uint8_t *e;

	for (fdt->fd_nrsv = 0;; fdt->fd_nrsv++, off += 16) {
		if (off + 16 > fdt->fd_size) {
			cons_printf("fdt: reservation block not terminated\n");
			return EINVAL;
		}
		e = fdt->fd_blob + off;
		if ((fdt_be32(e) | fdt_be32(e + 4) | fdt_be32(e + 8) |
		    fdt_be32(e + 12)) == 0)
			return 0;
	}
}

static int
struct_error(const char *why, uint32_t off)
{
	cons_printf("fdt: structure block: %s at offset 0x%x\n", why, off);
	return EINVAL;
}

/* One token of the structure walk; depth is the nesting after it. */
static int
check_token(const struct tok *t, uint32_t off, int *depth, bool *rootseen)
{
	switch (t->t_type) {
	case FDT_BEGIN_NODE:
		if (*depth == 0 && *rootseen)
			return struct_error("second root node", off);
		if (++*depth > FDT_MAXDEPTH)
			return struct_error("nodes nested too deep", off);
		*rootseen = true;
		return 0;
	case FDT_END_NODE:
		if (*depth == 0)
			return struct_error("unbalanced end of node", off);
		--*depth;
		return 0;
	case FDT_PROP:
		if (*depth == 0)
			return struct_error("property outside any node", off);
		return 0;
	case FDT_END:
		if (*depth != 0 || !*rootseen)
			return struct_error("end inside a node", off);
		return 0;
	default:
		return 0;
	}
}

static int
check_struct(struct fdt *fdt)
{
	uint32_t off = 0;
	int depth = 0;
	bool rootseen = false;
	struct tok t;

	fdt->fd_root = -1;
	for (;;) {
		if (tok_read(fdt, off, &t) != 0)
			return struct_error("bad or truncated token", off);
		if (check_token(&t, off, &depth, &rootseen) != 0)
			return EINVAL;
		if (t.t_type == FDT_BEGIN_NODE && fdt->fd_root < 0)
			fdt->fd_root = (int)off;
		if (t.t_type == FDT_END)
			return 0;
		off = t.t_next;
	}
}

int
fdt_open(struct fdt *fdt, const void *blob, size_t maxlen)
{
	if (blob == NULL) {
		cons_printf("fdt: no device tree\n");
		return EINVAL;
	}
	if (check_header(fdt, blob, maxlen) != 0 || check_blocks(fdt) != 0 ||
	    check_rsvmap(fdt) != 0 || check_struct(fdt) != 0)
		return EINVAL;
	return 0;
}

/* ---- walking ---- */

/* The first token after node's own token that is not a NOP or a PROP. */
static int
after_props(const struct fdt *fdt, int node, struct tok *t)
{
	int64_t off;

	if (tok_read(fdt, node, t) != 0 || t->t_type != FDT_BEGIN_NODE)
		return -1;
	for (off = t->t_next; tok_read(fdt, off, t) == 0; off = t->t_next)
		if (t->t_type != FDT_NOP && t->t_type != FDT_PROP)
			return (int)off;
	return -1;
}

int
fdt_first_child(const struct fdt *fdt, int node)
{
	struct tok t;
	int off = after_props(fdt, node, &t);

	return off >= 0 && t.t_type == FDT_BEGIN_NODE ? off : -1;
}

/* Offset just past node's FDT_END_NODE, or -1. */
static int64_t
node_end(const struct fdt *fdt, int node)
{
	int64_t off = node;
	int depth = 0;
	struct tok t;

	while (tok_read(fdt, off, &t) == 0) {
		if (t.t_type == FDT_BEGIN_NODE)
			depth++;
		else if (t.t_type == FDT_END_NODE && --depth == 0)
			return t.t_next;
		else if (t.t_type == FDT_END || depth <= 0)
			return -1;
		off = t.t_next;
	}
	return -1;
}

int
fdt_next_sibling(const struct fdt *fdt, int node)
{
	int64_t off = node_end(fdt, node);
	struct tok t;

	for (; tok_read(fdt, off, &t) == 0; off = t.t_next) {
		if (t.t_type == FDT_BEGIN_NODE)
			return (int)off;
		if (t.t_type != FDT_NOP)
			return -1;
	}
	return -1;
}

int
fdt_next_node(const struct fdt *fdt, int node)
{
	struct tok t;
	int64_t off;

	if (node < 0)
		return fdt->fd_root;
	if (tok_read(fdt, node, &t) != 0 || t.t_type != FDT_BEGIN_NODE)
		return -1;
	for (off = t.t_next; tok_read(fdt, off, &t) == 0; off = t.t_next) {
		if (t.t_type == FDT_BEGIN_NODE)
			return (int)off;
		if (t.t_type == FDT_END)
			return -1;
	}
	return -1;
}

int
fdt_parent(const struct fdt *fdt, int node)
{
	int stack[FDT_MAXDEPTH + 1];
	int depth = 0;
	int64_t off = fdt->fd_root;
	struct tok t;

	while (tok_read(fdt, off, &t) == 0 && t.t_type != FDT_END) {
		if (t.t_type == FDT_BEGIN_NODE) {
			if (depth > FDT_MAXDEPTH)
				return -1;
			if (off == node)
				return depth > 0 ? stack[depth - 1] : -1;
			stack[depth++] = (int)off;
		} else if (t.t_type == FDT_END_NODE && --depth < 0) {
			return -1;
		}
		off = t.t_next;
	}
	return -1;
}

const char *
fdt_node_name(const struct fdt *fdt, int node)
{
	struct tok t;

	if (tok_read(fdt, node, &t) != 0 || t.t_type != FDT_BEGIN_NODE)
		return NULL;
	return t.t_name;
}

/* name is comp[0..len), or comp has no unit address and name has one. */
static bool
name_matches(const char *name, const char *comp, size_t len)
{
	bool comp_has_unit = false;

	for (size_t i = 0; i < len; i++) {
		if (name[i] != comp[i])
			return false;
		if (comp[i] == '@')
			comp_has_unit = true;
	}
	return name[len] == '\0' || (name[len] == '@' && !comp_has_unit);
}

static int
child_named(const struct fdt *fdt, int node, const char *comp, size_t len)
{
	for (int c = fdt_first_child(fdt, node); c >= 0;
	    c = fdt_next_sibling(fdt, c))
		if (name_matches(fdt_node_name(fdt, c), comp, len))
			return c;
	return -1;
}

int
fdt_path(const struct fdt *fdt, const char *path)
{
	int node = fdt->fd_root;
	size_t len;

	if (path == NULL || path[0] != '/')
		return -1;
	while (node >= 0) {
		while (*path == '/')
			path++;
		if (*path == '\0')
			return node;
		for (len = 0; path[len] != '\0' && path[len] != '/'; len++)
			if (len == PATH_MAX_COMPONENT)
				return -1;
		node = child_named(fdt, node, path, len);
		path += len;
	}
	return -1;
}

int
fdt_find_compatible(const struct fdt *fdt, int node, const char *compat)
{
	while ((node = fdt_next_node(fdt, node)) >= 0)
		if (fdt_prop_has(fdt, node, "compatible", compat))
			return node;
	return -1;
}

/* ---- properties ---- */

const void *
fdt_getprop(const struct fdt *fdt, int node, const char *name, int *lenp)
{
	struct tok t;
	int64_t off;

	if (tok_read(fdt, node, &t) != 0 || t.t_type != FDT_BEGIN_NODE)
		return NULL;
	for (off = t.t_next; tok_read(fdt, off, &t) == 0; off = t.t_next) {
		if (t.t_type == FDT_NOP)
			continue;
		if (t.t_type != FDT_PROP)
			break;
		if (str_eq(t.t_name, name)) {
			if (lenp != NULL)
				*lenp = (int)t.t_len;
			return t.t_val;
		}
	}
	return NULL;
}

bool
fdt_prop_has(const struct fdt *fdt, int node, const char *name,
    const char *s)
{
	int len, i = 0, j;
	const char *v = fdt_getprop(fdt, node, name, &len);

	if (v == NULL)
		return false;
	while (i < len) {
		for (j = 0; i + j < len && s[j] != '\0' && v[i + j] == s[j];
		    j++)
			continue;
		if (s[j] == '\0' && i + j < len && v[i + j] == '\0')
			return true;
		while (i < len && v[i] != '\0')	/* next string */
			i++;
		i++;
	}
	return false;
}

const char *
fdt_getstr(const struct fdt *fdt, int node, const char *name)
{
	int len;
	const char *v = fdt_getprop(fdt, node, name, &len);

	if (v == NULL || len < 1 || v[len - 1] != '\0')
		return NULL;
	return v;
}

int
fdt_getu32(const struct fdt *fdt, int node, const char *name, uint32_t *v)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (p == NULL)
		return ENOENT;
	if (len != 4)
		return EINVAL;
	*v = fdt_be32(p);
	return 0;
}

bool
fdt_node_enabled(const struct fdt *fdt, int node)
{
	const char *s = fdt_getstr(fdt, node, "status");

	return s == NULL || str_eq(s, "okay") || str_eq(s, "ok");
}

int
fdt_cells(const struct fdt *fdt, int node, int *acp, int *scp)
{
	uint32_t ac = 2, sc = 1;
	int e1 = fdt_getu32(fdt, node, "#address-cells", &ac);
	int e2 = fdt_getu32(fdt, node, "#size-cells", &sc);

	if (e1 == EINVAL || e2 == EINVAL || ac == 0 || ac > FDT_MAXCELLS ||
	    sc > FDT_MAXCELLS)
		return EINVAL;
	*acp = (int)ac;
	*scp = (int)sc;
	return 0;
}

static uint64_t
read_cells(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v = v << 32 | fdt_be32(p + 4 * i);
	return v;
}

int
fdt_reg(const struct fdt *fdt, int node, int idx, uint64_t *basep,
    uint64_t *sizep)
{
	int parent = fdt_parent(fdt, node), ac, sc, len, stride;
	const uint8_t *v;

	if (parent < 0 || idx < 0 || fdt_cells(fdt, parent, &ac, &sc) != 0 ||
	    sc == 0)
		return EINVAL;
	if ((v = fdt_getprop(fdt, node, "reg", &len)) == NULL)
		return ENOENT;
	stride = 4 * (ac + sc);
	if (len % stride != 0)
		return EINVAL;
	if (idx >= len / stride)
		return ENOENT;
	v += idx * stride;
	*basep = read_cells(v, ac);
	*sizep = read_cells(v + 4 * ac, sc);
	return 0;
}

int
fdt_irq(const struct fdt *fdt, int node, int idx, struct fdt_irq *irq)
{
	int len;
	const uint8_t *v = fdt_getprop(fdt, node, "interrupts", &len);

	if (v == NULL)
		return ENOENT;
	if (len % 12 != 0 || idx < 0)
		return EINVAL;
	if (idx >= len / 12)
		return ENOENT;
	v += idx * 12;
	irq->fi_type = fdt_be32(v);
	irq->fi_num = fdt_be32(v + 4);
	irq->fi_flags = fdt_be32(v + 8);
	return 0;
}

int
fdt_rsv(const struct fdt *fdt, int idx, uint64_t *basep, uint64_t *sizep)
{
	const uint8_t *e;

	if (idx < 0 || idx >= fdt->fd_nrsv)
		return ENOENT;
	e = fdt->fd_blob + fdt->fd_rsvmap_off + 16 * (uint32_t)idx;
	*basep = read_cells(e, 2);
	*sizep = read_cells(e + 8, 2);
	return 0;
}

const char *
fdt_bootargs(const struct fdt *fdt)
{
	int chosen = fdt_path(fdt, "/chosen");

	return chosen < 0 ? NULL : fdt_getstr(fdt, chosen, "bootargs");
}

int
fdt_stdout_node(const struct fdt *fdt)
{
	char path[PATH_MAX_COMPONENT * 2];
	int chosen = fdt_path(fdt, "/chosen"), aliases;
	const char *s = NULL, *alias;
	size_t n;

	if (chosen >= 0 && (s = fdt_getstr(fdt, chosen, "stdout-path")) == NULL)
		s = fdt_getstr(fdt, chosen, "linux,stdout-path");
	if (s == NULL)
		return -1;
	/* "path-or-alias[:options]" */
	for (n = 0; s[n] != '\0' && s[n] != ':'; n++) {
		if (n + 1 == sizeof(path))
			return -1;
		path[n] = s[n];
	}
	path[n] = '\0';
	if (path[0] == '/')
		return fdt_path(fdt, path);
	aliases = fdt_path(fdt, "/aliases");
	alias = aliases < 0 ? NULL : fdt_getstr(fdt, aliases, path);
	return alias == NULL ? -1 : fdt_path(fdt, alias);
}

/* ---- boot information ---- */

static void
load_cmdline(const struct fdt *fdt, struct bootinfo *bi)
{
	const char *args = fdt_bootargs(fdt);
	size_t i;

	bi->bi_cmdline[0] = '\0';
	if (args == NULL)
		return;
	for (i = 0; args[i] != '\0' && i < BOOTINFO_CMDLINE_MAX - 1; i++)
		bi->bi_cmdline[i] = args[i];
	bi->bi_cmdline[i] = '\0';
	if (args[i] != '\0')
		cons_printf("boot: command line longer than %d bytes, "
		    "truncated\n", BOOTINFO_CMDLINE_MAX - 1);
}

/* Every reg entry of node into the mem or rsv table; false if full. */
static bool
add_regs(const struct fdt *fdt, int node, struct bootinfo *bi, bool rsv)
{
	uint64_t base, size;
	int idx, err;

	for (idx = 0; (err = fdt_reg(fdt, node, idx, &base, &size)) == 0;
	    idx++)
		if ((rsv ? bootinfo_add_rsv(bi, base, size) :
		    bootinfo_add_mem(bi, base, size)) != 0)
			return false;
	if (err == EINVAL)
		cons_printf("fdt: node %s: malformed reg, ignored\n",
		    fdt_node_name(fdt, node));
	return true;
}

static void
load_memory(const struct fdt *fdt, struct bootinfo *bi)
{
	for (int node = fdt_next_node(fdt, -1); node >= 0;
	    node = fdt_next_node(fdt, node)) {
		const char *type = fdt_getstr(fdt, node, "device_type");

		if (type == NULL || !str_eq(type, "memory") ||
		    !fdt_node_enabled(fdt, node))
			continue;
		if (!add_regs(fdt, node, bi, false)) {
			cons_printf("fdt: too many memory ranges, some "
			    "ignored\n");
			return;
		}
	}
}

static void
load_reserved(const struct fdt *fdt, struct bootinfo *bi)
{
	int rm = fdt_path(fdt, "/reserved-memory"), node;
	uint64_t base, size;
	/* The blob first: it must survive even if the table fills up. */
	bool room = bootinfo_add_rsv(bi, (uintptr_t)fdt->fd_blob,
	    fdt->fd_size) == 0;

	for (int i = 0; room && fdt_rsv(fdt, i, &base, &size) == 0; i++)
		room = bootinfo_add_rsv(bi, base, size) == 0;
	for (node = rm < 0 ? -1 : fdt_first_child(fdt, rm); room && node >= 0;
	    node = fdt_next_sibling(fdt, node))
		if (fdt_node_enabled(fdt, node))
			room = add_regs(fdt, node, bi, true);
	if (!room)
		cons_printf("fdt: too many reserved ranges, some ignored\n");
}

int
fdt_to_bootinfo(const void *blob, size_t maxlen, struct bootinfo *bi)
{
	struct fdt fdt;

	if (fdt_open(&fdt, blob, maxlen) != 0)
		return EINVAL;
	load_cmdline(&fdt, bi);
	cons_set_quiet(cmdline_peek(bi->bi_cmdline, "quiet"));
	load_memory(&fdt, bi);
	load_reserved(&fdt, bi);
	if (bi->bi_nmem == 0) {
		cons_printf("fdt: no memory node\n");
		return EINVAL;
	}
	return 0;
}
