#!/bin/sh
# Build the hypercall benchmark against hypercall-posix (-O2, no
# sanitizers) and run it. Usage: bench/hypercall/run-posix.sh [BUILDDIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$top/build/host/bench-hypercall}
mkdir -p "$build"
CC=${CC:-gcc}
# shellcheck disable=SC2086
$CC -std=gnu11 -O2 -g -Wall -Wextra -Werror -D_GNU_SOURCE -pthread \
	-I"$top/include" -o "$build/hypercall-bench" \
	"$top"/bench/hypercall/*.c "$top"/hypercall-posix/*.c
exec "$build/hypercall-bench"
