#!/bin/bash
# Everything `make test` runs: host unit tests (ASan/UBSan), the hypercall
# conformance suite on hypercall-posix, and the QEMU smoke tests. Each
# suite prints its own "N passed, N failed"; this adds them up into the
# final line.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
arch=${1:-x86_64}
cd "$top" || exit 1
passed=0
failed=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

suite() {
	local name=$1 line p f
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$tmp"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp" | tail -n 1)
	if [ -z "$line" ]; then
		echo "=== $name: no result line; counted as one failure"
		failed=$((failed + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	passed=$((passed + p))
	failed=$((failed + f))
}

make -s ARCH="$arch" newlib || exit 1
suite "host unit tests (ASan, UBSan)" tests/unit/run.sh build/host/unit
suite "hypercall conformance on hypercall-posix (ASan, UBSan)" \
	tests/hypercall/run-posix.sh build/host/hypercall
suite "QEMU smoke tests ($arch)" env ARCH="$arch" tests/qemu/run.sh tests/qemu/*/
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
