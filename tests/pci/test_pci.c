/*
 * Host tests of the PCI bus driver (drivers/pci) over the fake machine
 * of fakepci.c, inside a rump kernel (sys/kern over hypercall-posix):
 * enumeration through bridges, bus numbering (firmware's and ours), BAR
 * sizing and assignment, capabilities, MSI / MSI-X, and the bad inputs
 * the issue lists: a function reading all ones, BARs sizing to zero or
 * past the address space, a looping capability list, overlapping
 * bridges. Then autoconf: pci0 at mainbus, ppb for bridges, drivers
 * that are cfdrivers with an ID table, "not configured" for the rest,
 * decoding turned on only for matched functions, quiet.
 *
 * The rump kernel boots once, with no host bridge (so no pci0); a test
 * that wants the bus attaches it with attach_bus() after building its
 * machine, and begin() detaches it again. The test drivers match only
 * while drivers_on is set. Prints "ok NAME" / "FAIL NAME: why" per
 * case and "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include <kern/device.h>
#include <kern/klog.h>
#include <kern/rump.h>
#include <pci/pci.h>

#include "fakepci.h"

static int passed, failed;
static const char *cur;
static int cur_failed;

#define CHECK(cond)                                                     \
	do {                                                            \
		if (!(cond)) {                                          \
			printf("FAIL %s: line %d: %s\n", cur, __LINE__, \
			    #cond);                                     \
			cur_failed = 1;                                 \
		}                                                       \
	} while (0)

#define HOSTBR 0x06000000u
#define PPB 0x06040000u
#define ETH 0x02000003u
#define MEM_PF (PCI_BAR_MEM_PREFETCH)

static bool drivers_on;

static void
begin(const char *name, bool assign)
{
	device_t pci0 = device_find_by_xname("pci0");

	cur = name;
	cur_failed = 0;
	drivers_on = false;
	if (pci0 != NULL && config_detach(pci0, DETACH_QUIET) != 0)
		printf("FAIL %s: cannot detach pci0\n", name);
	fake_reset(assign);
	pci_scan_reset();
}

/* What the kernel does at boot, on the machine built so far. */
static device_t
attach_bus(void)
{
	return config_found(device_find_by_xname("mainbus0"), NULL, NULL);
}

/* s logged before t (both logged). */
static bool
logged_before(const char *s, const char *t)
{
	const char *a = strstr(fake_log, s), *b = strstr(fake_log, t);

	return a != NULL && b != NULL && a < b;
}

static void
end(void)
{
	if (cur_failed) {
		failed++;
		printf("--- log of %s:\n%s---\n", cur, fake_log);
	} else {
		passed++;
		printf("ok %s\n", cur);
	}
}

/* An e1000-like function: 128K memory BAR, 64-byte I/O BAR, INTA. */
static int
add_nic(int parent, unsigned dev, uint32_t mem, uint32_t io)
{
	int f = fake_add(parent, dev, 0, 0x8086, 0x100e, ETH, 0);

	fake_bar(f, 0, 0xfffe0000u, 0, mem);
	fake_bar(f, 1, 0xffffffc0u, PCI_BAR_IO, io);
	fake_fns[f].ff_cfg[15] = 1u << 8 | 11;
	return f;
}

static void
virt_windows(void)
{
	fake_window(RUMPCOMP_PCI_WIN_IO, 0, 0x3eff0000ul, 0x10000);
	fake_window(RUMPCOMP_PCI_WIN_MEM, 0x10000000ul, 0x10000000ul,
	    0x2eff0000ul);
	fake_window(RUMPCOMP_PCI_WIN_MEM | RUMPCOMP_PCI_WIN_64,
	    0x8000000000ul, 0x8000000000ul, 0x8000000000ul);
}

static void
test_firmware_root(void)
{
	begin("firmware_root_bus", false);
	fake_add(-1, 0, 0, 0x8086, 0x1237, HOSTBR, 0);
	add_nic(-1, 3, 0xfebc0000u, 0xc000);
	CHECK(pci_scan() == 0);
	CHECK(pci_nfuncs() == 2);
	pci_list();
	CHECK(fake_logged("pci 00:03.0 8086:100e rev 03 class 02:00:00 "
	    "ethernet, INTA irq 3: e1000 (82540EM)\n"));
	CHECK(fake_logged("pci 00:03.0   bar0 mem32 0xfebc0000 size 128K"));
	CHECK(fake_logged("pci 00:03.0   bar1 io 0xc000 size 64\n"));
	/* Sizing restored the BARs and left decoding alone. */
	CHECK(fake_reg(1, PCI_BAR(0)) == 0xfebc0000u);
	CHECK(fake_reg(1, PCI_BAR(1)) == (0xc000u | PCI_BAR_IO));
	CHECK((fake_reg(1, PCI_COMMAND_STATUS_REG) & 7) == 0);
	end();
}

static void
test_multifunction(void)
{
	int f;

	begin("multifunction", false);
	f = fake_add(-1, 1, 0, 0x8086, 0x7000, 0x06010000, 0);
	fake_fns[f].ff_cfg[PCI_BHLC_REG / 4] |= 0x800000;
	fake_add(-1, 1, 1, 0x8086, 0x7010, 0x01018000, 0);
	fake_add(-1, 1, 3, 0x8086, 0x7113, 0x06800000, 0);
	fake_add(-1, 2, 5, 0x1234, 0x5678, ETH, 0);	/* no fn 0: absent */
	CHECK(pci_scan() == 0);
	CHECK(pci_nfuncs() == 3);
	CHECK(pci_find(0, 1, 3) != NULL);
	CHECK(pci_find(0, 2, 5) == NULL);
	end();
}

/* Bridges on a machine without firmware: numbers, BARs, windows. */
static void
test_assign_bridges(void)
{
	int b1, b2, n0, n1, n2, v;
	struct pci_dev *pd;

	begin("assign_nested_bridges", true);
	virt_windows();
	fake_add(-1, 0, 0, 0x1b36, 0x0008, HOSTBR, 0);
	n0 = add_nic(-1, 1, 0, 0);
	b1 = fake_add(-1, 2, 0, 0x1b36, 0x0001, PPB, 1);
	n1 = add_nic(b1, 1, 0, 0);
	b2 = fake_add(b1, 2, 0, 0x1b36, 0x000c, PPB, 1);
	n2 = add_nic(b2, 0, 0, 0);
	v = fake_add(b2, 1, 0, 0x1af4, 0x1041, ETH, 0);
	fake_bar64(v, 4, 0x4000, MEM_PF, 0);
	CHECK(pci_scan() == 0);
	CHECK(pci_nfuncs() == 7);
	CHECK(fake_reg(b1, PCI_PPB_BUS_REG) == 0x020100);
	CHECK(fake_reg(b2, PCI_PPB_BUS_REG) == 0x020201);
	CHECK(fake_reg(n0, PCI_BAR(0)) == 0x10000000u);
	CHECK(fake_reg(n0, PCI_BAR(1)) == (0x1000u | PCI_BAR_IO));
	/* Behind the bridges: inside their windows. */
	pd = pci_find(1, 1, 0);
	CHECK(pd != NULL && pd->pd_bar[0].pb_assigned);
	CHECK(pd != NULL && pd->pd_bar[1].pb_cpu == 0x3eff0000ul +
	    pd->pd_bar[1].pb_bus);
	CHECK((fake_reg(n1, PCI_BAR(0)) & 0xfff00000u) == 0x10100000u);
	CHECK((fake_reg(n2, PCI_BAR(0)) & 0xfff00000u) == 0x10200000u);
	CHECK(fake_reg(v, PCI_BAR(5)) == 0x80);	/* 0x80_0000_0000 */
	CHECK((fake_reg(b2, PCI_PPB_PMEM_REG) & 0xfff0) == 0);
	CHECK(fake_reg(b2, PCI_PPB_PMEM_BASE_HI) == 0x80);
	CHECK(fake_reg(b1, PCI_PPB_PMEM_BASE_HI) == 0x80);
	/* The outer bridge's memory window holds the inner one's. */
	CHECK((fake_reg(b1, PCI_PPB_MEM_REG) & 0xfff0) == 0x1010);
	CHECK((fake_reg(b1, PCI_PPB_MEM_REG) >> 16) >= 0x1020);
	CHECK((fake_reg(b1, PCI_COMMAND_STATUS_REG) & 7) == 7);
	CHECK((fake_reg(n1, PCI_COMMAND_STATUS_REG) & 7) == 0);
	pci_list();
	CHECK(fake_logged("buses 01-02"));
	CHECK(fake_logged("pci 02:01.0   bar4 mem64 prefetch 0x8000000000 "
	    "size 16K"));
	end();
}

static void
test_firmware_bridges(void)
{
	int b1, b2;

	begin("firmware_bridge_numbers", false);
	b1 = fake_add(-1, 2, 0, 0x1b36, 0x0001, PPB, 1);
	fake_fns[b1].ff_cfg[PCI_PPB_BUS_REG / 4] = 0x050500;
	add_nic(b1, 1, 0xfe800000u, 0xc000);
	b2 = fake_add(-1, 3, 0, 0x1b36, 0x0001, PPB, 1);	/* unnumbered */
	add_nic(b2, 1, 0xfe900000u, 0xd000);
	CHECK(pci_scan() == 0);
	CHECK(pci_find(5, 1, 0) != NULL);
	CHECK(fake_reg(b1, PCI_PPB_BUS_REG) == 0x050500);
	CHECK(fake_reg(b2, PCI_PPB_BUS_REG) == 0x060600);
	CHECK(pci_find(6, 1, 0) != NULL);
	end();
}

static void
test_overlap(void)
{
	int b1, b2, b3;

	begin("overlapping_bridges", false);
	b1 = fake_add(-1, 2, 0, 0x1b36, 0x0001, PPB, 1);
	fake_fns[b1].ff_cfg[PCI_PPB_BUS_REG / 4] = 0x020100;
	add_nic(b1, 1, 0xfe800000u, 0xc000);
	b2 = fake_add(-1, 3, 0, 0x1b36, 0x0001, PPB, 1);
	fake_fns[b2].ff_cfg[PCI_PPB_BUS_REG / 4] = 0x030200;	/* 2 again */
	b3 = fake_add(-1, 4, 0, 0x1b36, 0x0001, PPB, 1);
	fake_fns[b3].ff_cfg[PCI_PPB_BUS_REG / 4] = 0x000000 | 0x0300 | 0x10000;
	add_nic(-1, 5, 0xfea00000u, 0xe000);
	CHECK(pci_scan() == 0);
	CHECK(fake_logged("pci 00:03.0: bridge: bus numbers 02-03 overlap"));
	CHECK(fake_logged("pci 00:04.0: bridge: bus numbers 03-01 overlap"));
	CHECK(pci_find(1, 1, 0) != NULL);
	CHECK(pci_find(0, 5, 0) != NULL);	/* the scan went on */
	pci_list();
	CHECK(fake_logged("pci 00:03.0 1b36:0001 rev 00 class 06:04:00 PCI "
	    "bridge, buses not scanned"));
	end();
}

static void
test_allones(void)
{
	int f;

	begin("function_reads_all_ones", false);
	f = add_nic(-1, 3, 0xfebc0000u, 0xc000);
	fake_fns[f].ff_allones = true;
	add_nic(-1, 4, 0xfebe0000u, 0xc040);
	CHECK(pci_scan() == 0);
	CHECK(fake_logged("pci 00:03.0: 8086:100e: configuration space reads "
	    "all ones; skipped"));
	CHECK(pci_nfuncs() == 1);
	CHECK(pci_find(0, 4, 0) != NULL);
	end();
}

static void
test_bad_bars(void)
{
	struct pci_dev *pd;
	int f;

	begin("bad_bars", false);
	f = fake_add(-1, 3, 0, 0x1234, 0x0001, ETH, 0);
	fake_bar(f, 0, 0, MEM_PF, 0);		/* type bits only */
	fake_bar64(f, 1, 1ull << 44, 0, 0);	/* 16 TiB */
	fake_bar(f, 3, 0xfff00000u, PCI_BAR_IO, 0);	/* 1 MiB of I/O */
	fake_bar(f, 4, 0xffff0000u, 0, 0xfe000000u);	/* fine */
	fake_bar64(f, 5, 0x1000, 0, 0);		/* 64-bit in the last slot */
	CHECK(pci_scan() == 0);
	CHECK(fake_logged("pci 00:03.0: bar0 sizes to zero; skipped"));
	CHECK(fake_logged("pci 00:03.0: bar1 sizes to more than the address "
	    "space; skipped"));
	CHECK(fake_logged("pci 00:03.0: bar3 sizes to more than the I/O "
	    "space; skipped"));
	CHECK(fake_logged("pci 00:03.0: bar5 is 64-bit in the last slot; "
	    "skipped"));
	pd = pci_find(0, 3, 0);
	CHECK(pd != NULL && pd->pd_bar[4].pb_size == 0x10000 &&
	    pd->pd_bar[4].pb_assigned);
	CHECK(pd != NULL && (pd->pd_flags & PCI_DEVF_BADBAR));
	end();
}

static void
test_bar_too_big_for_window(void)
{
	struct pci_dev *pd;
	int f;

	begin("bar_larger_than_window", true);
	fake_window(RUMPCOMP_PCI_WIN_MEM, 0x10000000ul, 0x10000000ul,
	    0x100000ul);
	f = fake_add(-1, 3, 0, 0x1234, 0x0001, ETH, 0);
	fake_bar(f, 0, 0xff000000u, 0, 0);	/* 16 MiB into 1 MiB */
	CHECK(pci_scan() == 0);
	CHECK(fake_logged("bar0 (16777216 bytes) does not fit the host "
	    "windows; left unassigned"));
	pd = pci_find(0, 3, 0);
	CHECK(pd != NULL && !pd->pd_bar[0].pb_assigned);
	end();
}

static void
test_caps(void)
{
	struct pci_dev *pd;
	int f, g;

	begin("capability_list", false);
	f = add_nic(-1, 3, 0xfebc0000u, 0xc000);
	fake_cap(f, 0x40, PCI_CAP_PM, 0x50, 0);
	fake_cap(f, 0x50, PCI_CAP_MSI, 0x40, 0);	/* loops back */
	g = add_nic(-1, 4, 0xfebe0000u, 0xc040);
	fake_cap(g, 0x60, PCI_CAP_PCIE, 0x08, 0);	/* into the header */
	CHECK(pci_scan() == 0);
	CHECK(fake_logged("pci 00:03.0: capability list loops at 0x40; list "
	    "cut"));
	CHECK(fake_logged("pci 00:04.0: capability list points into the "
	    "header at 0x08; list cut"));
	pd = pci_find(0, 3, 0);
	CHECK(pd != NULL && pd->pd_ncap == 2 && pd->pd_msi == 0x50);
	CHECK(pd != NULL && pci_cap_find(pd, PCI_CAP_PM) == 0x40);
	pd = pci_find(0, 4, 0);
	CHECK(pd != NULL && pd->pd_ncap == 1 && pd->pd_pcie == 0x60);
	end();
}

static void
test_long_caps(void)
{
	struct pci_dev *pd;
	int f;

	begin("capability_list_too_long", false);
	f = add_nic(-1, 3, 0xfebc0000u, 0xc000);
	for (unsigned off = 0x40; off < 0x100; off += 4)
		fake_cap(f, off, PCI_CAP_VENDOR, off + 4 < 0x100 ? off + 4 :
		    0x40, 0);
	CHECK(pci_scan() == 0);
	pd = pci_find(0, 3, 0);
	CHECK(pd != NULL && pd->pd_ncap == PCI_CAP_MAX);
	CHECK(fake_logged("capability list loops at 0x40"));
	end();
}

/* ---- Test drivers: cfdrivers at "pci" ---- */

static int attached;
static uint32_t cmd_at_attach;

static const struct pci_id testnic_ids[] = {
	{ 0x8086, 0x100e },
	{ 0, 0 },
};
static const struct pci_id vionic_ids[] = {
	{ 0x1af4, PCI_ID_ANY },
	{ 0, 0 },
};

static int
testnic_match(device_t parent, void *aux)
{
	(void)parent;
	return drivers_on ? pci_match_ids(testnic_ids, aux) : 0;
}

static int
vionic_match(device_t parent, void *aux)
{
	(void)parent;
	return drivers_on ? pci_match_ids(vionic_ids, aux) : 0;
}

static void
nic_attach(device_t parent, device_t self, void *aux)
{
	const struct pci_attach_args *pa = aux;

	(void)parent;
	attached++;
	cmd_at_attach = pci_conf_read(pa->pa_pd, PCI_COMMAND_STATUS_REG);
	aprint_normal(self, "test nic, bar0 size %llu",
	    (unsigned long long)pa->pa_bar[0].pb_size);
}

static int
nic_detach(device_t self, int flags)
{
	(void)self;
	(void)flags;
	return 0;
}

static const struct cfdriver testnic_cd = {
	.cd_name = "testnic",
	.cd_attachto = "pci",
	.cd_match = testnic_match,
	.cd_attach = nic_attach,
	.cd_detach = nic_detach,
};
CFDRIVER_DECLARE(testnic_cd);

static const struct cfdriver vionic_cd = {
	.cd_name = "vionic",
	.cd_attachto = "pci",
	.cd_match = vionic_match,
	.cd_attach = nic_attach,
	.cd_detach = nic_detach,
};
CFDRIVER_DECLARE(vionic_cd);

static void
test_match_ids(void)
{
	struct pci_attach_args pa = { .pa_vendor = 0x8086,
	    .pa_product = 0x100e };
	static const struct pci_id empty[] = { { 0, 0 } };

	begin("pci_match_ids", false);
	CHECK(pci_match_ids(testnic_ids, &pa) == 1);
	CHECK(pci_match_ids(vionic_ids, &pa) == 0);
	CHECK(pci_match_ids(empty, &pa) == 0);
	pa.pa_vendor = 0x1af4;
	pa.pa_product = 0x1234;
	CHECK(pci_match_ids(vionic_ids, &pa) == 1);
	end();
}

static void
test_drivers(void)
{
	device_t nic;
	struct pci_dev *pd;
	int a, b, c;

	begin("driver_match_attach", false);
	drivers_on = true;
	attached = 0;
	fake_add(-1, 0, 0, 0x8086, 0x1237, HOSTBR, 0);
	a = add_nic(-1, 3, 0xfebc0000u, 0xc000);
	b = fake_add(-1, 4, 0, 0x1af4, 0x1041, ETH, 0);
	c = fake_add(-1, 5, 0, 0x10ec, 0x8139, ETH, 0);
	fake_bar(c, 0, 0xffffff00u, PCI_BAR_IO, 0xc100);
	CHECK(attach_bus() != NULL);
	CHECK(attached == 2);
	CHECK(fake_logged("pci0 at mainbus0\n"));
	CHECK(fake_logged("pci0: fake, buses 00-ff, 4 functions\n"));
	CHECK(fake_logged("testnic0 at pci0 dev 3 function 0\n"));
	CHECK(fake_logged("testnic0: test nic, bar0 size 131072\n"));
	CHECK(fake_logged("vionic0 at pci0 dev 4 function 0\n"));
	CHECK(fake_logged("host bridge 8086:1237 i440FX host bridge at pci0 "
	    "dev 0 function 0 not configured\n"));
	CHECK(fake_logged("ethernet 10ec:8139 rtl8139 at pci0 dev 5 "
	    "function 0 not configured\n"));
	/* The listing, once, before the first attach. */
	CHECK(logged_before("pci 00:03.0 8086:100e rev 03 class 02:00:00 "
	    "ethernet, INTA irq 3: e1000 (82540EM)\n", "testnic0 at pci0"));
	CHECK(logged_before("pci: 4 functions", "testnic0 at pci0"));
	/* Decoding on before attach for the matched, never for the rest. */
	CHECK((cmd_at_attach & 7) == 7);
	CHECK((fake_reg(a, PCI_COMMAND_STATUS_REG) & 7) == 7);
	CHECK((fake_reg(b, PCI_COMMAND_STATUS_REG) & 7) == 7);
	CHECK((fake_reg(c, PCI_COMMAND_STATUS_REG) & 7) == 0);
	CHECK(fake_reg(c, PCI_BAR(0)) == (0xc100u | PCI_BAR_IO));
	nic = device_find_by_xname("testnic0");
	pd = pci_dev_of(nic);
	CHECK(nic != NULL && device_parent(nic) ==
	    device_find_by_xname("pci0"));
	CHECK(pd != NULL && pd->pd_dev == 3 && pd->pd_self == nic &&
	    (pd->pd_flags & PCI_DEVF_ENABLED));
	fake_log_clear();
	pci_list();
	CHECK(fake_logged("ethernet, INTA irq 3: testnic0\n"));
	CHECK(fake_logged("class 02:00:00 ethernet: rtl8139\n"));
	end();
}

static void
test_detach_reattach(void)
{
	struct pci_dev *pd;

	begin("detach_and_reattach", false);
	drivers_on = true;
	add_nic(-1, 3, 0xfebc0000u, 0xc000);
	CHECK(attach_bus() != NULL);
	pd = pci_find(0, 3, 0);
	CHECK(pd != NULL && pd->pd_self != NULL);
	CHECK(config_detach(device_find_by_xname("pci0"), 0) == 0);
	CHECK(fake_logged("testnic0 detached"));
	CHECK(pd != NULL && pd->pd_self == NULL);
	CHECK(device_find_by_xname("testnic0") == NULL);
	CHECK(attach_bus() != NULL);	/* the scan is kept, not redone */
	CHECK(pci_find(0, 3, 0) == pd);
	CHECK(pd != NULL && pd->pd_self == device_find_by_xname("testnic0"));
	end();
}

static void
test_bridges_attach(void)
{
	int b1, b2;
	device_t ppb0;

	begin("bridges_attach_as_ppb", false);
	drivers_on = true;
	b1 = fake_add(-1, 2, 0, 0x1b36, 0x0001, PPB, 1);
	fake_fns[b1].ff_cfg[PCI_PPB_BUS_REG / 4] = 0x050500;
	add_nic(b1, 1, 0xfe800000u, 0xc000);
	b2 = fake_add(-1, 3, 0, 0x1b36, 0x0001, PPB, 1);
	fake_fns[b2].ff_cfg[PCI_PPB_BUS_REG / 4] = 0x050500;	/* overlaps */
	add_nic(b2, 1, 0xfe900000u, 0xd000);
	add_nic(-1, 4, 0xfea00000u, 0xe000);
	CHECK(attach_bus() != NULL);
	CHECK(fake_logged("ppb0 at pci0 dev 2 function 0\n"));
	CHECK(fake_logged("ppb0: PCI bridge, buses 05-05\n"));
	CHECK(fake_logged("testnic0 at ppb0 dev 1 function 0\n"));
	CHECK(fake_logged("ppb1 at pci0 dev 3 function 0\n"));
	CHECK(fake_logged("ppb1: PCI bridge, buses not scanned"));
	CHECK(fake_logged("testnic1 at pci0 dev 4 function 0\n"));
	ppb0 = device_find_by_xname("ppb0");
	CHECK(ppb0 != NULL && device_parent(device_find_by_xname("testnic0"))
	    == ppb0);
	end();
}

static void
test_unassigned_not_offered(void)
{
	begin("unassigned_bar_not_offered", false);
	drivers_on = true;
	attached = 0;
	add_nic(-1, 3, 0, 0);	/* firmware assigned nothing */
	CHECK(attach_bus() != NULL);
	CHECK(attached == 0);
	CHECK(fake_logged("pci 00:03.0: bar0 has no address; not given to "
	    "testnic"));
	CHECK(fake_logged("pci 00:03.0   bar0 mem32 unassigned size 128K"));
	CHECK(fake_logged("ethernet 8086:100e e1000 (82540EM) at pci0 dev 3 "
	    "function 0 not configured"));
	CHECK((fake_reg(0, PCI_COMMAND_STATUS_REG) & 7) == 0);
	end();
}

static void
test_quiet(void)
{
	static char ring[KLOG_RINGSIZE + 1];
	int f, old = klog_getconslevel();

	begin("quiet_keeps_warnings", false);
	drivers_on = true;
	add_nic(-1, 3, 0xfebc0000u, 0xc000);
	f = fake_add(-1, 4, 0, 0x1234, 0x0001, ETH, 0);
	fake_bar(f, 0, 0, MEM_PF, 0);		/* sizes to zero */
	klog_setconslevel(LOG_WARNING);
	CHECK(attach_bus() != NULL);
	klog_setconslevel(old);
	CHECK(fake_logged("pci 00:04.0: bar0 sizes to zero; skipped"));
	CHECK(!fake_logged("pci 00:03.0 8086:100e"));
	CHECK(!fake_logged("testnic0 at pci0"));
	CHECK(!fake_logged("not configured"));
	klog_dmesg(ring, sizeof(ring));
	CHECK(strstr(ring, "pci 00:03.0 8086:100e") != NULL);
	CHECK(strstr(ring, "testnic0 at pci0 dev 3 function 0") != NULL);
	end();
}

static int
handler(void *arg)
{
	(void)arg;
	return 1;
}

static void
test_msi(void)
{
	struct pci_dev *pd;
	int f, g, line = -1;

	begin("msi_and_msix", false);
	f = add_nic(-1, 3, 0xfebc0000u, 0xc000);
	fake_cap(f, 0x50, PCI_CAP_MSI, 0, PCI_MSI_CTL_64BIT | 0x2);
	g = add_nic(-1, 4, 0xfebe0000u, 0xc040);
	fake_bar(g, 3, 0xffffc000u, 0, 0xfea00000u);
	fake_cap(g, 0x70, PCI_CAP_MSIX, 0, 4);	/* 5 vectors */
	fake_fns[g].ff_cfg[0x74 / 4] = 3;	/* table: BAR3 + 0 */
	fake_fns[g].ff_wmask[0x74 / 4] = 0;
	CHECK(pci_scan() == 0);
	pd = pci_find(0, 3, 0);
	CHECK(pd != NULL && pci_msi_establish(pd, handler, NULL, &line) == 0);
	CHECK(line >= 50);
	CHECK(fake_reg(f, 0x54) == 0xfee00000u && fake_reg(f, 0x58) == 0);
	CHECK((fake_reg(f, 0x5c) & 0xffff) >= 0x40);
	CHECK(PCI_MSI_CTL(fake_reg(f, 0x50)) & PCI_MSI_CTL_ENABLE);
	CHECK((PCI_MSI_CTL(fake_reg(f, 0x50)) & PCI_MSI_CTL_MME_MASK) == 0);
	CHECK(fake_reg(f, PCI_COMMAND_STATUS_REG) & PCI_CMD_INTX_DISABLE);
	pd = pci_find(0, 4, 0);
	CHECK(pd != NULL && pci_msi_establish(pd, handler, NULL, NULL) != 0);
	fake_msix_table[4 * 2 + 3] = 1;		/* vector 2 masked */
	CHECK(pd != NULL && pci_msix_establish(pd, 5, handler, NULL, NULL) !=
	    0);
	CHECK(pd != NULL && pci_msix_establish(pd, 2, handler, NULL, &line) ==
	    0);
	CHECK(fake_msix_table[4 * 2] == 0xfee00000u);
	CHECK(fake_msix_table[4 * 2 + 3] == 0);
	CHECK(PCI_MSIX_CTL(fake_reg(g, 0x70)) & PCI_MSIX_CTL_ENABLE);
	end();
}

static void
test_intx(void)
{
	struct pci_dev *pd;
	int f;

	begin("intx", false);
	add_nic(-1, 3, 0xfebc0000u, 0xc000);
	f = fake_add(-1, 4, 0, 0x1234, 0x0001, ETH, 0);	/* no pin */
	(void)f;
	CHECK(pci_scan() == 0);
	pd = pci_find(0, 3, 0);
	CHECK(pd != NULL && pd->pd_irq == 3 && pd->pd_pin == 1);
	CHECK(pd != NULL && pci_intr_establish(pd, handler, NULL) == 0);
	pd = pci_find(0, 4, 0);
	CHECK(pd != NULL && pd->pd_irq == -1);
	CHECK(pd != NULL && pci_intr_establish(pd, handler, NULL) != 0);
	end();
}

static void
test_no_host(void)
{
	begin("no_host_bridge", false);
	fake_have_host = false;
	CHECK(attach_bus() == NULL);
	CHECK(device_find_by_xname("pci0") == NULL);
	CHECK(pci_scan() != 0);
	pci_list();
	CHECK(fake_logged("pci: no PCI host bridge"));
	end();
}

static void
test_bad_host(void)
{
	begin("host_with_bad_bus_range", false);
	fake_host.ph_busmin = 9;
	fake_host.ph_busmax = 3;
	CHECK(pci_scan() != 0);
	CHECK(fake_logged("pci: host bridge reports buses 09-03; not "
	    "scanned"));
	fake_log_clear();
	pci_list();
	CHECK(fake_logged("pci: no PCI host bridge"));
	end();
}

static void
test_scan_once(void)
{
	int reads;

	begin("scan_once", false);
	add_nic(-1, 3, 0xfebc0000u, 0xc000);
	CHECK(pci_scan() == 0);
	reads = fake_fns[0].ff_reads;
	CHECK(pci_scan() == 0);
	CHECK(fake_fns[0].ff_reads == reads);
	end();
}

static void
test_many_functions(void)
{
	int b = -1;

	begin("full_root_bus", true);
	virt_windows();
	/* Every slot of the root bus taken: 9 unnumbered bridges, 23 devices. */
	for (unsigned i = 0; i < 9 && fake_nfn < FAKE_MAXFN - 1; i++)
		b = fake_add(-1, i, 0, 0x1b36, 0x0001, PPB, 1);
	(void)b;
	for (unsigned d = 9; d < 32 && fake_nfn < FAKE_MAXFN; d++)
		fake_add(-1, d, 0, 0x1234, 0x0001, ETH, 0);
	CHECK(pci_scan() == 0);
	CHECK(pci_nfuncs() == fake_nfn);
	end();
}

int
main(void)
{
	int rv;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if ((rv = rump_init()) != 0) {
		printf("rump_init: error %d\n0 passed, 1 failed\n", rv);
		return 1;
	}
	rump_schedule();
	test_firmware_root();
	test_multifunction();
	test_assign_bridges();
	test_firmware_bridges();
	test_overlap();
	test_allones();
	test_bad_bars();
	test_bar_too_big_for_window();
	test_caps();
	test_long_caps();
	test_match_ids();
	test_drivers();
	test_detach_reattach();
	test_bridges_attach();
	test_unassigned_not_offered();
	test_quiet();
	test_msi();
	test_intx();
	test_no_host();
	test_bad_host();
	test_scan_once();
	test_many_functions();
	begin("teardown", false);
	rump_unschedule();
	printf("%d passed, %d failed\n", passed, failed);
	return failed != 0;
}
