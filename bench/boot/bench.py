#!/usr/bin/env python3
"""bench/boot: boot-time figures for hello on each arch, against a baseline
in the same run.

  - QEMU start to the application's first line (hello, -kernel) divided by
    QEMU start to exit of a kernel that exits at its first instruction
    (median of N interleaved runs each; target ratio <= 1.3);
  - guest time from first instruction to main(), by the guest's clock
    (target < 5 ms): with boot messages (each line costs 0.1-0.5 ms on
    QEMU's emulated UART) and with `quiet` (read from hello's own clock
    at its first line);
  - stripped image size of hello (target <= 256 KiB);
  - the smallest -m (MiB) that boots hello (target <= 8).
"""
import os, re, select, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RUNS = int(os.environ.get("RUNS", "10"))
COMMON = ["-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot"]
ARCHES = {
    # qemu command, kernel to boot, exit status meaning "exited with 0"
    "x86_64": dict(
        qemu=["qemu-system-x86_64", "-M", "pc"] + COMMON +
             ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"],
        hello="hello.elf32", ok=1, append=[],
        cc=["gcc", "-m32"], ld=["ld", "-m", "elf_i386", "-Ttext", "0x100000"],
        strip="strip"),
    "aarch64": dict(
        qemu=["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a72"] +
             COMMON + ["-semihosting-config", "enable=on,target=native"],
        hello="hello.elf", ok=0, append=["semihosting"],
        cc=["aarch64-linux-gnu-gcc"],
        ld=["aarch64-linux-gnu-ld", "-Ttext", "0x40200000"],
        strip="aarch64-linux-gnu-strip"),
}


def boot(a, kernel, mem=128, marker=None, timeout=30, append=True, options=""):
    """Boot; return (seconds until marker or exit, output, exit status)."""
    t0 = time.monotonic()
    cmdline = []
    if append:
        cmdline = ["-append", " ".join(a["append"] + ([options] if options else []))]
    p = subprocess.Popen(a["qemu"] + ["-m", str(mem), "-kernel", kernel] + cmdline,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, seen = b"", None
    while True:
        r, _, _ = select.select([p.stdout], [], [], 0.05)
        if r:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
            if marker and seen is None and marker.encode() in out:
                seen = time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            p.kill()
            break
    status = p.wait()
    elapsed = time.monotonic() - t0
    return (seen if marker else elapsed), out.decode(errors="replace"), status


def build_trivial(arch, a, build):
    obj = os.path.join(build, "bench-trivial.o")
    elf = os.path.join(build, "bench-trivial.elf")
    subprocess.check_call(a["cc"] + ["-c", os.path.join(ROOT, "bench/boot/trivial-%s.S" % arch),
                                     "-o", obj])
    subprocess.check_call(a["ld"] + ["-e", "_start", "-o", elf, obj])
    return elf


def bench(arch):
    a = ARCHES[arch]
    build = os.path.join(ROOT, "build", arch)
    subprocess.check_call(["make", "-s", "-C", ROOT, "ARCH=" + arch, "APP=hello", "image"])
    hello = os.path.join(build, a["hello"])
    trivial = build_trivial(arch, a, build)
    t_hello, t_triv, to_main, to_main_quiet = [], [], [], []
    print("== %s" % arch)
    for _ in range(RUNS):
        s, _, st = boot(a, trivial, append=False)
        if st != a["ok"]:
            sys.exit("bench/boot: trivial kernel exited with %d" % st)
        t_triv.append(s)
        s, out, st = boot(a, hello, marker="Hello, world!")
        if s is None or st != a["ok"]:
            sys.exit("bench/boot: hello did not boot (status %d):\n%s" % (st, out))
        t_hello.append(s)
        m = re.search(r"(\d+) us from first instruction to main", out)
        if m:
            to_main.append(int(m.group(1)))
        _, out, st = boot(a, hello, marker="Hello, world!", options="quiet")
        m = re.search(r"(\d+)\.(\d+) s since boot", out)
        if st == a["ok"] and m:
            to_main_quiet.append(int(m.group(1)) * 1000000 + int(m.group(2)))
    mh, mt = statistics.median(t_hello), statistics.median(t_triv)
    print("boot: QEMU start to first line of hello   %7.1f ms (median of %d)" % (mh * 1e3, RUNS))
    print("boot: QEMU start to exit of trivial kernel %7.1f ms (median of %d)" % (mt * 1e3, RUNS))
    print("boot: ratio hello / trivial                %7.2f (target <= 1.30)" % (mh / mt))
    if to_main:
        print("boot: first instruction to main()          %7.3f ms (median, boot messages on)"
              % (statistics.median(to_main) / 1e3))
    if to_main_quiet:
        print("boot: first instruction to main(), quiet   %7.3f ms (median; target < 5)"
              % (statistics.median(to_main_quiet) / 1e3))
    stripped = os.path.join(build, "hello.stripped")
    subprocess.check_call([a["strip"], "-o", stripped, os.path.join(build, "hello.elf")])
    size = os.path.getsize(stripped)
    print("boot: stripped image size of hello         %7.1f KiB (target <= 256)" % (size / 1024))
    smallest = None
    for mem in range(16, 0, -1):
        _, out, st = boot(a, hello, mem=mem, marker="Hello, world!", timeout=20)
        if st == a["ok"] and "Hello, world!" in out:
            smallest = mem
        else:
            break
    print("boot: smallest -m that boots hello         %7s MiB (target <= 8)" % smallest)


def main():
    for arch in (sys.argv[1:] or ["x86_64", "aarch64"]):
        bench(arch)


if __name__ == "__main__":
    main()
