/*
 * The disk layer (include/kern/disk.h): a registry of block devices by
 * name, short-lived references, bounds-checked I/O that counts what is
 * in flight, and detach that makes a disk invisible, fails new I/O with
 * ENODEV and waits until I/O and references have drained, so that the
 * driver may free the struct disk afterwards.
 *
 * Invariants (disk_mtx):
 *   - disk_list holds the visible disks in attach order; dk_serial
 *     grows along the list. A disk on the list is not dk_gone.
 *   - dk_refs and dk_busy are only changed under disk_mtx; a detached
 *     disk's waiter is woken (disk_cv) whenever either drops.
 *   - dk_ops->dk_io is called without disk_mtx, with dk_busy counting
 *     the call, so the disk cannot be freed under it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <kern/condvar.h>
#include <kern/disk.h>
#include <kern/kassert.h>
#include <kern/klog.h>
#include <kern/mutex.h>
#include <kern/rump.h>

#define DISK_DETACH_WARN_NS (5ULL * 1000 * 1000 * 1000)
#define DISK_BLKSIZE_MAX 65536

static kmutex_t disk_mtx;
static kcondvar_t disk_cv;
static struct disk *disk_list;
static uint64_t disk_nextserial = 1;

static int
disk_init(void)
{
	mutex_init(&disk_mtx, MUTEX_DEFAULT);
	cv_init(&disk_cv, "diskdet");
	return 0;
}
RUMP_SUBSYS_EARLY("disk", disk_init);

static bool
disk_name_ok(const char *name, size_t size)
{
	for (size_t i = 0; i < size; i++) {
		if (name[i] == '\0')
			return i > 0;
		if (name[i] == '/' || name[i] <= ' ')
			return false;
	}
	return false;		/* not terminated */
}

/* The visible disk named name; disk_mtx held. */
static struct disk *
disk_find(const char *name)
{
	size_t len = strlen(name);

	for (struct disk *dk = disk_list; dk != NULL; dk = dk->dk_next)
		if (strlen(dk->dk_name) == len &&
		    memcmp(dk->dk_name, name, len) == 0)
			return dk;
	return NULL;
}

/* "64 MiB": the size in the largest unit that keeps at least 10 of it. */
static void
disk_size_str(const struct disk *dk, char *buf, size_t len)
{
	static const char *const units[] = { "bytes", "KiB", "MiB", "GiB",
	    "TiB", "PiB" };
	uint64_t v = dk->dk_nblks;
	unsigned u = 0, shift = 0;

	while ((dk->dk_blksize >> shift) > 1)
		shift++;
	/* v * blksize may overflow: scale the block count down first. */
	for (; shift >= 10; shift -= 10)
		u++;
	v <<= shift;
	while (u + 1 < sizeof(units) / sizeof(units[0]) && v >= 10 * 1024) {
		v >>= 10;
		u++;
	}
	ksnprintf(buf, len, "%llu %s", (unsigned long long)v, units[u]);
}

int
disk_attach(struct disk *dk)
{
	struct disk **pp;
	char size[32];

	if (dk->dk_blksize < 512 || dk->dk_blksize > DISK_BLKSIZE_MAX ||
	    (dk->dk_blksize & (dk->dk_blksize - 1)) != 0 ||
	    dk->dk_nblks == 0 || dk->dk_ops == NULL ||
	    !disk_name_ok(dk->dk_name, sizeof(dk->dk_name)))
		return EINVAL;
	dk->dk_descr[sizeof(dk->dk_descr) - 1] = '\0';
	mutex_enter(&disk_mtx);
	if (disk_find(dk->dk_name) != NULL) {
		mutex_exit(&disk_mtx);
		return EEXIST;
	}
	dk->dk_next = NULL;
	dk->dk_refs = 0;
	dk->dk_busy = 0;
	dk->dk_gone = false;
	dk->dk_serial = disk_nextserial++;
	for (pp = &disk_list; *pp != NULL; pp = &(*pp)->dk_next)
		continue;
	*pp = dk;
	mutex_exit(&disk_mtx);
	disk_size_str(dk, size, sizeof(size));
	klog(LOG_INFO, "%s: %s, %llu blocks of %u bytes%s", dk->dk_name, size,
	    (unsigned long long)dk->dk_nblks, (unsigned)dk->dk_blksize,
	    dk->dk_readonly ? ", read-only" : "");
	return 0;
}

void
disk_detach(struct disk *dk)
{
	bool warned = false;

	mutex_enter(&disk_mtx);
	for (struct disk **pp = &disk_list; *pp != NULL; pp = &(*pp)->dk_next) {
		if (*pp == dk) {
			*pp = dk->dk_next;
			break;
		}
	}
	dk->dk_next = NULL;
	dk->dk_gone = true;
	while (dk->dk_refs > 0 || dk->dk_busy > 0) {
		if (cv_timedwait_ns(&disk_cv, &disk_mtx, DISK_DETACH_WARN_NS) ==
		    ETIMEDOUT && !warned) {
			klog(LOG_WARNING, "%s: detach waits for %d I/O, "
			    "%d references", dk->dk_name, dk->dk_busy,
			    dk->dk_refs);
			warned = true;
		}
	}
	mutex_exit(&disk_mtx);
}

struct disk *
disk_lookup(const char *name)
{
	struct disk *dk;

	mutex_enter(&disk_mtx);
	if ((dk = disk_find(name)) != NULL)
		dk->dk_refs++;
	mutex_exit(&disk_mtx);
	return dk;
}

void
disk_release(struct disk *dk)
{
	mutex_enter(&disk_mtx);
	KASSERT(dk->dk_refs > 0);
	if (--dk->dk_refs == 0 && dk->dk_gone)
		cv_broadcast(&disk_cv);
	mutex_exit(&disk_mtx);
}

/* Check a request and count it as in flight; disk_mtx held. */
static int
disk_io_begin(struct disk *dk, bool write, uint64_t blkno, size_t nblks)
{
	if (dk->dk_gone)
		return ENODEV;
	if (blkno > dk->dk_nblks || nblks > dk->dk_nblks - blkno ||
	    nblks > SIZE_MAX / dk->dk_blksize)
		return EINVAL;
	if (write && dk->dk_readonly)
		return EROFS;
	dk->dk_busy++;
	return 0;
}

static int
disk_io(struct disk *dk, bool write, uint64_t blkno, void *buf,
    size_t nblks)
{
	int rv;

	mutex_enter(&disk_mtx);
	rv = disk_io_begin(dk, write, blkno, nblks);
	mutex_exit(&disk_mtx);
	if (rv != 0)
		return rv;
	if (nblks > 0)
		rv = dk->dk_ops->dk_io(dk, write, blkno, buf, nblks);
	mutex_enter(&disk_mtx);
	if (--dk->dk_busy == 0 && dk->dk_gone)
		cv_broadcast(&disk_cv);
	mutex_exit(&disk_mtx);
	return rv;
}

int
disk_read(struct disk *dk, uint64_t blkno, void *buf, size_t nblks)
{
	return disk_io(dk, false, blkno, buf, nblks);
}

int
disk_write(struct disk *dk, uint64_t blkno, const void *buf, size_t nblks)
{
	/* dk_io only reads buf when writing. */
	return disk_io(dk, true, blkno, (void *)(uintptr_t)buf, nblks);
}

/*
 * Visit each disk with a reference held and disk_mtx released, so that
 * fn may sleep or do I/O. The walk resumes after the last serial seen,
 * which stays correct when disks come and go meanwhile.
 */
void
disk_foreach(void (*fn)(struct disk *dk, void *arg), void *arg)
{
	uint64_t last = 0;
	struct disk *dk;

	for (;;) {
		mutex_enter(&disk_mtx);
		for (dk = disk_list; dk != NULL; dk = dk->dk_next)
			if (dk->dk_serial > last)
				break;
		if (dk == NULL) {
			mutex_exit(&disk_mtx);
			return;
		}
		dk->dk_refs++;
		last = dk->dk_serial;
		mutex_exit(&disk_mtx);
		fn(dk, arg);
		disk_release(dk);
	}
}
