/*
 * Memory: rumpuser_malloc over posix_memalign, rumpuser_anonmmap over
 * anonymous mmap. Alignments are powers of two; 0 means "none". An
 * anonmmap aligned beyond the page size maps more and trims both ends.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hp.h"

static int
is_pow2(size_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

int
rumpuser_malloc(size_t len, int alignment, void **memp)
{
	size_t align = alignment > 0 ? (size_t)alignment : 0;
	void *p;
	int rv;

	if (alignment < 0 || (align != 0 && !is_pow2(align)))
		return EINVAL;
	if (align < sizeof(void *))
		align = sizeof(void *);
	rv = posix_memalign(&p, align, len > 0 ? len : 1);
	if (rv != 0)
		return rv;
	*memp = p;
	return 0;
}

void
rumpuser_free(void *mem, size_t len)
{
	(void)len;
	free(mem);
}

/* Unmap the parts of [base, base + maplen) outside [keep, keep + len). */
static void
trim(char *base, size_t maplen, char *keep, size_t len)
{
	if (keep > base)
		munmap(base, (size_t)(keep - base));
	if (base + maplen > keep + len)
		munmap(keep + len, (size_t)(base + maplen - (keep + len)));
}

int
rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec,
    void **memp)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t align, maplen;
	int prot = PROT_READ | PROT_WRITE | (exec ? PROT_EXEC : 0);
	uintptr_t start;
	char *p;

	if (size == 0 || alignbit < 0 || alignbit >= (int)(8 * sizeof(size_t)))
		return EINVAL;
	align = (size_t)1 << alignbit;
	if (align < page)
		align = page;
	size = (size + page - 1) & ~(page - 1);
	maplen = size + align - page;
	if (maplen < size)
		return ENOMEM;
	p = mmap(prefaddr, maplen, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return errno;
	start = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	trim(p, maplen, (char *)start, size);
	*memp = (void *)start;
	return 0;
}

void
rumpuser_unmap(void *addr, size_t len)
{
	munmap(addr, len);
}
