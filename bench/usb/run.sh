#!/bin/sh
# bench/usb: time from boot to the USB keyboard, disk and network
# interface being attached, and sequential read MB/s from usb-storage,
# our guest against a Linux guest on the same QEMU command line, as
# ratios measured in one run (x86_64, TCG). See bench.py for what is
# measured and the environment it reads (RUNS, GUESTS, DISK_MIB, ...).
# Builds bench/usb/usbbench (our guest's application) and the Linux
# guest (tools/linux-guest.sh, Debian packages fetched once into
# build/linux-guest/).
# Usage: bench/usb/run.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
guests=${GUESTS:-ours linux}

case " $guests " in
*" ours "*)
	echo "usb bench: building bench/usb/usbbench (x86_64) ..."
	make -s ARCH=x86_64 APP=bench/usb/usbbench image >"$tmp/build" 2>&1 || {
		cat "$tmp/build"
		echo "usb bench: building bench/usb/usbbench failed"
		exit 1
	}
	;;
esac
case " $guests " in
*" linux "*)
	echo "usb bench: Linux guest (build/linux-guest) ..."
	tools/linux-guest.sh build/linux-guest ||
		{ echo "usb bench: building the Linux guest failed"; exit 1; }
	;;
esac
rm -rf "$tmp"
trap - EXIT INT TERM
echo "usb bench: running (each guest boots under TCG; about a minute) ..."
exec python3 bench/usb/bench.py
