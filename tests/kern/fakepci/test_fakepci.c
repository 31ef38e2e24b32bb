/*
 * With fakepci.c: bus_dma over scattered pages, and interrupt handlers
 * run by a hypervisor thread with no lwp and no CPU.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include <rump/rumpcomp_pci.h>

#include <kern/bus.h>
#include <kern/intr.h>
#include <kern/lwp.h>
#include <kern/mutex.h>
#include <kern/rump.h>

#include "../kt.h"
#include "fakepci.h"

KT_CASE(bus_dma_scattered_pages)
{
	bus_dma_tag_t t = &bus_dma_tag_default;
	bus_dmamap_t map;
	char *buf;
	uintptr_t va;

	buf = aligned_alloc(4096, 4 * 4096);
	va = (uintptr_t)buf + 1000;
	KT_CHECK(bus_dmamap_create(t, 4 * 4096, 4, 65536, 0, 0, &map) == 0);
	/* 1000..(1000 + 10000): pages 0, 1, 2: three segments */
	KT_CHECK(bus_dmamap_load(t, map, (void *)va, 10000, 0) == 0);
	KT_CHECK(map->dm_nsegs == 3);
	KT_CHECK(map->dm_segs[0].ds_addr == rumpcomp_pci_virt_to_mach((void *)va));
	KT_CHECK(map->dm_segs[0].ds_len == 4096 - 1000);
	KT_CHECK(map->dm_segs[1].ds_len == 4096);
	KT_CHECK(map->dm_segs[2].ds_len == 10000 - (4096 - 1000) - 4096);
	KT_CHECK(map->dm_segs[1].ds_addr ==
	    rumpcomp_pci_virt_to_mach(buf + 4096));
	bus_dmamap_sync(t, map, 0, 10000, BUS_DMASYNC_PREREAD);
	bus_dmamap_sync(t, map, 0, 10000, BUS_DMASYNC_POSTREAD);
	bus_dmamap_unload(t, map);
	/* two segments are not enough */
	bus_dmamap_destroy(t, map);
	KT_CHECK(bus_dmamap_create(t, 4 * 4096, 2, 65536, 0, 0, &map) == 0);
	KT_CHECK(bus_dmamap_load(t, map, (void *)va, 10000, 0) == EFBIG);
	bus_dmamap_destroy(t, map);
	free(buf);
}

static kmutex_t ih_mtx;
static int ih_calls, ih_ok;

static int
handler(void *arg)
{
	(void)arg;
	mutex_enter(&ih_mtx);	/* adaptive: needs lwp and CPU */
	ih_calls++;
	if (curlwp() != NULL && curcpu() != NULL && proc_pid(curproc()) == 0)
		ih_ok++;
	mutex_exit(&ih_mtx);
	return 1;
}

KT_CASE(intr_handler_runs_scheduled)
{
	struct kintr *ih;

	mutex_init(&ih_mtx, MUTEX_DEFAULT);
	KT_CHECK(kintr_establish(5, handler, NULL, "fake0", &ih) == 0);
	rump_unschedule();		/* the raiser must get a CPU */
	KT_CHECK(fakepci_raise() == 1);
	KT_CHECK(fakepci_raise() == 1);
	rump_schedule();
	KT_CHECK(ih_calls == 2 && ih_ok == 2 && kintr_count(ih) == 2);
	kintr_disestablish(ih);
	rump_unschedule();
	KT_CHECK(fakepci_raise() == 0);
	rump_schedule();
	KT_CHECK(ih_calls == 2);
	mutex_destroy(&ih_mtx);
}
