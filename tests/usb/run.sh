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

build_one() {	# name sources...
	local name=$1
	shift
	# shellcheck disable=SC2086,SC2068
	if ! $CC $CFLAGS -o "$build/$name" $@ 2>"$build/$name.build.log"; then
		head -n 40 "$build/$name.build.log"
		echo "$name: build failed"
		failed=$((failed + 1))
		return 1
	fi
}

run_one() {	# label binary env...
	local label=$1 bin=$2 log last p f status
	shift 2
	log="$build/$label.log"
	# shellcheck disable=SC2086
	env "$@" ASAN_OPTIONS=allocator_may_return_null=1 \
	    timeout 600 "$build/$bin" $only >"$log" 2>&1
	status=$?
	grep -E '^FAIL |check failed' "$log" | sed "s/^/[$label] /"
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
if build_one usb-tests $tests $core $kern $posix; then
	# the full fuzz count once; a smaller one with a single CPU
	run_one usb-ncpu1 usb-tests RUMP_NCPU=1 \
	    USB_FUZZ_N="${USB_FUZZ_N:-4000}"
	run_one usb-ncpu2 usb-tests RUMP_NCPU=2 \
	    USB_FUZZ_N="${USB_FUZZ_N:-20000}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
