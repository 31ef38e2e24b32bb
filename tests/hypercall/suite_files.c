/*
 * Conformance cases: files and block I/O. Names are relative (the posix
 * runner starts the suite in a fresh temporary directory). A platform
 * without files answers ENOSYS or ENOENT to a create: the first case
 * probes that once and every file case is then reported as skipped, not
 * failed.
 */
#include <errno.h>
#include <string.h>

#include "suite.h"

#define OPEN_NEW (RUMPUSER_OPEN_RDWR | RUMPUSER_OPEN_CREATE)

static int files_state = -1;	/* -1 unknown, 0 absent, 1 present */

static int
files_present(void)
{
	int fd, rv;

	if (files_state < 0) {
		rv = rumpuser_open("hc-probe.tmp", OPEN_NEW, &fd);
		files_state = !(rv == ENOSYS || rv == ENOENT);
		if (rv == 0)
			rumpuser_close(fd);
	}
	return files_state;
}

#define NOFILES "no files on this platform (open answers ENOSYS/ENOENT)"

static int
t_open_missing(void)
{
	int fd, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	rv = rumpuser_open("hc-missing.tmp", RUMPUSER_OPEN_RDONLY, &fd);
	if (rv != ENOENT)
		return hc_failv("open of a missing file: want ENOENT", rv);
	return HC_PASS;
}

static int
t_open_create(void)
{
	uint64_t size = 99;
	int fd, rv, type = -1;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_open("hc-create.tmp", OPEN_NEW, &fd)) != 0)
		return hc_failv("open with CREATE", rv);
	if ((rv = rumpuser_close(fd)) != 0)
		return hc_failv("close", rv);
	rv = rumpuser_getfileinfo("hc-create.tmp", &size, &type);
	if (rv != 0 || size != 0 || type != RUMPUSER_FT_REG)
		return hc_fail("created file is not an empty regular file");
	return HC_PASS;
}

static int
t_open_excl(void)
{
	int fd, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_open("hc-excl.tmp", OPEN_NEW, &fd)) != 0)
		return hc_failv("open with CREATE", rv);
	rumpuser_close(fd);
	rv = rumpuser_open("hc-excl.tmp", OPEN_NEW | RUMPUSER_OPEN_EXCL, &fd);
	if (rv == 0)
		rumpuser_close(fd);
	if (rv != EEXIST)
		return hc_failv("CREATE|EXCL of an existing file: want EEXIST",
		    rv);
	return HC_PASS;
}

static int
t_close_bad(void)
{
	int rv;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_close(-1)) != EBADF)
		return hc_failv("close(-1): want EBADF", rv);
	return HC_PASS;
}

/* Write "hello, world" at offset 100 in two pieces, read it in three. */
static int
t_iov_offset(void)
{
	char a[] = "hello, ", b[] = "world", r1[4], r2[4], r3[4];
	struct rumpuser_iovec w[2] = {{a, 7}, {b, 5}};
	struct rumpuser_iovec r[3] = {{r1, 4}, {r2, 4}, {r3, 4}};
	size_t n = 0;
	int fd, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_open("hc-iov.tmp", OPEN_NEW, &fd)) != 0)
		return hc_failv("open", rv);
	rv = rumpuser_iovwrite(fd, w, 2, 100, &n);
	if (rv != 0 || n != 12)
		return hc_failv("iovwrite", rv ? rv : (long long)n);
	rv = rumpuser_iovread(fd, r, 3, 100, &n);
	rumpuser_close(fd);
	if (rv != 0 || n != 12)
		return hc_failv("iovread", rv ? rv : (long long)n);
	if (memcmp(r1, "hell", 4) || memcmp(r2, "o, w", 4) ||
	    memcmp(r3, "orld", 4))
		return hc_fail("read back different data");
	return HC_PASS;
}

static int
t_iov_noseek(void)
{
	char buf[8] = {0};
	struct rumpuser_iovec w1 = {"abc", 3}, w2 = {"def", 3};
	struct rumpuser_iovec r = {buf, sizeof(buf)};
	size_t n1 = 0, n2 = 0, n = 0;
	int fd, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_open("hc-noseek.tmp", OPEN_NEW, &fd)) != 0)
		return hc_failv("open", rv);
	rumpuser_iovwrite(fd, &w1, 1, RUMPUSER_IOV_NOSEEK, &n1);
	rumpuser_iovwrite(fd, &w2, 1, RUMPUSER_IOV_NOSEEK, &n2);
	rumpuser_close(fd);
	if (n1 != 3 || n2 != 3)
		return hc_fail("sequential writes incomplete");
	if ((rv = rumpuser_open("hc-noseek.tmp", RUMPUSER_OPEN_RDONLY, &fd)))
		return hc_failv("reopen", rv);
	rv = rumpuser_iovread(fd, &r, 1, RUMPUSER_IOV_NOSEEK, &n);
	rumpuser_close(fd);
	if (rv != 0 || n != 6 || memcmp(buf, "abcdef", 6) != 0)
		return hc_fail("sequential read did not see both writes");
	return HC_PASS;
}

static int
t_fileinfo(void)
{
	uint64_t size = 0;
	int type = -1, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	if (t_iov_offset() != HC_PASS)
		return HC_FAIL;
	if ((rv = rumpuser_getfileinfo("hc-iov.tmp", &size, &type)) != 0)
		return hc_failv("getfileinfo", rv);
	if (size != 112)
		return hc_failv("size after 12 bytes at 100", (long long)size);
	if (type != RUMPUSER_FT_REG)
		return hc_failv("type", type);
	if ((rv = rumpuser_getfileinfo("hc-iov.tmp", NULL, NULL)) != 0)
		return hc_failv("getfileinfo with NULL outputs", rv);
	return HC_PASS;
}

static int
t_fileinfo_dir(void)
{
	int type = -1, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_getfileinfo(".", NULL, &type)) != 0)
		return hc_failv("getfileinfo(\".\")", rv);
	if (type != RUMPUSER_FT_DIR)
		return hc_failv("\".\" type", type);
	return HC_PASS;
}

static int
t_fileinfo_missing(void)
{
	uint64_t size;
	int type, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	rv = rumpuser_getfileinfo("hc-missing.tmp", &size, &type);
	if (rv != ENOENT)
		return hc_failv("want ENOENT", rv);
	return HC_PASS;
}

static int
t_iov_bad_fd(void)
{
	char c;
	struct rumpuser_iovec v = {&c, 1};
	size_t n;
	int rv;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_iovread(-1, &v, 1, 0, &n)) != EBADF)
		return hc_failv("iovread on fd -1: want EBADF", rv);
	return HC_PASS;
}

static int
t_iovwrite_rdonly(void)
{
	struct rumpuser_iovec v = {"x", 1};
	size_t n;
	int fd, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_open("hc-create.tmp", RUMPUSER_OPEN_RDONLY, &fd)))
		return hc_failv("open", rv);
	rv = rumpuser_iovwrite(fd, &v, 1, 0, &n);
	rumpuser_close(fd);
	if (rv != EBADF)
		return hc_failv("write to a read-only fd: want EBADF", rv);
	return HC_PASS;
}

static int
t_syncfd(void)
{
	int fd, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_open("hc-sync.tmp", OPEN_NEW, &fd)) != 0)
		return hc_failv("open", rv);
	if ((rv = rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE, 0, 0)) != 0)
		return hc_failv("syncfd WRITE", rv);
	rv = rumpuser_syncfd(fd, RUMPUSER_SYNCFD_BOTH | RUMPUSER_SYNCFD_SYNC |
	    RUMPUSER_SYNCFD_BARRIER, 0, 0);
	if (rv != 0)
		return hc_failv("syncfd BOTH|SYNC|BARRIER", rv);
	if ((rv = rumpuser_syncfd(fd, RUMPUSER_SYNCFD_READ, 0, 4096)) != 0)
		return hc_failv("syncfd READ", rv);
	rv = rumpuser_syncfd(fd, 0, 0, 0);
	rumpuser_close(fd);
	if (rv != EINVAL)
		return hc_failv("syncfd flags 0: want EINVAL", rv);
	return HC_PASS;
}

/* --- block I/O -------------------------------------------------------- */

struct biowait {
	struct hc_flag b_flag;
	size_t b_done;
	int b_error;
	int b_context_ok;	/* biodone ran scheduled, with an lwp */
};

static void
biodone_fn(void *arg, size_t done, int error)
{
	struct biowait *b = arg;

	b->b_done = done;
	b->b_error = error;
	b->b_context_ok = fk_have_cpu() && rumpuser_curlwp() != NULL;
	hc_flag_add(&b->b_flag, 1);
}

static int
bio_wait(int fd, int op, void *buf, size_t len, int64_t off, size_t *done)
{
	struct biowait b = {.b_done = 0};
	int rv;

	hc_flag_init(&b.b_flag);
	rumpuser_bio(fd, op, buf, len, off, biodone_fn, &b);
	hc_flag_wait(&b.b_flag, 1);
	hc_flag_destroy(&b.b_flag);
	if (!b.b_context_ok)
		return hc_fail("biodone ran outside the rump kernel");
	*done = b.b_done;
	rv = b.b_error;
	return rv ? hc_failv("bio error", rv) : HC_PASS;
}

static int
bio_roundtrip(int wop)
{
	static unsigned char out[4096], in[4096];
	const int mode = OPEN_NEW | RUMPUSER_OPEN_BIO;
	size_t i, done = 0;
	int fd, rv;

	if (!files_present())
		return hc_skip(NOFILES);
	for (i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)(i * 7 + 3);
	if ((rv = rumpuser_open("hc-bio.tmp", mode, &fd)) != 0)
		return hc_failv("open BIO", rv);
	rv = bio_wait(fd, wop, out, sizeof(out), 8192, &done);
	if (rv == HC_PASS && done != sizeof(out))
		rv = hc_failv("bio write transferred", (long long)done);
	if (rv == HC_PASS)
		rv = bio_wait(fd, RUMPUSER_BIO_READ, in, sizeof(in), 8192,
		    &done);
	rumpuser_close(fd);
	if (rv != HC_PASS)
		return rv;
	if (done != sizeof(in) || memcmp(in, out, sizeof(in)) != 0)
		return hc_fail("bio read back different data");
	return HC_PASS;
}

static int
t_bio_roundtrip(void)
{
	return bio_roundtrip(RUMPUSER_BIO_WRITE);
}

static int
t_bio_sync(void)
{
	return bio_roundtrip(RUMPUSER_BIO_WRITE | RUMPUSER_BIO_SYNC);
}

static int
t_bio_bad_fd(void)
{
	struct biowait b = {.b_done = 0};
	static unsigned char buf[512];

	if (!files_present())
		return hc_skip(NOFILES);
	hc_flag_init(&b.b_flag);
	rumpuser_bio(-1, RUMPUSER_BIO_READ, buf, sizeof(buf), 0, biodone_fn,
	    &b);
	hc_flag_wait(&b.b_flag, 1);
	hc_flag_destroy(&b.b_flag);
	if (b.b_error == 0)
		return hc_fail("bio on fd -1 reported success");
	return HC_PASS;
}

#define NBIO 16

static void
biocount_fn(void *arg, size_t done, int error)
{
	struct biowait *b = arg;

	if (error != 0 || done != 512)
		__atomic_store_n(&b->b_error, error ? error : -1,
		    __ATOMIC_RELAXED);
	hc_flag_add(&b->b_flag, 1);
}

/* Many requests in flight at once; each completes exactly once. */
static int
t_bio_many(void)
{
	static unsigned char buf[NBIO][512];
	struct biowait b = {.b_done = 0};
	int fd, rv, i;

	if (!files_present())
		return hc_skip(NOFILES);
	if ((rv = rumpuser_open("hc-biomany.tmp", OPEN_NEW, &fd)) != 0)
		return hc_failv("open", rv);
	hc_flag_init(&b.b_flag);
	for (i = 0; i < NBIO; i++) {
		memset(buf[i], i, sizeof(buf[i]));
		rumpuser_bio(fd, RUMPUSER_BIO_WRITE, buf[i], sizeof(buf[i]),
		    (int64_t)i * 512, biocount_fn, &b);
	}
	hc_flag_wait(&b.b_flag, NBIO);
	hc_sleep_ns(20 * HC_MS);	/* a duplicate completion shows up */
	rv = hc_flag_get(&b.b_flag);
	hc_flag_destroy(&b.b_flag);
	rumpuser_close(fd);
	if (rv != NBIO)
		return hc_failv("completions", rv);
	if (b.b_error != 0)
		return hc_failv("a request failed", b.b_error);
	return HC_PASS;
}

const struct hc_case hc_cases_files[] = {
	{"file_open_missing_enoent", t_open_missing},
	{"file_open_create", t_open_create},
	{"file_open_create_excl_eexist", t_open_excl},
	{"file_close_bad_fd", t_close_bad},
	{"file_iov_roundtrip_offset", t_iov_offset},
	{"file_iov_noseek_sequential", t_iov_noseek},
	{"file_getfileinfo_size_type", t_fileinfo},
	{"file_getfileinfo_dir", t_fileinfo_dir},
	{"file_getfileinfo_missing", t_fileinfo_missing},
	{"file_iovread_bad_fd", t_iov_bad_fd},
	{"file_iovwrite_rdonly_ebadf", t_iovwrite_rdonly},
	{"file_syncfd", t_syncfd},
	{"bio_write_read_biodone", t_bio_roundtrip},
	{"bio_sync_write", t_bio_sync},
	{"bio_bad_fd_reports_error", t_bio_bad_fd},
	{"bio_16_in_flight", t_bio_many},
	{NULL, NULL},
};
