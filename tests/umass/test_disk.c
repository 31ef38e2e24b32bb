/*
 * The disk layer (sys/kern/disk.c) with a memory driver: attach checks
 * and the log line, bounds, read-only, references, detach waiting for
 * references and for I/O in flight, ENODEV after, foreach order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <kern/callout.h>
#include <kern/disk.h>
#include <kern/kthread.h>

#include "ut.h"

struct md {
	struct disk md_disk;
	uint8_t *md_data;
	int md_calls;
	int md_sleep_ms;	/* each dk_io sleeps this long */
	uint64_t md_last_blk;
	size_t md_last_n;
};

static int
md_io(struct disk *dk, bool write, uint64_t blkno, void *buf, size_t n)
{
	struct md *md = dk->dk_priv;
	size_t off = (size_t)blkno * dk->dk_blksize;

	md->md_calls++;
	md->md_last_blk = blkno;
	md->md_last_n = n;
	if (md->md_sleep_ms > 0)
		ut_sleep_ms(md->md_sleep_ms);
	if (write)
		memcpy(md->md_data + off, buf, n * dk->dk_blksize);
	else
		memcpy(buf, md->md_data + off, n * dk->dk_blksize);
	return 0;
}

static const struct disk_ops md_ops = { .dk_io = md_io };

static struct md *
md_new(const char *name, uint32_t bs, uint64_t n)
{
	struct md *md = calloc(1, sizeof(*md));

	strncpy(md->md_disk.dk_name, name, sizeof(md->md_disk.dk_name) - 1);
	md->md_disk.dk_blksize = bs;
	md->md_disk.dk_nblks = n;
	md->md_disk.dk_ops = &md_ops;
	md->md_disk.dk_priv = md;
	md->md_data = calloc(n, bs);
	return md;
}

static void
md_free(struct md *md)
{
	free(md->md_data);
	free(md);
}

UT_CASE(disk_attach_checks)
{
	struct md *md = md_new("md0", 512, 131072);
	struct md *dup = md_new("md0", 512, 8);
	static const uint32_t bad_bs[] = { 0, 256, 1000, 131072, 513 };

	for (size_t i = 0; i < sizeof(bad_bs) / sizeof(bad_bs[0]); i++) {
		md->md_disk.dk_blksize = bad_bs[i];
		UT_CHECK(disk_attach(&md->md_disk) == EINVAL);
	}
	md->md_disk.dk_blksize = 512;
	md->md_disk.dk_nblks = 0;
	UT_CHECK(disk_attach(&md->md_disk) == EINVAL);
	md->md_disk.dk_nblks = 131072;
	strcpy(md->md_disk.dk_name, "a/b");
	UT_CHECK(disk_attach(&md->md_disk) == EINVAL);
	md->md_disk.dk_name[0] = '\0';
	UT_CHECK(disk_attach(&md->md_disk) == EINVAL);
	memset(md->md_disk.dk_name, 'x', sizeof(md->md_disk.dk_name));
	UT_CHECK(disk_attach(&md->md_disk) == EINVAL);
	memset(md->md_disk.dk_name, 0, sizeof(md->md_disk.dk_name));
	strcpy(md->md_disk.dk_name, "md0");
	UT_CHECK(disk_attach(&md->md_disk) == 0);
	UT_CHECK(ut_dmesg_has("md0: 64 MiB, 131072 blocks of 512 bytes"));
	UT_CHECK(disk_attach(&dup->md_disk) == EEXIST);
	disk_detach(&md->md_disk);
	UT_CHECK(disk_attach(&dup->md_disk) == 0);
	UT_CHECK(ut_dmesg_has("md0: 4096 bytes, 8 blocks of 512 bytes"));
	UT_CHECK(dup->md_disk.dk_serial > md->md_disk.dk_serial);
	disk_detach(&dup->md_disk);
	md_free(md);
	md_free(dup);
}

UT_CASE(disk_bounds_and_readonly)
{
	struct md *md = md_new("md1", 4096, 16);
	struct disk *dk = &md->md_disk;
	uint8_t buf[2 * 4096];

	UT_CHECK(disk_attach(dk) == 0);
	UT_CHECK(ut_dmesg_has("md1: 64 KiB, 16 blocks of 4096 bytes"));
	memset(buf, 0xa5, sizeof(buf));
	UT_CHECK(disk_write(dk, 14, buf, 2) == 0);
	UT_CHECK(md->md_last_blk == 14 && md->md_last_n == 2);
	UT_CHECK(disk_read(dk, 15, buf, 1) == 0);
	UT_CHECK(disk_read(dk, 15, buf, 2) == EINVAL);
	UT_CHECK(disk_read(dk, 16, buf, 1) == EINVAL);
	UT_CHECK(disk_read(dk, 17, buf, 0) == EINVAL);
	UT_CHECK(disk_read(dk, UINT64_MAX, buf, 2) == EINVAL);
	md->md_calls = 0;
	UT_CHECK(disk_read(dk, 16, buf, 0) == 0);
	UT_CHECK(md->md_calls == 0);
	dk->dk_readonly = true;
	UT_CHECK(disk_write(dk, 0, buf, 1) == EROFS);
	UT_CHECK(disk_read(dk, 0, buf, 1) == 0);
	disk_detach(dk);
	UT_CHECK(disk_read(dk, 0, buf, 1) == ENODEV);
	UT_CHECK(disk_write(dk, 0, buf, 1) == ENODEV);
	md_free(md);
}

struct holder {
	struct disk *h_dk;
	int h_ms;
	int h_rv;
	uint64_t h_done_ns;
};

static void
hold_ref(void *arg)
{
	struct holder *h = arg;

	ut_sleep_ms(h->h_ms);
	h->h_done_ns = kclock_ns();
	disk_release(h->h_dk);
	kthread_exit();
}

UT_CASE(disk_detach_waits_for_references)
{
	struct md *md = md_new("md2", 512, 8);
	struct holder h = { 0 };
	struct lwp *l;

	UT_CHECK(disk_attach(&md->md_disk) == 0);
	UT_CHECK(disk_lookup("md9") == NULL);
	h.h_dk = disk_lookup("md2");
	UT_CHECK(h.h_dk == &md->md_disk);
	h.h_ms = 150;
	UT_CHECK(kthread_create(hold_ref, &h, "holder", KTHREAD_MUSTJOIN,
	    &l) == 0);
	disk_detach(&md->md_disk);
	UT_CHECK(h.h_done_ns != 0 && kclock_ns() >= h.h_done_ns);
	UT_CHECK(disk_lookup("md2") == NULL);
	kthread_join(l);
	md_free(md);
}

static void
slow_read(void *arg)
{
	struct holder *h = arg;
	uint8_t buf[512];

	h->h_rv = disk_read(h->h_dk, 0, buf, 1);
	h->h_done_ns = kclock_ns();
	kthread_exit();
}

UT_CASE(disk_detach_waits_for_io)
{
	struct md *md = md_new("md3", 512, 8);
	struct holder h = { 0 };
	uint8_t buf[512];
	struct lwp *l;

	UT_CHECK(disk_attach(&md->md_disk) == 0);
	md->md_sleep_ms = 200;
	h.h_dk = &md->md_disk;
	h.h_rv = -1;
	UT_CHECK(kthread_create(slow_read, &h, "reader", KTHREAD_MUSTJOIN,
	    &l) == 0);
	while (md->md_calls == 0)
		ut_sleep_ms(5);
	disk_detach(&md->md_disk);
	UT_CHECK(h.h_done_ns != 0);
	UT_CHECK(h.h_rv == 0);
	UT_CHECK(disk_read(&md->md_disk, 0, buf, 1) == ENODEV);
	kthread_join(l);
	md_free(md);
}

struct walk {
	char w_seen[64];
	struct md *w_victim;
};

static void
walk_fn(struct disk *dk, void *arg)
{
	struct walk *w = arg;

	strcat(w->w_seen, dk->dk_name);
	strcat(w->w_seen, " ");
	if (w->w_victim != NULL) {
		disk_detach(&w->w_victim->md_disk);
		w->w_victim = NULL;
	}
}

UT_CASE(disk_foreach_order)
{
	struct md *a = md_new("da", 512, 8), *b = md_new("db", 512, 8);
	struct md *c = md_new("dc", 512, 8);
	struct walk w;

	UT_CHECK(disk_attach(&a->md_disk) == 0);
	UT_CHECK(disk_attach(&b->md_disk) == 0);
	UT_CHECK(disk_attach(&c->md_disk) == 0);
	memset(&w, 0, sizeof(w));
	disk_foreach(walk_fn, &w);
	UT_CHECK(strcmp(w.w_seen, "da db dc ") == 0);
	memset(&w, 0, sizeof(w));
	w.w_victim = b;
	disk_foreach(walk_fn, &w);
	UT_CHECK(strcmp(w.w_seen, "da dc ") == 0);
	disk_detach(&a->md_disk);
	disk_detach(&c->md_disk);
	memset(&w, 0, sizeof(w));
	disk_foreach(walk_fn, &w);
	UT_CHECK(w.w_seen[0] == '\0');
	md_free(a);
	md_free(b);
	md_free(c);
}
