/*
 * The C heap is the kernel's small-object allocator: one allocator, one
 * set of statistics, and running out of memory returns NULL with ENOMEM.
 * These definitions replace newlib's malloc family (and its reentrant
 * _r entry points, which newlib's own stdio calls).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <reent.h>

#include <bmk/memalloc.h>

#define MIN_ALIGN 16	/* what the x86_64 and aarch64 ABIs promise */

void *
memalign(size_t align, size_t size)
{
	void *p;

	if (align < MIN_ALIGN)
		align = MIN_ALIGN;
	if ((align & (align - 1)) != 0) {
		errno = EINVAL;
		return NULL;
	}
	p = memalloc(size ? size : 1, align);
	if (p == NULL)
		errno = ENOMEM;
	return p;
}

void *
malloc(size_t size)
{
	return memalign(MIN_ALIGN, size);
}

void
free(void *p)
{
	memfree(p);
}

void *
calloc(size_t n, size_t size)
{
	void *p;

	if (size != 0 && n > (size_t)-1 / size) {
		errno = ENOMEM;
		return NULL;
	}
	p = malloc(n * size);
	if (p != NULL)
		memset(p, 0, n * size);
	return p;
}

void *
realloc(void *old, size_t size)
{
	void *p;
	size_t have;

	if (old == NULL)
		return malloc(size);
	if (size == 0) {
		free(old);
		return NULL;
	}
	have = memalloc_size(old);
	if (size <= have && size >= have / 2)
		return old;
	p = malloc(size);
	if (p == NULL)
		return NULL;
	memcpy(p, old, size < have ? size : have);
	free(old);
	return p;
}

int
posix_memalign(void **res, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)) != 0)
		return EINVAL;
	p = memalign(align, size);
	if (p == NULL)
		return ENOMEM;
	*res = p;
	return 0;
}

void *
aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

void *
valloc(size_t size)
{
	return memalign(4096, size);
}

size_t
malloc_usable_size(void *p)
{
	return p ? memalloc_size(p) : 0;
}

void *
_malloc_r(struct _reent *r, size_t size)
{
	(void)r;
	return malloc(size);
}

void
_free_r(struct _reent *r, void *p)
{
	(void)r;
	free(p);
}

void *
_calloc_r(struct _reent *r, size_t n, size_t size)
{
	(void)r;
	return calloc(n, size);
}

void *
_realloc_r(struct _reent *r, void *p, size_t size)
{
	(void)r;
	return realloc(p, size);
}

void *
_memalign_r(struct _reent *r, size_t align, size_t size)
{
	(void)r;
	return memalign(align, size);
}

size_t
_malloc_usable_size_r(struct _reent *r, void *p)
{
	(void)r;
	return malloc_usable_size(p);
}
