/*
 * Autoconfiguration: the device tree, drivers, match/attach/detach.
 *
 * A driver is a const struct cfdriver registered with CFDRIVER_DECLARE,
 * which puts a pointer to it in the linker set "kern_cfdrivers" (every
 * object linked into the image contributes; no central table). A driver
 * attaches to one bus attribute (cd_attachto: "root", "mainbus", "pci",
 * ...) and, if it is a bus itself, offers one to its children
 * (cd_busattr).
 *
 * Direct configuration: a bus driver finds a child (a PCI function, a USB
 * port) and calls config_found(self, aux, print). Every driver attaching
 * to the bus's attribute is asked cd_match(parent, aux), which returns a
 * priority (0: not mine); the highest wins, ties go to the driver whose
 * name sorts first. The winner gets a zeroed softc of cd_softc_size
 * bytes, a unit number and the name <driver><unit> ("wm0"), then
 * cd_attach(parent, self, aux). A child nobody matches is reported
 * through print as "<description> at <parent> not configured".
 * Indirect configuration: config_search_all(self, aux) attaches every
 * driver of the attribute that matches (mainbus uses it for busses).
 *
 * Unit numbers are per driver, the lowest not in use: after wm0 is
 * detached, the next wm to attach is wm0 again.
 *
 * config_detach detaches the children first (last attached first), then
 * calls cd_detach; if any of these fails (returns an errno value), it
 * stops there and returns that error, and the device stays attached.
 * On success the parent's cd_childdetached (if any) is told, then the
 * softc is freed.
 *
 * Locking: the tree structure is protected internally. Match, attach and
 * detach functions run without that lock, in thread context with a CPU,
 * and may sleep and call config_found or config_detach themselves.
 * Detaching a device while it is still attaching is not supported.
 */
#ifndef KERN_DEVICE_H
#define KERN_DEVICE_H

#include <stddef.h>

typedef struct device *device_t;

/*
 * Describe aux into buf (NUL-terminated, at most len bytes). pnp NULL:
 * the child attached; write its locators (" dev 3 function 0"), which
 * follow "wm0 at pci0". pnp non-NULL: nobody matched; write what it is,
 * " at ", pnp and the locators; " not configured" is appended.
 */
typedef void (*cfprint_t)(void *aux, const char *pnp, char *buf,
    size_t len);

struct cfdriver {
	const char *cd_name;		/* "wm": units are wm0, wm1, ... */
	const char *cd_attachto;	/* bus attribute it attaches to */
	const char *cd_busattr;		/* attribute it offers, or NULL */
	size_t cd_softc_size;
	int (*cd_match)(device_t parent, void *aux);
	void (*cd_attach)(device_t parent, device_t self, void *aux);
	int (*cd_detach)(device_t self, int flags);	/* NULL: cannot */
	/* Optional: child, just detached, is about to be freed. */
	void (*cd_childdetached)(device_t self, device_t child);
};

#define CFDRIVER_DECLARE(drv) \
	static const struct cfdriver *const __cfdriver_##drv \
	    __attribute__((__section__("kern_cfdrivers"), __used__)) = &(drv)

#define DETACH_FORCE 0x01
#define DETACH_QUIET 0x02

/* Create the root device and attach what matches at "root". */
int config_init(void);
device_t config_root(void);
device_t config_found(device_t parent, void *aux, cfprint_t print);
/*
 * config_found in steps, for a bus that must prepare a child between
 * match and attach (PCI turns decoding on): the best driver for aux
 * (NULL: none), attaching one, and the "not configured" report.
 */
const struct cfdriver *config_match(device_t parent, void *aux);
device_t config_attach(device_t parent, const struct cfdriver *cd,
    void *aux, cfprint_t print);
void config_unconfigured(device_t parent, void *aux, cfprint_t print);
/* Number of devices attached. */
int config_search_all(device_t parent, void *aux);
int config_detach(device_t dev, int flags);

const char *device_xname(device_t dev);
void *device_private(device_t dev);
device_t device_parent(device_t dev);
int device_unit(device_t dev);
const struct cfdriver *device_driver(device_t dev);
/* Attached device named xname ("wm0"), or NULL. */
device_t device_find_by_xname(const char *xname);

/*
 * Visit every device, parents before children, with its depth (root 0).
 * fn must not attach or detach devices; a nonzero return stops the walk
 * and is returned.
 */
int config_walk(int (*fn)(device_t dev, int depth, void *arg), void *arg);
/* Log the tree, one device per line, indented by depth. */
void config_print_tree(void);

#endif
