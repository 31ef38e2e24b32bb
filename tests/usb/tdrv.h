/*
 * Test class drivers for the USB core tests, attaching at "usb":
 *   tkbd   HID boot keyboard: keeps an interrupt IN xfer submitted
 *   tmass  mass storage BBB: opens bulk IN and OUT, allocates an xfer
 *          on each; tdrv_mass_io runs a bulk IN usb_xfer_sync from a
 *          thread, and detach waits for it
 *   tecm   CDC ECM (2/6): claims the data interface that follows
 * Each attach/detach is counted in tdrv_stats.
 */
#ifndef TESTS_USB_TDRV_H
#define TESTS_USB_TDRV_H

#include <stdbool.h>

#include <dev/usb/usbdi.h>

struct tdrv_stats {
	int ts_kbd_attach, ts_kbd_detach;
	int ts_mass_attach, ts_mass_detach;
	int ts_ecm_attach, ts_ecm_detach;
	int ts_kbd_done;		/* interrupt completions */
	int ts_kbd_last_status;
	int ts_ecm_config;		/* bConfigurationValue at attach */
	int ts_ecm_claimed;		/* ud_claimed after attach */
	int ts_io_status;		/* tdrv_mass_io's result */
	bool ts_io_done;
	unsigned ts_mass_ifaces_seen;	/* bitmap of ifaces offered */
};
extern struct tdrv_stats tdrv_stats;
void tdrv_reset(void);

/* The softc of the tmass attached to dev, or NULL. */
struct tmass_softc;
struct tmass_softc *tdrv_mass_find(struct usb_device *dev);
struct usb_pipe *tdrv_mass_inpipe(struct tmass_softc *sc);
/* Start a thread doing usb_xfer_sync on bulk IN (timeout ms). */
int tdrv_mass_io(struct tmass_softc *sc, unsigned timeout_ms);
/* The tkbd's interrupt pipe of dev, or NULL. */
struct usb_pipe *tdrv_kbd_pipe(struct usb_device *dev);



/* Start of a case: counters zeroed, debounce 1 ms, control timeout
 * 300 ms (unless the case sets them itself afterwards). */
void tdrv_begin(void);
/* Lines of usb_list_to joined with '\n'. */
const char *tdrv_list(void);
#endif
