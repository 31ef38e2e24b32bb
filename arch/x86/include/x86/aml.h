/*
 * A small, defensive AML interpreter (ACPI 6.x, chapters 5 and 20): just
 * enough to load the DSDT and SSDTs into a namespace and evaluate the
 * host bridge's _PRT and the _STA/_CRS of its interrupt link devices.
 *
 * Portable: no hardware access here. Operation regions reach the machine
 * through struct aml_ops, so host tests supply fakes.
 *
 * Bounds (every one fails cleanly, never crashes or hangs):
 *	memory	one caller-supplied arena; bump allocation, released
 *		after each top-level evaluation unless objects escaped
 *		into the namespace
 *	time	AML_MAX_STEPS terms per top-level evaluation (While too)
 *	stack	AML_MAX_DEPTH nested terms, AML_MAX_CALLS nested methods
 *	input	every read is checked against the end of its enclosing
 *		PkgLength; a definition that cannot be parsed makes the
 *		rest of its enclosing scope be skipped
 *
 * Usage: aml_init, aml_load for the DSDT and each SSDT, then queries
 * (aml_pci_routes). Everything lives in the arena: drop it when done.
 */
#ifndef X86_AML_H
#define X86_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AML_MAX_STEPS 200000
#define AML_MAX_DEPTH 40
#define AML_MAX_CALLS 16
#define AML_NLOCALS 8
#define AML_NARGS 7

/* Region spaces (ACPI 6.4, 19.6.100). */
#define AML_SPACE_MEM 0
#define AML_SPACE_IO 1
#define AML_SPACE_PCI 2

/* A PCI_Config region address: bus, device, function, register. */
#define AML_PCI_ADDR(b, d, f, r) \
	((uint64_t)(b) << 32 | (uint64_t)(d) << 24 | (uint64_t)(f) << 16 | (r))
#define AML_PCI_BUS(a) ((unsigned)((a) >> 32) & 0xff)
#define AML_PCI_DEV(a) ((unsigned)((a) >> 24) & 0x1f)
#define AML_PCI_FN(a) ((unsigned)((a) >> 16) & 0x7)
#define AML_PCI_REG(a) ((unsigned)(a) & 0xffff)

/*
 * Region access: width is 1, 2, 4 or 8 bytes and addr is aligned to it.
 * 0 or an errno value (the evaluation then fails).
 */
struct aml_ops {
	int (*ao_read)(void *arg, int space, uint64_t addr, unsigned width,
	    uint64_t *v);
	int (*ao_write)(void *arg, int space, uint64_t addr, unsigned width,
	    uint64_t v);
	void *ao_arg;
};

/* ---- objects ---- */

enum aml_type {
	AML_NONE,	/* uninitialized */
	AML_INT,
	AML_STR,	/* v_buf, b_data NUL-terminated, b_len without it */
	AML_BUF,
	AML_PKG,
	AML_NODE,	/* reference to a namespace object */
	AML_NAMEREF,	/* unresolved NameString (package element) */
	AML_PKGREF,	/* Index() into a package: v_pkg, v_idx */
	AML_BUFREF,	/* Index() into a buffer: v_buf, v_idx */
	AML_LOCALREF,	/* RefOf(LocalN/ArgN): v_slot */
	AML_DEBUG,
};

struct aml_buf {
	uint32_t b_len;
	uint8_t *b_data;
};

struct aml_val;
struct aml_pkg {
	uint32_t p_n;
	struct aml_val *p_elem;
};

struct aml_node;
struct aml_namestr {
	const uint8_t *ns_path;	/* encoded NameString */
	const uint8_t *ns_end;
	struct aml_node *ns_scope;
};

struct aml_val {
	uint8_t v_type;
	uint32_t v_idx;
	union {
		uint64_t v_int;
		struct aml_buf *v_buf;
		struct aml_pkg *v_pkg;
		struct aml_node *v_node;
		struct aml_namestr *v_name;
		struct aml_val *v_slot;
	};
};

/* ---- namespace ---- */

enum aml_kind {
	AML_K_SCOPE,
	AML_K_DEVICE,
	AML_K_DATA,	/* Name(): n_val */
	AML_K_METHOD,
	AML_K_REGION,
	AML_K_FIELD,	/* Field, IndexField, BankField unit */
	AML_K_BUFFIELD,	/* CreateXField */
	AML_K_ALIAS,
	AML_K_MUTEX,
	AML_K_EVENT,
	AML_K_PROCESSOR,
	AML_K_POWER,
	AML_K_THERMAL,
};

#define AML_M_ARGS 0x07
#define AML_M_NATIVE 0x80	/* built-in (\_OSI): m_code unused */

#define AML_F_PLAIN 0
#define AML_F_INDEX 1
#define AML_F_BANK 2

struct aml_node {
	uint32_t n_name;		/* four characters, little-endian */
	uint8_t n_kind;
	struct aml_node *n_parent, *n_child, *n_sib;
	struct aml_node *n_dyn;		/* next of a method's temporaries */
	union {
		struct aml_val n_val;
		struct {
			const uint8_t *m_code, *m_end;
			uint8_t m_flags;
		} n_method;
		struct {
			uint8_t r_space;
			uint64_t r_off, r_len;
		} n_region;
		struct {
			uint8_t f_kind;		/* AML_F_* */
			uint8_t f_flags;	/* FieldFlags byte */
			struct aml_node *f_region;	/* or index field */
			struct aml_node *f_data;	/* data / bank field */
			uint64_t f_bankval;
			uint32_t f_bitoff, f_bits;
		} n_field;
		struct {
			struct aml_buf *bf_buf;
			uint32_t bf_bitoff, bf_bits;
		} n_buffield;
		struct aml_node *n_target;	/* alias */
	};
};

/* ---- interpreter state ---- */

struct aml_frame {
	struct aml_val f_local[AML_NLOCALS];
	struct aml_val f_arg[AML_NARGS];
	struct aml_node *f_scope;	/* the method's node */
	struct aml_node *f_dyn;		/* names it created */
};

struct aml {
	uint8_t *a_base;		/* arena */
	size_t a_size, a_used, a_pin;
	struct aml_node *a_root;
	const struct aml_ops *a_ops;
	uint64_t a_intmask;		/* 32-bit ints for DSDT rev < 2 */
	unsigned a_steps, a_depth, a_calls;
	unsigned a_ntables, a_nskipped;	/* loaded; definitions skipped */
	struct aml_frame *a_frame;	/* NULL while loading */
	struct aml_val a_ret;		/* value of Return */
	const char *a_err;		/* first failure, for the log */
};

/* Evaluation results inside the interpreter. */
enum { AML_OK = 0, AML_ERR = -1, AML_RETURN = 1, AML_BREAK = 2,
	AML_CONTINUE = 3 };

/* ---- public interface ---- */

/* Start with an empty namespace in [arena, arena + size). 0 or ENOMEM. */
int aml_init(struct aml *a, void *arena, size_t size,
    const struct aml_ops *ops);

/*
 * Load one definition block (a whole DSDT or SSDT, header included; len
 * from the caller, not trusted from the header). 0, or EINVAL if nothing
 * could be loaded. Definitions that fail are skipped and counted.
 */
int aml_load(struct aml *a, const void *table, size_t len);

/* The node at an absolute path ("\\_SB.PCI0"), or NULL. */
struct aml_node *aml_lookup(struct aml *a, const char *path);

/*
 * Evaluate a node: a method is run with args (nargs <= 7), a Name gives
 * its value, a field is read. The result is valid until the next
 * evaluation. 0, ENOENT (no node), or EIO (the interpreter failed:
 * a->a_err says why).
 */
int aml_eval(struct aml *a, struct aml_node *n, const struct aml_val *args,
    int nargs, struct aml_val *res);
/* The child named seg ("_PRT") of n, evaluated; ENOENT if none. */
int aml_eval_child(struct aml *a, struct aml_node *n, const char *seg,
    struct aml_val *res);

/* One entry of the host bridge's _PRT, resolved. */
struct aml_prt {
	uint8_t ap_dev;		/* device number on the host bridge's bus */
	uint8_t ap_pin;		/* 0..3 = INTA..INTD */
	bool ap_level;
	bool ap_active_low;
	uint32_t ap_gsi;
};

/*
 * \_PIC(1) if it exists, then the _PRT of the host bridge of segment 0,
 * bus 0, in APIC mode. Fills up to max entries and returns how many (0 if
 * _PRT is empty), or a negative errno value: -ENOENT (no host bridge or
 * no _PRT), -EIO (the interpreter failed; a->a_err says why).
 */
int aml_pci_routes(struct aml *a, struct aml_prt *out, int max);

/* The current interrupt of a resource template (_CRS): 0 or ENOENT. */
int aml_res_irq(const uint8_t *p, size_t len, uint32_t *irq, bool *level,
    bool *active_low);

/*
 * Kernel only (aml_hw.c): load the firmware's DSDT and SSDTs and resolve
 * the host bridge's _PRT against the real machine, as aml_pci_routes.
 * On failure or an empty table *why says why, for the boot log.
 */
int aml_hw_pci_routes(struct aml_prt *out, int max, const char **why);

/* ---- inside the interpreter (aml_*.c) ---- */

void *aml_alloc(struct aml *a, size_t n);
int aml_fail(struct aml *a, const char *why);
uint32_t aml_seg(const char *s);
int aml_pkglen(const uint8_t **pp, const uint8_t *end, const uint8_t **body);
int aml_namestr(const uint8_t **pp, const uint8_t *end);
bool aml_is_name_start(uint8_t c);
struct aml_node *aml_resolve(struct aml *a, struct aml_node *scope,
    const uint8_t *path, const uint8_t *end);
struct aml_node *aml_create(struct aml *a, struct aml_node *scope,
    const uint8_t *path, const uint8_t *end, uint8_t kind);
struct aml_node *aml_child(struct aml_node *parent, uint32_t name);
struct aml_node *aml_deref_alias(struct aml_node *n);
int aml_run_body(struct aml *a, struct aml_node *scope, const uint8_t *p,
    const uint8_t *end);
int aml_load_body(struct aml *a, struct aml_node *scope, const uint8_t *p,
    const uint8_t *end);
struct aml_cur;
/* A definition (Name, OperationRegion, ...) met inside a method. */
int aml_define(struct aml *a, struct aml_cur *c);
/* Temporaries: what was allocated after mark and is not pinned. */
size_t aml_mark(struct aml *a);
void aml_release(struct aml *a, size_t mark);

/* Evaluator (aml_eval.c) */
struct aml_cur {
	const uint8_t *c_p, *c_end;
	struct aml_node *c_scope;
};
int aml_term(struct aml *a, struct aml_cur *c, struct aml_val *v);
int aml_term_int(struct aml *a, struct aml_cur *c, uint64_t *v);
int aml_store(struct aml *a, struct aml_cur *c, const struct aml_val *v);
int aml_target(struct aml *a, struct aml_cur *c, bool cond,
    struct aml_val *ref);
int aml_ref_read(struct aml *a, const struct aml_val *ref, struct aml_val *v);
int aml_ref_write(struct aml *a, const struct aml_val *ref,
    const struct aml_val *v);
int aml_read_node(struct aml *a, struct aml_node *n, struct aml_val *v);
int aml_write_node(struct aml *a, struct aml_node *n,
    const struct aml_val *v);
int aml_call(struct aml *a, struct aml_node *m, struct aml_val *args,
    int nargs, struct aml_val *res);

/* Operators and conversions (aml_ops.c) */
int aml_to_int(struct aml *a, const struct aml_val *v, uint64_t *out);
int aml_to_buf(struct aml *a, const struct aml_val *v, struct aml_val *out);
int aml_copy_val(struct aml *a, const struct aml_val *v,
    struct aml_val *out);
struct aml_buf *aml_newbuf(struct aml *a, uint32_t len, bool str);
int aml_op_expr(struct aml *a, struct aml_cur *c, uint8_t op,
    struct aml_val *v);
int aml_op_ext_expr(struct aml *a, struct aml_cur *c, uint8_t op,
    struct aml_val *v);
bool aml_is_expr_op(uint8_t op);
bool aml_is_ext_expr_op(uint8_t op);
int aml_create_buffield(struct aml *a, struct aml_cur *c, uint8_t op);

/* Field units (aml_field.c) */
int aml_field_read(struct aml *a, struct aml_node *f, struct aml_val *v);
int aml_field_write(struct aml *a, struct aml_node *f,
    const struct aml_val *v);
int aml_load_field(struct aml *a, struct aml_cur *c, uint8_t kind);

#endif
