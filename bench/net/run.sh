#!/bin/sh
# bench/net: ping RTT, UDP echo packets/s, HTTP requests/s and TCP bulk
# MB/s through virtio-net, our guest against a Linux guest on the same QEMU
# command line, as ratios measured in one run (x86_64, TCG), and the
# smallest memory with which our httpd serves 100 connections. See bench.py
# and tcp.py for what is measured and the environment they read (RUNS,
# GUESTS, FIGURES, ...). Builds apps/ping, apps/echo, apps/httpd when it
# is in the tree (and apps/nc for the sink figure), and the Linux guest
# (tools/linux-guest.sh, Debian packages fetched once into
# build/linux-guest/). wrk and ab (apache2-utils) are installed with
# apt-get when the HTTP figures need them.
# Usage: bench/net/run.sh
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
guests=${GUESTS:-ours linux}

case " $guests " in
*" ours "*)
	apps="ping echo"
	[ -f apps/httpd/main.c ] && apps="$apps httpd"
	case " ${FIGURES:-sink} " in *" sink "*) [ -f apps/nc/main.c ] && apps="$apps nc" ;; esac
	for app in $apps; do
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
