#!/usr/bin/env bash
# Runs scripts/conformance.py against a fresh controller, then restarts the controller on the same
# database and checks that every migration kept its revision, state and step, and that the next change
# takes a revision never used before. Everything listens on 127.0.0.1 and is stopped at exit.
#   BIN=path/to/glidepath PORT=18600 scripts/conformance-run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-$PWD/.build/release/glidepath}
PORT=${PORT:-18600}
WORK=$(mktemp -d /tmp/glidepath-conformance.XXXXXX)
ADMIN=conformance-admin-token
INGEST=conformance-ingest-token
SERVER_PID=""
mkdir -p "$WORK/policies"

stop_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=""
    fi
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT

start_server() {
    GLIDEPATH_ADMIN_TOKEN=$ADMIN GLIDEPATH_INGEST_TOKEN=$INGEST \
        "$BIN" serve --listen "127.0.0.1:$PORT" --db "$WORK/glidepath.db" --policies "$WORK/policies" \
        2>>"$WORK/server.log" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        if python3 -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz', timeout=1)" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "server did not come up"; cat "$WORK/server.log"; exit 1
}

status=0
start_server
python3 scripts/conformance.py --server "http://127.0.0.1:$PORT" --admin-token "$ADMIN" --ingest-token "$INGEST" \
    --bin "$BIN" --save "$WORK/saved.json" || status=1
stop_server
start_server
python3 scripts/conformance.py --server "http://127.0.0.1:$PORT" --admin-token "$ADMIN" --ingest-token "$INGEST" \
    --after-restart "$WORK/saved.json" || status=1
if [ "$status" -ne 0 ]; then
    echo "--- server log (last 40 lines)"; tail -40 "$WORK/server.log"
fi
exit "$status"
