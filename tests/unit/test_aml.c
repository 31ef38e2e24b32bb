/*
 * Host tests of the AML interpreter (arch/x86/aml_*.c): the DSDTs of
 * QEMU 7.2's pc and q35 machines (dumped from guest memory under
 * SeaBIOS, tests/unit/data/dsdt-*.aml), a hand-written table
 * (data/aml-test.asl, compiled with iasl and committed), malformed
 * tables built here, and random mutations of the real ones. Region
 * accesses go to fake PCI configuration space, I/O ports and memory.
 * Every table is copied into a heap block of exactly its length, and the
 * arena too, so AddressSanitizer sees any stray access.
 * unit-sources: arch/x86/aml_ns.c arch/x86/aml_eval.c arch/x86/aml_obj.c arch/x86/aml_ops.c arch/x86/aml_field.c arch/x86/aml_prt.c
 * unit-cflags: -Iarch/x86/include
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

#include <bmk/errno.h>
#include <x86/aml.h>

#define ARENA_SIZE (2u << 20)
#define MAXPRT 256

static uint8_t pcicfg[32][8][256];	/* bus 0 */
static uint8_t ioport[0x100];
static uint8_t memory[0x2000];
static uint8_t idxspace[256];		/* behind ports 0x90/0x91 */
static unsigned naccess;

static uint8_t *
space_ptr(int space, uint64_t addr, unsigned w)
{
	if (space == AML_SPACE_PCI) {
		if (AML_PCI_BUS(addr) != 0 || AML_PCI_REG(addr) + w > 256)
			return NULL;
		return &pcicfg[AML_PCI_DEV(addr)][AML_PCI_FN(addr)]
		    [AML_PCI_REG(addr)];
	}
	if (space == AML_SPACE_IO && addr + w <= sizeof(ioport))
		return &ioport[addr];
	if (space == AML_SPACE_MEM && addr + w <= sizeof(memory))
		return &memory[addr];
	return NULL;
}

static int
fake_read(void *arg, int space, uint64_t addr, unsigned w, uint64_t *v)
{
	uint8_t *p = space_ptr(space, addr, w);

	(void)arg;
	naccess++;
	if (p == NULL || (addr & (w - 1)) != 0)
		return EINVAL;
	if (space == AML_SPACE_IO && addr == 0x91)
		p = &idxspace[ioport[0x90]];
	*v = 0;
	memcpy(v, p, w);
	return 0;
}

static int
fake_write(void *arg, int space, uint64_t addr, unsigned w, uint64_t v)
{
	uint8_t *p = space_ptr(space, addr, w);

	(void)arg;
	naccess++;
	if (p == NULL || (addr & (w - 1)) != 0)
		return EINVAL;
	if (space == AML_SPACE_IO && addr == 0x91)
		p = &idxspace[ioport[0x90]];
	memcpy(p, &v, w);
	return 0;
}

static const struct aml_ops fake_ops = { fake_read, fake_write, NULL };

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc((size_t)n);
	if (p != NULL && fread(p, 1, (size_t)n, f) != (size_t)n) {
		free(p);
		p = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

struct env {
	struct aml e_aml;
	void *e_arena;
	uint8_t *e_table;
	size_t e_len;
};

static void *arena;

/* The previous table of e, if any, is dropped (CHECK may return early). */
static int
env_load(struct env *e, const uint8_t *t, size_t len)
{
	e->e_arena = arena;
	free(e->e_table);
	e->e_table = malloc(len ? len : 1);
	e->e_len = len;
	memcpy(e->e_table, t, len);
	if (aml_init(&e->e_aml, e->e_arena, ARENA_SIZE, &fake_ops) != 0)
		return -1;
	if (aml_load(&e->e_aml, e->e_table, len) != 0)
		return -1;
	if (getenv("AML_DEBUG") != NULL && e->e_aml.a_err != NULL)
		printf("load: %u skipped, %s\n", e->e_aml.a_nskipped,
		    e->e_aml.a_err);
	return 0;
}

static void
env_free(struct env *e)
{
	free(e->e_table);
	e->e_table = NULL;
}

static const struct aml_prt *
find_route(const struct aml_prt *r, int n, unsigned dev, unsigned pin)
{
	for (int i = 0; i < n; i++)
		if (r[i].ap_dev == dev && r[i].ap_pin == pin)
			return &r[i];
	return NULL;
}

static void
fake_reset(void)
{
	memset(pcicfg, 0xff, sizeof(pcicfg));
	memset(ioport, 0, sizeof(ioport));
	memset(memory, 0, sizeof(memory));
	memset(idxspace, 0, sizeof(idxspace));
}

/* ---- the real tables ---- */

static uint8_t *pc_dsdt, *q35_dsdt;
static size_t pc_len, q35_len;
static struct aml_prt routes[MAXPRT];

/* SeaBIOS's PIIX3 PIRQ routing: PIRQA-D to IRQ 10, 10, 11, 11. */
static void
pc_config(void)
{
	fake_reset();
	memcpy(&pcicfg[1][0][0x60], "\x0a\x0a\x0b\x0b", 4);
}

static void
test_pc_prt(void)
{
	/* As SeaBIOS wrote them into Interrupt Line (QEMU "info pci"). */
	static const struct { unsigned dev, pin, irq; } want[] = {
		{ 3, 0, 11 }, { 4, 0, 11 }, { 5, 0, 10 }, { 6, 0, 10 },
		{ 6, 1, 11 },	/* 01:01.0 INTA behind the bridge at 6 */
		{ 1, 0, 9 },	/* LNKS: the SCI */
	};
	static struct env e;
	const struct aml_prt *r;
	int n;

	CHECK(pc_dsdt != NULL);
	pc_config();
	CHECK(env_load(&e, pc_dsdt, pc_len) == 0);
	CHECK(e.e_aml.a_nskipped == 0);
	n = aml_pci_routes(&e.e_aml, routes, MAXPRT);
	CHECKMSG(n == 128, "%d routes (%s)", n, e.e_aml.a_err);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		r = find_route(routes, n, want[i].dev, want[i].pin);
		CHECK(r != NULL);
		CHECKMSG(r->ap_gsi == want[i].irq, "%u.%u: irq %u", want[i].dev,
		    want[i].pin, r->ap_gsi);
		CHECK(r->ap_level && !r->ap_active_low);
	}
	env_free(&e);
}

static void
test_pc_disabled_link(void)
{
	static struct env e;
	int n;

	pc_config();
	pcicfg[1][0][0x62] = 0x80;	/* PIRQC (LNKC) disabled */
	CHECK(env_load(&e, pc_dsdt, pc_len) == 0);
	n = aml_pci_routes(&e.e_aml, routes, MAXPRT);
	CHECK(n == 128 - 32);
	CHECK(find_route(routes, n, 3, 0) == NULL);	/* LNKC */
	CHECK(find_route(routes, n, 4, 0) != NULL);
	env_free(&e);
}

static void
test_q35_prt(void)
{
	static struct env e;
	const struct aml_prt *r;
	int n;

	CHECK(q35_dsdt != NULL);
	fake_reset();
	CHECK(env_load(&e, q35_dsdt, q35_len) == 0);
	CHECK(e.e_aml.a_nskipped == 0);
	n = aml_pci_routes(&e.e_aml, routes, MAXPRT);
	CHECKMSG(n == 128, "%d routes (%s)", n, e.e_aml.a_err);
	for (int i = 0; i < n; i++)
		CHECKMSG(routes[i].ap_gsi >= 16 && routes[i].ap_gsi <= 23 &&
		    routes[i].ap_level, "dev %u pin %u: gsi %u",
		    routes[i].ap_dev, routes[i].ap_pin, routes[i].ap_gsi);
	r = find_route(routes, n, 3, 0);
	CHECK(r != NULL);
	CHECKMSG(r->ap_gsi == 23, "00:03 INTA: gsi %u", r->ap_gsi);
	r = find_route(routes, n, 0x1f, 0);
	CHECK(r != NULL && r->ap_gsi == 16);
	env_free(&e);
}

/* ---- the hand-written table ---- */

static uint8_t *test_tbl;
static size_t test_len;

static void
test_config(void)
{
	fake_reset();
	pcicfg[0x1f][0][0x60] = 0x0b;
	ioport[0x81] = 0x5a;
	ioport[0x82] = 0xc0;		/* NIB: bits 4-7 of port 0x82 */
	memory[0x1004] = 0xef;
	memory[0x1005] = 0xbe;
	memory[0x1007] = 0x99;
	idxspace[0x11] = 0x77;
}

static void
test_handwritten_calc(void)
{
	static struct env e;
	struct aml_val args[2] = { { .v_type = AML_INT, .v_int = 3 },
	    { .v_type = AML_INT, .v_int = 4 } }, res;

	CHECK(test_tbl != NULL);
	test_config();
	CHECK(env_load(&e, test_tbl, test_len) == 0);
	CHECK(e.e_aml.a_nskipped == 1);	/* iasl's If (Zero) { External } */
	CHECK(aml_eval(&e.e_aml, aml_lookup(&e.e_aml, "\\_SB.CALC"), args, 2,
	    &res) == 0);
	CHECKMSG(res.v_type == AML_INT && res.v_int == 0,
	    "CALC failed checks 0x%llx (%s)", (unsigned long long)res.v_int,
	    e.e_aml.a_err);
	CHECK(ioport[0x80] == 0x42 && idxspace[0x10] == 0x33);
	env_free(&e);
}

static void
test_handwritten_prt(void)
{
	static struct env e;
	const struct aml_prt *r;
	int n;

	test_config();
	CHECK(env_load(&e, test_tbl, test_len) == 0);
	n = aml_pci_routes(&e.e_aml, routes, MAXPRT);
	CHECKMSG(n == 4, "%d routes (%s)", n, e.e_aml.a_err);
	r = find_route(routes, n, 1, 0);	/* Source 0: the GSI itself */
	CHECK(r != NULL && r->ap_gsi == 20 && r->ap_level && r->ap_active_low);
	r = find_route(routes, n, 2, 0);	/* IRQNoFlags: edge, high */
	CHECK(r != NULL && r->ap_gsi == 5 && !r->ap_level &&
	    !r->ap_active_low);
	r = find_route(routes, n, 2, 1);	/* IRQ(Level, ActiveLow) */
	CHECK(r != NULL && r->ap_gsi == 10 && r->ap_level && r->ap_active_low);
	CHECK(find_route(routes, n, 3, 0) == NULL);	/* _STA: disabled */
	r = find_route(routes, n, 4, 0);	/* string Source, computed */
	CHECK(r != NULL && r->ap_gsi == 16 && !r->ap_level &&
	    r->ap_active_low);
	CHECK(find_route(routes, n, 5, 2) == NULL);	/* empty IRQ mask */
	CHECK(find_route(routes, n, 6, 5) == NULL);	/* pin out of range */
	env_free(&e);
}

static void
test_handwritten_bounds(void)
{
	static struct env e;
	struct aml_val arg = { .v_type = AML_INT }, res;

	test_config();
	CHECK(env_load(&e, test_tbl, test_len) == 0);
	CHECK(aml_eval(&e.e_aml, aml_lookup(&e.e_aml, "\\_SB.LOOP"), NULL, 0,
	    &res) == EIO);
	CHECK(strstr(e.e_aml.a_err, "step limit") != NULL);
	CHECK(aml_eval(&e.e_aml, aml_lookup(&e.e_aml, "\\_SB.RECU"), &arg, 1,
	    &res) == EIO);
	CHECK(strstr(e.e_aml.a_err, "too deep") != NULL);
	CHECK(aml_eval(&e.e_aml, aml_lookup(&e.e_aml, "\\_SB.NONE"), NULL, 0,
	    &res) == ENOENT);
	env_free(&e);
}

/* ---- built tables ---- */

static uint8_t tbuf[1 << 16];
static size_t tlen;

static void
t_begin(void)
{
	memset(tbuf, 0, 36);
	memcpy(tbuf, "DSDT", 4);
	tbuf[8] = 2;
	tlen = 36;
}

static void
t_bytes(const void *p, size_t n)
{
	memcpy(tbuf + tlen, p, n);
	tlen += n;
}

/* PkgLength of a body of n bytes, in the 2-byte form; then the body. */
static void
t_pkg(uint8_t op, const void *body, size_t n)
{
	size_t len = n + 2;

	tbuf[tlen++] = op;
	tbuf[tlen++] = (uint8_t)(0x40 | (len & 0x0f));
	tbuf[tlen++] = (uint8_t)(len >> 4);
	t_bytes(body, n);
}

static struct env benv;

static int
t_load(void)
{
	return env_load(&benv, tbuf, tlen);
}

static void
test_truncated_pkglength(void)
{
	static const uint8_t method[] = { 0x14, 0xff, 0xff, 'M', 'A', 'A', 'A',
	    0 };
	struct aml_val res;

	t_begin();
	t_bytes(method, sizeof(method));	/* length beyond the table */
	CHECK(t_load() == 0);
	CHECK(benv.e_aml.a_nskipped == 1);
	CHECK(aml_lookup(&benv.e_aml, "\\MAAA") == NULL);
	env_free(&benv);
	/* A method whose If claims more than the method holds. */
	t_begin();
	t_pkg(0x14, "MBBB\x00\xa0\x3f\x01", 8);
	CHECK(t_load() == 0);
	CHECK(aml_eval(&benv.e_aml, aml_lookup(&benv.e_aml, "\\MBBB"), NULL, 0,
	    &res) == EIO);
	env_free(&benv);
}

static void
test_unknown_opcodes(void)
{
	struct aml_val res;

	t_begin();
	/* Scope(\_SB) { Name(AAAA, 1) <0xfe> Name(BBBB, 2) } Name(CCCC, 3) */
	t_pkg(0x10, "\\_SB_\x08" "AAAA\x01\xfe\x08" "BBBB\x0a\x02", 19);
	t_bytes("\x08" "CCCC\x0a\x03", 7);
	/* Method(MDDD) { Return(<0x5b 0xee>) } */
	t_pkg(0x14, "MDDD\x00\xa4\x5b\xee", 8);
	CHECK(t_load() == 0);
	CHECK(benv.e_aml.a_nskipped == 1);
	CHECK(aml_lookup(&benv.e_aml, "\\_SB.AAAA") != NULL);
	CHECK(aml_lookup(&benv.e_aml, "\\_SB.BBBB") == NULL);
	CHECK(aml_eval(&benv.e_aml, aml_lookup(&benv.e_aml, "\\CCCC"), NULL, 0,
	    &res) == 0 && res.v_int == 3);
	CHECK(aml_eval(&benv.e_aml, aml_lookup(&benv.e_aml, "\\MDDD"), NULL, 0,
	    &res) == EIO);
	env_free(&benv);
}

static void
test_deep_nesting(void)
{
	struct aml_val res;
	size_t body;

	/* Method(MEEE) { Return(Add(Add(Add(...)))) }, 5000 deep. */
	t_begin();
	tbuf[tlen++] = 0x14;
	body = tlen;
	tlen += 3;
	t_bytes("MEEE\x00\xa4", 6);
	for (int i = 0; i < 5000; i++)
		tbuf[tlen++] = 0x72;
	for (int i = 0; i < 5000; i++)
		t_bytes("\x01\x01\x00", 3);
	tbuf[body] = (uint8_t)(0x80 | ((tlen - body) & 0x0f));
	tbuf[body + 1] = (uint8_t)((tlen - body) >> 4);
	tbuf[body + 2] = (uint8_t)((tlen - body) >> 12);
	/* and 3000 nested Scope(\_SB) { ... } would not fit: 500 Devices */
	CHECK(t_load() == 0);
	CHECK(aml_eval(&benv.e_aml, aml_lookup(&benv.e_aml, "\\MEEE"), NULL, 0,
	    &res) == EIO);
	CHECK(strstr(benv.e_aml.a_err, "too deep") != NULL);
	env_free(&benv);
}

static void
test_deep_devices(void)
{
	size_t start[600];
	int n = 600;

	t_begin();
	for (int i = 0; i < n; i++) {
		t_bytes("\x5b\x82", 2);
		start[i] = tlen;
		tlen += 3;
		t_bytes("DDDD", 4);
	}
	for (int i = n - 1; i >= 0; i--) {
		size_t len = tlen - start[i];
		tbuf[start[i]] = (uint8_t)(0x80 | (len & 0x0f));
		tbuf[start[i] + 1] = (uint8_t)(len >> 4);
		tbuf[start[i] + 2] = (uint8_t)(len >> 12);
	}
	CHECK(t_load() == 0);
	CHECK(benv.e_aml.a_nskipped > 0);
	CHECK(aml_pci_routes(&benv.e_aml, routes, MAXPRT) == -ENOENT);
	env_free(&benv);
}

static void
test_huge_package(void)
{
	struct aml_val res;

	/* Method(MFFF) { Return(VarPackage(0xffffffff) {}) } */
	t_begin();
	t_pkg(0x14, "MFFF\x00\xa4\x13\x06\x0c\xff\xff\xff\xff", 13);
	CHECK(t_load() == 0);
	CHECK(aml_eval(&benv.e_aml, aml_lookup(&benv.e_aml, "\\MFFF"), NULL, 0,
	    &res) == EIO);
	env_free(&benv);
}

/* ---- fuzzing ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static void
fuzz(const uint8_t *t, size_t len, int rounds)
{
	uint8_t *m = malloc(len);
	static struct env e;

	for (int i = 0; i < rounds; i++) {
		size_t n = len;
		memcpy(m, t, len);
		for (int k = 1 + (int)(rnd() % 8); k > 0; k--) {
			size_t at = 36 + rnd() % (len - 36);
			m[at] = (rnd() & 1) ? (uint8_t)rnd() : m[at] ^
			    (uint8_t)(1u << (rnd() % 8));
		}
		if (rnd() % 8 == 0)
			n = 36 + rnd() % (len - 36);	/* truncated */
		pc_config();
		if (env_load(&e, m, n) == 0)
			(void)aml_pci_routes(&e.e_aml, routes, MAXPRT);
		env_free(&e);
	}
	free(m);
}

static void
test_fuzz_pc(void)
{
	fuzz(pc_dsdt, pc_len, 1500);
}

static void
test_fuzz_q35(void)
{
	fuzz(q35_dsdt, q35_len, 1500);
}

static void
test_fuzz_handwritten(void)
{
	fuzz(test_tbl, test_len, 1500);
}

static void
test_res_irq(void)
{
	static const uint8_t irq2[] = { 0x22, 0x20, 0x00, 0x79, 0 };
	static const uint8_t irq3[] = { 0x23, 0x00, 0x04, 0x18, 0x79, 0 };
	static const uint8_t ext[] = { 0x89, 0x06, 0x00, 0x07, 0x01, 0x14,
	    0, 0, 0, 0x79, 0 };
	static const uint8_t bad[] = { 0x89, 0xff, 0x00, 0x0b };
	uint32_t irq;
	bool level, low;

	CHECK(aml_res_irq(irq2, sizeof(irq2), &irq, &level, &low) == 0);
	CHECK(irq == 5 && !level && !low);
	CHECK(aml_res_irq(irq3, sizeof(irq3), &irq, &level, &low) == 0);
	CHECK(irq == 10 && level && low);
	CHECK(aml_res_irq(ext, sizeof(ext), &irq, &level, &low) == 0);
	CHECK(irq == 20 && !level && low);
	CHECK(aml_res_irq(bad, sizeof(bad), &irq, &level, &low) == ENOENT);
	CHECK(aml_res_irq(ext, 5, &irq, &level, &low) == ENOENT);
}

int
main(void)
{
	pc_dsdt = slurp("tests/unit/data/dsdt-pc.aml", &pc_len);
	q35_dsdt = slurp("tests/unit/data/dsdt-q35.aml", &q35_len);
	test_tbl = slurp("tests/unit/data/aml-test.aml", &test_len);
	arena = malloc(ARENA_SIZE);
	RUN(test_pc_prt);
	RUN(test_pc_disabled_link);
	RUN(test_q35_prt);
	RUN(test_handwritten_calc);
	RUN(test_handwritten_prt);
	RUN(test_handwritten_bounds);
	RUN(test_truncated_pkglength);
	RUN(test_unknown_opcodes);
	RUN(test_deep_nesting);
	RUN(test_deep_devices);
	RUN(test_huge_package);
	RUN(test_res_irq);
	if (pc_dsdt != NULL && q35_dsdt != NULL && test_tbl != NULL) {
		RUN(test_fuzz_pc);
		RUN(test_fuzz_q35);
		RUN(test_fuzz_handwritten);
	}
	free(pc_dsdt);
	free(q35_dsdt);
	free(test_tbl);
	free(arena);
	return unit_done();
}
