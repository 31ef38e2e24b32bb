#!/bin/sh
# Hypercall micro-benchmarks on both implementations of the contract, in
# one run: bench/hypercall/bench.c over hypercall-posix on this Linux
# host, and the same code over hypercall-bm in QEMU (TCG), booted from
# tests/apps/hypercallbench. Prints the two sets of figures side by side
# and the ratio of the cv handoff times, bare metal / posix (target:
# <= 0.2: a handoff between cooperative threads is a context switch, on
# Linux it is a futex wake and a sleep across host threads).
# Usage: bench/hypercall/run.sh [ARCH]     (ARCH: x86_64)
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
arch=${1:-x86_64}
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "hypercall bench: posix (this host) ..."
bench/hypercall/run-posix.sh >"$tmp/posix" 2>&1 ||
	{ cat "$tmp/posix"; echo "hypercall bench: posix run failed"; exit 1; }
echo "hypercall bench: bare metal ($arch, QEMU TCG) ..."
make -s ARCH="$arch" APP=tests/apps/hypercallbench image >"$tmp/build" 2>&1 ||
	{ cat "$tmp/build"; echo "hypercall bench: build failed"; exit 1; }
CMDLINE=quiet timeout 600 tools/qemu-run.sh "$arch" kernel \
	"build/$arch/hypercallbench" >"$tmp/bm" 2>&1 ||
	{ cat "$tmp/bm"; echo "hypercall bench: QEMU run failed"; exit 1; }

# Lines "hypercall-bench: WHAT: N ns ..." -> "WHAT<TAB>N".
figures() {
	sed -n 's/^hypercall-bench: \(.*\): \([0-9.]*\) ns.*/\1\t\2/p' "$1"
}
figures "$tmp/posix" >"$tmp/p.tsv"
figures "$tmp/bm" >"$tmp/b.tsv"

awk -F '\t' -v arch="$arch" '
NR == FNR { posix[$1] = $2; next }
{ bm[$1] = $2; order[n++] = $1 }
END {
	printf "\n%-26s %14s %16s %10s\n", "hypercall-bench", "posix ns",
	    "bare-metal ns", "bm/posix"
	for (i = 0; i < n; i++) {
		w = order[i]
		r = (w in posix) && posix[w] > 0 ?
		    sprintf("%.3f", bm[w] / posix[w]) : "-"
		printf "%-26s %14s %16s %10s\n", w,
		    (w in posix) ? posix[w] : "-", bm[w], r
	}
	h = "cv handoff, one way"
	if (!(h in posix) || !(h in bm) || posix[h] <= 0) {
		print "hypercall bench: no cv handoff figure"
		exit 1
	}
	r = bm[h] / posix[h]
	printf "\nhandoff ratio bare-metal/posix: %.3f (target <= 0.2: %s)\n",
	    r, r <= 0.2 ? "met" : "MISSED"
	printf "(bare metal runs under QEMU TCG on %s; posix natively)\n", arch
}' "$tmp/p.tsv" "$tmp/b.tsv"
