#!/usr/bin/env bash
# Soak of the real release binary: 2,000 keep-alive pollers of GET /weights (If-None-Match, ~1/s each) and
# 100,000 observation lines/s (pre-built batches over keep-alive) for SECONDS with the control loop running
# on four migrations; reports errors (must be 0), poll latency p50/p99, lines/s, controller RSS at start and
# end. The work is done by scripts/soak.py (see its docstring for the knobs).
#
#   bash scripts/soak.sh [BINARY] [SECONDS]      (defaults .build/release/glidepath, 300)
#
# Listens on 127.0.0.1 only; stops the controller it started (by PID); removes its work directory.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-${BIN:-.build/release/glidepath}}")
SECS=${2:-300}
[ -x "$BIN" ] || { echo "usage: $0 BINARY [SECONDS] (not executable: $BIN)" >&2; exit 2; }
WORK=$(mktemp -d /tmp/glidepath-soak.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
timeout $((SECS + 180)) python3 scripts/soak.py --bin "$BIN" --work "$WORK" --seconds "$SECS" ${SOAK_ARGS:-}
status=$?
[ "$status" -eq 124 ] && echo "FAIL soak: did not finish in time"
[ "$status" -ne 0 ] && { echo "--- server log (last 10 lines)"; tail -10 "$WORK/server.log"; }
exit "$status"
