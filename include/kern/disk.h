/*
 * Block devices ("disks"): a driver that stores blocks (umass's SCSI
 * disks "sd0", ...) registers a struct disk; the application reaches it
 * through the libc as /dev/<name> (open, read, write, pread, pwrite,
 * lseek, fstat: st_size and st_blksize; offsets and lengths must be
 * multiples of the block size, else EINVAL).
 *
 * Lifetime: disk_attach makes the disk visible, disk_detach (the device
 * went away) makes it invisible, fails new I/O with ENODEV and waits
 * until I/O in progress has returned; the driver frees its softc after.
 * Users hold a reference (disk_lookup/disk_release) so the struct disk
 * stays valid while they look at it.
 *
 * Context: every function here may sleep (thread context with a CPU).
 * dk_io is called with no locks held; the disk layer serializes nothing
 * (drivers that can do one command at a time serialize themselves).
 */
#ifndef KERN_DISK_H
#define KERN_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct disk;

struct disk_ops {
	/* Move nblks blocks starting at blkno; 0 or errno (EIO, ENODEV,
	 * EROFS). Never called with a range beyond dk_nblks. */
	int (*dk_io)(struct disk *dk, bool write, uint64_t blkno, void *buf,
	    size_t nblks);
};

struct disk {
	char dk_name[16];		/* "sd0" */
	uint32_t dk_blksize;		/* bytes, a power of two >= 512 */
	uint64_t dk_nblks;
	bool dk_readonly;
	const struct disk_ops *dk_ops;
	void *dk_priv;			/* the driver's */
	char dk_descr[48];		/* "QEMU QEMU HARDDISK 2.5+" */
	/* Added by the mass storage helper: set by disk_attach, unique
	 * per attach and never reused, so that a holder of a name (an
	 * open /dev/sd0) notices that the disk was replaced. Read-only. */
	uint64_t dk_serial;
	/* Private to the disk layer: */
	struct disk *dk_next;
	int dk_refs;
	int dk_busy;
	bool dk_gone;
};

/* 0, or EEXIST (name taken), EINVAL (block size, zero size). Logs
 * "sd0: 64 MiB, 131072 blocks of 512 bytes". */
int disk_attach(struct disk *dk);
void disk_detach(struct disk *dk);

/* A reference to the disk named name, or NULL. References are short:
 * disk_detach waits for them, so hold one across a call, not across an
 * open file (remember the name and dk_serial instead). */
struct disk *disk_lookup(const char *name);
void disk_release(struct disk *dk);

/* Bounds-checked I/O (EINVAL past the end, EROFS, ENODEV once
 * detached). */
int disk_read(struct disk *dk, uint64_t blkno, void *buf, size_t nblks);
int disk_write(struct disk *dk, uint64_t blkno, const void *buf,
    size_t nblks);

/* Names of attached disks, in attach order: call fn for each. */
void disk_foreach(void (*fn)(struct disk *dk, void *arg), void *arg);

#endif
