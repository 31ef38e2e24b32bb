#!/bin/sh
# A Linux guest for side-by-side benchmarks (bench/net), built from Debian
# packages only: the vmlinuz of the current bookworm linux-image-6.1.*-amd64
# and an initramfs with busybox-static, the virtio-net/e1000/e1000e modules
# and two small servers compiled here (UDP echo; TCP echo and discard). Nothing is installed: the
# packages are fetched with `apt-get download` and unpacked with `dpkg -x`.
# A second archive, initramfs-usb.gz, holds the USB modules and a watcher
# for bench=usb (bench/usb): appended to initramfs.gz (the kernel unpacks
# concatenated archives), it adds them; bench/net boots without it.
#
# Usage: tools/linux-guest.sh OUTDIR
# Leaves OUTDIR/vmlinuz, OUTDIR/vmlinux, OUTDIR/initramfs.gz and
# OUTDIR/initramfs-usb.gz;
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
#   bench=usb       (initramfs-usb.gz appended; no eth0, no DHCP) loads
#                   the USB modules, class drivers before the xHCI
#                   driver, with the options the kernel command line
#                   gives them as modprobe would (usb_storage.delay_use=0),
#                   while bin/usbwatch listens to the kernel's
#                   uevents: one line per thing attached, by the kernel's
#                   monotonic clock ("usbwatch: keyboard input4 attached
#                   at 1.234567 s", then disk sdX, network ethN or usbN,
#                   "usbwatch: all three attached at ..."); then times
#                   `dd if=/dev/sdX of=/dev/null bs=1M count=${dd_mib:-64}`
#                   once per ${dd_iflags:-direct,buffered} ("usbwatch: dd
#                   direct: read 64 MiB in T ms: R MB/s"; buffered is dd
#                   without iflag) and prints "init: sha256 of the first
#                   MiB of /dev/sdX: HEX"
# Every step that fails says so on the console, and the guest powers off.
set -eu
[ $# -eq 1 ] || { echo "usage: tools/linux-guest.sh OUTDIR" >&2; exit 2; }
out=$1
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
mods="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci"
mods="$mods failover net_failover virtio_net e1000 e1000e"
# bench=usb, in load order: class drivers first, so that each device finds
# its driver as it enumerates; the modules they depend on (depends= in
# each module's .modinfo) are added in front of them at build time.
usbmods="usb-common usbcore scsi_common scsi_mod sd_mod usb-storage hid"
usbmods="$usbmods hid-generic usbhid mii usbnet cdc_ether xhci-hcd xhci-pci"

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
	[ -f "$out/vmlinuz" ] && [ -f "$out/initramfs.gz" ] &&
	[ -f "$out/initramfs-usb.gz" ]; then
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
# plain ELF here). copy_module NAME DIR: DIR/NAME.ko.
copy_module() {
	f=$(find "$work/pkg/lib/modules/$kver" -name "$1.ko" -o -name "$1.ko.xz" \
		-o -name "$1.ko.zst" | head -n 1)
	[ -n "$f" ] || { echo "linux-guest: module $1 not in $kpkg" >&2; exit 1; }
	case "$f" in
	*.xz) xz -dc "$f" >"$2/$1.ko" ;;
	*.zst) zstd -qdc "$f" >"$2/$1.ko" ;;
	*) cp "$f" "$2/$1.ko" ;;
	esac
}
for m in $mods; do
	copy_module "$m" "$root/lib/modules"
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
read -r cmdline </proc/cmdline
case " \$cmdline " in
*" bench=usb "*)
	[ -x /etc/usb.init ] && exec /etc/usb.init
	echo "init: bench=usb needs initramfs-usb.gz appended to the initramfs"
	sync; poweroff -f; sleep 10 ;;
esac
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

# --- bench=usb: initramfs-usb.gz ---------------------------------------
# The USB modules with what they depend on, in load order (etc/usb.modules),
# the watcher that loads them, and bench=usb's init (etc/usb.init, which
# the main init execs).
usbroot=$work/usbroot
mkdir -p "$usbroot/bin" "$usbroot/etc" "$usbroot/lib/modules"
# with_deps NAME: the modules NAME depends on, then NAME, each copied
# and listed once.
with_deps() {
	[ -f "$usbroot/lib/modules/$1.ko" ] && return 0
	copy_module "$1" "$usbroot/lib/modules"
	for d in $(tr '\0' '\n' <"$usbroot/lib/modules/$1.ko" |
		sed -n 's/^depends=//p' | head -n 1 | tr ',' ' '); do
		with_deps "$d"
	done
	echo "$1" >>"$usbroot/etc/usb.modules"
}
for m in $usbmods; do
	with_deps "$m"
done

cat >"$usbroot/etc/usb.init" <<'EOF'
#!/bin/sh
# bench=usb (tools/linux-guest.sh): usbwatch loads the USB modules and
# reports the keyboard, the disk and the network interface as they
# attach; then dd reads the disk, timed; then the guest powers off.
export PATH=/bin
arg() { # arg NAME DEFAULT: NAME=value from the kernel command line
	v=$(tr ' ' '\n' </proc/cmdline | sed -n "s/^$1=//p" | tail -n 1)
	echo "${v:-$2}"
}
stop() { sync; poweroff -f; sleep 10; }
usbwatch watch "$(arg usb_timeout 60)" \
	$(sed 's,.*,/lib/modules/&.ko,' /etc/usb.modules) || stop
dev=/dev/$(cat /tmp/usbdisk)
mib=$(arg dd_mib 64)
for how in $(arg dd_iflags direct,buffered | tr , ' '); do
	flag=iflag=$how
	[ "$how" = buffered ] && flag=
	usbwatch time "dd $how" $((mib * 1048576)) \
		dd if="$dev" of=/dev/null bs=1M count="$mib" $flag 2>/tmp/dd.log ||
		{ cat /tmp/dd.log; stop; }
	grep -q "^$mib+0 records in" /tmp/dd.log ||
		{ cat /tmp/dd.log; echo "init: dd read less than $mib MiB"; stop; }
done
sum=$(dd if="$dev" bs=1M count=1 2>/dev/null | sha256sum)
echo "init: sha256 of the first MiB of $dev: ${sum%% *}"
echo "init: done, powering off"
stop
EOF
chmod +x "$usbroot/etc/usb.init"

cat >"$work/usbwatch.c" <<'EOF'
/*
 * usbwatch (bench=usb): when the USB keyboard, disk and network
 * interface appear, by the kernel's monotonic clock.
 *
 *   usbwatch watch TIMEOUT MODULE.ko...
 *	listens to the kernel's uevents, loads the modules in that order
 *	(finit_module, in a child process, with the options the kernel
 *	command line gives them, as modprobe would), and prints one line per thing
 *	attached ("usbwatch: keyboard input4 attached at 1.234567 s"),
 *	then "usbwatch: all three attached at ..." and exits 0; after
 *	TIMEOUT seconds it says what is missing and exits 1. The disk's
 *	name is written to /tmp/usbdisk.
 *   usbwatch time LABEL BYTES COMMAND ARGS...
 *	prints "usbwatch: LABEL: reading", runs COMMAND and prints
 *	"usbwatch: LABEL: read N MiB in T ms: R MB/s" (BYTES over its run
 *	time) if it exits 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/netlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { KBD, DISK, NET, NTHINGS };
static const char *what[NTHINGS] = { "keyboard", "disk", "network" };
static int seen[NTHINGS];

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The value of KEY= among a uevent's NUL-separated fields, or "". */
static const char *
field(const char *msg, size_t len, const char *key)
{
	size_t kl = strlen(key);

	for (size_t i = 0; i < len; i += strlen(msg + i) + 1)
		if (strncmp(msg + i, key, kl) == 0 && msg[i + kl] == '=')
			return msg + i + kl + 1;
	return "";
}

/* Which thing an "add" uevent is (or -1), and its name into name. */
static int
classify(const char *m, size_t len, char *name, size_t nl)
{
	const char *sub = field(m, len, "SUBSYSTEM");
	const char *path = field(m, len, "DEVPATH");
	const char *base = strrchr(path, '/');

	if (strcmp(field(m, len, "ACTION"), "add") != 0 || base == NULL)
		return -1;
	snprintf(name, nl, "%s", base + 1);
	/* A USB (bus 3) input device with keys: not its eventN/LED nodes. */
	if (strcmp(sub, "input") == 0 && strncmp(base + 1, "input", 5) == 0 &&
	    strncmp(field(m, len, "PRODUCT"), "3/", 2) == 0 &&
	    *field(m, len, "KEY") != '\0')
		return KBD;
	if (strcmp(sub, "block") == 0 &&
	    strcmp(field(m, len, "DEVTYPE"), "disk") == 0 &&
	    strncmp(base + 1, "sd", 2) == 0)
		return DISK;
	if (strcmp(sub, "net") == 0 && strstr(path, "/usb") != NULL)
		return NET;
	return -1;
}

static void
event(const char *m, size_t len)
{
	char name[64];
	int t = classify(m, len, name, sizeof(name));
	FILE *f;

	if (t < 0 || seen[t])
		return;
	seen[t] = 1;
	printf("usbwatch: %s %s attached at %.6f s\n", what[t], name, now());
	fflush(stdout);
	if (t == DISK && (f = fopen("/tmp/usbdisk", "w")) != NULL) {
		fprintf(f, "%s\n", name);
		fclose(f);
	}
}

/* Module names compare with '-' and '_' the same. */
static int
same_name(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (x != y)
			return 0;
	}
	return 1;
}

/*
 * As modprobe does: the options that the kernel command line gives the
 * module of file path ("usb_storage.delay_use=0" for usb-storage.ko),
 * without the module's name, space-separated, into opts.
 */
static void
cmdline_options(const char *path, char *opts, size_t len)
{
	static char line[4096];
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t bl = strcspn(base, "."), o = 0;
	FILE *f = fopen("/proc/cmdline", "r");

	opts[0] = '\0';
	if (f == NULL || fgets(line, sizeof(line), f) == NULL) {
		if (f != NULL)
			fclose(f);
		return;
	}
	fclose(f);
	for (char *w = strtok(line, " \n"); w != NULL; w = strtok(NULL, " \n"))
		if (strlen(w) > bl && w[bl] == '.' && same_name(w, base, bl) &&
		    o + strlen(w + bl + 1) + 2 <= len)
			o += (size_t)sprintf(opts + o, "%s%s", o ? " " : "",
			    w + bl + 1);
}

/* The child: each module in order; a failure is reported, not fatal. */
static void
load(char **mods, int n)
{
	char opts[1024];

	for (int i = 0; i < n; i++) {
		int fd = open(mods[i], O_RDONLY | O_CLOEXEC);

		cmdline_options(mods[i], opts, sizeof(opts));
		if (fd < 0 || syscall(SYS_finit_module, fd, opts, 0) != 0)
			fprintf(stderr, "usbwatch: loading %s: %m\n", mods[i]);
		else if (opts[0] != '\0')
			printf("usbwatch: %s loaded with %s\n", mods[i], opts);
		fflush(stdout);
		if (fd >= 0)
			close(fd);
	}
	_exit(0);
}

static int
uevent_socket(void)
{
	struct sockaddr_nl a = { .nl_family = AF_NETLINK, .nl_groups = 1 };
	int s = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_KOBJECT_UEVENT), sz = 4 << 20;

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0) {
		perror("usbwatch: uevent socket");
		return -1;
	}
	setsockopt(s, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	return s;
}

static int
missing(void)
{
	int n = 0;

	for (int t = 0; t < NTHINGS; t++)
		n += !seen[t];
	return n;
}

static void
on_child(int sig)
{
	(void)sig;
}

/* SIGCHLD blocked except inside ppoll: the child's end wakes it. */
static void
catch_child(sigset_t *during)
{
	struct sigaction sa = { .sa_handler = on_child };
	sigset_t block;

	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, during);
	sigdelset(during, SIGCHLD);
}

static int
watch(double timeout, char **mods, int nmods)
{
	static char buf[16384];
	int s = uevent_socket();
	double end = now() + timeout, left;
	sigset_t during;
	pid_t child;

	if (s < 0)
		return 1;
	catch_child(&during);
	if ((child = fork()) == 0)
		load(mods, nmods);
	while (missing() > 0 && (left = end - now()) > 0) {
		struct pollfd p = { .fd = s, .events = POLLIN };
		struct timespec ts = { (time_t)left,
		    (long)((left - (double)(time_t)left) * 1e9) };
		ssize_t n;

		if (child > 0 && waitpid(child, NULL, WNOHANG) == child) {
			printf("usbwatch: %d modules loaded at %.6f s\n",
			    nmods, now());
			child = 0;
		}
		if (ppoll(&p, 1, &ts, &during) <= 0)
			continue;
		if ((n = recv(s, buf, sizeof(buf) - 1, 0)) > 0) {
			buf[n] = '\0';
			event(buf, (size_t)n);
		}
	}
	if (missing() == 0) {
		printf("usbwatch: all three attached at %.6f s\n", now());
		return 0;
	}
	for (int t = 0; t < NTHINGS; t++)
		if (!seen[t])
			printf("usbwatch: no USB %s within %g s\n", what[t],
			    timeout);
	return 1;
}

static int
timed(const char *label, double bytes, char **argv)
{
	double t0, ms;
	int status;
	pid_t p;

	printf("usbwatch: %s: reading\n", label);
	fflush(stdout);
	t0 = now();
	if ((p = fork()) == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (p < 0 || waitpid(p, &status, 0) != p || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		printf("usbwatch: %s: %s failed\n", label, argv[0]);
		return 1;
	}
	ms = (now() - t0) * 1000;
	printf("usbwatch: %s: read %.0f MiB in %.1f ms: %.1f MB/s\n", label,
	    bytes / 1048576, ms, bytes / 1000 / ms);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "watch") == 0)
		return watch(atof(argv[2]), argv + 3, argc - 3);
	if (argc >= 5 && strcmp(argv[1], "time") == 0)
		return timed(argv[2], atof(argv[3]), argv + 4);
	fprintf(stderr, "usage: usbwatch watch TIMEOUT MODULE.ko... | "
	    "usbwatch time LABEL BYTES COMMAND...\n");
	return 2;
}
EOF
gcc -static -O2 -Wall -Wextra -Werror -o "$usbroot/bin/usbwatch" "$work/usbwatch.c" ||
	{ echo "linux-guest: compiling usbwatch failed" >&2; exit 1; }

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
(cd "$usbroot" && find . | sed 's,^\./,,' | grep -v '^\.$' |
	"$bb" cpio -o -H newc 2>"$work/cpio-usb.log") | gzip -9 >"$work/initramfs-usb.gz"
gzip -dc "$work/initramfs-usb.gz" | "$bb" cpio -t 2>/dev/null | grep -qx etc/usb.init ||
	{ cat "$work/cpio-usb.log" >&2; echo "linux-guest: packing initramfs-usb.gz failed" >&2; exit 1; }
cp "$work/initramfs-usb.gz" "$out/initramfs-usb.gz"
printf "%s\n%s\n" "$script" "$versions" >"$out/stamp"
echo "linux-guest: $out/vmlinuz ($kver)$([ -f "$out/vmlinux" ] &&
	echo " and vmlinux"), $out/initramfs.gz" \
	"($(du -k "$out/initramfs.gz" | cut -f 1) KiB)"
echo "linux-guest: $out/initramfs-usb.gz ($(du -k "$out/initramfs-usb.gz" | cut -f 1) KiB):" \
	"$(wc -l <"$usbroot/etc/usb.modules") USB modules for bench=usb"
