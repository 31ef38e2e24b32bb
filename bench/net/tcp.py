"""bench/net's TCP figures (issue 7), our guest against the Linux one on the
QEMU command line of guest.py:

  - http: requests per second from `wrk` on the host (Debian package,
    installed on demand) to apps/httpd and to busybox httpd, HTTP/1.1 with
    keep-alive (busybox httpd closes after each answer: it has no
    keep-alive), HTTP_CONC connections (16) for HTTP_SECONDS (10), GET of
    the same page: the Linux guest serves, from /www/index.html, the bytes
    our httpd answered (a cpio archive holding them is appended to its
    initramfs). Both must answer 200 with that page before and after the
    load; more than 1% socket errors or any non-2xx answer fails the run.
    Ratio ours/linux, target >= 1.5.
  - sink and tcp: bulk throughput host -> guest. tcpload.c sends TCP_MB
    (100) MB over one connection and stops the clock when the guest has
    provably received all of it. sink: to a discard server that closes
    when the sender has shut down its side (apps/nc -d with NC_ARGS;
    tcpserve port 9 on Linux, which also answers its byte count); this is
    the issue's "host to guest". tcp: to an echo server (apps/echo;
    tcpserve, a static C poll() loop, on Linux), every byte must come
    back; MB/s = TCP_MB / time, the guest carrying the data in and out.
    Ratio ours/linux; the target (>= 1.0) is the sink figure's, the
    issue's host to guest; echo is shown next to it, without one.
  - mem: the smallest -m (MiB, MEM_LO 4 .. MEM_HI 64, binary search) with
    which our httpd answers `ab -k -r -c 100 -n 1000` (apache2-utils,
    installed on demand) with 1000 complete and 0 failed requests, and
    then holds 100 connections open at once, each answering GET twice
    (ab alone does not show that: QEMU's slirp accepts every connection on
    the host side, and a server that holds fewer serves the others later).
    Target <= 16 MiB. Our guest only.

Environment: HTTP_SECONDS, HTTP_CONC, HTTP_PATH (/), HTTPD_ARGS (our
httpd's argv), ECHO_ARGS, NC_ARGS, NC_READY (a console pattern), TCP_MB,
MEM_LO, MEM_HI, MEM_CONC (100; ab makes 10 requests per connection),
MEM_BOOT_TIMEOUT (s, 30).
"""
import gzip, http.client, os, re, socket, statistics, subprocess, threading, time

from guest import (BenchFail, BOOT_TIMEOUT, GUESTS, HOSTBIN, LINUX, ROOT, Guest,
                   compare_line, debian_tool, host_tool, linux_args, ours_args, pin_other)

HTTP_SECONDS = float(os.environ.get("HTTP_SECONDS", "10"))
HTTP_CONC = int(os.environ.get("HTTP_CONC", "16"))
HTTP_PATH = os.environ.get("HTTP_PATH", "/")
HTTPD_ARGS = os.environ.get("HTTPD_ARGS", "")
ECHO_ARGS = os.environ.get("ECHO_ARGS", "-p 7 -n 60")
NC_ARGS = os.environ.get("NC_ARGS", "-l -d -p 9")
NC_READY = os.environ.get("NC_READY", r"nc: listening")
TCP_MB = float(os.environ.get("TCP_MB", "100"))
MEM_LO = int(os.environ.get("MEM_LO", "4"))
MEM_HI = int(os.environ.get("MEM_HI", "64"))
MEM_BOOT_TIMEOUT = float(os.environ.get("MEM_BOOT_TIMEOUT", "30"))
MEM_CONC = int(os.environ.get("MEM_CONC", "100"))
MEM_REQUESTS = 10 * MEM_CONC
HTTP_TARGET, TCP_TARGET, MEM_TARGET = 1.5, 1.0, 16
DEFAULT_PAGE = b"x" * 1024     # what the Linux guest serves if ours did not run


def unavailable(fig, guests):
    """Why figure fig cannot be measured in this tree, or None."""
    def missing(app):
        return not os.path.exists(os.path.join(ROOT, "apps", app, "main.c"))
    if fig in ("http", "mem") and "ours" in guests and missing("httpd"):
        return "apps/httpd is not in this tree"
    if fig == "mem" and "ours" not in guests:
        return "it measures our guest alone (GUESTS has no ours)"
    if fig == "sink" and "ours" in guests and missing("nc"):
        return "apps/nc is not in this tree"
    return None


# ---- HTTP ---------------------------------------------------------------

def http_get(port, timeout=5):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", HTTP_PATH)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def wait_http(g, timeout):
    """The page, once the guest answers GET HTTP_PATH with 200."""
    deadline, last = g.t0 + timeout, "nothing"
    while time.monotonic() < deadline:
        g.alive("it answered HTTP")
        if HALTED.search(g.text()):
            raise g.fail("it halted before it answered HTTP")
        try:
            status, body = http_get(g.port("tcp", 80))
            if status == 200:
                return body
            last = "status %d" % status
        except (OSError, http.client.HTTPException) as e:
            last = "%s: %s" % (type(e).__name__, e)
        time.sleep(0.5)
    raise g.fail("no 200 answer to GET %s within %.0f s (last try: %s)" % (HTTP_PATH, timeout, last))


# How our kernel says it has stopped for good (QEMU keeps running).
HALTED = re.compile(r"\*\*\* (system halted|FATAL)")


def cpio_newc(entries):
    """A cpio archive (newc format) of (name, mode, data) entries."""
    def pad(b):
        return b + b"\0" * (-len(b) % 4)
    out = b""
    for ino, (name, mode, data) in enumerate(list(entries) + [("TRAILER!!!", 0, b"")], 1):
        n = name.encode() + b"\0"
        fields = (ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(n), 0)
        out += pad(b"070701" + b"".join(b"%08X" % v for v in fields) + n) + pad(data)
    return out


def www_initrd(page):
    """The Linux initramfs with a second archive appended that puts page
    where busybox httpd -h /www finds HTTP_PATH (the kernel unpacks both
    archives, the later wins)."""
    name = HTTP_PATH.split("?")[0].strip("/") or "index.html"
    if "/" in name:
        raise BenchFail("HTTP_PATH %s: only a file at the top (/NAME) can be put into /www" % HTTP_PATH)
    path = os.path.join(HOSTBIN, "initramfs-www.gz")
    os.makedirs(HOSTBIN, exist_ok=True)
    with open(os.path.join(LINUX, "initramfs.gz"), "rb") as f:
        base = f.read()
    extra = cpio_newc([("www", 0o40755, b""), ("www/" + name, 0o100644, page)])
    with open(path, "wb") as f:
        f.write(base + gzip.compress(extra))
    return path


served = {}     # the page our httpd answered: the Linux guest serves it too


def wrk(port):
    url = "http://127.0.0.1:%d%s" % (port, HTTP_PATH)
    cmd = [debian_tool("wrk", "wrk"), "-t1", "-c%d" % HTTP_CONC, "-d%gs" % HTTP_SECONDS,
           "--timeout", "5s", url]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=HTTP_SECONDS + 60)
    except subprocess.TimeoutExpired:
        return None, "wrk did not finish within %g s" % (HTTP_SECONDS + 60)
    out = p.stdout.decode(errors="replace")
    n = re.search(r"(\d+) requests in ", out)
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    if p.returncode != 0 or not n or not rps:
        return None, "%s:\n%s" % (" ".join(cmd), out)
    err = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r = dict(requests=int(n.group(1)), rps=float(rps.group(1)),
             errors=sum(map(int, err.groups())) if err else 0,
             non2xx=int(bad.group(1)) if bad else 0)
    if r["requests"] == 0 or r["non2xx"] > 0 or r["errors"] > r["requests"] / 100:
        return None, "%d requests, %d socket errors, %d non-2xx answers:\n%s" % (
            r["requests"], r["errors"], r["non2xx"], out)
    return r, out


def bench_http(who):
    if who == "ours":
        g = Guest(who, "httpd", ours_args("httpd", HTTPD_ARGS))
    else:
        g = Guest(who, "httpd", linux_args("httpd", initrd=www_initrd(served.get("page", DEFAULT_PAGE))))
    try:
        if who == "linux":
            g.wait_for(r"httpd: port 80 ready", BOOT_TIMEOUT, '"httpd: port 80 ready" line')
        page = wait_http(g, BOOT_TIMEOUT)
        if who == "ours":
            served["page"] = page
        elif page != served.get("page", DEFAULT_PAGE):
            raise g.fail("it served %d bytes, not the %d-byte page meant"
                         % (len(page), len(served.get("page", DEFAULT_PAGE))))
        r, out = wrk(g.port("tcp", 80))
        if r is None:
            raise g.fail("wrk failed: %s" % out)
        try:
            status, after = http_get(g.port("tcp", 80))
        except (OSError, http.client.HTTPException) as e:
            status, after = "%s: %s" % (type(e).__name__, e), b""
        if status != 200 or after != page:
            raise g.fail("after the load, GET %s answered %s (%d bytes)" % (HTTP_PATH, status, len(after)))
        r["size"] = len(page)
    finally:
        g.kill()
    return r


def http_run_line(r):
    return ("http: %.0f req/s (%d requests, %d socket errors, page %d bytes)"
            % (r["rps"], r["requests"], r["errors"], r["size"]))


def http_report(res):
    med = {w: statistics.median(r["rps"] for r in res[w]) for w in GUESTS}
    size = res[GUESTS[0]][0]["size"]
    return ["net: http: wrk -t1 -c%d -d%gs, HTTP/1.1 keep-alive (busybox httpd closes each"
            " connection), GET %s (%d bytes, the same page in both)"
            % (HTTP_CONC, HTTP_SECONDS, HTTP_PATH, size),
            compare_line("http", med, "%.0f req/s", "higher", HTTP_TARGET)]


# ---- TCP bulk -------------------------------------------------------------

def wait_echo(g, port, timeout):
    """Until a probe sent to the guest's echo port comes back."""
    probe, deadline, last = b"bench/net probe\n", g.t0 + timeout, "nothing"
    while time.monotonic() < deadline:
        g.alive("it echoed over TCP")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(probe)
                got = b""
                while len(got) < len(probe):
                    b = s.recv(len(probe) - len(got))
                    if not b:
                        break
                    got += b
                if got == probe:
                    return
                last = "%d bytes back: %r" % (len(got), got[:32])
        except OSError as e:
            last = "%s: %s" % (type(e).__name__, e)
        time.sleep(0.5)
    raise g.fail("no TCP echo on port 7 within %.0f s (last try: %s)" % (timeout, last))


def bench_bulk(who, mode):
    echo = mode == "echo"
    if who == "linux":
        args = linux_args("tcp")
    else:
        args = ours_args("echo", ECHO_ARGS) if echo else ours_args("nc", NC_ARGS)
    g = Guest(who, "tcp " + mode, args, pin=True)
    port = g.port("tcp", 7 if echo else 9)
    nbytes = int(TCP_MB * 1e6)
    limit = max(120.0, TCP_MB * 4)
    try:
        if who == "linux":
            g.wait_for(r"tcpserve: tcp ports 7 and 9 ready", BOOT_TIMEOUT, '"tcpserve: ... ready" line')
        if echo:
            wait_echo(g, port, BOOT_TIMEOUT)
        elif who == "ours":
            g.wait_for(NC_READY, BOOT_TIMEOUT, "line matching NC_READY %r" % NC_READY)
        cmd = [host_tool("tcpload"), str(port), mode, str(nbytes), str(limit)]
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=limit + 30,
                               preexec_fn=pin_other)
            out = p.stdout.decode(errors="replace").strip()
        except subprocess.TimeoutExpired:
            p, out = None, "tcpload did not finish within %g s" % (limit + 30)
        m = re.search(r"seconds ([0-9.]+) MB/s ([0-9.]+)", out)
        if p is None or p.returncode != 0 or not m:
            raise g.fail("the host client failed: %s" % out)
        if echo:
            g.stop()
    finally:
        g.kill()
    return dict(mode=mode, seconds=float(m.group(1)), mbps=float(m.group(2)))


def bench_echo(who):
    return bench_bulk(who, "echo")


def bench_sink(who):
    return bench_bulk(who, "sink")


def bulk_run_line(r):
    return "tcp %s: %.2f MB/s (%g MB in %.2f s)" % (r["mode"], r["mbps"], TCP_MB, r["seconds"])


def bulk_report(res):
    med = {w: statistics.median(r["mbps"] for r in res[w]) for w in GUESTS}
    mode = next(r["mode"] for w in GUESTS for r in res[w])
    how = ("every byte echoed back and checked; the guest carries it in and out" if mode == "echo"
           else "until the discard server closed after the sender's shutdown")
    return ["net: tcp bulk host->guest (%s): one connection, %g MB (10^6 bytes), timed %s"
            % (mode, TCP_MB, how),
            compare_line("tcp bulk (%s)" % mode, med, "%.2f MB/s", "higher",
                         TCP_TARGET if mode == "sink" else None)]


# ---- memory ---------------------------------------------------------------

def ab(port):
    url = "http://127.0.0.1:%d%s" % (port, HTTP_PATH)
    cmd = [debian_tool("ab", "apache2-utils"), "-k", "-r", "-s", "10",
           "-c", str(MEM_CONC), "-n", str(MEM_REQUESTS), url]
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
    except subprocess.TimeoutExpired:
        return False, "ab did not finish within 120 s"
    out = p.stdout.decode(errors="replace")

    def num(label):
        m = re.search(label + r":\s+([0-9.]+)", out)
        return float(m.group(1)) if m else 0
    done, failed, non2xx = num("Complete requests"), num("Failed requests"), num("Non-2xx responses")
    what = "%d complete, %d failed, %d non-2xx, %d keep-alive, %.0f req/s" % (
        done, failed, non2xx, num("Keep-Alive requests"), num("Requests per second"))
    if p.returncode != 0 or done != MEM_REQUESTS or failed or non2xx:
        tail = "\n".join("    ab| " + l for l in out.strip().split("\n")[-6:])
        return False, "%s (ab status %d)\n%s" % (what, p.returncode, tail)
    return True, what


def read_answer(s, deadline):
    """The status of one HTTP answer on s, its body read (Content-Length)."""
    buf = b""
    while b"\r\n\r\n" not in buf:
        s.settimeout(max(0.01, deadline - time.monotonic()))
        b = s.recv(65536)
        if not b:
            raise ValueError("connection closed by the server")
        buf += b
    head, body = buf.split(b"\r\n\r\n", 1)
    m = re.search(rb"(?im)^content-length:\s*(\d+)", head)
    if not head.startswith(b"HTTP/1.1 ") or not m:
        raise ValueError("no HTTP/1.1 answer with Content-Length: %r" % head[:80])
    while len(body) < int(m.group(1)):
        s.settimeout(max(0.01, deadline - time.monotonic()))
        b = s.recv(65536)
        if not b:
            raise ValueError("connection closed in the body")
        body += b
    return int(head.split()[1])


def hold(port, timeout=60):
    """MEM_CONC connections open at once (one thread each), each asked for
    the page, then, once all have answered and before any is closed, asked
    again over keep-alive: (ok, what happened). A server that cannot hold
    them all leaves some unanswered. The connections are opened one at a
    time (each connect and first answer under a lock): QEMU's user
    networking listens with a tiny backlog on the host side and resets
    connections that arrive together, whatever the guest."""
    req = ("GET %s HTTP/1.1\r\nHost: bench\r\n\r\n" % HTTP_PATH).encode()
    deadline = time.monotonic() + timeout
    all_open, all_done = threading.Barrier(MEM_CONC), threading.Barrier(MEM_CONC)
    opening = threading.Lock()
    errors = []

    def one(i):
        where = "connect"
        try:
            with opening:
                s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
                s.sendall(req)
                where = "answer 1"
                status = read_answer(s, deadline)
            with s:
                for rnd, barrier in ((1, all_open), (2, all_done)):
                    where = "answer %d" % rnd
                    if rnd == 2:
                        s.sendall(req)
                        status = read_answer(s, deadline)
                    if status != 200:
                        raise ValueError("status %d" % status)
                    where = "waiting for the others after answer %d" % rnd
                    barrier.wait(max(0.01, deadline - time.monotonic()))
        except (OSError, ValueError, threading.BrokenBarrierError) as e:
            errors.append((i, where, "%s: %s" % (type(e).__name__, e)))
            all_open.abort()
            all_done.abort()
    t0 = time.monotonic()
    threads = [threading.Thread(target=one, args=(i,)) for i in range(MEM_CONC)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.monotonic() - t0
    first = [e for e in errors if not e[2].startswith("BrokenBarrierError")] or errors
    if errors:
        i, where, why = first[0]
        return False, ("%d connections held open at once: connection %d at %s: %s (%.1f s; %d"
                       " connections failed, the others gave up waiting for them)"
                       % (MEM_CONC, i + 1, where, why, took, len(first)))
    return True, "%d connections held open at once, each answered twice (%.1f s)" % (MEM_CONC, took)


def peak(port):
    """connections_peak from our httpd's /status, or '?'."""
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/status")
        m = re.search(rb"connections_peak (\d+)", c.getresponse().read())
        c.close()
        return m.group(1).decode() if m else "?"
    except (OSError, http.client.HTTPException):
        return "?"


def mem_probe(mib):
    """(ok, what happened) for our httpd under QEMU -m mib."""
    g = Guest("ours", "httpd", ours_args("httpd", HTTPD_ARGS), mem=mib)
    g.tail_lines = 10
    try:
        wait_http(g, MEM_BOOT_TIMEOUT)
        port = g.port("tcp", 80)
        ok, what = ab(port)
        if ok:
            ok, held = hold(port)
            what += "; " + held
        if ok:
            g.alive("the load ended")
            what += "; /status connections_peak %s" % peak(port)
        else:
            what += "\n" + g.tail(8)
    except BenchFail as e:
        ok, what = False, str(e)
    finally:
        g.kill()
    print("net: mem: -m %d: %s: %s" % (mib, "ok" if ok else "fails", what), flush=True)
    return ok, what


def bench_mem():
    """The smallest -m in MEM_LO..MEM_HI that passes, by bisection (it
    supposes that more memory never hurts): (found, report lines)."""
    how = ("net: mem: ab -k -r -c %d -n %d GET %s, then %d connections held open at once;"
           " -m searched from %d to %d MiB"
           % (MEM_CONC, MEM_REQUESTS, HTTP_PATH, MEM_CONC, MEM_LO, MEM_HI))
    ok, what = mem_probe(MEM_HI)
    if not ok:
        return False, [how, "net: httpd %d connections: FAILED even with -m %d MiB (target <= %d:"
                       " NOT met)" % (MEM_CONC, MEM_HI, MEM_TARGET)]
    lo, hi = MEM_LO - 1, MEM_HI      # lo fails (or is below the range), hi passes
    if mem_probe(MEM_LO)[0]:
        hi = MEM_LO
    else:
        lo = MEM_LO
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mem_probe(mid)[0]:
            hi = mid
        else:
            lo = mid
    verdict = "met" if hi <= MEM_TARGET else "NOT met"
    return True, [how, "net: httpd %d connections: smallest -m %d MiB (target <= %d: %s)"
            % (MEM_CONC, hi, MEM_TARGET, verdict)]
