#!/bin/sh
# Host unit tests under ASan and UBSan. Builds into $1 (default
# build/host/unit), runs every tests/unit/test_*.c, and ends with one line
# "N passed, N failed"; exits nonzero on any failure, including a test
# binary that does not build, crashes, or does not print its summary.
#
# What a test links with: by default the portable core (hypercall-bm)
# and the fake platform (fakeplat.c). A test that wants other sources
# instead names them in a line of its own text:
#	 * unit-sources: boot/cmdline.c boot/bootinfo.c
# and extra compiler flags (include paths) in a line
#	 * unit-cflags: -Iarch/x86/include
#
# sched_yield is renamed for the host build: the core's sched_yield
# would otherwise replace libc's, which the sanitizer runtime calls.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
out=${1:-build/host/unit}
CC=${CC:-gcc}
CFLAGS="-std=gnu11 -g -O1 -fsanitize=address,undefined \
-fno-sanitize-recover=all -fno-omit-frame-pointer -Wall -Wextra -Werror -Wno-format-truncation \
-Iinclude -Ihypercall-bm -Itests/unit -Dsched_yield=bm_sched_yield"
CORE="pgalloc memalloc timeq sched intr fmt cons fault"

mkdir -p "$out" || exit 1
objs=""
for f in $CORE; do
	$CC $CFLAGS -c "hypercall-bm/$f.c" -o "$out/$f.o" || exit 1
	objs="$objs $out/$f.o"
done
$CC $CFLAGS -c tests/unit/fakeplat.c -o "$out/fakeplat.o" || exit 1
objs="$objs $out/fakeplat.o"

passed=0
failed=0
for src in tests/unit/test_*.c; do
	name=$(basename "$src" .c)
	extra=$(sed -n 's/^[ /*]*unit-sources:[ ]*//p' "$src" | head -n 1)
	link=${extra:-$objs}
	xflags=$(sed -n 's/^[ /*]*unit-cflags:[ ]*//p' "$src" | head -n 1)
	# shellcheck disable=SC2086
	if ! $CC $CFLAGS $xflags "$src" $link -o "$out/$name"; then
		echo "FAIL $name: does not build"
		failed=$((failed + 1))
		continue
	fi
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	UBSAN_OPTIONS=print_stacktrace=1 \
	    "$out/$name" >"$out/$name.log" 2>&1
	rc=$?
	grep -E '^(ok|FAIL) ' "$out/$name.log"
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out/$name.log" | tail -n 1)
	if [ -z "$last" ]; then
		echo "FAIL $name: exit status $rc, no summary (see $out/$name.log)"
		tail -n 20 "$out/$name.log"
		failed=$((failed + 1))
		continue
	fi
	p=${last%% passed*}
	f=${last#*passed, }
	f=${f%% failed}
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $name: exit status $rc (see $out/$name.log)"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
