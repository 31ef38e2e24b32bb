/*
 * Threads over pthreads, and the current-lwp database as one thread-local
 * pointer. A joinable thread's cookie is a malloc'd box holding its
 * pthread_t, freed by rumpuser_thread_join. Joining releases the rump
 * kernel CPU, because the thread being joined may need it to finish.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "hp.h"

struct hp_thread {
	pthread_t t_thread;
};

static __thread struct lwp *hp_curlwp;

/* Linux thread names are at most 15 characters. */
static void
set_name(pthread_t t, const char *name)
{
	char buf[16];

	if (name == NULL)
		return;
	strncpy(buf, name, sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	pthread_setname_np(t, buf);
}

static int
spawn(pthread_t *t, void *(*fun)(void *), void *arg, int detached)
{
	pthread_attr_t attr;
	int rv;

	if ((rv = pthread_attr_init(&attr)) != 0)
		return rv;
	if (detached)
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rv = pthread_create(t, &attr, fun, arg);
	pthread_attr_destroy(&attr);
	return rv;
}

int
rumpuser_thread_create(void *(*fun)(void *), void *arg, const char *thrname,
    int mustjoin, int priority, int cpuidx, void **cookie)
{
	struct hp_thread *ht = NULL;
	pthread_t t;
	int rv;

	(void)priority;
	(void)cpuidx;
	if (mustjoin && (ht = malloc(sizeof(*ht))) == NULL)
		return ENOMEM;
	if ((rv = spawn(&t, fun, arg, !mustjoin)) != 0) {
		free(ht);
		return rv;
	}
	set_name(t, thrname);
	if (mustjoin) {
		ht->t_thread = t;
		*cookie = ht;
	}
	return 0;
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
