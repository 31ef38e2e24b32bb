/*
 * usbdisk: USB disks from the application's side. Lists the disks of
 * the kernel's disk layer, then through /dev/<disk> (open, read, pread,
 * pwrite, lseek, fstat of the C library):
 *   - hashes blocks 0..N-1 with SHA-256 (and compares with a digest
 *     the host computed over the same bytes, if given);
 *   - writes a recognizable block, reads it back and compares;
 *   - measures sequential read throughput.
 *
 *	usbdisk [-d disk] [-n blocks] [-e sha256] [-w block] [-t MiB]
 *	        [-W seconds] [-u]
 *
 *	-d disk     the disk to use (default: the first one, e.g. sd0)
 *	-n blocks   blocks to hash from block 0 (default 2048; 0: none)
 *	-e sha256   the digest the host expects for those blocks
 *	-w block    write block number <block> (default: no write)
 *	-t MiB      read this much for the throughput (default 16; 0: none)
 *	-W seconds  wait this long for a disk to appear (default 10), and
 *	            with -u for it to go
 *	-u          at the end, read until the disk is unplugged: the reads
 *	            must fail with ENODEV and the disk must leave the list
 *
 * The block written is rows of 32 bytes, "usbdisk blk %010llu row
 * %04u\n" for row 0, 1, ..., so that the host can check it in the
 * image (tests/qemu/usb-storage*).
 *
 * Lines for tests, in this order: "usbdisk: waiting up to S s for a
 * disk" (only if there is none yet), "usbdisk: sdN: ..." per disk,
 * "usbdisk: sha256 ...", "usbdisk: sha256 matches the host's",
 * "usbdisk: block B written and read back: same", "usbdisk: read N MiB
 * in T ms: R MB/s", with -u "usbdisk: reading until sdN is unplugged",
 * "usbdisk: read after N MiB: ENODEV (...)", "usbdisk: sdN is gone",
 * then "usbdisk: PASS" (exit 0) or "usbdisk: FAIL <why>" (exit 1). Bad
 * arguments exit 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <kern/disk.h>
#include <kern/rump.h>

#include "../nc/sha256.h"

#define MAXDISKS 16
#define CHUNK (1024 * 1024)
#define ROW 32

struct opts {
	const char *o_disk;
	unsigned long long o_hash;	/* blocks to hash */
	const char *o_expect;
	long long o_wblk;		/* -1: no write */
	unsigned o_tmib;
	unsigned o_wait;
	int o_unplug;
};

struct diskinfo {
	char di_name[16];
	char di_descr[48];
	uint32_t di_blksize;
	uint64_t di_nblks;
	int di_ro;
};

static struct diskinfo disks[MAXDISKS];
static int ndisks;
static uint8_t *iobuf;

static int
fail(const char *why)
{
	printf("usbdisk: FAIL %s\n", why);
	return 1;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* Runs with a CPU and a reference held: copy only. */
static void
collect(struct disk *dk, void *arg)
{
	struct diskinfo *di = &disks[ndisks];

	(void)arg;
	if (ndisks == MAXDISKS)
		return;
	memcpy(di->di_name, dk->dk_name, sizeof(di->di_name));
	memcpy(di->di_descr, dk->dk_descr, sizeof(di->di_descr));
	di->di_blksize = dk->dk_blksize;
	di->di_nblks = dk->dk_nblks;
	di->di_ro = dk->dk_readonly;
	ndisks++;
}

static void
scan(void)
{
	ndisks = 0;
	rump_schedule();
	disk_foreach(collect, NULL);
	rump_unschedule();
}

static const struct diskinfo *
find_disk(const char *name)
{
	for (int i = 0; i < ndisks; i++)
		if (name == NULL || strcmp(disks[i].di_name, name) == 0)
			return &disks[i];
	return NULL;
}

static void
print_disks(void)
{
	for (int i = 0; i < ndisks; i++) {
		const struct diskinfo *di = &disks[i];
		unsigned long long kib = di->di_nblks * di->di_blksize / 1024;

		printf("usbdisk: %s: %llu %s, %llu blocks of %u bytes%s, "
		    "\"%s\"\n", di->di_name, kib >= 10240 ? kib / 1024 : kib,
		    kib >= 10240 ? "MiB" : "KiB",
		    (unsigned long long)di->di_nblks, (unsigned)di->di_blksize,
		    di->di_ro ? ", read-only" : "", di->di_descr);
	}
}

/* Wait up to o_wait seconds for the disk (or any disk). */
static const struct diskinfo *
wait_disk(const struct opts *o)
{
	double end = now_ms() + o->o_wait * 1000.0;
	const struct diskinfo *di;

	for (int first = 1;; first = 0) {
		scan();
		if ((di = find_disk(o->o_disk)) != NULL || now_ms() >= end)
			return di;
		if (first)
			printf("usbdisk: waiting up to %u s for %s\n", o->o_wait,
			    o->o_disk != NULL ? o->o_disk : "a disk");
		usleep(100000);
	}
}

static int
hash_blocks(int fd, const struct diskinfo *di, const struct opts *o)
{
	unsigned long long n = o->o_hash, done = 0, bytes;
	uint8_t digest[SHA256_LEN];
	struct sha256 s;
	char hex[65];
	ssize_t r;

	if (n > di->di_nblks)
		n = di->di_nblks;
	bytes = n * di->di_blksize;
	sha256_init(&s);
	while (done < bytes) {
		size_t want = bytes - done < CHUNK ? bytes - done : CHUNK;

		if ((r = pread(fd, iobuf, want, (off_t)done)) != (ssize_t)want) {
			printf("usbdisk: read at %llu: %s\n", done,
			    r < 0 ? strerror(errno) : "short");
			return fail("reading the blocks to hash");
		}
		sha256_update(&s, iobuf, want);
		done += want;
	}
	sha256_final(&s, digest);
	sha256_hex(digest, hex);
	printf("usbdisk: sha256 of %s blocks 0-%llu (%llu bytes): %s\n",
	    di->di_name, n - 1, bytes, hex);
	if (o->o_expect == NULL)
		return 0;
	if (strcmp(o->o_expect, hex) != 0) {
		printf("usbdisk: the host expected %s\n", o->o_expect);
		return fail("sha256 differs from the host's");
	}
	printf("usbdisk: sha256 matches the host's\n");
	return 0;
}

static void
make_block(uint8_t *b, uint32_t bs, unsigned long long blk)
{
	char row[64];		/* 32 bytes while blk < 10^10 */

	for (uint32_t r = 0; r < bs / ROW; r++) {
		snprintf(row, sizeof(row), "usbdisk blk %010llu row %04u\n",
		    blk, (unsigned)r);
		memcpy(b + (size_t)r * ROW, row, ROW);
	}
}

static int
write_block(int fd, const struct diskinfo *di, unsigned long long blk)
{
	uint32_t bs = di->di_blksize;
	uint8_t *back = iobuf + bs;
	off_t off = (off_t)(blk * bs);

	if (blk >= di->di_nblks)
		return fail("block to write is past the end");
	make_block(iobuf, bs, blk);
	if (pwrite(fd, iobuf, bs, off) != (ssize_t)bs) {
		printf("usbdisk: write block %llu: %s\n", blk, strerror(errno));
		return fail("write");
	}
	memset(back, 0, bs);
	if (pread(fd, back, bs, off) != (ssize_t)bs) {
		printf("usbdisk: read block %llu: %s\n", blk, strerror(errno));
		return fail("read back");
	}
	if (memcmp(iobuf, back, bs) != 0)
		return fail("block read back differs");
	printf("usbdisk: block %llu written and read back: same\n", blk);
	return 0;
}

static int
throughput(int fd, const struct diskinfo *di, unsigned mib)
{
	unsigned long long total = (unsigned long long)mib << 20, done = 0;
	unsigned long long size = di->di_nblks * di->di_blksize;
	double t0, ms;
	ssize_t r;

	if (total > size)
		total = size - size % CHUNK;
	if (total == 0 || lseek(fd, 0, SEEK_SET) != 0)
		return fail("throughput: disk too small or lseek failed");
	t0 = now_ms();
	for (; done < total; done += (unsigned long long)r)
		if ((r = read(fd, iobuf, CHUNK)) != CHUNK)
			return fail("throughput: read");
	ms = now_ms() - t0;
	printf("usbdisk: read %llu MiB in %.0f ms: %.1f MB/s\n", total >> 20,
	    ms, (double)total / 1000.0 / (ms > 0 ? ms : 1));
	return 0;
}

static int
parse(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ NULL, 2048, NULL, -1, 16, 10, 0 };
	while ((c = getopt(argc, argv, "d:n:e:w:t:W:u")) != -1) {
		switch (c) {
		case 'd': o->o_disk = optarg; break;
		case 'n': o->o_hash = strtoull(optarg, NULL, 0); break;
		case 'e': o->o_expect = optarg; break;
		case 'w': o->o_wblk = strtoll(optarg, NULL, 0); break;
		case 't': o->o_tmib = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'W': o->o_wait = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'u': o->o_unplug = 1; break;
		default: return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* Read (wrapping around) until the reads fail: they must fail with
 * ENODEV, and the disk must then leave the list. */
static int
until_unplugged(int fd, const struct diskinfo *di, const struct opts *o)
{
	unsigned long long size = di->di_nblks * di->di_blksize, n = 0;
	char name[16];
	double end;
	ssize_t r;

	memcpy(name, di->di_name, sizeof(name));
	printf("usbdisk: reading until %s is unplugged\n", name);
	for (;;) {
		r = pread(fd, iobuf, 65536, (off_t)((n * 65536) % size));
		if (r < 0)
			break;
		n++;
	}
	printf("usbdisk: read after %llu MiB: %s (%s)\n", n / 16,
	    errno == ENODEV ? "ENODEV" : "not ENODEV", strerror(errno));
	if (errno != ENODEV)
		return fail("a read on an unplugged disk did not fail ENODEV");
	end = now_ms() + o->o_wait * 1000.0;
	do {
		usleep(50000);
		scan();
	} while (find_disk(name) != NULL && now_ms() < end);
	if (find_disk(name) != NULL)
		return fail("the unplugged disk is still listed");
	printf("usbdisk: %s is gone\n", name);
	if (read(fd, iobuf, 512) != -1 || errno != ENODEV)
		return fail("read after detach did not fail ENODEV");
	return 0;
}

/* The work on one open disk. */
static int
run(int fd, const struct diskinfo *di, const struct opts *o)
{
	struct stat st;

	if (fstat(fd, &st) != 0 || !S_ISBLK(st.st_mode) ||
	    (unsigned long long)st.st_size != di->di_nblks * di->di_blksize)
		return fail("fstat does not describe the disk");
	if (o->o_hash > 0 && hash_blocks(fd, di, o) != 0)
		return 1;
	if (o->o_wblk >= 0 && write_block(fd, di, (unsigned long long)o->o_wblk))
		return 1;
	if (o->o_tmib > 0 && throughput(fd, di, o->o_tmib) != 0)
		return 1;
	if (o->o_unplug && until_unplugged(fd, di, o) != 0)
		return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	const struct diskinfo *di;
	struct opts o;
	char path[32];
	int fd, rv;

	if (parse(argc, argv, &o) != 0) {
		printf("usage: usbdisk [-d disk] [-n blocks] [-e sha256] "
		    "[-w block] [-t MiB] [-W seconds] [-u]\n");
		return 2;
	}
	di = wait_disk(&o);
	print_disks();
	if (di == NULL)
		return fail(o.o_disk != NULL ? "no such disk" : "no disk");
	if ((iobuf = malloc(CHUNK)) == NULL)
		return fail("no memory");
	snprintf(path, sizeof(path), "/dev/%s", di->di_name);
	if ((fd = open(path, o.o_wblk >= 0 ? O_RDWR : O_RDONLY)) < 0) {
		printf("usbdisk: open %s: %s\n", path, strerror(errno));
		return fail("open");
	}
	rv = run(fd, di, &o);
	close(fd);
	if (rv == 0)
		printf("usbdisk: PASS\n");
	return rv;
}
