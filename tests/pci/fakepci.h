/*
 * A fake PCI machine behind the rumpcomp_pci_* hypercalls, for the host
 * tests of drivers/pci: functions with a 256-byte configuration space,
 * per-dword writable masks (so BAR sizing reads back what hardware
 * would), bridges that forward by the bus numbers software programs into
 * them, and a console log that tests search.
 */
#ifndef FAKEPCI_H
#define FAKEPCI_H

#include <stdbool.h>
#include <stdint.h>

#include <rump/rumpcomp_pci.h>

#define FAKE_MAXFN 64

struct fake_fn {
	int ff_parent;		/* bridge index, -1: the root bus */
	unsigned ff_dev, ff_fn;
	uint32_t ff_cfg[64];
	uint32_t ff_wmask[64];	/* writable bits of each dword */
	bool ff_allones;	/* everything past the ID reads all ones */
	int ff_reads;		/* configuration reads, for the tests */
};

extern struct fake_fn fake_fns[FAKE_MAXFN];
extern int fake_nfn;
extern struct rumpcomp_pci_host fake_host;
extern bool fake_have_host;
extern char fake_log[1 << 16];
extern uint32_t fake_msix_table[64];

void fake_reset(bool assign);
/* A function; returns its index. parent -1 for the root bus. */
int fake_add(int parent, unsigned dev, unsigned fn, uint16_t vendor,
    uint16_t device, uint32_t class, unsigned hdrtype);
/* A BAR: its writable address mask (size) and read-only type bits. */
void fake_bar(int f, int reg, uint32_t addrmask, uint32_t type,
    uint32_t addr);
void fake_bar64(int f, int reg, uint64_t size, uint32_t type, uint64_t addr);
/* A capability at off with the given next pointer. */
void fake_cap(int f, unsigned off, uint8_t id, unsigned next, uint16_t ctl);
void fake_window(unsigned flags, unsigned long bus, unsigned long cpu,
    unsigned long size);
bool fake_logged(const char *s);
void fake_log_clear(void);
uint32_t fake_reg(int f, unsigned reg);

#endif
