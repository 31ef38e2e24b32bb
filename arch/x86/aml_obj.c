/*
 * AML interpreter, part three: objects. Conversions between integers,
 * strings and buffers (ACPI 6.4, 19.3.5), references (RefOf, Index,
 * LocalX/ArgX), targets and Store (19.3.5.8: a named Integer or Buffer
 * keeps its type, other named objects and package elements take a copy),
 * reading and writing named objects, and buffer fields (CreateXField).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <x86/aml.h>

struct aml_buf *
aml_newbuf(struct aml *a, uint32_t len, bool str)
{
	struct aml_buf *b = aml_alloc(a, sizeof(*b));

	if (b == NULL || (b->b_data = aml_alloc(a, (size_t)len + str)) == NULL)
		return NULL;
	b->b_len = len;
	return b;
}

/* Follow references to the value they name. */
static int
deref(struct aml *a, const struct aml_val *v, struct aml_val *out)
{
	const struct aml_val *p;

	switch (v->v_type) {
	case AML_PKGREF:
		if (v->v_idx >= v->v_pkg->p_n)
			return aml_fail(a, "package index out of range");
		*out = v->v_pkg->p_elem[v->v_idx];
		return AML_OK;
	case AML_BUFREF:
		if (v->v_idx >= v->v_buf->b_len)
			return aml_fail(a, "buffer index out of range");
		*out = (struct aml_val){ .v_type = AML_INT,
		    .v_int = v->v_buf->b_data[v->v_idx] };
		return AML_OK;
	case AML_LOCALREF:
		p = v->v_slot;
		*out = *p;
		return AML_OK;
	case AML_NODE:
		return aml_read_node(a, v->v_node, out);
	}
	*out = *v;
	return AML_OK;
}

static int
hexdigit(uint8_t ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static uint64_t
str_to_int(const struct aml_buf *b)
{
	uint64_t x = 0;
	uint32_t i = 0;
	int d;

	if (b->b_len >= 2 && b->b_data[0] == '0' &&
	    (b->b_data[1] == 'x' || b->b_data[1] == 'X'))
		i = 2;
	for (; i < b->b_len && (d = hexdigit(b->b_data[i])) >= 0; i++)
		x = x << 4 | (uint64_t)d;
	return x;
}

int
aml_to_int(struct aml *a, const struct aml_val *in, uint64_t *out)
{
	struct aml_val v;
	uint64_t x = 0;

	if (deref(a, in, &v) != AML_OK)
		return AML_ERR;
	if (v.v_type == AML_NODE || v.v_type == AML_PKGREF ||
	    v.v_type == AML_BUFREF || v.v_type == AML_LOCALREF)
		if (deref(a, &v, &v) != AML_OK)
			return AML_ERR;
	switch (v.v_type) {
	case AML_INT:
		x = v.v_int;
		break;
	case AML_STR:
		x = str_to_int(v.v_buf);
		break;
	case AML_BUF:
		for (uint32_t i = 0; i < v.v_buf->b_len && i < 8; i++)
			x |= (uint64_t)v.v_buf->b_data[i] << (8 * i);
		break;
	default:
		return aml_fail(a, "operand is not an integer");
	}
	*out = x & a->a_intmask;
	return AML_OK;
}

int
aml_to_buf(struct aml *a, const struct aml_val *in, struct aml_val *out)
{
	struct aml_val v;
	struct aml_buf *b;
	uint32_t n;

	if (deref(a, in, &v) != AML_OK)
		return AML_ERR;
	if (v.v_type == AML_BUF || v.v_type == AML_STR) {
		*out = v;
		return AML_OK;
	}
	if (v.v_type != AML_INT)
		return aml_fail(a, "operand is not a buffer");
	n = a->a_intmask == ~(uint64_t)0 ? 8 : 4;
	if ((b = aml_newbuf(a, n, false)) == NULL)
		return AML_ERR;
	for (uint32_t i = 0; i < n; i++)
		b->b_data[i] = (uint8_t)(v.v_int >> (8 * i));
	*out = (struct aml_val){ .v_type = AML_BUF, .v_buf = b };
	return AML_OK;
}

static int
copy_depth(struct aml *a, const struct aml_val *v, struct aml_val *out,
    int depth)
{
	struct aml_buf *b;
	struct aml_pkg *p;

	*out = *v;
	if (depth > 8)
		return aml_fail(a, "packages nested too deep");
	if (v->v_type == AML_STR || v->v_type == AML_BUF) {
		b = aml_newbuf(a, v->v_buf->b_len, v->v_type == AML_STR);
		if (b == NULL)
			return AML_ERR;
		for (uint32_t i = 0; i < b->b_len; i++)
			b->b_data[i] = v->v_buf->b_data[i];
		out->v_buf = b;
	} else if (v->v_type == AML_PKG) {
		if ((p = aml_alloc(a, sizeof(*p))) == NULL ||
		    (p->p_elem = aml_alloc(a, (size_t)v->v_pkg->p_n *
		    sizeof(*p->p_elem))) == NULL)
			return AML_ERR;
		p->p_n = v->v_pkg->p_n;
		for (uint32_t i = 0; i < p->p_n; i++)
			if (copy_depth(a, &v->v_pkg->p_elem[i], &p->p_elem[i],
			    depth + 1) != AML_OK)
				return AML_ERR;
		out->v_pkg = p;
	}
	return AML_OK;
}

int
aml_copy_val(struct aml *a, const struct aml_val *v, struct aml_val *out)
{
	return copy_depth(a, v, out, 0);
}

/* ---- buffer fields ---- */

static int
buffield_read(struct aml *a, struct aml_node *n, struct aml_val *v)
{
	const struct aml_buf *b = n->n_buffield.bf_buf;
	uint32_t off = n->n_buffield.bf_bitoff, bits = n->n_buffield.bf_bits;
	uint64_t x = 0;

	if (bits > 64 || (uint64_t)off + bits > (uint64_t)b->b_len * 8)
		return aml_fail(a, "buffer field out of range");
	for (uint32_t i = 0; i < bits; i++)
		if (b->b_data[(off + i) / 8] & (1u << ((off + i) % 8)))
			x |= (uint64_t)1 << i;
	*v = (struct aml_val){ .v_type = AML_INT, .v_int = x & a->a_intmask };
	return AML_OK;
}

static int
buffield_write(struct aml *a, struct aml_node *n, const struct aml_val *v)
{
	struct aml_buf *b = n->n_buffield.bf_buf;
	uint32_t off = n->n_buffield.bf_bitoff, bits = n->n_buffield.bf_bits;
	uint64_t x;

	if (bits > 64 || (uint64_t)off + bits > (uint64_t)b->b_len * 8)
		return aml_fail(a, "buffer field out of range");
	if (aml_to_int(a, v, &x) != AML_OK)
		return AML_ERR;
	for (uint32_t i = 0; i < bits; i++) {
		uint8_t m = (uint8_t)(1u << ((off + i) % 8));
		if (i < 64 && (x >> i) & 1)
			b->b_data[(off + i) / 8] |= m;
		else
			b->b_data[(off + i) / 8] &= (uint8_t)~m;
	}
	return AML_OK;
}

/* CreateBit/Byte/Word/DWord/QWordField, and CreateField (0x13). */
int
aml_create_buffield(struct aml *a, struct aml_cur *c, uint8_t op)
{
	struct aml_val src, buf;
	uint64_t idx, bits = 0;
	const uint8_t *name;
	struct aml_node *n;

	if (aml_term(a, c, &src) != AML_OK || aml_to_buf(a, &src, &buf) !=
	    AML_OK || aml_term_int(a, c, &idx) != AML_OK)
		return AML_ERR;
	switch (op) {
	case 0x8a: bits = 32; idx *= 8; break;
	case 0x8b: bits = 16; idx *= 8; break;
	case 0x8c: bits = 8; idx *= 8; break;
	case 0x8d: bits = 1; break;
	case 0x8f: bits = 64; idx *= 8; break;
	case 0x13:
		if (aml_term_int(a, c, &bits) != AML_OK)
			return AML_ERR;
		break;
	}
	name = c->c_p;
	if (aml_namestr(&c->c_p, c->c_end) != AML_OK)
		return aml_fail(a, "bad NameString");
	if (idx > 0xffffffffu || bits > 0xffffffffu)
		return aml_fail(a, "buffer field out of range");
	n = aml_create(a, c->c_scope, name, c->c_p, AML_K_BUFFIELD);
	if (n == NULL)
		return aml_fail(a, "buffer field in a missing scope");
	n->n_buffield.bf_buf = buf.v_buf;
	n->n_buffield.bf_bitoff = (uint32_t)idx;
	n->n_buffield.bf_bits = (uint32_t)bits;
	return AML_OK;
}

/* ---- named objects ---- */

int
aml_read_node(struct aml *a, struct aml_node *n, struct aml_val *v)
{
	switch (n->n_kind) {
	case AML_K_DATA:
		*v = n->n_val;
		return AML_OK;
	case AML_K_FIELD:
		return aml_field_read(a, n, v);
	case AML_K_BUFFIELD:
		return buffield_read(a, n, v);
	case AML_K_METHOD:
		return aml_call(a, n, NULL, 0, v);
	}
	*v = (struct aml_val){ .v_type = AML_NODE, .v_node = n };
	return AML_OK;
}

static int
store_data(struct aml *a, struct aml_node *n, const struct aml_val *in)
{
	struct aml_val v, b;
	uint64_t x;

	if (deref(a, in, &v) != AML_OK)
		return AML_ERR;
	if (n->n_val.v_type == AML_INT) {
		if (aml_to_int(a, &v, &x) != AML_OK)
			return AML_ERR;
		n->n_val.v_int = x;
		return AML_OK;
	}
	if (n->n_val.v_type == AML_BUF && v.v_type != AML_PKG) {
		struct aml_buf *d = n->n_val.v_buf;
		if (aml_to_buf(a, &v, &b) != AML_OK)
			return AML_ERR;
		for (uint32_t i = 0; i < d->b_len; i++)
			d->b_data[i] = i < b.v_buf->b_len ? b.v_buf->b_data[i] : 0;
		return AML_OK;
	}
	if (aml_copy_val(a, &v, &n->n_val) != AML_OK)
		return AML_ERR;
	a->a_pin = a->a_used;	/* the copy lives in the namespace now */
	return AML_OK;
}

int
aml_write_node(struct aml *a, struct aml_node *n, const struct aml_val *v)
{
	switch (n->n_kind) {
	case AML_K_DATA:
		return store_data(a, n, v);
	case AML_K_FIELD:
		return aml_field_write(a, n, v);
	case AML_K_BUFFIELD:
		return buffield_write(a, n, v);
	}
	return aml_fail(a, "store to an object that holds no data");
}

/* ---- targets ---- */

static int
write_ref(struct aml *a, const struct aml_val *ref, const struct aml_val *v)
{
	uint64_t x;

	switch (ref->v_type) {
	case AML_NONE:
	case AML_DEBUG:
		return AML_OK;
	case AML_NODE:
		return aml_write_node(a, ref->v_node, v);
	case AML_LOCALREF:
		return aml_copy_val(a, v, ref->v_slot);
	case AML_PKGREF:
		if (ref->v_idx >= ref->v_pkg->p_n)
			return aml_fail(a, "package index out of range");
		if (aml_copy_val(a, v, &ref->v_pkg->p_elem[ref->v_idx]) !=
		    AML_OK)
			return AML_ERR;
		a->a_pin = a->a_used;	/* the package may be a named one */
		return AML_OK;
	case AML_BUFREF:
		if (ref->v_idx >= ref->v_buf->b_len)
			return aml_fail(a, "buffer index out of range");
		if (aml_to_int(a, v, &x) != AML_OK)
			return AML_ERR;
		ref->v_buf->b_data[ref->v_idx] = (uint8_t)x;
		return AML_OK;
	}
	return aml_fail(a, "store to something that is not a reference");
}

static bool
is_ref(const struct aml_val *v)
{
	return v->v_type == AML_NODE || v->v_type == AML_PKGREF ||
	    v->v_type == AML_BUFREF || v->v_type == AML_LOCALREF;
}

/*
 * A Target or SuperName as a reference. NullName gives AML_NONE. An ArgX
 * that holds a reference stands for what it refers to (19.3.5.8). With
 * cond, an undefined name gives AML_NONE instead of failing (CondRefOf).
 */
int
aml_target(struct aml *a, struct aml_cur *c, bool cond, struct aml_val *ref)
{
	const uint8_t *start = c->c_p;
	struct aml_node *n;
	uint8_t op;

	if (c->c_p >= c->c_end)
		return aml_fail(a, "truncated target");
	op = *c->c_p;
	*ref = (struct aml_val){ .v_type = AML_NONE };
	if (op == 0x00) {
		c->c_p++;
		return AML_OK;
	}
	if (op >= 0x60 && op <= 0x6e) {
		c->c_p++;
		if (a->a_frame == NULL)
			return aml_fail(a, "LocalX or ArgX outside a method");
		ref->v_type = AML_LOCALREF;
		ref->v_slot = op < 0x68 ? &a->a_frame->f_local[op - 0x60] :
		    &a->a_frame->f_arg[op - 0x68];
		if (op >= 0x68 && is_ref(ref->v_slot))
			*ref = *ref->v_slot;
		return AML_OK;
	}
	if (aml_is_name_start(op)) {
		if (aml_namestr(&c->c_p, c->c_end) != AML_OK)
			return aml_fail(a, "bad NameString");
		n = aml_resolve(a, c->c_scope, start, c->c_p);
		if (n == NULL)
			return cond ? AML_OK : aml_fail(a, "undefined name");
		if (n->n_kind == AML_K_METHOD && !cond)
			return aml_fail(a, "method used as a target");
		*ref = (struct aml_val){ .v_type = AML_NODE, .v_node = n };
		return AML_OK;
	}
	/* Debug, RefOf, DerefOf, Index, method results: a term's value. */
	if (aml_term(a, c, ref) != AML_OK)
		return AML_ERR;
	if (ref->v_type != AML_DEBUG && !is_ref(ref))
		return aml_fail(a, "target is not a reference");
	return AML_OK;
}

int
aml_store(struct aml *a, struct aml_cur *c, const struct aml_val *v)
{
	struct aml_val ref;

	if (aml_target(a, c, false, &ref) != AML_OK)
		return AML_ERR;
	return write_ref(a, &ref, v);
}

int
aml_ref_read(struct aml *a, const struct aml_val *ref, struct aml_val *v)
{
	return deref(a, ref, v);
}

int
aml_ref_write(struct aml *a, const struct aml_val *ref,
    const struct aml_val *v)
{
	return write_ref(a, ref, v);
}
