#!/usr/bin/env python3
"""bench/usb: our USB stack against a Linux guest's, in the same run and
under the same QEMU command line (x86_64, TCG, -M pc -m 256, no PCI NIC,
qemu-xhci with usb-kbd, usb-storage on a raw image of DISK_MIB MiB of
known content made in a temporary directory, and usb-net on user
networking; see qemu_command). Only -kernel, -initrd and -append differ.

  - attach: time from QEMU start to the keyboard, the disk and the USB
    network interface being attached, each and all three, by the host's
    clock: the arrival of the console line that says so. Ours prints its
    boot messages (no `quiet`): "usb0 port 5: ... -> ukbd0", "sd0: 64
    MiB, 131072 blocks of 512 bytes", "usb0 port 7: ... -> cdce0". The
    Linux guest (tools/linux-guest.sh bench=usb, `quiet`) has usbwatch
    load the modules and print a line per uevent of a USB input device
    with keys, an sd disk and a network interface below USB. Ratio
    ours/linux, lower is better. The guests' own clocks are reported
    too: Linux's per device (kernel monotonic clock), ours for all three
    (our kernel attaches USB devices before main(); the app says when it
    saw them, by the guest's clock since its first instruction).
  - read: sequential read of the whole disk in 1 MiB reads from the
    start (our bench/usb/usbbench through /dev/sd0; `dd if=/dev/sdX
    of=/dev/null bs=1M count=DISK_MIB iflag=direct` in the Linux guest),
    READS times per boot (the median counts), MB/s by each guest's
    clock; ratio ours/linux, higher is better. Linux's buffered dd (no
    iflag; page cache and readahead), once per boot after the direct
    ones, is compared too. The host checks each guest's clock against
    its own over the reads. Both guests hash the first MiB and the host
    compares it with the image's.

Each guest boots RUNS times (median); a boot that fails says why and
shows the end of the guest's console, that guest is not booted again,
and the exit status is 1. Environment: RUNS (default 3), GUESTS ("ours
linux"; one alone gives figures without ratios), DISK_MIB (64), READS (3),
BOOT_TIMEOUT (s, 180), LINUX_APPEND (more Linux kernel options, e.g.
usb_storage.delay_use=0). Images come from bench/usb/run.sh.
"""
import hashlib, os, random, re, statistics, subprocess, sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build", "x86_64")
LINUX = os.path.join(ROOT, "build", "linux-guest")
RUNS = int(os.environ.get("RUNS", "3"))
DISK_MIB = int(os.environ.get("DISK_MIB", "64"))
READS = int(os.environ.get("READS", "3"))
BOOT_TIMEOUT = float(os.environ.get("BOOT_TIMEOUT", "180"))
LINUX_APPEND = os.environ.get("LINUX_APPEND", "")
GUESTS = sorted(os.environ.get("GUESTS", "ours linux").split(), key=lambda w: w != "ours")
MEM = 256
# QEMU's exit status when the guest finished well: ours exits 0 through
# isa-debug-exit ((0 << 1) | 1), Linux powers off.
EXIT_OK = {"ours": 1, "linux": 0}
THINGS = ("keyboard", "disk", "network")

# Console lines, per guest: each thing attached (group 1: its name;
# group 2, Linux: its time by the guest's clock), the read, the hash.
ATTACH = {
    "ours": {"keyboard": r"^usb\d+ port \S+: .*-> (?:\S+,)?(ukbd\d+)",
             "disk": r"^(sd\d+): \d+ [KMGT]iB, \d+ blocks of \d+ bytes",
             "network": r"^usb\d+ port \S+: .*-> (?:\S+,)?(cdce\d+)"},
    "linux": {t: r"^usbwatch: %s (\S+) attached at ([0-9.]+) s" % t for t in THINGS},
}
READ = {"ours": {"read": r"^usbbench: read (\d+) MiB in ([0-9.]+) ms: ([0-9.]+) MB/s"},
        "linux": {"read": r"^usbwatch: dd direct: read (\d+) MiB in ([0-9.]+) ms: ([0-9.]+) MB/s",
                  "buffered": r"^usbwatch: dd buffered: read (\d+) MiB in ([0-9.]+) ms: "
                              r"([0-9.]+) MB/s"}}
# The line just before each timed read (host-side check of the guest's clock).
BEFORE_READ = {"ours": {"read": r"^usbbench: reading \d+ MiB"},
               "linux": {"read": r"^usbwatch: dd direct: reading",
                         "buffered": r"^usbwatch: dd buffered: reading"}}
GUEST_ALL = {"ours": r"^usbbench: keyboard \S+, disk \S+, network \S+ attached by ([0-9.]+) s",
             "linux": r"^usbwatch: all three attached at ([0-9.]+) s"}
HASH = r"^(?:usbbench|init): sha256 of the first MiB of \S+: ([0-9a-f]{64})"
DONE = {"ours": r"^usbbench: done", "linux": r"^init: done, powering off"}


class BenchFail(Exception):
    pass


def make_disk(tmp):
    """DISK_MIB MiB of seeded pseudo-random bytes; (path, sha256 of the first MiB)."""
    data = random.Random(8).randbytes(DISK_MIB << 20)
    path = os.path.join(tmp, "usb.img")
    with open(path, "wb") as f:
        f.write(data)
    return path, hashlib.sha256(data[:1 << 20]).hexdigest()


def qemu_command(img):
    return ["qemu-system-x86_64", "-M", "pc", "-m", str(MEM),
            "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-nic", "none",
            "-device", "qemu-xhci", "-device", "usb-kbd",
            "-device", "usb-storage,drive=d0",
            "-drive", "if=none,id=d0,file=%s,format=raw" % img,
            "-device", "usb-net,netdev=n0", "-netdev", "user,id=n0"]


def linux_kernel():
    """vmlinux (PVH entry, no decompression under TCG) if there is one."""
    k = os.path.join(LINUX, "vmlinux")
    return k if os.path.exists(k) else os.path.join(LINUX, "vmlinuz")


def linux_initrd(tmp):
    """initramfs.gz with initramfs-usb.gz appended (bench=usb's part)."""
    path = os.path.join(tmp, "initramfs-bench-usb.gz")
    with open(path, "wb") as out:
        for name in ("initramfs.gz", "initramfs-usb.gz"):
            with open(os.path.join(LINUX, name), "rb") as f:
                out.write(f.read())
    return path


def guest_args(who, tmp):
    if who == "ours":
        return ["-kernel", os.path.join(BUILD, "usbbench.elf32"),
                "-append", "-- -t %d -r %d" % (DISK_MIB, READS)]
    return ["-kernel", linux_kernel(), "-initrd", linux_initrd(tmp),
            "-append", ("console=ttyS0 quiet panic=-1 bench=usb dd_mib=%d dd_iflags=%s %s"
                        % (DISK_MIB, "direct," * READS + "buffered", LINUX_APPEND)).strip()]


class Guest:
    """One QEMU run to its end; lines are (host seconds since QEMU
    started, line) as they arrived on the console."""

    def __init__(self, who, img, tmp):
        self.who = who
        self.name = "%s guest" % who
        self.lines = []
        self.t0 = time.monotonic()
        self.p = subprocess.Popen(qemu_command(img) + guest_args(who, tmp),
                                  stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        partial = b""
        while True:
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                return
            now = time.monotonic() - self.t0
            *done, partial = (partial + chunk).split(b"\n")
            self.lines += [(now, l.decode(errors="replace").rstrip("\r")) for l in done]

    def run(self, timeout):
        """Wait for QEMU to exit; BenchFail unless it finished well."""
        try:
            status = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            raise self.fail("still running %.0f s after QEMU started" % timeout)
        finally:
            self.reader.join(5)
        if status != EXIT_OK[self.who]:
            raise self.fail("QEMU exit status %d (expected %d)" % (status, EXIT_OK[self.who]))

    def find_all(self, pattern):
        """[(host time, match)] of the lines that match."""
        return [(t, m) for t, m in ((t, re.search(pattern, l)) for t, l in self.lines) if m]

    def find(self, pattern, what):
        """(host time, match) of the first line that matches, or BenchFail."""
        found = self.find_all(pattern)
        if not found:
            raise self.fail("no %s line on its console" % what)
        return found[0]

    def fail(self, why, n=25):
        tail = "\n".join("    | " + l for _, l in self.lines[-n:]) or "    (nothing)"
        return BenchFail("%s: %s; the end of its console:\n%s" % (self.name, why, tail))


def measure(who, img, want_hash, tmp):
    """One boot: {thing: host s, "all": host s, "guest": {...}, "read": MB/s, ...}."""
    g = Guest(who, img, tmp)
    g.run(BOOT_TIMEOUT)
    g.find(DONE[who], "end")
    r = {"guest": {}, "names": {}}
    for thing in THINGS:
        t, m = g.find(ATTACH[who][thing], thing + " attached")
        r[thing], r["names"][thing] = t, m.group(1)
        if who == "linux":
            r["guest"][thing] = float(m.group(2))
    r["all"] = max(r[t] for t in THINGS)
    r["guest"]["all"] = float(g.find(GUEST_ALL[who], "all three")[1].group(1))
    mods = g.find_all(r"^usbwatch: \d+ modules loaded at ([0-9.]+) s")
    if mods:
        r["guest"]["modules"] = float(mods[0][1].group(1))
    r["clock"] = []
    for key, pattern in READ[who].items():
        reads, starts = g.find_all(pattern), g.find_all(BEFORE_READ[who][key])
        if len(reads) != len(starts) or not reads:
            raise g.fail("%d lines of %s reads begun, %d ended" % (len(starts), key, len(reads)))
        if any(int(m.group(1)) != DISK_MIB for _, m in reads):
            raise g.fail("a read of other than %d MiB" % DISK_MIB)
        r[key + "s"] = [float(m.group(3)) for _, m in reads]
        r[key] = statistics.median(r[key + "s"])
        r["clock"] += [(t - t0) * 1000 / float(m.group(2))
                       for (t0, _), (t, m) in zip(starts, reads)]
    h = g.find(HASH, "sha256")[1].group(1)
    if h != want_hash:
        raise g.fail("sha256 of the first MiB %s, the image's is %s" % (h, want_hash))
    return r


def run_line(who, r):
    things = ", ".join("%s %s %.3f s" % (t, r["names"][t], r[t]) for t in THINGS)
    guest = ("all three by %.3f s" % r["guest"]["all"] if who == "ours" else
             ", ".join("%s %.3f" % (t, r["guest"][t]) for t in THINGS + ("all",)) + " s")
    extra = "; dd buffered %.1f MB/s" % r["buffered"] if "buffered" in r else ""
    return ("attached (host clock): %s, all %.3f s; guest clock: %s; read %s MB/s%s;"
            " clock check %.2f" % (things, r["all"], guest, "/".join("%.1f" % x for x in r["reads"]),
                                   extra, statistics.median(r["clock"])))


def clock_warning(who, r):
    """For each read, the host's time from the line just before it to
    its line, over the guest's time for it: a little above 1 (Linux's
    also holds a fork and exec of dd)."""
    c = statistics.median(r["clock"])
    if not 0.9 <= c <= 1.5:
        print("usb: WARNING: %s guest: the host saw its reads take %.2f times what the"
              " guest's clock says (median): its MB/s are suspect" % (who, c), flush=True)


def compare_line(label, med, fmt, better):
    """'usb: LABEL ours X linux Y ratio R (lower is better)' from medians."""
    figs = " ".join(("%s " + fmt) % (w, med[w]) for w in sorted(med, key=lambda w: w != "ours"))
    if len(med) != 2:
        return "usb: %-28s %s" % (label, figs)
    r = med["ours"] / med["linux"] if med["linux"] > 0 else float("nan")
    return "usb: %-28s %s ratio %.2f (%s is better)" % (label, figs, r, better)


def report(res):
    """The summary lines from {who: [results]} (guests with results only)."""
    med = lambda who, f: statistics.median(f(r) for r in res[who])
    out = ["usb: time from QEMU start to attached, by the host's clock (arrival of the"
           " console line):"]
    for thing in THINGS + ("all",):
        out.append(compare_line(thing if thing != "all" else "all three",
                                {w: med(w, lambda r: r[thing]) for w in res}, "%.3f s", "lower"))
    out.append("usb: the same by the guests' clocks (ours: from its first instruction; Linux:"
               " its monotonic clock):")
    for w in res:
        keys = ("all",) if w == "ours" else THINGS + ("all",)
        out.append("usb:   %-5s %s" % (w, ", ".join(
            "%s %.3f s" % (k if k != "all" else "all three", med(w, lambda r: r["guest"][k]))
            for k in keys)))
        if w == "linux" and all("modules" in r["guest"] for r in res[w]):
            out.append("usb:   linux: its USB modules were loaded (xhci-pci last) at %.3f s"
                       % med(w, lambda r: r["guest"]["modules"]))
    out.append("usb: sequential read of %d MiB from usb-storage in 1 MiB reads, by each"
               " guest's clock (medians of %d reads per boot):" % (DISK_MIB, READS))
    reads = {w: med(w, lambda r: r["read"]) for w in res}
    out.append(compare_line("read (linux: dd iflag=direct)" if "linux" in res else "read",
                            reads, "%.1f MB/s", "higher"))
    if "linux" in res:
        reads["linux"] = med("linux", lambda r: r["buffered"])
        out.append(compare_line("read (linux: dd buffered)", reads, "%.1f MB/s", "higher"))
    return out


def linux_line():
    stamp = open(os.path.join(LINUX, "stamp")).read().split("\n")
    return ("usb: linux: %s (Debian %s), busybox initramfs; usbwatch loads the USB modules,"
            " class drivers before xhci-pci; usb-storage's default delay_use (1 s before"
            " the disk is scanned) applies unless LINUX_APPEND changes it%s"
            % (os.path.basename(linux_kernel()), stamp[1],
               "; LINUX_APPEND=%s" % LINUX_APPEND if LINUX_APPEND else ""))


def main():
    for w in GUESTS:
        if w not in ("ours", "linux"):
            sys.exit("bench/usb: GUESTS: %r is neither ours nor linux" % w)
    res, failed = {w: [] for w in GUESTS}, {}
    with tempfile.TemporaryDirectory(prefix="bench-usb-") as tmp:
        img, want = make_disk(tmp)
        for run in range(RUNS):
            for w in GUESTS:
                if w in failed:
                    continue
                try:
                    r = measure(w, img, want, tmp)
                except BenchFail as e:
                    failed[w] = str(e)
                    print("usb: run %d: %-5s FAILED: %s" % (run + 1, w, e), flush=True)
                    continue
                res[w].append(r)
                print("usb: run %d: %-5s %s" % (run + 1, w, run_line(w, r)), flush=True)
                clock_warning(w, r)
    how = "median of %d runs" % RUNS if RUNS > 1 else "one run"
    print("\nusb: x86_64, QEMU TCG, -M pc -m %d -nic none, qemu-xhci + usb-kbd + usb-storage"
          " (%d MiB raw image) + usb-net (user networking); %s" % (MEM, DISK_MIB, how))
    if "linux" in GUESTS:
        print(linux_line())
    done = {w: res[w] for w in GUESTS if res[w]}
    if done:
        print("\n".join(report(done)))
    if failed:
        sys.exit("bench/usb: FAILED: %s (more above)" % " ".join(sorted(failed)))


if __name__ == "__main__":
    main()
