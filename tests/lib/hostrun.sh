# Shared by the host test runners (tests/net, tests/usb, tests/usbclass,
# tests/kern, tests/umass):
# building one ASan/UBSan test binary and running it once, adding its
# "N passed, N failed" line into the runner's totals. Source it after
# setting: build (directory), CC, CFLAGS, only (case names, may be
# empty), passed and failed (the totals); RUN_TIMEOUT (seconds, default
# 300) bounds one run.

build_one() {	# name sources...
	local name=$1
	shift
	# shellcheck disable=SC2086,SC2068
	if ! $CC $CFLAGS -o "$build/$name" $@ 2>"$build/$name.build.log"; then
		head -n 40 "$build/$name.build.log"
		echo "$name: build failed"
		failed=$((failed + 1))
		return 1
	fi
}

run_one() {	# label binary env...
	local label=$1 bin=$2 log last p f status
	shift 2
	log="$build/$label.log"
	# shellcheck disable=SC2086
	env "$@" ASAN_OPTIONS=allocator_may_return_null=1 \
	    timeout "${RUN_TIMEOUT:-300}" "$build/$bin" $only >"$log" 2>&1
	status=$?
	grep -E '^FAIL |check failed' "$log" | sed "s/^/[$label] /"
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -z "$last" ]; then
		tail -n 30 "$log"
		[ "$status" -eq 124 ] && echo "[$label] timed out (hang?)"
		echo "[$label] no result line, exit status $status"
		failed=$((failed + 1))
		return
	fi
	p=${last%% passed*}
	f=${last#*passed, }
	f=${f%% failed*}
	if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
		tail -n 30 "$log"
		echo "[$label] exit status $status after its result line"
		f=1
	fi
	echo "[$label] $last"
	passed=$((passed + p))
	failed=$((failed + f))
}
