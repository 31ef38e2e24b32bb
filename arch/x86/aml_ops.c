/*
 * AML interpreter, part four: the expression opcodes (ACPI 6.4, 20.2.5.4
 * and 19.6): integer arithmetic and logic, comparisons, Index, DerefOf,
 * RefOf, SizeOf, ObjectType, Match, conversions, Concatenate, Mid, and
 * the synchronization opcodes, which do nothing on one thread (Acquire
 * always succeeds, Sleep and Stall return at once).
 *
 * Integers are a->a_intmask wide (32 bits for a DSDT of revision < 2);
 * logical results are Ones or Zero.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <x86/aml.h>

static int
ret_int(struct aml *a, struct aml_cur *c, uint64_t x, bool target,
    struct aml_val *v)
{
	*v = (struct aml_val){ .v_type = AML_INT, .v_int = x & a->a_intmask };
	return target ? aml_store(a, c, v) : AML_OK;
}

static int
ret_bool(struct aml *a, bool b, struct aml_val *v)
{
	*v = (struct aml_val){ .v_type = AML_INT, .v_int = b ? a->a_intmask :
	    0 };
	return AML_OK;
}

static int
binop(struct aml *a, struct aml_cur *c, uint8_t op, struct aml_val *v)
{
	uint64_t x, y, r;

	if (aml_term_int(a, c, &x) != AML_OK ||
	    aml_term_int(a, c, &y) != AML_OK)
		return AML_ERR;
	switch (op) {
	case 0x72: r = x + y; break;
	case 0x74: r = x - y; break;
	case 0x77: r = x * y; break;
	case 0x79: r = y >= 64 ? 0 : x << y; break;
	case 0x7a: r = y >= 64 ? 0 : x >> y; break;
	case 0x7b: r = x & y; break;
	case 0x7c: r = ~(x & y); break;
	case 0x7d: r = x | y; break;
	case 0x7e: r = ~(x | y); break;
	case 0x7f: r = x ^ y; break;
	case 0x85:
		if (y == 0)
			return aml_fail(a, "Mod by zero");
		r = x % y;
		break;
	default:
		return aml_fail(a, "bad binary opcode");
	}
	return ret_int(a, c, r, true, v);
}

static int
op_divide(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	uint64_t x, y;
	struct aml_val rem;

	if (aml_term_int(a, c, &x) != AML_OK ||
	    aml_term_int(a, c, &y) != AML_OK)
		return AML_ERR;
	if (y == 0)
		return aml_fail(a, "Divide by zero");
	if (ret_int(a, c, x % y, true, &rem) != AML_OK)
		return AML_ERR;
	return ret_int(a, c, x / y, true, v);
}

static int
unop(struct aml *a, struct aml_cur *c, uint8_t op, struct aml_val *v)
{
	uint64_t x, r = 0;

	if (aml_term_int(a, c, &x) != AML_OK)
		return AML_ERR;
	x &= a->a_intmask;
	if (op == 0x80) {
		r = ~x;
	} else if (op == 0x81) {	/* FindSetLeftBit: 1-based, 0 if none */
		for (r = 64; r > 0 && !((x >> (r - 1)) & 1); r--)
			;
	} else if (x != 0) {		/* FindSetRightBit */
		for (r = 1; !((x >> (r - 1)) & 1); r++)
			;
	}
	return ret_int(a, c, r, true, v);
}

static int
incdec(struct aml *a, struct aml_cur *c, uint8_t op, struct aml_val *v)
{
	struct aml_val ref, cur;
	uint64_t x;

	if (aml_target(a, c, false, &ref) != AML_OK ||
	    aml_ref_read(a, &ref, &cur) != AML_OK ||
	    aml_to_int(a, &cur, &x) != AML_OK)
		return AML_ERR;
	x = op == 0x75 ? x + 1 : x - 1;
	*v = (struct aml_val){ .v_type = AML_INT, .v_int = x & a->a_intmask };
	return aml_ref_write(a, &ref, v);
}

/* Compare: integers by value, strings and buffers bytewise. */
static int
compare(struct aml *a, struct aml_cur *c, int *cmp)
{
	struct aml_val x, y, bx, by;
	uint64_t ix, iy;
	uint32_t n;

	if (aml_term(a, c, &x) != AML_OK || aml_term(a, c, &y) != AML_OK ||
	    aml_ref_read(a, &x, &x) != AML_OK)
		return AML_ERR;
	if (x.v_type != AML_STR && x.v_type != AML_BUF) {
		if (aml_to_int(a, &x, &ix) != AML_OK ||
		    aml_to_int(a, &y, &iy) != AML_OK)
			return AML_ERR;
		*cmp = ix < iy ? -1 : ix > iy;
		return AML_OK;
	}
	if (aml_to_buf(a, &x, &bx) != AML_OK || aml_to_buf(a, &y, &by) !=
	    AML_OK)
		return AML_ERR;
	n = bx.v_buf->b_len < by.v_buf->b_len ? bx.v_buf->b_len :
	    by.v_buf->b_len;
	for (uint32_t i = 0; i < n; i++)
		if (bx.v_buf->b_data[i] != by.v_buf->b_data[i]) {
			*cmp = bx.v_buf->b_data[i] < by.v_buf->b_data[i] ? -1 :
			    1;
			return AML_OK;
		}
	*cmp = bx.v_buf->b_len < by.v_buf->b_len ? -1 :
	    bx.v_buf->b_len > by.v_buf->b_len;
	return AML_OK;
}

static int
logic(struct aml *a, struct aml_cur *c, uint8_t op, struct aml_val *v)
{
	uint64_t x, y;
	int cmp;

	if (op == 0x92) {
		if (aml_term_int(a, c, &x) != AML_OK)
			return AML_ERR;
		return ret_bool(a, x == 0, v);
	}
	if (op == 0x90 || op == 0x91) {
		if (aml_term_int(a, c, &x) != AML_OK ||
		    aml_term_int(a, c, &y) != AML_OK)
			return AML_ERR;
		return ret_bool(a, op == 0x90 ? (x && y) : (x || y), v);
	}
	if (compare(a, c, &cmp) != AML_OK)
		return AML_ERR;
	return ret_bool(a, op == 0x93 ? cmp == 0 : op == 0x94 ? cmp > 0 :
	    cmp < 0, v);
}

static int
op_index(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_val src;
	uint64_t i;

	if (aml_term(a, c, &src) != AML_OK ||
	    aml_ref_read(a, &src, &src) != AML_OK ||
	    aml_term_int(a, c, &i) != AML_OK)
		return AML_ERR;
	if (src.v_type == AML_PKG && i < src.v_pkg->p_n)
		*v = (struct aml_val){ .v_type = AML_PKGREF,
		    .v_idx = (uint32_t)i, .v_pkg = src.v_pkg };
	else if ((src.v_type == AML_BUF || src.v_type == AML_STR) &&
	    i < src.v_buf->b_len)
		*v = (struct aml_val){ .v_type = AML_BUFREF,
		    .v_idx = (uint32_t)i, .v_buf = src.v_buf };
	else
		return aml_fail(a, "Index out of range");
	return aml_store(a, c, v);
}

static int
op_derefof(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_val r;
	struct aml_node *n;

	if (aml_term(a, c, &r) != AML_OK)
		return AML_ERR;
	if (r.v_type == AML_STR) {	/* a path, from the root */
		n = aml_lookup(a, (const char *)r.v_buf->b_data);
		if (n == NULL)
			return aml_fail(a, "DerefOf an undefined name");
		return aml_read_node(a, n, v);
	}
	return aml_ref_read(a, &r, v);
}

static int
op_sizeof(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_val ref, x;

	if (aml_target(a, c, false, &ref) != AML_OK ||
	    aml_ref_read(a, &ref, &x) != AML_OK)
		return AML_ERR;
	if (x.v_type == AML_STR || x.v_type == AML_BUF)
		return ret_int(a, c, x.v_buf->b_len, false, v);
	if (x.v_type == AML_PKG)
		return ret_int(a, c, x.v_pkg->p_n, false, v);
	return aml_fail(a, "SizeOf an object without a size");
}

static int
op_objtype(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	static const uint8_t kind_type[] = {
		[AML_K_SCOPE] = 0, [AML_K_DEVICE] = 6, [AML_K_METHOD] = 8,
		[AML_K_REGION] = 10, [AML_K_FIELD] = 5, [AML_K_BUFFIELD] = 14,
		[AML_K_MUTEX] = 9, [AML_K_EVENT] = 7, [AML_K_PROCESSOR] = 12,
		[AML_K_POWER] = 11, [AML_K_THERMAL] = 13,
	};
	static const uint8_t val_type[] = { [AML_INT] = 1, [AML_STR] = 2,
	    [AML_BUF] = 3, [AML_PKG] = 4, [AML_DEBUG] = 16 };
	struct aml_val ref, x;

	if (aml_target(a, c, false, &ref) != AML_OK)
		return AML_ERR;
	if (ref.v_type == AML_NODE && ref.v_node->n_kind != AML_K_DATA &&
	    ref.v_node->n_kind < sizeof(kind_type))
		return ret_int(a, c, kind_type[ref.v_node->n_kind], false, v);
	if (ref.v_type == AML_NODE)
		x = ref.v_node->n_val;
	else if (aml_ref_read(a, &ref, &x) != AML_OK)
		return AML_ERR;
	return ret_int(a, c, x.v_type < sizeof(val_type) ?
	    val_type[x.v_type] : 0, false, v);
}

static bool
match_one(uint8_t mop, uint64_t e, uint64_t x)
{
	switch (mop) {
	case 0: return true;
	case 1: return e == x;
	case 2: return e <= x;
	case 3: return e < x;
	case 4: return e >= x;
	case 5: return e > x;
	}
	return false;
}

static int
op_match(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_val pkg, e;
	uint64_t x1, x2, start, ei;
	uint8_t m1, m2;

	if (aml_term(a, c, &pkg) != AML_OK ||
	    aml_ref_read(a, &pkg, &pkg) != AML_OK || c->c_p >= c->c_end)
		return AML_ERR;
	m1 = *c->c_p++;
	if (aml_term_int(a, c, &x1) != AML_OK || c->c_p >= c->c_end)
		return AML_ERR;
	m2 = *c->c_p++;
	if (aml_term_int(a, c, &x2) != AML_OK ||
	    aml_term_int(a, c, &start) != AML_OK)
		return AML_ERR;
	if (pkg.v_type != AML_PKG)
		return aml_fail(a, "Match on a non-package");
	for (uint64_t i = start; i < pkg.v_pkg->p_n; i++) {
		e = pkg.v_pkg->p_elem[i];
		if (e.v_type != AML_INT)
			continue;
		ei = e.v_int;
		if (match_one(m1, ei, x1) && match_one(m2, ei, x2))
			return ret_int(a, c, i, false, v);
	}
	return ret_int(a, c, ~(uint64_t)0, false, v);
}

static int
concat_bytes(struct aml *a, const struct aml_buf *x, uint32_t xlen,
    const struct aml_buf *y, bool str, struct aml_val *v)
{
	struct aml_buf *b = aml_newbuf(a, xlen + y->b_len, str);

	if (b == NULL)
		return AML_ERR;
	for (uint32_t i = 0; i < xlen; i++)
		b->b_data[i] = x->b_data[i];
	for (uint32_t i = 0; i < y->b_len; i++)
		b->b_data[xlen + i] = y->b_data[i];
	*v = (struct aml_val){ .v_type = str ? AML_STR : AML_BUF, .v_buf = b };
	return AML_OK;
}

/* Concatenate (0x73) and ConcatenateResTemplate (0x84). */
static int
op_concat(struct aml *a, struct aml_cur *c, uint8_t op, struct aml_val *v)
{
	struct aml_val x, y, bx, by;
	uint32_t xlen;
	bool str;

	if (aml_term(a, c, &x) != AML_OK || aml_term(a, c, &y) != AML_OK ||
	    aml_ref_read(a, &x, &x) != AML_OK ||
	    aml_ref_read(a, &y, &y) != AML_OK)
		return AML_ERR;
	str = op == 0x73 && x.v_type == AML_STR && y.v_type == AML_STR;
	if (aml_to_buf(a, &x, &bx) != AML_OK ||
	    aml_to_buf(a, &y, &by) != AML_OK)
		return AML_ERR;
	xlen = bx.v_buf->b_len;
	if (op == 0x84 && xlen >= 2)
		xlen -= 2;		/* drop the first end tag */
	if (concat_bytes(a, bx.v_buf, xlen, by.v_buf, str, v) != AML_OK)
		return AML_ERR;
	return aml_store(a, c, v);
}

static int
op_tobuffer(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_val x;

	if (aml_term(a, c, &x) != AML_OK || aml_to_buf(a, &x, v) != AML_OK)
		return AML_ERR;
	if (v->v_type == AML_STR) {	/* the terminator comes along */
		struct aml_buf *b = aml_newbuf(a, v->v_buf->b_len + 1, false);
		if (b == NULL)
			return AML_ERR;
		for (uint32_t i = 0; i < v->v_buf->b_len; i++)
			b->b_data[i] = v->v_buf->b_data[i];
		*v = (struct aml_val){ .v_type = AML_BUF, .v_buf = b };
	}
	return aml_store(a, c, v);
}

static int
op_tostring(struct aml *a, struct aml_cur *c, uint8_t op, struct aml_val *v)
{
	static const char hex[] = "0123456789ABCDEF";
	struct aml_val x;
	struct aml_buf *b;
	uint64_t n, lim = ~(uint64_t)0;

	if (aml_term(a, c, &x) != AML_OK ||
	    (op == 0x9c && aml_term_int(a, c, &lim) != AML_OK) ||
	    aml_ref_read(a, &x, &x) != AML_OK)
		return AML_ERR;
	if (x.v_type == AML_INT) {	/* ToHexString of an integer */
		if ((b = aml_newbuf(a, 16, true)) == NULL)
			return AML_ERR;
		for (int i = 0; i < 16; i++)
			b->b_data[i] = (uint8_t)hex[(x.v_int >> (60 - 4 * i)) &
			    0xf];
	} else if (x.v_type == AML_BUF || x.v_type == AML_STR) {
		for (n = 0; n < x.v_buf->b_len && n < lim &&
		    x.v_buf->b_data[n] != 0; n++)
			;
		if ((b = aml_newbuf(a, (uint32_t)n, true)) == NULL)
			return AML_ERR;
		for (uint32_t i = 0; i < n; i++)
			b->b_data[i] = x.v_buf->b_data[i];
	} else {
		return aml_fail(a, "cannot convert to a string");
	}
	*v = (struct aml_val){ .v_type = AML_STR, .v_buf = b };
	return aml_store(a, c, v);
}

static int
op_mid(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_val x, bx;
	uint64_t idx, len;
	struct aml_buf *b;

	if (aml_term(a, c, &x) != AML_OK || aml_term_int(a, c, &idx) !=
	    AML_OK || aml_term_int(a, c, &len) != AML_OK ||
	    aml_to_buf(a, &x, &bx) != AML_OK)
		return AML_ERR;
	if (idx > bx.v_buf->b_len)
		idx = bx.v_buf->b_len;
	if (len > bx.v_buf->b_len - idx)
		len = bx.v_buf->b_len - idx;
	if ((b = aml_newbuf(a, (uint32_t)len, bx.v_type == AML_STR)) == NULL)
		return AML_ERR;
	for (uint32_t i = 0; i < len; i++)
		b->b_data[i] = bx.v_buf->b_data[idx + i];
	*v = (struct aml_val){ .v_type = bx.v_type, .v_buf = b };
	return aml_store(a, c, v);
}

static int
op_store(struct aml *a, struct aml_cur *c, bool copyobj, struct aml_val *v)
{
	struct aml_val ref;

	if (aml_term(a, c, v) != AML_OK)
		return AML_ERR;
	if (!copyobj)
		return aml_store(a, c, v);
	if (aml_target(a, c, false, &ref) != AML_OK)
		return AML_ERR;
	if (ref.v_type == AML_NODE && ref.v_node->n_kind == AML_K_DATA) {
		ref.v_node->n_val = (struct aml_val){ .v_type = AML_NONE };
		return aml_ref_write(a, &ref, v);
	}
	return aml_ref_write(a, &ref, v);
}

static int
op_refof(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	if (aml_target(a, c, false, v) != AML_OK)
		return AML_ERR;
	if (v->v_type == AML_NONE)
		return aml_fail(a, "RefOf nothing");
	return AML_OK;
}

/* Notify(Object, Value): evaluated, nobody listens. */
static int
op_notify(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_val ref;
	uint64_t x;

	if (aml_target(a, c, false, &ref) != AML_OK ||
	    aml_term_int(a, c, &x) != AML_OK)
		return AML_ERR;
	return ret_int(a, c, 0, false, v);
}

bool
aml_is_expr_op(uint8_t op)
{
	return (op >= 0x70 && op <= 0x89) || op == 0x8e ||
	    (op >= 0x90 && op <= 0x99) || (op >= 0x9c && op <= 0x9e);
}

int
aml_op_expr(struct aml *a, struct aml_cur *c, uint8_t op, struct aml_val *v)
{
	switch (op) {
	case 0x70: return op_store(a, c, false, v);
	case 0x9d: return op_store(a, c, true, v);
	case 0x71: return op_refof(a, c, v);
	case 0x73: case 0x84: return op_concat(a, c, op, v);
	case 0x75: case 0x76: return incdec(a, c, op, v);
	case 0x78: return op_divide(a, c, v);
	case 0x80: case 0x81: case 0x82: return unop(a, c, op, v);
	case 0x83: return op_derefof(a, c, v);
	case 0x86: return op_notify(a, c, v);
	case 0x87: return op_sizeof(a, c, v);
	case 0x88: return op_index(a, c, v);
	case 0x89: return op_match(a, c, v);
	case 0x8e: return op_objtype(a, c, v);
	case 0x90: case 0x91: case 0x92: case 0x93: case 0x94: case 0x95:
		return logic(a, c, op, v);
	case 0x96: return op_tobuffer(a, c, v);
	case 0x98: case 0x9c: return op_tostring(a, c, op, v);
	case 0x99: {
		uint64_t x;
		if (aml_term_int(a, c, &x) != AML_OK)
			return AML_ERR;
		return ret_int(a, c, x, true, v);
	}
	case 0x9e: return op_mid(a, c, v);
	}
	if (op >= 0x72 && op <= 0x85)
		return binop(a, c, op, v);
	return aml_fail(a, "unsupported opcode");
}

/* ---- extended opcodes ---- */

static int
op_condrefof(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_val ref;

	if (aml_target(a, c, true, &ref) != AML_OK)
		return AML_ERR;
	if (ref.v_type == AML_NONE) {
		struct aml_val dummy;
		if (aml_target(a, c, false, &dummy) != AML_OK)
			return AML_ERR;
		return ret_bool(a, false, v);
	}
	if (aml_store(a, c, &ref) != AML_OK)
		return AML_ERR;
	return ret_bool(a, true, v);
}

static int
op_bcd(struct aml *a, struct aml_cur *c, bool to, struct aml_val *v)
{
	uint64_t x, r = 0, m = 1;

	if (aml_term_int(a, c, &x) != AML_OK)
		return AML_ERR;
	for (int i = 0; i < 16 && x != 0; i++) {
		if (to) {
			r |= (x % 10) << (4 * i);
			x /= 10;
		} else {
			r += (x & 0xf) * m;
			m *= 10;
			x >>= 4;
		}
	}
	return ret_int(a, c, r, true, v);
}

/* Acquire, Wait, Signal, Reset, Release, Sleep, Stall. */
static int
op_sync(struct aml *a, struct aml_cur *c, uint8_t op, struct aml_val *v)
{
	struct aml_val ref;
	uint64_t x;

	if (op != 0x21 && op != 0x22 &&
	    aml_target(a, c, false, &ref) != AML_OK)
		return AML_ERR;
	if (op == 0x23) {		/* Acquire: WordData timeout */
		if (c->c_end - c->c_p < 2)
			return aml_fail(a, "truncated Acquire");
		c->c_p += 2;
	} else if (op == 0x25 || op == 0x21 || op == 0x22) {
		if (aml_term_int(a, c, &x) != AML_OK)
			return AML_ERR;
	}
	return ret_int(a, c, 0, false, v);	/* never a timeout */
}

bool
aml_is_ext_expr_op(uint8_t op)
{
	return op == 0x12 || (op >= 0x21 && op <= 0x29) || op == 0x30 ||
	    op == 0x33;
}

int
aml_op_ext_expr(struct aml *a, struct aml_cur *c, uint8_t op,
    struct aml_val *v)
{
	switch (op) {
	case 0x12: return op_condrefof(a, c, v);
	case 0x28: return op_bcd(a, c, false, v);
	case 0x29: return op_bcd(a, c, true, v);
	case 0x30: return ret_int(a, c, 0x20240101, false, v);
	case 0x33: return ret_int(a, c, (uint64_t)a->a_steps * 100, false, v);
	}
	return op_sync(a, c, op, v);
}
