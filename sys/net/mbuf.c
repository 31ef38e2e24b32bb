/*
 * Packet buffers: allocation, external storage and its reference counts,
 * and the chain operations declared in <net/mbuf.h>.
 *
 * Storage. An mbuf is a 256-byte pool item; without M_EXT its data lives
 * in m_dat[0, MLEN). With M_EXT, m_ext points at a struct m_ext_storage
 * that every sharing mbuf references:
 *   - a cluster: one item of mcl_pool holds the MCLBYTES buffer and, after
 *     it, its own m_ext_storage (es_free == mcl_free);
 *   - caller storage (m_gethdr_ext) and big private copies (over
 *     MCLBYTES, made by unsharing a big caller buffer): the m_ext_storage
 *     comes from mes_pool and es_free is the caller's function (for the
 *     private copies, kmem_free through mbig_free).
 * es_refcnt counts the mbufs that point at the storage. It changes only
 * with __atomic operations: copies of one packet may be freed by several
 * threads at once. A count of 1 means the holder is alone, and nobody can
 * raise it behind its back (raising needs a reference), so "refcnt == 1"
 * is a stable answer to "may I write?".
 *
 * Every mbuf carries the m_pkthdr member (MHLEN == MLEN), so turning any
 * mbuf into a packet head is setting M_PKTHDR and filling m_pkthdr.
 *
 * Fresh mbufs have their data at the start of their storage (m_get,
 * m_gethdr, m_getcl); a caller wanting link-header room in front moves
 * m_data itself (M_LINKSPACE) or asks m_devget for headroom. m_prepend
 * puts data at the end of an mbuf it adds, so that further prepends fit.
 *
 * Length bookkeeping: m_append, m_copyback, m_prepend, m_adj, m_pullup,
 * m_split and m_makewritable keep m_pkthdr.len of a packet head equal to
 * the chain's length; m_cat does not (as declared).
 */
#include <errno.h>
#include <string.h>

#include <kern/kassert.h>
#include <kern/kmem.h>
#include <net/mbuf.h>

CTASSERT(MHDR_SIZE < MSIZE / 2);
CTASSERT(MLEN >= 128);

/* A cluster: the buffer, then the storage record that describes it. */
struct mcluster {
	uint8_t mc_buf[MCLBYTES];
	struct m_ext_storage mc_es;
};

static struct pool mbuf_pool;
static struct pool mcl_pool;
static struct pool mes_pool;	/* m_ext_storage for caller storage */
static int mbuf_inited;

static uint64_t mst_mbufs, mst_clusters, mst_ext, mst_fail, mst_mbufs_max;

void
mbuf_init(void)
{
	if (mbuf_inited)
		return;
	pool_init(&mbuf_pool, MSIZE, 16, "mbuf");
	pool_init(&mcl_pool, sizeof(struct mcluster), 64, "mcl");
	pool_init(&mes_pool, sizeof(struct m_ext_storage), 0, "mext");
	mbuf_inited = 1;
}

static void
stat_inc(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

static void
stat_dec(uint64_t *c)
{
	__atomic_fetch_sub(c, 1, __ATOMIC_RELAXED);
}

void
mbuf_get_stats(struct mbuf_stats *st)
{
	st->ms_mbufs = __atomic_load_n(&mst_mbufs, __ATOMIC_RELAXED);
	st->ms_clusters = __atomic_load_n(&mst_clusters, __ATOMIC_RELAXED);
	st->ms_ext = __atomic_load_n(&mst_ext, __ATOMIC_RELAXED);
	st->ms_fail = __atomic_load_n(&mst_fail, __ATOMIC_RELAXED);
	st->ms_mbufs_max = __atomic_load_n(&mst_mbufs_max, __ATOMIC_RELAXED);
}

static int
pool_flags(int how)
{
	return (how & M_NOWAIT) != 0 ? PR_NOWAIT : PR_WAITOK;
}

/* ---- external storage ------------------------------------------------ */

static void
mcl_free(void *buf, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	pool_put(&mcl_pool, buf);	/* mc_buf is first: buf is the item */
	stat_dec(&mst_clusters);
}

/* A new cluster's storage record, refcnt 1; NULL if no memory. */
static struct m_ext_storage *
mcl_alloc(int how)
{
	struct mcluster *mc;

	KASSERT(mbuf_inited);
	if ((mc = pool_get(&mcl_pool, pool_flags(how))) == NULL) {
		stat_inc(&mst_fail);
		return NULL;
	}
	stat_inc(&mst_clusters);
	mc->mc_es.es_refcnt = 1;
	mc->mc_es.es_buf = mc->mc_buf;
	mc->mc_es.es_size = MCLBYTES;
	mc->mc_es.es_free = mcl_free;
	mc->mc_es.es_arg = NULL;
	return &mc->mc_es;
}

/* A record for foreign storage, refcnt 1; NULL if no memory. */
static struct m_ext_storage *
mes_alloc(int how, void *buf, size_t size,
    void (*freefn)(void *, size_t, void *), void *arg)
{
	struct m_ext_storage *es;

	KASSERT(mbuf_inited);
	if ((es = pool_get(&mes_pool, pool_flags(how))) == NULL) {
		stat_inc(&mst_fail);
		return NULL;
	}
	stat_inc(&mst_ext);
	es->es_refcnt = 1;
	es->es_buf = buf;
	es->es_size = size;
	es->es_free = freefn;
	es->es_arg = arg;
	return es;
}

static void
es_ref(struct m_ext_storage *es)
{
	__atomic_fetch_add(&es->es_refcnt, 1, __ATOMIC_RELAXED);
}

/* Drops one reference; the last one frees the storage. */
static void
es_rele(struct m_ext_storage *es)
{
	void (*freefn)(void *, size_t, void *);

	if (__atomic_sub_fetch(&es->es_refcnt, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	freefn = es->es_free;
	if (freefn == mcl_free) {
		/* The record lives inside the cluster. */
		mcl_free(es->es_buf, es->es_size, NULL);
		return;
	}
	freefn(es->es_buf, es->es_size, es->es_arg);
	pool_put(&mes_pool, es);
	stat_dec(&mst_ext);
}

static void
mbig_free(void *buf, size_t size, void *arg)
{
	(void)arg;
	kmem_free(buf, size);
}

/* ---- single mbufs ---------------------------------------------------- */

static uint8_t *
m_storage(const struct mbuf *m)
{
	return (m->m_flags & M_EXT) != 0 ? m->m_ext->es_buf :
	    (uint8_t *)m->m_dat;
}

static size_t
m_storage_size(const struct mbuf *m)
{
	return (m->m_flags & M_EXT) != 0 ? m->m_ext->es_size : MLEN;
}

struct mbuf *
m_get(int how)
{
	struct mbuf *m;
	uint64_t n, max;

	KASSERT(mbuf_inited);
	if ((m = pool_get(&mbuf_pool, pool_flags(how))) == NULL) {
		stat_inc(&mst_fail);
		return NULL;
	}
	n = __atomic_add_fetch(&mst_mbufs, 1, __ATOMIC_RELAXED);
	max = __atomic_load_n(&mst_mbufs_max, __ATOMIC_RELAXED);
	while (n > max && !__atomic_compare_exchange_n(&mst_mbufs_max, &max,
	    n, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		continue;
	memset(m, 0, MHDR_SIZE);
	m->m_data = m->m_dat;
	return m;
}

struct mbuf *
m_gethdr(int how)
{
	struct mbuf *m;

	if ((m = m_get(how)) != NULL)
		m->m_flags = M_PKTHDR;
	return m;
}

/* Gives m (no M_EXT yet) the storage es; data at its start, empty. */
static void
m_ext_attach(struct mbuf *m, struct m_ext_storage *es)
{
	m->m_ext = es;
	m->m_flags |= M_EXT;
	m->m_data = es->es_buf;
	m->m_len = 0;
}

struct mbuf *
m_getcl(int how)
{
	struct mbuf *m;
	struct m_ext_storage *es;

	if ((m = m_gethdr(how)) == NULL)
		return NULL;
	if ((es = mcl_alloc(how)) == NULL) {
		m_free(m);
		return NULL;
	}
	m_ext_attach(m, es);
	return m;
}

/* A plain (no header) mbuf with room for len bytes: a cluster if needed. */
static struct mbuf *
m_get_room(int how, unsigned len)
{
	struct mbuf *m;
	struct m_ext_storage *es;

	KASSERT(len <= MCLBYTES);
	if ((m = m_get(how)) == NULL || len <= MLEN)
		return m;
	if ((es = mcl_alloc(how)) == NULL) {
		m_free(m);
		return NULL;
	}
	m_ext_attach(m, es);
	return m;
}

/* On NULL the caller still owns buf. */
struct mbuf *
m_gethdr_ext(int how, void *buf, size_t size, size_t len,
    void (*freefn)(void *, size_t, void *), void *arg)
{
	struct mbuf *m;
	struct m_ext_storage *es;

	KASSERT(buf != NULL && freefn != NULL && len <= size);
	KASSERT(len <= UINT32_MAX);
	if ((m = m_gethdr(how)) == NULL)
		return NULL;
	if ((es = mes_alloc(how, buf, size, freefn, arg)) == NULL) {
		m_free(m);
		return NULL;
	}
	m_ext_attach(m, es);
	m->m_len = (unsigned)len;
	m->m_pkthdr.len = (unsigned)len;
	return m;
}

struct mbuf *
m_free(struct mbuf *m)
{
	struct mbuf *next = m->m_next;

	if ((m->m_flags & M_EXT) != 0)
		es_rele(m->m_ext);
	pool_put(&mbuf_pool, m);
	stat_dec(&mst_mbufs);
	return next;
}

void
m_freem(struct mbuf *m)
{
	while (m != NULL)
		m = m_free(m);
}

void
m_freem_list(struct mbuf *m)
{
	struct mbuf *next;

	for (; m != NULL; m = next) {
		next = m->m_nextpkt;
		m->m_nextpkt = NULL;
		m_freem(m);
	}
}

bool
m_readonly(const struct mbuf *m)
{
	return (m->m_flags & M_EXT) != 0 &&
	    __atomic_load_n(&m->m_ext->es_refcnt, __ATOMIC_ACQUIRE) > 1;
}

unsigned
m_leadingspace(const struct mbuf *m)
{
	if (m_readonly(m))
		return 0;
	return (unsigned)(m->m_data - m_storage(m));
}

unsigned
m_trailingspace(const struct mbuf *m)
{
	if (m_readonly(m))
		return 0;
	return (unsigned)(m_storage(m) + m_storage_size(m) -
	    (m->m_data + m->m_len));
}

unsigned
m_length(const struct mbuf *m)
{
	unsigned len = 0;

	for (; m != NULL; m = m->m_next)
		len += m->m_len;
	return len;
}

/* Moves the packet header (and the flags that go with it) from m to n. */
static void
m_move_pkthdr(struct mbuf *n, struct mbuf *m)
{
	KASSERT((m->m_flags & M_PKTHDR) != 0);
	n->m_flags = (n->m_flags & ~M_COPYFLAGS) | (m->m_flags & M_COPYFLAGS);
	n->m_pkthdr = m->m_pkthdr;
	m->m_flags &= ~M_COPYFLAGS;
	memset(&m->m_pkthdr, 0, sizeof(m->m_pkthdr));
}

/* n gets a copy of m's packet header, with length len. */
static void
m_copy_pkthdr(struct mbuf *n, const struct mbuf *m, unsigned len)
{
	n->m_flags = (n->m_flags & ~M_COPYFLAGS) | (m->m_flags & M_COPYFLAGS);
	n->m_pkthdr = m->m_pkthdr;
	n->m_pkthdr.len = len;
}

/*
 * Makes m's data private without changing which mbuf it is: copies it
 * into m_dat when it fits, else into a new cluster, else (a big caller
 * buffer) into a kmem buffer of its own. 0 or ENOMEM, m unchanged then.
 */
static int
m_unshare_one(struct mbuf *m, int how)
{
	struct m_ext_storage *es;
	uint8_t *big;

	if (!m_readonly(m))
		return 0;
	if (m->m_len <= MLEN) {
		memcpy(m->m_dat, m->m_data, m->m_len);
		es_rele(m->m_ext);
		m->m_ext = NULL;
		m->m_flags &= ~M_EXT;
		m->m_data = m->m_dat;
		return 0;
	}
	if (m->m_len <= MCLBYTES) {
		es = mcl_alloc(how);
	} else {
		big = kmem_alloc(m->m_len, KM_NOSLEEP);
		es = big == NULL ? NULL :
		    mes_alloc(how, big, m->m_len, mbig_free, NULL);
		if (es == NULL && big != NULL)
			kmem_free(big, m->m_len);
	}
	if (es == NULL)
		return ENOMEM;
	memcpy(es->es_buf, m->m_data, m->m_len);
	es_rele(m->m_ext);
	m->m_ext = es;
	m->m_data = es->es_buf;
	return 0;
}

/* A new mbuf that shares m's external storage: [m_data + off, + len). */
static struct mbuf *
m_share(struct mbuf *m, unsigned off, unsigned len, int how)
{
	struct mbuf *n;

	KASSERT((m->m_flags & M_EXT) != 0 && off + len <= m->m_len);
	if ((n = m_get(how)) == NULL)
		return NULL;
	es_ref(m->m_ext);
	n->m_ext = m->m_ext;
	n->m_flags = M_EXT;
	n->m_data = m->m_data + off;
	n->m_len = len;
	return n;
}

/* ---- chain operations ------------------------------------------------ */

static unsigned
umin(unsigned a, unsigned b)
{
	return a < b ? a : b;
}

static struct mbuf *
m_last(struct mbuf *m)
{
	while (m->m_next != NULL)
		m = m->m_next;
	return m;
}

void
m_adj(struct mbuf *m, int n)
{
	unsigned want, c, keep, total;
	struct mbuf *p;

	if (m == NULL || n == 0)
		return;
	total = m_length(m);
	if (n > 0) {
		want = umin((unsigned)n, total);
		for (p = m; p != NULL && want > 0; p = p->m_next) {
			c = umin(want, p->m_len);
			p->m_data += c;
			p->m_len -= c;
			want -= c;
		}
		keep = total - umin((unsigned)n, total);
	} else {
		want = (unsigned)-(long)n;
		keep = total > want ? total - want : 0;
		for (p = m, c = keep; c > p->m_len; p = p->m_next)
			c -= p->m_len;
		p->m_len = c;
		m_freem(p->m_next);
		p->m_next = NULL;
	}
	if ((m->m_flags & M_PKTHDR) != 0)
		m->m_pkthdr.len = keep;
}

void
m_copydata(const struct mbuf *m, unsigned off, unsigned len, void *vbuf)
{
	uint8_t *buf = vbuf;
	unsigned c;

	while (len > 0) {
		KASSERT(m != NULL);
		if (off >= m->m_len) {
			off -= m->m_len;
			m = m->m_next;
			continue;
		}
		c = umin(m->m_len - off, len);
		memcpy(buf, m->m_data + off, c);
		buf += c;
		len -= c;
		off = 0;
		m = m->m_next;
	}
}

/*
 * Adds n bytes at the end of the chain, copied from src or zeros (src
 * NULL): first in the last mbuf's free space, then in new mbufs. 0, or
 * ENOMEM with the chain as it was. Keeps m_pkthdr.len.
 */
static int
m_extend(struct mbuf *m, unsigned n, const uint8_t *src)
{
	struct mbuf *last = m_last(m), *q, *added = NULL, **tailp = &added;
	unsigned oldlen = last->m_len, c, total = n;

	c = umin(m_trailingspace(last), n);
	for (struct mbuf *p = last;; p = q) {
		if (src != NULL)
			memcpy(p->m_data + p->m_len, src, c);
		else
			memset(p->m_data + p->m_len, 0, c);
		p->m_len += c;
		n -= c;
		src = src != NULL ? src + c : NULL;
		if (n == 0)
			break;
		if ((q = m_get_room(M_NOWAIT, umin(n, MCLBYTES))) == NULL) {
			m_freem(added);
			last->m_len = oldlen;
			return ENOMEM;
		}
		*tailp = q;
		tailp = &q->m_next;
		c = umin(n, (unsigned)m_storage_size(q));
	}
	last->m_next = added;
	if ((m->m_flags & M_PKTHDR) != 0)
		m->m_pkthdr.len += total;
	return 0;
}

/* Writes over existing bytes [off, off + len), unsharing as it goes. */
static int
m_overwrite(struct mbuf *m, unsigned off, unsigned len, const uint8_t *buf,
    int how)
{
	unsigned c;
	int rv;

	for (; len > 0; m = m->m_next) {
		KASSERT(m != NULL);
		if (off >= m->m_len) {
			off -= m->m_len;
			continue;
		}
		c = umin(m->m_len - off, len);
		if ((rv = m_unshare_one(m, how)) != 0)
			return rv;
		if (buf != NULL) {
			memcpy(m->m_data + off, buf, c);
			buf += c;
		}
		len -= c;
		off = 0;
	}
	return 0;
}

/* On ENOMEM the chain is consistent but may be partly written. */
int
m_copyback(struct mbuf *m, unsigned off, unsigned len, const void *vbuf)
{
	const uint8_t *buf = vbuf;
	unsigned total = m_length(m), inplace;
	int rv;

	if (off > total) {
		if ((rv = m_extend(m, off - total, NULL)) != 0)
			return rv;
		total = off;
	}
	inplace = umin(len, total - off);
	if ((rv = m_overwrite(m, off, inplace, buf, M_NOWAIT)) != 0)
		return rv;
	if (len > inplace)
		return m_extend(m, len - inplace, buf + inplace);
	return 0;
}

int
m_append(struct mbuf *m, unsigned len, const void *buf)
{
	if (len == 0)
		return 0;
	return m_extend(m, len, buf);
}

int
m_makewritable(struct mbuf **mp, unsigned off, unsigned len, int how)
{
	if ((uint64_t)off + len > m_length(*mp))
		return EINVAL;
	return m_overwrite(*mp, off, len, NULL, how);
}

/*
 * The head that m_pullup fills: m itself when it is private and its
 * storage can hold len bytes from its data's start (moving the data to
 * the storage's start if needed), else a new mbuf put in front of m that
 * takes over the packet header. NULL if no memory.
 */
static struct mbuf *
m_pullup_target(struct mbuf *m, unsigned len)
{
	struct mbuf *t;
	uint8_t *st = m_storage(m);

	if (!m_readonly(m) && len <= m_storage_size(m)) {
		if (m->m_data + len > st + m_storage_size(m)) {
			memmove(st, m->m_data, m->m_len);
			m->m_data = st;
		}
		return m;
	}
	if ((t = m_get_room(M_NOWAIT, len)) == NULL)
		return NULL;
	if ((m->m_flags & M_PKTHDR) != 0)
		m_move_pkthdr(t, m);
	t->m_next = m;
	return t;
}

struct mbuf *
m_pullup_slow(struct mbuf *m, unsigned len)
{
	struct mbuf *t, *src;
	unsigned c;

	if (m->m_len >= len)
		return m;
	if (len > MCLBYTES || m_length(m) < len)
		goto bad;
	if ((t = m_pullup_target(m, len)) == NULL)
		goto bad;
	while (t->m_len < len) {
		src = t->m_next;
		c = umin(len - t->m_len, src->m_len);
		memcpy(t->m_data + t->m_len, src->m_data, c);
		t->m_len += c;
		src->m_data += c;
		src->m_len -= c;
		if (src->m_len == 0)
			t->m_next = m_free(src);
	}
	return t;
bad:
	m_freem(m);
	return NULL;
}

struct mbuf *
m_prepend(struct mbuf *m, unsigned len, int how)
{
	struct mbuf *n;

	if (m_leadingspace(m) >= len) {
		m->m_data -= len;
		m->m_len += len;
	} else {
		if (len > MCLBYTES || (n = m_get_room(how, len)) == NULL) {
			m_freem(m);
			return NULL;
		}
		if ((m->m_flags & M_PKTHDR) != 0)
			m_move_pkthdr(n, m);
		n->m_data = m_storage(n) + m_storage_size(n) - len;
		n->m_len = len;
		n->m_next = m;
		m = n;
	}
	if ((m->m_flags & M_PKTHDR) != 0)
		m->m_pkthdr.len += len;
	return m;
}

/* A copy of [off, off + len) of the one mbuf src: shared or copied. */
static struct mbuf *
m_copy_piece(struct mbuf *src, unsigned off, unsigned len, int how)
{
	struct mbuf *n;

	if ((src->m_flags & M_EXT) != 0)
		return m_share(src, off, len, how);
	if ((n = m_get(how)) != NULL) {
		memcpy(n->m_data, src->m_data + off, len);
		n->m_len = len;
	}
	return n;
}

struct mbuf *
m_copym(struct mbuf *m, unsigned off, unsigned len, int how)
{
	struct mbuf *head = NULL, **tailp = &head, *src = m, *n;
	unsigned c, total = m_length(m);
	bool copyhdr = off == 0 && (m->m_flags & M_PKTHDR) != 0;

	KASSERT(off <= total);
	if (len == M_COPYALL)
		len = total - off;
	KASSERT(len <= total - off);
	for (; len > 0; src = src->m_next) {
		if (off >= src->m_len) {
			off -= src->m_len;
			continue;
		}
		c = umin(src->m_len - off, len);
		if ((n = m_copy_piece(src, off, c, how)) == NULL)
			goto fail;
		*tailp = n;
		tailp = &n->m_next;
		len -= c;
		off = 0;
	}
	if (head == NULL && (head = m_get(how)) == NULL)
		return NULL;
	if (copyhdr)
		m_copy_pkthdr(head, m, m_length(head));
	return head;
fail:
	m_freem(head);
	return NULL;
}

struct mbuf *
m_dup(const struct mbuf *m, int how)
{
	struct mbuf *head = NULL, **tailp = &head, *n;
	unsigned total = m_length(m), off = 0, c;

	do {
		c = umin(total - off, MCLBYTES);
		if ((n = m_get_room(how, c)) == NULL) {
			m_freem(head);
			return NULL;
		}
		m_copydata(m, off, c, n->m_data);
		n->m_len = c;
		off += c;
		*tailp = n;
		tailp = &n->m_next;
	} while (off < total);
	if ((m->m_flags & M_PKTHDR) != 0)
		m_copy_pkthdr(head, m, total);
	return head;
}

/*
 * The tail that m_split returns when the split point is at offset rem
 * inside (or at the end of) mbuf n; n is cut there. NULL if no memory,
 * nothing changed.
 */
static struct mbuf *
m_split_at(struct mbuf *n, unsigned rem, int how)
{
	struct mbuf *t;

	if (rem == n->m_len && n->m_next != NULL) {
		t = n->m_next;
	} else if (rem == n->m_len) {
		if ((t = m_get(how)) == NULL)
			return NULL;
	} else {
		if ((t = m_copy_piece(n, rem, n->m_len - rem, how)) == NULL)
			return NULL;
		t->m_next = n->m_next;
		n->m_len = rem;
	}
	n->m_next = NULL;
	return t;
}

/*
 * off == length gives an empty tail (a packet header mbuf if m has one);
 * off > length gives NULL, like no memory, with m unchanged.
 */
struct mbuf *
m_split(struct mbuf *m, unsigned off, int how)
{
	struct mbuf *n = m, *t;
	unsigned total = m_length(m), rem = off;

	if (off > total)
		return NULL;
	while (rem > n->m_len) {
		rem -= n->m_len;
		n = n->m_next;
	}
	if ((t = m_split_at(n, rem, how)) == NULL)
		return NULL;
	t->m_flags &= ~M_PKTHDR;
	if ((m->m_flags & M_PKTHDR) != 0) {
		m_copy_pkthdr(t, m, total - off);
		m->m_pkthdr.len = off;
	}
	return t;
}

void
m_cat(struct mbuf *m, struct mbuf *n)
{
	struct mbuf *last = m_last(m);

	while (n != NULL && (n->m_flags & M_EXT) == 0 &&
	    n->m_len <= m_trailingspace(last)) {
		memcpy(last->m_data + last->m_len, n->m_data, n->m_len);
		last->m_len += n->m_len;
		n = m_free(n);
	}
	if (n != NULL)
		n->m_flags &= ~M_PKTHDR;
	last->m_next = n;
}

/*
 * Copies len bytes into a new packet (M_NOWAIT); clusters when it needs
 * them. headroom is at most MCLBYTES / 2.
 */
struct mbuf *
m_devget(const void *buf, size_t len, size_t headroom, struct ifnet *ifp)
{
	struct mbuf *m;

	KASSERT(headroom <= MCLBYTES / 2 && len <= UINT32_MAX);
	if (len + headroom <= MLEN)
		m = m_gethdr(M_NOWAIT);
	else
		m = m_getcl(M_NOWAIT);
	if (m == NULL)
		return NULL;
	m->m_data += headroom;
	m->m_pkthdr.rcvif = ifp;
	if (m_append(m, (unsigned)len, buf) != 0) {
		m_freem(m);
		return NULL;
	}
	return m;
}
