#!/usr/bin/env python3
"""Linux's own TCP as the peer of our stack (tests/netns/tcp.sh and
tests/tcp-qemu/run.sh). Every subcommand prints one result line that
starts with "ok:" or "FAIL:" (plus progress lines before it) and exits 0
only on success.

  client HOST PORT BYTES [--halfclose]
      Connects, sends BYTES of random data, shuts down writing and reads
      until EOF. Without --halfclose the peer is an echo server: one
      thread sends while the other reads. With --halfclose the peer sends
      nothing until our FIN, then everything back (tcp_main.c "collect").
      What comes back must be what was sent, byte for byte; a mismatch
      names its offset, a stall says how far each direction got.
  server PORT --mode echo|collect [--count N]
      Listens on 0.0.0.0:PORT ("listening PORT" once bound), serves N
      connections one after the other: echo until EOF, or read until
      EOF then send it all back (collect). Then exits.
  refused HOST PORT
      A connect that must fail with ECONNREFUSED (a RST came back).
  many HOST PORT --conns N --bytes B [--ramp R]
      Opens N connections, R at a time (default 1), each proven by one
      byte echoed; with all N open, each sends B random bytes, shuts
      down writing and reads until EOF (asyncio): all must come back
      intact.
"""
import argparse
import asyncio
import errno
import hashlib
import os
import random
import socket
import sys
import threading
import time

CHUNK = 65536


def say(msg):
    print(msg, flush=True)


def first_difference(a, b):
    n = min(len(a), len(b))
    step = 4096
    for off in range(0, n, step):
        if a[off:off + step] != b[off:off + step]:
            for i in range(off, min(off + step, n)):
                if a[i] != b[i]:
                    return i
    return n if len(a) != len(b) else -1


class Transfer:
    def __init__(self, nbytes, seed):
        self.data = random.Random(seed).randbytes(nbytes)
        self.sent = 0
        self.send_error = None
        self.recv = bytearray(nbytes + CHUNK)
        self.got = 0
        self.recv_error = None
        self.eof = False

    def send_all(self, sock, shut=True):
        view = memoryview(self.data)
        try:
            while self.sent < len(self.data):
                n = sock.send(view[self.sent:self.sent + CHUNK])
                self.sent += n
            if shut:
                sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            self.send_error = e

    def receive_all(self, sock):
        view = memoryview(self.recv)
        try:
            while True:
                if self.got >= len(self.recv):
                    self.recv_error = "more data than was sent"
                    return
                n = sock.recv_into(view[self.got:])
                if n == 0:
                    self.eof = True
                    return
                self.got += n
        except socket.timeout:
            self.recv_error = "stalled (no data for the timeout)"
        except OSError as e:
            self.recv_error = e

    def verdict(self, seconds):
        got = bytes(self.recv[:self.got])
        digest_s = hashlib.sha256(self.data).hexdigest()
        digest_r = hashlib.sha256(got).hexdigest()
        rate = (self.sent + self.got) / 2 / max(seconds, 1e-6) / 1e6
        line = (f"sent {self.sent} of {len(self.data)}, received "
                f"{self.got}, {seconds:.2f} s, {rate:.2f} MB/s, sha256 "
                f"sent {digest_s[:16]} received {digest_r[:16]}")
        problems = []
        if self.send_error:
            problems.append(f"send error: {self.send_error}")
        if self.recv_error:
            problems.append(f"receive error: {self.recv_error}")
        elif not self.eof:
            problems.append("no EOF")
        if got != self.data:
            off = first_difference(self.data, got)
            problems.append(f"data differs from offset {off}")
        if problems:
            return False, line + "; " + "; ".join(problems)
        return True, line


def cmd_client(a):
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    t = Transfer(a.bytes, seed)
    start = time.monotonic()
    try:
        sock = socket.create_connection((a.host, a.port), timeout=a.timeout)
    except OSError as e:
        say(f"FAIL: connect to {a.host}:{a.port}: {e}")
        return 1
    sock.settimeout(a.timeout)
    if a.halfclose:
        t.send_all(sock)
        t.receive_all(sock)
    else:
        th = threading.Thread(target=t.send_all, args=(sock,), daemon=True)
        th.start()
        t.receive_all(sock)
        if t.recv_error:
            sock.close()  # unblocks a sender stuck on a dead connection
        th.join(a.timeout)
    sock.close()
    ok, line = t.verdict(time.monotonic() - start)
    say(("ok: " if ok else "FAIL: ") + line + f" (seed {seed})")
    return 0 if ok else 1


def serve_one(conn, mode, timeout):
    conn.settimeout(timeout)
    total = sent = 0
    buf = bytearray()
    try:
        while True:
            data = conn.recv(CHUNK)
            if not data:
                break
            total += len(data)
            if mode == "echo":
                conn.sendall(data)
                sent += len(data)
            else:
                buf += data
        if mode == "collect":
            conn.sendall(buf)
            sent = len(buf)
        return True, f"received {total}, sent {sent}"
    except OSError as e:
        return False, f"received {total}, sent {sent}, error: {e}"
    finally:
        conn.close()


def cmd_server(a):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", a.port))
    ls.listen(8)
    ls.settimeout(a.timeout)
    say(f"listening {a.port}")
    good = True
    for i in range(a.count):
        try:
            conn, peer = ls.accept()
        except socket.timeout:
            say(f"FAIL: no connection {i + 1} within {a.timeout} s")
            return 1
        ok, line = serve_one(conn, a.mode, a.timeout)
        say(f"server: {peer[0]}:{peer[1]} {line}")
        good = good and ok
    say(("ok: " if good else "FAIL: ") + f"{a.count} connection(s) served")
    return 0 if good else 1


def cmd_refused(a):
    try:
        sock = socket.create_connection((a.host, a.port), timeout=a.timeout)
    except ConnectionRefusedError:
        say(f"ok: connect to {a.host}:{a.port}: ECONNREFUSED")
        return 0
    except OSError as e:
        say(f"FAIL: connect to {a.host}:{a.port}: {e} "
            f"({errno.errorcode.get(e.errno, e.errno)}), not ECONNREFUSED")
        return 1
    sock.close()
    say(f"FAIL: connect to {a.host}:{a.port} succeeded")
    return 1


async def open_conn(host, port, timeout):
    """A connection proven end to end: one byte echoed."""
    r, w = await asyncio.wait_for(asyncio.open_connection(host, port),
                                  timeout)
    try:
        w.write(b"\x5a")
        await w.drain()
        if await asyncio.wait_for(r.readexactly(1), timeout) != b"\x5a":
            raise ValueError("the first byte came back changed")
    except BaseException:
        w.close()
        raise
    return r, w


async def transfer(r, w, data, timeout):
    """data out, shut down writing, everything back until EOF."""

    async def writer():
        w.write(data)
        await w.drain()
        w.write_eof()

    async def reader():
        got = bytearray()
        while True:
            chunk = await r.read(CHUNK)
            if not chunk:
                return bytes(got)
            got += chunk

    try:
        _, got = await asyncio.wait_for(asyncio.gather(writer(), reader()),
                                        timeout)
    except (OSError, asyncio.TimeoutError) as e:
        return f"transfer: {e!r}"
    finally:
        w.close()
    if got != data:
        return f"echo differs ({len(got)} of {len(data)} bytes back)"
    return None


async def many(a):
    """Opens the connections a.ramp at a time (QEMU's user networking
    listens with a backlog of 1 and resets what overflows it, whatever
    the guest), keeps them all open, then transfers on all at once."""
    rng = random.Random(a.seed)
    datas = [rng.randbytes(a.bytes) for _ in range(a.conns)]
    gate = asyncio.Semaphore(a.ramp)

    start = time.monotonic()
    deadline = start + a.timeout    # for the whole opening phase

    async def gated_open():
        async with gate:
            left = deadline - time.monotonic()
            if left <= 0:
                return f"open: not tried, {a.timeout} s spent opening"
            try:
                return await open_conn(a.host, a.port, left)
            except (OSError, ValueError, asyncio.TimeoutError,
                    asyncio.IncompleteReadError) as e:
                return f"open: {e!r}"

    opened = await asyncio.gather(*[gated_open() for _ in range(a.conns)])
    t_open = time.monotonic() - start
    ok = [(i, c) for i, c in enumerate(opened) if isinstance(c, tuple)]
    results = [c if isinstance(c, str) else None for c in opened]
    say(f"{len(ok)} of {a.conns} connections open at once "
        f"({t_open:.1f} s; each proven by one byte echoed)")
    done = await asyncio.gather(*[transfer(r, w, datas[i], a.timeout)
                                  for i, (r, w) in ok])
    for (i, _), res in zip(ok, done):
        results[i] = res
    return results


def cmd_many(a):
    start = time.monotonic()
    results = asyncio.run(many(a))
    secs = time.monotonic() - start
    bad = [(i, r) for i, r in enumerate(results) if r is not None]
    kinds = {}
    for _, r in bad:
        kinds[r.split(":")[0]] = kinds.get(r.split(":")[0], 0) + 1
    line = (f"{a.conns - len(bad)} of {a.conns} connections echoed "
            f"{a.bytes} bytes intact in {secs:.1f} s")
    if bad:
        say("FAIL: " + line + f"; failures {kinds}; first: "
            f"#{bad[0][0]} {bad[0][1]}")
        return 1
    say("ok: " + line)
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--seed", type=int)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("client")
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("bytes", type=int)
    c.add_argument("--halfclose", action="store_true")
    s = sub.add_parser("server")
    s.add_argument("port", type=int)
    s.add_argument("--mode", choices=["echo", "collect"], default="echo")
    s.add_argument("--count", type=int, default=1)
    r = sub.add_parser("refused")
    r.add_argument("host")
    r.add_argument("port", type=int)
    m = sub.add_parser("many")
    m.add_argument("host")
    m.add_argument("port", type=int)
    m.add_argument("--conns", type=int, default=200)
    m.add_argument("--bytes", type=int, default=8192)
    m.add_argument("--ramp", type=int, default=1,
                   help="connections being opened at once")
    a = p.parse_args()
    return {"client": cmd_client, "server": cmd_server,
            "refused": cmd_refused, "many": cmd_many}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
