#!/bin/bash
# Host tests of the USB class drivers (ukbd, ums, cdce) and of keyboard
# input reaching the console, under ASan and UBSan, in two binaries:
#   usbclass-tests  sys/dev/usb's class drivers against a fake USB core
#                   (tests/usbclass/fakeusb*.c) with sys/kern, sys/net
#                   and hypercall-posix; every tests/usbclass/*.c is in
#                   it (cases register with UT_CASE, see ut.h); run with
#                   RUMP_NCPU=1 and RUMP_NCPU=2
#   cons-push       hypercall-bm's console input ring (cons_input_push)
#                   on the fake platform of tests/unit
# Ends with "N passed, N failed"; exit status 0 iff nothing failed.
# Usage: tests/usbclass/run.sh BUILDDIR [case-name-prefix]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILDDIR [case-prefix]}
only=${2:-}
mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd)
CC=${CC:-gcc}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer"
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -g -O1
	$SAN -I$top/include -I$top/hypercall-posix"
passed=0
failed=0

posix=$(ls "$top"/hypercall-posix/*.c)
kern=$(ls "$top"/sys/kern/*.c)
net=$(ls "$top"/sys/net/*.c)
# usb_desc.c is the core's own descriptor walking and match tables: the
# drivers' lookups are the real ones, only transfers are faked.
drivers="$top/sys/dev/usb/ukbd.c $top/sys/dev/usb/ums.c
	$top/sys/dev/usb/usb_desc.c
	$top/sys/dev/usb/uworker.c $top/sys/dev/usb/uhidboot.c
	$top/sys/dev/usb/if_cdce.c
	$top/sys/dev/usb/if_cdce_desc.c"
tests=$(ls "$top"/tests/usbclass/*.c)

# shellcheck source=tests/lib/hostrun.sh
. "$top/tests/lib/hostrun.sh"

# shellcheck disable=SC2086
if build_one usbclass-tests $tests $drivers $kern $net $posix; then
	run_one ncpu1 usbclass-tests RUMP_NCPU=1
	run_one ncpu2 usbclass-tests RUMP_NCPU=2
fi

# The console ring on the fake platform, as tests/unit/run.sh builds it.
CFLAGS="-std=gnu11 -g -O1 $SAN -Wall -Wextra -Werror -Wno-format-truncation
	-I$top/include -I$top/hypercall-bm -I$top/tests/unit
	-Dsched_yield=bm_sched_yield"
core=""
for f in pgalloc memalloc timeq sched intr fmt cons fault; do
	core="$core $top/hypercall-bm/$f.c"
done
if [ -z "$only" ] && build_one cons-push \
    "$top"/tests/usbclass/cons/test_cons_push.c \
    "$top"/tests/unit/fakeplat.c $core; then
	run_one cons-push cons-push
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
