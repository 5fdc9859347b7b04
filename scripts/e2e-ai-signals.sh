#!/usr/bin/env bash
# End to end, through the real binary and the Python shim: a candidate that regresses ONLY its time
# to first token, ONLY its tokens per request, or ONLY with 401/403 (a refused key) is rolled back by
# the sequential judge with that guard's reason; a healthy candidate under the same guards is promoted.
# The 401/403 run also shows the shim's breaker trips and fallbacks on the controller's /metrics.
#
#   bash scripts/e2e-ai-signals.sh [path/to/glidepath]      (default .build/release/glidepath)
#
# Starts its own controller (a private copy of the binary, free loopback port, ingest and admin
# tokens) and stops everything it started, by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$(realpath "${1:-.build/release/glidepath}")"
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
e2e_setup ai-signals-e2e

cp "$bin" "$work/ctl"
mkdir "$work/policies"
port=$(free_port)
server="http://127.0.0.1:$port"
export GLIDEPATH_INGEST_TOKEN=e2e-ingest GLIDEPATH_ADMIN_TOKEN=e2e-admin
"$work/ctl" serve --listen "127.0.0.1:$port" --db "$work/ctl.db" --policies "$work/policies" >"$work/ctl.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do curl -sf "$server/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$server/readyz" >/dev/null || { cat "$work/ctl.log"; echo "FAIL controller not ready"; exit 1; }

put_policy() {  # name guards-json
  local code
  code=$(curl -s -o "$work/put.out" -w '%{http_code}' -XPUT "$server/v1/migrations/$1" \
    -H "Authorization: Bearer $GLIDEPATH_ADMIN_TOKEN" --data-binary @- <<JSON
{"migration": "$1", "baseline": "old", "candidate": "new", "interval": "1s", "pollAfter": "1s",
 "steps": [{"weight": 20, "bake": "20s"}, {"weight": 50, "bake": "20s"}, {"weight": 100}],
 "minRequests": 100, "judge": "sequential", "guards": $2,
 "cost": {"old": {"per1kTokens": 2.5}, "new": {"per1kTokens": 0.42}},
 "breaker": {"consecutiveErrors": 3, "openSeconds": 5}}
JSON
)
  [[ $code == 201 ]] || { echo "FAIL PUT $1 answered $code: $(cat "$work/put.out")"; exit 1; }
}
guards='{"errors": {"statuses": [0, 401, 403, 429, "5xx"]}, "ttft": {"quantile": 0.9}, "tokens": {"maxRatio": 1.5}, "cost": {"maxRatio": 1.2}}'
for kind in ttft tokens keys healthy; do put_policy "ai-$kind" "$guards"; done

# The weights document carries what the shim obeys.
doc=$(curl -s "$server/v1/migrations/ai-keys/weights")
check "weights document lists the policy's error statuses and breaker" \
  grep -q '"errorStatuses":\[0,401,403,429,"5xx"\],"breaker":{"consecutiveErrors":3,"openSeconds":5}' <<<"$doc"

for kind in ttft tokens keys healthy; do
  python3 "$here/e2e_ai_signals.py" --server "$server" --migration "ai-$kind" --kind "$kind" --rate 250 \
    --max-seconds 240 --ingest-token "$GLIDEPATH_INGEST_TOKEN" --seed 7 >"$work/$kind.out" 2>"$work/$kind.err" &
  pids+=("$!"); eval "driver_$kind=$!"
done
for kind in ttft tokens keys healthy; do
  eval "wait \$driver_$kind" || { echo "FAIL driver $kind"; cat "$work/$kind.err"; failures=$((failures + 1)); }
  echo "$kind: $(tail -1 "$work/$kind.out")"
done

last_decision() {  # migration → "action<TAB>reason"
  curl -s "$server/v1/migrations/$1/decisions?limit=1" -H "Authorization: Bearer $GLIDEPATH_ADMIN_TOKEN" \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d.get("decisions", d) if isinstance(d, dict) else d; print(d[0]["action"] + "\t" + d[0]["reason"])'
}
final() { python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])["final_state"])' "$work/$1.out"; }
metric() {  # series selector (exact text before the value) → value
  curl -s "$server/metrics" | awk -v s="$1" 'index($0, s) == 1 {print $NF}'
}

for kind in ttft tokens keys; do
  d=$(last_decision "ai-$kind"); echo "ai-$kind last decision: $d"
  check "ai-$kind: rolled back" test "$(final "$kind")" = rolled_back
done
check "ai-ttft: the reason is time to first token" grep -qi 'ttft\|first token' <<<"$(last_decision ai-ttft)"
check "ai-tokens: the reason is tokens per request" grep -qi 'token' <<<"$(last_decision ai-tokens)"
check "ai-keys: the reason is the error rate" grep -qi 'error' <<<"$(last_decision ai-keys)"
check "ai-healthy: promoted under the same guards" test "$(final healthy)" = promoted

trips=$(metric 'glidepath_shim_breaker_trips_total{migration="ai-keys"}')
fallbacks=$(metric 'glidepath_fallbacks_total{migration="ai-keys"}')
refused=$(curl -s "$server/metrics" | awk '/^glidepath_requests_total\{/ && /migration="ai-keys"/ && /arm="new"/ && /class="error"/ && /code="4xx"/ {s += $NF} END {print s + 0}')
echo "ai-keys: breaker trips $trips, fallbacks $fallbacks, candidate 401/403 counted as errors: $refused"
check "ai-keys: breaker trips reached the controller" python3 -c "import sys; sys.exit(0 if float('${trips:-0}') >= 1 else 1)"
check "ai-keys: fallbacks reached the controller" python3 -c "import sys; sys.exit(0 if float('${fallbacks:-0}') >= 1 else 1)"
check "ai-keys: 401/403 counted as candidate errors under code=4xx" python3 -c "import sys; sys.exit(0 if $refused >= 1 else 1)"
ttft_series=$(curl -s "$server/metrics" | grep -c '^glidepath_ttft_seconds_bucket{migration="ai-ttft"' || true)
check "glidepath_ttft_seconds histogram exported" test "$ttft_series" -gt 0
cost=$(metric 'glidepath_cost_total{migration="ai-healthy",arm="new"}')
check "glidepath_cost_total accrues for a priced arm" python3 -c "import sys; sys.exit(0 if float('${cost:-0}') > 0 else 1)"

echo "passed $passes, failed $failures"
[[ $failures == 0 ]] || { echo "--- controller log"; tail -50 "$work/ctl.log"; exit 1; }
