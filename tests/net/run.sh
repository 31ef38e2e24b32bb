#!/bin/bash
# Host tests of the network stack: sys/kern + sys/net + sys/netinet +
# hypercall-posix + tests/net/*.c under ASan and UBSan, one binary
# (net-tests), run with RUMP_NCPU=1 and RUMP_NCPU=2.
#
# Every .c file in tests/net is compiled in; test files (test_*.c)
# register their cases with NT_CASE (see tests/net/nt.h), so adding a
# file is all it takes.
#
# If sys/netinet does not compile, or the full binary does not link, a
# second binary with only sys/net and the core tests (mbuf, if, ether) is
# built and run so those still report, and the failure is counted.
# Ends with "N passed, N failed"; exit status 0 iff nothing failed.
# Usage: tests/net/run.sh BUILDDIR [case-name-prefix]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILDDIR [case-prefix]}
only=${2:-}
mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd)
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -g -O1
	-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -I$top/include -I$top/hypercall-posix"
passed=0
failed=0

posix=$(ls "$top"/hypercall-posix/*.c)
kern=$(ls "$top"/sys/kern/*.c)
net=$(ls "$top"/sys/net/*.c)
netinet=$(ls "$top"/sys/netinet/*.c 2>/dev/null)
harness="$top/tests/net/main.c $top/tests/net/fakeif.c"
core_tests="$top/tests/net/test_mbuf.c $top/tests/net/test_if.c
	$top/tests/net/test_ether.c"
all_tests=$(ls "$top"/tests/net/*.c | grep -v -e '/main\.c$' -e '/fakeif\.c$')

# shellcheck source=tests/lib/hostrun.sh
. "$top/tests/lib/hostrun.sh"

full_ok=1
if [ -z "$netinet" ]; then
	echo "sys/netinet: absent"
	full_ok=0
fi
# shellcheck disable=SC2086
if [ "$full_ok" -eq 1 ] && build_one net-tests $harness $all_tests \
    $kern $net $netinet $posix; then
	run_one net-ncpu1 net-tests RUMP_NCPU=1
	run_one net-ncpu2 net-tests RUMP_NCPU=2
else
	full_ok=0
fi
if [ "$full_ok" -eq 0 ]; then
	echo "building the core tests without sys/netinet"
	# shellcheck disable=SC2086
	if build_one net-core $harness $core_tests $kern $net $posix; then
		run_one core-ncpu1 net-core RUMP_NCPU=1
		run_one core-ncpu2 net-core RUMP_NCPU=2
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
