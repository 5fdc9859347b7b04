#!/usr/bin/env bash
# End-to-end: the real controller, two local fake providers (both healthy), the Node demo app
# drives the candidate to promotion. The controller is stopped mid-run and started again on the
# same database after a kill -9: the app keeps serving on the last weights and its buffered reports arrive later.
#
#   shims/node/examples/e2e-promote.sh PATH/TO/glidepath [PORT]      (PORT default 18800)
#
# Exits 0 when the summary says promoted, nothing dropped, nothing left unreported.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
[ $# -ge 1 ] || { echo "usage: $0 PATH/TO/glidepath [PORT]" >&2; exit 2; }
PORT="${2:-18800}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
# A copy under a neutral name, so nobody's process-name matching can hit it.
cp "$1" "$WORK/ctl"
mkdir "$WORK/policies"
CTL="http://127.0.0.1:$PORT"

start_controller() {
  "$WORK/ctl" serve --listen "127.0.0.1:$PORT" --db "$WORK/e2e.db" --policies "$WORK/policies" >>"$WORK/ctl.log" 2>&1 &
  CTL_PID=$!; PIDS+=("$CTL_PID")
  for _ in $(seq 100); do curl -sf "$CTL/readyz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "controller did not become ready:" >&2; cat "$WORK/ctl.log" >&2; exit 1
}
start_provider() { # $1 = name; sets PROVIDER_URL
  node "$HERE/fake-provider.mjs" --port 0 >"$WORK/$1.log" 2>&1 &
  PIDS+=("$!")
  for _ in $(seq 100); do
    PROVIDER_URL="$(sed -n 's/^listening //p' "$WORK/$1.log")"
    [ -n "$PROVIDER_URL" ] && return 0
    sleep 0.05
  done
  echo "provider $1 did not start" >&2; exit 1
}

start_controller
start_provider baseline; BASELINE_URL="$PROVIDER_URL"
start_provider candidate; CANDIDATE_URL="$PROVIDER_URL"

curl -sf -XPUT "$CTL/v1/migrations/node-e2e" -o /dev/null --data-binary @- <<'EOF'
{"migration": "node-e2e", "baseline": "openai", "candidate": "holysheep", "interval": "1s", "pollAfter": "1s",
 "steps": [{"weight": 10, "bake": "2s"}, {"weight": 50, "bake": "12s"}, {"weight": 100}],
 "minRequests": 50, "judge": "threshold"}
EOF

node "$HERE/demo-app.mjs" --server "$CTL" --migration node-e2e --baseline openai --candidate holysheep \
  --baseline-url "$BASELINE_URL" --candidate-url "$CANDIDATE_URL" \
  --requests 5000 --rate 200 --keys 1000 --ingest-token unused --verbose \
  >"$WORK/summary.json" 2>"$WORK/events.log" &
APP_PID=$!

sleep 7
kill -9 "$CTL_PID"; wait "$CTL_PID" 2>/dev/null || true
echo "controller stopped mid-run" >&2
sleep 5
start_controller
echo "controller back" >&2

wait "$APP_PID"
cat "$WORK/summary.json"
echo "shim events while the controller was down: $(grep -cE 'poll_failed|send_failed' "$WORK/events.log" || true)" >&2
"$WORK/ctl" history node-e2e --server "$CTL" >&2
node -e '
  const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const bad = [];
  if (s.finalState !== "promoted") bad.push(`finalState ${s.finalState}`);
  if (s.dropped !== 0) bad.push(`dropped ${s.dropped}`);
  if (s.unreported !== 0) bad.push(`unreported ${s.unreported}`);
  if (s.errors !== 0) bad.push(`errors ${s.errors}`);
  if (s.sent !== 5000) bad.push(`sent ${s.sent}`);
  if (bad.length) { console.error("FAIL: " + bad.join(", ")); process.exit(1); }
  console.error("OK: promoted, every report delivered");
' "$WORK/summary.json"
