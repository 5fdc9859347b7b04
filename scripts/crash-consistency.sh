#!/usr/bin/env bash
# Crash consistency of the real release binary: kill -9 at random moments during a fast ramp with
# continuous observations and operator actions, restart on the same database, and check after every
# restart that no committed decision, revision, state or evidence was lost, changed or reused, and that
# PRAGMA integrity_check stays ok. The work is done by scripts/crash_consistency.py (see its docstring).
#
#   bash scripts/crash-consistency.sh [BINARY] [KILLS]     (defaults .build/release/glidepath, 50; CI: 10)
#   CC_SEED=N replays a run's random choices (the seed is printed first).
#
# Listens on 127.0.0.1 only; stops the controller it started (by PID) at exit. The work directory (database,
# server log, every poll seen) is kept when a check fails and removed otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=$(realpath "${1:-${BIN:-.build/release/glidepath}}")
KILLS=${2:-50}
[ -x "$BIN" ] || { echo "usage: $0 BINARY [KILLS] (not executable: $BIN)" >&2; exit 2; }
WORK=$(mktemp -d /tmp/glidepath-crash.XXXXXX)
trap 'exit 130' INT TERM
seed=()
[ -n "${CC_SEED:-}" ] && seed=(--seed "$CC_SEED")
timeout $((60 + KILLS * 12)) python3 scripts/crash_consistency.py --bin "$BIN" --work "$WORK" --kills "$KILLS" "${seed[@]}"
status=$?
if [ "$status" -eq 0 ]; then
    rm -rf "$WORK"
else
    [ "$status" -eq 124 ] && echo "FAIL crash-consistency: did not finish in time"
    echo "work directory kept: $WORK (server.log, polls.log, glidepath.db)"
fi
exit "$status"
