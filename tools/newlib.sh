#!/bin/sh
# Build newlib once per arch from Debian's newlib-source into build/<arch>/.
# Usage: tools/newlib.sh ARCH OUTDIR STAMP | tools/newlib.sh --defs
# The result is OUTDIR/newlib/<target>/{include,lib}; STAMP marks a
# finished build so that later runs reuse it.
set -eu
# Feature macros that apps and newlib itself are compiled with: POSIX
# clocks and timers (we provide clock_gettime), and POSIX read/write types.
# Changing them needs a newlib rebuild: bump STAMP in the Makefile.
defs="-D_POSIX_TIMERS=1 -D_POSIX_MONOTONIC_CLOCK=200112L -D_READ_WRITE_RETURN_TYPE=_ssize_t"
if [ "${1:-}" = --defs ]; then
	echo "$defs"
	exit 0
fi
arch=$1
out=$2
stamp=$3
case "$arch" in
x86_64)
	target=x86_64-elf
	cc=gcc
	bin=
	cflags="$defs -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone -U__linux__"
	;;
aarch64)
	target=aarch64-elf
	cc=aarch64-linux-gnu-gcc
	bin=aarch64-linux-gnu-
	cflags="$defs -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie -U__linux__"
	;;
*) echo "newlib.sh: unknown ARCH '$arch'" >&2; exit 1 ;;
esac
tarball=/usr/src/newlib/newlib-3.3.0.tar.xz
[ -f "$tarball" ] || { echo "newlib.sh: $tarball missing (package newlib-source)" >&2; exit 1; }
mkdir -p "$out" "$(dirname "$stamp")"
out=$(cd "$out" && pwd)
stamp=$(cd "$(dirname "$stamp")" && pwd)/$(basename "$stamp")
# One build at a time per tree: a second caller waits and reuses it.
exec 9>"$out/newlib.lock"
flock 9
[ -f "$stamp" ] && exit 0
src=$out/newlib-src
obj=$out/newlib-obj
rm -rf "$src" "$obj" "$out/newlib"
mkdir -p "$src" "$obj"
echo "  NEWLIB  building newlib 3.3.0 for $target (once; about a minute)"
tar -xJf "$tarball" -C "$src" --strip-components=1
cd "$obj"
"$src/configure" --target="$target" --prefix="$out/newlib" \
	--disable-newlib-supplied-syscalls --disable-multilib \
	--enable-newlib-io-c99-formats --enable-newlib-io-long-long \
	--disable-nls --disable-newlib-fvwrite-in-streamio \
	CC_FOR_TARGET="$cc" AR_FOR_TARGET="${bin}ar" \
	RANLIB_FOR_TARGET="${bin}ranlib" AS_FOR_TARGET="${bin}as" \
	LD_FOR_TARGET="${bin}ld" NM_FOR_TARGET="${bin}nm" \
	CFLAGS_FOR_TARGET="$cflags" >"$out/newlib-configure.log" 2>&1 ||
	{ echo "newlib.sh: configure failed, see $out/newlib-configure.log" >&2; exit 1; }
make -j"$(nproc)" all-target-newlib >"$out/newlib-build.log" 2>&1 ||
	{ echo "newlib.sh: build failed, see $out/newlib-build.log" >&2; exit 1; }
make install-target-newlib >>"$out/newlib-build.log" 2>&1 ||
	{ echo "newlib.sh: install failed, see $out/newlib-build.log" >&2; exit 1; }
rm -rf "$src" "$obj"
touch "$stamp"
