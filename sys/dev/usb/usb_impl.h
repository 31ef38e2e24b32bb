/*
 * Private to the USB core (sys/dev/usb/usb_*.c and uhub.c): the per-bus
 * state behind ub_core, the wrappers around xfers and pipes that the
 * core allocates, and the calls between the core's files.
 *
 * Locks, in the order they may be taken:
 *   usb_tree_mtx (global,  the list of buses, every hub's uh_children,
 *   usb_tree_lock)         ud_drivers; what usb_list reads. Written only
 *                          by the explore thread (or usb_bus_attach/
 *                          detach, which run when that thread does not).
 *   uc_elock (per bus)     uc_work, uc_dying, every uh_changed of the bus.
 *   uc_xlock (per bus)     xfer states, pipes' pending lists, device pipe
 *                          lists, ud_gone.
 * None of them is held while a controller method, a class driver's
 * function or a ux_done callback runs.
 */
#ifndef SYS_DEV_USB_USB_IMPL_H
#define SYS_DEV_USB_USB_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dev/usb/usbdi.h>
#include <kern/callout.h>
#include <kern/condvar.h>
#include <kern/mutex.h>

/* The attribute a controller offers ("usbus") and the bus device's name. */
#define USB_HC_ATTR "usbus"

#define USB_CONFIG_MAXLEN 4096	/* largest configuration we fetch */
#define USB_MAX_CONFIGS 8	/* configurations looked at per device */
#define USB_ENUM_RETRIES 3	/* enumerations tried per connection */
#define USB_DEBOUNCE_MS 100
#define USB_MAX_IFACES 32	/* ud_claimed has a bit per number */

/* ---- per-bus state (ub_core) ------------------------------------------ */

struct usb_core {
	struct usb_bus *uc_bus;
	struct usb_core *uc_next;	/* usb_buses, under usb_tree_mtx */
	kmutex_t uc_xlock;
	kcondvar_t uc_xcv;		/* an xfer changed state */
	kmutex_t uc_elock;
	kcondvar_t uc_ecv;		/* uc_work or uc_dying set */
	bool uc_work;
	bool uc_dying;
	struct lwp *uc_thread;
	unsigned uc_ndevs;		/* devices attached, not the root hub */
};

extern struct usb_core *usb_buses;
/* usb_tree_mtx: a hypercall spin mutex, so that the listing works with
 * or without a rump kernel CPU (apps call it); held only briefly. */
void usb_tree_lock(void);
void usb_tree_unlock(void);

static inline struct usb_core *
usb_core_of(const struct usb_device *dev)
{
	return dev->ud_bus->ub_core;
}

/* ---- xfers and pipes --------------------------------------------------- */

/* ux_state bits (under uc_xlock). */
#define UXS_QUEUED 0x01		/* owned by the controller */
#define UXS_STARTING 0x02	/* inside ubm_xfer_start */
#define UXS_INCB 0x04		/* ux_done running */
#define UXS_ABORTING 0x08	/* usb_xfer_abort in progress: no submits */
#define UXS_TIMEDOUT 0x10	/* the timeout aborted it: ETIMEDOUT */
#define UXS_SYNC 0x20		/* usb_xfer_sync waits: no ux_done */

struct usb_xfer_impl {
	struct usb_xfer xi_x;		/* first: the class driver's view */
	struct usb_bus *xi_bus;		/* kept: the pipe may be gone at free */
	bus_dma_segment_t xi_seg;
	size_t xi_allocsize;
	callout_t xi_timer;		/* async timeouts */
	uint64_t xi_seq;		/* submissions so far */
	uint64_t xi_timer_seq;		/* the submission the timer is for */
};

struct usb_pipe_impl {
	struct usb_pipe pi_p;
	bool pi_closing;		/* usb_pipe_close running: no submits */
};

static inline struct usb_xfer_impl *
usb_xi(struct usb_xfer *x)
{
	return (struct usb_xfer_impl *)x;
}

static inline struct usb_pipe_impl *
usb_pi(struct usb_pipe *p)
{
	return (struct usb_pipe_impl *)p;
}

/* usb_xfer.c, usb_pipe.c */
int usb_pipe0_alloc(struct usb_device *dev, unsigned mps0);
void usb_pipe0_free(struct usb_device *dev);
/* Abort every xfer pending on pipe / on all of dev's pipes (thread
 * context, no core lock held). */
void usb_pipe_abort_all(struct usb_pipe *pipe);
void usb_dev_abort_all(struct usb_device *dev);
/* Close the pipes class drivers left open (after their detach). */
void usb_dev_close_pipes(struct usb_device *dev);
void usb_delay_ms(unsigned ms);

/* ---- hubs and enumeration ---------------------------------------------- */

/* Allocate the core's per-port arrays of hub (uh_nports set). */
int usb_hub_init(struct usb_hub *hub, struct usb_bus *bus,
    struct usb_device *dev);
void usb_hub_fini(struct usb_hub *hub);

/* usb_enum.c: look at every port of hub (explore thread). */
extern unsigned usb_debounce_ms;	/* USB_DEBOUNCE_MS; tests lower it */
extern unsigned usb_ctrl_timeout_ms;	/* USB_CTRL_TIMEOUT_MS; the same */
/* "stalled", "timed out", ... for an errno value from a transfer. */
const char *usb_errstr(int rv, char *buf, size_t len);
void usb_hub_explore(struct usb_hub *hub);
/* Detach dev and everything below it, free it (explore thread). */
void usb_dev_detach(struct usb_device *dev, bool quiet);

/* usb_bus.c: the next hub with uh_changed set (cleared), or NULL. */
struct usb_hub *usb_next_changed(struct usb_bus *bus);

/* uhub.c: the explore thread has looked at the ports of an external
 * hub (thread context): submit its status xfer again (clearing a halt
 * first if it failed). */
void uhub_explore_hook(struct usb_hub *hub);

/* usb_list.c: the lsusb line of dev into buf. */
void usb_list_line(const struct usb_device *dev, char *buf, size_t len);
/* Names of dev's drivers, "ukbd0,umass0" or "none". */
void usb_driver_names(const struct usb_device *dev, char *buf, size_t len);

#endif
