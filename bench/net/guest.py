"""bench/net: one guest under QEMU, the command line both guests share, and
the host-side helpers every figure uses (free ports, host tools built or
installed on demand). bench.py (ping, UDP) and tcp.py (HTTP, TCP bulk,
memory) build on it.

The QEMU command line is the same for our guest and the Linux one: x86_64,
TCG, -M pc, one virtio-net-pci on user networking with host forwards from
127.0.0.1 to guest ports udp/7, tcp/7, tcp/9 and tcp/80; only -m (256
unless a figure varies it), -kernel, -initrd and -append differ.

Pinning, for the TCP bulk figures (BENCH_PIN=1, the default on a machine
with two CPUs or more): QEMU's vCPU thread gets the last CPU to itself;
QEMU's other threads (the main loop, where user networking runs) and the
load generator share the rest. Unpinned, the host scheduler now and then
put the vCPU and the main loop on one CPU, and the bulk figures moved by
a third from run to run. The other figures stay unpinned: UDP's load
generator never sleeps, and on one CPU with QEMU's main loop it starved
the Linux guest's transmit queue into its watchdog.
"""
import os, re, shutil, socket, subprocess, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build", "x86_64")
LINUX = os.path.join(ROOT, "build", "linux-guest")
HOSTBIN = os.path.join(ROOT, "build", "bench-net")
BOOT_TIMEOUT = float(os.environ.get("BOOT_TIMEOUT", "180"))
MEM = 256
CPUS = sorted(os.sched_getaffinity(0))
PIN = os.environ.get("BENCH_PIN", "1" if len(CPUS) >= 2 else "0") == "1" and len(CPUS) >= 2
VCPU_CPU = {CPUS[-1]} if PIN else set(CPUS)
OTHER_CPUS = set(CPUS[:-1]) if PIN else set(CPUS)


def pin_other():
    """preexec_fn of a load generator that runs next to a pinned guest."""
    if PIN:
        os.sched_setaffinity(0, OTHER_CPUS)
FORWARDS = (("udp", 7), ("tcp", 7), ("tcp", 9), ("tcp", 80))

# QEMU's exit status when the guest finished well: ours exits 0 through
# isa-debug-exit ((0 << 1) | 1), Linux powers off.
EXIT_OK = {"ours": 1, "linux": 0}


class BenchFail(Exception):
    pass


def free_port(kind):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM if kind == "udp" else socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def qemu_command(fwd, mem):
    """fwd: {(proto, guest port): host port} for each of FORWARDS."""
    hostfwd = ",".join("hostfwd=%s:127.0.0.1:%d-:%d" % (p, fwd[(p, g)], g) for p, g in FORWARDS)
    return ["qemu-system-x86_64", "-name", "debug-threads=on", "-M", "pc", "-m", str(mem),
            "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
            "-netdev", "user,id=n0," + hostfwd,
            "-device", "virtio-net-pci,netdev=n0"]


def linux_kernel():
    """vmlinux (PVH entry, no decompression under TCG) if there is one."""
    k = os.path.join(LINUX, "vmlinux")
    return k if os.path.exists(k) else os.path.join(LINUX, "vmlinuz")


def ours_args(app, args):
    return ["-kernel", os.path.join(BUILD, app + ".elf32"), "-append", "quiet -- " + args]


def linux_args(bench, extra="", initrd=None):
    return ["-kernel", linux_kernel(),
            "-initrd", initrd or os.path.join(LINUX, "initramfs.gz"),
            "-append", ("console=ttyS0 quiet panic=-1 bench=%s %s" % (bench, extra)).strip()]


class Guest:
    """One QEMU run; its console output is collected by a thread. port(p, g)
    is the host port that reaches guest port g over protocol p."""

    def __init__(self, who, what, args, mem=MEM, pin=False):
        self.name = "%s guest (%s%s)" % (who, what, "" if mem == MEM else ", -m %d" % mem)
        self.who = who
        self.tail_lines = 25    # of the console, shown when it fails
        self.fwd = {f: free_port(f[0]) for f in FORWARDS}
        self.t0 = time.monotonic()
        self.out = b""
        self.lines = []         # (host time, line) of each complete line
        self.partial = b""
        self.lock = threading.Lock()
        self.p = subprocess.Popen(qemu_command(self.fwd, mem) + args,
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT,
                                  preexec_fn=pin_other if pin else None)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if pin and PIN:
            self._pin_vcpu()

    def _pin_vcpu(self):
        """The vCPU thread ("CPU 0/TCG") to VCPU_CPU, once QEMU made it."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and self.p.poll() is None:
            try:
                for tid in os.listdir("/proc/%d/task" % self.p.pid):
                    with open("/proc/%d/task/%s/comm" % (self.p.pid, tid)) as f:
                        if "/TCG" in f.read():
                            os.sched_setaffinity(int(tid), VCPU_CPU)
                            return
            except OSError:
                pass
            time.sleep(0.01)

    def port(self, proto, guest_port):
        return self.fwd[(proto, guest_port)]

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

    def tail(self, n=None):
        n = n or self.tail_lines
        text = self.text().rstrip("\n")
        if not text:
            return "    (nothing)"
        return "\n".join("    | " + l for l in text.split("\n")[-n:])

    def fail(self, why):
        self.kill()
        return BenchFail("%s: %s (%.1f s after QEMU started); the end of its console:\n%s"
                         % (self.name, why, time.monotonic() - self.t0, self.tail()))

    def alive(self, what):
        """BenchFail if QEMU has exited (while waiting for what)."""
        if self.p.poll() is not None:
            self.reader.join(1)
            raise self.fail("QEMU exited (status %d) before %s" % (self.p.returncode, what))

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
                self.alive(what)
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


def host_tool(name):
    """A host client from bench/net/NAME.c, compiled when missing or stale."""
    src = os.path.join(ROOT, "bench", "net", name + ".c")
    exe = os.path.join(HOSTBIN, name)
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        os.makedirs(HOSTBIN, exist_ok=True)
        subprocess.check_call(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", exe, src])
    return exe


def debian_tool(cmd, pkg):
    """The path of cmd, installing Debian package pkg first if it is missing
    (apt-get, as root or through sudo); BenchFail if that does not work."""
    if shutil.which(cmd):
        return shutil.which(cmd)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    print("net bench: installing %s (apt-get install %s) for %s ..." % (pkg, pkg, cmd), flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends", pkg]
    p = subprocess.run(install, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        subprocess.run(sudo + ["apt-get", "update", "-qq"], env=env)
        p = subprocess.run(install, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0 or not shutil.which(cmd):
        raise BenchFail("could not install %s (%s):\n%s"
                        % (pkg, " ".join(install), p.stdout.decode(errors="replace")[-2000:]))
    return shutil.which(cmd)


# The guests measured (GUESTS="ours linux", or one of them alone); ours
# first: the Linux guest serves the page that ours served.
GUESTS = sorted(os.environ.get("GUESTS", "ours linux").split(), key=lambda w: w != "ours")


def ratio(a, b):
    return a / b if b > 0 else float("nan")


def compare_line(label, med, fmt, better, target=None):
    """'net: LABEL ours X linux Y ratio R (higher is better; target >= T)'
    from the medians med[who]; without the ratio if one guest alone."""
    figs = " ".join(("%s " + fmt) % (w, med[w]) for w in GUESTS)
    if len(GUESTS) != 2:
        return "net: %s %s" % (label, figs)
    r = ratio(med["ours"], med["linux"])
    want = ""
    if target is not None:
        ok = r >= target if better == "higher" else r <= target
        want = "; target %s %g: %s" % (">=" if better == "higher" else "<=", target,
                                       "met" if ok else "NOT met")
    return "net: %s %s ratio %.2f (%s is better%s)" % (label, figs, r, better, want)
