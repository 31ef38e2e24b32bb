#!/bin/bash
# Lay out the boot partition of an SD card for a board, and pack it into a
# disk image that can be written to a card with dd.
# Usage: tools/mksdcard.sh [--jtag] [--no-fat] BOARD IMAGE|--park OUTDIR
#   BOARD    rpi3 (Raspberry Pi 3 Model B)
#   IMAGE    our raw kernel image (build/aarch64/<app>.img), copied as
#            kernel8.img; --park instead writes a two-instruction loop
#            (wfe; b .-4) that only waits for a JTAG adapter to load the
#            real image (tools/flash.sh); implies --jtag
#   --jtag   enable the ARM JTAG pins in config.txt (enable_jtag_gpio=1)
#   --no-fat do not make OUTDIR/sdcard.img
# OUTDIR gets config.txt, kernel8.img, README.txt (what to copy where), the
# Raspberry Pi firmware files when they can be found on this machine, and
# sdcard.img: an MBR disk with one FAT32 partition (type 0x0c, starting at
# 1 MiB) holding all of them. Files found nowhere are listed in README.txt,
# and sdcard.img then lacks them: add them with mcopy (see README.txt).
# Environment:
#   RPI_FIRMWARE_DIR=dir  where to take the firmware from (a checkout of
#                         github.com/raspberrypi/firmware's boot/ directory);
#                         also searched: /usr/lib/raspi-firmware (Debian's
#                         raspi-firmware package), /boot/firmware
#   SD_SIZE_MB=N          size of sdcard.img in MiB (default 64, minimum 40)
set -u

die() {
	echo "mksdcard.sh: $*" >&2
	exit 1
}

jtag=0
fat=1
while [ $# -gt 0 ]; do
	case $1 in
	--jtag) jtag=1 ;;
	--no-fat) fat=0 ;;
	--) shift; break ;;
	--*) break ;;
	*) break ;;
	esac
	shift
done
[ $# -eq 3 ] || die "usage: tools/mksdcard.sh [--jtag] [--no-fat] BOARD IMAGE|--park OUTDIR"
board=$1
image=$2
outdir=$3

case $board in
rpi3) ;;
*) die "unknown board '$board' (available: rpi3)" ;;
esac

park=0
if [ "$image" = --park ]; then
	park=1
	jtag=1
else
	[ -e "$image" ] || die "$image: no such kernel image"
	[ -f "$image" ] && [ -r "$image" ] || die "$image: not a readable file"
	[ -s "$image" ] || die "$image: empty file"
	if [ "$(head -c 4 "$image" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
		die "$image is an ELF file; the firmware loads a raw image (the .img)"
	fi
fi
size_mb=${SD_SIZE_MB:-64}
case $size_mb in
'' | *[!0-9]*) die "SD_SIZE_MB=$size_mb is not a number" ;;
esac
[ "$size_mb" -ge 40 ] || die "SD_SIZE_MB=$size_mb: FAT32 needs at least 40 MiB here"
if [ $fat -eq 1 ]; then
	command -v mformat >/dev/null && command -v mcopy >/dev/null ||
		die "mtools (mformat, mcopy) not installed; install it or pass --no-fat"
fi

mkdir -p "$outdir" || die "cannot create $outdir"

# --- Raspberry Pi 3 Model B ------------------------------------------------
# Firmware files, from github.com/raspberrypi/firmware, boot/:
#   bootcode.bin  second-stage loader the SoC's ROM reads from the card
#   start.elf     VideoCore firmware: reads config.txt, loads the device
#                 tree and kernel8.img, starts the ARM cores
#   fixup.dat     SDRAM split between VideoCore and ARM, paired with start.elf
#   bcm2710-rpi-3-b.dtb   device tree for the Pi 3 B; the firmware fills in
#                 the memory size and passes its address to the kernel in x0
#   overlays/disable-bt.dtbo   for dtoverlay=disable-bt (PL011 on GPIO 14/15)
#   overlays/overlay_map.dtb   overlay name map read by current firmware
firmware="bootcode.bin start.elf fixup.dat bcm2710-rpi-3-b.dtb
overlays/disable-bt.dtbo overlays/overlay_map.dtb"

fwdirs=()
[ -n "${RPI_FIRMWARE_DIR:-}" ] && fwdirs+=("$RPI_FIRMWARE_DIR")
fwdirs+=(/usr/lib/raspi-firmware /boot/firmware)

found=()
missing=()
for f in $firmware; do
	rm -f "$outdir/$f"
	src=
	for d in "${fwdirs[@]}"; do
		if [ -f "$d/$f" ]; then
			src=$d/$f
			break
		fi
	done
	if [ -n "$src" ]; then
		mkdir -p "$outdir/$(dirname "$f")"
		cp "$src" "$outdir/$f" || die "cannot copy $src"
		found+=("$f (from $src)")
	else
		case $f in
		overlays/overlay_map.dtb) missing+=("$f (optional: firmware from 2020 on)") ;;
		*) missing+=("$f") ;;
		esac
	fi
done

if [ $park -eq 1 ]; then
	# wfe; b .-4 (0xd503205f, 0x17ffffff, little-endian)
	printf '\x5f\x20\x03\xd5\xff\xff\xff\x17' >"$outdir/kernel8.img"
	kernel_desc="a parking loop (wfe; b .-4): load the kernel over JTAG"
else
	cp "$image" "$outdir/kernel8.img" || die "cannot copy $image"
	kernel_desc="$(basename "$image"), $(wc -c <"$image" | tr -d ' ') bytes"
fi

if [ $jtag -eq 1 ]; then
	jtagline="enable_jtag_gpio=1"
else
	jtagline="#enable_jtag_gpio=1"
fi

cat >"$outdir/config.txt" <<EOF
# rumpmetal: Raspberry Pi 3 Model B, written by tools/mksdcard.sh.
# The VideoCore firmware (start.elf) reads this file at power-on.

# Start the ARM cores in AArch64 and load our raw image at 0x80000, the
# address it is linked for (tools/flash.sh loads it there too). Core 0
# enters it at EL2 with the MMU off and the device tree address in x0;
# cores 1-3 wait in the firmware's spin loop.
arm_64bit=1
kernel=kernel8.img
kernel_address=0x80000
# Older firmware puts the device tree at 0x100, inside page 0, which the
# kernel leaves unmapped to catch NULL pointers: put it at 32 MiB.
device_tree_address=0x2000000

# Serial console: the PL011 (UART0) on GPIO 14 (TXD, header pin 8) and
# GPIO 15 (RXD, header pin 10), 3.3 V, 115200 8N1. On the Pi 3 the PL011
# drives Bluetooth unless disable-bt moves it back to the header (needs
# overlays/disable-bt.dtbo; firmware older than 2020 names the overlay
# pi3-disable-bt). dtoverlay=miniuart-bt would keep Bluetooth, on the
# mini UART, instead of switching it off.
enable_uart=1
dtoverlay=disable-bt
# PL011 reference clock, 48 MHz (the current firmware default, stated so
# the baud rate divisor does not depend on the firmware version).
init_uart_clock=48000000
# core_freq is not set: it clocks the mini UART, not the PL011.
# enable_uart=1 pins it at 250 MHz, which is what a mini UART console
# would need.

# ARM JTAG for images/openocd/ (tools/flash.sh): GPIO 22-27 in Alt4,
# TRST 22, RTCK 23, TDO 24, TCK 25, TDI 26, TMS 27. tools/mksdcard.sh
# --jtag or --park uncomments it.
$jtagline
EOF

{
	cat <<EOF
rumpmetal SD card for the Raspberry Pi 3 Model B
================================================

Written by tools/mksdcard.sh. The card needs an MBR partition table with a
FAT32 (or FAT16) first partition holding these files at its root:

  config.txt     boot configuration (64-bit, kernel8.img at 0x80000,
                 PL011 console on GPIO 14/15, JTAG pins $( [ $jtag -eq 1 ] && echo on || echo off))
  kernel8.img    $kernel_desc

and the Raspberry Pi firmware, which we do not ship or download. Take it
from https://github.com/raspberrypi/firmware, directory boot/:

  bootcode.bin               second-stage loader read by the SoC's ROM
  start.elf                  VideoCore firmware: reads config.txt, loads the
                             device tree and kernel8.img, starts the ARM
  fixup.dat                  SDRAM split, must come with that start.elf
  bcm2710-rpi-3-b.dtb        the Pi 3 B device tree (memory size filled in
                             by the firmware, address passed in x0)
  overlays/disable-bt.dtbo   for dtoverlay=disable-bt
  overlays/overlay_map.dtb   overlay name map (optional; firmware from
                             2020 on has it)

Debian packages bootcode.bin, start*.elf and fixup*.dat as raspi-firmware
(component non-free-firmware, files in /usr/lib/raspi-firmware); this
script copies from there, from RPI_FIRMWARE_DIR or from /boot/firmware
when it finds them.

EOF
	if [ ${#found[@]} -gt 0 ]; then
		echo "Copied here:"
		printf '  %s\n' "${found[@]}"
		echo
	fi
	if [ ${#missing[@]} -gt 0 ]; then
		echo "NOT found on the build machine; copy them yourself:"
		printf '  %s\n' "${missing[@]}"
		echo
	fi
	cat <<EOF
Writing a card (replace sdX; everything on it is lost):

  dd if=sdcard.img of=/dev/sdX bs=4M conv=fsync

then mount its first partition and copy the missing firmware files to it,
or add them to the image before writing it:

  mcopy -i sdcard.img@@1M -o bootcode.bin start.elf fixup.dat bcm2710-rpi-3-b.dtb ::/
  mmd -i sdcard.img@@1M ::/overlays
  mcopy -i sdcard.img@@1M -o overlays/disable-bt.dtbo overlays/overlay_map.dtb ::/overlays/

Or use any FAT32-formatted card and copy all of the above to it.

Console: a 3.3 V USB serial adapter on header pin 6 (GND), pin 8 (GPIO 14,
the Pi's TXD) and pin 10 (GPIO 15, RXD), 115200 8N1.
EOF
} >"$outdir/README.txt"

[ $fat -eq 1 ] || exit 0

# --- MBR disk image with one FAT32 partition -------------------------------
le32() {
	local v=$1
	printf "\\x$(printf %02x $((v & 255)))\\x$(printf %02x $(((v >> 8) & 255)))"
	printf "\\x$(printf %02x $(((v >> 16) & 255)))\\x$(printf %02x $(((v >> 24) & 255)))"
}

# CHS address of sector $1 with 255 heads and 63 sectors per track, or the
# "beyond CHS" marker 1023/254/63 past what CHS can address.
chs() {
	local lba=$1 c h s
	c=$((lba / (255 * 63)))
	h=$(((lba / 63) % 255))
	s=$((lba % 63 + 1))
	if [ $c -gt 1023 ]; then
		printf '\xfe\xff\xff'
		return
	fi
	printf "\\x$(printf %02x $h)\\x$(printf %02x $((s | ((c >> 2) & 0xc0))))\\x$(printf %02x $((c & 255)))"
}

start=2048
total=$((size_mb * 2048))
count=$((total - start))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
img=$tmp/sdcard.img
truncate -s $((total * 512)) "$img" || die "cannot create $img"
{
	# 440 bytes of (no) boot code: the SoC's ROM does not run it.
	head -c 440 /dev/zero
	printf 'RMTL'          # disk signature
	printf '\x00\x00'
	# Partition 1: not active, FAT32 with LBA (0x0c).
	printf '\x00'
	chs $start
	printf '\x0c'
	chs $((start + count - 1))
	le32 $start
	le32 $count
	head -c 48 /dev/zero   # partitions 2-4 unused
	printf '\x55\xaa'
} | dd of="$img" conv=notrunc status=none || die "cannot write the MBR"

part="$img@@$((start * 512))"
mformat -i "$part" -F -v RUMPMETAL -N 524d544c -T $count -H $start -h 255 -s 63 :: ||
	die "mformat failed"
(
	cd "$outdir" || exit 1
	files=(config.txt kernel8.img README.txt)
	for f in $firmware; do
		case $f in
		overlays/*) ;;
		*) [ -f "$f" ] && files+=("$f") ;;
		esac
	done
	mcopy -i "$part" -o "${files[@]}" ::/ || exit 1
	mmd -i "$part" ::/overlays || exit 1
	for f in $firmware; do
		case $f in
		overlays/*) [ -f "$f" ] && { mcopy -i "$part" -o "$f" ::/overlays/ || exit 1; } ;;
		esac
	done
	exit 0
) || die "mcopy into $img failed"
mv "$img" "$outdir/sdcard.img" || die "cannot write $outdir/sdcard.img"
