#!/bin/bash
# Load a raw kernel image into a board's RAM over JTAG with OpenOCD and start
# it on the boot core (nothing is written to flash or to the SD card; the
# image is gone at the next power cycle).
# Usage: tools/flash.sh [-n] BOARD ADAPTER IMAGE
#   BOARD     a board with images/openocd/board-BOARD.cfg (rpi3)
#   ADAPTER   an adapter with images/openocd/BOARD-ADAPTER.cfg
#             (jlink, ftdi, cmsis-dap)
#   IMAGE     the raw image, e.g. build/aarch64/hello.img (not the .elf)
#   -n        print the openocd command instead of running it
# Environment (all optional):
#   JTAG_KHZ=N         JTAG clock in kHz (the configurations default to 1000)
#   ADAPTER_SERIAL=S   pick one probe by serial number
#   FTDI_CFG=F         OpenOCD interface file for ADAPTER=ftdi
#                      (default interface/ftdi/olimex-arm-usb-ocd-h.cfg)
#   VERIFY=1           read the image back after loading
#   SECONDARIES=run    resume the other cores where they were halted
#                      (default: leave them halted)
#   OPENOCD=path       the openocd binary (default openocd)
# See images/openocd/README.md for the wiring and the board setup.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cfgdir=$top/images/openocd

die() {
	echo "flash.sh: $*" >&2
	exit 1
}

dry=0
if [ "${1:-}" = -n ]; then
	dry=1
	shift
fi
[ $# -eq 3 ] || die "usage: tools/flash.sh [-n] BOARD ADAPTER IMAGE"
board=$1
adapter=$2
image=$3

boards() {
	local f
	for f in "$cfgdir"/board-*.cfg; do
		[ -f "$f" ] || continue
		f=${f##*/board-}
		printf ' %s' "${f%.cfg}"
	done
}

adapters() {
	local f
	for f in "$cfgdir/$1"-*.cfg; do
		[ -f "$f" ] || continue
		f=${f##*/"$1"-}
		printf ' %s' "${f%.cfg}"
	done
}

# The address the board's boot firmware would load the kernel at, which is
# where the image is linked to run.
case $board in
rpi3) addr=0x80000 ;; # kernel8.img, 64-bit kernel (config.txt kernel_address)
*) addr= ;;
esac
if [ -z "$addr" ] || [ ! -f "$cfgdir/board-$board.cfg" ]; then
	die "unknown board '$board' (available:$(boards))"
fi
cfg=$cfgdir/$board-$adapter.cfg
if [ -z "$adapter" ]; then
	die "no adapter given (ADAPTER=; available for $board:$(adapters "$board"))"
elif [ ! -f "$cfg" ]; then
	die "no configuration for adapter '$adapter' on $board (available for $board:$(adapters "$board"))"
fi

[ -e "$image" ] || die "$image: no such image (build it: make ARCH=aarch64 BOARD=$board image)"
[ -f "$image" ] && [ -r "$image" ] || die "$image: not a readable file"
[ -s "$image" ] || die "$image: empty file"
if [ "$(head -c 4 "$image" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
	die "$image is an ELF file; load the raw image (the .img next to it)"
fi
image=$(cd "$(dirname "$image")" && pwd)/$(basename "$image")

args=()
[ -n "${JTAG_KHZ:-}" ] && args+=(-c "set RUMPMETAL_JTAG_KHZ ${JTAG_KHZ}")
[ -n "${ADAPTER_SERIAL:-}" ] && args+=(-c "set RUMPMETAL_ADAPTER_SERIAL {${ADAPTER_SERIAL}}")
[ -n "${FTDI_CFG:-}" ] && args+=(-c "set RUMPMETAL_FTDI_CFG {${FTDI_CFG}}")
[ -n "${SECONDARIES:-}" ] && args+=(-c "set rumpmetal_secondaries ${SECONDARIES}")
verify=0
[ "${VERIFY:-0}" = 1 ] && verify=1
args+=(-f "$cfg" -c init -c "rumpmetal_load {$image} $addr $verify" -c shutdown)

# One word for a shell: as it is when it is plain, else in single quotes.
quote() {
	case $1 in
	*[!A-Za-z0-9_./=:,+-]* | '') printf "'%s'" "${1//\'/\'\\\'\'}" ;;
	*) printf '%s' "$1" ;;
	esac
}

if [ $dry -eq 1 ]; then
	quote "${OPENOCD:-openocd}"
	for a in "${args[@]}"; do
		printf ' '
		quote "$a"
	done
	printf '\n'
	exit 0
fi
command -v "${OPENOCD:-openocd}" >/dev/null ||
	die "${OPENOCD:-openocd} not found (apt-get install openocd)"
echo "flash.sh: loading $image at $addr on $board through $adapter" >&2
exec "${OPENOCD:-openocd}" "${args[@]}"
