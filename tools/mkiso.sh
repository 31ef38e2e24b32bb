#!/bin/sh
# Pack a kernel into a GRUB rescue ISO that boots by BIOS and by UEFI, from
# CD or when written to a USB stick with dd.
# Usage: tools/mkiso.sh KERNEL.elf OUT.iso NAME [CMDLINE]
set -eu
kernel=$1
out=$2
name=$3
cmdline=${4:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir=$tmp/iso
mkdir -p "$dir/boot/grub"
cp "$kernel" "$dir/boot/$name.elf"
cat >"$dir/boot/grub/grub.cfg" <<CFG
set timeout=0
insmod all_video
set default=0
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
menuentry "rumpmetal: $name" {
	multiboot2 /boot/$name.elf $cmdline
	boot
}
CFG
grub-mkrescue -o "$out" "$dir" >"$tmp/log" 2>&1 || {
	cat "$tmp/log" >&2
	exit 1
}
