/*
 * Kernel mutexes: a thin layer over the rumpuser mutex hypercalls, which
 * release the rump kernel CPU while an adaptive mutex is contended and
 * keep it for a spin mutex. Both kinds are created with
 * RUMPUSER_MTX_KMUTEX so that the hypervisor tracks the owning lwp;
 * mutex_owned and the checks below rely on that.
 */
#include <stdbool.h>
#include <stddef.h>

#include <rump/rumpuser.h>

#include <kern/kassert.h>
#include <kern/lwp.h>
#include <kern/mutex.h>

void
mutex_init(kmutex_t *mtx, kmutex_type_t type)
{
	int flags = RUMPUSER_MTX_KMUTEX;

	if (type == MUTEX_SPIN)
		flags |= RUMPUSER_MTX_SPIN;
	else
		KASSERT(type == MUTEX_DEFAULT);
	rumpuser_mutex_init(&mtx->mtx_hyp, flags);
	mtx->mtx_type = type;
}

void
mutex_destroy(kmutex_t *mtx)
{
	KASSERT(mtx->mtx_hyp != NULL);
	KASSERT(!mutex_owned(mtx));
	rumpuser_mutex_destroy(mtx->mtx_hyp);
	mtx->mtx_hyp = NULL;
}

void
mutex_enter(kmutex_t *mtx)
{
	KASSERT(curcpu() != NULL);
	KASSERT(!mutex_owned(mtx));
	rumpuser_mutex_enter(mtx->mtx_hyp);
}

bool
mutex_tryenter(kmutex_t *mtx)
{
	KASSERT(!mutex_owned(mtx));
	return rumpuser_mutex_tryenter(mtx->mtx_hyp) == 0;
}

void
mutex_exit(kmutex_t *mtx)
{
	KASSERT(mutex_owned(mtx));
	rumpuser_mutex_exit(mtx->mtx_hyp);
}

bool
mutex_owned(const kmutex_t *mtx)
{
	struct lwp *owner;

	rumpuser_mutex_owner(mtx->mtx_hyp, &owner);
	/* rumpuser_curlwp, not curlwp(): one call less on a path every
	 * KASSERT(mutex_owned()) takes */
	return owner != NULL && owner == rumpuser_curlwp();
}
