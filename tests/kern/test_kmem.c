/* kmem and pools: contents, alignment, statistics back to the start. */
#include <stdint.h>
#include <string.h>

#include <kern/kmem.h>

#include "kt.h"

KT_CASE(kmem_alloc_free_stats)
{
	struct kmem_stats before, after;
	void *p[64];
	size_t sz;

	kmem_get_stats(&before);
	for (int i = 0; i < 64; i++) {
		sz = (size_t)(i * 37 + 1);
		p[i] = kmem_zalloc(sz, KM_SLEEP);
		KT_CHECK(p[i] != NULL && ((uintptr_t)p[i] & (KMEM_ALIGN - 1)) == 0);
		for (size_t j = 0; j < sz; j++)
			KT_CHECK(((unsigned char *)p[i])[j] == 0);
		memset(p[i], 0xa5, sz);
	}
	kmem_get_stats(&after);
	KT_CHECK(after.ks_nalloc - before.ks_nalloc == 64);
	KT_CHECK(after.ks_inuse > before.ks_inuse);
	for (int i = 0; i < 64; i++)
		kmem_free(p[i], (size_t)(i * 37 + 1));
	kmem_get_stats(&after);
	KT_CHECK(after.ks_inuse == before.ks_inuse);
	KT_CHECK(after.ks_nfree - before.ks_nfree == 64);
}

KT_CASE(kmem_nosleep_failure)
{
	struct kmem_stats before, after;

	kmem_get_stats(&before);
	KT_CHECK(kmem_alloc((size_t)1 << 50, KM_NOSLEEP) == NULL);
	kmem_get_stats(&after);
	KT_CHECK(after.ks_nfail == before.ks_nfail + 1);
	KT_CHECK(after.ks_inuse == before.ks_inuse);
}

KT_CASE(pool_get_put_stats)
{
	struct kmem_stats kbefore, kafter;
	struct pool_stats ps;
	struct pool pp;
	void *items[1000];

	kmem_get_stats(&kbefore);
	pool_init(&pp, 24, 0, "test24");
	for (int i = 0; i < 1000; i++) {
		items[i] = pool_get(&pp, PR_WAITOK | PR_ZERO);
		KT_CHECK(items[i] != NULL);
		KT_CHECK(((uintptr_t)items[i] & (KMEM_ALIGN - 1)) == 0);
		KT_CHECK(((uint64_t *)items[i])[0] == 0);
		memset(items[i], i & 0xff, 24);
	}
	for (int i = 1; i < 1000; i++)
		KT_CHECK(((unsigned char *)items[i])[23] == (i & 0xff));
	pool_get_stats(&pp, &ps);
	KT_CHECK(ps.ps_nout == 1000 && ps.ps_nget == 1000);
	for (int i = 0; i < 1000; i++)
		pool_put(&pp, items[i]);
	pool_get_stats(&pp, &ps);
	KT_CHECK(ps.ps_nout == 0 && ps.ps_nput == 1000);
	KT_CHECK(ps.ps_nfree >= 1000 && ps.ps_nchunks > 0);
	/* recycled, not grown */
	items[0] = pool_get(&pp, PR_NOWAIT);
	pool_put(&pp, items[0]);
	pool_get_stats(&pp, &ps);
	KT_CHECK(ps.ps_nout == 0 && ps.ps_nget == 1001);
	pool_destroy(&pp);
	kmem_get_stats(&kafter);
	KT_CHECK(kafter.ks_inuse == kbefore.ks_inuse);
}

KT_CASE(pool_alignment)
{
	struct pool pp;
	void *a[50];

	pool_init(&pp, 100, 256, "align256");
	for (int i = 0; i < 50; i++) {
		a[i] = pool_get(&pp, PR_WAITOK);
		KT_CHECK(a[i] != NULL && ((uintptr_t)a[i] & 255) == 0);
	}
	for (int i = 0; i < 50; i++)
		pool_put(&pp, a[i]);
	pool_destroy(&pp);
}
