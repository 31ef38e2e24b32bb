/*
 * AML interpreter, part five: field units (ACPI 6.4, 19.6.48, 19.6.64,
 * 19.6.7, 20.2.5.2) over operation regions of space SystemMemory,
 * SystemIO and PCI_Config; other spaces fail the evaluation.
 *
 * A field is read and written in aligned units of its access width (Any
 * and Buffer access use bytes); a write that covers part of a unit
 * fills the rest by the update rule (Preserve reads the unit first).
 * IndexField units go through the index and data fields; BankField
 * writes the bank value first. A PCI_Config region belongs to the
 * device that contains it: its _ADR gives device and function, and the
 * bus is the host bridge's bus 0 (regions behind a PCI bridge are not
 * supported).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <x86/aml.h>

#define FIELD_MAX_BITS (8 * 4096)
#define ACC_MASK 0x0f
#define UPD_SHIFT 5
#define UPD_MASK 0x3
#define UPD_ONES 1
#define UPD_ZEROS 2

/* A field list element's bit count: PkgLength encoding, as a value. */
static int
field_len(const uint8_t **pp, const uint8_t *end, uint32_t *len)
{
	const uint8_t *p = *pp;
	uint32_t n;

	if (p >= end)
		return AML_ERR;
	n = *p >> 6;
	if ((size_t)(end - p) < n + 1)
		return AML_ERR;
	*len = n == 0 ? (uint32_t)(*p & 0x3f) : (uint32_t)(*p & 0x0f);
	for (uint32_t i = 1; i <= n; i++)
		*len |= (uint32_t)p[i] << (4 + 8 * (i - 1));
	*pp = p + n + 1;
	return AML_OK;
}

static struct aml_node *
resolve_name(struct aml *a, struct aml_cur *c)
{
	const uint8_t *start = c->c_p;

	if (aml_namestr(&c->c_p, c->c_end) != AML_OK)
		return NULL;
	return aml_resolve(a, c->c_scope, start, c->c_p);
}

struct field_def {
	uint8_t fd_kind, fd_flags;
	struct aml_node *fd_region, *fd_data;
	uint64_t fd_bankval;
};

static int
field_unit(struct aml *a, struct aml_cur *c, const struct field_def *fd,
    uint32_t bitoff, uint32_t bits)
{
	const uint8_t *name = c->c_p;
	struct aml_node *n;

	c->c_p += 4;
	n = aml_create(a, c->c_scope, name, c->c_p, AML_K_FIELD);
	if (n == NULL)
		return aml_fail(a, "field in a missing scope");
	n->n_field.f_kind = fd->fd_kind;
	n->n_field.f_flags = fd->fd_flags;
	n->n_field.f_region = fd->fd_region;
	n->n_field.f_data = fd->fd_data;
	n->n_field.f_bankval = fd->fd_bankval;
	n->n_field.f_bitoff = bitoff;
	n->n_field.f_bits = bits;
	return AML_OK;
}

static int
field_list(struct aml *a, struct aml_cur *c, struct field_def *fd)
{
	uint32_t bitoff = 0, len;
	const uint8_t *end;

	while (c->c_p < c->c_end) {
		uint8_t b = *c->c_p;
		if (b == 0x00 || aml_is_name_start(b)) {
			if (b == 0x00)
				c->c_p++;
			else if (c->c_end - c->c_p < 4)
				return aml_fail(a, "truncated field list");
			const uint8_t *lenp = c->c_p + (b == 0x00 ? 0 : 4);
			if (field_len(&lenp, c->c_end, &len) != AML_OK ||
			    (uint64_t)bitoff + len > 0xffffffffu)
				return aml_fail(a, "bad field length");
			if (b != 0x00 && field_unit(a, c, fd, bitoff, len) !=
			    AML_OK)
				return AML_ERR;
			c->c_p = lenp;
			bitoff += len;
		} else if (b == 0x01 || b == 0x03) {	/* AccessField */
			if (c->c_end - c->c_p < (b == 0x01 ? 3 : 4))
				return aml_fail(a, "truncated field list");
			fd->fd_flags = (uint8_t)((fd->fd_flags & ~ACC_MASK) |
			    (c->c_p[1] & ACC_MASK));
			c->c_p += b == 0x01 ? 3 : 4;
		} else if (b == 0x02 && c->c_p + 1 < c->c_end &&
		    c->c_p[1] == 0x11) {		/* Connection(buffer) */
			c->c_p += 2;
			if (aml_pkglen(&c->c_p, c->c_end, &end) != AML_OK)
				return aml_fail(a, "bad Connection");
			c->c_p = end;
		} else if (b == 0x02) {			/* Connection(name) */
			c->c_p++;
			if (aml_namestr(&c->c_p, c->c_end) != AML_OK)
				return aml_fail(a, "bad Connection");
		} else {
			return aml_fail(a, "bad field list");
		}
	}
	return AML_OK;
}

/* Field, IndexField or BankField, at load time or in a method. */
int
aml_load_field(struct aml *a, struct aml_cur *c, uint8_t kind)
{
	struct field_def fd = { .fd_kind = kind };
	struct aml_cur in;
	const uint8_t *end;

	if (aml_pkglen(&c->c_p, c->c_end, &end) != AML_OK)
		return aml_fail(a, "bad PkgLength");
	in = (struct aml_cur){ c->c_p, end, c->c_scope };
	c->c_p = end;
	fd.fd_region = resolve_name(a, &in);
	if (kind != AML_F_PLAIN)
		fd.fd_data = resolve_name(a, &in);
	if (fd.fd_region == NULL || (kind != AML_F_PLAIN && fd.fd_data ==
	    NULL) || (kind == AML_F_BANK && aml_term_int(a, &in,
	    &fd.fd_bankval) != AML_OK) || in.c_p >= in.c_end) {
		a->a_nskipped++;	/* the rest of the scope still loads */
		return AML_OK;
	}
	fd.fd_flags = *in.c_p++;
	if (field_list(a, &in, &fd) != AML_OK)
		a->a_nskipped++;
	return AML_OK;
}

/* ---- access ---- */

static unsigned
access_width(uint8_t flags)
{
	switch (flags & ACC_MASK) {
	case 2: return 2;
	case 3: return 4;
	case 4: return 8;
	}
	return 1;
}

/* An integer-valued child (_ADR), method or name. */
static int
child_int(struct aml *a, struct aml_node *n, const char *seg, uint64_t *x)
{
	struct aml_node *c = aml_deref_alias(aml_child(n, aml_seg(seg)));
	struct aml_val v;

	if (c == NULL)
		return aml_fail(a, "no _ADR for a PCI_Config region");
	if (aml_read_node(a, c, &v) != AML_OK)
		return AML_ERR;
	return aml_to_int(a, &v, x);
}

static int
pci_base(struct aml *a, struct aml_node *region, uint64_t *base)
{
	struct aml_node *dev = region->n_parent;
	uint64_t adr;

	while (dev != NULL && dev->n_kind != AML_K_DEVICE)
		dev = dev->n_parent;
	if (dev == NULL || child_int(a, dev, "_ADR", &adr) != AML_OK)
		return aml_fail(a, "PCI_Config region outside a PCI device");
	*base = AML_PCI_ADDR(0, (adr >> 16) & 0x1f, adr & 0x7, 0);
	return AML_OK;
}

static int
region_rw(struct aml *a, struct aml_node *r, uint64_t off, unsigned w,
    uint64_t *v, bool write)
{
	uint64_t addr = 0;
	int space = r->n_region.r_space, e;

	if (r->n_kind != AML_K_REGION)
		return aml_fail(a, "field of something that is not a region");
	if (off > r->n_region.r_len || w > r->n_region.r_len - off)
		return aml_fail(a, "field beyond its region");
	if (space == AML_SPACE_PCI) {
		if (pci_base(a, r, &addr) != AML_OK)
			return AML_ERR;
		if (r->n_region.r_off + off + w > 0x1000)
			return aml_fail(a, "PCI_Config offset out of range");
		addr += r->n_region.r_off + off;
	} else if (space == AML_SPACE_MEM || space == AML_SPACE_IO) {
		addr = r->n_region.r_off + off;
		if (addr < off)
			return aml_fail(a, "region address overflows");
	} else {
		return aml_fail(a, "unsupported region space");
	}
	if (a->a_ops == NULL)
		return aml_fail(a, "no region access");
	e = write ? a->a_ops->ao_write(a->a_ops->ao_arg, space, addr, w, *v) :
	    a->a_ops->ao_read(a->a_ops->ao_arg, space, addr, w, v);
	return e == 0 ? AML_OK : aml_fail(a, "region access failed");
}

/* One access unit at byte offset off within the field's space. */
static int
unit_rw(struct aml *a, struct aml_node *f, uint64_t off, unsigned w,
    uint64_t *v, bool write)
{
	struct aml_val x = { .v_type = AML_INT, .v_int = off };

	switch (f->n_field.f_kind) {
	case AML_F_INDEX:
		if (f->n_field.f_region->n_kind != AML_K_FIELD ||
		    f->n_field.f_data->n_kind != AML_K_FIELD)
			return aml_fail(a, "bad IndexField");
		if (aml_field_write(a, f->n_field.f_region, &x) != AML_OK)
			return AML_ERR;
		if (write) {
			x.v_int = *v;
			return aml_field_write(a, f->n_field.f_data, &x);
		}
		if (aml_field_read(a, f->n_field.f_data, &x) != AML_OK)
			return AML_ERR;
		return aml_to_int(a, &x, v);
	case AML_F_BANK:
		x.v_int = f->n_field.f_bankval;
		if (aml_write_node(a, f->n_field.f_data, &x) != AML_OK)
			return AML_ERR;
		break;
	}
	return region_rw(a, f->n_field.f_region, off, w, v, write);
}

static uint64_t
mask_bits(uint32_t n)
{
	return n >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1;
}

static uint64_t
get_bits(const uint8_t *src, uint32_t srclen, uint32_t pos, uint32_t n)
{
	uint64_t x = 0;

	for (uint32_t i = 0; i < n; i++)
		if ((pos + i) / 8 < srclen &&
		    (src[(pos + i) / 8] >> ((pos + i) % 8)) & 1)
			x |= (uint64_t)1 << i;
	return x;
}

static void
put_bits(uint8_t *dst, uint32_t pos, uint64_t x, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if ((x >> i) & 1)
			dst[(pos + i) / 8] |= (uint8_t)(1u << ((pos + i) % 8));
}

static int
field_check(struct aml *a, struct aml_node *f, unsigned *w)
{
	if (a->a_calls + 1 >= AML_MAX_CALLS || f->n_field.f_bits == 0 ||
	    f->n_field.f_bits > FIELD_MAX_BITS)
		return aml_fail(a, "bad field unit");
	*w = access_width(f->n_field.f_flags);
	return AML_OK;
}

int
aml_field_read(struct aml *a, struct aml_node *f, struct aml_val *v)
{
	uint32_t bits = f->n_field.f_bits, off = f->n_field.f_bitoff;
	uint32_t nbytes = (bits + 7) / 8, pos = 0, shift, take;
	struct aml_buf *b;
	uint64_t u;
	unsigned w = 1;

	if (field_check(a, f, &w) != AML_OK ||
	    (b = aml_newbuf(a, nbytes < 8 ? 8 : nbytes, false)) == NULL)
		return AML_ERR;
	a->a_calls++;		/* index fields recurse */
	while (pos < bits) {
		uint64_t bit = (uint64_t)off + pos;
		shift = (uint32_t)(bit % (8 * w));
		take = 8 * w - shift < bits - pos ? 8 * w - shift : bits - pos;
		if (unit_rw(a, f, bit / (8 * w) * w, w, &u, false) != AML_OK) {
			a->a_calls--;
			return AML_ERR;
		}
		put_bits(b->b_data, pos, (u >> shift) & mask_bits(take), take);
		pos += take;
	}
	a->a_calls--;
	if (bits > 64) {
		b->b_len = nbytes;
		*v = (struct aml_val){ .v_type = AML_BUF, .v_buf = b };
		return AML_OK;
	}
	*v = (struct aml_val){ .v_type = AML_INT,
	    .v_int = get_bits(b->b_data, 8, 0, bits) & a->a_intmask };
	return AML_OK;
}

static int
unit_merge(struct aml *a, struct aml_node *f, uint64_t uoff, unsigned w,
    uint32_t shift, uint32_t take, uint64_t x)
{
	uint64_t u = 0, m = mask_bits(take) << shift;
	unsigned upd = (f->n_field.f_flags >> UPD_SHIFT) & UPD_MASK;

	if (take < 8 * w) {
		if (upd == UPD_ONES)
			u = ~(uint64_t)0;
		else if (upd != UPD_ZEROS &&
		    unit_rw(a, f, uoff, w, &u, false) != AML_OK)
			return AML_ERR;
	}
	u = (u & ~m) | ((x << shift) & m);
	return unit_rw(a, f, uoff, w, &u, true);
}

int
aml_field_write(struct aml *a, struct aml_node *f, const struct aml_val *v)
{
	uint32_t bits = f->n_field.f_bits, off = f->n_field.f_bitoff;
	uint32_t pos = 0, shift, take;
	struct aml_val src;
	unsigned w = 1;
	int r = AML_OK;

	if (field_check(a, f, &w) != AML_OK)
		return AML_ERR;
	if (aml_ref_read(a, v, &src) != AML_OK)
		return AML_ERR;
	if (src.v_type != AML_BUF && aml_to_buf(a, &src, &src) != AML_OK)
		return AML_ERR;
	a->a_calls++;
	while (pos < bits && r == AML_OK) {
		uint64_t bit = (uint64_t)off + pos;
		shift = (uint32_t)(bit % (8 * w));
		take = 8 * w - shift < bits - pos ? 8 * w - shift : bits - pos;
		r = unit_merge(a, f, bit / (8 * w) * w, w, shift, take,
		    get_bits(src.v_buf->b_data, src.v_buf->b_len, pos, take));
		pos += take;
	}
	a->a_calls--;
	return r;
}
