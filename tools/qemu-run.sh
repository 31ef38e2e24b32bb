#!/bin/sh
# Boot an image in QEMU (TCG) with the serial console on stdout, and exit
# with the guest's own exit status.
# Usage: tools/qemu-run.sh ARCH iso|kernel|uefi IMAGEBASE [QEMU ARGS...]
#   IMAGEBASE is the image path without extension (build/x86_64/hello).
#   CMDLINE (environment) is the boot command line: kernel options, "--",
#   program arguments. QEMU_MEM (default 128) is the memory in MiB.
set -eu
arch=$1
boot=$2
base=$3
shift 3
cmdline=${CMDLINE:-}
mem=${QEMU_MEM:-128}
ovmf=/usr/share/ovmf/OVMF.fd

case "$arch" in
x86_64) ;;
*) echo "qemu-run: ARCH=$arch not supported" >&2; exit 2 ;;
esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
iso=$base.iso
if [ "$boot" != kernel ] && [ -n "$cmdline" ]; then
	# The command line lives in grub.cfg: make an ISO that carries it.
	iso=$tmp/boot.iso
	"$(dirname "$0")/mkiso.sh" "$base.elf" "$iso" "$(basename "$base")" \
		"$cmdline"
fi

set -- -M "${QEMU_MACHINE:-pc}" -m "$mem" -display none -serial stdio \
	-monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	"$@"
case "$boot" in
kernel) set -- "$@" -kernel "$base.elf32" -append "$cmdline" ;;
iso) set -- "$@" -cdrom "$iso" ;;
uefi) set -- "$@" -bios "$ovmf" -cdrom "$iso" ;;
*) echo "qemu-run: QEMU_BOOT=$boot: use iso, kernel or uefi" >&2; exit 2 ;;
esac

for f in "$base.elf"; do
	[ -f "$f" ] || { echo "qemu-run: $f does not exist" >&2; exit 125; }
done
status=0
qemu-system-x86_64 "$@" 2>"$tmp/stderr" || status=$?
cat "$tmp/stderr" >&2
# QEMU's own failures exit 1, which is also what a guest status of 0
# looks like; QEMU always says why on stderr, the guest never writes there.
if [ "$status" -eq 1 ] && grep -q '^qemu' "$tmp/stderr"; then
	echo "qemu-run: QEMU failed to start" >&2
	exit 125
fi
# isa-debug-exit makes QEMU exit with (status << 1) | 1; an even status
# means QEMU itself stopped (0: the guest halted or was shut down).
if [ $((status % 2)) -eq 1 ]; then
	exit $((status >> 1))
fi
if [ "$status" -ne 0 ]; then
	echo "qemu-run: QEMU failed (status $status)" >&2
	exit 125
fi
echo "qemu-run: the guest stopped without an exit status" >&2
exit 124
