#!/bin/bash
# The QEMU usb-storage tests (tests/qemu/usb-storage*/) with their host
# side: each is booted by tests/qemu/run.sh, and when it passed, its
# post-check (the image file holds the block the guest wrote, nothing
# else changed, the guest's SHA-256 is the host's sha256sum) runs on the
# image it left next to its log. tests/qemu/run.sh alone runs the guest
# half of them (tests/qemu/*/), without the post-checks.
# Usage: tests/umass/qemu.sh [ARCH...]   (default: x86_64 aarch64)
# Ends with "N passed, N failed, N skipped" (post-checks count as tests).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
arches=${*:-x86_64 aarch64}
passed=0
failed=0
skipped=0
for arch in $arches; do
	logdir=$top/build/$arch/qemu-tests-usb-storage
	mkdir -p "$logdir"
	out=$(ARCH=$arch LOGDIR=$logdir "$top/tests/qemu/run.sh" \
	    "$top"/tests/qemu/usb-storage*/ 2>&1)
	echo "$out" | sed "s/^/[$arch] /"
	line=$(echo "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		continue
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	s=${line#*failed, }
	s=${s%% skipped*}
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	for dir in "$top"/tests/qemu/usb-storage*/; do
		name=$(basename "$dir")
		[ -x "$dir/post-check" ] || continue
		echo "$out" | grep -q "^PASS $name " || continue
		if "$dir/post-check" "$logdir/$name.log" \
		    >"$logdir/$name.post" 2>&1; then
			passed=$((passed + 1))
			printf '[%s] PASS %-24s host check\n' "$arch" "$name"
		else
			failed=$((failed + 1))
			printf '[%s] FAIL %-24s host check\n' "$arch" "$name"
		fi
		sed "s/^/[$arch]     | /" "$logdir/$name.post"
	done
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
