/* Between fakehc.c and fakedev.c only; all with fh_lock held. */
#ifndef TESTS_USB_FAKEDEV_H
#define TESTS_USB_FAKEDEV_H

#include "fakehc.h"

/* A control xfer for fd: a status, or FH_HOLD. Sets ux_actlen. */
int fakedev_control(struct fakehc *fh, struct fdev *fd, struct usb_xfer *x);
/* A hub's status change xfer: a status, or FH_HOLD (kept). */
int fakedev_hub_status(struct fakehc *fh, struct fdev *fd,
    struct usb_xfer *x);
void fakehc_hub_poke(struct fakehc *fh, struct fdev *hub);
void fakehc_event_locked(struct fakehc *fh);

#endif
