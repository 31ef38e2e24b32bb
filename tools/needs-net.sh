#!/bin/sh
# Does an application use the network? Prints "yes" or "no".
# Usage: tools/needs-net.sh MODE NM NETLIB... -- APPOBJ...
#   MODE  yes or no: that answer; auto: yes iff some symbol the
#         application's objects leave undefined is defined in one of the
#         network libraries (sockets, name resolution, or the kernel's
#         network calls directly, as the driver tests do).
set -eu
mode=$1
nm=$2
shift 2
case "$mode" in
yes|no) echo "$mode"; exit 0 ;;
auto) ;;
*) echo "needs-net: NET=$mode: use auto, yes or no" >&2; exit 2 ;;
esac
libs=""
while [ "$1" != "--" ]; do
	libs="$libs $1"
	shift
done
shift
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
# shellcheck disable=SC2086
"$nm" --defined-only $libs 2>/dev/null | awk 'NF == 3 { print $3 }' |
	sort -u >"$tmp"
if "$nm" -u "$@" | awk '{ print $NF }' | sort -u | comm -12 - "$tmp" |
	grep -q .; then
	echo yes
else
	echo no
fi
