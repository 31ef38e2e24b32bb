#!/bin/bash
# Our TCP inside QEMU guests against Linux's TCP on the host, through
# QEMU user networking with host forwarding (hostfwd; the guest's
# immediate peer is QEMU's slirp, which relays to Linux's sockets).
# For each ARCH (default x86_64) and NIC (TCP_NICS, default
# "virtio-net-pci e1000 e1000e"):
#   apps/httpd, port 80 forwarded from 127.0.0.1:P; the pages: /, every
#   file of apps/httpd/www/, the generated /1k.bin, /100k.bin, /1m.bin
#   (byte i is i mod 251) and /status (any non-empty body):
#     http-keepalive   one curl for every page and /16m.bin: one
#                      connection ("Re-using existing connection" for
#                      all but the first), each body equal to its file
#     http-close       the same with "Connection: close" (no /16m.bin)
#     http-1.0         the same over HTTP/1.0
#     http-404         a page that does not exist: status 404
#     httpd-exit       a console line ends the guest, exit status 0
#   apps/echo, port 7 forwarded:
#     echo-bulk        TCP_BULK_BYTES (100 MiB) of random data through the
#                      echo, sent and read at once: SHA-256 equal (rate)
#     echo-concurrent  TCP_CONNS (200) connections at once, each echoing
#                      TCP_CONN_BYTES (8 KiB) intact
#     echo-exit        as httpd-exit
# The Linux side: curl and tests/netns/tcp_peer.py. Logs (serial
# consoles, curl -v) in build/ARCH/tcp-qemu/; with TCP_PCAP=1 also a
# capture of each guest's NIC there (QEMU filter-dump). Each check prints PASS or
# FAIL with a reason (SKIP with one when a tool or app is missing); the
# last line is "N passed, N failed, N skipped"; exit 0 iff none failed.
# Usage: tests/tcp-qemu/run.sh [ARCH...]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
peer=$top/tests/netns/tcp_peer.py
nics=${TCP_NICS:-"virtio-net-pci e1000 e1000e"}
bulk=${TCP_BULK_BYTES:-104857600}
conns=${TCP_CONNS:-200}
conn_bytes=${TCP_CONN_BYTES:-8192}
HTTPD_CHECKS=5
ECHO_CHECKS=3
passed=0
failed=0
skipped=0
qpid=""
fifo=""

finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit $?
}

check() {	# name ok(0/1) detail
	if [ "$2" -eq 0 ]; then
		echo "PASS $1: $3"
		passed=$((passed + 1))
	else
		echo "FAIL $1: $3"
		failed=$((failed + 1))
	fi
}

skip() {	# how-many reason
	echo "SKIP $2"
	skipped=$((skipped + $1))
}

cleanup() {
	[ -n "$qpid" ] && kill "$qpid" 2>/dev/null
	exec 3>&- 2>/dev/null
	return 0
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM HUP

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Boots build/ARCH/APP with port PORT of the host forwarded to GPORT of
# the guest, serial console in LOG, stdin from a FIFO on fd 3; 0 once
# the log matches READY (an ERE).
boot() {	# arch app nic port gport log ready
	local i
	fifo=$(dirname "$6")/$(basename "$6" .log).in
	rm -f "$fifo" && mkfifo "$fifo"
	CMDLINE="${TCP_CMDLINE:-}" "$top/tools/qemu-run.sh" "$1" kernel \
	    "$top/build/$1/$2" \
	    -netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$4-:$5" \
	    -device "$3,netdev=n0" ${TCP_PCAP:+-object \
	    "filter-dump,id=f0,netdev=n0,file=${6%.log}.pcap"} \
	    <"$fifo" >"$6" 2>&1 &
	qpid=$!
	exec 3>"$fifo"
	for ((i = 0; i < ${TCP_BOOT_TIMEOUT:-60} * 10; i++)); do
		grep -qE -- "$7" "$6" && return 0
		kill -0 "$qpid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# A console line ends the app; the guest must exit 0 within 30 s.
shutdown_guest() {	# name log
	local st i
	echo quit >&3
	for ((i = 0; i < 300; i++)); do
		kill -0 "$qpid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid"
		wait "$qpid" 2>/dev/null
		check "$1" 1 "still running 30 s after a console line; killed (log $2)"
	else
		wait "$qpid"
		st=$?
		[ "$st" -eq 0 ]
		check "$1" $? "exit status $st after a console line"
	fi
	qpid=""
	exec 3>&-
}

# ---- httpd -------------------------------------------------------------------

# The pages httpd serves and what each must equal, "URLPATH FILE" a
# line: the files of apps/httpd/www/ ("/" is index.html), the generated
# /1k.bin, /100k.bin and /1m.bin (byte i is i mod 251; apps/httpd/www.h)
# and /status ("-": any non-empty body). With "big", also /16m.bin.
pages() {	# [big]
	local f n
	echo "/ apps/httpd/www/index.html"
	for f in "$top"/apps/httpd/www/*; do
		echo "/${f##*/} apps/httpd/www/${f##*/}"
	done
	for n in 1k 100k 1m ${1:+16m}; do
		echo "/$n.bin $gendir/$n.bin"
	done
	echo "/status -"
}

make_generated() {	# dir
	python3 - "$1" <<'PY'
import sys
for name, n in (("1k", 1024), ("100k", 100 << 10), ("1m", 1 << 20),
                ("16m", 16 << 20)):
    pat = bytes(i % 251 for i in range(251))
    data = (pat * (n // 251 + 1))[:n]
    open(f"{sys.argv[1]}/{name}.bin", "wb").write(data)
PY
}

# Fetches every page with curl ARGS into DIR/N; 0 if every body equals
# its file. Sets $why.
fetch_compare() {	# dir log big curl-args...
	local dir=$1 log=$2 big=$3 url file n=0 args=() body
	shift 3
	why=""
	while read -r url file; do
		args+=(-o "$dir/$n" "http://127.0.0.1:$port$url")
		n=$((n + 1))
	done < <(pages "$big")
	rm -rf "$dir" && mkdir -p "$dir"
	if ! timeout 120 curl -sS -v --fail --max-time 100 "$@" "${args[@]}" \
	    >"$log" 2>&1; then
		why="curl failed: $(grep -E '^curl:' "$log" | head -n 1) (log $log)"
		return 1
	fi
	n=0
	while read -r url file; do
		body=$dir/$n
		n=$((n + 1))
		if [ "$file" = - ]; then
			[ -s "$body" ] && continue
			why="$url: empty body"
			return 1
		fi
		[ "${file#/}" = "$file" ] && file=$top/$file
		if ! cmp -s "$body" "$file"; then
			why="$url differs from ${file#"$top"/} ($(wc -c <"$body" 2>/dev/null || echo 0) vs $(wc -c <"$file") bytes)"
			return 1
		fi
	done < <(pages "$big")
	why="$n pages, bodies equal to their files"
}

httpd_checks() {	# arch nic logdir
	local tag="$1 $2" npages reused code ok
	npages=$(pages big | wc -l)
	fetch_compare "$3/ka-$2" "$3/curl-ka-$2.log" big
	ok=$?
	reused=$(grep -c 'Re-using existing connection' "$3/curl-ka-$2.log")
	if [ $ok -eq 0 ] && [ "$reused" -ne $((npages - 1)) ]; then
		ok=1
		why="$why, but curl re-used the connection $reused times, not $((npages - 1))"
	fi
	check "http-keepalive $tag" $ok "$why (curl -v: $3/curl-ka-$2.log)"
	fetch_compare "$3/close-$2" "$3/curl-close-$2.log" "" -H 'Connection: close'
	check "http-close $tag" $? "$why"
	fetch_compare "$3/http10-$2" "$3/curl-http10-$2.log" "" -0
	check "http-1.0 $tag" $? "$why"
	code=$(timeout 30 curl -s -o /dev/null -w '%{http_code}' --max-time 20 \
	    "http://127.0.0.1:$port/no/such/page")
	[ "$code" = 404 ]
	check "http-404 $tag" $? "status $code"
}

run_httpd() {	# arch nic logdir
	local log=$3/httpd-$2.log
	if [ ! -f "$top/apps/httpd/main.c" ]; then
		skip $HTTPD_CHECKS "httpd $1 $2: no apps/httpd yet"
		return
	fi
	if ! command -v curl >/dev/null; then
		skip $HTTPD_CHECKS "httpd $1 $2: no curl (tools/deps.sh installs it)"
		return
	fi
	port=$(free_port)
	if ! boot "$1" httpd "$2" "$port" 80 "$log" \
	    "${HTTPD_READY:-httpd: (listening|ready|serving)}"; then
		check "httpd-boot $1 $2" 1 "never said it was serving (log $log)"
		tail -n 15 "$log" | sed 's/^/    | /'
		failed=$((failed + HTTPD_CHECKS - 1))
		cleanup
		qpid=""
		return
	fi
	httpd_checks "$1" "$2" "$3"
	shutdown_guest "httpd-exit $1 $2" "$log"
}

# ---- echo --------------------------------------------------------------------

run_echo() {	# arch nic logdir
	local log=$3/echo-$2.log tag="$1 $2" out st
	port=$(free_port)
	if ! boot "$1" echo "$2" "$port" 7 "$log" \
	    "${ECHO_READY:-echo: tcp port [0-9]+ ready}"; then
		check "echo-boot $tag" 1 "never said TCP port 7 was ready (log $log)"
		tail -n 15 "$log" | sed 's/^/    | /'
		failed=$((failed + ECHO_CHECKS - 1))
		cleanup
		qpid=""
		return
	fi
	out=$(timeout 600 python3 "$peer" --timeout 60 client 127.0.0.1 \
	    "$port" "$bulk" 2>&1 | tail -n 1)
	[ "${out#ok: }" != "$out" ]
	st=$?
	check "echo-bulk $tag" $st "${out#ok: }"
	out=$(timeout 300 python3 "$peer" --timeout 120 many 127.0.0.1 "$port" \
	    --conns "$conns" --bytes "$conn_bytes" 2>&1 | tail -n 1)
	[ "${out#ok: }" != "$out" ]
	check "echo-concurrent $tag" $? "${out#ok: }"
	shutdown_guest "echo-exit $tag" "$log"
}

# ---- main --------------------------------------------------------------------

gendir=$top/build/host/tcp-qemu-pages
mkdir -p "$gendir" && make_generated "$gendir"
for arch in "${@:-x86_64}"; do
	logdir=$top/build/$arch/tcp-qemu
	mkdir -p "$logdir"
	nnics=$(echo "$nics" | wc -w)
	case $arch in
	x86_64) qemu="qemu-system-x86_64" ;;
	aarch64) qemu="qemu-system-aarch64" ;;
	*) qemu=unknown ;;
	esac
	if ! command -v "$qemu" >/dev/null; then
		skip $(((HTTPD_CHECKS + ECHO_CHECKS) * nnics)) "$arch: no $qemu"
		continue
	fi
	apps="echo"
	[ -f "$top/apps/httpd/main.c" ] && apps="echo httpd"
	build_ok=1
	for app in $apps; do
		if ! make -s -C "$top" ARCH="$arch" APP="$app" image \
		    >"$logdir/build-$app.log" 2>&1; then
			tail -n 10 "$logdir/build-$app.log"
			check "build $arch $app" 1 "see $logdir/build-$app.log"
			build_ok=0
		fi
	done
	if [ $build_ok -eq 0 ]; then
		failed=$((failed + (HTTPD_CHECKS + ECHO_CHECKS) * nnics - 1))
		continue
	fi
	for nic in $nics; do
		start=$SECONDS
		run_httpd "$arch" "$nic" "$logdir"
		run_echo "$arch" "$nic" "$logdir"
		echo "  ($arch $nic: $((SECONDS - start)) s)"
	done
done
finish
