/*
 * Packet buffers: allocation and accounting, external storage sharing,
 * every chain operation at its edges, a randomized chain test against a
 * flat reference buffer, and shared storage freed from several threads.
 */
#include <stdlib.h>
#include <string.h>

#include <kern/kthread.h>
#include <net/mbuf.h>

#include "fakeif.h"
#include "nt.h"

static unsigned ext_frees;

static void
count_free(void *buf, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	free(buf);
	__atomic_add_fetch(&ext_frees, 1, __ATOMIC_RELAXED);
}

/* A packet of len bytes 0, 1, 2, ... (mod 251) in one fresh mbuf/cluster. */
static struct mbuf *
pattern_pkt(unsigned len, unsigned seed)
{
	struct mbuf *m = len > MLEN ? m_getcl(M_WAITOK) : m_gethdr(M_WAITOK);
	uint8_t b;

	for (unsigned i = 0; i < len; i++) {
		b = (uint8_t)((i + seed) % 251);
		NT_CHECK(m_append(m, 1, &b) == 0);
	}
	return m;
}

/* Every mbuf's data inside its storage, and the header length right. */
static int
chain_ok(const struct mbuf *m)
{
	const uint8_t *st;
	size_t size;
	unsigned total = 0;

	for (const struct mbuf *n = m; n != NULL; n = n->m_next) {
		st = (n->m_flags & M_EXT) ? n->m_ext->es_buf : n->m_dat;
		size = (n->m_flags & M_EXT) ? n->m_ext->es_size : MLEN;
		if (n->m_data < st || n->m_data + n->m_len > st + size)
			return 0;
		if (n != m && (n->m_flags & M_PKTHDR) != 0)
			return 0;
		total += n->m_len;
	}
	return (m->m_flags & M_PKTHDR) == 0 || m->m_pkthdr.len == total;
}

static int
chain_equals(const struct mbuf *m, const uint8_t *ref, unsigned len)
{
	static uint8_t buf[70000];

	if (m_length(m) != len || len > sizeof(buf))
		return 0;
	m_copydata(m, 0, len, buf);
	return memcmp(buf, ref, len) == 0;
}

NT_CASE(mbuf_alloc_and_stats)
{
	struct nt_leak lk;
	struct mbuf_stats a, b;
	struct mbuf *m, *h, *c;

	nt_leak_start(&lk);
	mbuf_get_stats(&a);
	m = m_get(M_WAITOK);
	h = m_gethdr(M_NOWAIT);
	c = m_getcl(M_NOWAIT);
	mbuf_get_stats(&b);
	NT_CHECK(m != NULL && h != NULL && c != NULL);
	NT_CHECK_EQ(b.ms_mbufs, a.ms_mbufs + 3);
	NT_CHECK_EQ(b.ms_clusters, a.ms_clusters + 1);
	NT_CHECK(b.ms_mbufs_max >= b.ms_mbufs);
	NT_CHECK((m->m_flags & M_PKTHDR) == 0 && (h->m_flags & M_PKTHDR));
	NT_CHECK((c->m_flags & (M_PKTHDR | M_EXT)) == (M_PKTHDR | M_EXT));
	NT_CHECK(m_trailingspace(m) == MLEN && m_leadingspace(m) == 0);
	NT_CHECK(m_trailingspace(c) == MCLBYTES);
	NT_CHECK(h->m_len == 0 && h->m_pkthdr.len == 0 && m_length(h) == 0);
	NT_CHECK(m_free(m) == NULL);
	m_freem(h);
	m_freem(c);
	m_freem(NULL);
	nt_leak_check(&lk);
}

NT_CASE(mbuf_ext_shared_and_freed_once)
{
	struct nt_leak lk;
	uint8_t *buf = malloc(1000);
	struct mbuf *m, *c1, *c2;
	unsigned f0 = ext_frees;

	nt_leak_start(&lk);
	memset(buf, 0xab, 1000);
	m = m_gethdr_ext(M_NOWAIT, buf, 1000, 600, count_free, NULL);
	NT_CHECK(m != NULL && m->m_len == 600 && m->m_pkthdr.len == 600);
	NT_CHECK(!m_readonly(m) && m_trailingspace(m) == 400);
	c1 = m_copym(m, 0, M_COPYALL, M_NOWAIT);
	c2 = m_copym(m, 100, 50, M_NOWAIT);
	NT_CHECK(c1 != NULL && c2 != NULL && m->m_ext->es_refcnt == 3);
	NT_CHECK(m_readonly(m) && m_readonly(c1) && m_readonly(c2));
	NT_CHECK(m_trailingspace(m) == 0 && m_leadingspace(c2) == 0);
	NT_CHECK((c1->m_flags & M_PKTHDR) && c1->m_pkthdr.len == 600);
	NT_CHECK((c2->m_flags & M_PKTHDR) == 0 && m_length(c2) == 50);
	m_freem(m);
	m_freem(c1);
	NT_CHECK(ext_frees == f0);
	NT_CHECK(!m_readonly(c2));
	m_freem(c2);
	NT_CHECK(ext_frees == f0 + 1);
	nt_leak_check(&lk);
}

NT_CASE(mbuf_pullup_edges)
{
	struct nt_leak lk;
	struct mbuf *m, *c;
	uint8_t ref[3000];

	nt_leak_start(&lk);
	for (unsigned i = 0; i < sizeof(ref); i++)
		ref[i] = (uint8_t)(i % 251);
	/* Already contiguous: same head. */
	m = pattern_pkt(100, 0);
	NT_CHECK(m_pullup(m, 100) == m);
	NT_CHECK(m_pullup(m, 0) == m);
	/* Longer than the packet: freed. */
	NT_CHECK(m_pullup(m, 101) == NULL);
	/* Split chain with an empty header mbuf, pulled to exactly MLEN. */
	m = fakeif_build(ref, 1000, FAKEIF_SPLIT, &(uint64_t){7});
	NT_CHECK(m != NULL && m->m_len == 0);
	m = m_pullup(m, MLEN);
	NT_CHECK(m != NULL && m->m_len >= MLEN && chain_ok(m));
	NT_CHECK(chain_equals(m, ref, 1000));
	/* One more than fits an mbuf: a cluster head. */
	m = m_pullup(m, MLEN + 1);
	NT_CHECK(m != NULL && m->m_len >= MLEN + 1 && chain_ok(m));
	NT_CHECK(chain_equals(m, ref, 1000));
	m = m_pullup(m, 1000);
	NT_CHECK(m != NULL && m->m_len == 1000 && chain_equals(m, ref, 1000));
	NT_CHECK(m_pullup(m, MCLBYTES + 1) == NULL);
	/* Private head with data at an offset: fills to the end exactly,
	 * then one byte more moves its data to the front. */
	for (unsigned extra = 0; extra < 2; extra++) {
		m = m_gethdr(M_NOWAIT);
		m->m_data += 100;
		NT_CHECK(m_append(m, 50, ref) == 0);
		m_cat(m, fakeif_build(ref + 50, 400, FAKEIF_SPLIT,
		    &(uint64_t){extra + 1}));
		m->m_pkthdr.len = 450;
		m = m_pullup(m, MLEN - 100 + extra);
		NT_CHECK(m != NULL && m->m_len >= MLEN - 100 + extra);
		NT_CHECK((m->m_flags & M_EXT) == 0 && chain_ok(m));
		NT_CHECK(m_leadingspace(m) == (extra ? 0 : 100));
		NT_CHECK(chain_equals(m, ref, 450));
		m_freem(m);
	}
	/* A shared head is never written: a new head takes the bytes. */
	m = fakeif_build(ref, 2500, FAKEIF_EXT_SPLIT, &(uint64_t){3});
	c = m_copym(m, 0, M_COPYALL, M_NOWAIT);
	m = m_pullup(m, 64);
	NT_CHECK(m != NULL && m->m_len >= 64 && chain_ok(m));
	NT_CHECK(chain_equals(m, ref, 2500) && chain_equals(c, ref, 2500));
	m_freem(m);
	m_freem(c);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	nt_leak_check(&lk);
}

NT_CASE(mbuf_prepend_edges)
{
	struct nt_leak lk;
	struct mbuf *m, *c;

	nt_leak_start(&lk);
	m = m_gethdr(M_NOWAIT);
	m->m_data += 20;
	NT_CHECK(m_leadingspace(m) == 20);
	NT_CHECK(m_append(m, 10, "0123456789") == 0);
	m = m_prepend(m, 20, M_NOWAIT);		/* exactly the room there is */
	NT_CHECK(m != NULL && m->m_next == NULL && m->m_len == 30);
	NT_CHECK(m->m_pkthdr.len == 30 && m_leadingspace(m) == 0);
	memset(mtod(m, uint8_t *), 'x', 20);
	m = m_prepend(m, 14, M_NOWAIT);		/* no room: new head */
	NT_CHECK(m != NULL && m->m_next != NULL && m->m_len == 14);
	NT_CHECK(m->m_pkthdr.len == 44 && chain_ok(m));
	NT_CHECK((m->m_next->m_flags & M_PKTHDR) == 0);
	NT_CHECK(m_leadingspace(m) == MLEN - 14);
	m = m_prepend(m, 0, M_NOWAIT);
	NT_CHECK(m != NULL && m->m_pkthdr.len == 44);
	m = m_prepend(m, MLEN + 1, M_NOWAIT);	/* cluster */
	NT_CHECK(m != NULL && m->m_len == MLEN + 1 && chain_ok(m));
	NT_CHECK(m_prepend(m, MCLBYTES + 1, M_NOWAIT) == NULL);
	/* Shared cluster: no leading space, even with room in it. */
	m = m_getcl(M_NOWAIT);
	m->m_data += 100;
	NT_CHECK(m_append(m, 5, "abcde") == 0);
	c = m_copym(m, 0, M_COPYALL, M_NOWAIT);
	m = m_prepend(m, 4, M_NOWAIT);
	NT_CHECK(m != NULL && m->m_next != NULL && m->m_pkthdr.len == 9);
	NT_CHECK(c->m_len == 5 && memcmp(mtod(c, char *), "abcde", 5) == 0);
	m_freem(m);
	m_freem(c);
	nt_leak_check(&lk);
}

NT_CASE(mbuf_copyback_extends_and_unshares)
{
	struct nt_leak lk;
	struct mbuf *m, *c;
	static uint8_t buf[4000], zero[2000];

	nt_leak_start(&lk);
	m = m_gethdr(M_NOWAIT);
	NT_CHECK(m_copyback(m, 50, 10, "ABCDEFGHIJ") == 0);
	NT_CHECK(m->m_pkthdr.len == 60 && m_length(m) == 60);
	m_copydata(m, 0, 60, buf);
	NT_CHECK(memcmp(buf, zero, 50) == 0 && memcmp(buf + 50, "ABCDEFGHIJ",
	    10) == 0);
	/* Past MLEN and past a cluster: new mbufs. */
	memset(buf, 'q', sizeof(buf));
	NT_CHECK(m_copyback(m, 55, 3000, buf) == 0);
	NT_CHECK(m->m_pkthdr.len == 3055 && chain_ok(m));
	NT_CHECK(m_copyback(m, 3055, 0, buf) == 0 && m->m_pkthdr.len == 3055);
	/* Writing into shared storage leaves the other copy alone. */
	c = m_copym(m, 0, M_COPYALL, M_NOWAIT);
	NT_CHECK(m_copyback(m, 100, 2000, zero) == 0);
	m_copydata(c, 100, 100, buf);
	NT_CHECK(buf[0] == 'q' && buf[99] == 'q');
	m_copydata(m, 100, 100, buf);
	NT_CHECK(memcmp(buf, zero, 100) == 0 && chain_ok(m) && chain_ok(c));
	m_freem(c);
	m_freem(m);
	nt_leak_check(&lk);
}

NT_CASE(mbuf_split_edges)
{
	struct nt_leak lk;
	uint8_t ref[3000];
	struct mbuf *m, *t;
	unsigned offs[] = {0, 1, 5, 40, 999, 1000};

	nt_leak_start(&lk);
	for (unsigned i = 0; i < sizeof(ref); i++)
		ref[i] = (uint8_t)(i * 7);
	for (int shape = 0; shape < FAKEIF_RANDOM; shape++) {
		for (unsigned k = 0; k < sizeof(offs) / sizeof(offs[0]); k++) {
			m = fakeif_build(ref, 1000, (enum fakeif_shape)shape,
			    &(uint64_t){k + 1});
			t = m_split(m, offs[k], M_NOWAIT);
			NT_CHECK(t != NULL && chain_ok(m) && chain_ok(t));
			NT_CHECK(m->m_pkthdr.len == offs[k]);
			NT_CHECK((t->m_flags & M_PKTHDR) &&
			    t->m_pkthdr.len == 1000 - offs[k]);
			NT_CHECK(chain_equals(m, ref, offs[k]));
			NT_CHECK(chain_equals(t, ref + offs[k],
			    1000 - offs[k]));
			m_freem(t);
			m_freem(m);
		}
	}
	m = pattern_pkt(10, 0);
	NT_CHECK(m_split(m, 11, M_NOWAIT) == NULL && m->m_pkthdr.len == 10);
	m_freem(m);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	nt_leak_check(&lk);
}

NT_CASE(mbuf_adj_edges)
{
	struct nt_leak lk;
	uint8_t ref[1000];
	struct mbuf *m;

	nt_leak_start(&lk);
	for (unsigned i = 0; i < sizeof(ref); i++)
		ref[i] = (uint8_t)(i * 3);
	m = fakeif_build(ref, 1000, FAKEIF_SPLIT, &(uint64_t){9});
	m_adj(m, 0);
	m_adj(m, 3);
	NT_CHECK(chain_ok(m) && chain_equals(m, ref + 3, 997));
	m_adj(m, -7);
	NT_CHECK(chain_ok(m) && chain_equals(m, ref + 3, 990));
	m_adj(m, -990);
	NT_CHECK(chain_ok(m) && m->m_pkthdr.len == 0 && m->m_next == NULL);
	m_freem(m);
	m = fakeif_build(ref, 1000, FAKEIF_EXT_SPLIT, &(uint64_t){9});
	m_adj(m, 5000);
	NT_CHECK(chain_ok(m) && m->m_pkthdr.len == 0);
	m_freem(m);
	m = pattern_pkt(50, 0);
	m_adj(m, -5000);
	NT_CHECK(chain_ok(m) && m->m_pkthdr.len == 0 && m->m_len == 0);
	m_freem(m);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	nt_leak_check(&lk);
}

NT_CASE(mbuf_dup_devget_cat_makewritable)
{
	struct nt_leak lk;
	uint8_t ref[5000];
	struct mbuf *m, *d, *c;

	nt_leak_start(&lk);
	for (unsigned i = 0; i < sizeof(ref); i++)
		ref[i] = (uint8_t)(i * 13 + 1);
	m = m_devget(ref, 5000, 16, NULL);
	NT_CHECK(m != NULL && chain_ok(m) && chain_equals(m, ref, 5000));
	NT_CHECK(m_leadingspace(m) == 16);
	d = m_dup(m, M_NOWAIT);
	NT_CHECK(d != NULL && chain_ok(d) && chain_equals(d, ref, 5000));
	NT_CHECK(!m_readonly(d) && !m_readonly(m));
	m_freem(d);
	m_freem(m);
	m = m_devget(ref, 10, 0, NULL);
	NT_CHECK(m != NULL && m->m_next == NULL && (m->m_flags & M_EXT) == 0);
	d = m_dup(m, M_NOWAIT);
	m_cat(m, d);	/* small: coalesced into m */
	m->m_pkthdr.len = m_length(m);
	NT_CHECK(m->m_next == NULL && m->m_len == 20 && chain_ok(m));
	m_freem(m);
	/* makewritable: a shared range becomes private, the copy intact. */
	m = fakeif_build(ref, 3000, FAKEIF_EXT_SPLIT, &(uint64_t){5});
	c = m_copym(m, 0, M_COPYALL, M_NOWAIT);
	NT_CHECK(m_makewritable(&m, 10, 2000, M_NOWAIT) == 0);
	for (struct mbuf *n = m; n != NULL; n = n->m_next)
		if (n->m_len > 0 && !m_readonly(n))
			memset(n->m_data, 0xee, n->m_len);
	NT_CHECK(chain_equals(c, ref, 3000) && chain_ok(m));
	NT_CHECK(m_makewritable(&m, 10, 3000, M_NOWAIT) != 0);
	m_freem(c);
	m_freem(m);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	nt_leak_check(&lk);
}

NT_CASE(mbuf_queue_limit)
{
	struct nt_leak lk;
	struct mbuf_queue q;
	struct mbuf *m;

	nt_leak_start(&lk);
	mq_init(&q, 3);
	for (int i = 0; i < 5; i++)
		mq_enqueue(&q, m_gethdr(M_NOWAIT));
	NT_CHECK(q.mq_len == 3 && q.mq_drops == 2);
	m = mq_dequeue(&q);
	NT_CHECK(m != NULL && q.mq_len == 2 && m->m_nextpkt == NULL);
	m_freem(m);
	NT_CHECK(mq_enqueue(&q, m_gethdr(M_NOWAIT)));
	mq_purge(&q);
	NT_CHECK(q.mq_len == 0 && mq_dequeue(&q) == NULL);
	nt_leak_check(&lk);
}

/* ---- randomized chain test --------------------------------------------- */

#define RMAX 9000

struct rstate {
	uint64_t rnd;
	struct mbuf *m, *shadow;
	uint8_t ref[RMAX], sref[RMAX];
	unsigned len, slen;
	uint8_t tmp[RMAX];
};

static void
rfill(struct rstate *s, uint8_t *p, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		p[i] = (uint8_t)nt_rand(&s->rnd);
}

static void
r_insert_front(struct rstate *s, const uint8_t *p, unsigned n)
{
	memmove(s->ref + n, s->ref, s->len);
	memcpy(s->ref, p, n);
	s->len += n;
}

/* One random operation on s->m, mirrored on s->ref. */
static void
r_step(struct rstate *s)
{
	unsigned op = nt_randn(&s->rnd, 11), n, off;
	struct mbuf *t;

	n = nt_randn(&s->rnd, 400);
	switch (op) {
	case 0:		/* append */
		if (s->len + n > RMAX)
			break;
		rfill(s, s->tmp, n);
		NT_CHECK(m_append(s->m, n, s->tmp) == 0);
		memcpy(s->ref + s->len, s->tmp, n);
		s->len += n;
		break;
	case 1:		/* prepend then fill */
		if (s->len + n > RMAX)
			break;
		rfill(s, s->tmp, n);
		s->m = m_prepend(s->m, n, M_NOWAIT);
		NT_CHECK(s->m != NULL && s->m->m_len >= n);
		memcpy(mtod(s->m, uint8_t *), s->tmp, n);
		r_insert_front(s, s->tmp, n);
		break;
	case 2:		/* trim front */
		n = n > s->len ? s->len : n;
		m_adj(s->m, (int)n);
		memmove(s->ref, s->ref + n, s->len - n);
		s->len -= n;
		break;
	case 3:		/* trim back */
		n = n > s->len ? s->len : n;
		m_adj(s->m, -(int)n);
		s->len -= n;
		break;
	case 4:		/* copyback, maybe past the end */
		off = nt_randn(&s->rnd, s->len + 20);
		if (off + n > RMAX)
			break;
		rfill(s, s->tmp, n);
		NT_CHECK(m_copyback(s->m, off, n, s->tmp) == 0);
		if (off > s->len)
			memset(s->ref + s->len, 0, off - s->len);
		memcpy(s->ref + off, s->tmp, n);
		if (off + n > s->len)
			s->len = off + n;
		break;
	case 5:		/* pullup */
		n = s->len == 0 ? 0 : nt_randn(&s->rnd, s->len + 1);
		if (n > MCLBYTES)
			n = MCLBYTES;
		s->m = m_pullup(s->m, n);
		NT_CHECK(s->m != NULL && s->m->m_len >= n);
		break;
	case 6:		/* split and join again */
		off = nt_randn(&s->rnd, s->len + 1);
		t = m_split(s->m, off, M_NOWAIT);
		NT_CHECK(t != NULL && s->m->m_pkthdr.len == off);
		m_cat(s->m, t);
		s->m->m_pkthdr.len = s->len;
		break;
	case 7:		/* take a shared copy as the shadow */
		m_freem(s->shadow);
		s->shadow = m_copym(s->m, 0, M_COPYALL, M_NOWAIT);
		memcpy(s->sref, s->ref, s->len);
		s->slen = s->len;
		break;
	case 8:		/* swap with a deep copy */
		t = m_dup(s->m, M_NOWAIT);
		m_freem(s->m);
		s->m = t;
		break;
	case 9:		/* make a range writable and write it directly */
		off = nt_randn(&s->rnd, s->len + 1);
		n = n > s->len - off ? s->len - off : n;
		NT_CHECK(m_makewritable(&s->m, off, n, M_NOWAIT) == 0);
		for (t = s->m; t != NULL && n > 0; t = t->m_next) {
			unsigned c;

			if (off >= t->m_len) {
				off -= t->m_len;
				continue;
			}
			c = t->m_len - off < n ? t->m_len - off : n;
			NT_CHECK(!m_readonly(t));
			rfill(s, t->m_data + off, c);
			m_copydata(s->m, 0, 0, NULL);
			n -= c;
			off = 0;
		}
		m_copydata(s->m, 0, s->len, s->ref);
		break;
	default:	/* append a shared external chain */
		if (s->len + n > RMAX || n == 0)
			break;
		rfill(s, s->tmp, n);
		t = fakeif_build(s->tmp, n, FAKEIF_EXT_SPLIT, &s->rnd);
		NT_CHECK(t != NULL);
		m_cat(s->m, t);
		s->m->m_pkthdr.len += n;
		memcpy(s->ref + s->len, s->tmp, n);
		s->len += n;
		break;
	}
}

NT_CASE(mbuf_random_chain_ops)
{
	struct nt_leak lk;
	static struct rstate s;
	int bad = 0;

	nt_leak_start(&lk);
	memset(&s, 0, sizeof(s));
	s.rnd = 0x5eed;
	s.m = m_gethdr(M_NOWAIT);
	for (int i = 0; i < 6000 && !bad; i++) {
		r_step(&s);
		if (!chain_ok(s.m) || !chain_equals(s.m, s.ref, s.len) ||
		    (s.shadow != NULL && (!chain_ok(s.shadow) ||
		    !chain_equals(s.shadow, s.sref, s.slen)))) {
			NT_CHECK(!"chain differs from the reference");
			bad = 1;
		}
	}
	m_freem(s.m);
	m_freem(s.shadow);
	NT_CHECK(fakeif_ext_outstanding() == 0);
	nt_leak_check(&lk);
}

/* ---- shared storage freed from several threads ------------------------- */

#define NTHREADS 4
#define NCOPIES 2000

struct freeer {
	struct mbuf *f_list;	/* by m_nextpkt */
};

static void
free_list(void *arg)
{
	struct freeer *f = arg;

	m_freem_list(f->f_list);
}

NT_CASE(mbuf_shared_free_from_threads)
{
	struct nt_leak lk;
	struct freeer f[NTHREADS] = {{0}};
	struct lwp *l[NTHREADS];
	struct mbuf *m, *c;
	unsigned f0 = ext_frees;

	nt_leak_start(&lk);
	for (int round = 0; round < 20; round++) {
		m = m_gethdr_ext(M_NOWAIT, malloc(512), 512, 512, count_free,
		    NULL);
		NT_CHECK(m != NULL);
		for (int i = 0; i < NCOPIES; i++) {
			c = m_copym(m, (unsigned)(i % 500), 12, M_NOWAIT);
			c->m_nextpkt = f[i % NTHREADS].f_list;
			f[i % NTHREADS].f_list = c;
		}
		m_freem(m);
		for (int i = 0; i < NTHREADS; i++)
			NT_CHECK(kthread_create(free_list, &f[i], "mfree",
			    KTHREAD_MUSTJOIN, &l[i]) == 0);
		for (int i = 0; i < NTHREADS; i++) {
			NT_CHECK(kthread_join(l[i]) == 0);
			f[i].f_list = NULL;
		}
	}
	NT_CHECK_EQ(ext_frees, f0 + 20);
	nt_leak_check(&lk);
}
