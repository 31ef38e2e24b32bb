# shellcheck shell=bash
# Shell code shared by the tests that run the rump kernel as a Linux
# process on a tap device (tests/netns/tcp.sh; run.sh has its own copy
# of the same build steps). Sourced, not run. The sourcing script sets
# top (the source tree), build (an absolute build directory) and CC.
#
#	NETNS_CFLAGS            ASan + UBSan flags for hypercall-posix builds
#	netns_build NAME SRC... compile SRC in parallel into $build/obj and
#	                        link $build/NAME; 1 (and the log) if it fails
#	verdict NAME OK DETAIL  "PASS NAME: DETAIL" or "FAIL ...", counted in
#	                        passed and failed (the sourcing script's)
#	finish                  the "N passed, N failed, N skipped" line, exit
#	log_wait FILE ERE SECS [PID]
#	                        0 once FILE has a line matching ERE (gives up
#	                        early if PID dies)

NETNS_CFLAGS="-std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -pthread -g -O1
	-fsanitize=address,undefined -fno-sanitize-recover=all
	-fno-omit-frame-pointer -I$top/include -I$top/hypercall-posix"
: "${passed:=0}" "${failed:=0}" "${skipped:=0}"

netns_obj_of() {
	local rel=${1#"$top"/}
	echo "$build/obj/${rel//\//_}.o"
}
# shellcheck disable=SC2317,SC2086	# run by xargs; the flags are a list
netns_compile_one() {
	local obj
	obj=$(netns_obj_of "$1")
	$CC $NETNS_CFLAGS -c -o "$obj" "$1" 2>"$obj.log" || { cat "$obj.log"; exit 1; }
}
export -f netns_obj_of netns_compile_one
export CC NETNS_CFLAGS top build

netns_build() {	# name sources...
	local name=$1 objs=() src
	shift
	mkdir -p "$build/obj"
	for src in "$@"; do
		objs+=("$(netns_obj_of "$src")")
	done
	# shellcheck disable=SC2086
	if ! printf '%s\n' "$@" |
	    xargs -P "$(nproc)" -I{} bash -c 'netns_compile_one "{}"' ||
	    ! $CC $NETNS_CFLAGS -o "$build/$name" "${objs[@]}"; then
		echo "$name: build failed"
		return 1
	fi
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

finish() {
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ] && exit 0
	exit 1
}

log_wait() {	# file ERE seconds [pid]
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		if [ -n "${4:-}" ] && ! kill -0 "$4" 2>/dev/null; then
			break
		fi
		sleep 0.1
	done
	grep -qE -- "$2" "$1" 2>/dev/null
}
