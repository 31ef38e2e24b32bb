/*
 * Mutexes over pthread mutexes, with owner tracking.
 *
 * rumpuser_mutex_enter first tries the lock; only if that fails does it
 * release the rump kernel CPU, wait for the lock, then take the CPU back
 * (lock first, CPU second: the CPU holder that wants this lock releases
 * the CPU while it waits, so the order cannot deadlock). SPIN mutexes and
 * enter_nowrap never release the CPU.
 *
 * Invariant: m_owner is written only by the thread holding m_mtx (just
 * after locking, just before unlocking); it is read with relaxed atomics
 * so that mutex_owner from any thread is well defined.
 */
#include <errno.h>
#include <stdlib.h>

#include "hp.h"

void
hp_mtx_set_owner(struct rumpuser_mtx *mtx)
{
	__atomic_store_n(&mtx->m_owner, rumpuser_curlwp(), __ATOMIC_RELAXED);
}

void
hp_mtx_clear_owner(struct rumpuser_mtx *mtx)
{
	__atomic_store_n(&mtx->m_owner, NULL, __ATOMIC_RELAXED);
}

void
rumpuser_mutex_init(struct rumpuser_mtx **mtxp, int flags)
{
	struct rumpuser_mtx *mtx;
	int rv;

	if ((mtx = malloc(sizeof(*mtx))) == NULL)
		hp_fatal("mutex_init", ENOMEM);
	if ((rv = pthread_mutex_init(&mtx->m_mtx, NULL)) != 0)
		hp_fatal("pthread_mutex_init", rv);
	mtx->m_flags = flags;
	mtx->m_owner = NULL;
	*mtxp = mtx;
}

static void
lock(struct rumpuser_mtx *mtx)
{
	int rv = pthread_mutex_lock(&mtx->m_mtx);

	if (rv != 0)
		hp_fatal("pthread_mutex_lock", rv);
}

void
rumpuser_mutex_enter_nowrap(struct rumpuser_mtx *mtx)
{
	lock(mtx);
	hp_mtx_set_owner(mtx);
}

void
rumpuser_mutex_enter(struct rumpuser_mtx *mtx)
{
	int nlocks;

	if ((mtx->m_flags & RUMPUSER_MTX_SPIN) != 0) {
		rumpuser_mutex_enter_nowrap(mtx);
		return;
	}
	if (pthread_mutex_trylock(&mtx->m_mtx) != 0) {
		hp_cpu_release(&nlocks, NULL);
		lock(mtx);
		hp_cpu_take(nlocks, NULL);
	}
	hp_mtx_set_owner(mtx);
}

int
rumpuser_mutex_tryenter(struct rumpuser_mtx *mtx)
{
	int rv = pthread_mutex_trylock(&mtx->m_mtx);

	if (rv != 0)
		return rv;
	hp_mtx_set_owner(mtx);
	return 0;
}

void
rumpuser_mutex_exit(struct rumpuser_mtx *mtx)
{
	int rv;

	hp_mtx_clear_owner(mtx);
	if ((rv = pthread_mutex_unlock(&mtx->m_mtx)) != 0)
		hp_fatal("pthread_mutex_unlock", rv);
}

void
rumpuser_mutex_destroy(struct rumpuser_mtx *mtx)
{
	int rv;

	if ((rv = pthread_mutex_destroy(&mtx->m_mtx)) != 0)
		hp_fatal("pthread_mutex_destroy", rv);
	free(mtx);
}

void
rumpuser_mutex_owner(struct rumpuser_mtx *mtx, struct lwp **lp)
{
	*lp = __atomic_load_n(&mtx->m_owner, __ATOMIC_RELAXED);
}
