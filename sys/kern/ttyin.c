/*
 * Console input from keyboards (include/kern/ttyin.h): the one place
 * where keyboard drivers hand over characters, and where the libc glue
 * (bare metal) or a test installs the taker.
 *
 * The sink pointer is read and written atomically, so a driver may
 * deliver from any context while the sink is being installed; there is
 * no lock and nothing here sleeps. Characters that arrive while no sink
 * is installed are counted (ttyin_dropped) and lost: there is nowhere
 * to keep them that the application would read.
 */
#include <stddef.h>

#include <kern/ttyin.h>

static ttyin_sink_t ttyin_sink;
static unsigned long ttyin_ndropped;

void
ttyin_set_sink(ttyin_sink_t sink)
{
	__atomic_store_n(&ttyin_sink, sink, __ATOMIC_RELEASE);
}

void
ttyin_deliver(const char *buf, size_t len)
{
	ttyin_sink_t sink = __atomic_load_n(&ttyin_sink, __ATOMIC_ACQUIRE);

	if (len == 0)
		return;
	if (sink == NULL) {
		__atomic_fetch_add(&ttyin_ndropped, (unsigned long)len,
		    __ATOMIC_RELAXED);
		return;
	}
	sink(buf, len);
}

unsigned long
ttyin_dropped(void)
{
	return __atomic_load_n(&ttyin_ndropped, __ATOMIC_RELAXED);
}
