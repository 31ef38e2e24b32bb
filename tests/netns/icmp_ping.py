#!/usr/bin/env python3
"""A stand-in for `ping -c COUNT -W WAIT HOST` where iputils is missing.

The echo requests and replies go through Linux's own stack (a raw ICMP
socket; root). Sends COUNT requests one second apart (--interval), each
with a 56-byte payload, and waits up to WAIT seconds for each reply.
Prints ping's summary line:
    N packets transmitted, N received, P% packet loss
and exits 0 if every reply came, 1 otherwise.
"""
import argparse
import os
import select
import socket
import struct
import sys
import time

ICMP_ECHO, ICMP_ECHOREPLY = 8, 0


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def request(ident, seq, payload):
    hdr = struct.pack("!BBHHH", ICMP_ECHO, 0, 0, ident, seq)
    csum = checksum(hdr + payload)
    return struct.pack("!BBHHH", ICMP_ECHO, 0, csum, ident, seq) + payload


def is_reply(packet, host, ident, seq, payload):
    ihl = (packet[0] & 0x0F) * 4
    icmp = packet[ihl:]
    if len(icmp) < 8 or socket.inet_ntoa(packet[12:16]) != host:
        return False
    typ, _, _, rid, rseq = struct.unpack("!BBHHH", icmp[:8])
    return (typ == ICMP_ECHOREPLY and rid == ident and rseq == seq
            and icmp[8:] == payload and checksum(icmp) == 0)


def ping_once(sock, host, ident, seq, wait):
    payload = os.urandom(56)
    sock.sendto(request(ident, seq, payload), (host, 0))
    deadline = time.monotonic() + wait
    while (left := deadline - time.monotonic()) > 0:
        if not select.select([sock], [], [], left)[0]:
            break
        if is_reply(sock.recv(2048), host, ident, seq, payload):
            rtt = (wait - (deadline - time.monotonic())) * 1000
            print(f"64 bytes from {host}: icmp_seq={seq} time={rtt:.2f} ms")
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-c", dest="count", type=int, default=5)
    ap.add_argument("-W", dest="wait", type=float, default=2.0)
    ap.add_argument("-i", dest="interval", type=float, default=1.0)
    ap.add_argument("host")
    args = ap.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xFFFF
    got = 0
    for seq in range(1, args.count + 1):
        start = time.monotonic()
        got += ping_once(sock, args.host, ident, seq, args.wait)
        if seq < args.count:
            time.sleep(max(0.0, args.interval - (time.monotonic() - start)))
    loss = 100 * (args.count - got) // args.count
    print(f"{args.count} packets transmitted, {got} received, "
          f"{loss}% packet loss")
    return 0 if got == args.count else 1


if __name__ == "__main__":
    sys.exit(main())
