#!/bin/bash
# QEMU smoke test runner. Each test is a directory holding:
#   test.conf  shell variables:
#     APP=name|path   application to build (make APP=...), or
#     IMAGE=path      an image you built yourself, without extension
#                     (path.elf / path.elf32 / path.iso are used)
#     ARCHES="x86_64 aarch64"  the arches the test applies to (default:
#                     both); on others it is reported as skipped
#     BOARD=name      build for a board (make BOARD=name, e.g. rpi3); the
#                     image is then build/<arch>-<board>/<app>
#     BOOT=iso|kernel|uefi (x86_64), kernel|image (aarch64)
#     MACHINE=pc|q35|virt|raspi3b (default: tools/qemu-run.sh's)
#     MEM=MiB (128)
#     CMDLINE="kernel options -- program args"
#     QEMU_ARGS="extra qemu arguments"
#     INPUT="text" INPUT_AFTER="line"  type text (printf escapes) on the
#                     serial console once line has appeared
#     TIMEOUT=seconds (default 60)
#     EXIT=status     the guest's exit status (isa-debug-exit), or
#     EXIT=halt       the guest must print "*** system halted" and stay
#                     halted (no reboot, no exit)
#   expect     lines that must appear in the serial output, in this order
#              (each a fixed substring of one line); expect.<arch>, if
#              present, replaces it on that arch
#   reject     optional: substrings that must not appear anywhere
#   post-check optional, executable: run on the host after the guest,
#              as post-check LOG; nonzero status fails the test, and
#              what it printed says why (a disk image the guest wrote)
# Usage: tests/qemu/run.sh TESTDIR...   (logs stay in $LOGDIR)
# Prints one line per test and then "N passed, N failed, N skipped".
# ARCH (environment) selects the arch (default x86_64); QEMU_GIC and
# QEMU_CPU pass through to tools/qemu-run.sh.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
arch=${ARCH:-x86_64}
logdir=${LOGDIR:-$top/build/$arch/qemu-tests}
mkdir -p "$logdir"
pass=0
fail=0
skip=0

# Fixed-substring, in-order match of $1 (expect file) against $2 (log).
check_expect() {
	awk -v want="$1" '
	BEGIN { n = 0; while ((getline line < want) > 0) if (line != "") w[n++] = line; i = 0 }
	i < n && index($0, w[i]) > 0 { i++ }
	END { if (i < n) { print "missing: " w[i]; exit 1 } }' "$2"
}

# $1/$2.$arch if it exists, else $1/$2.
arch_file() {
	if [ -f "$1/$2.$arch" ]; then
		echo "$1/$2.$arch"
	else
		echo "$1/$2"
	fi
}

check_reject() {
	local pat
	while IFS= read -r pat; do
		[ -z "$pat" ] && continue
		if grep -qF -- "$pat" "$2"; then
			echo "unexpected: $pat"
			return 1
		fi
	done <"$1"
}

# Boot one test; sets $why on failure.
boot_test() {
	local dir=$1 log=$2 base status pid t0 waited halted_at="" typed=0
	local fifo=$log.in
	APP="" IMAGE="" BOARD="" BOOT=kernel MACHINE="" MEM=128 CMDLINE=""
	QEMU_ARGS="" TIMEOUT=60 EXIT=0 INPUT="" INPUT_AFTER=""
	# shellcheck disable=SC1091
	. "$dir/test.conf"
	if [ -n "$APP" ]; then
		if ! make -s -C "$top" ARCH="$arch" APP="$APP" \
		    ${BOARD:+BOARD="$BOARD"} image \
		    $([ "$BOOT" = iso ] || [ "$BOOT" = uefi ] && echo iso) \
		    >"$log.build" 2>&1; then
			why="build of APP=$APP failed (see $log.build)"
			return 1
		fi
		base=$top/build/$arch${BOARD:+-$BOARD}/$(basename "$APP")
	else
		base=$IMAGE
	fi
	# The guest's serial input: a FIFO held open here, so that QEMU
	# never sees end of file.
	rm -f "$fifo" && mkfifo "$fifo"
	exec 3<>"$fifo"
	CMDLINE=$CMDLINE QEMU_MEM=$MEM QEMU_MACHINE=${MACHINE:-${QEMU_MACHINE:-}} \
	    "$top/tools/qemu-run.sh" "$arch" "$BOOT" "$base" $QEMU_ARGS \
	    <&3 >"$log" 2>&1 &
	pid=$!
	t0=$(date +%s%N)
	while kill -0 "$pid" 2>/dev/null; do
		waited=$((($(date +%s%N) - t0) / 1000000))
		if [ -n "$INPUT" ] && [ "$typed" = 0 ] &&
		    grep -qF -- "$INPUT_AFTER" "$log"; then
			# shellcheck disable=SC2059
			printf "$INPUT" >&3
			typed=1
		fi
		if [ "$EXIT" = halt ] && [ -z "$halted_at" ] &&
		    grep -qF '*** system halted' "$log"; then
			halted_at=$waited
		fi
		# A halted guest must stay halted for a second: no reboot.
		if [ -n "$halted_at" ] && [ $((waited - halted_at)) -ge 1000 ]; then
			pkill -P "$pid" qemu-system 2>/dev/null
			wait "$pid" 2>/dev/null
			exec 3>&-
			return 0
		fi
		if [ "$waited" -ge $((TIMEOUT * 1000)) ]; then
			pkill -P "$pid" qemu-system 2>/dev/null
			wait "$pid" 2>/dev/null
			exec 3>&-
			why="timeout after ${TIMEOUT}s"
			return 1
		fi
		sleep 0.1
	done
	wait "$pid"
	status=$?
	exec 3>&-
	rm -f "$fifo"
	if [ "$EXIT" = halt ]; then
		why="QEMU exited (status $status) instead of staying halted"
		return 1
	fi
	if [ "$status" != "$EXIT" ]; then
		why="exit status $status, expected $EXIT"
		return 1
	fi
	return 0
}

for dir in "$@"; do
	dir=${dir%/}
	name=$(basename "$dir")
	log=$logdir/$name.log
	why=""
	ARCHES="x86_64 aarch64"
	eval "$(grep '^ARCHES=' "$dir/test.conf")"
	case " $ARCHES " in
	*" $arch "*) ;;
	*)
		skip=$((skip + 1))
		printf 'SKIP %-24s not for %s\n' "$name" "$arch"
		continue
		;;
	esac
	start=$(date +%s%N)
	if boot_test "$dir" "$log" &&
	    why=$(check_expect "$(arch_file "$dir" expect)" "$log") &&
	    { [ ! -f "$dir/reject" ] || why=$(check_reject "$dir/reject" "$log"); } &&
	    { [ ! -x "$dir/post-check" ] || why=$("$dir/post-check" "$log"); }; then
		pass=$((pass + 1))
		printf 'PASS %-24s %5d ms\n' "$name" $((($(date +%s%N) - start) / 1000000))
	else
		fail=$((fail + 1))
		printf 'FAIL %-24s %s (log: %s)\n' "$name" "$why" "$log"
		sed 's/^/    | /' "$log" | tail -n 15
	fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
