#!/usr/bin/env python3
"""bench/net: our network path against a Linux guest's, in the same run and
under the same QEMU command line (x86_64, TCG, -M pc -m 256, one
virtio-net-pci on user networking with a UDP host forward to port 7).

  - ping: average round-trip time of `ping -c 20 -i 0.2 10.0.2.2` (our
    apps/ping, busybox ping on Linux), from the per-reply lines of replies
    2..20 (the first one also waits for ARP); ratio ours/linux, lower is
    better.
  - udp echo: a host client (udpload.c, native so that it outruns any
    guest) sends 64-byte datagrams to the forwarded port with WINDOW
    requests outstanding for SECONDS after the guest says it is ready
    (apps/echo; a small static echo server on Linux), and counts echoes
    per second; ratio ours/linux, higher is better.

Both figures depend on QEMU's user networking (slirp) as much as on the
guest: the ratio is what compares the guests. Environment: RUNS (median of
that many runs, default 3), UDP_SECONDS (5), UDP_WINDOW (32), GUESTS ("ours
linux"; one alone gives figures without ratios), BOOT_TIMEOUT (s, 180).
Images come from bench/net/run.sh, which builds them first.
"""
import os, re, socket, statistics, subprocess, sys, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNS = int(os.environ.get("RUNS", "3"))
UDP_SECONDS = float(os.environ.get("UDP_SECONDS", "5"))
UDP_WINDOW = int(os.environ.get("UDP_WINDOW", "32"))
GUESTS = os.environ.get("GUESTS", "ours linux").split()
BOOT_TIMEOUT = float(os.environ.get("BOOT_TIMEOUT", "180"))
PING = dict(count=20, interval=0.2, host="10.0.2.2")
UDP_SIZE = 64

BUILD = os.path.join(ROOT, "build", "x86_64")
LINUX = os.path.join(ROOT, "build", "linux-guest")


class BenchFail(Exception):
    pass


def qemu_command(port):
    """The command line both guests share; only -kernel/-initrd/-append differ."""
    return ["qemu-system-x86_64", "-M", "pc", "-m", "256",
            "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-netdev", "user,id=n0,hostfwd=udp:127.0.0.1:%d-:7" % port,
            "-device", "virtio-net-pci,netdev=n0"]


def boot_args(who, what):
    if who == "ours":
        if what == "ping":
            args = "-c %(count)d -i %(interval)g -n 60 %(host)s" % PING
            return ["-kernel", os.path.join(BUILD, "ping.elf32"), "-append", "quiet -- " + args]
        return ["-kernel", os.path.join(BUILD, "echo.elf32"), "-append", "quiet -- -p 7 -n 60"]
    append = "console=ttyS0 quiet panic=-1 bench=%s" % ("ping" if what == "ping" else "udpecho")
    if what == "ping":
        append += " ping_count=%(count)d ping_interval=%(interval)g ping_host=%(host)s" % PING
    return ["-kernel", linux_kernel(),
            "-initrd", os.path.join(LINUX, "initramfs.gz"), "-append", append]


def linux_kernel():
    """vmlinux (PVH entry, no decompression under TCG) if there is one."""
    k = os.path.join(LINUX, "vmlinux")
    return k if os.path.exists(k) else os.path.join(LINUX, "vmlinuz")


# QEMU's exit status when the guest finished well: ours exits 0 through
# isa-debug-exit ((0 << 1) | 1), Linux powers off.
EXIT_OK = {"ours": 1, "linux": 0}


class Guest:
    """One QEMU run; its console output is collected by a thread."""

    def __init__(self, who, what, port):
        self.name = "%s guest (%s)" % (who, what)
        self.who = who
        self.t0 = time.monotonic()
        self.out = b""
        self.lines = []         # (host time, line) of each complete line
        self.partial = b""
        self.lock = threading.Lock()
        self.p = subprocess.Popen(qemu_command(port) + boot_args(who, what),
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        while True:
            chunk = os.read(self.p.stdout.fileno(), 65536)
            if not chunk:
                return
            now = time.monotonic()
            with self.lock:
                self.out += chunk
                *done, self.partial = (self.partial + chunk).split(b"\n")
                self.lines += [(now, l.decode(errors="replace").rstrip("\r")) for l in done]

    def text(self):
        with self.lock:
            return self.out.decode(errors="replace").replace("\r", "")

    def tail(self, n=25):
        text = self.text().rstrip("\n")
        if not text:
            return "    (nothing)"
        return "\n".join("    | " + l for l in text.split("\n")[-n:])

    def fail(self, why):
        self.kill()
        return BenchFail("%s: %s (%.1f s after QEMU started); the end of its console:\n%s"
                         % (self.name, why, time.monotonic() - self.t0, self.tail()))

    def wait_for(self, pattern, timeout, what):
        """The first match of pattern on the console, or BenchFail."""
        deadline = self.t0 + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.text())
            if m:
                return m
            if self.p.poll() is not None:
                self.reader.join(1)
                m = re.search(pattern, self.text())
                if m:
                    return m
                raise self.fail("QEMU exited (status %d) before %s"
                                % (self.p.returncode, what))
            time.sleep(0.02)
        raise self.fail("no %s within %.0f s" % (what, timeout))

    def wait_exit(self, timeout):
        try:
            status = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            raise self.fail("still running %.0f s later" % timeout)
        self.reader.join(2)
        if status != EXIT_OK[self.who]:
            raise self.fail("QEMU exit status %d (expected %d)" % (status, EXIT_OK[self.who]))
        return status

    def stop(self, timeout=30):
        """Ask the guest to finish with a line on its console."""
        try:
            self.p.stdin.write(b"\n")
            self.p.stdin.flush()
        except OSError:
            pass
        return self.wait_exit(timeout)

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def free_udp_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


REPLY = re.compile(r"bytes from [0-9.]+: (?:icmp_)?seq=(\d+).*?time=([0-9.]+) ms")


def bench_ping(who):
    g = Guest(who, "ping", free_udp_port())
    try:
        g.wait_for(r"(rtt|round-trip) min/avg/max\S* = \S+ ms",
                   BOOT_TIMEOUT + PING["count"] * PING["interval"] + 30,
                   "ping summary line")
        g.wait_exit(30)
    finally:
        g.kill()
    replies = [(t, int(m.group(1)), float(m.group(2)))
               for t, m in ((t, REPLY.search(l)) for t, l in g.lines) if m]
    if len(replies) < 3:
        raise g.fail("%d ping replies" % len(replies))
    rtts = [r[2] for r in replies]
    m = re.search(r"(?:rtt|round-trip) (min/avg/max\S*) = (\S+) ms", g.text())
    summary = "%s %s" % m.groups()
    return dict(avg=statistics.mean(rtts[1:]), replies=len(rtts), summary=summary,
                clock=clock_check(replies[1:]))


def clock_check(replies):
    """Host time over which replies arrived / the guest's own pacing of
    them (its interval and RTTs, by its clock): near 1 if the guest's
    clock, which measured the RTTs, keeps time with the host's."""
    (t0, s0, r0), (t1, s1, r1) = replies[0], replies[-1]
    guest = (s1 - s0) * PING["interval"] + (r1 - r0) / 1e3
    return (t1 - t0) / guest if guest > 0 else float("nan")


def udpload_path():
    """The host client (udpload.c), compiled here when missing or stale."""
    src = os.path.join(ROOT, "bench", "net", "udpload.c")
    exe = os.path.join(ROOT, "build", "bench-net", "udpload")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        subprocess.check_call(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", exe, src])
    return exe


def udp_load(port):
    """Echoes per second with UDP_WINDOW outstanding: (figures, or None, output)."""
    try:
        p = subprocess.run([udpload_path(), str(port), str(UDP_SECONDS), str(UDP_WINDOW),
                            str(UDP_SIZE)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=UDP_SECONDS + 60)
    except subprocess.TimeoutExpired:
        return None, "udpload did not finish within %g s" % (UDP_SECONDS + 60)
    out = p.stdout.decode(errors="replace").strip()
    m = re.search(r"sent (\d+) echoed (\d+) lost (\d+) seconds \S+ pps (\S+)", out)
    if p.returncode != 0 or not m:
        return None, out
    return dict(sent=int(m.group(1)), echoed=int(m.group(2)), lost=int(m.group(3)),
                pps=float(m.group(4))), out


def bench_udp(who):
    port = free_udp_port()
    g = Guest(who, "udp echo", port)
    try:
        g.wait_for(r"echo: udp port 7 ready", BOOT_TIMEOUT, '"echo: udp port 7 ready" line')
        r, out = udp_load(port)
        if r is None:
            raise g.fail("the host client failed: %s" % out)
        g.stop()
    finally:
        g.kill()
    return r


def ratio(a, b):
    return a / b if b > 0 else float("nan")


def report(ping, udp):
    pm = {w: statistics.median(r["avg"] for r in ping[w]) for w in GUESTS}
    um = {w: statistics.median(r["pps"] for r in udp[w]) for w in GUESTS}
    how = "median of %d runs" % RUNS if RUNS > 1 else "one run"
    print("\nnet: x86_64, QEMU TCG, -M pc -m 256, virtio-net-pci on user networking; %s" % how)
    if "linux" in GUESTS:
        print("net: linux: %s (Debian %s), busybox ping, static C echo server"
              % (os.path.basename(linux_kernel()), open(os.path.join(LINUX, "stamp")).read()
                 .split("\n")[1]))
    print("net: ping -c %(count)d -i %(interval)g %(host)s: average of replies 2..%(count)d"
          " (the first also waits for ARP)" % PING)
    print("net: udp echo: %d-byte datagrams, window %d, %g s" % (UDP_SIZE, UDP_WINDOW, UDP_SECONDS))
    figs = " ".join("%s %.3f ms" % (w, pm[w]) for w in GUESTS)
    if len(GUESTS) == 2:
        print("net: ping avg rtt %s ratio %.2f (lower is better)"
              % (figs, ratio(pm["ours"], pm["linux"])))
    else:
        print("net: ping avg rtt %s" % figs)
    figs = " ".join("%s %.0f pkt/s" % (w, um[w]) for w in GUESTS)
    if len(GUESTS) == 2:
        print("net: udp echo %s ratio %.2f (higher is better)"
              % (figs, ratio(um["ours"], um["linux"])))
    else:
        print("net: udp echo %s" % figs)


def main():
    for w in GUESTS:
        if w not in ("ours", "linux"):
            sys.exit("bench/net: GUESTS: %r is neither ours nor linux" % w)
    ping = {w: [] for w in GUESTS}
    udp = {w: [] for w in GUESTS}
    try:
        for run in range(RUNS):
            for w in GUESTS:
                r = bench_ping(w)
                ping[w].append(r)
                print("net: run %d: %-5s ping: %d replies, avg rtt %.3f ms (%s);"
                      " clock check %.3f" % (run + 1, w, r["replies"], r["avg"], r["summary"],
                                             r["clock"]), flush=True)
                if abs(r["clock"] - 1) > 0.1:
                    print("net: WARNING: %s guest's clock and the host's disagree by %.0f%%"
                          " (or its console lagged): its RTTs are suspect"
                          % (w, abs(r["clock"] - 1) * 100), flush=True)
            for w in GUESTS:
                r = bench_udp(w)
                udp[w].append(r)
                print("net: run %d: %-5s udp echo: %.0f pkt/s (%d sent, %d echoed, %d lost)"
                      % (run + 1, w, r["pps"], r["sent"], r["echoed"], r["lost"]), flush=True)
    except BenchFail as e:
        sys.exit("bench/net: FAILED: %s" % e)
    report(ping, udp)


if __name__ == "__main__":
    main()
