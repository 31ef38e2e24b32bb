#!/usr/bin/env python3
"""An impairing Ethernet relay for tests/netns/tcp.sh, for kernels
without sch_netem.

    tcp_relay.py RUMP_IF PEER_NETNS PEER_TAP [--loss P] [--reorder P]
                 [--delay-ms D] [--hold-ms H] [--seed S]

Run inside the namespace that holds RUMP_IF (the tap device our stack, a
Linux process, has open). It reads and writes RUMP_IF through an
AF_PACKET socket, then enters the network namespace PEER_NETNS (a name
under /run/netns) and creates the tap device PEER_TAP there, which the
caller configures as Linux's interface: Linux's TCP is the peer, through
a device without offloads, so every frame is a whole, checksummed one.

Every frame is forwarded both ways. IPv4 frames are impaired: each is
dropped with probability P (--loss, default 0.05), else delayed by D ms
(--delay-ms, default 5), and with probability --reorder (default 0.05)
held H ms more (--hold-ms, default 15) so that the frames behind it
overtake it. Other frames (ARP) pass at once.

Prints "ready" once PEER_TAP exists; on SIGTERM or SIGINT prints
"relay: to-rump F forwarded, D dropped, H held; to-peer ..." and exits.
"""
import argparse
import ctypes
import fcntl
import heapq
import os
import random
import select
import signal
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
CLONE_NEWNET = 0x40000000
TUNSETIFF = 0x400454CA
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000


def enter_netns(name):
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/run/netns/{name}", os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"setns {name}: {os.strerror(e)}")
    os.close(fd)


def open_tap(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    ifr = struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, ifr)
    return fd


class Direction:
    def __init__(self, name, emit):
        self.name = name
        self.emit = emit
        self.forwarded = self.dropped = self.held = self.errors = 0

    def send(self, frame):
        try:
            self.emit(frame)
            self.forwarded += 1
        except OSError:
            self.errors += 1

    def summary(self):
        return (f"{self.name} {self.forwarded} forwarded, {self.dropped} "
                f"dropped, {self.held} held, {self.errors} send errors")


class Relay:
    def __init__(self, a, pkt, tapfd):
        self.a = a
        self.rng = random.Random(a.seed)
        self.pkt = pkt
        self.tapfd = tapfd
        self.queue = []  # (due, seq, direction, frame)
        self.seq = 0
        self.to_peer = Direction("to-peer", lambda f: os.write(tapfd, f))
        self.to_rump = Direction("to-rump", pkt.send)

    def submit(self, d, frame):
        if len(frame) < 14 or frame[12:14] != b"\x08\x00":
            d.send(frame)
            return
        if self.rng.random() < self.a.loss:
            d.dropped += 1
            return
        delay = self.a.delay_ms / 1000
        if self.rng.random() < self.a.reorder:
            delay += self.a.hold_ms / 1000
            d.held += 1
        self.seq += 1
        heapq.heappush(self.queue, (time.monotonic() + delay, self.seq, d,
                                    frame))

    def flush_due(self):
        now = time.monotonic()
        while self.queue and self.queue[0][0] <= now:
            _, _, d, frame = heapq.heappop(self.queue)
            d.send(frame)
        return self.queue[0][0] - now if self.queue else None

    def read_rump(self):
        while True:
            try:
                frame, addr = self.pkt.recvfrom(65536)
            except BlockingIOError:
                return
            if addr[2] != PACKET_OUTGOING:
                self.submit(self.to_peer, frame)

    def read_peer(self):
        while True:
            try:
                frame = os.read(self.tapfd, 65536)
            except BlockingIOError:
                return
            self.submit(self.to_rump, frame)

    def run(self):
        while True:
            wait = self.flush_due()
            r, _, _ = select.select([self.pkt, self.tapfd], [], [], wait)
            if self.pkt in r:
                self.read_rump()
            if self.tapfd in r:
                self.read_peer()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("rump_if")
    p.add_argument("peer_netns")
    p.add_argument("peer_tap")
    p.add_argument("--loss", type=float, default=0.05)
    p.add_argument("--reorder", type=float, default=0.05)
    p.add_argument("--delay-ms", type=float, default=5)
    p.add_argument("--hold-ms", type=float, default=15)
    p.add_argument("--seed", type=int, default=7)
    a = p.parse_args()
    pkt = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                        socket.htons(ETH_P_ALL))
    pkt.bind((a.rump_if, ETH_P_ALL))
    pkt.setblocking(False)
    enter_netns(a.peer_netns)
    tapfd = open_tap(a.peer_tap)
    relay = Relay(a, pkt, tapfd)

    def stop(signum, frame):
        print("relay: " + relay.to_rump.summary() + "; " +
              relay.to_peer.summary(), flush=True)
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"ready: loss {a.loss}, reorder {a.reorder} (held "
          f"{a.hold_ms} ms more), delay {a.delay_ms} ms, seed {a.seed}",
          flush=True)
    relay.run()


if __name__ == "__main__":
    main()
