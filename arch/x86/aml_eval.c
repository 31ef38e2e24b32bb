/*
 * AML interpreter, part two: evaluating terms (ACPI 6.4, 20.2.5) and
 * running methods.
 *
 * aml_term evaluates one term at the cursor and moves past it. Every call
 * counts a step and a level of nesting against the bounds in <x86/aml.h>;
 * every read is checked against the cursor's end, which is the end of
 * the innermost PkgLength. Control flow comes back as AML_RETURN,
 * AML_BREAK or AML_CONTINUE through the statement lists.
 *
 * Statement helpers are kept out of line so that one level of nesting
 * costs little stack (a kernel thread has 28 KiB).
 *
 * Values share their buffers and packages; a Store into a named object
 * or a package element copies. Locals and arguments live in an arena
 * frame; names a method creates are unlinked from the namespace when it
 * returns (their memory stays until the arena goes).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <x86/aml.h>

#define OP_EXT 0x5b

size_t
aml_mark(struct aml *a)
{
	return a->a_used;
}

void
aml_release(struct aml *a, size_t mark)
{
	a->a_used = mark > a->a_pin ? mark : a->a_pin;
}

static int
sub_cursor(struct aml *a, struct aml_cur *c, struct aml_cur *in)
{
	const uint8_t *end;

	if (aml_pkglen(&c->c_p, c->c_end, &end) != AML_OK)
		return aml_fail(a, "bad PkgLength");
	*in = (struct aml_cur){ c->c_p, end, c->c_scope };
	c->c_p = end;
	return AML_OK;
}

static int
const_int(struct aml *a, struct aml_cur *c, unsigned len, struct aml_val *v)
{
	uint64_t x = 0;

	if ((size_t)(c->c_end - c->c_p) < len)
		return aml_fail(a, "truncated constant");
	for (unsigned i = 0; i < len; i++)
		x |= (uint64_t)c->c_p[i] << (8 * i);
	c->c_p += len;
	*v = (struct aml_val){ .v_type = AML_INT, .v_int = x & a->a_intmask };
	return AML_OK;
}

static __attribute__((noinline)) int
const_str(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	const uint8_t *s = c->c_p;
	struct aml_buf *b;
	size_t n = 0;

	while (s + n < c->c_end && s[n] != 0)
		n++;
	if (s + n >= c->c_end)
		return aml_fail(a, "unterminated string");
	if ((b = aml_newbuf(a, (uint32_t)n, true)) == NULL)
		return AML_ERR;
	for (size_t i = 0; i < n; i++)
		b->b_data[i] = s[i];
	c->c_p = s + n + 1;
	*v = (struct aml_val){ .v_type = AML_STR, .v_buf = b };
	return AML_OK;
}

static __attribute__((noinline)) int
def_buffer(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_cur in;
	struct aml_buf *b;
	uint64_t size;
	size_t n;

	if (sub_cursor(a, c, &in) != AML_OK ||
	    aml_term_int(a, &in, &size) != AML_OK)
		return AML_ERR;
	n = (size_t)(in.c_end - in.c_p);
	if (size > a->a_size || n > size)
		return aml_fail(a, "bad buffer size");
	if ((b = aml_newbuf(a, (uint32_t)size, false)) == NULL)
		return AML_ERR;
	for (size_t i = 0; i < n; i++)
		b->b_data[i] = in.c_p[i];
	*v = (struct aml_val){ .v_type = AML_BUF, .v_buf = b };
	return AML_OK;
}

/* A package element: a NameString stays a name; anything else a term. */
static int
pkg_element(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	struct aml_namestr *ns;
	const uint8_t *start = c->c_p;

	if (!aml_is_name_start(*c->c_p))
		return aml_term(a, c, v);
	if (aml_namestr(&c->c_p, c->c_end) != AML_OK)
		return aml_fail(a, "bad NameString");
	if ((ns = aml_alloc(a, sizeof(*ns))) == NULL)
		return AML_ERR;
	*ns = (struct aml_namestr){ start, c->c_p, c->c_scope };
	*v = (struct aml_val){ .v_type = AML_NAMEREF, .v_name = ns };
	return AML_OK;
}

static __attribute__((noinline)) int
def_package(struct aml *a, struct aml_cur *c, bool var, struct aml_val *v)
{
	struct aml_cur in;
	struct aml_pkg *p;
	uint64_t num;

	if (sub_cursor(a, c, &in) != AML_OK)
		return AML_ERR;
	if (var) {
		if (aml_term_int(a, &in, &num) != AML_OK)
			return AML_ERR;
	} else {
		if (in.c_p >= in.c_end)
			return aml_fail(a, "truncated package");
		num = *in.c_p++;
	}
	if (num > a->a_size / sizeof(struct aml_val))
		return aml_fail(a, "package too large");
	if ((p = aml_alloc(a, sizeof(*p))) == NULL ||
	    (p->p_elem = aml_alloc(a, num * sizeof(*p->p_elem))) == NULL)
		return AML_ERR;
	p->p_n = (uint32_t)num;
	for (uint32_t i = 0; in.c_p < in.c_end; i++) {
		struct aml_val e;
		if (pkg_element(a, &in, &e) != AML_OK)
			return AML_ERR;
		if (i < p->p_n)
			p->p_elem[i] = e;	/* extra elements dropped */
	}
	*v = (struct aml_val){ .v_type = AML_PKG, .v_pkg = p };
	return AML_OK;
}

/* ---- methods ---- */

static bool
osi_known(const struct aml_val *arg)
{
	static const char win[] = "Windows ";

	if (arg->v_type != AML_STR || arg->v_buf->b_len < sizeof(win) - 1)
		return false;
	for (size_t i = 0; i < sizeof(win) - 1; i++)
		if (arg->v_buf->b_data[i] != (uint8_t)win[i])
			return false;
	return true;
}

static void
unlink_dyn(struct aml_node *n)
{
	for (; n != NULL; n = n->n_dyn) {
		struct aml_node **pp = &n->n_parent->n_child;
		while (*pp != NULL && *pp != n)
			pp = &(*pp)->n_sib;
		if (*pp == n)
			*pp = n->n_sib;
	}
}

int
aml_call(struct aml *a, struct aml_node *m, struct aml_val *args, int nargs,
    struct aml_val *res)
{
	struct aml_frame *f, *saved = a->a_frame;
	int r;

	*res = (struct aml_val){ .v_type = AML_NONE };
	if (m->n_method.m_flags & AML_M_NATIVE) {	/* \_OSI */
		*res = (struct aml_val){ .v_type = AML_INT, .v_int =
		    nargs > 0 && osi_known(&args[0]) ? a->a_intmask : 0 };
		return AML_OK;
	}
	if (a->a_calls >= AML_MAX_CALLS)
		return aml_fail(a, "method calls nested too deep");
	if ((f = aml_alloc(a, sizeof(*f))) == NULL)
		return AML_ERR;
	for (int i = 0; i < nargs && i < AML_NARGS; i++)
		f->f_arg[i] = args[i];
	f->f_scope = m;
	a->a_frame = f;
	a->a_calls++;
	r = aml_run_body(a, m, m->n_method.m_code, m->n_method.m_end);
	a->a_calls--;
	a->a_frame = saved;
	unlink_dyn(f->f_dyn);
	if (r == AML_RETURN) {
		*res = a->a_ret;
		return AML_OK;
	}
	if (r == AML_BREAK || r == AML_CONTINUE)
		return aml_fail(a, "Break or Continue outside a While");
	return r;
}

static int
call_named(struct aml *a, struct aml_cur *c, struct aml_node *m,
    struct aml_val *v)
{
	struct aml_val args[AML_NARGS];
	int n = m->n_method.m_flags & AML_M_ARGS;

	for (int i = 0; i < n; i++)
		if (aml_term(a, c, &args[i]) != AML_OK)
			return aml_fail(a, "bad method argument");
	return aml_call(a, m, args, n, v);
}

static __attribute__((noinline)) int
name_term(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	const uint8_t *start = c->c_p;
	struct aml_node *n;

	if (aml_namestr(&c->c_p, c->c_end) != AML_OK)
		return aml_fail(a, "bad NameString");
	n = aml_resolve(a, c->c_scope, start, c->c_p);
	if (n == NULL)
		return aml_fail(a, "undefined name");
	if (n->n_kind == AML_K_METHOD)
		return call_named(a, c, n, v);
	return aml_read_node(a, n, v);
}

/* ---- statements ---- */

static __attribute__((noinline)) int
stmt_if(struct aml *a, struct aml_cur *c)
{
	struct aml_cur in, els = { 0 };
	uint64_t pred;
	int r = AML_OK;

	if (sub_cursor(a, c, &in) != AML_OK ||
	    aml_term_int(a, &in, &pred) != AML_OK)
		return AML_ERR;
	if (pred != 0)
		r = aml_run_body(a, c->c_scope, in.c_p, in.c_end);
	if (c->c_p < c->c_end && *c->c_p == 0xa1) {	/* Else */
		c->c_p++;
		if (sub_cursor(a, c, &els) != AML_OK)
			return AML_ERR;
		if (pred == 0)
			r = aml_run_body(a, c->c_scope, els.c_p, els.c_end);
	}
	return r;
}

static __attribute__((noinline)) int
stmt_while(struct aml *a, struct aml_cur *c)
{
	struct aml_cur in, body;
	uint64_t pred;
	int r;

	if (sub_cursor(a, c, &in) != AML_OK)
		return AML_ERR;
	for (;;) {
		body = in;
		if (aml_term_int(a, &body, &pred) != AML_OK)
			return AML_ERR;
		if (pred == 0)
			return AML_OK;
		r = aml_run_body(a, c->c_scope, body.c_p, body.c_end);
		if (r == AML_BREAK)
			return AML_OK;
		if (r != AML_OK && r != AML_CONTINUE)
			return r;
	}
}

static __attribute__((noinline)) int
stmt_return(struct aml *a, struct aml_cur *c)
{
	struct aml_val v;

	if (aml_term(a, c, &v) != AML_OK)
		return AML_ERR;
	a->a_ret = v;
	return AML_RETURN;
}

static struct aml_val *
slot(struct aml *a, uint8_t op)
{
	if (a->a_frame == NULL)
		return NULL;
	if (op >= 0x60 && op <= 0x67)
		return &a->a_frame->f_local[op - 0x60];
	return &a->a_frame->f_arg[op - 0x68];
}

static int
local_term(struct aml *a, uint8_t op, struct aml_val *v)
{
	struct aml_val *s = slot(a, op);

	if (s == NULL)
		return aml_fail(a, "LocalX or ArgX outside a method");
	if (s->v_type == AML_NONE)
		return aml_fail(a, "uninitialized LocalX or ArgX");
	*v = *s;
	return AML_OK;
}

static __attribute__((noinline)) int
ext_term(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	uint8_t op;

	if (c->c_p + 1 >= c->c_end)
		return aml_fail(a, "truncated");
	op = c->c_p[1];
	if (op == 0x01 || op == 0x02 || op == 0x13 ||
	    (op >= 0x80 && op <= 0x88))
		return aml_define(a, c);
	c->c_p += 2;
	if (op == 0x31) {
		*v = (struct aml_val){ .v_type = AML_DEBUG };
		return AML_OK;
	}
	if (aml_is_ext_expr_op(op))
		return aml_op_ext_expr(a, c, op, v);
	return aml_fail(a, "unsupported extended opcode");
}

static int
term_dispatch(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	uint8_t op = *c->c_p;

	*v = (struct aml_val){ .v_type = AML_NONE };
	if (aml_is_name_start(op))
		return name_term(a, c, v);
	if (op == OP_EXT)
		return ext_term(a, c, v);
	if (op == 0x06 || op == 0x08 || op == 0x10 || op == 0x14 ||
	    op == 0x15 || (op >= 0x8a && op <= 0x8d) || op == 0x8f)
		return aml_define(a, c);
	c->c_p++;
	switch (op) {
	case 0x00: *v = (struct aml_val){ .v_type = AML_INT }; return AML_OK;
	case 0x01: *v = (struct aml_val){ .v_type = AML_INT, .v_int = 1 };
		return AML_OK;
	case 0xff: *v = (struct aml_val){ .v_type = AML_INT,
		    .v_int = a->a_intmask };
		return AML_OK;
	case 0x0a: return const_int(a, c, 1, v);
	case 0x0b: return const_int(a, c, 2, v);
	case 0x0c: return const_int(a, c, 4, v);
	case 0x0e: return const_int(a, c, 8, v);
	case 0x0d: return const_str(a, c, v);
	case 0x11: return def_buffer(a, c, v);
	case 0x12: return def_package(a, c, false, v);
	case 0x13: return def_package(a, c, true, v);
	case 0xa0: return stmt_if(a, c);
	case 0xa1: return sub_cursor(a, c, &(struct aml_cur){ 0 });
	case 0xa2: return stmt_while(a, c);
	case 0xa3: case 0xcc: return AML_OK;	/* Noop, BreakPoint */
	case 0xa4: return stmt_return(a, c);
	case 0xa5: return AML_BREAK;
	case 0x9f: return AML_CONTINUE;
	}
	if (op >= 0x60 && op <= 0x6e)
		return local_term(a, op, v);
	if (aml_is_expr_op(op))
		return aml_op_expr(a, c, op, v);
	return aml_fail(a, "unsupported opcode");
}

int
aml_term(struct aml *a, struct aml_cur *c, struct aml_val *v)
{
	int r;

	if (c->c_p >= c->c_end)
		return aml_fail(a, "truncated term");
	if (++a->a_steps > AML_MAX_STEPS)
		return aml_fail(a, "step limit reached (endless loop?)");
	if (a->a_depth >= AML_MAX_DEPTH)
		return aml_fail(a, "terms nested too deep");
	a->a_depth++;
	r = term_dispatch(a, c, v);
	a->a_depth--;
	return r;
}

int
aml_term_int(struct aml *a, struct aml_cur *c, uint64_t *v)
{
	struct aml_val t;

	if (aml_term(a, c, &t) != AML_OK)
		return AML_ERR;
	return aml_to_int(a, &t, v);
}

int
aml_run_body(struct aml *a, struct aml_node *scope, const uint8_t *p,
    const uint8_t *end)
{
	struct aml_cur c = { p, end, scope };
	struct aml_val v;
	int r;

	while (c.c_p < c.c_end)
		if ((r = aml_term(a, &c, &v)) != AML_OK)
			return r;
	return AML_OK;
}

/* ---- public entry points ---- */

int
aml_eval(struct aml *a, struct aml_node *n, const struct aml_val *args,
    int nargs, struct aml_val *res)
{
	struct aml_val argv[AML_NARGS];
	int r;

	if (n == NULL)
		return ENOENT;
	a->a_steps = a->a_depth = a->a_calls = 0;
	a->a_frame = NULL;
	a->a_err = NULL;
	if (n->n_kind == AML_K_METHOD) {
		for (int i = 0; i < nargs && i < AML_NARGS; i++)
			argv[i] = args[i];
		r = aml_call(a, n, argv, nargs < AML_NARGS ? nargs :
		    AML_NARGS, res);
	} else {
		r = aml_read_node(a, n, res);
	}
	a->a_frame = NULL;
	return r == AML_OK ? 0 : EIO;
}

int
aml_eval_child(struct aml *a, struct aml_node *n, const char *seg,
    struct aml_val *res)
{
	struct aml_node *c = n != NULL ? aml_child(n, aml_seg(seg)) : NULL;

	c = aml_deref_alias(c);
	if (c == NULL)
		return ENOENT;
	return aml_eval(a, c, NULL, 0, res);
}
