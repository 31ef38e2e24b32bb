#!/bin/bash
# Checks that every OpenOCD configuration we ship parses, without hardware.
# OpenOCD opens the adapter only at `init`, so a configuration followed by
# `shutdown` is read, its commands run, and nothing is touched:
#   adapter-*.cfg     on their own: must parse and select a real driver
#   board-*.cfg       with `adapter driver dummy` first: must parse, create
#                     at least one aarch64/cortex_a core and define
#                     rumpmetal_load
#   BOARD-ADAPTER.cfg as shipped (the real driver is selected, not opened):
#                     same checks, plus board-BOARD.cfg and
#                     adapter-ADAPTER.cfg must exist
# and then runs rumpmetal_load against a mocked target inside OpenOCD's own
# interpreter (tests/openocd/mock-load.tcl).
# Usage: tests/openocd/run.sh [CFGDIR]   (default images/openocd)
# Prints "ok NAME" or "FAIL NAME: why" per check, then "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$top/images/openocd}
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() {
	echo "ok $1"
	pass=$((pass + 1))
}

bad() {
	echo "FAIL $1: $2"
	fail=$((fail + 1))
}

if ! command -v openocd >/dev/null; then
	echo "FAIL openocd: not installed (tools/deps.sh installs it)"
	echo "0 passed, 1 failed"
	exit 1
fi

# The first error OpenOCD printed, or the last line if none says Error. A
# command given a wrong subcommand or arguments prints its usage (starting
# with the command's name, after the 4-line banner) and an empty "Error:".
why() {
	local e
	e=$(grep -m 1 -E 'Error|error' "$1")
	[ -n "$e" ] || e=$(tail -n 1 "$1")
	case $e in
	*"Error: ")
		e="$e(usage of '$(sed -n '5{s/^ *//;p}' "$1")' printed: unknown subcommand or bad arguments)"
		;;
	esac
	echo "$e"
}

# run NAME LOG openocd-args...: run openocd, fail NAME unless it exits 0,
# prints no Error line, and reaches the final check line.
run() {
	local name=$1 log=$2
	shift 2
	if ! (cd "$tmp" && openocd "$@" -c 'echo "rumpmetal-check-done"' \
	    -c shutdown) >"$log" 2>&1; then
		bad "$name" "openocd exited with an error: $(why "$log")"
		return 1
	fi
	if grep -q 'Error' "$log"; then
		bad "$name" "$(why "$log")"
		return 1
	fi
	if ! grep -q '^rumpmetal-check-done' "$log"; then
		bad "$name" "did not reach the end of the checks"
		return 1
	fi
	return 0
}

# Commands that check a parsed board: the load proc exists and there is a
# core to load through (rumpmetal_cores fails without one).
board_checks=(
	-c 'if {[info procs rumpmetal_load] eq ""} { error "rumpmetal_load is not defined" }'
	-c 'echo "cores: [rumpmetal_cores]"'
	-c targets
)

shopt -s nullglob
cfgs=("$dir"/*.cfg)
if [ ${#cfgs[@]} -eq 0 ]; then
	bad "$dir" "no *.cfg files"
fi
for cfg in "${cfgs[@]}"; do
	cfg=$(cd "$(dirname "$cfg")" && pwd)/$(basename "$cfg")
	name=$(basename "$cfg" .cfg)
	log=$tmp/$name.log
	case $name in
	adapter-*)
		run "$name" "$log" -f "$cfg" \
		    -c 'echo "driver: [adapter name]"' || continue
		drv=$(sed -n 's/^driver: //p' "$log")
		if [ -z "$drv" ] || [ "$drv" = dummy ] || [ "$drv" = undefined ]; then
			bad "$name" "selects no adapter driver (got '$drv')"
			continue
		fi
		ok "$name (driver $drv)"
		;;
	board-*)
		run "$name" "$log" -c 'adapter driver dummy' -f "$cfg" \
		    "${board_checks[@]}" || continue
		ok "$name ($(sed -n 's/^cores: //p' "$log"))"
		;;
	*-*)
		board=${name%%-*}
		adapter=${name#*-}
		if [ ! -f "$dir/board-$board.cfg" ]; then
			bad "$name" "no board-$board.cfg beside it"
			continue
		fi
		if [ ! -f "$dir/adapter-$adapter.cfg" ]; then
			bad "$name" "no adapter-$adapter.cfg beside it"
			continue
		fi
		run "$name" "$log" -f "$cfg" "${board_checks[@]}" \
		    -c 'echo "driver: [adapter name]"' \
		    -c 'echo "khz: [adapter speed]"' || continue
		drv=$(sed -n 's/^driver: //p' "$log")
		if [ -z "$drv" ] || [ "$drv" = dummy ] || [ "$drv" = undefined ]; then
			bad "$name" "selects no adapter driver (got '$drv')"
			continue
		fi
		ok "$name (driver $drv, $(grep -m 1 -o '[0-9]* kHz' "$log"))"
		;;
	*)
		bad "$name" "name is neither adapter-NAME, board-NAME nor BOARD-ADAPTER"
		;;
	esac
done

# The load sequence, against a mock target in OpenOCD's interpreter.
img=$tmp/kernel.img
printf 'rumpmetal' >"$img"
log=$tmp/mock.log
if [ ! -f "$dir/rumpmetal.tcl" ]; then
	bad "rumpmetal_load (mock target)" "no rumpmetal.tcl in $dir"
elif ! openocd -c "set rumpmetal_dir {$dir}" -c "set image {$img}" \
    -f "$top/tests/openocd/mock-load.tcl" -c shutdown >"$log" 2>&1; then
	bad "rumpmetal_load (mock target)" "openocd exited with an error: $(why "$log")"
elif ! grep -q '^mock ' "$log"; then
	bad "rumpmetal_load (mock target)" "no mock results: $(why "$log")"
else
	while read -r line; do
		case $line in
		"mock ok "*) ok "rumpmetal_load: ${line#mock ok }" ;;
		"mock FAIL "*)
			r=${line#mock FAIL }
			bad "rumpmetal_load: ${r%%: got*}" "${r#*: }"
			;;
		esac
	done < <(grep '^mock ' "$log")
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
