#!/bin/sh
# Disk images with known contents for the QEMU usb-storage tests, and the
# block usbdisk -w writes (apps/usbdisk: rows of 32 bytes).
#   qemu-image.sh image FILE MiB     FILE: MiB of an AES-128-CTR keystream
#                                    under a fixed key (the same bytes every
#                                    time); MiB may be "sparse:BYTES" for
#                                    a sparse file of zeros
#   qemu-image.sh stream MiB         the same bytes on stdout
#   qemu-image.sh block BLK BS       the block usbdisk writes at BLK
#   qemu-image.sh sha FILE BYTES     sha256 of the first BYTES of FILE
set -eu
stream() {
	openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f \
	    -iv 00000000000000000000000000000000 -nosalt -in /dev/zero \
	    2>/dev/null | head -c "$(($1 * 1048576))"
}
case "$1" in
image)
	rm -f "$2"
	case "$3" in
	sparse:*) truncate -s "${3#sparse:}" "$2" ;;
	*) stream "$3" >"$2" ;;
	esac
	;;
stream) stream "$2" ;;
block)
	r=0
	while [ "$r" -lt $(($3 / 32)) ]; do
		printf 'usbdisk blk %010d row %04d\n' "$2" "$r"
		r=$((r + 1))
	done
	;;
sha) head -c "$3" "$2" | sha256sum | cut -d' ' -f1 ;;
*) echo "usage: $0 image|stream|block|sha ..." >&2; exit 2 ;;
esac
