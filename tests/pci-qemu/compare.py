#!/usr/bin/env python3
"""Compare the guest's PCI listing (lsdev -l) with QEMU's own query-pci.

For each machine of an arch, boot lsdev with a mix of PCI devices, the
serial console on a pipe and QMP on a Unix socket; once the guest has
printed its whole listing (lsdev -w then waits for a line on stdin, so
the machine stays up; lsdev -e first turns decoding on for every
assigned BAR, since the kernel enables it only for attached drivers and
QEMU reports a BAR that does not decode at address -1), ask QEMU for query-pci and compare function by
function: bus, slot, function, vendor, device, class (class:subclass;
query-pci has no programming interface or revision), interrupt pin, and
every BAR QEMU reports as mapped (type io/memory, 64-bit, prefetch, bus
address, size). BARs QEMU reports at address -1 (not decoded) and the
expansion ROM (bar 6, which the listing does not show) are skipped. The
guest must list every function QEMU has, and no other.

Usage:
  compare.py --arch ARCH --image BASE [--machine NAME] [--timeout S]
      boot BASE.elf32 (x86_64) or BASE.elf (aarch64) on each machine
  compare.py --listing SERIAL.log --qmp QUERY-PCI.json [--machine NAME]
      compare saved output, without QEMU
Prints "ok <machine> <bdf> <vendor:device>" or "FAIL ...: why" per
function and "N passed, N failed" at the end; exits 1 on any failure.
PCI_QEMU_MUTATE=1 in the environment changes one value QEMU reported
(the first mapped BAR's size) before comparing: the test must then fail.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

NET = "-netdev user,id=n{0} -device {1},netdev=n{0}"

# The device mixes: e1000, e1000e, virtio-net-pci, qemu-xhci, usb-ehci,
# and bridges with a device behind each.
MACHINES = {
    "x86_64": {
        "pc": ["-M", "pc"] + (
            NET.format(0, "e1000,addr=3") + " " +
            NET.format(1, "e1000e,addr=4") + " " +
            NET.format(2, "virtio-net-pci,addr=5") +
            " -device qemu-xhci,addr=6 -device usb-ehci,addr=7"
            " -device pci-bridge,id=br1,chassis_nr=1,addr=8 " +
            NET.format(3, "e1000,bus=br1,addr=1")).split(),
        "q35": ["-M", "q35"] + (
            NET.format(0, "e1000,addr=2") + " " +
            NET.format(1, "e1000e,addr=3") + " " +
            NET.format(2, "virtio-net-pci,addr=4") +
            " -device qemu-xhci,addr=5 -device usb-ehci,addr=6"
            " -device pcie-root-port,id=rp1,chassis=1,addr=7 " +
            NET.format(3, "virtio-net-pci,bus=rp1") +
            " -device pci-bridge,id=br1,chassis_nr=2,addr=8 " +
            NET.format(4, "e1000,bus=br1,addr=1")).split(),
    },
    "aarch64": {
        "virt": ["-M", "virt,gic-version=3", "-cpu", "cortex-a72"] + (
            NET.format(0, "e1000,addr=1") + " " +
            NET.format(1, "e1000e,addr=2") + " " +
            NET.format(2, "virtio-net-pci,addr=3") +
            " -device qemu-xhci,addr=4 -device usb-ehci,addr=5"
            " -device pcie-root-port,id=rp1,chassis=1,addr=6 " +
            NET.format(3, "virtio-net-pci,bus=rp1") +
            " -device pci-bridge,id=br1,chassis_nr=2,addr=7 " +
            NET.format(4, "e1000,bus=br1,addr=1")).split(),
    },
}

READY = "lsdev: waiting for a line on stdin"

FUNC_RE = re.compile(r"^pci ([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) "
                     r"([0-9a-f]{4}):([0-9a-f]{4}) rev [0-9a-f]{2} "
                     r"class ([0-9a-f]{2}):([0-9a-f]{2}):[0-9a-f]{2}(.*)$")
BAR_RE = re.compile(r"^pci ([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])   "
                    r"bar(\d) (io|mem32|mem64)( prefetch)? "
                    r"(?:(unassigned)|0x([0-9a-f]+)) size (\d+)([KMGT]?)")
UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def bar_key(kind, is64, prefetch, addr, size):
    """One BAR as compared: io carries no 64-bit or prefetch bit."""
    if kind == "io":
        return ("io", False, False, addr, size)
    return ("mem", is64, prefetch, addr, size)


def bar_str(k):
    kind, is64, pf, addr, size = k
    t = kind if kind == "io" else ("mem64" if is64 else "mem32")
    a = "unassigned" if addr is None else "0x%x" % addr
    return "%s%s %s size 0x%x" % (t, " prefetch" if pf else "", a, size)


def parse_listing(text):
    """The last whole PCI listing in the serial output:
    {(bus, dev, fn): {"id": (ven, dev), "class": c, "pin": p, "bars": {}}}.
    """
    lines = [l.rstrip("\r") for l in text.split("\n")]
    start = None
    for i, l in enumerate(lines):
        if l.startswith("pci: host bridge:"):
            start = i
    if start is None:
        raise ValueError("no PCI listing (\"pci: host bridge:\") in the "
                         "guest's output")
    funcs = {}
    end_seen = False
    for l in lines[start:]:
        if re.match(r"^pci: \d+ functions$", l):
            end_seen = True
            break
        m = FUNC_RE.match(l)
        if m:
            bdf = tuple(int(x, 16) for x in m.group(1, 2, 3))
            pin = re.search(r", INT([A-D])", m.group(8))
            funcs[bdf] = {
                "id": (int(m.group(4), 16), int(m.group(5), 16)),
                "class": (int(m.group(6), 16) << 8) | int(m.group(7), 16),
                "pin": ord(pin.group(1)) - ord("A") + 1 if pin else 0,
                "bars": {},
            }
            continue
        m = BAR_RE.match(l)
        if m:
            bdf = tuple(int(x, 16) for x in m.group(1, 2, 3))
            if bdf not in funcs:
                raise ValueError("BAR line before its function: " + l)
            addr = None if m.group(7) else int(m.group(8), 16)
            size = int(m.group(9)) * UNITS[m.group(10)]
            funcs[bdf]["bars"][int(m.group(4))] = bar_key(
                "io" if m.group(5) == "io" else "mem",
                m.group(5) == "mem64", bool(m.group(6)), addr, size)
    if not end_seen:
        raise ValueError("the PCI listing has no \"pci: N functions\" end")
    return funcs


def flatten_qmp(buses):
    """query-pci's nested answer as {(bus, dev, fn): {...}}, with the
    devices behind bridges."""
    out = {}

    def walk(devices):
        for d in devices:
            bdf = (d["bus"], d["slot"], d["function"])
            bars = {}
            unmapped = set()
            for r in d.get("regions", []):
                if r["bar"] >= 6:       # expansion ROM: not in the listing
                    continue
                if r["address"] in (-1, 0xffffffffffffffff):
                    unmapped.add(r["bar"])
                    continue
                bars[r["bar"]] = bar_key(
                    "io" if r["type"] == "io" else "mem",
                    bool(r.get("mem_type_64")), bool(r.get("prefetch")),
                    r["address"], r["size"])
            out[bdf] = {
                "id": (d["id"]["vendor"], d["id"]["device"]),
                "class": d["class_info"]["class"],
                "pin": d.get("irq_pin", 0),
                "bars": bars,
                "unmapped": unmapped,
            }
            br = d.get("pci_bridge")
            if br:
                walk(br.get("devices", []))

    for b in buses:
        walk(b["devices"])
    return out


def mutate(qemu):
    """PCI_QEMU_MUTATE: a deliberately wrong expectation."""
    for bdf in sorted(qemu):
        for n in sorted(qemu[bdf]["bars"]):
            k = qemu[bdf]["bars"][n]
            qemu[bdf]["bars"][n] = k[:4] + (k[4] * 2,)
            print("mutated: %s bar%d size 0x%x -> 0x%x" %
                  (fmt_bdf(bdf), n, k[4], k[4] * 2))
            return


def fmt_bdf(bdf):
    return "%02x:%02x.%x" % bdf


def compare(machine, guest, qemu):
    """Print a line per function; return (passed, failed)."""
    passed = failed = 0
    for bdf in sorted(qemu):
        q = qemu[bdf]
        name = "%s %s %04x:%04x" % (machine, fmt_bdf(bdf), *q["id"])
        g = guest.get(bdf)
        why = []
        if g is None:
            why.append("QEMU has this function, the guest does not list it")
        else:
            if g["id"] != q["id"]:
                why.append("guest id %04x:%04x" % g["id"])
            if g["class"] != q["class"]:
                why.append("class: guest %04x, QEMU %04x" %
                           (g["class"], q["class"]))
            if g["pin"] != q["pin"]:
                why.append("interrupt pin: guest %d, QEMU %d" %
                           (g["pin"], q["pin"]))
            for n in sorted(q["bars"]):
                if n not in g["bars"]:
                    why.append("bar%d %s: not in the guest's listing" %
                               (n, bar_str(q["bars"][n])))
                elif g["bars"][n] != q["bars"][n]:
                    why.append("bar%d: guest %s, QEMU %s" % (
                        n, bar_str(g["bars"][n]), bar_str(q["bars"][n])))
            for n in sorted(g["bars"]):
                if n not in q["bars"] and n not in q["unmapped"]:
                    why.append("bar%d %s: QEMU has no such BAR" %
                               (n, bar_str(g["bars"][n])))
        if why:
            failed += 1
            print("FAIL %s: %s" % (name, "; ".join(why)))
        else:
            passed += 1
            print("ok %s" % name)
    for bdf in sorted(set(guest) - set(qemu)):
        failed += 1
        print("FAIL %s %s %04x:%04x: the guest lists a function QEMU "
              "does not have" % (machine, fmt_bdf(bdf), *guest[bdf]["id"]))
    return passed, failed


class Qmp:
    def __init__(self, path, deadline):
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX)
                self.sock.settimeout(max(0.1, deadline - time.time()))
                self.sock.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                self.sock.close()
                if time.time() > deadline:
                    raise TimeoutError("no QMP socket")
                time.sleep(0.05)
        self.f = self.sock.makefile("rw")
        self.read()                     # the greeting
        self.cmd("qmp_capabilities")

    def read(self):
        while True:
            line = self.f.readline()
            if not line:
                raise EOFError("QMP connection closed")
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def cmd(self, name):
        self.f.write(json.dumps({"execute": name}) + "\n")
        self.f.flush()
        msg = self.read()
        if "return" not in msg:
            raise RuntimeError("QMP %s: %s" % (name, msg))
        return msg["return"]

    def close(self):
        self.sock.close()


def qemu_command(arch, image, margs, sock):
    base = ["-m", "128", "-display", "none", "-serial", "stdio",
            "-qmp", "unix:%s,server=on,wait=off" % sock, "-no-reboot"]
    if arch == "x86_64":
        return (["qemu-system-x86_64"] + margs[:2] + base +
                ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"] +
                margs[2:] + ["-kernel", image + ".elf32",
                             "-append", "-- -w -e -l"])
    return (["qemu-system-aarch64"] + margs[:4] + base +
            ["-semihosting-config", "enable=on,target=native"] +
            margs[4:] + ["-kernel", image + ".elf",
                         "-append", "semihosting -- -w -e -l"])


def run_machine(arch, machine, image, timeout, logdir):
    """Boot, query, compare; return (passed, failed)."""
    tmp = tempfile.mkdtemp(prefix="pci-qemu.")
    sock = os.path.join(tmp, "qmp.sock")
    log = os.path.join(logdir, "%s-%s.log" % (arch, machine))
    cmd = qemu_command(arch, image, MACHINES[arch][machine], sock)
    out = []
    ready = threading.Event()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)

    def reader():
        for raw in p.stdout:
            line = raw.decode("utf-8", "replace")
            out.append(line)
            if READY in line:
                ready.set()

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    deadline = time.time() + timeout

    def save_log():
        with open(log, "w") as f:
            f.write("$ " + " ".join(cmd) + "\n" + "".join(out))

    def give_up(why):
        if p.poll() is None:
            p.kill()
            why += "; QEMU killed"
        p.wait()
        t.join(2)
        save_log()
        shutil.rmtree(tmp, ignore_errors=True)
        print("FAIL %s: %s (log: %s)" % (machine, why, log))
        for l in out[-10:]:
            print("    | " + l.rstrip())
        return 0, 1

    while not ready.wait(0.1):
        if p.poll() is not None:
            t.join(2)
            return give_up("QEMU exited (status %d) before the guest "
                           "printed its listing" % p.returncode)
        if time.time() > deadline:
            return give_up("timeout after %d s: the guest did not print "
                           "its whole PCI listing" % timeout)
    try:
        q = Qmp(sock, deadline)
        buses = q.cmd("query-pci")
        q.close()
    except Exception as e:              # noqa: BLE001 - reported as is
        return give_up("QMP: %s: %s" % (type(e).__name__, e))
    # Let the guest exit: the line it waits for on the serial console.
    p.stdin.write(b"\n")
    p.stdin.flush()
    try:
        status = p.wait(max(1, deadline - time.time()))
    except subprocess.TimeoutExpired:
        return give_up("timeout after %d s: the guest did not exit after "
                       "the line on stdin" % timeout)
    t.join(2)
    save_log()
    with open(os.path.join(logdir, "%s-%s.query-pci.json" %
                           (arch, machine)), "w") as f:
        json.dump(buses, f, indent=1)
    shutil.rmtree(tmp, ignore_errors=True)
    want = 1 if arch == "x86_64" else 0     # isa-debug-exit: (0 << 1) | 1
    extra = (0, 0)
    if status != want:
        print("FAIL %s: QEMU exit status %d, expected %d (guest exit 0) "
              "(log: %s)" % (machine, status, want, log))
        extra = (0, 1)
    p_, f_ = check(machine, "".join(out), buses, log)
    return p_ + extra[0], f_ + extra[1]


def check(machine, text, buses, log=None):
    try:
        guest = parse_listing(text)
    except ValueError as e:
        print("FAIL %s: %s%s" % (machine, e,
                                 " (log: %s)" % log if log else ""))
        return 0, 1
    qemu = flatten_qmp(buses)
    if os.environ.get("PCI_QEMU_MUTATE"):
        mutate(qemu)
    return compare(machine, guest, qemu)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--arch", choices=sorted(MACHINES))
    ap.add_argument("--image", help="image path without extension")
    ap.add_argument("--machine", action="append",
                    help="only this machine (repeatable)")
    ap.add_argument("--timeout", type=int, default=30)
    ap.add_argument("--logdir", default=tempfile.gettempdir())
    ap.add_argument("--listing", help="saved serial output (offline mode)")
    ap.add_argument("--qmp", help="saved query-pci answer (offline mode)")
    a = ap.parse_args()
    passed = failed = 0
    if a.listing or a.qmp:
        if not (a.listing and a.qmp):
            ap.error("--listing and --qmp go together")
        with open(a.listing) as f:
            text = f.read()
        with open(a.qmp) as f:
            buses = json.load(f)
        if isinstance(buses, dict):
            buses = buses["return"]
        passed, failed = check((a.machine or ["saved"])[0], text, buses)
    else:
        if not (a.arch and a.image):
            ap.error("--arch and --image are needed to boot")
        os.makedirs(a.logdir, exist_ok=True)
        for m in a.machine or sorted(MACHINES[a.arch]):
            if m not in MACHINES[a.arch]:
                ap.error("no machine %s for %s" % (m, a.arch))
            p, f = run_machine(a.arch, m, a.image, a.timeout, a.logdir)
            passed += p
            failed += f
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
