/*
 * Packet buffers (sys/net/mbuf.c).
 *
 * A packet is a chain of mbufs linked by m_next; the first carries the
 * packet header (M_PKTHDR: total length, receiving interface, checksum
 * offload flags). Packets are queued through m_nextpkt. Data lives either
 * inside the mbuf (up to MLEN bytes, MHLEN in the first) or in external
 * storage (M_EXT): a 2 KiB cluster from the cluster pool, or a buffer the
 * caller supplies with its own free function (a driver's receive buffer,
 * handed up without copying). External storage is reference counted:
 * m_copym shares it, and the free function runs when the last reference
 * goes.
 *
 * Invariants relied on everywhere:
 *   m_data..m_data+m_len lies inside the mbuf's storage;
 *   for M_PKTHDR, m_pkthdr.len == sum of m_len over the chain;
 *   shared external storage (M_READONLY) is never written: m_makewritable
 *   first.
 *
 * Allocation never sleeps when M_NOWAIT is given and may fail: every
 * caller handles NULL. mbuf_get_stats counts what is outstanding, so a
 * test can check that a path freed everything it took.
 */
#ifndef NET_MBUF_H
#define NET_MBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MSIZE 256		/* an mbuf, header included */
#define MCLBYTES 2048		/* a cluster */

#define M_WAITOK 0x0
#define M_NOWAIT 0x1

/* m_flags */
#define M_PKTHDR 0x0001		/* first of a packet: m_pkthdr valid */
#define M_EXT 0x0002		/* data in external storage */
#define M_BCAST 0x0010		/* received as link-level broadcast */
#define M_MCAST 0x0020		/* received as link-level multicast */
#define M_LOOP 0x0040		/* looped back locally */
#define M_COPYFLAGS (M_PKTHDR | M_BCAST | M_MCAST | M_LOOP)

/* m_pkthdr.csum_flags: offload state. */
#define M_CSUM_IPV4 0x01	/* tx: compute IPv4 header sum */
#define M_CSUM_UDPV4 0x02	/* tx: compute UDP sum */
#define M_CSUM_TCPV4 0x04	/* tx: compute TCP sum */
#define M_CSUM_DATA_OK 0x100	/* rx: the L4 checksum was verified good */
#define M_CSUM_IPV4_OK 0x200	/* rx: the IPv4 header sum was verified */
#define M_CSUM_BAD 0x400	/* rx: the hardware found a bad sum */
#define M_CSUM_PARTIAL 0x800	/* rx: sum not verified, data valid (virtio) */

struct ifnet;
struct mbuf;

/* External storage: shared by every mbuf that references it. */
struct m_ext_storage {
	unsigned es_refcnt;
	uint8_t *es_buf;
	size_t es_size;
	void (*es_free)(void *buf, size_t size, void *arg);
	void *es_arg;
};

struct m_pkthdr {
	struct ifnet *rcvif;	/* received on, or NULL */
	unsigned len;		/* whole packet */
	unsigned csum_flags;
	uint16_t csum_start;	/* tx partial sum: where summing starts */
	uint16_t csum_offset;	/* ... and where the result goes */
	uint16_t ether_vtag;	/* not used yet */
};

struct mbuf {
	struct mbuf *m_next;
	struct mbuf *m_nextpkt;
	uint8_t *m_data;
	unsigned m_len;
	unsigned m_flags;
	struct m_ext_storage *m_ext;	/* M_EXT */
	struct m_pkthdr m_pkthdr;	/* M_PKTHDR */
	uint8_t m_dat[];		/* internal storage up to MSIZE */
};

#define MHDR_SIZE (sizeof(struct mbuf))
#define MLEN ((unsigned)(MSIZE - MHDR_SIZE))
#define MHLEN MLEN	/* the header is always present in our layout */
/* Space left in front of data in a fresh packet for link headers. */
#define M_LINKSPACE 16u

#define mtod(m, t) ((t)(void *)((m)->m_data))

struct mbuf *m_get(int how);
struct mbuf *m_gethdr(int how);
/* A packet header mbuf with a fresh cluster attached. */
struct mbuf *m_getcl(int how);
/*
 * A packet header mbuf over caller storage: free(buf, size, arg) runs when
 * the last reference goes. Data starts at buf, m_len = len.
 */
struct mbuf *m_gethdr_ext(int how, void *buf, size_t size, size_t len,
    void (*freefn)(void *, size_t, void *), void *arg);
/* A new packet holding a copy of len bytes, with headroom in front. */
struct mbuf *m_devget(const void *buf, size_t len, size_t headroom,
    struct ifnet *ifp);

/* Frees m alone; returns m->m_next. */
struct mbuf *m_free(struct mbuf *m);
/* Frees a whole chain (m may be NULL). */
void m_freem(struct mbuf *m);
/* Frees every packet of an m_nextpkt list. */
void m_freem_list(struct mbuf *m);

/* Trims n bytes from the front (n > 0) or the back (n < 0). */
void m_adj(struct mbuf *m, int n);
/*
 * Makes the first len bytes contiguous in the first mbuf. Returns the
 * (possibly new) head, or NULL after freeing the chain if it cannot
 * (chain too short, len > MLEN with no cluster, no memory). Inline for
 * the common case of a header already in place: every layer asks.
 */
struct mbuf *m_pullup_slow(struct mbuf *m, unsigned len);
static inline struct mbuf *
m_pullup(struct mbuf *m, unsigned len)
{
	return m->m_len >= len ? m : m_pullup_slow(m, len);
}
/* Room for len more bytes in front; may add an mbuf. NULL: chain freed. */
struct mbuf *m_prepend(struct mbuf *m, unsigned len, int how);
/* Copies len bytes from offset off; the chain must hold them. */
void m_copydata(const struct mbuf *m, unsigned off, unsigned len, void *buf);
/* Writes len bytes at off, extending the chain; 0 or ENOMEM. */
int m_copyback(struct mbuf *m, unsigned off, unsigned len, const void *buf);
/* Appends len bytes at the end; 0 or ENOMEM. */
int m_append(struct mbuf *m, unsigned len, const void *buf);
/* A new chain for [off, off + len): shares external storage, copies the
 * rest; the packet header is copied when off == 0. NULL if no memory. */
struct mbuf *m_copym(struct mbuf *m, unsigned off, unsigned len, int how);
#define M_COPYALL 0xffffffffu	/* m_copym len: up to the end */
/* A deep copy of a whole packet, in as few mbufs as fit. */
struct mbuf *m_dup(const struct mbuf *m, int how);
/* Splits at off: m keeps [0, off), the result holds the rest (NULL:
 * no memory, m unchanged). */
struct mbuf *m_split(struct mbuf *m, unsigned off, int how);
/* Appends chain n to chain m (no header update). */
void m_cat(struct mbuf *m, struct mbuf *n);
/* Sum of m_len over the chain. */
unsigned m_length(const struct mbuf *m);
/* Bytes free in front of/after the data of this mbuf (0 if shared). */
unsigned m_leadingspace(const struct mbuf *m);
unsigned m_trailingspace(const struct mbuf *m);
bool m_readonly(const struct mbuf *m);
/* Makes [off, off + len) private and writable; 0 or ENOMEM. */
int m_makewritable(struct mbuf **mp, unsigned off, unsigned len, int how);

/* A queue of packets with a limit (driver send queues, socket buffers). */
struct mbuf_queue {
	struct mbuf *mq_head;
	struct mbuf *mq_tail;
	unsigned mq_len;
	unsigned mq_maxlen;
	uint64_t mq_drops;
};
void mq_init(struct mbuf_queue *q, unsigned maxlen);
/* false (and the packet freed, mq_drops counted) when full. */
bool mq_enqueue(struct mbuf_queue *q, struct mbuf *m);
struct mbuf *mq_dequeue(struct mbuf_queue *q);
void mq_purge(struct mbuf_queue *q);

struct mbuf_stats {
	uint64_t ms_mbufs;	/* mbufs outstanding */
	uint64_t ms_clusters;	/* clusters outstanding */
	uint64_t ms_ext;	/* caller external buffers outstanding */
	uint64_t ms_fail;	/* failed allocations since boot */
	uint64_t ms_mbufs_max;
};
void mbuf_get_stats(struct mbuf_stats *st);

/* Called once by net_init. */
void mbuf_init(void);

#endif
