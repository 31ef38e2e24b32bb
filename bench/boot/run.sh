#!/bin/sh
# bench/boot: see bench.py. Usage: bench/boot/run.sh [ARCH]
set -eu
exec python3 "$(dirname "$0")/bench.py" "$@"
