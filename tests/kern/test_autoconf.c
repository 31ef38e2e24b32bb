/*
 * Autoconfiguration with a fake bus: match priorities and ties, unit
 * numbers per driver and their reuse, "not configured", detach order
 * and failure, softc lifetime, the tree walk; config_found's steps
 * (match, attach, unconfigured) and the parent's childdetached hook.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <kern/device.h>
#include <kern/klog.h>
#include <kern/kmem.h>

#include "kt.h"

struct fake_aux {
	int fa_kind;
	int fa_id;
};

struct fake_softc {
	int sc_id;
	int sc_busy;
};

static char detach_log[128];
static int childdetached_n;
static device_t childdetached_last;

static void
fake_print(void *aux, const char *pnp, char *buf, size_t len)
{
	struct fake_aux *fa = aux;

	if (pnp != NULL)
		snprintf(buf, len, "thing kind %d at %s id %d", fa->fa_kind,
		    pnp, fa->fa_id);
	else
		snprintf(buf, len, " id %d", fa->fa_id);
}

/* fakebus: attaches to mainbus at boot, offers "fake". */
static int
fakebus_match(device_t parent, void *aux)
{
	(void)parent;
	(void)aux;
	return 1;
}

static void
fakebus_attach(device_t parent, device_t self, void *aux)
{
	(void)parent;
	(void)aux;
	aprint_normal(self, "fake bus");
}

static int
fake_detach(device_t self, int flags)
{
	struct fake_softc *sc = device_private(self);

	if (sc != NULL && sc->sc_busy && (flags & DETACH_FORCE) == 0)
		return EBUSY;
	strncat(detach_log, device_xname(self),
	    sizeof(detach_log) - strlen(detach_log) - 2);
	strcat(detach_log, " ");
	return 0;
}

static void
fakebus_childdetached(device_t self, device_t child)
{
	(void)self;
	childdetached_n++;
	childdetached_last = child;
}

static const struct cfdriver fakebus_cd = {
	.cd_name = "fakebus",
	.cd_attachto = "mainbus",
	.cd_busattr = "fake",
	.cd_match = fakebus_match,
	.cd_attach = fakebus_attach,
	.cd_detach = fake_detach,
	.cd_childdetached = fakebus_childdetached,
};
CFDRIVER_DECLARE(fakebus_cd);

static void
child_attach(device_t parent, device_t self, void *aux)
{
	struct fake_softc *sc = device_private(self);
	struct fake_aux *fa = aux;

	(void)parent;
	KT_CHECK(sc->sc_id == 0 && sc->sc_busy == 0);	/* zeroed */
	sc->sc_id = fa->fa_id;
}

static int
wm_match(device_t parent, void *aux)
{
	(void)parent;
	return ((struct fake_aux *)aux)->fa_kind == 1 ? 1 : 0;
}

static int
wmx_match(device_t parent, void *aux)
{
	struct fake_aux *fa = aux;

	(void)parent;
	return fa->fa_kind == 1 && fa->fa_id == 7 ? 2 : 0;
}

static int
re_match(device_t parent, void *aux)
{
	(void)parent;
	return ((struct fake_aux *)aux)->fa_kind == 2 ? 1 : 0;
}

static int
tie_match(device_t parent, void *aux)
{
	(void)parent;
	return ((struct fake_aux *)aux)->fa_kind == 3 ? 5 : 0;
}

#define FAKE_DRIVER(n, m)						\
	static const struct cfdriver n##_cd = {				\
		.cd_name = #n,						\
		.cd_attachto = "fake",					\
		.cd_softc_size = sizeof(struct fake_softc),		\
		.cd_match = m,						\
		.cd_attach = child_attach,				\
		.cd_detach = fake_detach,				\
	};								\
	CFDRIVER_DECLARE(n##_cd)

FAKE_DRIVER(wm, wm_match);
FAKE_DRIVER(wmx, wmx_match);
FAKE_DRIVER(re, re_match);
FAKE_DRIVER(zz, tie_match);
FAKE_DRIVER(aa, tie_match);

static device_t
found(device_t bus, int kind, int id)
{
	struct fake_aux fa = {kind, id};

	return config_found(bus, &fa, fake_print);
}

static int
count_one(device_t dev, int depth, void *arg)
{
	int *n = arg;

	(void)dev;
	(void)depth;
	n[0]++;
	if (depth > n[1])
		n[1] = depth;
	return 0;
}

KT_CASE(autoconf_boot_tree)
{
	device_t bus = device_find_by_xname("fakebus0");
	device_t mb = device_find_by_xname("mainbus0");

	KT_CHECK(mb != NULL && device_parent(mb) == config_root());
	KT_CHECK(bus != NULL && device_parent(bus) == mb);
	KT_CHECK(kt_dmesg_has("mainbus0 at root\n"));
	KT_CHECK(kt_dmesg_has("fakebus0 at mainbus0\n"));
	KT_CHECK(kt_dmesg_has("fakebus0: fake bus\n"));
}

KT_CASE(autoconf_match_units_detach)
{
	struct kmem_stats before, after;
	device_t bus = device_find_by_xname("fakebus0");
	device_t d[6];
	int n[2] = {0, 0};

	kmem_get_stats(&before);
	d[0] = found(bus, 1, 1);
	d[1] = found(bus, 1, 2);
	d[2] = found(bus, 2, 3);
	d[3] = found(bus, 1, 7);	/* wmx outbids wm */
	d[4] = found(bus, 3, 4);	/* tie: "aa" before "zz" */
	d[5] = found(bus, 9, 5);
	KT_CHECK(d[0] && strcmp(device_xname(d[0]), "wm0") == 0);
	KT_CHECK(d[1] && strcmp(device_xname(d[1]), "wm1") == 0);
	KT_CHECK(d[2] && strcmp(device_xname(d[2]), "re0") == 0);
	KT_CHECK(d[3] && strcmp(device_xname(d[3]), "wmx0") == 0);
	KT_CHECK(d[4] && strcmp(device_xname(d[4]), "aa0") == 0);
	KT_CHECK(d[5] == NULL);
	KT_CHECK(kt_dmesg_has("wm1 at fakebus0 id 2\n"));
	KT_CHECK(kt_dmesg_has(
	    "thing kind 9 at fakebus0 id 5 not configured\n"));
	KT_CHECK(device_unit(d[1]) == 1 && device_parent(d[1]) == bus);
	KT_CHECK(((struct fake_softc *)device_private(d[3]))->sc_id == 7);

	/* a busy device refuses; a detached unit is reused */
	((struct fake_softc *)device_private(d[0]))->sc_busy = 1;
	KT_CHECK(config_detach(d[0], 0) == EBUSY);
	KT_CHECK(device_find_by_xname("wm0") == d[0]);
	KT_CHECK(config_detach(d[0], DETACH_FORCE) == 0);
	KT_CHECK(device_find_by_xname("wm0") == NULL);
	KT_CHECK(kt_dmesg_has("wm0 detached\n"));
	d[0] = found(bus, 1, 8);
	KT_CHECK(d[0] && strcmp(device_xname(d[0]), "wm0") == 0);
	d[5] = found(bus, 1, 9);
	KT_CHECK(d[5] && strcmp(device_xname(d[5]), "wm2") == 0);

	config_walk(count_one, n);
	KT_CHECK(n[0] == 3 + 6 && n[1] == 3);	/* root mainbus fakebus + 6 */
	config_print_tree();
	KT_CHECK(kt_dmesg_has("\n      wm2 at fakebus0\n"));

	for (int i = 0; i < 6; i++)
		KT_CHECK(config_detach(d[i], DETACH_QUIET) == 0);
	kmem_get_stats(&after);
	KT_CHECK(after.ks_inuse == before.ks_inuse);
}

KT_CASE(autoconf_detach_children_last_first)
{
	device_t bus = device_find_by_xname("fakebus0");

	found(bus, 1, 1);
	found(bus, 2, 2);
	found(bus, 1, 3);
	detach_log[0] = '\0';
	KT_CHECK(config_detach(bus, 0) == 0);
	KT_CHECK(strcmp(detach_log, "wm1 re0 wm0 fakebus0 ") == 0);
	KT_CHECK(device_find_by_xname("fakebus0") == NULL);
	KT_CHECK(device_find_by_xname("wm0") == NULL);
	/* back again: indirect configuration from mainbus */
	KT_CHECK(config_search_all(device_find_by_xname("mainbus0"), NULL) ==
	    1);
	KT_CHECK(device_find_by_xname("fakebus0") != NULL);
}

KT_CASE(autoconf_steps_and_childdetached)
{
	device_t bus = device_find_by_xname("fakebus0");
	struct fake_aux fa = {1, 7}, none = {9, 6};
	const struct cfdriver *cd;
	device_t d;

	KT_CHECK(config_match(bus, &none) == NULL);
	config_unconfigured(bus, &none, fake_print);
	KT_CHECK(kt_dmesg_has(
	    "thing kind 9 at fakebus0 id 6 not configured\n"));
	cd = config_match(bus, &fa);
	KT_CHECK(cd != NULL && strcmp(cd->cd_name, "wmx") == 0);
	d = config_attach(bus, cd, &fa, fake_print);
	KT_CHECK(d != NULL && device_driver(d) == cd);
	KT_CHECK(((struct fake_softc *)device_private(d))->sc_id == 7);
	childdetached_n = 0;
	KT_CHECK(config_detach(d, DETACH_QUIET) == 0);
	KT_CHECK(childdetached_n == 1 && childdetached_last == d);
}
