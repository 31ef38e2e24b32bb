/*
 * The application's /dev/sd0 (sys/libc/devdisk.c and the descriptor
 * table of fd.c) over the fake device: open modes, read/write/lseek,
 * pread/pwrite (renamed for the host build), fstat/stat/fcntl, block
 * alignment, the end of the disk, ENODEV once the disk is gone (also
 * when another disk took its name), read-only disks. The calls take a
 * CPU themselves, so the cases give theirs back around them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <kern/disk.h>
#include <kern/rump.h>

#include "../../sys/libc/devdisk.h"
#include "fakeusb.h"
#include "ut.h"

#define BS 512
#define NBLKS 2048

UT_CASE(devdisk_open_errors)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);

	rump_unschedule();
	errno = 0;
	UT_CHECK(devdisk_open("/dev/sd7", O_RDONLY) == -1 && errno == ENOENT);
	UT_CHECK(devdisk_open("/dev/", O_RDONLY) == -1 && errno == ENOENT);
	UT_CHECK(devdisk_open("/dev/sd0/x", O_RDONLY) == -1 && errno == ENOENT);
	UT_CHECK(devdisk_open("/dev/sd0", 3) == -1 && errno == EINVAL);
	UT_CHECK(devdisk_open("/dev/sd0", O_RDWR | O_CREAT | O_EXCL) == -1 &&
	    errno == EEXIST);
	UT_CHECK(!devdisk_path("/etc/passwd") && devdisk_path("/dev/sd0"));
	rump_schedule();
	fake_msd_destroy(fm);
}

UT_CASE(devdisk_read_write_seek)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	uint8_t w[4 * BS], r[4 * BS];
	struct stat st;
	int fd;

	for (size_t i = 0; i < sizeof(w); i++)
		w[i] = (uint8_t)(i * 3 + 7);
	rump_unschedule();
	fd = devdisk_open("/dev/sd0", O_RDWR);
	UT_CHECK(fd > 2);
	UT_CHECK(devdisk_fstat(fd, &st) == 0);
	UT_CHECK(S_ISBLK(st.st_mode) && st.st_size == NBLKS * BS &&
	    st.st_blksize == BS);
	UT_CHECK(devdisk_stat("/dev/sd0", &st) == 0 && S_ISBLK(st.st_mode));
	UT_CHECK(devdisk_fcntl(fd, F_GETFL, 0) == O_RDWR);
	UT_CHECK(devdisk_lseek(fd, 10 * BS, SEEK_SET) == 10 * BS);
	UT_CHECK(devdisk_write(fd, w, 2 * BS) == 2 * BS);
	UT_CHECK(devdisk_lseek(fd, 0, SEEK_CUR) == 12 * BS);
	UT_CHECK(devdisk_lseek(fd, -2 * BS, SEEK_CUR) == 10 * BS);
	UT_CHECK(devdisk_read(fd, r, 2 * BS) == 2 * BS);
	UT_CHECK(memcmp(w, r, 2 * BS) == 0);
	UT_CHECK(pwrite(fd, w, 4 * BS, 100 * BS) == 4 * BS);
	UT_CHECK(pread(fd, r, 4 * BS, 100 * BS) == 4 * BS);
	UT_CHECK(memcmp(w, r, 4 * BS) == 0);
	UT_CHECK(devdisk_lseek(fd, 0, SEEK_CUR) == 12 * BS);
	/* Alignment. */
	UT_CHECK(devdisk_read(fd, r, 100) == -1 && errno == EINVAL);
	UT_CHECK(pread(fd, r, BS, 3) == -1 && errno == EINVAL);
	UT_CHECK(devdisk_lseek(fd, 7, SEEK_SET) == 7);
	UT_CHECK(devdisk_write(fd, w, BS) == -1 && errno == EINVAL);
	UT_CHECK(devdisk_lseek(fd, -8, SEEK_CUR) == -1 && errno == EINVAL);
	UT_CHECK(devdisk_lseek(fd, 0, 42) == -1 && errno == EINVAL);
	/* The end. */
	UT_CHECK(devdisk_lseek(fd, 0, SEEK_END) == NBLKS * BS);
	UT_CHECK(devdisk_read(fd, r, BS) == 0);
	UT_CHECK(devdisk_write(fd, w, BS) == -1 && errno == ENOSPC);
	UT_CHECK(pread(fd, r, 4 * BS, (NBLKS - 1) * BS) == BS);
	UT_CHECK(pwrite(fd, w, 4 * BS, (NBLKS - 2) * BS) == 2 * BS);
	UT_CHECK(pread(fd, r, BS, (NBLKS + 5) * BS) == 0);
	UT_CHECK(devdisk_close(fd) == 0);
	rump_schedule();
	UT_CHECK(ut_same_as_device(fm, 0, 10, w, 2, BS));
	UT_CHECK(ut_same_as_device(fm, 0, 100, w, 4, BS));
	UT_CHECK(ut_same_as_device(fm, 0, NBLKS - 2, w, 2, BS));
	fake_msd_destroy(fm);
}

UT_CASE(devdisk_modes)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	uint8_t b[BS];
	int ro, wo;

	rump_unschedule();
	ro = devdisk_open("/dev/sd0", O_RDONLY);
	wo = devdisk_open("/dev/sd0", O_WRONLY);
	UT_CHECK(ro > 2 && wo > 2 && ro != wo);
	UT_CHECK(devdisk_read(ro, b, BS) == BS);
	UT_CHECK(devdisk_write(ro, b, BS) == -1 && errno == EBADF);
	UT_CHECK(pwrite(ro, b, BS, 0) == -1 && errno == EBADF);
	UT_CHECK(devdisk_read(wo, b, BS) == -1 && errno == EBADF);
	UT_CHECK(devdisk_write(wo, b, BS) == BS);
	UT_CHECK(pread(1, b, BS, 0) == -1 && errno == ESPIPE);
	UT_CHECK(pread(77, b, BS, 0) == -1 && errno == EBADF);
	UT_CHECK(devdisk_close(ro) == 0 && devdisk_close(wo) == 0);
	rump_schedule();
	fake_msd_destroy(fm);

	fm = fake_msd_create(BS, NBLKS);
	fm->fm_lun[0].fl_wp = fm->fm_lun[0].fl_wp_mode = true;
	UT_CHECK(fake_msd_attach(fm) != NULL);
	rump_unschedule();
	UT_CHECK(devdisk_open("/dev/sd0", O_RDWR) == -1 && errno == EROFS);
	ro = devdisk_open("/dev/sd0", O_RDONLY);
	UT_CHECK(ro > 2 && devdisk_read(ro, b, BS) == BS);
	UT_CHECK(devdisk_close(ro) == 0);
	rump_schedule();
	fake_msd_destroy(fm);
}

UT_CASE(devdisk_gone)
{
	struct fake_msd *fm = ut_disk(BS, NBLKS);
	uint8_t b[BS];
	struct stat st;
	int fd, fd2;

	rump_unschedule();
	fd = devdisk_open("/dev/sd0", O_RDWR);
	UT_CHECK(fd > 2 && devdisk_read(fd, b, BS) == BS);
	rump_schedule();
	fake_msd_set_gone(fm);
	fake_msd_destroy(fm);		/* unplugged while open: no wait */
	rump_unschedule();
	UT_CHECK(devdisk_read(fd, b, BS) == -1 && errno == ENODEV);
	UT_CHECK(devdisk_write(fd, b, BS) == -1 && errno == ENODEV);
	UT_CHECK(pread(fd, b, BS, 0) == -1 && errno == ENODEV);
	UT_CHECK(devdisk_fstat(fd, &st) == -1 && errno == ENODEV);
	UT_CHECK(devdisk_lseek(fd, 0, SEEK_SET) == -1 && errno == ENODEV);
	UT_CHECK(devdisk_open("/dev/sd0", O_RDONLY) == -1 && errno == ENOENT);
	rump_schedule();
	fm = ut_disk(BS, 64);		/* another disk called sd0 */
	rump_unschedule();
	UT_CHECK(devdisk_read(fd, b, BS) == -1 && errno == ENODEV);
	fd2 = devdisk_open("/dev/sd0", O_RDONLY);
	UT_CHECK(fd2 > 2 && fd2 != fd && devdisk_read(fd2, b, BS) == BS);
	UT_CHECK(devdisk_close(fd) == 0 && devdisk_close(fd2) == 0);
	rump_schedule();
	fake_msd_destroy(fm);
}
