/*
 * The USB stack inside the kernel: the host-controller interface (what
 * a controller driver such as xhci fills in), the hub abstraction shared
 * by root hubs and external hubs, devices, pipes and transfers (what
 * class drivers use), and autoconfiguration of class drivers.
 *
 * Layers:
 *   xhci0 at pci0            controller driver (drivers/pci/xhci*.c)
 *   usb0 at xhci0            the bus: usb_bus_attach() from the controller
 *   ukbd0 at usb0 ...        class drivers, matched per interface
 * Every class driver attaches at "usb" (the bus device), whatever hub
 * its device hangs from: the core keeps the device tree (hubs, ports)
 * and detaches a device's drivers itself when it goes away.
 *
 * Threads and context:
 *   - Each bus has one explore thread ("usbN"). It alone enumerates and
 *     detaches devices, so enumeration is serialized per bus. It sleeps
 *     until usb_hub_changed() is called (root hub port change from the
 *     controller's interrupt, status change from an external hub's
 *     interrupt pipe) and never polls while nothing changes. The ports
 *     of every hub present at attach time are explored before
 *     usb_bus_attach() returns, so devices present at boot are attached
 *     before main().
 *   - Controller interrupts run as kintr handlers (thread context with a
 *     CPU). The controller calls usb_xfer_done() from there; the xfer's
 *     ux_done callback then runs in that context: it must not sleep, but
 *     may resubmit the xfer, submit others, hand mbufs to the network
 *     stack, or wake a thread.
 *   - usb_xfer_sync(), usb_control() and everything that opens, closes
 *     or configures sleep, and are for thread context only (attach,
 *     detach, the application's calls, the explore thread).
 *
 * Errors (ux_status and return values), errno values:
 *   0 success (a short transfer is a success: look at ux_actlen)
 *   EPIPE      the endpoint stalled (the pipe is halted until
 *              usb_pipe_clear_halt)
 *   EIO        transaction error, babble, CRC, data buffer error
 *   ETIMEDOUT  ux_timeout_ms passed; the xfer was aborted
 *   ECANCELED  aborted by usb_xfer_abort or usb_pipe_close
 *   ENODEV     the device is gone (unplugged, or given up on)
 *   ENOMEM, EINVAL as usual
 */
#ifndef DEV_USB_USBDI_H
#define DEV_USB_USBDI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dev/usb/usb.h>
#include <kern/bus.h>
#include <kern/device.h>

struct usb_bus;
struct usb_device;
struct usb_pipe;
struct usb_xfer;
struct usb_hub;

enum usb_speed {
	USB_SPEED_UNKNOWN = 0,
	USB_SPEED_LOW,		/* 1.5 Mb/s */
	USB_SPEED_FULL,		/* 12 Mb/s */
	USB_SPEED_HIGH,		/* 480 Mb/s */
	USB_SPEED_SUPER,	/* 5 Gb/s */
	USB_SPEED_SUPER_PLUS,	/* 10 Gb/s and up */
};
const char *usb_speed_name(enum usb_speed speed);	/* "high-speed" */

#define USB_MAX_DEPTH 5		/* hub tiers below the root hub */
#define USB_MAX_PORTS 255
#define USB_CTRL_TIMEOUT_MS 5000	/* default for control requests */

/* ---- transfers --------------------------------------------------------- */

/*
 * An xfer is allocated for one pipe with a DMA-safe buffer of fixed
 * size, and reused: fill ux_buf/ux_length (and ux_req for control),
 * submit, look at ux_status/ux_actlen in ux_done or after
 * usb_xfer_sync. While submitted, the xfer belongs to the controller.
 * Direction comes from the endpoint (control: from ux_req).
 */
struct usb_xfer {
	struct usb_pipe *ux_pipe;
	void *ux_buf;			/* ux_bufsize bytes, DMA-safe */
	size_t ux_bufsize;
	bus_dmamap_t ux_dmamap;		/* one contiguous segment */
	bus_addr_t ux_bufaddr;		/* device address of ux_buf */
	usb_device_request_t ux_req;	/* control pipes only */
	size_t ux_length;		/* bytes to move (<= ux_bufsize) */
	unsigned ux_timeout_ms;		/* 0: none (interrupt IN polling) */
	unsigned ux_flags;
#define USBD_SHORT_XFER_OK 0x01		/* default: short reads are fine */
#define USBD_FORCE_SHORT_XFER 0x02	/* OUT: end with a zero-length packet
					   when ux_length % mps == 0 */
	void (*ux_done)(struct usb_xfer *xfer);	/* NULL for usb_xfer_sync */
	void *ux_priv;			/* the submitter's */
	/* Set on completion: */
	int ux_status;
	size_t ux_actlen;
	/* Private to the core: */
	int ux_state;
	struct usb_xfer *ux_next;	/* on the pipe's pending list */
	void *ux_waiter;
	/* Private to the controller: */
	void *ux_hcpriv;
	uint64_t ux_hcdata[4];
};

int usb_xfer_alloc(struct usb_pipe *pipe, size_t bufsize,
    struct usb_xfer **xp);
void usb_xfer_free(struct usb_xfer *xfer);	/* must not be submitted */
/* Queue; completion through ux_done. ENODEV at once if the device is
 * gone, EBUSY if this xfer is already submitted. */
int usb_xfer_submit(struct usb_xfer *xfer);
/* Submit and wait (thread context); returns ux_status. */
int usb_xfer_sync(struct usb_xfer *xfer);
/* Cancel; ux_done still runs (ux_status ECANCELED) unless the xfer had
 * already completed. Returns after the controller has let go of it. */
void usb_xfer_abort(struct usb_xfer *xfer);

/* Controllers: the xfer finished; ux_status and ux_actlen are set. */
void usb_xfer_done(struct usb_xfer *xfer);

/* ---- pipes ------------------------------------------------------------- */

struct usb_pipe {
	struct usb_device *up_dev;
	uint8_t up_epaddr;		/* bEndpointAddress (0 for ep0) */
	uint8_t up_type;		/* UE_CONTROL, UE_BULK, ... */
	uint16_t up_mps;		/* max packet size, bytes */
	uint8_t up_interval;		/* bInterval as the device gave it */
	uint8_t up_mult;		/* HS high-bandwidth extra, SS Mult */
	uint8_t up_maxburst;		/* SS companion bMaxBurst */
	bool up_halted;			/* a stall happened, not cleared */
	/* Private to the core: */
	struct usb_xfer *up_pending;
	struct usb_pipe *up_next;
	/* Private to the controller: */
	void *up_hcpriv;
};

/* Open the endpoint described by ed (from the device's configuration)
 * on dev. */
int usb_pipe_open(struct usb_device *dev,
    const usb_endpoint_descriptor_t *ed, struct usb_pipe **pp);
/* Abort what is pending (thread context) and close. */
void usb_pipe_close(struct usb_pipe *pipe);
/* After EPIPE: reset the controller's side and send
 * CLEAR_FEATURE(ENDPOINT_HALT) (thread context). */
int usb_pipe_clear_halt(struct usb_pipe *pipe);
struct usb_pipe *usb_default_pipe(struct usb_device *dev);

/* A control request on ep0, synchronous. data has wLength bytes (in or
 * out); *actlen (may be NULL) gets what moved. timeout 0: default. */
int usb_control(struct usb_device *dev, const usb_device_request_t *req,
    void *data, size_t *actlen, unsigned timeout_ms);
int usb_get_descriptor(struct usb_device *dev, uint8_t type,
    uint8_t index, uint16_t langid, void *buf, size_t len, size_t *actlen);
/* SET_INTERFACE: select alternate setting alt of interface ifaceno. */
int usb_set_interface(struct usb_device *dev, unsigned ifaceno,
    unsigned alt);

/* ---- devices ----------------------------------------------------------- */

struct usb_device {
	struct usb_bus *ud_bus;
	struct usb_device *ud_parent;	/* hub it hangs from; NULL: root hub */
	unsigned ud_port;		/* port on that hub, 1-based */
	unsigned ud_rootport;		/* root hub port above it, 1-based */
	unsigned ud_depth;		/* 0: on the root hub */
	uint32_t ud_route;		/* route string: 4 bits per tier below
					   the root hub, tier 1 lowest */
	enum usb_speed ud_speed;
	/* LS/FS device below a high-speed hub: the hub doing the
	 * transaction translation and its port (xHCI slot context). */
	struct usb_device *ud_tt_hub;
	unsigned ud_tt_port;
	uint8_t ud_addr;		/* USB address, from the controller */
	char ud_where[32];		/* "usb0 port 2.3" for messages */
	usb_device_descriptor_t ud_ddesc;
	/* The active configuration, whole and checked by usb_desc_check;
	 * NULL before SET_CONFIGURATION. */
	usb_config_descriptor_t *ud_cdesc;
	size_t ud_cdesc_len;
	char ud_vendor[32];		/* from string descriptors, or "" */
	char ud_product[48];
	/* A hub: its hub object (ports, children); else NULL. */
	struct usb_hub *ud_hub;
	bool ud_gone;			/* unplugged or given up: I/O fails */
	/* Private to the core: */
	struct usb_pipe *ud_pipe0;
	struct usb_pipe *ud_pipes;
	device_t ud_drivers[16];	/* attached per interface */
	uint32_t ud_claimed;		/* interfaces taken, bit per number */
	/* Private to the controller: */
	void *ud_hcpriv;
};

/* A class driver that drives several interfaces (CDC: control + data)
 * claims the others in its attach, so nobody else is offered them. */
void usb_interface_claim(struct usb_device *dev, unsigned ifaceno);

/* ---- hubs -------------------------------------------------------------- */

/*
 * Port status as the core sees it, the same for root hubs and external
 * hubs of either generation: ps_status uses UPS_CURRENT_CONNECT,
 * UPS_PORT_ENABLED, UPS_OVERCURRENT, UPS_RESET; ps_change the UPS_C_*
 * bits; ps_speed is valid while enabled.
 */
struct usb_port_status {
	uint16_t ps_status;
	uint16_t ps_change;
	enum usb_speed ps_speed;
};

struct usb_hub_ops {
	int (*uho_port_status)(struct usb_hub *hub, unsigned port,
	    struct usb_port_status *ps);
	/* Clear the given change bits. */
	int (*uho_port_clear)(struct usb_hub *hub, unsigned port,
	    uint16_t change);
	/* Reset the port and wait (bounded) until it is enabled or the
	 * reset failed; ps gets the status afterwards. USB 3 ports that
	 * trained by themselves are already enabled: no reset needed,
	 * the op may return at once. */
	int (*uho_port_reset)(struct usb_hub *hub, unsigned port,
	    struct usb_port_status *ps);
	/* Give up on the device on this port (disable the port). */
	int (*uho_port_disable)(struct usb_hub *hub, unsigned port);
};

struct usb_hub {
	const struct usb_hub_ops *uh_ops;
	void *uh_priv;			/* the ops' own */
	struct usb_bus *uh_bus;
	struct usb_device *uh_dev;	/* NULL: the root hub */
	unsigned uh_nports;
	bool uh_ss;			/* an external USB 3 hub */
	/* Private to the core: child device per port, 1..uh_nports. */
	struct usb_device **uh_children;
	uint8_t *uh_retries;		/* per port: failed enumerations */
	bool uh_changed;
};

/* Something on this hub changed (any context, also interrupts): the
 * explore thread looks at every port of it. */
void usb_hub_changed(struct usb_hub *hub);

/* ---- buses and controllers -------------------------------------------- */

/*
 * What a host controller provides. All run in thread context with a
 * CPU (they may sleep, bounded) except xfer_start and xfer_abort's
 * caller constraints noted below.
 */
struct usb_bus_methods {
	/* New device after its port reset (ud_speed, ud_route, ud_parent,
	 * ud_rootport, ud_tt_* set): give it an address and make ep0
	 * usable with max packet ps (8 for LS/FS until known, 64 for HS,
	 * 512 for SS). Sets ud_addr. */
	int (*ubm_dev_setup)(struct usb_device *dev, unsigned mps0);
	/* ep0's real max packet size is known (device descriptor). */
	int (*ubm_dev_set_mps0)(struct usb_device *dev, unsigned mps0);
	/* The device is a hub: ports, TT think time (0-3), multi-TT. */
	int (*ubm_dev_set_hub)(struct usb_device *dev, unsigned nports,
	    unsigned ttt, bool mtt);
	/* The device is gone or being detached: free its resources. Its
	 * pipes other than ep0 are already closed. */
	void (*ubm_dev_teardown)(struct usb_device *dev);
	/* Endpoints other than ep0 (ep0's pipe is opened implicitly by
	 * ubm_dev_setup and closed by teardown). */
	int (*ubm_pipe_open)(struct usb_pipe *pipe);
	void (*ubm_pipe_close)(struct usb_pipe *pipe);
	/* The controller's side of a halted endpoint is reset, so that
	 * transfers can be queued again (xHCI Reset Endpoint + Set TR
	 * Dequeue Pointer). */
	int (*ubm_pipe_reset)(struct usb_pipe *pipe);
	/* Queue the xfer (any context; must not sleep). Completion comes
	 * later through usb_xfer_done, never from inside this call. */
	int (*ubm_xfer_start)(struct usb_xfer *xfer);
	/* Take the xfer back from the hardware (thread context; may sleep,
	 * bounded). If it had not completed, call usb_xfer_done with
	 * ux_status ECANCELED before returning. */
	void (*ubm_xfer_abort)(struct usb_xfer *xfer);
};

struct usb_bus {
	const struct usb_bus_methods *ub_methods;
	void *ub_hcpriv;		/* the controller's softc */
	bus_dma_tag_t ub_dmat;
	device_t ub_hcdev;		/* the controller ("xhci0") */
	struct usb_hub *ub_roothub;	/* filled by the controller */
	/* Private to the core: */
	device_t ub_dev;		/* "usb0" */
	void *ub_core;
};

/*
 * A controller is ready (running, root hub ports powered): attach the
 * bus "usbN" below hcdev, explore the root hub (devices present now are
 * attached before this returns) and start the explore thread.
 */
int usb_bus_attach(device_t hcdev, struct usb_bus *bus);
/* Detach every device and the bus (controller going away). */
int usb_bus_detach(struct usb_bus *bus);

/* ---- class drivers ----------------------------------------------------- */

/* What class drivers get as aux: one interface of a configured device. */
struct usb_attach_arg {
	struct usb_device *uaa_dev;
	unsigned uaa_ifaceno;
	const usb_interface_descriptor_t *uaa_idesc;	/* alt setting 0 */
	uint16_t uaa_vendor, uaa_product, uaa_release;
	uint8_t uaa_class, uaa_subclass, uaa_proto;	/* the interface's */
};

/*
 * Match tables. An entry matches on the fields its flags name; the
 * priority is higher for more specific matches:
 *   vendor+product 40, class+subclass+proto 30, class+subclass 20,
 *   class 10.
 */
struct usb_id {
	unsigned ui_flags;
#define USB_ID_VENDOR 0x01
#define USB_ID_PRODUCT 0x02
#define USB_ID_CLASS 0x04
#define USB_ID_SUBCLASS 0x08
#define USB_ID_PROTO 0x10
	uint16_t ui_vendor, ui_product;
	uint8_t ui_class, ui_subclass, ui_proto;
};
#define USB_ID_VP(v, p) { USB_ID_VENDOR | USB_ID_PRODUCT, (v), (p), 0, 0, 0 }
#define USB_ID_CSP(c, s, p) { USB_ID_CLASS | USB_ID_SUBCLASS | USB_ID_PROTO, \
    0, 0, (c), (s), (p) }
#define USB_ID_CS(c, s) { USB_ID_CLASS | USB_ID_SUBCLASS, 0, 0, (c), (s), 0 }
#define USB_ID_C(c) { USB_ID_CLASS, 0, 0, (c), 0, 0 }
#define USB_ID_END { 0, 0, 0, 0, 0, 0 }
int usb_match_ids(const struct usb_id *ids, const struct usb_attach_arg *uaa);

/* Attach at this attribute; the bus device is "usb". */
#define USB_ATTR "usb"

/*
 * Walk the descriptors of the active configuration that belong to
 * interface ifaceno, alt setting alt (the interface descriptor itself
 * first, then its endpoints and class-specific ones, up to the next
 * interface descriptor). fn returns nonzero to stop; that is returned.
 * The descriptors were checked: bLength >= 2 and inside the buffer,
 * and interface and endpoint descriptors have their full size.
 */
int usb_iface_walk(struct usb_device *dev, unsigned ifaceno, unsigned alt,
    int (*fn)(const usb_descriptor_t *d, void *arg), void *arg);
/* The endpoint of interface ifaceno (alt 0) with this direction and
 * type, the n-th such (0-based); NULL if none. */
const usb_endpoint_descriptor_t *usb_find_endpoint(struct usb_device *dev,
    unsigned ifaceno, uint8_t dir, uint8_t type, unsigned n);

/* ---- descriptor checks (sys/dev/usb/usb_desc.c; fuzzed on the host) ----- */

/* 0 if d is a device descriptor we accept, else EINVAL and why. */
int usb_desc_check_device(const void *buf, size_t len, const char **why);
/* 0 if buf holds a whole configuration we accept: wTotalLength == len,
 * every descriptor inside, no zero or short bLength, interface and
 * endpoint descriptors full size, endpoint numbers and types sane,
 * bNumEndpoints as announced, bNumInterface as announced. */
int usb_desc_check_config(const void *buf, size_t len, const char **why);

/* ---- listing ----------------------------------------------------------- */

typedef void (*usb_out_t)(void *arg, const char *line);
/* One line per device, like lsusb:
 * "usb0 port 1: addr 1 0627:0001 high-speed hid \"QEMU USB Keyboard\" -> ukbd0" */
void usb_list_to(usb_out_t out, void *arg);
void usb_list(void);	/* to the kernel log */
int usb_ndevices(void);

#endif
