#!/bin/sh
# Does an application need the USB stack? Prints "yes" or "no".
# Usage: tools/needs-usb.sh MODE NET NM -- APPOBJ...
#   MODE  yes or no: that answer; auto: yes iff the application uses the
#         network (NET is yes: USB network adapters), reads its standard
#         input (a USB keyboard types into it), opens files (USB disks
#         are /dev/sdN), uses the mouse, or calls the USB or disk layer
#         directly.
set -eu
mode=$1
net=$2
nm=$3
shift 3
case "$mode" in
yes|no) echo "$mode"; exit 0 ;;
auto) ;;
*) echo "needs-usb: USB=$mode: use auto, yes or no" >&2; exit 2 ;;
esac
[ "$1" = "--" ] && shift
if [ "$net" = yes ]; then
	echo yes
	exit 0
fi
# Input and file functions of the C library, and the kernel's USB and
# disk calls (drivers' tests call them directly).
if "$nm" -u "$@" | awk '{ print $NF }' | grep -Eq \
    '^_?(read|getchar|getc|fgetc|fgets|gets|scanf|fscanf|fread|getline|getdelim|poll|select|open|fopen|usb_[a-z_]+|disk_[a-z_]+|rumpmetal_mouse_[a-z]+)$'; then
	echo yes
else
	echo no
fi
