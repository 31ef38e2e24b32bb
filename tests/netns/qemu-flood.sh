#!/bin/bash
# A guest on a real Linux network: QEMU with a tap backend inside a network
# namespace made by this script, the guest (apps/ping with no host: the
# kernel answers, static net=10.98.0.2/24) on one NIC; Linux floods it
# with `ping -f -c 10000` and must lose nothing. Then a line on the serial
# console ends the guest, which must exit with status 0.
#
# One case per arch and NIC: x86_64 virtio-net, e1000e; aarch64
# virtio-net (FLOOD_CASES overrides: "arch:device ...").
# Needs root, /dev/net/tun, `ip netns` and iputils ping (flood mode);
# without them every case is skipped, saying why.
# Ends with "N passed, N failed, N skipped"; exit 0 iff none failed.
# Usage: tests/netns/qemu-flood.sh [LOGDIR]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
logdir=${1:-$top/build/host/qemu-flood}
mkdir -p "$logdir"
cases=${FLOOD_CASES:-"x86_64:virtio-net-pci x86_64:e1000e aarch64:virtio-net-pci"}
count=${FLOOD_COUNT:-10000}
LINUX_IP=10.98.0.1
GUEST_IP=10.98.0.2
passed=0
failed=0
skipped=0
ns=""
qpid=""

finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit $?
}

skip_all() {
	echo "skip: $1"
	skipped=$(($(echo "$cases" | wc -w)))
	finish
}

cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	exec 3>&- 2>/dev/null
}
trap cleanup EXIT
trap 'cleanup; exit 1' INT TERM

[ "$(id -u)" -eq 0 ] || skip_all "not root (a tap and a namespace need it)"
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"
command -v ip >/dev/null || skip_all "no ip (iproute2)"
ping -V 2>/dev/null | grep -q iputils || skip_all "no iputils ping (flood mode)"

# Waits until file $1 has a line containing $2, at most $3 seconds, while
# process $qpid lives. 0 if it appeared.
wait_line() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qF -- "$2" "$1" && return 0
		kill -0 "$qpid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

verdict() {	# name ok detail log
	if [ "$2" -eq 0 ]; then
		echo "PASS $1: $3"
		passed=$((passed + 1))
	else
		echo "FAIL $1: $3 (log: $4)"
		tail -n 15 "$4" | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
}

run_case() {	# arch device
	local arch=$1 dev=$2 name="flood-$1-$2" log fifo out st
	log=$logdir/$name.log
	fifo=$logdir/$name.in
	ns=rmflood$$
	ip netns add "$ns" || { verdict "$name" 1 "cannot make a namespace" /dev/null; return; }
	ip -n "$ns" link set lo up
	ip -n "$ns" tuntap add dev tapf0 mode tap
	ip -n "$ns" addr add "$LINUX_IP/24" dev tapf0
	ip -n "$ns" link set tapf0 up
	rm -f "$fifo" && mkfifo "$fifo"
	ip netns exec "$ns" env CMDLINE="net=$GUEST_IP/24 -- -w 300" \
	    "$top/tools/qemu-run.sh" "$arch" kernel "$top/build/$arch/ping" \
	    -netdev tap,id=n0,ifname=tapf0,script=no,downscript=no \
	    -device "$dev,netdev=n0" <"$fifo" >"$log" 2>&1 &
	qpid=$!
	exec 3>"$fifo"
	if ! wait_line "$log" "ping: answering pings" 120; then
		verdict "$name" 1 "the guest never said it was answering" "$log"
		kill "$qpid" 2>/dev/null
	else
		out=$(ip netns exec "$ns" ping -f -c "$count" -W 2 "$GUEST_IP" 2>&1 |
		    grep "packets transmitted")
		echo "$out" >>"$log"
		printf 'done\n' >&3
		wait "$qpid"
		st=$?
		if echo "$out" | grep -q "$count packets transmitted, $count received" &&
		    [ "$st" -eq 0 ]; then
			verdict "$name" 0 "$out" "$log"
		else
			verdict "$name" 1 "${out:-no ping summary}, guest exit status $st" "$log"
		fi
	fi
	qpid=""
	exec 3>&-
	ip netns del "$ns"
	ns=""
}

for c in $cases; do
	arch=${c%%:*}
	if ! make -C "$top" -s ARCH="$arch" APP=ping >"$logdir/build-$arch.log" 2>&1; then
		verdict "flood-$c" 1 "build failed" "$logdir/build-$arch.log"
		continue
	fi
	run_case "$arch" "${c#*:}"
done
finish
