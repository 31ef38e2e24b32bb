/*
 * AML interpreter, part six: PCI interrupt routing. Finds the host bridge
 * of segment 0, bus 0 (_HID or _CID PNP0A03 or PNP0A08; ACPI 6.4, 6.1.5
 * and 6.5.5-6.5.6 for _BBN and _SEG), switches the firmware to APIC mode
 * with \_PIC(1) (5.8.1), and resolves its _PRT (6.2.13): a Source of 0
 * means SourceIndex is the GSI (level, active low); otherwise Source is
 * an interrupt link device whose _STA says whether it is enabled and
 * whose _CRS holds the interrupt (resource descriptors, 6.4.2.1 IRQ and
 * 6.4.3.6 Extended Interrupt).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <x86/aml.h>

#define STA_ENABLED 0x3		/* present and enabled */
#define SEARCH_DEPTH 16
#define LINK_CACHE 16

static uint32_t
hexval(char ch)
{
	return (uint32_t)(ch <= '9' ? ch - '0' : ch - 'A' + 10);
}

/*
 * "PNP0A03" as a compressed EISA ID (6.1.5): three letters of five bits
 * each, big-endian in the first two bytes, then four hex digits.
 */
static uint32_t
eisaid(const char *s)
{
	uint32_t v = 0;

	for (int i = 0; i < 3; i++)
		v = v << 5 | ((uint32_t)(s[i] - 0x40) & 0x1f);
	return v >> 8 | (v & 0xff) << 8 |
	    (hexval(s[3]) << 4 | hexval(s[4])) << 16 |
	    (hexval(s[5]) << 4 | hexval(s[6])) << 24;
}

static bool
str_is(const struct aml_val *v, const char *s)
{
	uint32_t i;

	for (i = 0; i < v->v_buf->b_len && s[i] != '\0'; i++)
		if (v->v_buf->b_data[i] != (uint8_t)s[i])
			return false;
	return i == v->v_buf->b_len && s[i] == '\0';
}

static bool
id_is_host(const struct aml_val *v)
{
	if (v->v_type == AML_INT)
		return v->v_int == eisaid("PNP0A03") ||
		    v->v_int == eisaid("PNP0A08");
	if (v->v_type == AML_STR)
		return str_is(v, "PNP0A03") || str_is(v, "PNP0A08");
	return false;
}

static bool
dev_has_host_id(struct aml *a, struct aml_node *dev)
{
	static const char *ids[] = { "_HID", "_CID" };
	struct aml_val v;
	size_t mark = aml_mark(a);
	bool found = false;

	for (int i = 0; i < 2 && !found; i++) {
		if (aml_eval_child(a, dev, ids[i], &v) != 0)
			continue;
		if (v.v_type == AML_PKG) {
			for (uint32_t j = 0; j < v.v_pkg->p_n && !found; j++)
				found = id_is_host(&v.v_pkg->p_elem[j]);
		} else {
			found = id_is_host(&v);
		}
	}
	aml_release(a, mark);
	return found;
}

/* _BBN, _SEG: absent means 0. false if it fails to evaluate. */
static bool
child_zero(struct aml *a, struct aml_node *dev, const char *seg)
{
	size_t mark = aml_mark(a);
	struct aml_val v;
	uint64_t x = 0;
	int e = aml_eval_child(a, dev, seg, &v);
	bool ok = e == ENOENT ||
	    (e == 0 && aml_to_int(a, &v, &x) == AML_OK && x == 0);

	aml_release(a, mark);
	return ok;
}

static struct aml_node *
find_host(struct aml *a, struct aml_node *n, int depth)
{
	struct aml_node *h;

	if (depth > SEARCH_DEPTH)
		return NULL;
	for (struct aml_node *c = n->n_child; c != NULL; c = c->n_sib) {
		if (c->n_kind == AML_K_DEVICE && dev_has_host_id(a, c) &&
		    child_zero(a, c, "_BBN") && child_zero(a, c, "_SEG"))
			return c;
		if (c->n_kind == AML_K_DEVICE || c->n_kind == AML_K_SCOPE)
			if ((h = find_host(a, c, depth + 1)) != NULL)
				return h;
	}
	return NULL;
}

/* ---- resource templates ---- */

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static bool
small_irq(const uint8_t *d, unsigned len, uint32_t *irq, bool *level,
    bool *low)
{
	unsigned mask;

	if (len < 2)
		return false;
	mask = d[0] | (unsigned)d[1] << 8;
	if (mask == 0)
		return false;
	for (*irq = 0; !(mask & (1u << *irq)); (*irq)++)
		;
	*level = len >= 3 && !(d[2] & 0x01);	/* _HE: 1 = edge */
	*low = len >= 3 && (d[2] & 0x08);	/* _LL: 1 = active low */
	return true;
}

static bool
ext_irq(const uint8_t *d, unsigned len, uint32_t *irq, bool *level,
    bool *low)
{
	if (len < 6 || d[1] == 0 || 2u + 4u * d[1] > len)
		return false;
	*irq = rd32(d + 2);
	*level = !(d[0] & 0x02);
	*low = (d[0] & 0x04) != 0;
	return true;
}

int
aml_res_irq(const uint8_t *p, size_t len, uint32_t *irq, bool *level,
    bool *active_low)
{
	size_t off = 0, body, dlen;

	while (off < len) {
		uint8_t tag = p[off];
		if (tag & 0x80) {
			if (len - off < 3)
				return ENOENT;
			dlen = p[off + 1] | (size_t)p[off + 2] << 8;
			body = off + 3;
		} else {
			if (((tag >> 3) & 0xf) == 0xf)	/* End Tag */
				return ENOENT;
			dlen = tag & 0x7;
			body = off + 1;
		}
		if (dlen > len - body)
			return ENOENT;
		if ((tag == 0x22 || tag == 0x23) &&
		    small_irq(p + body, (unsigned)dlen, irq, level, active_low))
			return 0;
		if (tag == 0x89 &&
		    ext_irq(p + body, (unsigned)dlen, irq, level, active_low))
			return 0;
		off = body + dlen;
	}
	return ENOENT;
}

/* ---- _PRT ---- */

struct link {
	struct aml_node *l_node;
	int l_ok;			/* 1: resolved, 0: absent */
	struct aml_prt l_route;
};

struct prt_ctx {
	struct aml_node *pc_host;
	struct link pc_cache[LINK_CACHE];
	int pc_ncache;
};

static int
link_eval(struct aml *a, struct aml_node *dev, struct aml_prt *r)
{
	size_t mark = aml_mark(a);
	struct aml_val v, b;
	uint64_t sta = 0xf;
	int e, ok = 0;

	e = aml_eval_child(a, dev, "_STA", &v);
	if (e == 0 && aml_to_int(a, &v, &sta) != AML_OK)
		e = EIO;
	if ((e == 0 || e == ENOENT) && (sta & STA_ENABLED) == STA_ENABLED &&
	    aml_eval_child(a, dev, "_CRS", &v) == 0 &&
	    aml_to_buf(a, &v, &b) == AML_OK && b.v_type == AML_BUF &&
	    aml_res_irq(b.v_buf->b_data, b.v_buf->b_len, &r->ap_gsi,
	    &r->ap_level, &r->ap_active_low) == 0)
		ok = 1;
	aml_release(a, mark);
	return ok;
}

static int
link_route(struct aml *a, struct prt_ctx *pc, struct aml_node *dev,
    struct aml_prt *r)
{
	struct link *l;

	for (int i = 0; i < pc->pc_ncache; i++)
		if (pc->pc_cache[i].l_node == dev) {
			*r = pc->pc_cache[i].l_route;
			return pc->pc_cache[i].l_ok;
		}
	if (pc->pc_ncache == LINK_CACHE)
		return link_eval(a, dev, r);
	l = &pc->pc_cache[pc->pc_ncache++];
	l->l_node = dev;
	l->l_ok = link_eval(a, dev, &l->l_route);
	*r = l->l_route;
	return l->l_ok;
}

/* The link device a _PRT Source names, or NULL. */
static struct aml_node *
source_node(struct aml *a, struct prt_ctx *pc, const struct aml_val *v)
{
	const struct aml_buf *b;

	switch (v->v_type) {
	case AML_NAMEREF:
		return aml_resolve(a, v->v_name->ns_scope, v->v_name->ns_path,
		    v->v_name->ns_end);
	case AML_NODE:
		return v->v_node;
	case AML_STR:
		b = v->v_buf;
		if (b->b_len > 0 && b->b_data[0] == '\\')
			return aml_lookup(a, (const char *)b->b_data);
		if (b->b_len == 4)
			return aml_deref_alias(aml_child(pc->pc_host,
			    aml_seg((const char *)b->b_data)));
	}
	return NULL;
}

/* One _PRT entry into r: 1 routed, 0 absent or malformed. */
static int
prt_entry(struct aml *a, struct prt_ctx *pc, const struct aml_val *e,
    struct aml_prt *r)
{
	const struct aml_val *f;
	struct aml_node *link;
	uint64_t addr, pin, idx;

	if (e->v_type != AML_PKG || e->v_pkg->p_n < 4)
		return 0;
	f = e->v_pkg->p_elem;
	if (aml_to_int(a, &f[0], &addr) != AML_OK ||
	    aml_to_int(a, &f[1], &pin) != AML_OK ||
	    aml_to_int(a, &f[3], &idx) != AML_OK ||
	    (addr & 0xffff) != 0xffff || (addr >> 16) > 31 || pin > 3)
		return 0;
	if (f[2].v_type == AML_INT) {
		if (f[2].v_int != 0)
			return 0;
		r->ap_gsi = (uint32_t)idx;
		r->ap_level = true;
		r->ap_active_low = true;
	} else {
		link = source_node(a, pc, &f[2]);
		if (link == NULL || idx != 0 || !link_route(a, pc, link, r))
			return 0;
	}
	r->ap_dev = (uint8_t)(addr >> 16);
	r->ap_pin = (uint8_t)pin;
	return 1;
}

static int
set_apic_mode(struct aml *a)
{
	struct aml_node *pic = aml_lookup(a, "\\_PIC");
	struct aml_val one = { .v_type = AML_INT, .v_int = 1 }, res;
	size_t mark = aml_mark(a);
	int e;

	if (pic == NULL || pic->n_kind != AML_K_METHOD)
		return 0;
	e = aml_eval(a, pic, &one, 1, &res);
	aml_release(a, mark);
	return e;
}

int
aml_pci_routes(struct aml *a, struct aml_prt *out, int max)
{
	struct prt_ctx pc = { 0 };
	struct aml_val prt;
	int n = 0;

	if (set_apic_mode(a) != 0)
		return -EIO;
	pc.pc_host = find_host(a, a->a_root, 0);
	if (pc.pc_host == NULL)
		return -ENOENT;
	switch (aml_eval_child(a, pc.pc_host, "_PRT", &prt)) {
	case 0: break;
	case ENOENT: return -ENOENT;
	default: return -EIO;
	}
	if (aml_ref_read(a, &prt, &prt) != AML_OK || prt.v_type != AML_PKG) {
		aml_fail(a, "_PRT is not a package");
		return -EIO;
	}
	for (uint32_t i = 0; i < prt.v_pkg->p_n && n < max; i++) {
		struct aml_val e;
		if (aml_ref_read(a, &prt.v_pkg->p_elem[i], &e) == AML_OK &&
		    prt_entry(a, &pc, &e, &out[n]))
			n++;
	}
	return n;
}
