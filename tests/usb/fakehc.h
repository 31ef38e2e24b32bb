/*
 * A fake USB host controller for the core's host tests: it implements
 * struct usb_bus_methods and the root hub ops, and routes each transfer
 * to a scripted fake device (struct fdev) answering control requests
 * from descriptor tables. A worker thread completes transfers (never
 * from inside ubm_xfer_start, as the contract says); transfers a device
 * does not answer (bulk/interrupt data, a hub's status endpoint with no
 * change, requests of a hanging or unplugged device) are held until
 * aborted or completed by the test.
 *
 * Fake hubs (fdev_new_hub) answer the hub class requests and complete
 * their status endpoint when one of their ports changes.
 *
 * Everything is under one lock; fh_evcv is broadcast on every event a
 * test may wait for (setup, teardown, port disable, completion).
 */
#ifndef TESTS_USB_FAKEHC_H
#define TESTS_USB_FAKEHC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dev/usb/usbdi.h>
#include <kern/condvar.h>
#include <kern/mutex.h>

#define FH_MAXCFG 8
#define FH_MAXPORTS 8

struct fdev;
struct fakehc;

/* A hook's answer: a status (0, EPIPE, EIO), or one of these. */
#define FH_PASS (-1)	/* not handled: default behaviour */
#define FH_HOLD (-2)	/* never answered (until aborted) */

typedef int (*fdev_hook_t)(struct fdev *fd, const usb_device_request_t *req,
    uint8_t *buf, size_t len, size_t *actlen);

struct fdev_port {
	struct fdev *fp_dev;
	bool fp_enabled;
	bool fp_powered;
	uint16_t fp_change;
	unsigned fp_disables;	/* uho_port_disable / CLEAR(PORT_ENABLE) */
	unsigned fp_resets;
};

struct fdev {
	const char *fd_name;
	enum usb_speed fd_speed;
	uint8_t fd_ddesc[18];
	size_t fd_ddesc_len;		/* what GET_DESCRIPTOR(device) gives */
	uint8_t *fd_cfg[FH_MAXCFG];	/* owned copies */
	size_t fd_cfglen[FH_MAXCFG];
	unsigned fd_ncfg;
	const char *fd_str[4];		/* string 1..3 (0 unused) */
	fdev_hook_t fd_hook;		/* first look at every request */
	void *fd_hookarg;
	bool fd_stall_all;		/* every request stalls */
	bool fd_hang_all;		/* no request is ever answered */
	bool fd_no_enable;		/* port reset never enables */
	/* Set by the fake controller: */
	bool fd_gone;			/* unplugged: nothing answers */
	struct usb_device *fd_udev;	/* between setup and teardown */
	uint8_t fd_addr;
	uint8_t fd_config;		/* SET_CONFIGURATION value */
	unsigned fd_nsetconfig;
	unsigned fd_nreq;		/* control requests seen */
	unsigned fd_hub_nports;		/* ubm_dev_set_hub */
	unsigned fd_hub_ttt;
	int fd_hub_depth;		/* SET_HUB_DEPTH, -1 if never */
	/* A hub: */
	bool fd_is_hub;
	unsigned fd_nports;
	struct fdev_port fd_ports[FH_MAXPORTS + 1];
	struct usb_xfer *fd_status_x;	/* held status xfer */
};

/* Device from descriptor tables (copied). */
struct fdev *fdev_new(const char *name, enum usb_speed speed,
    const uint8_t *ddesc, const uint8_t *const *cfgs, const size_t *lens,
    unsigned ncfg);
/* A hub with nports ports (USB 2 if speed < SUPER, else USB 3). */
struct fdev *fdev_new_hub(const char *name, enum usb_speed speed,
    unsigned nports);
/* Replace configuration i (copied). */
void fdev_set_config(struct fdev *fd, unsigned i, const uint8_t *cfg,
    size_t len);
void fdev_free(struct fdev *fd);
/* Before the controller exists: fd sits on port of hub from the start. */
void fdev_hub_put(struct fdev *hub, unsigned port, struct fdev *fd);

struct fakehc {
	device_t fh_dev;
	struct usb_bus fh_bus;
	struct usb_hub fh_roothub;
	struct fdev_port fh_ports[FH_MAXPORTS + 1];
	unsigned fh_nports;
	kmutex_t fh_lock;
	kcondvar_t fh_cv;		/* worker: queue not empty / dying */
	kcondvar_t fh_evcv;		/* events for tests */
	struct usb_xfer *fh_queue;	/* to process */
	struct usb_xfer *fh_held;	/* waiting for abort or the test */
	bool fh_dying;
	struct lwp *fh_worker;
	uint8_t fh_nextaddr;
	/* Counters for checks: */
	int fh_nslots;			/* devices set up, not torn down */
	int fh_npipes;			/* pipes open (not ep0) */
	unsigned fh_nsetup, fh_nteardown, fh_naborts, fh_nresets;
	unsigned fh_events;
	unsigned fh_nstatus;		/* root port status reads */
	unsigned fh_nxfers;		/* xfers started */
	unsigned fh_bad;		/* contract violations seen */
};

/* A controller with nports root ports, devices[1..nports] (may be NULL,
 * the array may be NULL) plugged before usb_bus_attach. */
struct fakehc *fakehc_create(unsigned nports, struct fdev *const *devices);
/* via_bus_detach: usb_bus_detach first; else config_detach only.
 * Returns the number of problems seen (contract violations, xfers,
 * device slots or pipes left over): 0 is good. */
unsigned fakehc_destroy(struct fakehc *fh, bool via_bus_detach);

/* Plug fd into port of hub (NULL: the root hub) / unplug what is there.
 * The change is signalled like the hardware would. */
void fakehc_plug(struct fakehc *fh, struct fdev *hub, unsigned port,
    struct fdev *fd);
void fakehc_unplug(struct fakehc *fh, struct fdev *hub, unsigned port);

/* Complete the held xfer of pipe with status and data (IN); false if
 * none is held. */
bool fakehc_complete(struct fakehc *fh, struct usb_pipe *pipe, int status,
    const void *data, size_t len);
/* The pipe of the first held xfer of dev, or NULL. */
struct usb_pipe *fakehc_held_pipe(struct fakehc *fh, struct usb_device *dev);
/* Number of xfers held. */
unsigned fakehc_nheld(struct fakehc *fh);

/* Wait (releasing the CPU, at most ms) until fn(fh, arg) holds. */
bool fakehc_wait(struct fakehc *fh, bool (*fn)(struct fakehc *, void *),
    void *arg, unsigned ms);

/* The usb_device on root port (hub NULL) or a fake hub's port. */
struct usb_device *fakehc_udev(struct fakehc *fh, unsigned rootport,
    unsigned hubport);

#endif
