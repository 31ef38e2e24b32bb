/*
 * Private to the fake USB core (fakeusb.c, fakeusb_pipe.c).
 */
#ifndef TESTS_USBCLASS_FAKEUSB_IMPL_H
#define TESTS_USBCLASS_FAKEUSB_IMPL_H

#include <stdbool.h>

#include "fakeusb.h"

#define FK_QUEUED 0x01
#define FK_ABORTING 0x02
#define FAKE_MAXCHILD 4

struct fake_pipe {
	struct usb_pipe fp_p;		/* first: what drivers see */
	struct fake_pipe *fp_next;
	bool fp_closing;
	unsigned fp_clears;
};

struct fake_str {
	uint8_t *fs_buf;
	size_t fs_len;
};

struct fake_dev {
	struct usb_device fd_udev;	/* first: what drivers see */
	uint8_t fd_cfg[FAKE_CFGMAX];
	struct fake_str fd_str[FAKE_MAXSTR];
	int fd_refuse[256];
	struct fake_req fd_log[FAKE_MAXLOG];
	unsigned fd_nlog;
	struct fake_pipe *fd_pipes;
	device_t fd_child[FAKE_MAXCHILD];
	unsigned fd_nchild;
};

void fk_enter(void);
void fk_exit(void);
extern unsigned fk_outstanding;

static inline struct fake_dev *
fdev(struct usb_device *dev)
{
	return (struct fake_dev *)dev;
}

static inline struct fake_pipe *
fpipe(struct usb_pipe *p)
{
	return (struct fake_pipe *)p;
}

#endif
