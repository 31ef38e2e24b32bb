/*
 * usbbench: our guest's side of bench/usb. The kernel attached the USB
 * keyboard (ukbdN), disk (sdN) and network interface (cdceN) before
 * main, each with a line on the console that the host times; this
 * checks that all three are there (waiting for them if not), then reads
 * the disk from the start in 1 MiB read()s through /dev/sdN and says
 * how fast, like `dd if=/dev/sda of=/dev/null bs=1M count=N` in the
 * Linux guest, and hashes the first MiB for the host to compare with
 * the image it made.
 *
 *	usbbench [-t MiB] [-r reads] [-W seconds]
 *
 *	-t MiB      read this much (default 64; at most the disk's size)
 *	-r reads    read it this many times, each from the start (default 1;
 *	            nothing is cached: each read goes to the device)
 *	-W seconds  wait this long for the three to attach (default 10)
 *
 * Lines, in this order: "usbbench: keyboard ukbd0, disk sd0, network
 * cdce0 attached by S s" (the guest's clock at the moment this saw
 * them), "usbbench: cdce0 ..." (the interface, from the network
 * stack), per read "usbbench: reading N MiB" (for the host's check of
 * the guest's clock) and "usbbench: read N MiB in T ms: R MB/s",
 * "usbbench: sha256 of the first MiB of /dev/sd0: HEX", then
 * "usbbench: done" (exit 0), or "usbbench: FAIL why" (exit 1).
 *
 * It uses the network (rumpmetal_netinfo) so that the image links the
 * network stack and with it the CDC-ECM driver.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rumpmetal/net.h>

#include <kern/device.h>
#include <kern/disk.h>
#include <kern/rump.h>

#include "../../../apps/nc/sha256.h"

#define CHUNK (1024 * 1024)

struct found {
	char f_kbd[16], f_disk[16], f_net[16];
	unsigned long long f_bytes;	/* the disk's size */
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
fail(const char *why)
{
	printf("usbbench: FAIL %s\n", why);
	return 1;
}

/* The first device whose name is prefix + a unit number. */
static void
note(char *dst, const char *name, const char *prefix)
{
	size_t n = strlen(prefix);

	if (dst[0] == '\0' && strncmp(name, prefix, n) == 0 &&
	    name[n] >= '0' && name[n] <= '9')
		snprintf(dst, 16, "%s", name);
}

/* Runs under the tree's lock: copy names only. */
static int
visit(device_t dev, int depth, void *arg)
{
	struct found *f = arg;

	(void)depth;
	if (depth > 0) {
		note(f->f_kbd, device_xname(dev), "ukbd");
		note(f->f_net, device_xname(dev), "cdce");
	}
	return 0;
}

static void
visit_disk(struct disk *dk, void *arg)
{
	struct found *f = arg;

	if (f->f_disk[0] == '\0') {
		snprintf(f->f_disk, sizeof(f->f_disk), "%s", dk->dk_name);
		f->f_bytes = dk->dk_nblks * dk->dk_blksize;
	}
}

static int
scan(struct found *f)
{
	memset(f, 0, sizeof(*f));
	rump_schedule();
	config_walk(visit, f);
	disk_foreach(visit_disk, f);
	rump_unschedule();
	return f->f_kbd[0] != '\0' && f->f_disk[0] != '\0' &&
	    f->f_net[0] != '\0';
}

static int
wait_all(struct found *f, unsigned wait_s)
{
	double end = now() + wait_s;

	while (!scan(f)) {
		if (now() >= end) {
			printf("usbbench: after %u s: keyboard %s, disk %s, "
			    "network %s\n", wait_s, f->f_kbd[0] ? f->f_kbd :
			    "none", f->f_disk[0] ? f->f_disk : "none",
			    f->f_net[0] ? f->f_net : "none");
			return fail("not all three attached");
		}
		usleep(10000);
	}
	printf("usbbench: keyboard %s, disk %s, network %s attached by "
	    "%.6f s\n", f->f_kbd, f->f_disk, f->f_net, now());
	return 0;
}

/* The network stack's line for the interface. */
static void
print_netif(const char *ifname)
{
	static char buf[2048];
	size_t n = strlen(ifname);

	rumpmetal_netinfo(buf, sizeof(buf));
	for (char *l = strtok(buf, "\n"); l != NULL; l = strtok(NULL, "\n"))
		if (strncmp(l, ifname, n) == 0 && l[n] == ' ')
			printf("usbbench: %s\n", l);
}

static int
throughput(int fd, unsigned long long total, uint8_t *buf)
{
	double t0, ms;
	ssize_t r;

	if (lseek(fd, 0, SEEK_SET) != 0)
		return fail("lseek");
	printf("usbbench: reading %llu MiB\n", total >> 20);
	fflush(stdout);
	t0 = now();
	for (unsigned long long done = 0; done < total; done += CHUNK)
		if ((r = read(fd, buf, CHUNK)) != CHUNK) {
			printf("usbbench: read at %llu: %s\n", done,
			    r < 0 ? strerror(errno) : "short");
			return fail("read");
		}
	ms = (now() - t0) * 1000;
	printf("usbbench: read %llu MiB in %.1f ms: %.1f MB/s\n", total >> 20,
	    ms, (double)total / 1000 / (ms > 0 ? ms : 1));
	return 0;
}

static int
hash_first(int fd, const char *path, uint8_t *buf)
{
	uint8_t digest[SHA256_LEN];
	struct sha256 s;
	char hex[65];

	if (pread(fd, buf, CHUNK, 0) != CHUNK)
		return fail("reading the first MiB");
	sha256_init(&s);
	sha256_update(&s, buf, CHUNK);
	sha256_final(&s, digest);
	sha256_hex(digest, hex);
	printf("usbbench: sha256 of the first MiB of %s: %s\n", path, hex);
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned long long total = 64ULL << 20;
	unsigned wait_s = 10, reads = 1;
	struct found f;
	char path[32];
	uint8_t *buf;
	int c, fd, rv;

	while ((c = getopt(argc, argv, "t:r:W:")) != -1) {
		switch (c) {
		case 't': total = strtoull(optarg, NULL, 0) << 20; break;
		case 'r': reads = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'W': wait_s = (unsigned)strtoul(optarg, NULL, 0); break;
		default:
			printf("usage: usbbench [-t MiB] [-r reads] "
			    "[-W seconds]\n");
			return 2;
		}
	}
	if (wait_all(&f, wait_s) != 0)
		return 1;
	print_netif(f.f_net);
	if (total > f.f_bytes)
		total = f.f_bytes - f.f_bytes % CHUNK;
	if (total == 0)
		return fail("the disk is smaller than 1 MiB");
	if ((buf = malloc(CHUNK)) == NULL)
		return fail("no memory");
	snprintf(path, sizeof(path), "/dev/%s", f.f_disk);
	if ((fd = open(path, O_RDONLY)) < 0) {
		printf("usbbench: open %s: %s\n", path, strerror(errno));
		return fail("open");
	}
	rv = 0;
	for (unsigned i = 0; i < reads && rv == 0; i++)
		rv = throughput(fd, total, buf);
	if (rv == 0)
		rv = hash_first(fd, path, buf);
	close(fd);
	free(buf);
	if (rv == 0)
		printf("usbbench: done\n");
	return rv;
}
