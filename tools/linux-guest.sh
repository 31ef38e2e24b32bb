#!/bin/sh
# A Linux guest for side-by-side benchmarks (bench/net), built from Debian
# packages only: the vmlinuz of the current bookworm linux-image-6.1.*-amd64
# and an initramfs with busybox-static, the virtio-net/e1000/e1000e modules
# and two small servers compiled here (UDP echo; TCP echo and discard). Nothing is installed: the
# packages are fetched with `apt-get download` and unpacked with `dpkg -x`.
#
# Usage: tools/linux-guest.sh OUTDIR
# Leaves OUTDIR/vmlinuz, OUTDIR/vmlinux and OUTDIR/initramfs.gz;
# OUTDIR/stamp names what they were built from, and a second run of the
# same script does nothing. vmlinux is the same kernel taken out of its
# xz-compressed bzImage: QEMU boots it through its PVH entry (the kernel
# has CONFIG_PVH=y), which skips a decompression that takes 10-20 s under
# TCG. It is left out if the kernel is not xz-compressed or has no PVH.
#
# The guest (boot with -append "console=ttyS0 quiet panic=-1 bench=WHAT",
# at least -m 88) loads the modules, configures eth0 by DHCP (udhcpc),
# prints "init: eth0 up ADDR", then runs what bench= asks and powers off:
#   bench=ping      busybox ping -c ${ping_count:-20} -i ${ping_interval:-0.2}
#                   ${ping_host:-10.0.2.2} (also read from the command line)
#   bench=udpecho   UDP echo server on port 7; prints "echo: udp port 7
#                   ready", stops at a line on the console
#   bench=httpd     busybox httpd -f -p 80 -h /www (/www/index.html is a
#                   1 KiB placeholder; bench/net appends a cpio archive to
#                   the initramfs that replaces it); prints "httpd: port 80
#                   ready", stops at a line on the console
#   bench=tcp       TCP echo on port 7 and TCP discard on port 9 (which
#                   answers the byte count it read when the peer has shut
#                   down its side, then closes); prints "tcpserve: tcp
#                   ports 7 and 9 ready", stops at a line on the console
#   bench=shell     a shell on the console (for looking around)
# Every step that fails says so on the console, and the guest powers off.
set -eu
[ $# -eq 1 ] || { echo "usage: tools/linux-guest.sh OUTDIR" >&2; exit 2; }
out=$1
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci"
mods="$mods failover net_failover virtio_net e1000 e1000e"

# The kernel package linux-image-amd64 points at, if it is a 6.1 one;
# otherwise the newest linux-image-6.1.*-amd64 apt knows.
kernel_pkg() {
	k=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.[0-9a-z.-]*-amd64\)$/\1/p' |
		head -n 1)
	if [ -z "$k" ]; then
		k=$(apt-cache search --names-only '^linux-image-6\.1\.[0-9.-]*-amd64$' |
			cut -d ' ' -f 1 | sort -V | tail -n 1)
	fi
	[ -n "$k" ] || { echo "linux-guest: apt knows no linux-image-6.1.*-amd64" \
		"(apt-get update?)" >&2; exit 1; }
	echo "$k"
}

# "PKG VERSION" for each package, in one apt-cache call.
pkg_versions() {
	apt-cache policy "$@" | awk '/^[^ ]/ { sub(":$", "", $1); p = $1 }
		/^ *Candidate:/ { print p, $2 }'
}

# The cache is checked against this script only (apt-cache is slow, and
# a fixed kernel keeps figures comparable across runs): delete
# OUTDIR/stamp to fetch the current packages again.
script=$(cksum <"$self" | cut -d ' ' -f 1)
if [ -f "$out/stamp" ] && [ "$(head -n 1 "$out/stamp")" = "$script" ] &&
	[ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.gz" ]; then
	exit 0
fi
kpkg=$(kernel_pkg)
versions=$(pkg_versions "$kpkg" busybox-static)

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
echo "linux-guest: downloading (apt-get download): $(echo "$versions" | tr '\n' ' ')"
(cd "$work" && apt-get download "$kpkg" busybox-static >"$work/apt.log" 2>&1) ||
	{ cat "$work/apt.log" >&2; echo "linux-guest: apt-get download failed" >&2; exit 1; }
for deb in "$work"/*.deb; do
	echo "linux-guest: unpacking $(basename "$deb") ($(du -k "$deb" | cut -f 1) KiB)"
	dpkg -x "$deb" "$work/pkg"
done
kver=$(ls "$work/pkg/lib/modules")
bb=$work/pkg/bin/busybox
[ -x "$bb" ] || { echo "linux-guest: no bin/busybox in busybox-static" >&2; exit 1; }

# --- the initramfs tree -----------------------------------------------
root=$work/root
mkdir -p "$root/bin" "$root/sbin" "$root/etc" "$root/proc" "$root/sys" \
	"$root/dev" "$root/tmp" "$root/lib/modules" "$root/www"
head -c 1024 /dev/zero | tr '\0' x >"$root/www/index.html"
cp "$bb" "$root/bin/busybox"
for app in $("$bb" --list); do
	[ "$app" = busybox ] || ln -s busybox "$root/bin/$app"
done

# Modules flat in /lib/modules, uncompressed (busybox insmod reads only
# plain ELF here).
for m in $mods; do
	f=$(find "$work/pkg/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" \
		-o -name "$m.ko.zst" | head -n 1)
	[ -n "$f" ] || { echo "linux-guest: module $m not in $kpkg" >&2; exit 1; }
	case "$f" in
	*.xz) xz -dc "$f" >"$root/lib/modules/$m.ko" ;;
	*.zst) zstd -qdc "$f" >"$root/lib/modules/$m.ko" ;;
	*) cp "$f" "$root/lib/modules/$m.ko" ;;
	esac
done

cat >"$root/etc/udhcpc.script" <<'EOF'
#!/bin/sh
# udhcpc calls this with deconfig, bound, renew, leasefail or nak.
case "$1" in
deconfig) ifconfig "$interface" 0.0.0.0 up ;;
bound|renew)
	ifconfig "$interface" "$ip" netmask "${subnet:-255.255.255.0}" up
	for r in $router; do route add default gw "$r" dev "$interface"; break; done
	;;
esac
exit 0
EOF
chmod +x "$root/etc/udhcpc.script"

cat >"$root/init" <<EOF
#!/bin/sh
# The benchmark guest's init: modules, DHCP on eth0, then bench=WHAT.
# No /dev/console in the archive (it is built without root): the kernel
# started us without a console; devtmpfs has one.
export PATH=/bin
mount -t devtmpfs dev /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in $mods; do
	insmod /lib/modules/\$m.ko || echo "init: insmod \$m failed"
done
EOF
cat >>"$root/init" <<'EOF'
arg() { # arg NAME DEFAULT: NAME=value from the kernel command line
	v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1)
	echo "${v:-$2}"
}
stop() { sync; poweroff -f; sleep 10; }
bench=$(arg bench shell)
ip link set lo up
if ! ip link set eth0 up; then
	echo "init: no eth0"; ls /sys/class/net; stop
fi
if ! udhcpc -i eth0 -s /etc/udhcpc.script -n -q -f -t 10 -T 1 >/tmp/dhcp 2>&1; then
	cat /tmp/dhcp; echo "init: no DHCP lease on eth0"; stop
fi
echo "init: eth0 up $(ip -4 -o addr show dev eth0 | awk '{print $4}')"
case "$bench" in
ping)
	ping -c "$(arg ping_count 20)" -i "$(arg ping_interval 0.2)" \
		"$(arg ping_host 10.0.2.2)"
	;;
udpecho) udpecho "$(arg echo_port 7)" ;;
httpd)
	httpd -f -p 80 -h /www &
	sleep 0.2
	if kill -0 $! 2>/dev/null; then
		echo "httpd: port 80 ready"
		read -r _
		kill $!
	else
		echo "init: busybox httpd did not start"
	fi
	;;
tcp) tcpserve ;;
shell) setsid cttyhack sh ;;
*) echo "init: unknown bench=$bench" ;;
esac
echo "init: done, powering off"
stop
EOF
chmod +x "$root/init"

# The UDP echo server: same behaviour as apps/echo (ready line, stops at a
# line on stdin), on Linux sockets.
cat >"$work/udpecho.c" <<'EOF'
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct pollfd p[2];
	static char buf[65536];
	long echoed = 0;
	int s, port = argc > 1 ? atoi(argv[1]) : 7;

	a.sin_port = htons((unsigned short)port);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("udpecho: socket/bind");
		return 2;
	}
	printf("echo: udp port %d ready\n", port);
	fflush(stdout);
	p[0] = (struct pollfd){ .fd = 0, .events = POLLIN };
	p[1] = (struct pollfd){ .fd = s, .events = POLLIN };
	for (;;) {
		if (poll(p, 2, -1) < 0)
			continue;
		if (p[0].revents != 0)
			break;
		if (p[1].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(s, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &fl);

			if (n >= 0 && sendto(s, buf, (size_t)n, 0,
			    (struct sockaddr *)&from, fl) == n)
				echoed++;
		}
	}
	printf("echo: %ld datagrams echoed\n", echoed);
	return 0;
}
EOF
gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/udpecho" "$work/udpecho.c" ||
	{ echo "linux-guest: compiling udpecho failed" >&2; exit 1; }

# The TCP servers for bench=tcp: echo on port 7, discard on port 9 (which
# answers "N\n", the bytes it read, once the peer has shut down its side,
# then closes). One poll() loop over blocking sockets; a connection's echo
# is written out before it is read again.
cat >"$work/tcpserve.c" <<'EOF'
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFDS 64

static struct pollfd pfd[MAXFDS];
static int kind[MAXFDS];	/* 0 console, 7/9 listener, -7/-9 connection */
static long count[MAXFDS];
static int nfds;

static int
listen_on(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
	    .sin_port = htons((unsigned short)port) };
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (s < 0)
		return -1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(s, 16) != 0) {
		close(s);
		return -1;
	}
	return s;
}

static void
add(int fd, int k)
{
	if (nfds == MAXFDS) {
		close(fd);
		return;
	}
	pfd[nfds] = (struct pollfd){ .fd = fd, .events = POLLIN };
	kind[nfds] = k;
	count[nfds++] = 0;
}

static void
drop(int i)
{
	close(pfd[i].fd);
	nfds--;
	pfd[i] = pfd[nfds];
	kind[i] = kind[nfds];
	count[i] = count[nfds];
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Returns 1 when connection i is finished (closed; slot i reused). */
static int
serve(int i)
{
	static char buf[65536];
	char line[32];
	ssize_t n = read(pfd[i].fd, buf, sizeof(buf));

	if (n < 0 && errno == EINTR)
		return 0;
	if (n > 0) {
		count[i] += n;
		if (kind[i] == -7 &&
		    write_all(pfd[i].fd, buf, (size_t)n) != 0)
			goto done;
		return 0;
	}
	if (n == 0 && kind[i] == -9) {
		int l = snprintf(line, sizeof(line), "%ld\n", count[i]);

		(void)write_all(pfd[i].fd, line, (size_t)l);
	}
done:
	drop(i);
	return 1;
}

int
main(void)
{
	int s7 = listen_on(7), s9 = listen_on(9);

	if (s7 < 0 || s9 < 0) {
		perror("tcpserve: socket/bind/listen");
		return 2;
	}
	add(0, 0);
	add(s7, 7);
	add(s9, 9);
	printf("tcpserve: tcp ports 7 and 9 ready\n");
	fflush(stdout);
	for (;;) {
		if (poll(pfd, (nfds_t)nfds, -1) < 0)
			continue;
		if (pfd[0].revents != 0)
			break;
		for (int i = 1; i < nfds; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (kind[i] > 0) {
				int c = accept(pfd[i].fd, NULL, NULL);

				if (c >= 0)
					add(c, -kind[i]);
			} else if (serve(i)) {
				i--;	/* slot i holds another descriptor */
			}
		}
	}
	return 0;
}
EOF
gcc -static -O2 -Wall -Wextra -Werror -o "$root/bin/tcpserve" "$work/tcpserve.c" ||
	{ echo "linux-guest: compiling tcpserve failed" >&2; exit 1; }

# The kernel without its decompressor: the xz stream inside the bzImage
# (xz stops at the end of the stream and complains about what follows).
extract_vmlinux() {
	grep -q '^CONFIG_PVH=y' "$work/pkg/boot/config-$kver" || return 0
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$1" | head -n 1 | cut -d : -f 1)
	[ -n "$off" ] || return 0
	tail -c +$((off + 1)) "$1" | xz -dcq >"$2" 2>/dev/null || true
	[ "$(head -c 4 "$2" | od -An -c | tr -d ' ')" = '177ELF' ] || rm -f "$2"
}

# --- pack -------------------------------------------------------------
(cd "$root" && find . | sed 's,^\./,,' | grep -v '^\.$' |
	"$bb" cpio -o -H newc 2>"$work/cpio.log") | gzip -9 >"$work/initramfs.gz"
gzip -dc "$work/initramfs.gz" | "$bb" cpio -t 2>/dev/null | grep -qx init ||
	{ cat "$work/cpio.log" >&2; echo "linux-guest: packing the initramfs failed" >&2; exit 1; }
cp "$work/pkg/boot/vmlinuz-$kver" "$out/vmlinuz"
rm -f "$out/vmlinux"
extract_vmlinux "$out/vmlinuz" "$work/vmlinux"
[ -f "$work/vmlinux" ] && cp "$work/vmlinux" "$out/vmlinux"
cp "$work/initramfs.gz" "$out/initramfs.gz"
printf "%s\n%s\n" "$script" "$versions" >"$out/stamp"
echo "linux-guest: $out/vmlinuz ($kver)$([ -f "$out/vmlinux" ] &&
	echo " and vmlinux"), $out/initramfs.gz" \
	"($(du -k "$out/initramfs.gz" | cut -f 1) KiB)"
