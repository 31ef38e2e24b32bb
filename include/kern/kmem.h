/*
 * Kernel memory: kmem_alloc/kmem_free for variable-sized objects, and
 * pools for many objects of one size.
 *
 * kmem sits directly on rumpuser_malloc/rumpuser_free, which never
 * release the rump kernel CPU, so both may be called with or without a
 * CPU. The size given to kmem_free must be the size given to the
 * allocation. KM_NOSLEEP returns NULL when memory is short; KM_SLEEP
 * retries for a while (sleeping, so it needs the CPU) and panics if
 * memory never comes back: use it only where failure cannot be handled.
 *
 * A pool hands out items of one size and alignment, carved from chunks
 * taken with kmem. Items are recycled through a free list; chunks are
 * returned only by pool_destroy, which requires every item back.
 */
#ifndef KERN_KMEM_H
#define KERN_KMEM_H

#include <stddef.h>
#include <stdint.h>

#define KM_SLEEP 0x01
#define KM_NOSLEEP 0x02

/* Alignment of everything kmem returns. */
#define KMEM_ALIGN 16

void *kmem_alloc(size_t size, int flags);
void *kmem_zalloc(size_t size, int flags);
void kmem_free(void *p, size_t size);

/* Outstanding allocations and bytes, over all of kmem. */
struct kmem_stats {
	uint64_t ks_nalloc;	/* successful allocations since boot */
	uint64_t ks_nfree;
	uint64_t ks_nfail;
	uint64_t ks_inuse;	/* bytes currently allocated */
};
void kmem_get_stats(struct kmem_stats *ks);

/*
 * A pool. The structure is public so that it can be embedded; its
 * members are private to sys/kern/pool.c.
 */
struct pool_chunk;
struct pool_item;
struct rumpuser_mtx;

struct pool {
	const char *pr_name;
	size_t pr_size;		/* item size, rounded up to pr_align */
	size_t pr_align;
	size_t pr_chunksize;
	unsigned pr_perchunk;
	struct rumpuser_mtx *pr_mtx;
	struct pool_item *pr_free;
	struct pool_chunk *pr_chunks;
	uint64_t pr_nget;
	uint64_t pr_nput;
	uint64_t pr_nfail;
	unsigned pr_nchunks;
	unsigned pr_nout;
	unsigned pr_magic;
};

#define PR_WAITOK 0x01
#define PR_NOWAIT 0x02
#define PR_ZERO 0x04

struct pool_stats {
	uint64_t ps_nget;
	uint64_t ps_nput;
	uint64_t ps_nfail;
	unsigned ps_nout;	/* items handed out and not returned */
	unsigned ps_nchunks;
	unsigned ps_nfree;	/* items on the free list */
};

/* align: a power of two, 0 for KMEM_ALIGN. */
void pool_init(struct pool *pp, size_t size, size_t align, const char *name);
/* Every item must have been returned. */
void pool_destroy(struct pool *pp);
void *pool_get(struct pool *pp, int flags);
void pool_put(struct pool *pp, void *item);
void pool_get_stats(struct pool *pp, struct pool_stats *ps);

#endif
