#!/bin/bash
# Host tests of USB mass storage: sys/dev/usb/umass.c and umass_scsi.c,
# the disk layer (sys/kern/disk.c) and the application's /dev/sdN
# (sys/libc/devdisk.c, fd.c) over sys/kern + hypercall-posix, under ASan
# and UBSan, against a fake of the USB core (tests/umass/fakeusb.c) with
# a simulated Bulk-Only disk behind it. The real USB core is not linked.
# One binary (umass-tests), run with RUMP_NCPU=1 and RUMP_NCPU=2.
# devdisk.c's pread/pwrite are renamed so that they do not replace the
# host C library's.
# Ends with "N passed, N failed"; exit status 0 iff nothing failed.
# Usage: tests/umass/run.sh BUILDDIR [case-name-prefix]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILDDIR [case-prefix]}
only=${2:-}
mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd)
usbsrc=${UMASS_SRC:-$top/sys/dev/usb}
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -g -O1
	-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -I$top/include -I$top/hypercall-posix
	-I$top/sys/dev/usb -Dpread=devdisk_pread -Dpwrite=devdisk_pwrite"
passed=0
failed=0

srcs="$top/tests/umass/*.c $usbsrc/umass.c $usbsrc/umass_scsi.c
	$top/sys/kern/*.c $top/hypercall-posix/*.c
	$top/sys/libc/devdisk.c $top/sys/libc/fd.c"

RUN_TIMEOUT=600
# shellcheck source=tests/lib/hostrun.sh
. "$top/tests/lib/hostrun.sh"

# shellcheck disable=SC2086
if build_one umass-tests $srcs; then
	run_one ncpu1 umass-tests RUMP_NCPU=1
	run_one ncpu2 umass-tests RUMP_NCPU=2
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
