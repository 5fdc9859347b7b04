#!/usr/bin/env bash
# A standby for the weights, end to end (issue 12 item 6): the release binary as primary and as
# `serve --standby --primary URL`, and a Python shim app with servers=[primary, standby].
#
#   bash scripts/e2e-standby.sh [path/to/glidepath]      (default .build/release/glidepath)
#
#   1. The primary ramps standby-e2e to step 1 (25 %); the standby follows it: same bytes, same ETag.
#   2. kill -9 the primary: the shim keeps routing by the same revision and weights through the standby
#      (never the static default), the standby says "primary unreachable since", and refuses a write
#      with 503 naming the primary.
#      The standby restarts meanwhile and serves the same document from its own database.
#   3. glidepath promote-standby: the standby takes the migration over at the next revision with the same
#      weights, accepts the shim's reports and observations, and its control loop ticks on them.
# Stops everything it started (by pid). Exit 0 when every check passes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(realpath "${1:-.build/release/glidepath}")"
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
e2e_setup glidepath-e2e-standby
logs() { for f in primary standby app; do echo "--- $f log (tail)"; tail -8 "$work/$f.log" 2>/dev/null || true; done; }
trap 'rc=$?; [[ $rc == 0 ]] || logs >&2; e2e_cleanup' EXIT
app() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$work/app.json" "$1"; }
wait_for() {  # seconds description command...
  local t=$1 what=$2; shift 2
  for _ in $(seq $((t * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "timed out after ${t}s waiting for: $what" >&2; return 1
}
is() { [[ "$1" == "$2" ]] || { echo "  expected [$2], got [$1]" >&2; return 1; }; }

cp "$bin" "$work/glidepath"   # a private copy: stopping it can never touch another controller
mkdir "$work/policies"
cat >"$work/policies/standby-e2e.json" <<'JSON'
{"migration": "standby-e2e", "baseline": "old", "candidate": "new", "interval": "1s", "pollAfter": "1s",
 "minRequests": 20, "steps": [{"weight": 10, "bake": "10m"}, {"weight": 25, "bake": "10m"}, {"weight": 100}]}
JSON
p_port=$(free_port); s_port=$(free_port)
primary="http://127.0.0.1:$p_port" standby="http://127.0.0.1:$s_port"
export GLIDEPATH_ADMIN_TOKEN=e2e-standby-admin GLIDEPATH_INGEST_TOKEN=e2e-standby-ingest

"$work/glidepath" serve --listen "127.0.0.1:$p_port" --db "$work/primary.db" --policies "$work/policies" \
  >"$work/primary.log" 2>&1 &
primary_pid=$!; pids+=("$primary_pid")
wait_for 20 "the primary ready" curl -sf "$primary/readyz"
"$work/glidepath" advance standby-e2e --server "$primary" --reason "e2e: to 25 %" >/dev/null
start_standby() {
  "$work/glidepath" serve --standby --primary "$primary" --follow-interval 250ms --listen "127.0.0.1:$s_port" \
    --db "$work/standby.db" --policies "$work/policies" >>"$work/standby.log" 2>&1 &
  standby_pid=$!; pids+=("$standby_pid")
}
start_standby
wait_for 20 "the standby ready" curl -sf "$standby/readyz"

echo "== 1. the standby follows the primary's ramp"
python3 "$root/scripts/e2e_standby.py" --servers "$primary,$standby" --migration standby-e2e \
  --status "$work/app.json" --seconds 85 >"$work/app.log" 2>&1 &
pids+=("$!")
wait_for 20 "the app routing by revision 2" bash -c "[[ \$(python3 -c 'import json; print(json.load(open(\"$work/app.json\"))[\"revision\"])' 2>/dev/null) == 2 ]]"
check "the app routes by revision 2, 25 % to new" is "$(app 'd["revision"], d["weights"]')" "(2, {'old': 75, 'new': 25})"
check "about a quarter of 2,000 keys on the candidate" is "$(app '0.22 < d["share"] < 0.28')" True
share_before=$(app 'd["share"]')
curl -s -D "$work/p.h" "$primary/v1/migrations/standby-e2e/weights" -o "$work/p.body"
wait_for 10 "the standby at revision 2" bash -c "curl -s '$standby/v1/migrations' | grep -q '\"revision\":2'"
curl -s -D "$work/s.h" "$standby/v1/migrations/standby-e2e/weights" -o "$work/s.body"
check "the standby serves the primary's weights document byte for byte" cmp -s "$work/p.body" "$work/s.body"
check "under the same ETag" is "$(grep -i '^etag' "$work/s.h" | tr -d '\r')" "$(grep -i '^etag' "$work/p.h" | tr -d '\r')"
check "304 for the revision shims hold" is "$(curl -s -o /dev/null -w '%{http_code}' -H 'If-None-Match: "2"' "$standby/v1/migrations/standby-e2e/weights")" 304

echo "== 2. kill -9 the primary: the shim keeps routing through the standby"
kill -9 "$primary_pid"
wait "$primary_pid" 2>/dev/null || true
wait_for 10 "the standby to notice" bash -c "curl -s '$standby/v1/standby' | grep -q '\"following\":false'"
wait_for 15 "the app polling the standby" bash -c "[[ \$(python3 -c 'import json; print(json.load(open(\"$work/app.json\"))[\"server\"])' 2>/dev/null) == $standby ]]"
sleep 2
check "same revision and weights after the kill (not the static default)" is "$(app 'd["revision"], d["weights"]')" "(2, {'old': 75, 'new': 25})"
check "the same keys stay on the candidate" is "$(app 'd["share"]')" "$share_before"
check "the shim failed over (a failover event)" is "$(app 'd["failovers"] >= 1')" True
check "the standby says since when the primary is unreachable" \
  bash -c "curl -s '$standby/v1/standby' | grep -q '\"primaryUnreachableSince\":\"20'"
check "glidepath_standby_following is 0" bash -c "curl -s '$standby/metrics' | grep -qx 'glidepath_standby_following{primary=\"$primary\"} 0'"
code=$(curl -s -D "$work/w.h" -o "$work/w.body" -w '%{http_code}' -XPOST -H "Authorization: Bearer $GLIDEPATH_INGEST_TOKEN" \
  -H 'Content-Type: text/plain' --data-binary 'new 200 12' "$standby/v1/migrations/standby-e2e/observations")
check "the standby refuses a write with 503" is "$code" 503
check "naming the primary" is "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"])' "$work/w.body")" \
  "standby of $primary: send writes to the primary"
check "with Retry-After" grep -qi '^retry-after: 5' "$work/w.h"

echo "== 2b. the standby restarts while the primary is away: it serves what it kept in its own database"
kill "$standby_pid"; wait "$standby_pid" 2>/dev/null || true
start_standby
wait_for 20 "the restarted standby ready" curl -sf "$standby/readyz"
curl -s "$standby/v1/migrations/standby-e2e/weights" -o "$work/s2.body"
check "the restarted standby serves the same bytes" cmp -s "$work/p.body" "$work/s2.body"

echo "== 3. glidepath promote-standby"
check "promote-standby succeeds" bash -c "'$work/glidepath' promote-standby --server '$standby' >'$work/promote.out'"
check "it took standby-e2e over at revision 3" grep -q "took over standby-e2e: ramping at step 1, revision 3" "$work/promote.out"
check "the weights document: revision 3, the same weights" \
  bash -c "curl -s '$standby/v1/migrations/standby-e2e/weights' | grep -q '\"revision\":3,\"state\":\"ramping\",\"step\":1,.*\"weights\":{\"old\":75,\"new\":25}'"
wait_for 10 "the app at revision 3" bash -c "[[ \$(python3 -c 'import json; print(json.load(open(\"$work/app.json\"))[\"revision\"])' 2>/dev/null) == 3 ]]"
check "the shim routes by revision 3, the same share" is "$(app 'd["revision"], d["share"]')" "(3, $share_before)"
code=$(curl -s -o "$work/o.body" -w '%{http_code}' -XPOST -H "Authorization: Bearer $GLIDEPATH_INGEST_TOKEN" \
  -H 'Content-Type: text/plain' --data-binary 'new 200 12' "$standby/v1/migrations/standby-e2e/observations")
check "the promoted standby accepts observations (202)" is "$code" 202
check "the shim's buffered reports reach the promoted standby" wait_for 15 "the shim's reports counted" bash -c "curl -s '$standby/metrics' | grep -E '^glidepath_requests_total\\{migration=\"standby-e2e\",arm=\"new\"' | awk '{s+=\$NF} END {exit !(s > 100)}'"
check "its control loop judges the reports (lastTickAt, stepCounts)" wait_for 15 "a control-loop tick with traffic" bash -c "curl -s -H 'Authorization: Bearer $GLIDEPATH_ADMIN_TOKEN' '$standby/v1/migrations/standby-e2e' | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(not (d[\"lastTickAt\"] and d[\"stepCounts\"][\"new\"][\"requests\"] > 0))'"
check "ready: a round completed" is "$(curl -s -o /dev/null -w '%{http_code}' "$standby/readyz")" 200
check "the shim dropped no report: they waited in its buffer" is "$(app 'd["dropped"]')" 0

echo "$passes passed, $failures failed"
[[ $failures == 0 ]]
