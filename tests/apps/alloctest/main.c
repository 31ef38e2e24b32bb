/*
 * Allocator test, run inside the guest: exhaust memory through malloc
 * (large and small blocks) and through the page allocator, check that
 * exhaustion is an error (NULL, ENOMEM) and not a crash, free
 * everything, and check that the statistics return to where they began.
 * Also that newlib's own allocations (stdio buffers, the big numbers of
 * floating-point formatting) come from the kernel allocator: newlib
 * calls _malloc_r, and its own version has no heap here.
 */
#include <errno.h>
#include <reent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bmk/memalloc.h>
#include <bmk/pgalloc.h>

static int failures;

static void
check(int ok, const char *what)
{
	printf("alloc: %s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
}

/* Allocate blocks of size until malloc fails; chain them to free later. */
static void *
exhaust(size_t size, size_t *count, int *err)
{
	void *head = NULL, *p;

	*count = 0;
	errno = 0;
	while ((p = malloc(size)) != NULL) {
		memset(p, 0xa5, size < 64 ? size : 64);
		*(void **)p = head;
		head = p;
		(*count)++;
	}
	*err = errno;
	return head;
}

static void
release(void *head)
{
	while (head != NULL) {
		void *next = *(void **)head;
		free(head);
		head = next;
	}
}

static void
test_malloc(size_t size, const char *what)
{
	struct pgalloc_stats ps0, ps1;
	struct memalloc_stats ms0, ms1;
	size_t n;
	int err;
	void *chain;

	/*
	 * memalloc keeps one empty slab per size class as a spare: make sure
	 * this class has its spare before taking the baseline.
	 */
	free(malloc(size));
	pgalloc_get_stats(&ps0);
	memalloc_get_stats(&ms0);
	chain = exhaust(size, &n, &err);
	printf("alloc: %zu blocks of %zu bytes (%zu KiB) before exhaustion\n",
	    n, size, n * size / 1024);
	check(n > 0 && err == ENOMEM, what);
	release(chain);
	pgalloc_get_stats(&ps1);
	memalloc_get_stats(&ms1);
	check(ms1.ms_bytes_in_use == ms0.ms_bytes_in_use,
	    "memalloc bytes in use back to start");
	check(ps1.ps_free_pages == ps0.ps_free_pages,
	    "free pages back to start");
	check(ms1.ms_failures > ms0.ms_failures, "failure was counted");
}

#define MAXBLOCKS 512

static void
test_pages(void)
{
	struct pgalloc_stats ps0, ps1;
	struct { void *b_p; unsigned b_order; } blocks[MAXBLOCKS];
	unsigned order = 12;
	int n = 0, i, aligned = 1;

	pgalloc_get_stats(&ps0);
	/* Largest blocks first, then smaller ones, until nothing is left. */
	while (n < MAXBLOCKS) {
		void *p = pgalloc_alloc(order);
		if (p == NULL) {
			if (order == 0)
				break;
			order--;
			continue;
		}
		aligned &= ((uintptr_t)p & ((PGALLOC_PAGE_SIZE << order) - 1)) == 0;
		blocks[n].b_p = p;
		blocks[n++].b_order = order;
	}
	pgalloc_get_stats(&ps1);
	printf("alloc: %d page blocks took all %zu free pages\n", n,
	    ps0.ps_free_pages);
	check(aligned, "page blocks naturally aligned");
	check(n < MAXBLOCKS && ps1.ps_free_pages == 0, "pages exhausted");
	for (i = 0; i < n; i++)
		pgalloc_free(blocks[i].b_p, blocks[i].b_order);
	pgalloc_get_stats(&ps1);
	check(ps1.ps_free_pages == ps0.ps_free_pages,
	    "page allocator statistics back to start");
}

static void
test_newlib_heap(void)
{
	struct memalloc_stats ms0, ms1;
	char buf[32];
	void *p;

	memalloc_get_stats(&ms0);
	p = _malloc_r(_REENT, 100);
	memalloc_get_stats(&ms1);
	check(p != NULL && ms1.ms_allocs == ms0.ms_allocs + 1,
	    "newlib's _malloc_r is the kernel allocator");
	_free_r(_REENT, p);
	snprintf(buf, sizeof(buf), "%.3f %g", 2.5, 1e300);
	check(strcmp(buf, "2.500 1e+300") == 0,
	    "floating-point formatting (newlib's dtoa allocates)");
}

int
main(void)
{
	struct pgalloc_stats ps;

	pgalloc_get_stats(&ps);
	printf("alloc: %zu of %zu pages free at start\n", ps.ps_free_pages,
	    ps.ps_total_pages);
	test_malloc(1 << 20, "1 MiB mallocs exhaust memory with ENOMEM");
	test_malloc(64, "64-byte mallocs exhaust memory with ENOMEM");
	test_malloc(3000, "3000-byte mallocs exhaust memory with ENOMEM");
	test_pages();
	test_newlib_heap();
	printf("alloc: %s\n", failures ? "FAIL" : "PASS");
	return failures;
}

/* Tests the allocator below the rump kernel: none is started. */
const int rumpmetal_app_norump = 1;
