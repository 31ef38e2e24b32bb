#!/bin/bash
# Build the hypercall conformance suite with the fake kernel and
# hypercall-posix (ASan + UBSan) into BUILDDIR, run it in a fresh
# temporary directory, print its last line. Exit status 0 iff no case
# failed. Usage: tests/hypercall/run-posix.sh BUILDDIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILDDIR}
mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd)
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -g -O1
	-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -I$top/include"

srcs="$top/tests/hypercall/*.c $top/hypercall-posix/*.c"
# shellcheck disable=SC2086
if ! $CC $CFLAGS -o "$build/hypercall-suite" $srcs; then
	echo "hypercall suite: build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log="$build/hypercall-suite.log"
(cd "$work" && ASAN_OPTIONS=allocator_may_return_null=1 \
	timeout 300 "$build/hypercall-suite") >"$log" 2>&1
status=$?
grep -E '^(FAIL|skip) ' "$log"
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
if [ -z "$last" ]; then
	tail -n 40 "$log"
	[ "$status" -eq 124 ] && echo "hypercall suite: timed out (hang)"
	echo "hypercall suite: no result line, exit status $status ($log)"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ "$status" -ne 0 ] && echo "$last" | grep -q ' 0 failed'; then
	# Passed every case, then died (a sanitizer report at exit, ...).
	tail -n 40 "$log"
	echo "hypercall suite: exit status $status after its result line"
	last=$(echo "$last" | sed 's/ 0 failed/ 1 failed/')
fi
echo "$last"
[ "$status" -eq 0 ]
