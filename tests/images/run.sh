#!/bin/bash
# Board image layout tests: tools/mksdcard.sh (the Raspberry Pi 3 SD card:
# files, config.txt, README.txt, the MBR + FAT32 sdcard.img read back with
# mtools), images/board.mk's sdcard and flash rules, and tools/flash.sh's
# argument checks (no hardware: flash.sh -n prints the openocd command).
# Usage: tests/images/run.sh [KERNEL]   (default: a made-up kernel file)
# Prints "ok NAME" or "FAIL NAME: why" per check, then "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
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

# check NAME COMMAND...: ok if COMMAND succeeds, else FAIL with its output.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		bad "$name" "$(echo "$out" | head -n 3 | tr '\n' ' ')"
	fi
}

# fails NAME PATTERN COMMAND...: ok if COMMAND fails and prints PATTERN.
fails() {
	local name=$1 pat=$2 out
	shift 2
	if out=$("$@" 2>&1); then
		bad "$name" "succeeded, should have failed"
	elif ! echo "$out" | grep -q -- "$pat"; then
		bad "$name" "no '$pat' in: $(echo "$out" | head -n 2 | tr '\n' ' ')"
	else
		ok "$name"
	fi
}

has_line() { grep -qxF -- "$2" "$1" || { echo "no line '$2' in $1"; return 1; }; }
mdir_has() { mdir -/ -b -i "$1@@1M" :: | grep -qxF -- "$2" || { echo "$2 not in the FAT image"; return 1; }; }
same_in_fat() {
	mcopy -n -i "$1@@1M" "::/$2" "$tmp/out.bin" && cmp "$3" "$tmp/out.bin"
}
byte_at() { od -An -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }
mbr_ok() {
	local img=$1
	[ "$(byte_at "$img" 510 2)" = 55aa ] || { echo "no 55aa signature"; return 1; }
	[ "$(byte_at "$img" 450 1)" = 0c ] || { echo "partition type $(byte_at "$img" 450 1), not 0c"; return 1; }
	[ "$(byte_at "$img" 454 4)" = 00080000 ] || { echo "partition start $(byte_at "$img" 454 4), not 2048"; return 1; }
	local n
	n=$(($(stat -c %s "$img") / 512 - 2048))
	[ "$(byte_at "$img" 458 4)" = "$(printf '%02x%02x%02x%02x' $((n & 255)) $(((n >> 8) & 255)) $(((n >> 16) & 255)) $(((n >> 24) & 255)))" ] ||
		{ echo "partition length does not reach the end of the image"; return 1; }
	minfo -i "$img@@1M" :: | grep -q 'disk type="FAT32' || { echo "not FAT32"; return 1; }
	minfo -i "$img@@1M" :: | grep -q 'hidden sectors: 2048' || { echo "hidden sectors != 2048"; return 1; }
}

for t in mdir mcopy mformat minfo; do
	command -v $t >/dev/null || { echo "FAIL mtools: $t not installed"; echo "0 passed, 1 failed"; exit 1; }
done

kernel=${1:-}
if [ -z "$kernel" ]; then
	kernel=$tmp/hello.img
	# Something shaped like an arm64 Image: a branch, then the header's
	# "ARM\x64" magic at offset 56, padded to 4 KiB.
	{ printf '\x10\x00\x00\x14'; head -c 52 /dev/zero; printf 'ARM\x64'; head -c 4036 /dev/zero; } >"$kernel"
fi

# --- the plain layout ----------------------------------------------------
out=$tmp/sd
if ! tools/mksdcard.sh rpi3 "$kernel" "$out" >"$tmp/log" 2>&1; then
	bad "mksdcard rpi3" "$(head -n 3 "$tmp/log" | tr '\n' ' ')"
else
	ok "mksdcard rpi3"
fi
for f in config.txt kernel8.img README.txt sdcard.img; do
	check "layout has $f" test -s "$out/$f"
done
check "kernel8.img is the kernel" cmp "$kernel" "$out/kernel8.img"
for l in arm_64bit=1 kernel=kernel8.img kernel_address=0x80000 enable_uart=1 \
    dtoverlay=disable-bt init_uart_clock=48000000 '#enable_jtag_gpio=1'; do
	check "config.txt: $l" has_line "$out/config.txt" "$l"
done
check "config.txt sets no core_freq" bash -c "! grep -q '^core_freq' '$out/config.txt'"
for f in bootcode.bin start.elf fixup.dat bcm2710-rpi-3-b.dtb overlays/disable-bt.dtbo; do
	check "README.txt names $f" grep -qF -- "$f" "$out/README.txt"
done
check "sdcard.img: MBR, one FAT32 partition at 1 MiB" mbr_ok "$out/sdcard.img"
for f in ::/config.txt ::/kernel8.img ::/README.txt ::/overlays/; do
	check "sdcard.img lists $f" mdir_has "$out/sdcard.img" "$f"
done
check "sdcard.img: kernel8.img is the kernel" same_in_fat "$out/sdcard.img" kernel8.img "$kernel"
check "sdcard.img: config.txt is the layout's" same_in_fat "$out/sdcard.img" config.txt "$out/config.txt"
check "mdir -i lists the files" bash -c "mdir -i '$out/sdcard.img@@1M' :: | grep -q '^config *txt' && mdir -i '$out/sdcard.img@@1M' :: | grep -q '^kernel8 *img'"

# --- firmware found on the machine (a fake firmware directory) ------------
fw=$tmp/fw
mkdir -p "$fw/overlays"
for f in bootcode.bin start.elf fixup.dat bcm2710-rpi-3-b.dtb overlays/disable-bt.dtbo overlays/overlay_map.dtb; do
	echo "fake $f" >"$fw/$f"
done
out2=$tmp/sd-fw
check "mksdcard with RPI_FIRMWARE_DIR" env RPI_FIRMWARE_DIR="$fw" tools/mksdcard.sh --jtag rpi3 "$kernel" "$out2"
for f in bootcode.bin start.elf fixup.dat bcm2710-rpi-3-b.dtb overlays/disable-bt.dtbo overlays/overlay_map.dtb; do
	check "firmware copied: $f" cmp "$fw/$f" "$out2/$f"
	check "sdcard.img holds $f" same_in_fat "$out2/sdcard.img" "$f" "$fw/$f"
done
check "README.txt says the firmware was copied" grep -q '^Copied here' "$out2/README.txt"
check "README.txt lists nothing as missing" bash -c "! grep -q '^NOT found' '$out2/README.txt'"
check "--jtag: enable_jtag_gpio=1" has_line "$out2/config.txt" enable_jtag_gpio=1

# --- the JTAG parking kernel ------------------------------------------------
out3=$tmp/sd-park
check "mksdcard --park" tools/mksdcard.sh --no-fat rpi3 --park "$out3"
check "--park: kernel8.img is wfe; b .-4" test "$(byte_at "$out3/kernel8.img" 0 16)" = 5f2003d5ffffff17
check "--park: enable_jtag_gpio=1" has_line "$out3/config.txt" enable_jtag_gpio=1
check "--no-fat: no sdcard.img" test ! -e "$out3/sdcard.img"
if command -v aarch64-linux-gnu-objdump >/dev/null; then
	check "--park: disassembles to wfe; b" bash -c "aarch64-linux-gnu-objdump -b binary -m aarch64 -D '$out3/kernel8.img' | grep -q 'wfe' && aarch64-linux-gnu-objdump -b binary -m aarch64 -D '$out3/kernel8.img' | grep -qE 'b[[:space:]]+0x0'"
fi

# --- errors -------------------------------------------------------------
fails "mksdcard: unknown board" "available: rpi3" tools/mksdcard.sh rpi9 "$kernel" "$tmp/x"
fails "mksdcard: missing kernel" "no such kernel image" tools/mksdcard.sh rpi3 "$tmp/nonexistent.img" "$tmp/x"
printf '\x7fELF\x02\x01\x01' >"$tmp/k.elf"
fails "mksdcard: ELF refused" "ELF" tools/mksdcard.sh rpi3 "$tmp/k.elf" "$tmp/x"
fails "mksdcard: too small" "at least" env SD_SIZE_MB=8 tools/mksdcard.sh rpi3 "$kernel" "$tmp/x"

# --- images/board.mk ----------------------------------------------------
b=$tmp/build
mkdir -p "$b"
cp "$kernel" "$b/app.img"
mk() { make -s --no-print-directory -f images/board.mk ARCH=aarch64 BUILD="$b" APP_NAME=app Q=@ "$@"; }
check "make sdcard BOARD=rpi3" mk BOARD=rpi3 sdcard
check "make sdcard: \$(BUILD)/sdcard/sdcard.img" mdir_has "$b/sdcard/sdcard.img" ::/kernel8.img
check "make sdcard JTAG=1" bash -c "rm -rf '$b/sdcard' && make -s -f images/board.mk ARCH=aarch64 BUILD='$b' APP_NAME=app BOARD=rpi3 JTAG=1 sdcard && grep -qx enable_jtag_gpio=1 '$b/sdcard/config.txt'"
fails "make sdcard: unsupported board" "not supported" mk BOARD=rpi9 sdcard
fails "make sdcard: BOARD needs ARCH=aarch64" "ARCH=aarch64" make -s -f images/board.mk ARCH=x86_64 BUILD="$b" APP_NAME=app BOARD=rpi3 sdcard
fails "make flash without ADAPTER" "available for rpi3: cmsis-dap ftdi jlink" mk BOARD=rpi3 flash
if out=$(make -n -f images/board.mk ARCH=aarch64 BUILD="$b" APP_NAME=app Q= BOARD=rpi3 ADAPTER=jlink flash 2>&1) &&
    echo "$out" | grep -qF "tools/flash.sh \"rpi3\" \"jlink\" $b/app.img"; then
	ok "make flash calls tools/flash.sh BOARD ADAPTER IMAGE"
else
	bad "make flash calls tools/flash.sh BOARD ADAPTER IMAGE" "$out"
fi

# --- tools/flash.sh, without hardware ------------------------------------
fails "flash: unknown board lists boards" "available: rpi3" tools/flash.sh rpi9 jlink "$kernel"
fails "flash: unknown adapter lists adapters" "available for rpi3: cmsis-dap ftdi jlink" tools/flash.sh rpi3 stlink "$kernel"
fails "flash: missing image" "no such image" tools/flash.sh rpi3 jlink "$tmp/nonexistent.img"
fails "flash: ELF refused" "ELF" tools/flash.sh rpi3 jlink "$tmp/k.elf"
for a in jlink ftdi cmsis-dap; do
	if cmd=$(tools/flash.sh -n rpi3 $a "$kernel") &&
	    echo "$cmd" | grep -qF "images/openocd/rpi3-$a.cfg -c init -c 'rumpmetal_load {$kernel} 0x80000 0' -c shutdown"; then
		ok "flash -n rpi3 $a: loads at 0x80000"
	else
		bad "flash -n rpi3 $a: loads at 0x80000" "$cmd"
	fi
done
if cmd=$(JTAG_KHZ=500 VERIFY=1 SECONDARIES=run tools/flash.sh -n rpi3 jlink "$kernel") &&
    echo "$cmd" | grep -qF "'set RUMPMETAL_JTAG_KHZ 500'" &&
    echo "$cmd" | grep -qF "'set rumpmetal_secondaries run'" &&
    echo "$cmd" | grep -qF "0x80000 1'"; then
	ok "flash -n: JTAG_KHZ, SECONDARIES, VERIFY pass through"
else
	bad "flash -n: JTAG_KHZ, SECONDARIES, VERIFY pass through" "$cmd"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
