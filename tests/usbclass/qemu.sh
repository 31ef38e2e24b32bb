#!/bin/bash
# USB keyboard, mouse and network adapter in QEMU guests, on qemu-xhci,
# driven from the host through the QEMU monitor (tests/usbclass/hmp.py).
# For each ARCH (default x86_64):
#   usb-kbd ARCH      tests/usbclass/qemu/usbinput with usb-kbd and
#                     usb-mouse: lines typed with sendkey reach stdin
#                     exactly (letters, shift, caps lock, punctuation,
#                     arrows, F1, Ctrl-C, Backspace, Tab, Enter as '\r'),
#                     poll() sees them first
#   usb-kbd-typematic a key held 1.5 s (sendkey x 1500) repeats
#   usb-kbd-hotplug   a second usb-kbd added and removed while the guest
#                     runs: the guest reports ukbd1 attached and detached
#   usb-mouse ARCH    mouse_move/mouse_button: the pointer the
#                     application reads follows (position, wheel, button)
#   usb-net ARCH      apps/httpd on usb-net (no PCI NIC: -nic none),
#                     configured by DHCP from QEMU user networking; curl
#                     from the host fetches / and /1m.bin intact, and
#                     /status shows the cdce0 counters
#   usb-net-unplug    device_del of the adapter while the guest runs:
#                     cdce0 detaches, the guest goes on, and device_add
#                     brings a new cdce0
#   usb-net-hotplug-dhcp  that new cdce0 is configured by DHCP like one
#                     present at boot, and curl gets / through it
# Logs in build/ARCH/usbclass-qemu/. The last line is "N passed, N
# failed"; exit status 0 iff none failed.
# Usage: tests/usbclass/qemu.sh [ARCH...]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
hmp=$top/tests/usbclass/hmp.py
passed=0
failed=0
qpid=""
pidfile=""

check() {	# name ok(0/1) detail
	if [ "$2" -eq 0 ]; then
		echo "PASS $1: $3"
		passed=$((passed + 1))
	else
		echo "FAIL $1: $3"
		failed=$((failed + 1))
	fi
}

# QEMU itself (its -pidfile): killing tools/qemu-run.sh would leave it.
cleanup() {
	local qemu
	if [ -n "$qpid" ]; then
		qemu=$(cat "$pidfile" 2>/dev/null)
		[ -n "$qemu" ] && kill "$qemu" 2>/dev/null
		wait "$qpid" 2>/dev/null
	fi
	qpid=""
	return 0
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Boots build/ARCH/APP with a monitor on SOCK and the serial console in
# LOG; 0 once LOG has the fixed string READY.
boot() {	# arch app log sock ready qemu-args...
	local arch=$1 app=$2 log=$3 sock=$4 ready=$5 i
	shift 5
	rm -f "$sock"
	pidfile=${log%.log}.pid
	rm -f "$pidfile"
	"$top/tools/qemu-run.sh" "$arch" kernel "$top/build/$arch/$app" \
	    -device qemu-xhci,id=xhci -monitor "unix:$sock,server,nowait" \
	    -pidfile "$pidfile" "$@" </dev/null >"$log" 2>&1 &
	qpid=$!
	waitfor "$log" "$ready" 60
}

waitfor() {	# log fixed-string seconds
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qF -- "$2" "$1" && return 0
		[ -n "$qpid" ] && ! kill -0 "$qpid" 2>/dev/null && break
		sleep 0.1
	done
	grep -qF -- "$2" "$1"
}

# The guest's exit status, waiting up to 30 s.
guest_exit() {
	local i st
	for ((i = 0; i < 300; i++)); do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$qpid" 2>/dev/null; then
		cleanup
		return 124
	fi
	wait "$qpid"
	st=$?
	qpid=""
	return $st
}

# sendkey for every key name, a short pause after each.
keys() {	# sock key...
	local sock=$1 k args=()
	shift
	for k in "$@"; do
		args+=("sendkey $k" "sleep:0.15")
	done
	"$hmp" "$sock" "${args[@]}" >/dev/null
}

# ---- keyboard and mouse -------------------------------------------------------

kbd_mouse() {	# arch dir
	local arch=$1 log=$2/usbinput.log sock=$2/usbinput.sock want
	if ! make -s -C "$top" ARCH="$arch" APP=tests/usbclass/qemu/usbinput \
	    image >"$2/build-usbinput.log" 2>&1; then
		check "usb-kbd $arch" 1 "build failed ($2/build-usbinput.log)"
		return
	fi
	if ! boot "$arch" usbinput "$log" "$sock" "usbinput: ready" \
	    -device usb-kbd,id=kb1 -device usb-mouse,id=ms1; then
		check "usb-kbd $arch" 1 "no 'usbinput: ready' (log $log)"
		cleanup
		return
	fi
	keys "$sock" h e l l o comma spc shift-w o r l d shift-1 ret \
	    caps_lock a b caps_lock c shift-minus shift-apostrophe ret \
	    up f1 ctrl-c backspace tab ret
	"$hmp" "$sock" "device_add usb-kbd,id=kb2" "sleep:2" >/dev/null
	waitfor "$log" "ukbd1: QEMU USB Keyboard" 10
	check "usb-kbd-hotplug attach $arch" $? "ukbd1 attached at run time"
	"$hmp" "$sock" "device_del kb2" "sleep:2" >/dev/null
	waitfor "$log" "ukbd1 detached" 10
	check "usb-kbd-hotplug detach $arch" $? "ukbd1 detached at run time"
	"$hmp" "$sock" "sendkey x 1500" "sleep:2" "sendkey ret" "sleep:0.3" \
	    >/dev/null
	keys "$sock" q u i t ret
	want='usbinput: line "hello, World!"
usbinput: line "ABc_\x22"
usbinput: line "\x1b[A\x1bOP\x03\x7f\x09"
usbinput: line "quit"'
	# x held for 1.5 s: 500 ms delay, then about 30 a second
	if grep -qE 'usbinput: line "x{6,}"' "$log"; then
		check "usb-kbd-typematic $arch" 0 "$(grep -oE 'line "x+"' "$log" | tr -cd x | wc -c) x from one key held 1.5 s"
	else
		check "usb-kbd-typematic $arch" 1 "no repeated x (log $log)"
	fi
	if diff <(grep -F 'usbinput: line' "$log" | grep -v 'line "x' |
	    tr -d '\r') <(echo "$want") \
	    >"$2/usbinput.diff"; then
		check "usb-kbd $arch" 0 "4 lines typed, exact"
	else
		check "usb-kbd $arch" 1 "lines differ (diff $2/usbinput.diff)"
	fi
	if ! waitfor "$log" "usbinput: mouse ready" 10; then
		check "usb-mouse $arch" 1 "no 'usbinput: mouse ready' (log $log)"
		cleanup
		return
	fi
	"$hmp" "$sock" "mouse_move 10 -5" "sleep:0.3" "mouse_move 3 4 1" \
	    "sleep:0.3" "mouse_button 1" "sleep:0.3" >/dev/null
	guest_exit
	local st=$?
	if [ $st -eq 0 ] && grep -qF "usbinput: mouse x=13 y=-1" "$log" &&
	    grep -qE "usbinput: mouse x=13 y=-1 wheel=-?1 buttons=1" "$log"; then
		check "usb-mouse $arch" 0 "pointer at 13,-1, wheel moved, left button"
	else
		check "usb-mouse $arch" 1 "exit status $st; pointer lines: $(grep -F 'mouse x=' "$log" | tr '\n' ';') (log $log)"
	fi
}

# ---- network adapter ---------------------------------------------------------

make_1m() {	# file
	python3 -c '
import sys
pat = bytes(i % 251 for i in range(251))
open(sys.argv[1], "wb").write((pat * (4200))[:1 << 20])' "$1"
}

net() {	# arch dir
	local arch=$1 log=$2/httpd.log sock=$2/httpd.sock port ok why
	if ! make -s -C "$top" ARCH="$arch" APP=httpd image \
	    >"$2/build-httpd.log" 2>&1; then
		check "usb-net $arch" 1 "build failed ($2/build-httpd.log)"
		return
	fi
	port=$(free_port)
	if ! boot "$arch" httpd "$log" "$sock" "httpd: listening" -nic none \
	    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:80" \
	    -device usb-net,netdev=n0,id=un0; then
		check "usb-net $arch" 1 "httpd not listening (log $log)"
		cleanup
		return
	fi
	make_1m "$2/1m.want"
	ok=0
	why="DHCP lease on cdce0, / and /1m.bin intact, counters in /status"
	grep -qF "cdce0: DHCP lease" "$log" || { ok=1; why="no DHCP lease on cdce0"; }
	if [ $ok -eq 0 ] && ! { curl -sS --max-time 30 -o "$2/index.got" \
	    "http://127.0.0.1:$port/" &&
	    cmp -s "$2/index.got" "$top/apps/httpd/www/index.html"; }; then
		ok=1
		why="/ differs or curl failed"
	fi
	if [ $ok -eq 0 ] && ! { curl -sS --max-time 60 -o "$2/1m.got" \
	    "http://127.0.0.1:$port/1m.bin" && cmp -s "$2/1m.got" "$2/1m.want"; }; then
		ok=1
		why="/1m.bin differs or curl failed"
	fi
	if [ $ok -eq 0 ] && ! curl -sS --max-time 30 \
	    "http://127.0.0.1:$port/status" >"$2/status.got" ||
	    ! grep -q "cdce0 ipackets" "$2/status.got"; then
		ok=1
		why="/status has no cdce0 counters"
	fi
	check "usb-net $arch" $ok "$why (log $log)"
	"$hmp" "$sock" "device_del un0" "sleep:2" >/dev/null
	waitfor "$log" "cdce0 detached" 10
	ok=$?
	"$hmp" "$sock" "device_add usb-net,netdev=n0,id=un1" "sleep:2" >/dev/null
	waitfor "$log" "cdce0: Ethernet address" 10 && [ "$(grep -c \
	    'cdce0: Ethernet address' "$log")" -eq 2 ] && kill -0 "$qpid" 2>/dev/null
	[ $ok -eq 0 ] && ok=$?
	check "usb-net-unplug $arch" $ok "cdce0 detached on device_del, attached again on device_add (log $log)"
	# the adapter plugged in at run time is configured like one at boot:
	# a DHCP lease, and httpd answers through it again
	ok=1
	for _ in $(seq 30); do
		[ "$(grep -c 'cdce0: DHCP lease' "$log")" -ge 2 ] && { ok=0; break; }
		sleep 1
	done
	[ $ok -eq 0 ] && ! { curl -sS --max-time 30 -o "$2/index2.got" \
	    "http://127.0.0.1:$port/" &&
	    cmp -s "$2/index2.got" "$top/apps/httpd/www/index.html"; } && ok=1
	check "usb-net-hotplug-dhcp $arch" $ok "the new cdce0 got a DHCP lease and serves / (log $log)"
	cleanup
}

for arch in ${@:-x86_64}; do
	dir=$top/build/$arch/usbclass-qemu
	mkdir -p "$dir"
	kbd_mouse "$arch" "$dir"
	net "$arch" "$dir"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
