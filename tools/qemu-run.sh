#!/bin/sh
# Boot an image in QEMU (TCG) with the serial console on stdout, and exit
# with the guest's own exit status.
# Usage: tools/qemu-run.sh ARCH BOOT IMAGEBASE [QEMU ARGS...]
#   x86_64:  BOOT is iso, kernel or uefi
#   aarch64: BOOT is kernel (the ELF) or image (the raw arm64 Image)
#   IMAGEBASE is the image path without extension (build/x86_64/hello).
# Environment:
#   CMDLINE       boot command line: kernel options, "--", program args
#   QEMU_MEM      memory in MiB (default 128; raspi3b always has 1024)
#   QEMU_MACHINE  x86_64: pc (default) or q35; aarch64: virt (default,
#                 with options: virt,...) or raspi3b (Raspberry Pi 3 B:
#                 build with BOARD=rpi3, boot the image; no device tree
#                 unless QEMU_ARGS has -dtb, and without one the kernel
#                 sees no command line, so no "semihosting" either)
#   QEMU_GIC      aarch64 virt: GIC version 3 (default) or 2
#   QEMU_CPU      aarch64 virt: CPU model (default cortex-a72)
set -eu
arch=$1
boot=$2
base=$3
shift 3
cmdline=${CMDLINE:-}
mem=${QEMU_MEM:-128}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

[ -f "$base.elf" ] || { echo "qemu-run: $base.elf does not exist" >&2; exit 125; }

case "$arch" in
x86_64)
	qemu=qemu-system-x86_64
	iso=$base.iso
	if [ "$boot" != kernel ] && [ -n "$cmdline" ]; then
		# The command line lives in grub.cfg: an ISO that carries it.
		iso=$tmp/boot.iso
		"$(dirname "$0")/mkiso.sh" "$base.elf" "$iso" \
			"$(basename "$base")" "$cmdline"
	fi
	set -- -M "${QEMU_MACHINE:-pc}" -m "$mem" -display none \
		-serial stdio -monitor none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@"
	case "$boot" in
	kernel) set -- "$@" -kernel "$base.elf32" -append "$cmdline" ;;
	iso) set -- "$@" -cdrom "$iso" ;;
	uefi) set -- "$@" -bios /usr/share/ovmf/OVMF.fd -cdrom "$iso" ;;
	*) echo "qemu-run: QEMU_BOOT=$boot: use iso, kernel or uefi" >&2; exit 2 ;;
	esac
	;;
aarch64)
	qemu=qemu-system-aarch64
	machine=${QEMU_MACHINE:-virt}
	[ "$machine" = virt ] && machine="virt,gic-version=${QEMU_GIC:-3}"
	case "$machine" in
	raspi*)
		# The SoC fixes the CPU and the RAM size (QEMU_CPU and
		# QEMU_MEM do not apply); -serial is the PL011.
		mem=1024
		;;
	*) set -- -cpu "${QEMU_CPU:-cortex-a72}" "$@" ;;
	esac
	# Semihosting carries the exit status to the host; the kernel uses
	# it only when told to, since on hardware the trap needs a debugger.
	set -- -M "$machine" -m "$mem" \
		-display none -serial stdio -monitor none -no-reboot \
		-semihosting-config enable=on,target=native "$@"
	case "$boot" in
	kernel) img=$base.elf ;;
	image) img=$base.img ;;
	*) echo "qemu-run: QEMU_BOOT=$boot: use kernel or image" >&2; exit 2 ;;
	esac
	set -- "$@" -kernel "$img" -append "semihosting $cmdline"
	;;
*)
	echo "qemu-run: ARCH=$arch not supported" >&2
	exit 2
	;;
esac

status=0
$qemu "$@" 2>"$tmp/stderr" || status=$?
cat "$tmp/stderr" >&2
# QEMU's own failures exit 1, which is also a guest status of 0 through
# isa-debug-exit; QEMU then says why on stderr, the guest never writes there.
if [ "$status" -eq 1 ] && grep -q '^qemu' "$tmp/stderr"; then
	echo "qemu-run: QEMU failed to start" >&2
	exit 125
fi
if [ "$arch" = aarch64 ]; then
	# Semihosting exit: QEMU exits with the guest's status as it is.
	exit "$status"
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
