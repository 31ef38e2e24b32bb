/*
 * kmem: variable-sized kernel allocations straight from the hypervisor
 * (rumpuser_malloc/rumpuser_free), with counters.
 *
 * KM_SLEEP: a failed allocation is retried every KMEM_RETRY_MS (sleeping
 * in rumpuser_clock_sleep, which releases the CPU so that others can
 * free memory) for up to KMEM_RETRIES times, then panics.
 */
#include <errno.h>
#include <stddef.h>

#include <rump/rumpuser.h>

#include <kern/kassert.h>
#include <kern/kmem.h>

#include "kern_impl.h"

#define KMEM_RETRY_MS 10
#define KMEM_RETRIES 100

static struct kmem_stats km_stats;	/* updated with atomics */

static void
count(uint64_t *c, uint64_t n)
{
	__atomic_add_fetch(c, n, __ATOMIC_RELAXED);
}

static void *
try_alloc(size_t size, size_t align)
{
	void *p;

	if (rumpuser_malloc(size, (int)align, &p) != 0)
		return NULL;
	count(&km_stats.ks_nalloc, 1);
	count(&km_stats.ks_inuse, size);
	return p;
}

void *
kmem_alloc_aligned(size_t size, size_t align, int flags)
{
	void *p;

	KASSERT(size > 0);
	KASSERT(align >= KMEM_ALIGN && (align & (align - 1)) == 0);
	KASSERT((flags & (KM_SLEEP | KM_NOSLEEP)) != 0);
	for (int tries = 0; (p = try_alloc(size, align)) == NULL; tries++) {
		count(&km_stats.ks_nfail, 1);
		if ((flags & KM_NOSLEEP) != 0)
			return NULL;
		if (tries == KMEM_RETRIES)
			panic("kmem_alloc: out of memory for %zu bytes", size);
		rumpuser_clock_sleep(RUMPUSER_CLOCK_RELWALL, 0,
		    KMEM_RETRY_MS * 1000000L);
	}
	return p;
}

void *
kmem_alloc(size_t size, int flags)
{
	return kmem_alloc_aligned(size, KMEM_ALIGN, flags);
}

void *
kmem_zalloc(size_t size, int flags)
{
	void *p = kmem_alloc(size, flags);

	if (p != NULL)
		__builtin_memset(p, 0, size);
	return p;
}

void
kmem_free(void *p, size_t size)
{
	KASSERT(p != NULL && size > 0);
	KASSERT(__atomic_load_n(&km_stats.ks_inuse, __ATOMIC_RELAXED) >= size);
	__atomic_sub_fetch(&km_stats.ks_inuse, size, __ATOMIC_RELAXED);
	count(&km_stats.ks_nfree, 1);
	rumpuser_free(p, size);
}

void
kmem_get_stats(struct kmem_stats *ks)
{
	ks->ks_nalloc = __atomic_load_n(&km_stats.ks_nalloc, __ATOMIC_RELAXED);
	ks->ks_nfree = __atomic_load_n(&km_stats.ks_nfree, __ATOMIC_RELAXED);
	ks->ks_nfail = __atomic_load_n(&km_stats.ks_nfail, __ATOMIC_RELAXED);
	ks->ks_inuse = __atomic_load_n(&km_stats.ks_inuse, __ATOMIC_RELAXED);
}
