#!/usr/bin/env bash
# Worked example "Ramps on a calendar" end to end: policies/business-hours-ramp.json (Mon-Fri 09:00-17:00
# Asia/Bangkok, no advances in the 09:00-11:00 peak) with its bakes shortened to seconds, the release binary
# under libfaketime (the wall clock is set by an offset in a file, re-read on every call; the monotonic
# clock, which measures bakes, is left alone) and Python-shim traffic from shims/python/examples/demo_app.py
# against two healthy fake providers:
#   1. Friday 17:30 in Bangkok: the bake ends, the judge would advance, the migration holds at step 0 and
#      the status says "waiting for the advance window (opens in 2d17h30m, 2026-12-14 11:00 Asia/Bangkok)";
#      operator actions still work: set-weight 2.5 is served at once, back is refused (409) at step 0;
#   2. Monday 10:30 (inside the hours, in the blackout): still holding, "opens in 30m";
#   3. Monday 11:05: it advances to step 1, and after that step's bake it is promoted (inside the window).
# Everything runs on free loopback ports and is stopped by pid.
#
#   bash scripts/e2e-calendar.sh [path/to/glidepath]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(realpath "${1:-.build/release/glidepath}")"
for c in curl jq python3; do command -v "$c" >/dev/null || { echo "e2e-calendar.sh needs $c" >&2; exit 2; }; done
FAKETIME_LIB=${FAKETIME_LIB:-$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)}
[ -n "$FAKETIME_LIB" ] || { echo "e2e-calendar.sh needs libfaketime (apt-get install faketime)" >&2; exit 2; }
[ -e /usr/share/zoneinfo/Asia/Bangkok ] || { echo "e2e-calendar.sh needs the tz database (apt-get install tzdata)" >&2; exit 2; }

work="$(mktemp -d /tmp/glidepath-calendar.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- controller log (tail)" >&2; tail -20 "$work/ctl.log" >&2 || true; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cp "$bin" "$work/ctl"
mkdir "$work/policies"
ctl_port=$(free_port); base_port=$(free_port); cand_port=$(free_port)
server="http://127.0.0.1:$ctl_port"
export GLIDEPATH_INGEST_TOKEN=calendar-ingest
name=business-hours-ramp

# The shipped policy, bakes shortened to seconds, ticks to 1 s and the threshold judge (it decides on a few
# seconds of traffic; the sequential judge would need minutes); the schedule is kept as shipped.
jq '.interval = "1s" | .pollAfter = "1s" | .minRequests = 20 | .maxHold = "1h" | .judge = "threshold"
    | .steps = [{"weight": 5, "bake": "6s"}, {"weight": 20, "bake": "6s"}, {"weight": 100}]' \
  "$root/policies/$name.json" > "$work/policies/$name.json"
"$work/ctl" lint "$work/policies/$name.json" >/dev/null || fail "the shortened policy does not lint"

# set_clock "2026-12-11T17:30:00+07:00": the controller's wall clock reads that time from now on.
set_clock() {
  local target now
  target=$(date -d "$1" +%s); now=$(date +%s)
  echo "+$((target - now))" > "$work/faketime"
}
status() { curl -sf "$server/v1/migrations/$name"; }
wait_for() {  # jq-condition seconds what
  for _ in $(seq $(( $2 * 5 ))); do
    if status | jq -e "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  fail "$3: after $2 s: $(status | jq -c '{state, step, weights, verdict}')"
}

set_clock "2026-12-11T17:30:00+07:00"   # a Friday evening in Bangkok
# A Swift binary exec'd directly under this LD_PRELOAD loses its arguments; through `timeout` it works
# (as in scripts/faults.sh).
env LD_PRELOAD="$FAKETIME_LIB" FAKETIME_TIMESTAMP_FILE="$work/faketime" FAKETIME_NO_CACHE=1 \
    FAKETIME_DONT_FAKE_MONOTONIC=1 timeout 300 "$work/ctl" serve --listen "127.0.0.1:$ctl_port" --db "$work/ctl.db" \
    --policies "$work/policies" >>"$work/ctl.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do curl -sf "$server/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$server/readyz" >/dev/null || fail "controller not ready"
for p in "$base_port:openai:1" "$cand_port:holysheep:2"; do
  IFS=: read -r port arm seed <<<"$p"
  python3 "$root/shims/python/fake_provider.py" --port "$port" --name "$arm" --error-rate 0 --seed "$seed" \
      --latency-ms 20 >/dev/null 2>&1 &
  pids+=("$!")
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done
python3 "$root/shims/python/examples/demo_app.py" --server "$server" --migration "$name" \
    --baseline-url "http://127.0.0.1:$base_port" --candidate-url "http://127.0.0.1:$cand_port" \
    --requests 12000 --rate 100 --ingest-token "$GLIDEPATH_INGEST_TOKEN" --keys 1000 --quiet \
    >"$work/app.out" 2>"$work/app.err" &
pids+=("$!")
start=$(date +%s)

clock=$(status | jq -r '.updatedAt')
echo "controller wall clock at creation: $clock (real: $(date -u +%FT%TZ))"
[[ $clock == 2026-12-11T10:3* ]] || fail "libfaketime did not set the controller's clock: $clock"

echo "== 1. Friday 17:30 Bangkok: the bake ends outside the advance window, the ramp holds at 5 %"
wait_for '.verdict.rule == "schedule"' 30 "a schedule hold after the 6 s bake"
reason=$(status | jq -r '.verdict.reason')
echo "   verdict: $reason"
[[ $reason =~ ^"waiting for the advance window (opens in 2d17h"(29|30)"m, 2026-12-14 11:00 Asia/Bangkok); the judge would advance: " ]] \
  || fail "unexpected reason: $reason"
sleep 3
[[ $(status | jq -r '"\(.state) \(.step) \(.weights.holysheep)"') == "ramping 0 5" ]] || fail "moved outside the window"
glidepath_status=$("$work/ctl" status "$name" --server "$server")
grep -q "waiting for the advance window" <<<"$glidepath_status" || fail "glidepath status does not say why: $glidepath_status"

echo "== 1b. operator actions do not wait for the window: set-weight 2.5 (the shim's weights document follows), back is 409 at step 0, resume"
"$work/ctl" set-weight "$name" 2.5 --reason "provider incident" --actor "oncall@e2e" --server "$server" >/dev/null \
  || fail "set-weight refused"
doc=$(curl -sf "$server/v1/migrations/$name/weights")
[[ $(jq -r '"\(.state) \(.weights.holysheep)"' <<<"$doc") == "paused 2.5" ]] || fail "weights document after set-weight: $doc"
[[ $(status | jq -r '"\(.heldWeight) \(.lastDecision.action) \(.lastDecision.by)"') == "2.5 set_weight oncall@e2e" ]] \
  || fail "status after set-weight: $(status | jq -c '{heldWeight, lastDecision}')"
if "$work/ctl" back "$name" --server "$server" >"$work/back.out" 2>&1; then fail "back at step 0 was accepted"; fi
grep -q "first step" "$work/back.out" || fail "back at step 0: $(cat "$work/back.out")"
"$work/ctl" resume "$name" --server "$server" >/dev/null || fail "resume refused"
[[ $(curl -sf "$server/v1/migrations/$name/weights" | jq -r '"\(.state) \(.weights.holysheep)"') == "ramping 5" ]] \
  || fail "resume did not return to 5 %"
echo "   held at 2.5 % (paused), back refused at step 0, resumed at 5 %"

echo "== 2. Monday 10:30: inside business hours but in the 09:00-11:00 blackout, still holding"
set_clock "2026-12-14T10:30:00+07:00"
wait_for '.verdict.reason | startswith("waiting for the advance window (opens in 30m, 2026-12-14 11:00 Asia/Bangkok)")' 10 "the blackout hold"
[[ $(status | jq -r '.step') == 0 ]] || fail "advanced in the blackout"
echo "   verdict: $(status | jq -r '.verdict.reason' | cut -c1-90)…"

echo "== 3. Monday 11:05: the window is open, the ramp advances and is promoted"
set_clock "2026-12-14T11:05:00+07:00"
wait_for '.step == 1' 10 "the advance at 11:05"
echo "   advanced to step 1 (20 %): $(status | jq -r '.lastDecision.reason' | cut -c1-90)…"
wait_for '.state == "promoted"' 40 "promotion inside the window"
echo "   promoted: $(status | jq -r '.lastDecision.at') (controller clock)"
echo "e2e-calendar: ok in $(( $(date +%s) - start )) s"
