/*
 * Pools: fixed-size items carved from chunks allocated with kmem.
 *
 * Invariants, under pr_mtx (a SPIN hypercall mutex: item handling never
 * sleeps; a new chunk is allocated with the mutex dropped):
 * - every item is either handed out (counted in pr_nout) or on pr_free;
 *   pr_nchunks * pr_perchunk == pr_nout + length of pr_free.
 * - a free item's first bytes hold the free-list link.
 * Chunks go back to kmem only in pool_destroy.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <rump/rumpuser.h>

#include <kern/kassert.h>
#include <kern/kmem.h>

#include "kern_impl.h"

#define POOL_MAGIC 0x706f6f6cU
#define POOL_CHUNK_MIN 4096
#define POOL_CHUNK_ITEMS 8

struct pool_item {
	struct pool_item *pi_next;
};

/* Chunk header; the items follow at the first aligned offset. */
struct pool_chunk {
	struct pool_chunk *pc_next;
};

static size_t
roundup(size_t x, size_t align)
{
	return (x + align - 1) & ~(align - 1);
}

void
pool_init(struct pool *pp, size_t size, size_t align, const char *name)
{
	size_t items;

	if (align == 0)
		align = KMEM_ALIGN;
	KASSERT(size > 0 && (align & (align - 1)) == 0);
	__builtin_memset(pp, 0, sizeof(*pp));
	pp->pr_name = name;
	pp->pr_align = align < sizeof(void *) ? sizeof(void *) : align;
	pp->pr_size = roundup(size < sizeof(struct pool_item) ?
	    sizeof(struct pool_item) : size, pp->pr_align);
	items = pp->pr_size * POOL_CHUNK_ITEMS;
	pp->pr_chunksize = roundup(sizeof(struct pool_chunk), pp->pr_align) +
	    (items > POOL_CHUNK_MIN ? items : POOL_CHUNK_MIN);
	pp->pr_perchunk = (unsigned)((pp->pr_chunksize -
	    roundup(sizeof(struct pool_chunk), pp->pr_align)) / pp->pr_size);
	rumpuser_mutex_init(&pp->pr_mtx, RUMPUSER_MTX_SPIN);
	pp->pr_magic = POOL_MAGIC;
}

void
pool_destroy(struct pool *pp)
{
	struct pool_chunk *pc;

	KASSERT(pp->pr_magic == POOL_MAGIC);
	if (pp->pr_nout != 0)
		panic("pool_destroy: %s has %u items out", pp->pr_name,
		    pp->pr_nout);
	while ((pc = pp->pr_chunks) != NULL) {
		pp->pr_chunks = pc->pc_next;
		kmem_free(pc, pp->pr_chunksize);
	}
	rumpuser_mutex_destroy(pp->pr_mtx);
	pp->pr_magic = 0;
}

/* Allocate a chunk and put all its items on the free list; pr_mtx held. */
static int
chunk_add(struct pool *pp, int flags)
{
	struct pool_chunk *pc;
	struct pool_item *pi;
	char *items;
	int kf = (flags & PR_NOWAIT) != 0 ? KM_NOSLEEP : KM_SLEEP;

	rumpuser_mutex_exit(pp->pr_mtx);
	pc = kmem_alloc_aligned(pp->pr_chunksize, pp->pr_align, kf);
	rumpuser_mutex_enter_nowrap(pp->pr_mtx);
	if (pc == NULL)
		return ENOMEM;
	items = (char *)pc + roundup(sizeof(*pc), pp->pr_align);
	for (unsigned i = 0; i < pp->pr_perchunk; i++) {
		pi = (struct pool_item *)(items + i * pp->pr_size);
		pi->pi_next = pp->pr_free;
		pp->pr_free = pi;
	}
	pc->pc_next = pp->pr_chunks;
	pp->pr_chunks = pc;
	pp->pr_nchunks++;
	return 0;
}

void *
pool_get(struct pool *pp, int flags)
{
	struct pool_item *pi;

	KASSERT(pp->pr_magic == POOL_MAGIC);
	KASSERT((flags & (PR_WAITOK | PR_NOWAIT)) != 0);
	rumpuser_mutex_enter_nowrap(pp->pr_mtx);
	while (pp->pr_free == NULL) {
		if (chunk_add(pp, flags) != 0) {
			pp->pr_nfail++;
			rumpuser_mutex_exit(pp->pr_mtx);
			return NULL;
		}
	}
	pi = pp->pr_free;
	pp->pr_free = pi->pi_next;
	pp->pr_nget++;
	pp->pr_nout++;
	rumpuser_mutex_exit(pp->pr_mtx);
	if ((flags & PR_ZERO) != 0)
		__builtin_memset(pi, 0, pp->pr_size);
	return pi;
}

void
pool_put(struct pool *pp, void *item)
{
	struct pool_item *pi = item;

	KASSERT(pp->pr_magic == POOL_MAGIC && item != NULL);
	rumpuser_mutex_enter_nowrap(pp->pr_mtx);
	KASSERT(pp->pr_nout > 0);
	pi->pi_next = pp->pr_free;
	pp->pr_free = pi;
	pp->pr_nput++;
	pp->pr_nout--;
	rumpuser_mutex_exit(pp->pr_mtx);
}

void
pool_get_stats(struct pool *pp, struct pool_stats *ps)
{
	KASSERT(pp->pr_magic == POOL_MAGIC);
	rumpuser_mutex_enter_nowrap(pp->pr_mtx);
	ps->ps_nget = pp->pr_nget;
	ps->ps_nput = pp->pr_nput;
	ps->ps_nfail = pp->pr_nfail;
	ps->ps_nout = pp->pr_nout;
	ps->ps_nchunks = pp->pr_nchunks;
	ps->ps_nfree = pp->pr_nchunks * pp->pr_perchunk - pp->pr_nout;
	rumpuser_mutex_exit(pp->pr_mtx);
}
