#!/bin/bash
# Host tests of the USB core: sys/kern + the core's files in sys/dev/usb
# (usb_*.c and uhub.c; not the class drivers) + hypercall-posix +
# tests/usb/*.c under ASan and UBSan, one binary (usb-tests) run with
# RUMP_NCPU=1 and RUMP_NCPU=2. The tests drive the core through a fake
# host controller with scripted fake devices (fakehc.h).
# Ends with "N passed, N failed"; exit status 0 iff nothing failed.
# Usage: tests/usb/run.sh BUILDDIR [case-name-prefix]
#   USB_FUZZ_N=n sets the number of fuzzed enumerations (default 20000
#   with 2 CPUs, 4000 with 1).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILDDIR [case-prefix]}
only=${2:-}
mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd)
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -g -O1
	-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -I$top/include -I$top/hypercall-posix
	-I$top/sys/dev/usb"
passed=0
failed=0

posix=$(ls "$top"/hypercall-posix/*.c)
kern=$(ls "$top"/sys/kern/*.c)
core=$(ls "$top"/sys/dev/usb/usb_*.c "$top"/sys/dev/usb/uhub.c)
tests=$(ls "$top"/tests/usb/*.c)

RUN_TIMEOUT=600
# shellcheck source=tests/lib/hostrun.sh
. "$top/tests/lib/hostrun.sh"

# shellcheck disable=SC2086
if build_one usb-tests $tests $core $kern $posix; then
	# the full fuzz count once; a smaller one with a single CPU
	run_one usb-ncpu1 usb-tests RUMP_NCPU=1 \
	    USB_FUZZ_N="${USB_FUZZ_N:-4000}"
	run_one usb-ncpu2 usb-tests RUMP_NCPU=2 \
	    USB_FUZZ_N="${USB_FUZZ_N:-20000}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
