/*
 * AML interpreter, part one: the arena, name strings and the namespace
 * (ACPI 6.4, 5.3 and 20.2.2), and loading definition blocks.
 *
 * Loading walks a table's TermList and records definitions: scopes,
 * devices, processors, power resources and thermal zones open a scope
 * and are walked in turn; Name values are evaluated (a data object, in
 * load context); methods keep a pointer into the table (the table must
 * stay mapped); regions, fields, mutexes, events and aliases are noted.
 * External is ignored. Module-level If/Else/While blocks are skipped.
 * Anything else, or a definition that does not parse, ends the walk of
 * its scope: the enclosing PkgLength tells where the scope ends, so the
 * rest of the table still loads.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <x86/aml.h>

#define ACPI_HDR_LEN 36
#define ACPI_HDR_REV 8

void *
aml_alloc(struct aml *a, size_t n)
{
	size_t need = (n + 7) & ~(size_t)7;
	uint8_t *p;

	if (n == 0)
		need = 8;
	if (need < n || a->a_size - a->a_used < need) {
		aml_fail(a, "out of interpreter memory");
		return NULL;
	}
	p = a->a_base + a->a_used;
	a->a_used += need;
	for (size_t i = 0; i < need; i++)
		p[i] = 0;
	return p;
}

int
aml_fail(struct aml *a, const char *why)
{
	if (a->a_err == NULL)
		a->a_err = why;
	return AML_ERR;
}

uint32_t
aml_seg(const char *s)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4 && s[i] != '\0' && s[i] != '.'; i++)
		v |= (uint32_t)(uint8_t)s[i] << (8 * i);
	for (; i < 4; i++)
		v |= (uint32_t)'_' << (8 * i);
	return v;
}

/*
 * PkgLength (20.2.4): the lead byte's top two bits count the bytes that
 * follow; the length counts itself. *body is where the package ends.
 */
int
aml_pkglen(const uint8_t **pp, const uint8_t *end, const uint8_t **body)
{
	const uint8_t *p = *pp, *start = *pp;
	uint32_t len, n;

	if (p >= end)
		return AML_ERR;
	n = *p >> 6;
	if ((size_t)(end - p) < n + 1)
		return AML_ERR;
	if (n == 0) {
		len = *p & 0x3f;
	} else {
		len = *p & 0x0f;
		for (uint32_t i = 1; i <= n; i++)
			len |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	}
	p += n + 1;
	if (len < n + 1 || len > (size_t)(end - start))
		return AML_ERR;
	*body = start + len;
	*pp = p;
	return AML_OK;
}

static bool
lead_char(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
name_char(uint8_t c)
{
	return lead_char(c) || (c >= '0' && c <= '9');
}

bool
aml_is_name_start(uint8_t c)
{
	return lead_char(c) || c == '\\' || c == '^' || c == 0x2e ||
	    c == 0x2f;
}

/* Segments of a NamePath; *pp moves past the prefixes and count byte. */
static int
name_segs(const uint8_t **pp, const uint8_t *end, unsigned *nseg)
{
	const uint8_t *p = *pp;

	if (p >= end)
		return AML_ERR;
	if (*p == 0x00) {
		*nseg = 0;
		p++;
	} else if (*p == 0x2e) {
		*nseg = 2;
		p++;
	} else if (*p == 0x2f) {
		if (end - p < 2 || p[1] == 0)
			return AML_ERR;
		*nseg = p[1];
		p += 2;
	} else {
		*nseg = 1;
	}
	if ((size_t)(end - p) < 4u * *nseg)
		return AML_ERR;
	for (unsigned i = 0; i < 4u * *nseg; i++)
		if (!(i % 4 == 0 ? lead_char(p[i]) : name_char(p[i])))
			return AML_ERR;
	*pp = p;
	return AML_OK;
}

/* Skip a NameString (20.2.2); AML_ERR if malformed. */
int
aml_namestr(const uint8_t **pp, const uint8_t *end)
{
	const uint8_t *p = *pp;
	unsigned nseg;

	if (p < end && *p == '\\')
		p++;
	else
		while (p < end && *p == '^')
			p++;
	if (name_segs(&p, end, &nseg) != AML_OK)
		return AML_ERR;
	*pp = p + 4 * nseg;
	return AML_OK;
}

static uint32_t
seg_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

struct aml_node *
aml_child(struct aml_node *parent, uint32_t name)
{
	for (struct aml_node *n = parent->n_child; n != NULL; n = n->n_sib)
		if (n->n_name == name)
			return n;
	return NULL;
}

struct aml_node *
aml_deref_alias(struct aml_node *n)
{
	for (int i = 0; i < 8 && n != NULL && n->n_kind == AML_K_ALIAS; i++)
		n = n->n_target;
	return n != NULL && n->n_kind == AML_K_ALIAS ? NULL : n;
}

/*
 * Where a NameString starts: the root, or scope moved up by its '^'s.
 * *search is set for a lone NameSeg, which is looked up in each
 * enclosing scope in turn (5.3).
 */
static struct aml_node *
name_base(struct aml *a, struct aml_node *scope, const uint8_t **pp,
    const uint8_t *end, unsigned *nseg, bool *search)
{
	const uint8_t *p = *pp;
	bool prefixed = false;

	if (p < end && *p == '\\') {
		scope = a->a_root;
		prefixed = true;
		p++;
	}
	while (p < end && *p == '^') {
		scope = scope->n_parent;
		prefixed = true;
		if (scope == NULL)
			return NULL;
		p++;
	}
	if (name_segs(&p, end, nseg) != AML_OK)
		return NULL;
	*search = !prefixed && *nseg == 1;
	*pp = p;
	return scope;
}

struct aml_node *
aml_resolve(struct aml *a, struct aml_node *scope, const uint8_t *path,
    const uint8_t *end)
{
	unsigned nseg;
	bool search;
	struct aml_node *n = name_base(a, scope, &path, end, &nseg, &search);

	if (n == NULL)
		return NULL;
	if (search) {
		for (; n != NULL; n = n->n_parent) {
			struct aml_node *c = aml_child(n, seg_at(path));
			if (c != NULL)
				return aml_deref_alias(c);
		}
		return NULL;
	}
	for (unsigned i = 0; i < nseg && n != NULL; i++)
		n = aml_deref_alias(aml_child(n, seg_at(path + 4 * i)));
	return n;
}

static struct aml_node *
new_node(struct aml *a, struct aml_node *parent, uint32_t name, uint8_t kind)
{
	struct aml_node *n = aml_alloc(a, sizeof(*n));

	if (n == NULL)
		return NULL;
	n->n_name = name;
	n->n_kind = kind;
	n->n_parent = parent;
	n->n_sib = parent->n_child;
	parent->n_child = n;
	a->a_pin = a->a_used;	/* nodes are never released */
	if (a->a_frame != NULL) {	/* a method's: gone when it returns */
		n->n_dyn = a->a_frame->f_dyn;
		a->a_frame->f_dyn = n;
	}
	return n;
}

/*
 * Create the object a definition names. Every segment but the last must
 * exist. Re-opening a scope-like object keeps it; any other redefinition
 * replaces the old object's meaning (firmware does redefine).
 */
struct aml_node *
aml_create(struct aml *a, struct aml_node *scope, const uint8_t *path,
    const uint8_t *end, uint8_t kind)
{
	unsigned nseg;
	bool search;
	struct aml_node *n = name_base(a, scope, &path, end, &nseg, &search);
	struct aml_node *old;

	if (n == NULL || nseg == 0)
		return NULL;
	for (unsigned i = 0; i + 1 < nseg && n != NULL; i++)
		n = aml_deref_alias(aml_child(n, seg_at(path + 4 * i)));
	if (n == NULL)
		return NULL;
	old = aml_child(n, seg_at(path + 4 * (nseg - 1)));
	if (old == NULL)
		return new_node(a, n, seg_at(path + 4 * (nseg - 1)), kind);
	if (kind == AML_K_SCOPE)
		return old;
	old->n_kind = kind;
	return old;
}

struct aml_node *
aml_lookup(struct aml *a, const char *path)
{
	uint8_t enc[2 + 4 * 16];
	size_t n = 0, seg = 0;

	if (*path != '\\')
		return NULL;
	enc[n++] = '\\';
	enc[n++] = 0x2f;
	enc[n++] = 0;
	for (path++; *path != '\0' && seg < 16; seg++) {
		uint32_t s = aml_seg(path);
		for (int i = 0; i < 4; i++)
			enc[n++] = (uint8_t)(s >> (8 * i));
		while (*path != '\0' && *path != '.')
			path++;
		if (*path == '.')
			path++;
	}
	enc[2] = (uint8_t)seg;
	if (seg == 0)
		return a->a_root;
	return aml_resolve(a, a->a_root, enc, enc + n);
}

/* ---- loading ---- */

/* A scope-like definition: PkgLength NameString [fixed bytes] TermList. */
static int
load_scope(struct aml *a, struct aml_cur *c, uint8_t kind, unsigned skip)
{
	const uint8_t *end, *name;
	struct aml_node *n;

	if (aml_pkglen(&c->c_p, c->c_end, &end) != AML_OK)
		return aml_fail(a, "bad PkgLength");
	name = c->c_p;
	if (aml_namestr(&c->c_p, end) != AML_OK ||
	    (size_t)(end - c->c_p) < skip)
		goto skip;
	n = NULL;
	if (kind == AML_K_SCOPE)	/* Scope (\) names no new object */
		n = aml_resolve(a, c->c_scope, name, c->c_p);
	if (n == NULL)
		n = aml_create(a, c->c_scope, name, c->c_p, kind);
	if (n == NULL || a->a_depth >= AML_MAX_DEPTH)
		goto skip;
	a->a_depth++;
	if (aml_load_body(a, n, c->c_p + skip, end) != AML_OK)
		a->a_nskipped++;
	a->a_depth--;
	c->c_p = end;
	return AML_OK;
skip:
	a->a_nskipped++;
	c->c_p = end;
	return AML_OK;
}

static int
load_method(struct aml *a, struct aml_cur *c)
{
	const uint8_t *end, *name;
	struct aml_node *n;

	if (aml_pkglen(&c->c_p, c->c_end, &end) != AML_OK)
		return aml_fail(a, "bad PkgLength");
	name = c->c_p;
	if (aml_namestr(&c->c_p, end) == AML_OK && c->c_p < end &&
	    (n = aml_create(a, c->c_scope, name, c->c_p, AML_K_METHOD)) !=
	    NULL) {
		n->n_method.m_flags = *c->c_p & 0x0f;
		n->n_method.m_code = c->c_p + 1;
		n->n_method.m_end = end;
	} else {
		a->a_nskipped++;
	}
	c->c_p = end;
	return AML_OK;
}

static int
load_name(struct aml *a, struct aml_cur *c)
{
	const uint8_t *name = c->c_p;
	struct aml_node *n;
	struct aml_val v;

	if (aml_namestr(&c->c_p, c->c_end) != AML_OK)
		return aml_fail(a, "bad NameString");
	n = aml_create(a, c->c_scope, name, c->c_p, AML_K_DATA);
	if (n == NULL)
		return aml_fail(a, "Name in a missing scope");
	if (aml_term(a, c, &v) != AML_OK)
		return AML_ERR;
	if (aml_copy_val(a, &v, &n->n_val) != AML_OK)
		return AML_ERR;
	a->a_pin = a->a_used;
	return AML_OK;
}

static int
load_alias(struct aml *a, struct aml_cur *c)
{
	const uint8_t *src = c->c_p, *src_end, *dst;
	struct aml_node *t, *n;

	if (aml_namestr(&c->c_p, c->c_end) != AML_OK)
		return aml_fail(a, "bad NameString");
	src_end = dst = c->c_p;
	if (aml_namestr(&c->c_p, c->c_end) != AML_OK)
		return aml_fail(a, "bad NameString");
	t = aml_resolve(a, c->c_scope, src, src_end);
	if (t == NULL) {
		a->a_nskipped++;	/* forward alias: not supported */
		return AML_OK;
	}
	n = aml_create(a, c->c_scope, dst, c->c_p, AML_K_ALIAS);
	if (n == NULL)
		return aml_fail(a, "Alias in a missing scope");
	n->n_target = t;
	return AML_OK;
}

static int
load_region(struct aml *a, struct aml_cur *c)
{
	const uint8_t *name = c->c_p;
	struct aml_node *n;
	uint64_t off, len;
	uint8_t space;

	if (aml_namestr(&c->c_p, c->c_end) != AML_OK || c->c_p >= c->c_end)
		return aml_fail(a, "bad OperationRegion");
	n = aml_create(a, c->c_scope, name, c->c_p, AML_K_REGION);
	space = *c->c_p++;
	if (n == NULL || aml_term_int(a, c, &off) != AML_OK ||
	    aml_term_int(a, c, &len) != AML_OK)
		return aml_fail(a, "bad OperationRegion");
	n->n_region.r_space = space;
	n->n_region.r_off = off;
	n->n_region.r_len = len;
	return AML_OK;
}

/* Mutex, Event, External, DataRegion: the name only (or nothing). */
static int
load_simple(struct aml *a, struct aml_cur *c, uint8_t kind, unsigned skip,
    int nterms, bool define)
{
	const uint8_t *name = c->c_p;
	struct aml_val v;

	if (aml_namestr(&c->c_p, c->c_end) != AML_OK ||
	    (size_t)(c->c_end - c->c_p) < skip)
		return aml_fail(a, "bad definition");
	if (define && aml_create(a, c->c_scope, name, c->c_p, kind) == NULL)
		return aml_fail(a, "definition in a missing scope");
	c->c_p += skip;
	for (int i = 0; i < nterms; i++)
		if (aml_term(a, c, &v) != AML_OK)
			return AML_ERR;
	return AML_OK;
}

static int load_term(struct aml *a, struct aml_cur *c);

static int
load_skip_pkg(struct aml *a, struct aml_cur *c)
{
	const uint8_t *end;

	if (aml_pkglen(&c->c_p, c->c_end, &end) != AML_OK)
		return aml_fail(a, "bad PkgLength");
	c->c_p = end;
	a->a_nskipped++;
	return AML_OK;
}

static int
load_ext(struct aml *a, struct aml_cur *c)
{
	uint8_t op;

	if (c->c_p >= c->c_end)
		return aml_fail(a, "truncated");
	op = *c->c_p++;
	switch (op) {
	case 0x01: return load_simple(a, c, AML_K_MUTEX, 1, 0, true);
	case 0x02: return load_simple(a, c, AML_K_EVENT, 0, 0, true);
	case 0x13: return aml_create_buffield(a, c, 0x13);
	case 0x80: return load_region(a, c);
	case 0x81: return aml_load_field(a, c, AML_F_PLAIN);
	case 0x82: return load_scope(a, c, AML_K_DEVICE, 0);
	case 0x83: return load_scope(a, c, AML_K_PROCESSOR, 6);
	case 0x84: return load_scope(a, c, AML_K_POWER, 3);
	case 0x85: return load_scope(a, c, AML_K_THERMAL, 0);
	case 0x86: return aml_load_field(a, c, AML_F_INDEX);
	case 0x87: return aml_load_field(a, c, AML_F_BANK);
	case 0x88: return load_simple(a, c, AML_K_REGION, 0, 3, true);
	}
	return aml_fail(a, "unsupported opcode at load time");
}

int
aml_define(struct aml *a, struct aml_cur *c)
{
	return load_term(a, c);
}

static int
load_term(struct aml *a, struct aml_cur *c)
{
	uint8_t op = *c->c_p++;

	switch (op) {
	case 0x06: return load_alias(a, c);
	case 0x08: return load_name(a, c);
	case 0x10: return load_scope(a, c, AML_K_SCOPE, 0);
	case 0x14: return load_method(a, c);
	case 0x15: return load_simple(a, c, AML_K_SCOPE, 2, 0, false);
	case 0x5b: return load_ext(a, c);
	case 0x8a: case 0x8b: case 0x8c: case 0x8d: case 0x8f:
		return aml_create_buffield(a, c, op);
	case 0xa0: case 0xa1: case 0xa2:
		return load_skip_pkg(a, c);
	case 0xa3:
		return AML_OK;		/* Noop */
	}
	return aml_fail(a, "unsupported opcode at load time");
}

int
aml_load_body(struct aml *a, struct aml_node *scope, const uint8_t *p,
    const uint8_t *end)
{
	struct aml_cur c = { p, end, scope };

	while (c.c_p < c.c_end) {
		if (a->a_frame == NULL)
			a->a_steps = 0;	/* each definition its own budget */
		if (load_term(a, &c) != AML_OK)
			return AML_ERR;
	}
	return AML_OK;
}

int
aml_load(struct aml *a, const void *table, size_t len)
{
	const uint8_t *t = table;

	if (len < ACPI_HDR_LEN)
		return EINVAL;
	if (a->a_ntables == 0 && t[ACPI_HDR_REV] < 2)
		a->a_intmask = 0xffffffffu;
	a->a_frame = NULL;
	a->a_depth = 0;
	a->a_calls = 0;
	if (aml_load_body(a, a->a_root, t + ACPI_HDR_LEN, t + len) != AML_OK)
		a->a_nskipped++;
	a->a_pin = a->a_used;
	a->a_ntables++;
	return 0;
}

static struct aml_node *
predefine(struct aml *a, const char *seg, uint8_t kind)
{
	return new_node(a, a->a_root, aml_seg(seg), kind);
}

int
aml_init(struct aml *a, void *arena, size_t size, const struct aml_ops *ops)
{
	static const char *scopes[] = { "_GPE", "_PR", "_SB", "_SI", "_TZ" };
	static const char os[] = "Microsoft Windows NT";
	struct aml_node *n;
	struct aml_buf *b;

	*a = (struct aml){ .a_base = arena, .a_size = size, .a_ops = ops,
	    .a_intmask = ~(uint64_t)0 };
	a->a_root = aml_alloc(a, sizeof(*a->a_root));
	if (a->a_root == NULL)
		return ENOMEM;
	a->a_root->n_name = aml_seg("\\");
	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++)
		if (predefine(a, scopes[i], AML_K_SCOPE) == NULL)
			return ENOMEM;
	if ((n = predefine(a, "_OSI", AML_K_METHOD)) == NULL)
		return ENOMEM;
	n->n_method.m_flags = AML_M_NATIVE | 1;
	if ((n = predefine(a, "_REV", AML_K_DATA)) == NULL)
		return ENOMEM;
	n->n_val = (struct aml_val){ .v_type = AML_INT, .v_int = 2 };
	if ((n = predefine(a, "_OS", AML_K_DATA)) == NULL ||
	    (b = aml_newbuf(a, sizeof(os) - 1, true)) == NULL)
		return ENOMEM;
	for (size_t i = 0; i < sizeof(os) - 1; i++)
		b->b_data[i] = (uint8_t)os[i];
	n->n_val = (struct aml_val){ .v_type = AML_STR, .v_buf = b };
	a->a_pin = a->a_used;
	return 0;
}
