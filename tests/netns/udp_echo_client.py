#!/usr/bin/env python3
"""UDP echo client for tests/netns: Linux's own UDP stack as the peer.

Sends COUNT datagrams of random sizes (1..MAXLEN bytes, random content)
to HOST:PORT with at most WINDOW outstanding, and checks that each comes
back unchanged. A datagram of 4 bytes or more starts with its sequence
number (big-endian); shorter ones are matched by content among the
outstanding ones. Nothing is retransmitted: a datagram whose echo has not
come within TIMEOUT seconds is lost; after GIVE_UP losses it stops.

Prints one summary line
    udp: N sent, N echoed, N lost, N corrupt, N unexpected, T s
and exits 0 only if every datagram came back intact.
"""
import argparse
import os
import random
import select
import socket
import struct
import sys
import time

GIVE_UP = 32  # datagrams lost: the peer is gone, stop waiting


def make_payload(rng, seq, maxlen):
    size = rng.randint(1, maxlen)
    body = rng.randbytes(size)
    if size >= 4:
        body = struct.pack(">I", seq) + body[4:]
    return body


class Tally:
    def __init__(self):
        self.sent = self.echoed = self.lost = 0
        self.corrupt = self.unexpected = 0


def match(outstanding, data, tally):
    """Retire the outstanding datagram that data echoes."""
    if len(data) >= 4:
        seq = struct.unpack(">I", data[:4])[0]
        entry = outstanding.get(seq)
        if entry is None:
            tally.unexpected += 1
        elif entry[0] != data:
            tally.corrupt += 1
            del outstanding[seq]
        else:
            tally.echoed += 1
            del outstanding[seq]
        return
    for seq, (payload, _) in outstanding.items():
        if payload == data:
            tally.echoed += 1
            del outstanding[seq]
            return
    tally.unexpected += 1


def expire(outstanding, tally, timeout):
    now = time.monotonic()
    for seq in [s for s, (_, t) in outstanding.items() if now - t > timeout]:
        if tally.lost < 10:
            print(f"udp: seq {seq} ({len(outstanding[seq][0])} bytes) lost",
                  file=sys.stderr)
        tally.lost += 1
        del outstanding[seq]


def run(args):
    rng = random.Random(args.seed)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    sock.connect((args.host, args.port))
    sock.setblocking(False)
    outstanding = {}
    tally = Tally()
    seq = 0
    while seq < args.count or outstanding:
        if tally.lost >= GIVE_UP:
            print(f"udp: {GIVE_UP} lost, giving up", file=sys.stderr)
            outstanding.clear()
            break
        while seq < args.count and len(outstanding) < args.window:
            payload = make_payload(rng, seq, args.maxlen)
            sock.send(payload)
            outstanding[seq] = (payload, time.monotonic())
            tally.sent += 1
            seq += 1
        ready, _, _ = select.select([sock], [], [], 0.1)
        if ready:
            while True:
                try:
                    data = sock.recv(65536)
                except BlockingIOError:
                    break
                match(outstanding, data, tally)
        expire(outstanding, tally, args.timeout)
    return tally


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--maxlen", type=int, default=1472)
    ap.add_argument("--window", type=int, default=8)
    ap.add_argument("--timeout", type=float, default=2.0)
    ap.add_argument("--seed", type=int,
                    default=int.from_bytes(os.urandom(4), "big"))
    args = ap.parse_args()
    start = time.monotonic()
    t = run(args)
    elapsed = time.monotonic() - start
    print(f"udp: {t.sent} sent, {t.echoed} echoed, {t.lost} lost, "
          f"{t.corrupt} corrupt, {t.unexpected} unexpected, "
          f"{elapsed:.1f} s (seed {args.seed})")
    ok = (t.echoed == args.count and t.lost == 0 and t.corrupt == 0
          and t.unexpected == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
