#!/usr/bin/env python3
"""Send QEMU human monitor commands over a unix socket, one at a time.

Usage: hmp.py SOCKET COMMAND...
Each COMMAND is sent once the monitor shows its prompt; "sleep:SECONDS"
pauses instead. What the monitor answers goes to stdout.
"""
import socket
import sys
import time


def read_prompt(s, deadline):
    buf = b""
    while not buf.endswith(b"(qemu) "):
        s.settimeout(max(0.1, deadline - time.monotonic()))
        chunk = s.recv(4096)
        if not chunk:
            raise SystemExit("hmp: monitor closed")
        buf += chunk
    return buf.decode(errors="replace")


def main():
    path, cmds = sys.argv[1], sys.argv[2:]
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    for _ in range(100):
        try:
            s.connect(path)
            break
        except OSError:
            time.sleep(0.1)
    else:
        raise SystemExit("hmp: cannot connect to " + path)
    read_prompt(s, time.monotonic() + 10)
    for c in cmds:
        if c.startswith("sleep:"):
            time.sleep(float(c[6:]))
            continue
        s.sendall((c + "\n").encode())
        out = read_prompt(s, time.monotonic() + 10)
        # the echo of the command, then its answer, then the prompt
        lines = [l for l in out.replace("\r", "").split("\n")[1:]
                 if l and not l.startswith("(qemu)")]
        for l in lines:
            print(l)
    s.close()


if __name__ == "__main__":
    main()
