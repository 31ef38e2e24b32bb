#!/bin/sh
# After a QEMU usb-storage test: check on the host, in the image file,
# what the guest (apps/usbdisk) did.
#   qemu-check.sh LOG IMAGE BLK BS MIB [HASHBYTES]
#     - block BLK (BS bytes) holds what usbdisk -w BLK writes;
#     - MIB a number: every other byte is still the image's original
#       (tests/umass/qemu-image.sh stream MIB); "sparse": the blocks
#       around BLK are still zero;
#     - HASHBYTES: the sha256 the guest printed in LOG is the host's
#       sha256sum of the first HASHBYTES bytes of the original image.
# Prints what it found; exit status 0 iff all holds.
set -u
log=$1 img=$2 blk=$3 bs=$4 mib=$5 hash=${6:-}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0

"$here/qemu-image.sh" block "$blk" "$bs" >"$tmp/want"
dd if="$img" bs="$bs" skip="$blk" count=1 status=none >"$tmp/got"
if cmp -s "$tmp/want" "$tmp/got"; then
	echo "host: block $blk of $(basename "$img") holds what the guest wrote"
else
	echo "host: block $blk of $(basename "$img") is not what the guest wrote"
	bad=1
fi
if [ "$mib" = sparse ]; then
	head -c "$bs" /dev/zero >"$tmp/zero"
	for b in $((blk - 1)) $((blk + 1)); do
		dd if="$img" bs="$bs" skip="$b" count=1 status=none >"$tmp/n"
		cmp -s "$tmp/zero" "$tmp/n" || {
			echo "host: block $b changed"
			bad=1
		}
	done
else
	changed=$("$here/qemu-image.sh" stream "$mib" | cmp -l - "$img" |
	    awk -v bs="$bs" '{ print int(($1 - 1) / bs) }' | sort -u |
	    tr '\n' ' ')
	if [ "$changed" = "$blk " ]; then
		echo "host: no other block changed"
	else
		echo "host: blocks changed: ${changed:-none} (only $blk expected)"
		bad=1
	fi
fi
if [ -n "$hash" ]; then
	want=$("$here/qemu-image.sh" stream "$mib" | head -c "$hash" |
	    sha256sum | cut -d' ' -f1)
	if grep -q "usbdisk: sha256 of .*: $want" "$log"; then
		echo "host: the guest's sha256 is sha256sum's ($want)"
	else
		echo "host: the guest did not print sha256sum's $want"
		bad=1
	fi
fi
exit $bad
