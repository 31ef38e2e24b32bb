#!/bin/bash
# The rump kernel's network stack as a Linux process on a real network:
# a tap device in a network namespace made by this script, Linux's own
# stack (ping, a UDP socket) as the peer. Two programs, ASan + UBSan:
#   hyp-netif     the rumpcomp_netif_* hypercalls of hypercall-posix alone
#                 (tests/netns/hyp_netif.c over tests/hypercall's fake
#                 kernel): open (existing and new tap), send, receive,
#                 overlong frame, shutdown
#   netns-stack   sys/kern + sys/net + sys/netinet + hypercall-posix and
#                 tests/netns/main.c: virt0 on the tap, 10.99.0.2/24
# Cases for netns-stack: attach (virt0 logged), ping-in (Linux pings
# 10.99.0.2: 0% loss), ping-out (the process pings 10.99.0.1: 5 of 5),
# udp-echo (udp_echo_client.py: 10,000 datagrams of 1..1472 bytes, none
# lost or changed), shutdown (virt0 detached, no mbuf left, exit 0).
#
# Needs root, /dev/net/tun and `ip netns`; without them every case is
# skipped (and said why). Linux side: `ping` if installed, else
# icmp_ping.py (a raw ICMP socket, still Linux's stack).
# Ends with "N passed, N failed, N skipped"; exit status 0 iff none failed.
# Usage: tests/netns/run.sh BUILDDIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILDDIR}
mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd)
here=$top/tests/netns
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -g -O1
	-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -I$top/include -I$top/hypercall-posix"
NCASES=11		# hyp-netif's 6 and netns-stack's 5, for skipping
LINUX_IP=10.99.0.1
RUMP_IP=10.99.0.2
ECHO_PORT=7777
passed=0
failed=0
skipped=0
ns=""
tmp=""
stack_pid=""

finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

skip_all() {
	echo "skip: $1"
	skipped=$((skipped + NCASES))
	finish
}

verdict() {	# name ok(0/1) detail
	if [ "$2" -eq 0 ]; then
		echo "PASS $1${3:+: $3}"
		passed=$((passed + 1))
	else
		echo "FAIL $1${3:+: $3}"
		failed=$((failed + 1))
	fi
}

# shellcheck disable=SC2317	# called from the trap
cleanup() {
	[ -n "$stack_pid" ] && kill "$stack_pid" 2>/dev/null
	[ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
	[ -n "$tmp" ] && rm -rf "$tmp"
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap '' PIPE	# a dead program's command FIFO: an error, not death

[ "$(id -u)" -eq 0 ] || skip_all "not root (a tap and a namespace need it)"
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"
command -v ip >/dev/null || skip_all "no ip(8)"
command -v python3 >/dev/null || skip_all "no python3"

# Objects go to $build/obj, compiled in parallel; each is built once and
# shared by both programs.
obj_of() {
	local rel=${1#"$top"/}
	echo "$build/obj/${rel//\//_}.o"
}
# shellcheck disable=SC2317,SC2086	# run by xargs; CFLAGS is a list
compile_one() {
	local obj
	obj=$(obj_of "$1")
	$CC $CFLAGS -c -o "$obj" "$1" 2>"$obj.log" || { cat "$obj.log"; exit 1; }
}
export -f obj_of compile_one
export CC CFLAGS top build

declare -A compiled	# sources already compiled by this run
build_one() {	# name sources...
	local name=$1 objs=() todo=() src
	shift
	mkdir -p "$build/obj"
	for src in "$@"; do
		objs+=("$(obj_of "$src")")
		[ -n "${compiled[$src]:-}" ] || todo+=("$src")
	done
	# shellcheck disable=SC2086
	if ! printf '%s\n' "${todo[@]}" |
	    xargs -P "$(nproc)" -I{} bash -c 'compile_one "{}"' ||
	    ! $CC $CFLAGS -o "$build/$name" "${objs[@]}"; then
		echo "$name: build failed"
		return 1
	fi
	for src in "${todo[@]}"; do
		compiled[$src]=1
	done
}

posix=("$top"/hypercall-posix/*.c)
build_one hyp-netif "$here/hyp_netif.c" "$top/tests/hypercall/fakekernel.c" \
    "${posix[@]}" || { failed=$((failed + 6)); hyp_broken=1; }
build_one netns-stack "$here/main.c" "$top"/sys/kern/*.c "$top"/sys/net/*.c \
    "$top"/sys/netinet/*.c "${posix[@]}" ||
    { failed=$((failed + 5)); stack_broken=1; }
[ -n "${hyp_broken:-}" ] && [ -n "${stack_broken:-}" ] && finish

ns=rumpnetns-$$-$RANDOM
ip netns add "$ns" 2>"$build/netns.err" || {
	cat "$build/netns.err"
	ns=""
	skip_all "cannot create a network namespace (ip netns add)"
}
tmp=$(mktemp -d)
nsx() { ip netns exec "$ns" "$@"; }
if ! { nsx ip link set lo up &&
    nsx ip tuntap add dev tap0 mode tap &&
    nsx ip addr add "$LINUX_IP/24" dev tap0 &&
    nsx ip link set tap0 up; }; then
	skip_all "cannot set up tap0 in the namespace"
fi
# No IPv6 chatter (router solicitations, MLD) on the test link.
nsx sysctl -qw net.ipv6.conf.tap0.disable_ipv6=1 2>/dev/null

export ASAN_OPTIONS=allocator_may_return_null=1

# ---- the hypercalls alone ----
if [ -z "${hyp_broken:-}" ]; then
	nsx timeout 30 "$build/hyp-netif" tap0 >"$build/hyp-netif.log" 2>&1
	status=$?
	sed -E 's/^pass /PASS hypercall /; s/^FAIL /FAIL hypercall /' \
	    "$build/hyp-netif.log" | grep -vE '^[0-9]+ passed'
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$build/hyp-netif.log")
	if [ -n "$last" ]; then
		p=${last%% passed*}
		f=${last#*passed, }
		f=${f%% failed*}
	else
		p=$(grep -c '^pass ' "$build/hyp-netif.log")
		f=$((6 - p))
		echo "FAIL hypercall: no result line, exit status $status"
	fi
	[ "$status" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	passed=$((passed + p))
	failed=$((failed + f))
fi
[ -n "${stack_broken:-}" ] && finish

# ---- the stack ----
log=$build/netns-stack.log
mkfifo "$tmp/cmd"
# Not through nsx: the pid must be that of ip(8), which execs env,
# which execs timeout, so that killing it reaches the program.
ip netns exec "$ns" env tap=tap0 net=$RUMP_IP/24 timeout 120 \
    "$build/netns-stack" <"$tmp/cmd" >"$log" 2>&1 &
stack_pid=$!
exec 3>"$tmp/cmd"

wait_for() {	# pattern seconds: 0 when the log has a line matching it
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -qE "$1" "$log" && return 0
		kill -0 "$stack_pid" 2>/dev/null || break
		sleep 0.1
	done
	grep -qE "$1" "$log"
}

send_cmd() {	# command pattern seconds
	echo "$1" >&3 && wait_for "$2" "$3"
}

if ! wait_for '^(ready|error)' 15 || ! grep -q '^ready' "$log"; then
	tail -n 30 "$log"
	verdict attach 1 "netns-stack did not come up"
	failed=$((failed + 4))
	finish
fi
grep -E '^(virt0|ready)' "$log" | sed 's/^/  /'
# The open gave tap0 its carrier; Linux starts sending on it only once
# its link watch has seen that (operstate up): frames before are lost.
for ((i = 0; i < 50; i++)); do
	[ "$(nsx cat /sys/class/net/tap0/operstate)" = up ] && break
	sleep 0.1
done
sleep 0.1
grep -qE '^virt0: tap tap0, MAC ([0-9a-f]{2}:){5}[0-9a-f]{2}' "$log"
verdict attach $? "virt0 on tap0"

# (a) Linux pings the process.
if command -v ping >/dev/null; then
	pinger=(ping -c 5 -W 2)
else
	pinger=(python3 "$here/icmp_ping.py" -c 5 -W 2)
	echo "  (no ping(8): using icmp_ping.py, a raw ICMP socket)"
fi
out=$(nsx timeout 30 "${pinger[@]}" "$RUMP_IP" 2>&1)
echo "$out" | tail -n 2 | sed 's/^/  /'
echo "$out" | grep -qE ' 0(\.0+)?% packet loss'
verdict "ping-in (Linux pings $RUMP_IP)" $?

# (b) The process pings Linux.
send_cmd "ping $LINUX_IP 5" '^ping: ' 15
line=$(grep '^ping: ' "$log" | tail -n 1)
echo "  $line"
[ "$line" = "ping: 5 sent, 5 received, 0 bad" ]
verdict "ping-out (the process pings $LINUX_IP)" $?

# (c) UDP echo of 10,000 datagrams.
out=$(nsx timeout 60 python3 "$here/udp_echo_client.py" "$RUMP_IP" \
    "$ECHO_PORT" --count 10000 2>&1)
status=$?
echo "$out" | tail -n 5 | sed 's/^/  /'
verdict "udp-echo (10,000 datagrams, 1..1472 bytes)" $status

send_cmd stats '^stats: end' 10
sed -n '/^  /p' "$log" | grep -E 'echo:|virt0:' | sed 's/^/  /'

# (d) Clean shutdown.
send_cmd quit '^quit: ' 15
exec 3>&-
wait "$stack_pid"
status=$?
stack_pid=""
grep '^quit: ' "$log" | sed 's/^/  /'
ok=1
grep -q '^quit: clean' "$log" && [ "$status" -eq 0 ] && ok=0
if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error' "$log"; then
	grep -E 'ERROR: |runtime error' "$log" | head -n 5
	ok=1
fi
[ "$ok" -ne 0 ] && tail -n 30 "$log"
verdict "shutdown (virt0 detached, no mbuf left, exit status $status)" $ok
finish
