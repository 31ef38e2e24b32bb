/*
 * Threads over pthreads, and the current-lwp database as one thread-local
 * pointer. Each thread gets a malloc'd record; a joinable thread's record
 * is its cookie, freed by rumpuser_thread_join. Joining releases the rump
 * kernel CPU, because the thread being joined may need it to finish.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

struct hp_thread {
	pthread_t t_thread;
	void *(*t_fun)(void *);
	void *t_arg;
	int t_joinable;
	char t_name[16];	/* Linux thread names are at most 15 chars */
};

static __thread struct lwp *hp_curlwp;

/*
 * Runs first in the new thread: names it, frees the record of a detached
 * thread (nobody else holds it), calls the rump kernel's function.
 */
static void *
trampoline(void *arg)
{
	struct hp_thread *ht = arg;
	void *(*fun)(void *) = ht->t_fun;
	void *fa = ht->t_arg;

	pthread_setname_np(pthread_self(), ht->t_name);
	if (!ht->t_joinable)
		free(ht);
	return fun(fa);
}

static int
spawn(struct hp_thread *ht)
{
	pthread_attr_t attr;
	int rv;

	if ((rv = pthread_attr_init(&attr)) != 0)
		return rv;
	if (!ht->t_joinable)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rv = pthread_create(&ht->t_thread, &attr, trampoline, ht);
	pthread_attr_destroy(&attr);
	return rv;
}

/* The record of a joinable thread is its cookie, freed by join. */
int
rumpuser_thread_create(void *(*fun)(void *), void *arg, const char *thrname,
    int mustjoin, int priority, int cpuidx, void **cookie)
{
	struct hp_thread *ht;
	int rv;

	(void)priority;
	(void)cpuidx;
	if ((ht = calloc(1, sizeof(*ht))) == NULL)
		return ENOMEM;
	ht->t_fun = fun;
	ht->t_arg = arg;
	ht->t_joinable = mustjoin;
	if (thrname != NULL)
		strncpy(ht->t_name, thrname, sizeof(ht->t_name) - 1);
	if (mustjoin)
		*cookie = ht;
	if ((rv = spawn(ht)) != 0)
		free(ht);
	return rv;
}

void
rumpuser_thread_exit(void)
{
	pthread_exit(NULL);
}

int
rumpuser_thread_join(void *cookie)
{
	struct hp_thread *ht = cookie;
	int nlocks, rv;

	hp_cpu_release(&nlocks, NULL);
	rv = pthread_join(ht->t_thread, NULL);
	hp_cpu_take(nlocks, NULL);
	if (rv == 0)
		free(ht);
	return rv;
}

/* CREATE and DESTROY are informational; SET and CLEAR bind this thread. */
void
rumpuser_curlwpop(int enum_rumplwpop, struct lwp *l)
{
	switch (enum_rumplwpop) {
	case RUMPUSER_LWP_SET:
		hp_curlwp = l;
		break;
	case RUMPUSER_LWP_CLEAR:
		hp_curlwp = NULL;
		break;
	default:
		break;
	}
}

struct lwp *
rumpuser_curlwp(void)
{
	return hp_curlwp;
}
