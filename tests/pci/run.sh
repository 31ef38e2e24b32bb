#!/bin/sh
# Host tests of the PCI bus driver: drivers/pci/pci_*.c in a rump kernel
# (sys/kern/*.c over hypercall-posix, whose pci.c and console.c the fake
# PCI machine tests/pci/fakepci.c replaces), under ASan and UBSan. Builds into
# BUILDDIR and ends with "N passed, N failed"; exits nonzero on any
# failure, including a build failure or a crash before the summary.
# Usage: tests/pci/run.sh BUILDDIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: $0 BUILDDIR}
mkdir -p "$out" || exit 1
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -g -O1 -fsanitize=address,undefined
	-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE -pthread
	-Wall -Wextra -Werror -I$top/include -I$top/hypercall-posix
	-I$top/tests/pci"
posix=$(ls "$top"/hypercall-posix/*.c | grep -Ev '/(pci|console)\.c$')

# shellcheck disable=SC2086
if ! $CC $CFLAGS -o "$out/test_pci" "$top"/drivers/pci/pci_*.c \
    "$top"/sys/kern/*.c $posix \
    "$top/tests/pci/fakepci.c" "$top/tests/pci/test_pci.c"; then
	echo "FAIL test_pci: does not build"
	echo "0 passed, 1 failed"
	exit 1
fi
RUMP_NCPU=1 ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$out/test_pci" >"$out/test_pci.log" 2>&1
rc=$?
grep -E '^(ok|FAIL) ' "$out/test_pci.log"
last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/test_pci.log" | tail -n 1)
if [ -z "$last" ]; then
	tail -n 30 "$out/test_pci.log"
	echo "FAIL test_pci: exit status $rc, no summary ($out/test_pci.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
if [ "$rc" -ne 0 ] && echo "$last" | grep -q ' 0 failed'; then
	tail -n 30 "$out/test_pci.log"
	echo "FAIL test_pci: exit status $rc after its summary"
	last=$(echo "$last" | sed 's/ 0 failed/ 1 failed/')
fi
echo "$last"
case $last in *" 0 failed") exit 0 ;; esac
exit 1
