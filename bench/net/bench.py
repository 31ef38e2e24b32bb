#!/usr/bin/env python3
"""bench/net: our network path against a Linux guest's, in the same run and
under the same QEMU command line (x86_64, TCG, -M pc -m 256, one
virtio-net-pci on user networking with host forwards to udp/7, tcp/7,
tcp/9 and tcp/80; see guest.py).

  - ping: average round-trip time of `ping -c 20 -i 0.2 10.0.2.2` (our
    apps/ping, busybox ping on Linux), from the per-reply lines of replies
    2..20 (the first one also waits for ARP); ratio ours/linux, lower is
    better.
  - udp: a host client (udpload.c, native so that it outruns any guest)
    sends 64-byte datagrams to the forwarded port with WINDOW requests
    outstanding for SECONDS after the guest says it is ready (apps/echo; a
    small static echo server on Linux), and counts echoes per second;
    ratio ours/linux, higher is better.
  - http, sink, tcp, mem: HTTP requests/s, TCP bulk MB/s host to guest
    and through the guest (echo), and the smallest -m for 100 HTTP
    connections; see tcp.py.

The figures depend on QEMU's user networking (slirp) as much as on the
guest: the ratio is what compares the guests. Each figure is measured
RUNS times per guest (median); one that fails says why and shows the
guest's console, the others go on, and the exit status is 1. Environment:
RUNS (default 3), FIGURES ("ping udp http sink tcp mem"), GUESTS ("ours linux";
one alone gives figures without ratios), UDP_SECONDS (5), UDP_WINDOW (32),
BOOT_TIMEOUT (s, 180), and those tcp.py names.
Images come from bench/net/run.sh, which builds them first.
"""
import os, re, statistics, subprocess, sys

from guest import (BenchFail, Guest, GUESTS, LINUX, OTHER_CPUS, PIN, VCPU_CPU, compare_line,
                   host_tool, linux_args, linux_kernel, ours_args)
import tcp

RUNS = int(os.environ.get("RUNS", "3"))
UDP_SECONDS = float(os.environ.get("UDP_SECONDS", "5"))
UDP_WINDOW = int(os.environ.get("UDP_WINDOW", "32"))
FIGURES = os.environ.get("FIGURES", "ping udp http sink tcp mem").split()
BOOT_TIMEOUT = float(os.environ.get("BOOT_TIMEOUT", "180"))
PING = dict(count=20, interval=0.2, host="10.0.2.2")
UDP_SIZE = 64


def boot_args(who, what):
    if who == "ours":
        if what == "ping":
            return ours_args("ping", "-c %(count)d -i %(interval)g -n 60 %(host)s" % PING)
        return ours_args("echo", "-p 7 -n 60")
    if what == "ping":
        return linux_args("ping", "ping_count=%(count)d ping_interval=%(interval)g"
                          " ping_host=%(host)s" % PING)
    return linux_args("udpecho")


REPLY = re.compile(r"bytes from [0-9.]+: (?:icmp_)?seq=(\d+).*?time=([0-9.]+) ms")


def bench_ping(who):
    g = Guest(who, "ping", boot_args(who, "ping"))
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


def udp_load(port):
    """Echoes per second with UDP_WINDOW outstanding: (figures, or None, output)."""
    try:
        p = subprocess.run([host_tool("udpload"), str(port), str(UDP_SECONDS), str(UDP_WINDOW),
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
    g = Guest(who, "udp echo", boot_args(who, "udp"))
    try:
        g.wait_for(r"echo: udp port 7 ready", BOOT_TIMEOUT, '"echo: udp port 7 ready" line')
        r, out = udp_load(g.port("udp", 7))
        if r is None:
            raise g.fail("the host client failed: %s" % out)
        g.stop()
    finally:
        g.kill()
    return r


def ping_run_line(r):
    return ("ping: %d replies, avg rtt %.3f ms (%s); clock check %.3f"
            % (r["replies"], r["avg"], r["summary"], r["clock"]))


def ping_warning(w, r):
    if abs(r["clock"] - 1) > 0.1:
        print("net: WARNING: %s guest's clock and the host's disagree by %.0f%%"
              " (or its console lagged): its RTTs are suspect"
              % (w, abs(r["clock"] - 1) * 100), flush=True)


def udp_run_line(r):
    return ("udp echo: %.0f pkt/s (%d sent, %d echoed, %d lost)"
            % (r["pps"], r["sent"], r["echoed"], r["lost"]))


def ping_report(res):
    pm = {w: statistics.median(r["avg"] for r in res[w]) for w in GUESTS}
    return ["net: ping -c %(count)d -i %(interval)g %(host)s: average of replies 2..%(count)d"
            " (the first also waits for ARP)" % PING,
            compare_line("ping avg rtt", pm, "%.3f ms", "lower")]


def udp_report(res):
    um = {w: statistics.median(r["pps"] for r in res[w]) for w in GUESTS}
    return ["net: udp echo: %d-byte datagrams, window %d, %g s" % (UDP_SIZE, UDP_WINDOW, UDP_SECONDS),
            compare_line("udp echo", um, "%.0f pkt/s", "higher")]


# name: (measure(who) -> result, run line of a result, report lines of
# {who: [results]}); each is measured RUNS times per guest.
PER_RUN = {
    "ping": (bench_ping, ping_run_line, ping_report),
    "udp": (bench_udp, udp_run_line, udp_report),
    "http": (tcp.bench_http, tcp.http_run_line, tcp.http_report),
    "sink": (tcp.bench_sink, tcp.bulk_run_line, tcp.bulk_report),
    "tcp": (tcp.bench_echo, tcp.bulk_run_line, tcp.bulk_report),
}


def run_figures(figs, failed):
    """Every figure RUNS times per guest; a figure that fails once is not
    measured again (failed[name] says why)."""
    res = {f: {w: [] for w in GUESTS} for f in figs}
    for run in range(RUNS):
        for f in figs:
            measure, line, _ = PER_RUN[f]
            for w in GUESTS:
                if f in failed:
                    break
                try:
                    r = measure(w)
                except BenchFail as e:
                    failed[f] = str(e)
                    print("net: run %d: %-5s %s: FAILED: %s" % (run + 1, w, f, e), flush=True)
                    break
                res[f][w].append(r)
                print("net: run %d: %-5s %s" % (run + 1, w, line(r)), flush=True)
                if f == "ping":
                    ping_warning(w, r)
    return res


def main():
    for w in GUESTS:
        if w not in ("ours", "linux"):
            sys.exit("bench/net: GUESTS: %r is neither ours nor linux" % w)
    for f in FIGURES:
        if f not in PER_RUN and f != "mem":
            sys.exit("bench/net: FIGURES: %r is none of %s mem" % (f, " ".join(PER_RUN)))
    skipped = {f: why for f, why in ((f, tcp.unavailable(f, GUESTS)) for f in FIGURES) if why}
    failed = {}
    res = run_figures([f for f in FIGURES if f in PER_RUN and f not in skipped], failed)
    mem = []
    if "mem" in FIGURES and "mem" not in skipped:
        found, mem = tcp.bench_mem()
        if not found:
            failed["mem"] = mem[-1]
    how = "median of %d runs" % RUNS if RUNS > 1 else "one run"
    print("\nnet: x86_64, QEMU TCG, -M pc -m 256, virtio-net-pci on user networking; %s" % how)
    print("net: %s" % ("tcp bulk: vCPU thread pinned to CPU %d, QEMU's other threads and tcpload to CPU %s"
                       % (min(VCPU_CPU), ",".join(str(c) for c in sorted(OTHER_CPUS))) if PIN
                       else "threads not pinned (BENCH_PIN=0 or one CPU)"))
    if "linux" in GUESTS:
        print("net: linux: %s (Debian %s), busybox ping and httpd, static C echo servers"
              % (os.path.basename(linux_kernel()), open(os.path.join(LINUX, "stamp")).read()
                 .split("\n")[1]))
    for f in FIGURES:
        if f in skipped:
            print("net: %s: not measured: %s" % (f, skipped[f]))
        elif f == "mem":
            print("\n".join(mem))
        elif f in failed:
            print("net: %s: FAILED: %s (more above)" % (f, failed[f].split("\n")[0]))
        else:
            print("\n".join(PER_RUN[f][2](res[f])))
    if failed:
        sys.exit("bench/net: FAILED: %s" % " ".join(failed))


if __name__ == "__main__":
    main()
