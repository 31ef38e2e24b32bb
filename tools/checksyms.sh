#!/bin/sh
# The symbol table is built from the first link pass; it is only right if
# every text symbol kept its address in the second pass. Check that.
set -eu
nm=${NM:-nm}
a=$($nm -n "$1" | awk '$2 ~ /^[Tt]$/' | md5sum)
b=$($nm -n "$2" | awk '$2 ~ /^[Tt]$/' | md5sum)
if [ "$a" != "$b" ]; then
	echo "checksyms: text moved between link passes of $2;" \
	    "keep .ksyms after .text in the linker script" >&2
	exit 1
fi
