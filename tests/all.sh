#!/bin/bash
# Everything `make test` runs: host unit tests (ASan/UBSan), the hypercall
# conformance suite on hypercall-posix, the rump kernel, PCI and network
# stack host tests, the stack on a tap in a network namespace, the QEMU
# smoke tests on every arch (aarch64 on virt with GICv3 and with GICv2),
# a Linux flood ping into QEMU guests on a tap, TCP against Linux's
# TCP (our stack as a process on a tap; guests through user networking),
# the USB core and class drivers on the host (fake controller, fake
# devices), and USB keyboard, mouse, network and hot plug in QEMU guests
# driven through the QEMU monitor.
# Each suite prints its own "N passed, N failed[, N skipped]"; this adds
# them up into the final line.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
arches=${TEST_ARCHES:-x86_64}
passed=0
failed=0
skipped=0
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

suite() {
	local name=$1 line p f s
	shift
	echo "=== $name"
	"$@" 2>&1 | tee "$tmp"
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$tmp" | tail -n 1)
	if [ -z "$line" ]; then
		echo "=== $name: no result line; counted as one failure"
		failed=$((failed + 1))
		return
	fi
	p=${line%% passed*}
	f=${line#*passed, }
	f=${f%% failed*}
	s=0
	case $line in *skipped*) s=${line#*failed, }; s=${s%% skipped*} ;; esac
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

for arch in $arches; do
	make -s ARCH="$arch" newlib || exit 1
done
suite "host unit tests (ASan, UBSan)" tests/unit/run.sh build/host/unit
suite "hypercall conformance on hypercall-posix (ASan, UBSan)" \
	tests/hypercall/run-posix.sh build/host/hypercall
suite "rump kernel (sys/kern) on hypercall-posix (ASan, UBSan)" \
	tests/kern/run.sh build/host/kern
suite "PCI bus driver (ASan, UBSan)" tests/pci/run.sh build/host/pci
suite "network stack (sys/net, sys/netinet) on hypercall-posix (ASan, UBSan)" \
	tests/net/run.sh build/host/net
suite "USB core with a fake host controller and devices (ASan, UBSan)" \
	tests/usb/run.sh build/host/usb
suite "USB keyboard, mouse and CDC-ECM drivers over a fake USB core (ASan, UBSan)" \
	tests/usbclass/run.sh build/host/usbclass
suite "USB mass storage and the disk layer over a fake USB core (ASan, UBSan)" \
	tests/umass/run.sh build/host/umass
suite "network stack on a tap in a network namespace (ASan, UBSan)" \
	tests/netns/run.sh build/host/netns
suite "TCP against Linux's TCP, the stack on a tap in a network namespace (ASan, UBSan)" \
	tests/netns/tcp.sh build/host/netns-tcp
case " $arches " in
*" aarch64 "*)
	suite "OpenOCD configurations" tests/openocd/run.sh
	suite "board images (SD card, flash.sh)" tests/images/run.sh
	;;
esac
for arch in $arches; do
	if [ "$arch" = aarch64 ]; then
		for gic in 3 2; do
			suite "QEMU smoke tests (aarch64, virt, GICv$gic)" \
			    env ARCH=aarch64 QEMU_GIC=$gic \
			    LOGDIR="build/aarch64/qemu-tests-gicv$gic" \
			    tests/qemu/run.sh tests/qemu/*/
		done
		suite "PCI listing against QEMU's query-pci ($arch)" tests/pci-qemu/run.sh $arch
	else
		suite "QEMU smoke tests ($arch)" env ARCH="$arch" \
		    tests/qemu/run.sh tests/qemu/*/
		suite "PCI listing against QEMU's query-pci ($arch)" tests/pci-qemu/run.sh $arch
	fi
done
flood=""
for arch in $arches; do
	case $arch in
	x86_64) flood="$flood x86_64:virtio-net-pci x86_64:e1000e" ;;
	*) flood="$flood $arch:virtio-net-pci" ;;
	esac
done
suite "Linux ping -f into a guest on a tap (QEMU)" env FLOOD_CASES="$flood" \
	tests/netns/qemu-flood.sh build/host/qemu-flood
# shellcheck disable=SC2086	# the arches are a list
suite "TCP in QEMU guests against Linux's TCP (curl, echo; user networking)" \
	tests/tcp-qemu/run.sh $arches
# shellcheck disable=SC2086	# the arches are a list
suite "USB in QEMU guests: keys typed, mouse moved, usb-net DHCP and curl, hot plug (QEMU monitor)" \
	tests/usbclass/qemu.sh $arches
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
