#!/bin/bash
# PCI listing against QEMU: build lsdev for ARCH, boot it on each machine
# of the arch (x86_64: pc and q35; aarch64: virt with GICv3) with a mix
# of PCI devices and bridges, and compare the guest's listing function by
# function with QEMU's own query-pci (QMP). See compare.py.
# Usage: tests/pci-qemu/run.sh ARCH [compare.py options, e.g. --machine q35]
# Prints one line per function and "N passed, N failed"; exits 1 on
# failure. Logs (serial output, query-pci answer) in build/ARCH/pci-qemu/.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
arch=${1:?usage: tests/pci-qemu/run.sh x86_64|aarch64}
shift
logdir=$top/build/$arch/pci-qemu
mkdir -p "$logdir"
if ! make -s -C "$top" ARCH="$arch" APP=lsdev image >"$logdir/build.log" 2>&1; then
	echo "FAIL build of lsdev for $arch (see $logdir/build.log)"
	echo "0 passed, 1 failed"
	exit 1
fi
exec python3 "$top/tests/pci-qemu/compare.py" --arch "$arch" \
    --image "$top/build/$arch/lsdev" --logdir "$logdir" "$@"
