/*
 * A fake of the USB core (the usbdi.h functions the class drivers call)
 * for the class driver host tests, with devices the test describes.
 *
 * A fake device is a configuration descriptor (built with the helpers
 * below), string descriptors and a list of control requests to refuse;
 * fakeusb_attach offers one of its interfaces to the class drivers at
 * the fake bus "fakeusb0", as the core would (config_found with a
 * usb_attach_arg). Control requests are answered at once and logged.
 * Transfers submitted by a driver wait on their pipe, in order, until
 * the test completes them (fakeusb_complete): data in, status, and the
 * driver's ux_done called from the test's thread as if from the
 * controller's interrupt thread. fakeusb_unplug marks the device gone,
 * completes everything pending with ENODEV and detaches it.
 *
 * Thread safety: the worker threads and callouts of the drivers submit
 * and abort concurrently with the test; a fake lock guards the queues
 * and is never held while a driver's code runs.
 */
#ifndef TESTS_USBCLASS_FAKEUSB_H
#define TESTS_USBCLASS_FAKEUSB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <dev/usb/usbdi.h>
#include <kern/device.h>

#define FAKE_MAXSTR 16
#define FAKE_MAXLOG 64
#define FAKE_CFGMAX 512

struct fake_dev;

/* ---- configuration descriptors ------------------------------------------ */

struct fake_cfg {
	uint8_t fc_buf[FAKE_CFGMAX];
	size_t fc_len;
};
void fake_cfg_init(struct fake_cfg *fc);
void fake_cfg_iface(struct fake_cfg *fc, uint8_t no, uint8_t alt,
    uint8_t nep, uint8_t cls, uint8_t sub, uint8_t proto);
void fake_cfg_ep(struct fake_cfg *fc, uint8_t addr, uint8_t type,
    uint16_t mps, uint8_t interval);
void fake_cfg_raw(struct fake_cfg *fc, const void *d, size_t len);
/* wTotalLength and bNumInterface filled in. */
void fake_cfg_done(struct fake_cfg *fc);

/* ---- devices ------------------------------------------------------------- */

struct fake_dev *fake_dev_new(const struct fake_cfg *fc, const char *product);
void fake_dev_free(struct fake_dev *fd);
struct usb_device *fake_udev(struct fake_dev *fd);
/* String idx (ASCII, sent as UTF-16LE), or raw bytes as the descriptor. */
void fake_dev_string(struct fake_dev *fd, uint8_t idx, const char *s);
void fake_dev_rawstring(struct fake_dev *fd, uint8_t idx, const void *d,
    size_t len);
/* Control requests with this bRequest fail with err (0: answer again). */
void fake_dev_refuse(struct fake_dev *fd, uint8_t request, int err);

/* Offer interface ifaceno to the drivers; the device that attached, or
 * NULL. */
device_t fakeusb_attach(struct fake_dev *fd, unsigned ifaceno);
/* config_detach of every driver attached to fd; 0 or its error. */
int fakeusb_detach(struct fake_dev *fd);
/* Gone: pending transfers end with ENODEV, then the drivers detach. */
void fakeusb_unplug(struct fake_dev *fd);

/* ---- control request log ------------------------------------------------ */

struct fake_req {
	usb_device_request_t fr_req;
	uint8_t fr_data[16];		/* first bytes written (OUT) */
};
unsigned fake_nreqs(struct fake_dev *fd);
/* The i-th request logged (NULL past the end). */
const struct fake_req *fake_req(struct fake_dev *fd, unsigned i);
/* How many logged requests have this type and request code. */
unsigned fake_count_reqs(struct fake_dev *fd, uint8_t type, uint8_t request);
/* The last logged one with this request code, or NULL. */
const struct fake_req *fake_last_req(struct fake_dev *fd, uint8_t request);

/* ---- pipes and transfers -------------------------------------------------- */

struct usb_pipe *fake_pipe(struct fake_dev *fd, uint8_t epaddr);
unsigned fake_pending(struct usb_pipe *p);
/* The oldest pending transfer (NULL: none). */
struct usb_xfer *fake_head(struct usb_pipe *p);
/*
 * Complete the oldest pending transfer: IN pipes get data (at most
 * ux_length bytes: actlen), OUT pipes report all of it sent. The
 * transfer's buffer (OUT: what the driver sent) is copied to out/outlen
 * first when out != NULL, and its flags to *flags. Then ux_done runs.
 * Returns false if nothing was pending.
 */
bool fakeusb_complete(struct usb_pipe *p, int status, const void *data,
    size_t len);
bool fakeusb_complete_out(struct usb_pipe *p, int status, void *out,
    size_t *outlen, unsigned *flags);
/* Times a pipe got a CLEAR_FEATURE(HALT). */
unsigned fake_clears(struct usb_pipe *p);

/* Pipes, transfers and devices still allocated (leak check). */
unsigned fakeusb_outstanding(void);

#endif
