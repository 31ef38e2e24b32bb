/*
 * Host tests of the flattened device tree parser (boot/fdt.c): a tree
 * shaped like QEMU's arm virt machine, each kind of malformed blob, and
 * random mutations of a valid one. Blobs are built here by a small
 * writer (no dtc at test time); each is copied into a heap block of
 * exactly the length the parser is told, so AddressSanitizer catches
 * any read past it.
 * unit-sources: boot/fdt.c boot/bootinfo.c boot/cmdline.c
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conscapture.h"

#include <bmk/bootinfo.h>
#include <bmk/errno.h>
#include <bmk/fdt.h>

static bool quiet;

void
cons_set_quiet(bool q)
{
	quiet = q;
}

/* ---- a tiny blob writer ---- */

enum { T_BEGIN = 1, T_END_NODE = 2, T_PROP = 3, T_NOP = 4, T_END = 9 };

static uint8_t w_struct[16384];
static size_t w_slen;
static char w_strings[4096];
static size_t w_strlen;
static uint64_t w_rsv[8][2];
static int w_nrsv;

static void
w_reset(void)
{
	w_slen = w_strlen = 0;
	w_nrsv = 0;
}

static void
w_u32(uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	memcpy(w_struct + w_slen, b, 4);
	w_slen += 4;
}

static void
w_bytes(const void *p, size_t n)
{
	memcpy(w_struct + w_slen, p, n);
	w_slen += n;
	while (w_slen % 4)
		w_struct[w_slen++] = 0;
}

static uint32_t
w_string(const char *s)
{
	for (size_t off = 0; off < w_strlen; off += strlen(w_strings + off) + 1)
		if (strcmp(w_strings + off, s) == 0)
			return (uint32_t)off;
	memcpy(w_strings + w_strlen, s, strlen(s) + 1);
	w_strlen += strlen(s) + 1;
	return (uint32_t)(w_strlen - strlen(s) - 1);
}

static void
w_begin(const char *name)
{
	w_u32(T_BEGIN);
	w_bytes(name, strlen(name) + 1);
}

static void
w_end(void)
{
	w_u32(T_END_NODE);
}

static void
w_prop(const char *name, const void *val, size_t len)
{
	w_u32(T_PROP);
	w_u32((uint32_t)len);
	w_u32(w_string(name));
	w_bytes(val, len);
}

static void
w_str(const char *name, const char *val)
{
	w_prop(name, val, strlen(val) + 1);
}

/* A property of n cells. */
static void
w_cells(const char *name, int n, ...)
{
	uint8_t buf[256];
	va_list ap;

	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		uint32_t v = va_arg(ap, uint32_t);
		uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };
		memcpy(buf + 4 * i, b, 4);
	}
	va_end(ap);
	w_prop(name, buf, 4 * (size_t)n);
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint32_t
get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Lay out header, reservation block, structure, strings; total size. */
static size_t
w_finish(uint8_t *out)
{
	size_t rsv = 40, st = rsv + 16 * ((size_t)w_nrsv + 1);
	size_t str = st + w_slen, total = str + w_strlen;

	memset(out, 0, total);
	put_be32(out + 0, FDT_MAGIC);
	put_be32(out + 4, (uint32_t)total);
	put_be32(out + 8, (uint32_t)st);
	put_be32(out + 12, (uint32_t)str);
	put_be32(out + 16, (uint32_t)rsv);
	put_be32(out + 20, 17);
	put_be32(out + 24, 16);
	put_be32(out + 32, (uint32_t)w_strlen);
	put_be32(out + 36, (uint32_t)w_slen);
	for (int i = 0; i < w_nrsv; i++) {
		put_be32(out + rsv + 16 * i, (uint32_t)(w_rsv[i][0] >> 32));
		put_be32(out + rsv + 16 * i + 4, (uint32_t)w_rsv[i][0]);
		put_be32(out + rsv + 16 * i + 8, (uint32_t)(w_rsv[i][1] >> 32));
		put_be32(out + rsv + 16 * i + 12, (uint32_t)w_rsv[i][1]);
	}
	memcpy(out + st, w_struct, w_slen);
	memcpy(out + str, w_strings, w_strlen);
	return total;
}

/* ---- the good tree ---- */

static uint8_t good[32768];
static size_t good_len;

static void
build_virt(const char *bootargs)
{
	w_reset();
	w_rsv[w_nrsv][0] = 0x40100000;
	w_rsv[w_nrsv++][1] = 0x2000;
	w_begin("");
	w_cells("#address-cells", 1, 2);
	w_cells("#size-cells", 1, 2);
	w_str("compatible", "linux,dummy-virt");
	w_begin("chosen");
	w_u32(T_NOP);
	if (bootargs != NULL)
		w_str("bootargs", bootargs);
	w_str("stdout-path", "serial0:115200n8");
	w_end();
	w_begin("aliases");
	w_str("serial0", "/pl011@9000000");
	w_end();
	w_begin("memory@40000000");
	w_str("device_type", "memory");
	w_cells("reg", 4, 0, 0x40000000, 0, 0x8000000);
	w_end();
	w_begin("memory@80000000");
	w_str("device_type", "memory");
	w_cells("reg", 8, 0, 0x80000000, 0, 0x1000000, 1, 0, 0, 0x100000);
	w_end();
	w_begin("memory@c0000000");
	w_str("device_type", "memory");
	w_str("status", "disabled");
	w_cells("reg", 4, 0, 0xc0000000, 0, 0x1000000);
	w_end();
	w_begin("reserved-memory");
	w_cells("#address-cells", 1, 2);
	w_cells("#size-cells", 1, 2);
	w_prop("ranges", "", 0);
	w_begin("fw@48000000");
	w_cells("reg", 4, 0, 0x48000000, 0, 0x10000);
	w_end();
	w_end();
	w_begin("pl011@9000000");
	w_prop("compatible", "arm,pl011\0arm,primecell", 24);
	w_cells("reg", 4, 0, 0x9000000, 0, 0x1000);
	w_cells("interrupts", 3, 0, 1, 4);
	w_end();
	w_begin("intc@8000000");
	w_str("compatible", "arm,gic-v3");
	w_cells("#interrupt-cells", 1, 3);
	w_cells("reg", 8, 0, 0x8000000, 0, 0x10000, 0, 0x80a0000, 0, 0xf60000);
	w_end();
	w_begin("timer");
	w_str("compatible", "arm,armv8-timer");
	w_cells("interrupts", 12, 1, 13, 0x104, 1, 14, 0x104, 1, 11, 0x104,
	    1, 10, 0x104);
	w_end();
	w_begin("pcie@10000000");
	w_str("compatible", "pci-host-ecam-generic");
	w_str("device_type", "pci");
	w_cells("#address-cells", 1, 3);
	w_cells("#size-cells", 1, 2);
	w_cells("reg", 4, 0x40, 0x10000000, 0, 0x10000000);
	w_cells("ranges", 14, 0x1000000, 0, 0, 0, 0x3eff0000, 0, 0x10000,
	    0x2000000, 0, 0x10000000, 0, 0x10000000, 0, 0x2eff0000);
	w_cells("interrupt-map", 10, 0, 0, 0, 1, 0x8001, 0, 0, 0, 3, 4);
	w_end();
	w_begin("soc");
	w_cells("#address-cells", 1, 1);
	w_cells("#size-cells", 1, 1);
	w_begin("uart@1000");
	w_cells("reg", 2, 0x1000, 0x100);
	w_end();
	w_end();
	w_end();
	w_u32(T_END);
	good_len = w_finish(good);
}

/* A heap copy of exactly len bytes. */
static uint8_t *
exact(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	memcpy(p, src, len);
	return p;
}

static int
open_copy(const uint8_t *src, size_t len, struct fdt *fdt, uint8_t **copy)
{
	*copy = exact(src, len);
	consbuf[0] = '\0';
	return fdt_open(fdt, *copy, len);
}

static void
test_good_tree(void)
{
	struct fdt fdt;
	uint8_t *b;
	uint64_t base, size;
	struct fdt_irq irq;
	int uart, node, len;

	build_virt("quiet -- a b");
	NCHECK("good: opens", open_copy(good, good_len, &fdt, &b) == 0);
	NCHECK("good: silent", consbuf[0] == '\0');
	NCHECK("good: /chosen", fdt_path(&fdt, "/chosen") > 0);
	NCHECK("good: root is /", fdt_path(&fdt, "/") == fdt.fd_root);
	NCHECK("good: unit address optional",
	    fdt_path(&fdt, "/memory") == fdt_path(&fdt, "/memory@40000000"));
	NCHECK("good: wrong unit address", fdt_path(&fdt, "/memory@4") < 0);
	NCHECK("good: missing path", fdt_path(&fdt, "/nope/x") < 0);
	uart = fdt_find_compatible(&fdt, -1, "arm,primecell");
	NCHECK("good: compatible list", uart > 0 &&
	    uart == fdt_find_compatible(&fdt, -1, "arm,pl011"));
	NCHECK("good: no false compatible",
	    fdt_find_compatible(&fdt, -1, "arm,pl01") < 0);
	NCHECK("good: stdout-path alias", fdt_stdout_node(&fdt) == uart);
	NCHECK("good: uart reg", fdt_reg(&fdt, uart, 0, &base, &size) == 0 &&
	    base == 0x9000000 && size == 0x1000);
	NCHECK("good: uart reg 1 absent",
	    fdt_reg(&fdt, uart, 1, &base, &size) == ENOENT);
	NCHECK("good: uart irq", fdt_irq(&fdt, uart, 0, &irq) == 0 &&
	    irq.fi_type == FDT_IRQ_SPI && irq.fi_num == 1);
	node = fdt_find_compatible(&fdt, -1, "arm,armv8-timer");
	NCHECK("good: virtual timer PPI", fdt_irq(&fdt, node, 2, &irq) == 0 &&
	    irq.fi_type == FDT_IRQ_PPI && irq.fi_num == 11);
	node = fdt_path(&fdt, "/soc/uart@1000");
	NCHECK("good: 1-cell reg", fdt_reg(&fdt, node, 0, &base, &size) == 0 &&
	    base == 0x1000 && size == 0x100);
	NCHECK("good: parent", fdt_parent(&fdt, node) == fdt_path(&fdt, "/soc"));
	NCHECK("good: parent of root", fdt_parent(&fdt, fdt.fd_root) < 0);
	node = fdt_find_compatible(&fdt, -1, "pci-host-ecam-generic");
	NCHECK("good: pcie ecam", fdt_reg(&fdt, node, 0, &base, &size) == 0 &&
	    base == 0x4010000000ULL && size == 0x10000000);
	NCHECK("good: pcie ranges",
	    fdt_getprop(&fdt, node, "ranges", &len) != NULL && len == 56);
	NCHECK("good: pcie interrupt-map",
	    fdt_getprop(&fdt, node, "interrupt-map", &len) != NULL && len == 40);
	NCHECK("good: bogus node offsets", fdt_node_name(&fdt, 3) == NULL &&
	    fdt_getprop(&fdt, -8, "reg", NULL) == NULL &&
	    fdt_first_child(&fdt, 1 << 30) < 0);
	free(b);
}

static void
test_good_bootinfo(void)
{
	static struct bootinfo bi;
	uint8_t *b;

	build_virt("quiet -- a b");
	b = exact(good, good_len);
	memset(&bi, 0, sizeof(bi));
	quiet = false;
	consbuf[0] = '\0';
	NCHECK("bootinfo: parses", fdt_to_bootinfo(b, good_len, &bi) == 0);
	NCHECK("bootinfo: three RAM ranges, disabled one skipped",
	    bi.bi_nmem == 3 && bi.bi_mem[0].br_base == 0x40000000 &&
	    bi.bi_mem[0].br_len == 0x8000000 &&
	    bi.bi_mem[2].br_base == 0x100000000ULL);
	NCHECK("bootinfo: blob, rsvmap, reserved-memory reserved",
	    bi.bi_nrsv == 3 && bi.bi_rsv[0].br_base == (uintptr_t)b &&
	    bi.bi_rsv[0].br_len == good_len &&
	    bi.bi_rsv[1].br_base == 0x40100000 &&
	    bi.bi_rsv[2].br_base == 0x48000000);
	NCHECK("bootinfo: cmdline", strcmp(bi.bi_cmdline, "quiet -- a b") == 0);
	NCHECK("bootinfo: quiet applied", quiet);
	free(b);
}

static void
test_long_bootargs(void)
{
	static struct bootinfo bi;
	static char args[3000];
	uint8_t *b;

	memset(args, 'x', sizeof(args) - 1);
	build_virt(args);
	b = exact(good, good_len);
	memset(&bi, 0, sizeof(bi));
	consbuf[0] = '\0';
	NCHECK("long bootargs: parses", fdt_to_bootinfo(b, good_len, &bi) == 0);
	NCHECK("long bootargs: truncated",
	    strlen(bi.bi_cmdline) == BOOTINFO_CMDLINE_MAX - 1 &&
	    strstr(consbuf, "truncated") != NULL);
	free(b);
}

/* Open a mutated copy of the good blob; expect rejection and a message. */
static void
expect_bad(const char *name, const uint8_t *blob, size_t len, size_t maxlen,
    const char *msg)
{
	struct fdt fdt;
	uint8_t *b = exact(blob, len);
	char label[128];

	consbuf[0] = '\0';
	snprintf(label, sizeof(label), "malformed: %s", name);
	NCHECK(label, fdt_open(&fdt, b, maxlen) == EINVAL &&
	    strstr(consbuf, msg) != NULL);
	free(b);
}

static void
bad_header_field(const char *name, size_t off, uint32_t v, const char *msg)
{
	static uint8_t tmp[32768];

	build_virt("x");
	memcpy(tmp, good, good_len);
	put_be32(tmp + off, v);
	expect_bad(name, tmp, good_len, good_len, msg);
}

static void
test_bad_headers(void)
{
	build_virt("x");
	expect_bad("shorter than header", good, 20, 20, "smaller");
	bad_header_field("magic", 0, 0xfeedd00d, "magic");
	bad_header_field("totalsize small", 4, 8, "totalsize");
	bad_header_field("totalsize past maxlen", 4, (uint32_t)good_len + 1,
	    "totalsize");
	bad_header_field("totalsize absurd", 4, 0xfffffff0u, "totalsize");
	bad_header_field("version 15", 20, 15, "version");
	bad_header_field("last compatible 18", 24, 18, "version");
	bad_header_field("struct offset", 8, 0x7ffffff0, "structure block");
	bad_header_field("struct size", 36, (uint32_t)good_len, "structure");
	bad_header_field("strings offset", 12, (uint32_t)good_len + 4,
	    "strings block");
	bad_header_field("strings size", 32, 0xffffff00u, "strings block");
	bad_header_field("rsvmap misaligned", 16, 44, "misaligned");
	bad_header_field("struct misaligned", 8, get_be32(good + 8) + 2,
	    "misaligned");
}

static void
test_rsvmap_unterminated(void)
{
	static uint8_t tmp[32768];

	build_virt("x");
	memcpy(tmp, good, good_len);
	/* Reservation block at the end; its last entry nonzero. */
	put_be32(tmp + 16, (uint32_t)((good_len - 16) & ~(size_t)7));
	put_be32(tmp + ((good_len - 16) & ~(size_t)7), 1);
	expect_bad("rsvmap unterminated", tmp, good_len, good_len,
	    "not terminated");
}

/* A structure block made by fn, wrapped in a blob. */
static void
bad_struct(const char *name, void (*fn)(void), const char *msg)
{
	static uint8_t tmp[32768];
	size_t len;

	w_reset();
	fn();
	len = w_finish(tmp);
	expect_bad(name, tmp, len, len, msg);
}

static void
s_unbalanced(void)
{
	w_begin("");
	w_end();
	w_end();
	w_u32(T_END);
}

static void
s_unclosed(void)
{
	w_begin("");
	w_begin("a");
	w_end();
	w_u32(T_END);
}

static void
s_no_end(void)
{
	w_begin("");
	w_end();
}

static void
s_name_unterminated(void)
{
	w_begin("");
	w_u32(T_BEGIN);
	memcpy(w_struct + w_slen, "abcd", 4);
	w_slen += 4;
}

static void
s_prop_past_block(void)
{
	w_begin("");
	w_u32(T_PROP);
	w_u32(1000);
	w_u32(w_string("x"));
	w_end();
	w_u32(T_END);
}

static void
s_prop_name_outside(void)
{
	w_begin("");
	w_u32(T_PROP);
	w_u32(0);
	w_u32(5000);
	w_end();
	w_u32(T_END);
}

static void
s_prop_name_unterminated(void)
{
	w_begin("");
	w_str("abc", "v");
	w_end();
	w_u32(T_END);
	w_strings[w_strlen - 1] = 'x';	/* strings block ends in "abcx" */
}

static void
s_deep(void)
{
	w_begin("");
	for (int i = 0; i < FDT_MAXDEPTH + 1; i++)
		w_begin("n");
	for (int i = 0; i < FDT_MAXDEPTH + 1; i++)
		w_end();
	w_end();
	w_u32(T_END);
}

static void
s_prop_outside(void)
{
	w_str("a", "b");
	w_begin("");
	w_end();
	w_u32(T_END);
}

static void
s_two_roots(void)
{
	w_begin("");
	w_end();
	w_begin("");
	w_end();
	w_u32(T_END);
}

static void
s_bad_token(void)
{
	w_begin("");
	w_u32(7);
	w_end();
	w_u32(T_END);
}

static void
test_bad_structs(void)
{
	bad_struct("unbalanced end node", s_unbalanced, "unbalanced");
	bad_struct("node never closed", s_unclosed, "end inside a node");
	bad_struct("no end token", s_no_end, "truncated");
	bad_struct("unterminated node name", s_name_unterminated, "token");
	bad_struct("property past the block", s_prop_past_block, "token");
	bad_struct("property name outside strings", s_prop_name_outside,
	    "token");
	bad_struct("property name unterminated", s_prop_name_unterminated,
	    "token");
	bad_struct("nesting too deep", s_deep, "too deep");
	bad_struct("property outside nodes", s_prop_outside, "outside");
	bad_struct("second root", s_two_roots, "second root");
	bad_struct("unknown token", s_bad_token, "token");
}

/* A root with the given cells and one child with a 2-cell reg. */
static void
cells_tree(uint32_t ac, uint32_t sc)
{
	w_reset();
	w_begin("");
	w_cells("#address-cells", 1, ac);
	w_cells("#size-cells", 1, sc);
	w_begin("dev");
	w_cells("reg", 6, 1, 2, 3, 4, 5, 6);
	w_cells("interrupts", 4, 0, 1, 4, 9);
	w_prop("unterminated", "abc", 3);
	w_end();
	w_end();
	w_u32(T_END);
}

static int
cells_reg(uint32_t ac, uint32_t sc, uint64_t *base, uint64_t *size)
{
	static uint8_t tmp[4096];
	struct fdt fdt;
	uint8_t *b;
	size_t len;
	int rv;

	cells_tree(ac, sc);
	len = w_finish(tmp);
	if (open_copy(tmp, len, &fdt, &b) != 0) {
		free(b);
		return -1;
	}
	rv = fdt_reg(&fdt, fdt_path(&fdt, "/dev"), 0, base, size);
	free(b);
	return rv;
}

static void
test_cells(void)
{
	static uint8_t tmp[4096];
	uint64_t base = 0, size = 0;
	struct fdt_irq irq;
	struct fdt fdt;
	uint8_t *b;
	int dev;

	NCHECK("cells 1/1", cells_reg(1, 1, &base, &size) == 0 &&
	    base == 1 && size == 2);
	NCHECK("cells 2/1 stride 3", cells_reg(2, 1, &base, &size) == 0 &&
	    base == 0x100000002ULL && size == 3);
	NCHECK("cells 3 rejected", cells_reg(3, 1, &base, &size) == EINVAL);
	NCHECK("address cells 0 rejected",
	    cells_reg(0, 1, &base, &size) == EINVAL);
	NCHECK("size cells 0 rejected", cells_reg(1, 0, &base, &size) == EINVAL);
	NCHECK("reg length not a multiple",
	    cells_reg(2, 2, &base, &size) == EINVAL);
	cells_tree(1, 1);
	NCHECK("cells tree opens", open_copy(tmp, w_finish(tmp), &fdt, &b) == 0);
	dev = fdt_path(&fdt, "/dev");
	NCHECK("interrupts not 3-cell", fdt_irq(&fdt, dev, 0, &irq) == EINVAL);
	NCHECK("string property must be terminated",
	    fdt_getprop(&fdt, dev, "unterminated", NULL) != NULL &&
	    fdt_getstr(&fdt, dev, "unterminated") == NULL &&
	    !fdt_prop_has(&fdt, dev, "unterminated", "abc"));
	NCHECK("no bootargs without /chosen", fdt_bootargs(&fdt) == NULL &&
	    fdt_stdout_node(&fdt) < 0);
	free(b);
}

static void
test_no_memory(void)
{
	static uint8_t tmp[4096];
	static struct bootinfo bi;
	uint8_t *b;
	size_t len;

	cells_tree(1, 1);
	len = w_finish(tmp);
	b = exact(tmp, len);
	memset(&bi, 0, sizeof(bi));
	consbuf[0] = '\0';
	NCHECK("no memory node: EINVAL", fdt_to_bootinfo(b, len, &bi) ==
	    EINVAL && strstr(consbuf, "no memory") != NULL);
	free(b);
}

/* Touch everything an accessor can reach in a tree. */
static void
walk_all(const struct fdt *fdt)
{
	uint64_t base, size;
	struct fdt_irq irq;
	int node, len, n = 0;

	for (node = fdt_next_node(fdt, -1); node >= 0 && n < 1000;
	    node = fdt_next_node(fdt, node), n++) {
		(void)fdt_node_name(fdt, node);
		(void)fdt_getprop(fdt, node, "compatible", &len);
		(void)fdt_prop_has(fdt, node, "compatible", "arm,pl011");
		(void)fdt_reg(fdt, node, 0, &base, &size);
		(void)fdt_irq(fdt, node, 1, &irq);
		(void)fdt_first_child(fdt, node);
		(void)fdt_next_sibling(fdt, node);
		(void)fdt_parent(fdt, node);
		(void)fdt_node_enabled(fdt, node);
	}
	(void)fdt_stdout_node(fdt);
	(void)fdt_path(fdt, "/soc/uart@1000");
	(void)fdt_find_compatible(fdt, -1, "pci-host-ecam-generic");
}

static void
mutate(uint8_t *b, size_t len)
{
	int n = 1 + rand() % 4;

	for (int i = 0; i < n; i++) {
		size_t off = (size_t)rand() % len;

		switch (rand() % 4) {
		case 0:	/* a header field or a token word */
			off = rand() % 2 ? (size_t)(rand() % 10) * 4 : off & ~3u;
			if (off + 4 <= len)
				put_be32(b + off, (uint32_t)(rand() % 64) *
				    (rand() % 2 ? 1 : 4));
			break;
		case 1:
			b[off] ^= (uint8_t)(1u << (rand() % 8));
			break;
		case 2:
			b[off] = 0;
			break;
		default:
			b[off] = (uint8_t)rand();
			break;
		}
	}
}

static void
test_fuzz(void)
{
	static uint8_t tmp[32768];
	static struct bootinfo bi;
	int opened = 0;

	srand(4242);
	build_virt("quiet -- fuzz");
	for (int i = 0; i < 20000; i++) {
		size_t len = good_len;
		struct fdt fdt;
		uint8_t *b;

		memcpy(tmp, good, good_len);
		mutate(tmp, good_len);
		if (rand() % 8 == 0)
			len = (size_t)rand() % good_len;
		b = exact(tmp, len);
		consbuf[0] = '\0';
		if (fdt_open(&fdt, b, len) == 0) {
			opened++;
			walk_all(&fdt);
		}
		memset(&bi, 0, sizeof(bi));
		(void)fdt_to_bootinfo(b, len, &bi);
		free(b);
	}
	printf("fuzz: %d of 20000 mutated blobs accepted\n", opened);
	NCHECK("fuzz: 20000 mutations without a bad read", 1);
	NCHECK("fuzz: some mutations still parse", opened > 100);
}

int
main(void)
{
	test_good_tree();
	test_good_bootinfo();
	test_long_bootargs();
	test_bad_headers();
	test_rsvmap_unterminated();
	test_bad_structs();
	test_cells();
	test_no_memory();
	test_fuzz();
	return unit_done();
}
