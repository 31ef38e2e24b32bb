#!/bin/sh
# Install the Debian packages the build and the tests need, if missing.
# Usage: tools/deps.sh [ARCH...]. Says what it installs; needs root or sudo.
set -eu
# iproute2 and iputils-ping: the network tests (namespaces, taps, ping -f);
# curl: Linux's HTTP client against apps/httpd (tests/tcp-qemu); tcpdump:
# the captures tests/netns/tcp.sh leaves of each TCP phase.
pkgs="gcc make binutils gawk xz-utils python3 newlib-source iproute2 iputils-ping"
pkgs="$pkgs curl tcpdump"
for arch in "${@:-x86_64}"; do
	case "$arch" in
	x86_64)
		pkgs="$pkgs qemu-system-x86 grub-pc-bin grub-efi-amd64-bin"
		pkgs="$pkgs grub-common xorriso mtools ovmf"
		;;
	aarch64)
		pkgs="$pkgs qemu-system-arm gcc-aarch64-linux-gnu"
		pkgs="$pkgs device-tree-compiler openocd"
		;;
	*) echo "deps: unknown ARCH '$arch'" >&2; exit 1 ;;
	esac
done
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing Debian packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	sudo=""
elif command -v sudo >/dev/null 2>&1; then
	sudo="sudo"
else
	echo "deps: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "deps: done"
