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

run_one() {	# label env...
	local label=$1 log last p f status
	shift
	log="$build/$label.log"
	# shellcheck disable=SC2086
	env "$@" ASAN_OPTIONS=allocator_may_return_null=1 \
	    timeout 600 "$build/umass-tests" $only >"$log" 2>&1
	status=$?
	grep -E '^FAIL |check failed|^    [0-9]+ ' "$log" | sed "s/^/[$label] /"
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$last" ]; then
		tail -n 30 "$log"
		[ "$status" -eq 124 ] && echo "[$label] timed out (hang?)"
		echo "[$label] no result line, exit status $status"
		failed=$((failed + 1))
		return
	fi
	p=${last%% passed*}
	f=${last#*passed, }
	f=${f%% failed*}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		tail -n 30 "$log"
		echo "[$label] exit status $status after its result line"
		f=1
	fi
	echo "[$label] $last"
	passed=$((passed + p))
	failed=$((failed + f))
}

# shellcheck disable=SC2086
if $CC $CFLAGS -o "$build/umass-tests" $srcs 2>"$build/build.log"; then
	run_one ncpu1 RUMP_NCPU=1
	run_one ncpu2 RUMP_NCPU=2
else
	head -n 40 "$build/build.log"
	echo "umass-tests: build failed"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
