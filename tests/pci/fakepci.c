/*
 * The fake PCI machine (fakepci.h): rumpcomp_pci_* and the console
 * (rumpuser_dprintf, rumpuser_putchar: into fake_log) for drivers/pci
 * on the host, in place of hypercall-posix's pci.c and console.c. DMA
 * memory is plain heap memory (no test here does DMA).
 *
 * A function is reachable at bus B when every bridge above it forwards
 * B: its parent bridge's secondary bus is B, and each ancestor's
 * [secondary, subordinate] holds B. INTx lines are made up: (dev + pin)
 * % 4 + 3 for functions on the root bus, the parent's line otherwise.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pci/pcireg.h>
#include <rump/rumpuser.h>

#include "fakepci.h"

struct fake_fn fake_fns[FAKE_MAXFN];
int fake_nfn;
struct rumpcomp_pci_host fake_host;
bool fake_have_host;
char fake_log[1 << 16];
static size_t fake_loglen;
uint32_t fake_msix_table[64];

struct cookie {
	unsigned c_cookie;
	int c_line;
};
static struct cookie cookies[512];
static int ncookies;

void
fake_reset(bool assign)
{
	memset(fake_fns, 0, sizeof(fake_fns));
	fake_nfn = 0;
	memset(&fake_host, 0, sizeof(fake_host));
	fake_host.ph_busmax = 255;
	fake_host.ph_assign = assign;
	fake_host.ph_conf_size = 256;
	snprintf(fake_host.ph_desc, sizeof(fake_host.ph_desc), "fake");
	fake_have_host = true;
	fake_log_clear();
	ncookies = 0;
	memset(fake_msix_table, 0, sizeof(fake_msix_table));
}

void
fake_window(unsigned flags, unsigned long bus, unsigned long cpu,
    unsigned long size)
{
	struct rumpcomp_pci_window *w = &fake_host.ph_win[fake_host.ph_nwin++];

	w->pw_flags = flags;
	w->pw_bus = bus;
	w->pw_cpu = cpu;
	w->pw_size = size;
}

int
fake_add(int parent, unsigned dev, unsigned fn, uint16_t vendor,
    uint16_t device, uint32_t class, unsigned hdrtype)
{
	struct fake_fn *f = &fake_fns[fake_nfn];

	f->ff_parent = parent;
	f->ff_dev = dev;
	f->ff_fn = fn;
	f->ff_cfg[0] = (uint32_t)device << 16 | vendor;
	f->ff_cfg[PCI_CLASS_REG / 4] = class;
	f->ff_cfg[PCI_BHLC_REG / 4] = hdrtype << 16;
	f->ff_wmask[PCI_COMMAND_STATUS_REG / 4] = 0xffff;
	f->ff_wmask[PCI_INTERRUPT_REG / 4] = 0xff;
	if (hdrtype == PCI_HDRTYPE_PPB) {
		f->ff_wmask[PCI_PPB_BUS_REG / 4] = 0x00ffffff;
		f->ff_wmask[PCI_PPB_IO_REG / 4] = 0xf0f0;
		f->ff_cfg[PCI_PPB_IO_REG / 4] = 0x0101;	/* 32-bit I/O */
		f->ff_wmask[PCI_PPB_MEM_REG / 4] = 0xfff0fff0;
		f->ff_wmask[PCI_PPB_PMEM_REG / 4] = 0xfff0fff0;
		f->ff_cfg[PCI_PPB_PMEM_REG / 4] = 0x00010001;	/* 64-bit */
		f->ff_wmask[PCI_PPB_PMEM_BASE_HI / 4] = 0xffffffff;
		f->ff_wmask[PCI_PPB_PMEM_LIMIT_HI / 4] = 0xffffffff;
		f->ff_wmask[PCI_PPB_IO_HI_REG / 4] = 0xffffffff;
	}
	return fake_nfn++;
}

void
fake_bar(int f, int reg, uint32_t addrmask, uint32_t type, uint32_t addr)
{
	fake_fns[f].ff_wmask[PCI_BAR(reg) / 4] = addrmask;
	fake_fns[f].ff_cfg[PCI_BAR(reg) / 4] = type | (addr & addrmask);
}

void
fake_bar64(int f, int reg, uint64_t size, uint32_t type, uint64_t addr)
{
	uint64_t mask = ~(size - 1);

	fake_bar(f, reg, (uint32_t)mask & 0xfffffff0u, type |
	    PCI_BAR_MEM_64 << 1, (uint32_t)addr);
	fake_fns[f].ff_wmask[PCI_BAR(reg + 1) / 4] = (uint32_t)(mask >> 32);
	fake_fns[f].ff_cfg[PCI_BAR(reg + 1) / 4] = (uint32_t)(addr >> 32);
}

void
fake_cap(int f, unsigned off, uint8_t id, unsigned next, uint16_t ctl)
{
	fake_fns[f].ff_cfg[PCI_COMMAND_STATUS_REG / 4] |= PCI_STATUS_CAPLIST;
	if (fake_fns[f].ff_cfg[PCI_CAPPTR_REG / 4] == 0)
		fake_fns[f].ff_cfg[PCI_CAPPTR_REG / 4] = off;
	fake_fns[f].ff_cfg[off / 4] = (uint32_t)ctl << 16 | next << 8 | id;
	fake_fns[f].ff_wmask[off / 4] = 0xffff0000u;
	for (unsigned i = 1; i < 5 && off / 4 + i < 64; i++)
		fake_fns[f].ff_wmask[off / 4 + i] = 0xffffffffu;
}

uint32_t
fake_reg(int f, unsigned reg)
{
	return fake_fns[f].ff_cfg[reg / 4];
}

void
fake_log_clear(void)
{
	fake_log[0] = '\0';
	fake_loglen = 0;
}

bool
fake_logged(const char *s)
{
	return strstr(fake_log, s) != NULL;
}

static unsigned
sec(const struct fake_fn *f)
{
	return PCI_PPB_SECONDARY(f->ff_cfg[PCI_PPB_BUS_REG / 4]);
}

static unsigned
sub(const struct fake_fn *f)
{
	return PCI_PPB_SUBORDINATE(f->ff_cfg[PCI_PPB_BUS_REG / 4]);
}

static unsigned
bus_of(int i)
{
	int p = fake_fns[i].ff_parent;

	return p < 0 ? 0 : sec(&fake_fns[p]);
}

/* Every bridge above i forwards i's bus, and is visible itself. */
static bool
visible(int i)
{
	unsigned bus = bus_of(i);
	int n = 0;

	for (int p = fake_fns[i].ff_parent; p >= 0 && n < 64;
	    p = fake_fns[p].ff_parent, n++) {
		const struct fake_fn *b = &fake_fns[p];
		if (sec(b) == 0 || sec(b) <= bus_of(p) || bus < sec(b) ||
		    bus > sub(b))
			return false;
	}
	return n < 64;
}

static bool
reachable(int i, unsigned bus)
{
	return bus_of(i) == bus && visible(i);
}

static struct fake_fn *
lookup(unsigned bus, unsigned dev, unsigned fn)
{
	for (int i = 0; i < fake_nfn; i++)
		if (fake_fns[i].ff_dev == dev && fake_fns[i].ff_fn == fn &&
		    reachable(i, bus))
			return &fake_fns[i];
	return NULL;
}

int
rumpcomp_pci_confread(unsigned bus, unsigned dev, unsigned fun, int reg,
    unsigned int *value)
{
	struct fake_fn *f = lookup(bus, dev, fun);

	*value = 0xffffffffu;
	if (reg < 0 || reg >= 256 || (reg & 3) != 0)
		return EINVAL;
	if (f == NULL)
		return 0;
	f->ff_reads++;
	if (f->ff_allones && reg != 0)
		return 0;
	*value = f->ff_cfg[reg / 4];
	return 0;
}

int
rumpcomp_pci_confwrite(unsigned bus, unsigned dev, unsigned fun, int reg,
    unsigned int value)
{
	struct fake_fn *f = lookup(bus, dev, fun);
	uint32_t m;

	if (reg < 0 || reg >= 256 || (reg & 3) != 0)
		return EINVAL;
	if (f == NULL)
		return 0;
	m = f->ff_wmask[reg / 4];
	f->ff_cfg[reg / 4] = (f->ff_cfg[reg / 4] & ~m) | (value & m);
	return 0;
}

int
rumpcomp_pci_host_info(struct rumpcomp_pci_host *host)
{
	if (!fake_have_host)
		return ENODEV;
	*host = fake_host;
	return 0;
}

static int
fake_line(unsigned bus, unsigned dev, unsigned fun)
{
	struct fake_fn *f = lookup(bus, dev, fun);
	unsigned pin = f != NULL ? PCI_INTR_PIN(f->ff_cfg[15]) : 0;

	if (f == NULL || pin == 0)
		return -1;
	return (int)((dev + pin) % 4 + 3 + bus * 10);
}

static int
cookie_bind(unsigned cookie, int line)
{
	for (int i = 0; i < ncookies; i++)
		if (cookies[i].c_cookie == cookie) {
			cookies[i].c_line = line;
			return 0;
		}
	if (ncookies == (int)(sizeof(cookies) / sizeof(cookies[0])))
		return ENOSPC;
	cookies[ncookies].c_cookie = cookie;
	cookies[ncookies++].c_line = line;
	return 0;
}

int
rumpcomp_pci_irq_map(unsigned bus, unsigned dev, unsigned fun, int intrline,
    unsigned cookie)
{
	int line = fake_line(bus, dev, fun);

	(void)intrline;
	if (line < 0)
		return ENODEV;
	return cookie_bind(cookie, line);
}

int
rumpcomp_pci_irq_line(unsigned cookie, int *linep)
{
	for (int i = 0; i < ncookies; i++)
		if (cookies[i].c_cookie == cookie) {
			*linep = cookies[i].c_line;
			return 0;
		}
	return ENOENT;
}

void *
rumpcomp_pci_irq_establish(unsigned cookie, int (*handler)(void *),
    void *data)
{
	int line;

	(void)data;
	if (handler == NULL || rumpcomp_pci_irq_line(cookie, &line) != 0)
		return NULL;
	return &cookies[0];
}

int
rumpcomp_pci_msi_map(unsigned bus, unsigned dev, unsigned fun,
    unsigned cookie, unsigned long *addrp, unsigned int *datap)
{
	(void)bus;
	(void)dev;
	(void)fun;
	*addrp = 0xfee00000ul;
	*datap = 0x40 + (cookie & 0xf);
	return cookie_bind(cookie, 50 + (int)(cookie & 0xf));
}

/* Every BAR maps onto one buffer: enough for the MSI-X table tests. */
void *
rumpcomp_pci_map(unsigned long addr, unsigned long len)
{
	(void)addr;
	if (len > sizeof(fake_msix_table))
		return NULL;
	return fake_msix_table;
}

void
rumpuser_dprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(fake_log + fake_loglen, sizeof(fake_log) - fake_loglen,
	    fmt, ap);
	va_end(ap);
	if (n > 0 && fake_loglen + (size_t)n < sizeof(fake_log))
		fake_loglen += (size_t)n;
}

void
rumpuser_putchar(int ch)
{
	char c[2] = { (char)ch, '\0' };

	rumpuser_dprintf("%s", c);
}

int
rumpcomp_pci_iospace_init(void)
{
	return 0;
}

int
rumpcomp_pci_dmalloc(size_t size, size_t align, unsigned long *pap,
    unsigned long *vap)
{
	void *p;

	if (size == 0 || (align & (align - 1)) != 0)
		return EINVAL;
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (posix_memalign(&p, align, size) != 0)
		return ENOMEM;
	*pap = *vap = (unsigned long)p;
	return 0;
}

void
rumpcomp_pci_dmafree(unsigned long mem, size_t size)
{
	(void)size;
	free((void *)mem);
}

int
rumpcomp_pci_dmamem_map(struct rumpcomp_pci_dmaseg *segs, size_t nseg,
    size_t totlen, void **vap)
{
	if (nseg != 1 || totlen > segs[0].ds_len)
		return EINVAL;
	*vap = (void *)segs[0].ds_vacookie;
	return 0;
}

unsigned long
rumpcomp_pci_virt_to_mach(void *virt)
{
	return (unsigned long)virt;
}
