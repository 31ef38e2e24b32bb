/*
 * The fake Ethernet interface of the network tests (see fakeif.h). Its
 * "driver lock" fi_lock guards the sent queue and the counts; it is taken
 * after net_lock, never before, like a real driver's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kern/mutex.h>

#include "fakeif.h"
#include "nt.h"

#define FAKEIF_SENT_MAX 4096

struct fakeif {
	struct ifnet fi_if;		/* first: ifp is the fakeif */
	kmutex_t fi_lock;
	struct mbuf_queue fi_sent;
	bool fi_hold;
	enum fakeif_shape fi_shape;
	uint64_t fi_rnd;
	int fi_mcast_error;
	struct fakeif_counts fi_counts;
};

static unsigned fakeif_unit;
static unsigned fakeif_ext_out;

static struct fakeif *
fi_of(struct ifnet *ifp)
{
	return (struct fakeif *)ifp;
}

static int
fakeif_init(struct ifnet *ifp)
{
	struct fakeif *fi = fi_of(ifp);

	mutex_enter(&fi->fi_lock);
	fi->fi_counts.fc_init++;
	mutex_exit(&fi->fi_lock);
	ifp->if_flags |= IFF_RUNNING;
	return 0;
}

static void
fakeif_stop(struct ifnet *ifp)
{
	struct fakeif *fi = fi_of(ifp);

	mutex_enter(&fi->fi_lock);
	fi->fi_counts.fc_stop++;
	mutex_exit(&fi->fi_lock);
	ifp->if_flags &= ~IFF_RUNNING;
}

static void
fakeif_start(struct ifnet *ifp)
{
	struct fakeif *fi = fi_of(ifp);
	struct mbuf *m;

	mutex_enter(&fi->fi_lock);
	fi->fi_counts.fc_start++;
	while (!fi->fi_hold && (m = if_dequeue(ifp)) != NULL) {
		if_stat_add(ifp, IFS_OPACKETS, 1);
		if_stat_add(ifp, IFS_OBYTES, m->m_pkthdr.len);
		if (!mq_enqueue(&fi->fi_sent, m))
			if_stat_add(ifp, IFS_OERRORS, 1);
	}
	mutex_exit(&fi->fi_lock);
}

static int
fakeif_mcast_update(struct ifnet *ifp)
{
	struct fakeif *fi = fi_of(ifp);
	int rv;

	mutex_enter(&fi->fi_lock);
	fi->fi_counts.fc_mcast_update++;
	rv = fi->fi_mcast_error;
	mutex_exit(&fi->fi_lock);
	return rv;
}

struct ifnet *
fakeif_create(const char *name, const uint8_t *mac)
{
	struct fakeif *fi = calloc(1, sizeof(*fi));
	struct ifnet *ifp = &fi->fi_if;
	uint8_t def[ETHER_ADDR_LEN] = {0x02, 0, 0, 0, 0, 0};
	unsigned unit = __atomic_add_fetch(&fakeif_unit, 1, __ATOMIC_RELAXED);

	if (fi == NULL)
		abort();
	def[5] = (uint8_t)unit;
	mutex_init(&fi->fi_lock, MUTEX_DEFAULT);
	mq_init(&fi->fi_sent, FAKEIF_SENT_MAX);
	fi->fi_rnd = 0x1234567ull + unit;
	snprintf(ifp->if_xname, IFNAMSIZ, "%s", name);
	ifp->if_softc = fi;
	ifp->if_init = fakeif_init;
	ifp->if_stop = fakeif_stop;
	ifp->if_start = fakeif_start;
	ifp->if_mcast_update = fakeif_mcast_update;
	ifp->if_mtu_max = 9000;
	ether_ifattach(ifp, mac != NULL ? mac : def);
	if (if_up(ifp) != 0)
		abort();
	if_link_state_change(ifp, LINK_STATE_UP);
	return ifp;
}

void
fakeif_destroy(struct ifnet *ifp)
{
	struct fakeif *fi = fi_of(ifp);

	ether_ifdetach(ifp);
	fakeif_drop_sent(ifp);
	mutex_destroy(&fi->fi_lock);
	free(fi);
}

struct mbuf *
fakeif_take_sent(struct ifnet *ifp)
{
	struct fakeif *fi = fi_of(ifp);
	struct mbuf *m;

	mutex_enter(&fi->fi_lock);
	m = mq_dequeue(&fi->fi_sent);
	mutex_exit(&fi->fi_lock);
	return m;
}

size_t
fakeif_take_sent_buf(struct ifnet *ifp, void *buf, size_t len)
{
	struct mbuf *m = fakeif_take_sent(ifp);
	size_t n;

	if (m == NULL)
		return 0;
	n = m_length(m);
	m_copydata(m, 0, (unsigned)(n < len ? n : len), buf);
	m_freem(m);
	return n;
}

unsigned
fakeif_sent_count(struct ifnet *ifp)
{
	struct fakeif *fi = fi_of(ifp);
	unsigned n;

	mutex_enter(&fi->fi_lock);
	n = fi->fi_sent.mq_len;
	mutex_exit(&fi->fi_lock);
	return n;
}

void
fakeif_drop_sent(struct ifnet *ifp)
{
	struct fakeif *fi = fi_of(ifp);
	struct mbuf *m;

	mutex_enter(&fi->fi_lock);
	m = fi->fi_sent.mq_head;
	mq_init(&fi->fi_sent, FAKEIF_SENT_MAX);
	mutex_exit(&fi->fi_lock);
	m_freem_list(m);
}

void
fakeif_hold(struct ifnet *ifp, bool hold)
{
	struct fakeif *fi = fi_of(ifp);

	mutex_enter(&fi->fi_lock);
	fi->fi_hold = hold;
	mutex_exit(&fi->fi_lock);
	if (!hold)
		fakeif_start(ifp);
}

static void
fakeif_ext_free(void *buf, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	free(buf);
	__atomic_sub_fetch(&fakeif_ext_out, 1, __ATOMIC_RELAXED);
}

unsigned
fakeif_ext_outstanding(void)
{
	return __atomic_load_n(&fakeif_ext_out, __ATOMIC_RELAXED);
}

/* Piece sizes: 1..7 bytes while in the first 40, then the rest. */
static size_t
piece_len(size_t off, size_t len, uint64_t *rnd)
{
	size_t c = off < 40 ? 1 + nt_randn(rnd, 7) : len - off;

	return c > len - off ? len - off : c;
}

/* A chain of small mbufs, each with its own copy of its bytes. */
static struct mbuf *
build_split(const uint8_t *p, size_t len, uint64_t *rnd)
{
	struct mbuf *m = m_gethdr(M_NOWAIT), *n, **tailp;
	size_t off = 0, c;

	if (m == NULL)
		return NULL;
	tailp = &m->m_next;
	while (off < len) {
		c = piece_len(off, len, rnd);
		if (c > MLEN)
			n = m_getcl(M_NOWAIT);
		else
			n = m_get(M_NOWAIT);
		if (n == NULL) {
			m_freem(m);
			return NULL;
		}
		n->m_flags &= ~M_PKTHDR;
		memcpy(n->m_data, p + off, c);
		n->m_len = (unsigned)c;
		*tailp = n;
		tailp = &n->m_next;
		off += c;
	}
	m->m_pkthdr.len = (unsigned)len;
	return m;
}

/*
 * One external buffer, as a driver hands it up; split: cut into pieces
 * that share it (every piece read-only until the others go).
 */
static struct mbuf *
build_ext(const uint8_t *p, size_t len, bool split, uint64_t *rnd)
{
	size_t size = len + 64, off = 0, c;
	uint8_t *buf = malloc(size);
	struct mbuf *m, *head = NULL, **tailp = &head, *n;

	if (buf == NULL)
		return NULL;
	memcpy(buf, p, len);
	__atomic_add_fetch(&fakeif_ext_out, 1, __ATOMIC_RELAXED);
	m = m_gethdr_ext(M_NOWAIT, buf, size, len, fakeif_ext_free, NULL);
	if (m == NULL) {
		fakeif_ext_free(buf, size, NULL);
		return NULL;
	}
	if (!split || len == 0)
		return m;
	for (; off < len; off += c) {
		c = piece_len(off, len, rnd);
		if ((n = m_copym(m, (unsigned)off, (unsigned)c, M_NOWAIT))
		    == NULL) {
			m_freem(head);
			head = NULL;
			break;
		}
		*tailp = n;
		tailp = &n->m_next;
	}
	m_freem(m);
	if (head != NULL)
		head->m_pkthdr.len = (unsigned)len;
	return head;
}

struct mbuf *
fakeif_build(const void *frame, size_t len, enum fakeif_shape shape,
    uint64_t *rnd)
{
	struct mbuf *m;

	if (shape == FAKEIF_RANDOM)
		shape = (enum fakeif_shape)nt_randn(rnd, FAKEIF_RANDOM);
	switch (shape) {
	case FAKEIF_SPLIT:
		return build_split(frame, len, rnd);
	case FAKEIF_EXT:
	case FAKEIF_EXT_SPLIT:
		return build_ext(frame, len, shape == FAKEIF_EXT_SPLIT, rnd);
	default:
		m = m_gethdr(M_NOWAIT);
		if (m != NULL && m_append(m, (unsigned)len, frame) != 0) {
			m_freem(m);
			m = NULL;
		}
		return m;
	}
}

void
fakeif_inject_shaped(struct ifnet *ifp, const void *frame, size_t len,
    enum fakeif_shape shape)
{
	struct fakeif *fi = fi_of(ifp);
	struct mbuf *m;

	mutex_enter(&fi->fi_lock);
	m = fakeif_build(frame, len, shape, &fi->fi_rnd);
	mutex_exit(&fi->fi_lock);
	if (m == NULL) {
		if_stat_add(ifp, IFS_IQDROPS, 1);
		return;
	}
	ether_input(ifp, m);
}

void
fakeif_inject(struct ifnet *ifp, const void *frame, size_t len)
{
	fakeif_inject_shaped(ifp, frame, len, fi_of(ifp)->fi_shape);
}

void
fakeif_set_shape(struct ifnet *ifp, enum fakeif_shape shape)
{
	fi_of(ifp)->fi_shape = shape;
}

void
fakeif_set_link(struct ifnet *ifp, bool up)
{
	if_link_state_change(ifp, up ? LINK_STATE_UP : LINK_STATE_DOWN);
}

void
fakeif_get_counts(struct ifnet *ifp, struct fakeif_counts *fc)
{
	struct fakeif *fi = fi_of(ifp);

	mutex_enter(&fi->fi_lock);
	*fc = fi->fi_counts;
	mutex_exit(&fi->fi_lock);
}

void
fakeif_mcast_fail(struct ifnet *ifp, int error)
{
	struct fakeif *fi = fi_of(ifp);

	mutex_enter(&fi->fi_lock);
	fi->fi_mcast_error = error;
	mutex_exit(&fi->fi_lock);
}
