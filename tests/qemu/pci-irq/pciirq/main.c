/*
 * PCI interrupt test (a test driver, not a real one): the cfdriver
 * "irqtest" (an ID table for the Intel 82540EM (e1000) and 82574L
 * (e1000e), match and attach) attaches at "pci" during the kernel's
 * autoconfiguration, before main; main then makes every attached
 * function interrupt itself through its Interrupt Cause Set register
 * (8254x / 82574 manuals: ICR 0xc0, ICS 0xc8, IMS 0xd0, IMC 0xd8; the
 * 82574's IVAR 0xe4 routes "other" causes, link status change among
 * them, to an MSI-X vector, and its IMS needs the OTHER bit for them).
 *
 *	e1000		legacy INTx
 *	first e1000e	MSI
 *	second e1000e	MSI-X, vector 0
 *
 * Prints one line per function and "pciirq: PASS" or "pciirq: FAIL";
 * exits 0 or 1. Where the machine has no MSI (EOPNOTSUPP: aarch64 with
 * GICv3), the MSI cases print "not supported" and do not fail.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <kern/device.h>
#include <kern/klog.h>
#include <pci/pci.h>

#define REG_ICR 0xc0
#define REG_ICS 0xc8
#define REG_IMS 0xd0
#define REG_IMC 0xd8
#define REG_IVAR 0xe4
#define ICR_LSC 0x4
#define ICR_OTHER 0x01000000u	/* 82574: MSI-X "other" causes */
#define IVAR_OTHER_VEC0 0x00080000u	/* valid, vector 0 */
#define MAXT 8

enum mode { M_INTX, M_MSI, M_MSIX };

struct target {
	struct pci_dev *t_pd;
	volatile uint32_t *t_regs;
	enum mode t_mode;
	volatile unsigned t_count;
	int t_line;
};
static struct target targets[MAXT];
static int ntargets, ne1000e;
static const char *const modename[] = { "intx", "msi", "msix" };

static const struct pci_id irqtest_ids[] = {
	{ 0x8086, 0x100e },
	{ 0x8086, 0x10d3 },
	{ 0, 0 },
};

/*
 * The real driver (wm, priority 1) matches the same functions; this
 * test driver must own them here, so it bids higher.
 */
#define IRQTEST_PRIORITY 10

static int
irqtest_match(device_t parent, void *aux)
{
	(void)parent;
	return pci_match_ids(irqtest_ids, aux) ? IRQTEST_PRIORITY : 0;
}

/* Runs at boot, in the kernel, with decoding and bus mastering on. */
static void
irqtest_attach(device_t parent, device_t self, void *aux)
{
	struct pci_dev *pd = ((struct pci_attach_args *)aux)->pa_pd;
	struct target *t;

	(void)parent;
	if (ntargets == MAXT) {
		aprint_error(self, "too many functions");
		return;
	}
	t = &targets[ntargets];
	if ((t->t_regs = pci_bar_map(pd, 0)) == NULL) {
		aprint_error(self, "cannot map bar0");
		return;
	}
	t->t_pd = pd;
	t->t_mode = M_INTX;
	if (pd->pd_device == 0x10d3)
		t->t_mode = ne1000e++ == 0 ? M_MSI : M_MSIX;
	t->t_regs[REG_IMC / 4] = 0xffffffffu;
	(void)t->t_regs[REG_ICR / 4];
	ntargets++;
	aprint_normal(self, "test target, %s", modename[t->t_mode]);
}

static const struct cfdriver irqtest_cd = {
	.cd_name = "irqtest",
	.cd_attachto = "pci",
	.cd_match = irqtest_match,
	.cd_attach = irqtest_attach,
};
CFDRIVER_DECLARE(irqtest_cd);

static int
handler(void *arg)
{
	struct target *t = arg;
	uint32_t icr = t->t_regs[REG_ICR / 4];	/* reading clears */

	if (icr == 0 && t->t_mode == M_INTX)
		return 0;
	t->t_count++;
	return 1;
}

static int
establish(struct target *t)
{
	t->t_line = t->t_pd->pd_irq;
	switch (t->t_mode) {
	case M_INTX:
		return pci_intr_establish(t->t_pd, handler, t);
	case M_MSI:
		return pci_msi_establish(t->t_pd, handler, t, &t->t_line);
	case M_MSIX:
		t->t_regs[REG_IVAR / 4] = IVAR_OTHER_VEC0;
		return pci_msix_establish(t->t_pd, 0, handler, t, &t->t_line);
	}
	return EINVAL;
}

/* 0 pass, 1 fail, 2 not supported. */
static int
run(struct target *t)
{
	const struct pci_dev *pd = t->t_pd;
	int rv = establish(t);

	if (rv == EOPNOTSUPP && t->t_mode != M_INTX) {
		printf("pciirq: %02x:%02x.%x %s: not supported on this "
		    "machine\n", pd->pd_bus, pd->pd_dev, pd->pd_fn,
		    modename[t->t_mode]);
		return 2;
	}
	if (rv != 0) {
		printf("pciirq: %02x:%02x.%x %s: establish failed (error %d)\n",
		    pd->pd_bus, pd->pd_dev, pd->pd_fn, modename[t->t_mode], rv);
		return 1;
	}
	t->t_regs[REG_IMS / 4] = ICR_LSC |
	    (pd->pd_device == 0x10d3 ? ICR_OTHER : 0);
	t->t_regs[REG_ICS / 4] = ICR_LSC;
	for (int i = 0; i < 200 && t->t_count == 0; i++)
		usleep(5000);
	t->t_regs[REG_IMC / 4] = 0xffffffffu;
	printf("pciirq: %02x:%02x.%x %s line %d: %u interrupt(s)\n",
	    pd->pd_bus, pd->pd_dev, pd->pd_fn, modename[t->t_mode], t->t_line,
	    t->t_count);
	return t->t_count > 0 ? 0 : 1;
}

int
main(void)
{
	int failed = 0;

	if (pci_nfuncs() == 0) {
		printf("pciirq: FAIL (no PCI)\n");
		return 1;
	}
	for (int i = 0; i < ntargets; i++)
		if (run(&targets[i]) == 1)
			failed++;
	if (ntargets == 0)
		failed++;
	printf("pciirq: %s\n", failed ? "FAIL" : "PASS");
	return failed ? 1 : 0;
}
