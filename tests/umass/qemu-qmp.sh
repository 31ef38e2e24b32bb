#!/bin/sh
# Send QMP commands to a running QEMU once the guest says so: waits (at
# most TIMEOUT seconds) for LINE to appear in LOG, sleeps DELAY_MS, then
# sends each JSON command over the QMP socket SOCK (after the capability
# handshake) and waits for its answer. Started in the background by a
# test.conf (hot plug with device_add, unplug with device_del); ends by
# itself.
# Usage: qemu-qmp.sh LOG SOCK LINE TIMEOUT DELAY_MS JSON...
set -u
log=$1 sock=$2 line=$3 timeout=$4 delay=$5
shift 5
end=$(($(date +%s) + timeout))
until [ -f "$log" ] && grep -qF -- "$line" "$log"; do
	[ "$(date +%s)" -ge "$end" ] && exit 1
	sleep 0.05
done
sleep "$(awk -v ms="$delay" 'BEGIN { printf "%.3f", ms / 1000 }')"
exec python3 -c '
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
s.connect(sys.argv[1])
f = s.makefile("rw")
f.readline()                                   # greeting
for cmd in ['"'"'{"execute": "qmp_capabilities"}'"'"'] + sys.argv[2:]:
    f.write(cmd + "\n")
    f.flush()
    while True:
        r = json.loads(f.readline())
        if "return" in r or "error" in r:
            if "error" in r:
                print("qemu-qmp:", cmd, "->", r["error"], file=sys.stderr)
            break
' "$sock" "$@"
