#!/usr/bin/env bash
# End-to-end check of the Python shim against the real controller.
#
#   bash shims/python/e2e.sh [path/to/glidepath]      (default .build/release/glidepath)
#
# Starts the controller (a copy of the binary, on free loopback ports, with an ingest token)
# and three fake providers (a healthy baseline, a candidate failing 30 %, a healthy
# candidate), then runs shims/python/examples/demo_app.py three times:
#   1. the failing candidate is rolled back by the judge;
#   2. a healthy candidate is promoted;
#   3. the controller is killed with SIGKILL mid-run and restarted on the same database:
#      the app keeps serving on the last weights and every buffered line is delivered.
# Stops everything it started (by pid). Exit 0 when every check passes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$(realpath "${1:-.build/release/glidepath}")"
work="$(mktemp -d /tmp/pyshim-e2e.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- controller log" >&2; cat "$work"/ctl.log >&2 || true; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json_get() { python3 -c 'import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print(eval(sys.argv[1], {}, {"d": d}))' "$1"; }

cp "$bin" "$work/ctl"      # a private copy: stopping it can never touch another controller
mkdir "$work/policies"
ctl_port=$(free_port); base_port=$(free_port); bad_port=$(free_port); good_port=$(free_port)
server="http://127.0.0.1:$ctl_port"
export GLIDEPATH_INGEST_TOKEN=e2e-ingest

start_ctl() {
  "$work/ctl" serve --listen "127.0.0.1:$ctl_port" --db "$work/ctl.db" --policies "$work/policies" >>"$work/ctl.log" 2>&1 &
  ctl_pid=$!; pids+=("$ctl_pid")
  for _ in $(seq 100); do curl -sf "$server/readyz" >/dev/null && return 0; sleep 0.1; done
  fail "controller not ready"
}
start_provider() {  # port name error-rate seed
  python3 "$here/fake_provider.py" --port "$1" --name "$2" --error-rate "$3" --seed "$4" --latency-ms 50 >/dev/null 2>&1 &
  pids+=("$!")
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done
  fail "provider $2 not ready"
}
put_policy() {  # name steps-json
  local code
  code=$(curl -s -o "$work/put.out" -w '%{http_code}' -XPUT "$server/v1/migrations/$1" --data-binary @- <<EOF
{"migration": "$1", "baseline": "openai", "candidate": "holysheep", "interval": "1s", "pollAfter": "1s",
 "steps": $2, "minRequests": 50}
EOF
)
  [[ $code == 201 ]] || fail "PUT $1 answered $code: $(cat "$work/put.out")"
}
demo() {  # migration candidate-port requests rate
  python3 "$here/examples/demo_app.py" --server "$server" --migration "$1" \
    --baseline-url "http://127.0.0.1:$base_port" --candidate-url "http://127.0.0.1:$2" \
    --requests "$3" --rate "$4" --ingest-token "$GLIDEPATH_INGEST_TOKEN" --keys 1000 2>>"$work/demo.err"
}
requests_total() {  # migration: sum of glidepath_requests_total over arms and classes
  curl -s "$server/metrics" | awk -v m="migration=\"$1\"" '/^glidepath_requests_total\{/ && index($0, m) {s += $NF} END {print s + 0}'
}

start_ctl
start_provider "$base_port" openai 0.0 1
start_provider "$bad_port" holysheep-bad 0.3 2
start_provider "$good_port" holysheep 0.0 3

echo "== 1. a candidate failing 30 % is rolled back"
put_policy py-rollback '[{"weight": 10, "bake": "5s"}, {"weight": 50, "bake": "5s"}, {"weight": 100}]'
out=$(demo py-rollback "$bad_port" 1500 50); echo "$out"
[[ $(json_get 'd["final_state"]' <<<"$out") == rolled_back ]] || fail "py-rollback was not rolled back"
[[ $(json_get 'd["dropped"]' <<<"$out") == 0 ]] || fail "lines dropped"

echo "== 2. a healthy candidate is promoted"
put_policy py-promote '[{"weight": 50, "bake": "5s"}, {"weight": 100}]'
out=$(demo py-promote "$good_port" 4000 100); echo "$out"
[[ $(json_get 'd["final_state"]' <<<"$out") == promoted ]] || fail "py-promote was not promoted"

echo "== 3. kill -9 mid-run: the app keeps serving, buffered lines arrive after the restart"
put_policy py-kill '[{"weight": 10, "bake": "10m"}, {"weight": 100}]'
demo py-kill "$good_port" 2500 50 >"$work/kill.out" &
demo_pid=$!; pids+=("$demo_pid")
sleep 12
before=$(requests_total py-kill)
kill -9 "$ctl_pid"; wait "$ctl_pid" 2>/dev/null || true
echo "controller killed after $before lines; down for 15 s"
sleep 15
start_ctl
wait "$demo_pid" || fail "demo app failed"
out=$(cat "$work/kill.out"); echo "$out"
after=$(requests_total py-kill)
echo "lines counted by the restarted controller: $after (before the kill: $before)"
[[ $(json_get 'd["sent"] == d["delivered"] == 2500 and d["dropped"] == 0 and d["undelivered"] == 0' <<<"$out") == True ]] \
  || fail "not every line was delivered"
[[ $(json_get 'd["by_arm"]["holysheep"] > 0 and d["final_state"] == "ramping"' <<<"$out") == True ]] \
  || fail "the app did not keep routing on the last weights"
(( after + before >= 2500 )) || fail "the restarted controller counted $after lines, expected at least $((2500 - before))"
grep -q 'controller unreachable' "$work/demo.err" || fail "the shim did not report the outage"
echo "OK: Python shim end to end"
