#!/bin/bash
# Our TCP against Linux's own TCP: the rump kernel (sys/kern, sys/net,
# sys/netinet, hypercall-posix; ASan + UBSan) as a Linux process on a tap
# device in a network namespace made by this script, driven through
# tests/netns/tcp_main.c (servers and clients on the kernel socket API);
# the Linux side is tests/netns/tcp_peer.py (plain Linux sockets).
#
# Phase 1, a direct link (Linux 10.97.0.1 on tap0, we are 10.97.0.2):
#   attach               the stack comes up on tap0
#   linux-to-us          Linux connects to our echo server and sends
#                        TCP_BYTES (16 MiB) of random data, reading the
#                        echo at the same time: identical, both ways
#   us-to-linux          we connect to a Linux echo server, the same
#   rst-in               Linux connects to a closed port of ours:
#                        ECONNREFUSED (our RST)
#   rst-out              we connect to a closed Linux port: ECONNREFUSED
#   halfclose-our-fin    we send 1 MiB and shut down writing; Linux sends
#                        it all back after our FIN, we receive it
#   halfclose-linux-fin  Linux sends 1 MiB and shuts down writing; we
#                        send it all back after its FIN
#   shutdown             quit: connections gone, virt0 detached, no mbuf
#                        left, no sanitizer report, exit status 0
# Phase 2, an impaired link: 5% loss, 5% reordering, 5 ms delay. With
# sch_netem, a netem qdisc on Linux's tap (Linux -> us only); without it
# (this machine's kernel), tests/netns/tcp_relay.py between our tap and
# Linux's, both ways. It says which.
#   impaired-linux-to-us, impaired-us-to-linux   TCP_IMPAIRED_BYTES (2 MiB)
#   impaired-shutdown
#
# Needs root, /dev/net/tun, ip(8) and python3; without them every case
# is skipped (and said why). With tcpdump installed each phase leaves a
# capture of Linux's interface (headers, 128 bytes a frame) in BUILDDIR,
# and behind the relay one of our side too (tcp-impaired-rumpside.pcap).
# Ends with "N passed, N failed, N skipped"; exit 0 iff none failed.
# Usage: tests/netns/tcp.sh BUILDDIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:?usage: $0 BUILDDIR}
mkdir -p "$build" || exit 1
build=$(cd "$build" && pwd)
here=$top/tests/netns
CC=${CC:-gcc}
# shellcheck source=lib.sh disable=SC1091
. "$here/lib.sh"
passed=0
failed=0
skipped=0
NCASES=11
LINUX_IP=10.97.0.1
RUMP_IP=10.97.0.2
BYTES=${TCP_BYTES:-16777216}
IMPAIRED_BYTES=${TCP_IMPAIRED_BYTES:-2097152}
HALF_BYTES=1048576
namespaces=()
pids=()
stack_pid=""
rump_ns=""
peer_ns=""
peer_if=""
log=""

skip_all() {
	echo "skip: $1"
	skipped=$((skipped + NCASES - passed - failed))
	finish
}

# shellcheck disable=SC2317	# called from the trap
cleanup() {
	local p n
	for p in "${pids[@]}" $stack_pid; do
		kill "$p" 2>/dev/null
	done
	for n in "${namespaces[@]}"; do
		ip netns del "$n" 2>/dev/null
	done
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
trap '' PIPE

[ "$(id -u)" -eq 0 ] || skip_all "not root (a tap and a namespace need it)"
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"
command -v ip >/dev/null || skip_all "no ip(8)"
command -v python3 >/dev/null || skip_all "no python3"

posix=("$top"/hypercall-posix/*.c)
if ! netns_build netns-tcp "$here/tcp_main.c" "$top"/sys/kern/*.c \
    "$top"/sys/net/*.c "$top"/sys/netinet/*.c "${posix[@]}"; then
	failed=$NCASES
	finish
fi
export ASAN_OPTIONS=allocator_may_return_null=1

newns() {	# VAR: a new namespace with lo up, its name in VAR
	local n=rumptcp-$$-$RANDOM
	ip netns add "$n" || return 1
	namespaces+=("$n")	# here, not in a subshell: cleanup deletes it
	ip -n "$n" link set lo up
	printf -v "$1" %s "$n"
}

link_up() {	# ns dev [addr]: up, no IPv6 chatter, waits for operstate
	local i
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" 2>/dev/null
	[ -n "${3:-}" ] && ip -n "$1" addr add "$3" dev "$2"
	ip -n "$1" link set "$2" up
}

wait_operstate() {	# ns dev: Linux sends only once its link watch saw up
	local i
	for ((i = 0; i < 50; i++)); do
		[ "$(ip netns exec "$1" cat "/sys/class/net/$2/operstate")" = up ] && break
		sleep 0.1
	done
	sleep 0.1
}

peer() {	# runs tcp_peer.py on Linux's side
	ip netns exec "$peer_ns" timeout 150 python3 "$here/tcp_peer.py" "$@"
}

# Starts the stack in $rump_ns on its tap0; 0 once it said "ready".
start_stack() {	# phase
	log=$build/netns-tcp-$1.log
	rm -f "$build/cmd-$1" && mkfifo "$build/cmd-$1"
	# Not through a shell: the pid is ip(8)'s, which execs env, which
	# execs timeout, so that killing it reaches the program.
	ip netns exec "$rump_ns" env tap=tap0 net=$RUMP_IP/24 timeout 600 \
	    "$build/netns-tcp" <"$build/cmd-$1" >"$log" 2>&1 &
	stack_pid=$!
	exec 3>"$build/cmd-$1"
	if ! log_wait "$log" '^(ready|error)' 15 "$stack_pid" ||
	    ! grep -q '^ready' "$log"; then
		tail -n 30 "$log" | sed 's/^/  | /'
		return 1
	fi
	wait_operstate "$peer_ns" "$peer_if"
}

# Sends a command; sets $reply to the first line matching ERE that the
# stack printed after it. 1 if none came within SECS.
cmd() {	# command ERE secs
	local before i
	before=$(wc -l <"$log")
	reply=""
	echo "$1" >&3 || return 1
	for ((i = 0; i < $3 * 10; i++)); do
		reply=$(tail -n +"$((before + 1))" "$log" | grep -E -m1 -- "$2")
		[ -n "$reply" ] && return 0
		kill -0 "$stack_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

pcap_start() {	# phase
	command -v tcpdump >/dev/null || return 0
	ip netns exec "$peer_ns" tcpdump -q -i "$peer_if" -s 128 -U \
	    -w "$build/tcp-$1.pcap" 2>/dev/null &
	pids+=($!)
	pcap=$build/tcp-$1.pcap
	if [ "$rump_ns" != "$peer_ns" ]; then	# both sides of the relay
		ip netns exec "$rump_ns" tcpdump -q -i tap0 -s 128 -U \
		    -w "$build/tcp-$1-rumpside.pcap" 2>/dev/null &
		pids+=($!)
		pcap="$pcap and $build/tcp-$1-rumpside.pcap"
	fi
	sleep 0.5
}

pcap_note() {	# what to tell on a failure
	[ -n "${pcap:-}" ] && echo " (capture: $pcap)"
}

# Linux runs PY (a tcp_peer.py subcommand); the verdict is its last line.
linux_case() {	# name py-args...
	local name=$1 out st
	shift
	out=$(peer "$@" 2>&1)
	st=$?
	echo "$out" | grep -v '^ok: \|^FAIL: ' | tail -n 3 | sed 's/^/  /'
	out=$(echo "$out" | tail -n 1)
	[ $st -eq 0 ] || out="$out$(pcap_note)"
	verdict "$name" $st "${out#ok: }"
}

# A Linux server in the background, then our client command.
us_case() {	# name mode port command secs
	local name=$1 srv=$build/server-$3.log ok=1
	ip netns exec "$peer_ns" timeout 150 python3 "$here/tcp_peer.py" \
	    server "$3" --mode "$2" >"$srv" 2>&1 &
	pids+=($!)
	if ! log_wait "$srv" '^listening' 10 "$!"; then
		verdict "$name" 1 "the Linux server did not start: $(tail -n 1 "$srv")"
		return
	fi
	cmd "$4" "^${4%% *}: " "$5"
	case $reply in *", ok") ok=0 ;; esac
	# A failed client leaves the server waiting: no need to wait for it.
	[ $ok -eq 0 ] || kill "${pids[-1]}" 2>/dev/null
	wait "${pids[-1]}" 2>/dev/null || ok=1
	sed 's/^/  linux /' "$srv"
	[ $ok -eq 0 ] || reply="${reply:-no answer from the stack}$(pcap_note)"
	verdict "$name" $ok "$reply"
}

stop_stack() {	# case name
	local st=0 ok=1
	cmd quit '^quit: ' 30
	exec 3>&-
	wait "$stack_pid" || st=$?
	stack_pid=""
	grep -E '^(echo|collect): ' "$log" | grep -v listening | sed 's/^/  /'
	grep '^quit: ' "$log" | sed 's/^/  /'
	grep -q '^quit: clean' "$log" && [ "$st" -eq 0 ] && ok=0
	if grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error' "$log"; then
		grep -E 'ERROR: |runtime error' "$log" | head -n 5 | sed 's/^/  /'
		ok=1
	fi
	[ $ok -ne 0 ] && tail -n 20 "$log" | sed 's/^/  | /'
	verdict "$1" $ok "exit status $st, log $log"
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	pids=()
}

phase_direct() {
	newns rump_ns || skip_all "cannot create a network namespace"
	peer_ns=$rump_ns
	peer_if=tap0
	ip -n "$rump_ns" tuntap add dev tap0 mode tap || skip_all "cannot make tap0"
	link_up "$rump_ns" tap0 "$LINUX_IP/24"
	pcap_start direct
	if ! start_stack direct; then
		verdict attach 1 "netns-tcp did not come up"
		failed=$((failed + 7))
		return
	fi
	verdict attach 0 "$(grep '^ready' "$log")"
	cmd "echo 7" '^echo: ' 10
	linux_case "linux-to-us (Linux sends $BYTES bytes to our echo server)" \
	    client "$RUMP_IP" 7 "$BYTES"
	us_case "us-to-linux (we send $BYTES bytes to a Linux echo server)" \
	    echo 5001 "client $LINUX_IP 5001 $BYTES" 150
	linux_case "rst-in (Linux connects to our closed port 9)" \
	    refused "$RUMP_IP" 9
	cmd "connect $LINUX_IP 9" '^connect: ' 30
	[ "$reply" = "connect: ECONNREFUSED" ]
	verdict "rst-out (we connect to Linux's closed port 9)" $? "$reply"
	us_case "halfclose-our-fin (we shut down writing, Linux still sends)" \
	    collect 5002 "halfclose $LINUX_IP 5002 $HALF_BYTES" 60
	cmd "collect 5003" '^collect: ' 10
	linux_case "halfclose-linux-fin (Linux shuts down writing, we still send)" \
	    client "$RUMP_IP" 5003 "$HALF_BYTES" --halfclose
	stop_stack shutdown
}

# Linux in its own namespace behind the relay; 1 if it did not start.
setup_relay() {
	local rlog=$build/relay.log
	newns peer_ns || return 1
	peer_if=tapl
	ip -n "$rump_ns" tuntap add dev tap0 mode tap || return 1
	link_up "$rump_ns" tap0
	ip netns exec "$rump_ns" python3 "$here/tcp_relay.py" tap0 "$peer_ns" \
	    tapl >"$rlog" 2>&1 &
	relay_pid=$!
	pids+=("$relay_pid")
	if ! log_wait "$rlog" '^ready' 10 "$relay_pid"; then
		tail -n 5 "$rlog"
		return 1
	fi
	link_up "$peer_ns" tapl "$LINUX_IP/24"
	method="tcp_relay.py between the taps, both ways: $(cat "$rlog")"
}

phase_impaired() {
	local n=impaired
	newns rump_ns || skip_all "cannot create a network namespace"
	peer_ns=$rump_ns
	peer_if=tap0
	ip -n "$rump_ns" tuntap add dev tap0 mode tap
	link_up "$rump_ns" tap0 "$LINUX_IP/24"
	if ip netns exec "$rump_ns" tc qdisc add dev tap0 root netem \
	    loss 5% delay 5ms reorder 5% 50% 2>"$build/netem.err"; then
		method="netem on Linux's tap0 (Linux -> us): loss 5%, delay 5ms, reorder 5%"
	else
		echo "  no netem ($(head -n 1 "$build/netem.err")): using tcp_relay.py"
		ip netns exec "$rump_ns" ip link del tap0
		setup_relay || { verdict "$n" 1 "the relay did not start"; failed=$((failed + 2)); return; }
	fi
	echo "  impairment: $method"
	pcap_start impaired
	if ! start_stack impaired; then
		verdict "impaired-linux-to-us" 1 "netns-tcp did not come up"
		failed=$((failed + 2))
		return
	fi
	cmd "echo 7" '^echo: ' 10
	linux_case "impaired-linux-to-us ($IMPAIRED_BYTES bytes)" \
	    --timeout 60 client "$RUMP_IP" 7 "$IMPAIRED_BYTES"
	us_case "impaired-us-to-linux ($IMPAIRED_BYTES bytes)" \
	    echo 5001 "client $LINUX_IP 5001 $IMPAIRED_BYTES" 150
	[ -n "${relay_pid:-}" ] && kill "$relay_pid" && sleep 0.2 &&
	    sed 's/^/  /' "$build/relay.log" | grep relay:
	stop_stack impaired-shutdown
}

phase_direct
phase_impaired
finish
