/*
 * Autoconfiguration: the device tree, driver matching, unit numbers,
 * attach and detach (see kern/device.h for the rules).
 *
 * Drivers come from the linker set kern_cfdrivers: GNU ld defines
 * __start_kern_cfdrivers and __stop_kern_cfdrivers around a section
 * whose name is a C identifier. The built-in mainbus driver below puts
 * one entry there, so the section always exists when this file is
 * linked.
 *
 * Invariants, under cf_mtx (an adaptive mutex, never held while a
 * driver's function runs):
 * - every attached device except the root is on cf_alldevs and on its
 *   parent's child list (dv_children, in attach order);
 * - no two devices of one driver have the same unit.
 * A device is entered (unit reserved) before its driver's attach runs,
 * and removed only after its children are gone and its detach
 * succeeded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include <kern/device.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/kmem.h>
#include <kern/mutex.h>

#include "kern_impl.h"

#define DEVICE_MAGIC 0x64657631U
#define DEVICE_XNAMELEN 16

struct device {
	unsigned dv_magic;
	char dv_xname[DEVICE_XNAMELEN];
	const struct cfdriver *dv_driver;
	int dv_unit;
	struct device *dv_parent;
	struct device *dv_children;	/* first child */
	struct device *dv_sibling;	/* next child of dv_parent */
	struct device *dv_next;		/* cf_alldevs */
	void *dv_private;
};

extern const struct cfdriver *const __start_kern_cfdrivers[]
    __attribute__((__weak__));
extern const struct cfdriver *const __stop_kern_cfdrivers[]
    __attribute__((__weak__));

static kmutex_t cf_mtx;
static struct device *cf_alldevs;

static const struct cfdriver root_cd = {
	.cd_name = "root",
	.cd_busattr = "root",
};
static struct device cf_root = {
	.dv_magic = DEVICE_MAGIC,
	.dv_xname = "root",
	.dv_driver = &root_cd,
};

static int
mainbus_match(device_t parent, void *aux)
{
	(void)parent;
	(void)aux;
	return 1;
}

static void
mainbus_attach(device_t parent, device_t self, void *aux)
{
	(void)parent;
	config_search_all(self, aux);
}

static const struct cfdriver mainbus_cd = {
	.cd_name = "mainbus",
	.cd_attachto = "root",
	.cd_busattr = "mainbus",
	.cd_match = mainbus_match,
	.cd_attach = mainbus_attach,
};
CFDRIVER_DECLARE(mainbus_cd);

static bool
streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && kstrcmp(a, b) == 0;
}

static device_t
checked(device_t dev)
{
	KASSERT(dev != NULL && dev->dv_magic == DEVICE_MAGIC);
	return dev;
}

/* Does driver cd attach to the bus that parent offers? */
static bool
attaches_to(const struct cfdriver *cd, device_t parent)
{
	return streq(cd->cd_attachto, parent->dv_driver->cd_busattr);
}

/* Lowest unit of cd not in use; cf_mtx held. */
static int
free_unit(const struct cfdriver *cd)
{
	int unit = 0;
	bool taken = true;

	while (taken) {
		taken = false;
		for (device_t d = cf_alldevs; d != NULL; d = d->dv_next)
			if (d->dv_driver == cd && d->dv_unit == unit)
				taken = true;
		if (taken)
			unit++;
	}
	return unit;
}

/* Enter dev into the tree under parent with a fresh unit; takes cf_mtx. */
static void
enter_device(device_t parent, device_t dev)
{
	device_t *pp = &parent->dv_children;

	mutex_enter(&cf_mtx);
	dev->dv_unit = free_unit(dev->dv_driver);
	ksnprintf(dev->dv_xname, sizeof(dev->dv_xname), "%s%d",
	    dev->dv_driver->cd_name, dev->dv_unit);
	while (*pp != NULL)
		pp = &(*pp)->dv_sibling;
	*pp = dev;
	dev->dv_next = cf_alldevs;
	cf_alldevs = dev;
	mutex_exit(&cf_mtx);
}

static void
remove_device(device_t dev)
{
	device_t *pp;

	mutex_enter(&cf_mtx);
	for (pp = &dev->dv_parent->dv_children; *pp != dev;
	    pp = &(*pp)->dv_sibling)
		continue;
	*pp = dev->dv_sibling;
	for (pp = &cf_alldevs; *pp != dev; pp = &(*pp)->dv_next)
		continue;
	*pp = dev->dv_next;
	mutex_exit(&cf_mtx);
}

static void
free_device(device_t dev)
{
	size_t sz = dev->dv_driver->cd_softc_size;

	if (sz > 0)
		kmem_free(dev->dv_private, sz);
	dev->dv_magic = 0;
	kmem_free(dev, sizeof(*dev));
}

/* Allocate, name and attach a device of cd under parent. */
device_t
config_attach(device_t parent, const struct cfdriver *cd, void *aux,
    cfprint_t print)
{
	char desc[KLOG_LINEMAX / 2] = "";
	device_t dev;

	checked(parent);
	KASSERT(cd != NULL && attaches_to(cd, parent));
	dev = kmem_zalloc(sizeof(*dev), KM_SLEEP);
	dev->dv_magic = DEVICE_MAGIC;
	dev->dv_driver = cd;
	dev->dv_parent = parent;
	if (cd->cd_softc_size > 0)
		dev->dv_private = kmem_zalloc(cd->cd_softc_size, KM_SLEEP);
	enter_device(parent, dev);
	if (print != NULL)
		print(aux, NULL, desc, sizeof(desc));
	klog(LOG_INFO, "%s at %s%s", dev->dv_xname, parent->dv_xname, desc);
	if (cd->cd_attach != NULL)
		cd->cd_attach(parent, dev, aux);
	return dev;
}

/* Is a better than b (priority, then name)? */
static bool
better(int pa, const struct cfdriver *a, int pb, const struct cfdriver *b)
{
	if (pa != pb)
		return pa > pb;
	return kstrcmp(a->cd_name, b->cd_name) < 0;
}

const struct cfdriver *
config_match(device_t parent, void *aux)
{
	const struct cfdriver *best = NULL;
	int bestpri = 0, pri;

	checked(parent);
	for (const struct cfdriver *const *cdp = __start_kern_cfdrivers;
	    cdp < __stop_kern_cfdrivers; cdp++) {
		if (!attaches_to(*cdp, parent) || (*cdp)->cd_match == NULL)
			continue;
		pri = (*cdp)->cd_match(parent, aux);
		if (pri > 0 && (best == NULL || better(pri, *cdp, bestpri, best))) {
			best = *cdp;
			bestpri = pri;
		}
	}
	return best;
}

void
config_unconfigured(device_t parent, void *aux, cfprint_t print)
{
	char desc[KLOG_LINEMAX / 2] = "";

	checked(parent);
	if (print == NULL)
		return;
	print(aux, parent->dv_xname, desc, sizeof(desc));
	klog(LOG_INFO, "%s not configured", desc);
}

device_t
config_found(device_t parent, void *aux, cfprint_t print)
{
	const struct cfdriver *cd = config_match(parent, aux);

	if (cd != NULL)
		return config_attach(parent, cd, aux, print);
	config_unconfigured(parent, aux, print);
	return NULL;
}

int
config_search_all(device_t parent, void *aux)
{
	int n = 0;

	checked(parent);
	for (const struct cfdriver *const *cdp = __start_kern_cfdrivers;
	    cdp < __stop_kern_cfdrivers; cdp++) {
		if (!attaches_to(*cdp, parent) || (*cdp)->cd_match == NULL)
			continue;
		if ((*cdp)->cd_match(parent, aux) > 0) {
			config_attach(parent, *cdp, aux, NULL);
			n++;
		}
	}
	return n;
}

/* The last child of dev, or NULL. */
static device_t
last_child(device_t dev)
{
	device_t c;

	mutex_enter(&cf_mtx);
	c = dev->dv_children;
	while (c != NULL && c->dv_sibling != NULL)
		c = c->dv_sibling;
	mutex_exit(&cf_mtx);
	return c;
}

int
config_detach(device_t dev, int flags)
{
	device_t child;
	int rv;

	checked(dev);
	KASSERT(dev != &cf_root);
	while ((child = last_child(dev)) != NULL)
		if ((rv = config_detach(child, flags)) != 0)
			return rv;
	if (dev->dv_driver->cd_detach == NULL)
		return EOPNOTSUPP;
	if ((rv = dev->dv_driver->cd_detach(dev, flags)) != 0)
		return rv;
	remove_device(dev);
	if (dev->dv_parent->dv_driver->cd_childdetached != NULL)
		dev->dv_parent->dv_driver->cd_childdetached(dev->dv_parent, dev);
	if ((flags & DETACH_QUIET) == 0)
		klog(LOG_INFO, "%s detached", dev->dv_xname);
	free_device(dev);
	return 0;
}

int
config_init(void)
{
	mutex_init(&cf_mtx, MUTEX_DEFAULT);
	config_search_all(&cf_root, NULL);
	return 0;
}

device_t
config_root(void)
{
	return &cf_root;
}

const char *
device_xname(device_t dev)
{
	return checked(dev)->dv_xname;
}

void *
device_private(device_t dev)
{
	return checked(dev)->dv_private;
}

device_t
device_parent(device_t dev)
{
	return checked(dev)->dv_parent;
}

int
device_unit(device_t dev)
{
	return checked(dev)->dv_unit;
}

const struct cfdriver *
device_driver(device_t dev)
{
	return checked(dev)->dv_driver;
}

device_t
device_find_by_xname(const char *xname)
{
	device_t d;

	mutex_enter(&cf_mtx);
	for (d = cf_alldevs; d != NULL; d = d->dv_next)
		if (streq(d->dv_xname, xname))
			break;
	mutex_exit(&cf_mtx);
	return d;
}

/* cf_mtx held. */
static int
walk(device_t dev, int depth, int (*fn)(device_t, int, void *), void *arg)
{
	int rv;

	if ((rv = fn(dev, depth, arg)) != 0)
		return rv;
	for (device_t c = dev->dv_children; c != NULL; c = c->dv_sibling)
		if ((rv = walk(c, depth + 1, fn, arg)) != 0)
			return rv;
	return 0;
}

int
config_walk(int (*fn)(device_t dev, int depth, void *arg), void *arg)
{
	int rv;

	mutex_enter(&cf_mtx);
	rv = walk(&cf_root, 0, fn, arg);
	mutex_exit(&cf_mtx);
	return rv;
}

static int
print_one(device_t dev, int depth, void *arg)
{
	const struct device *parent = dev->dv_parent;

	(void)arg;
	klog(LOG_INFO, "%*s%s%s%s", depth * 2, "", dev->dv_xname,
	    parent != NULL ? " at " : "",
	    parent != NULL ? parent->dv_xname : "");
	return 0;
}

void
config_print_tree(void)
{
	config_walk(print_one, NULL);
}
