/*
 * Memory hypercalls over the small-object allocator (bmk/memalloc.h),
 * which honours any power-of-two alignment, also beyond a page.
 *
 * anonmmap: memory is identity mapped and never paged, so "anonymous
 * memory" is a zeroed, page-aligned allocation; prefaddr is only a hint
 * and is ignored. Data pages are not executable on rumpmetal, so a
 * request for executable memory is refused (EOPNOTSUPP) rather than
 * answered with memory that would fault when run.
 */
#include <stddef.h>
#include <stdint.h>

#include <bmk/errno.h>
#include <bmk/memalloc.h>
#include <bmk/platform.h>

#include "rumpuser_impl.h"

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

	if (alignment < 0 || (align != 0 && !is_pow2(align)))
		return EINVAL;
	if ((p = memalloc(len > 0 ? len : 1, align)) == NULL)
		return ENOMEM;
	*memp = p;
	return 0;
}

void
rumpuser_free(void *mem, size_t len)
{
	(void)len;
	memfree(mem);
}

int
rumpuser_anonmmap(void *prefaddr, size_t size, int alignbit, int exec,
    void **memp)
{
	size_t align;
	void *p;

	(void)prefaddr;
	if (size == 0 || alignbit < 0 || alignbit >= (int)(8 * sizeof(size_t)))
		return EINVAL;
	if (exec)
		return EOPNOTSUPP;
	align = (size_t)1 << alignbit;
	if (align < PLAT_PAGE_SIZE)
		align = PLAT_PAGE_SIZE;
	if (size > SIZE_MAX - PLAT_PAGE_SIZE)
		return ENOMEM;
	size = (size + PLAT_PAGE_SIZE - 1) & ~(PLAT_PAGE_SIZE - 1);
	if ((p = memalloc_zero(size, align)) == NULL)
		return ENOMEM;
	*memp = p;
	return 0;
}

/* Only whole mappings are unmapped (what the rump kernel does). */
void
rumpuser_unmap(void *addr, size_t len)
{
	(void)len;
	memfree(addr);
}
