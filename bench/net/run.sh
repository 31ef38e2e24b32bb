#!/bin/sh
# bench/net: ping RTT and UDP echo packets/s through virtio-net, our guest
# against a Linux guest on the same QEMU command line, as ratios measured
# in one run (x86_64, TCG). See bench.py for what is measured and the
# environment it reads (RUNS, UDP_SECONDS, UDP_WINDOW, GUESTS).
# Builds apps/ping and apps/echo, and the Linux guest (tools/linux-guest.sh,
# Debian packages fetched once into build/linux-guest/).
# Usage: bench/net/run.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
guests=${GUESTS:-ours linux}

case " $guests " in
*" ours "*)
	for app in ping echo; do
		echo "net bench: building $app (x86_64) ..."
		make -s ARCH=x86_64 APP="$app" image >"$tmp/build" 2>&1 || {
			cat "$tmp/build"
			echo "net bench: building $app failed"
			exit 1
		}
	done
	;;
esac
case " $guests " in
*" linux "*)
	echo "net bench: Linux guest (build/linux-guest) ..."
	tools/linux-guest.sh build/linux-guest ||
		{ echo "net bench: building the Linux guest failed"; exit 1; }
	;;
esac
rm -rf "$tmp"
trap - EXIT INT TERM
echo "net bench: running (each guest boots under TCG; a few minutes) ..."
exec python3 bench/net/bench.py
