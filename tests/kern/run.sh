#!/bin/bash
# Host unit tests of sys/kern: sys/kern + hypercall-posix under ASan and
# UBSan, in two binaries:
#   kern-tests    tests/kern/test_*.c with hypercall-posix's empty PCI bus,
#                 run with RUMP_NCPU=1 and RUMP_NCPU=3
#   kern-fakepci  tests/kern/fakepci/ instead of hypercall-posix/pci.c
#                 (scattered DMA pages, an interrupt line to raise)
# Ends with "N passed, N failed"; exit status 0 iff nothing failed.
# Usage: tests/kern/run.sh BUILDDIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILDDIR}
mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd)
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -g -O1
	-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -I$top/include -I$top/hypercall-posix"
passed=0
failed=0

posix_all=$(ls "$top"/hypercall-posix/*.c)
posix_nopci=$(ls "$top"/hypercall-posix/*.c | grep -v '/pci\.c$')
kern="$top/sys/kern/*.c"

only=
# shellcheck source=tests/lib/hostrun.sh
. "$top/tests/lib/hostrun.sh"

# shellcheck disable=SC2086
if build_one kern-tests "$top"/tests/kern/main.c "$top"/tests/kern/test_*.c \
    $kern $posix_all; then
	run_one ncpu1 kern-tests RUMP_NCPU=1
	run_one ncpu3 kern-tests RUMP_NCPU=3
fi
# shellcheck disable=SC2086
if build_one kern-fakepci "$top"/tests/kern/main.c \
    "$top"/tests/kern/fakepci/*.c $kern $posix_nopci; then
	run_one fakepci kern-fakepci RUMP_NCPU=2
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
