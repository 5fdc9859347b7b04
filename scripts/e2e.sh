#!/usr/bin/env bash
# End-to-end check of the real release binary: a healthy candidate ramps to 100 %, a failing one is
# rolled back, /metrics passes promtool and is scraped by a real Prometheus, bad input gets clear 4xx
# answers, and a kill -9 mid-ramp loses nothing. Everything listens on 127.0.0.1 and is stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${BIN:-$PWD/.build/release/glidepath}
WORK=$(mktemp -d /tmp/glidepath-e2e.XXXXXX)
PORT=${E2E_PORT:-18470}
PROM_PORT=${E2E_PROM_PORT:-19090}
export GLIDEPATH_SERVER="http://127.0.0.1:$PORT"
export GLIDEPATH_ADMIN_TOKEN="e2e-admin-token"
export GLIDEPATH_INGEST_TOKEN="e2e-ingest-token"
SERVER_PID=""
PROM_PID=""
passed=0
failed=0

cleanup() {
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

ok()   { echo "  ok: $*"; passed=$((passed + 1)); }
fail() { echo "  FAIL: $*"; failed=$((failed + 1)); }
check() { # check DESCRIPTION EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1 (expected '$2', got '$3')"; fi
}

start_server() {
    "$BIN" serve --listen "127.0.0.1:$PORT" --db "$WORK/glidepath.db" --policies "$WORK/policies" "$@" \
        2>>"$WORK/server.log" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -sf "$GLIDEPATH_SERVER/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "server did not come up"; cat "$WORK/server.log"; exit 1
}

# weights FIELD MIGRATION
weights() { curl -sf "$GLIDEPATH_SERVER/v1/migrations/$2/weights" | jq -r "$1"; }

# A batch of observation lines: batch BASELINE_ARM CANDIDATE_ARM CANDIDATE_ERROR_EVERY N
batch() {
    awk -v b="$1" -v c="$2" -v every="$3" -v n="$4" 'BEGIN {
        srand(7);
        for (i = 0; i < n; i++) {
            lat = 80 + int(rand() * 60);
            bs = (i % 100 == 0) ? 503 : 200;
            cs = (every > 0 && i % every == 0) ? 503 : 200;
            if (i % 100 == 50) cs = 200;
            printf "%s %d %d\n", b, bs, lat;
            printf "%s %d %d tokens=%d\n", c, cs, lat, 100 + i % 50;
        }
    }'
}

post() { # post MIGRATION FILE -> http code
    curl -s -o "$WORK/post.out" -w '%{http_code}' -X POST \
        -H "Authorization: Bearer $GLIDEPATH_INGEST_TOKEN" -H 'Content-Type: text/plain' \
        --data-binary @"$2" "$GLIDEPATH_SERVER/v1/migrations/$1/observations"
}

# drive MIGRATION FILE TARGET_STATE SECONDS: post batches until the state is reached
drive() {
    local deadline=$((SECONDS + $4))
    while [ $SECONDS -lt $deadline ]; do
        post "$1" "$2" >/dev/null
        [ "$(weights .state "$1")" = "$3" ] && return 0
        sleep 0.3
    done
    return 1
}

mkdir -p "$WORK/policies"
cat > "$WORK/policies/e2e-healthy.json" <<'JSON'
{"migration": "e2e-healthy", "baseline": "openai", "candidate": "holysheep", "interval": "1s",
 "steps": [{"weight": 10, "bake": "2s"}, {"weight": 50, "bake": "2s"}, {"weight": 100, "bake": "1s"}],
 "minRequests": 50}
JSON
cat > "$WORK/policies/e2e-failing.json" <<'JSON'
{"migration": "e2e-failing", "baseline": "old-key", "candidate": "new-key", "interval": "1s",
 "steps": [{"weight": 5, "bake": "2s"}, {"weight": 50, "bake": "2s"}, {"weight": 100}],
 "minRequests": 50}
JSON
cat > "$WORK/policies/e2e-durable.json" <<'JSON'
{"migration": "e2e-durable", "baseline": "us-east", "candidate": "eu-west", "interval": "1s",
 "steps": [{"weight": 5, "bake": "1h"}, {"weight": 25, "bake": "1h"}, {"weight": 100, "bake": "1h"}]}
JSON
batch openai holysheep 100 250 > "$WORK/healthy.txt"
batch old-key new-key 2 250 > "$WORK/failing.txt"
batch us-east eu-west 100 50 > "$WORK/durable.txt"

echo "== lint the shipped policies"
if "$BIN" lint policies/*.json; then ok "policies/*.json lint clean"; else fail "policies/*.json lint"; fi

echo "== start the controller"
start_server
check "weights of a new migration" "ramping 0 10" "$(weights '"\(.state) \(.step) \(.weights.holysheep)"' e2e-healthy)"

echo "== healthy candidate is promoted"
if drive e2e-healthy "$WORK/healthy.txt" promoted 60; then ok "e2e-healthy promoted"; else fail "e2e-healthy not promoted: $(weights . e2e-healthy)"; fi
check "promoted weights" "100 0" "$(weights '"\(.weights.holysheep) \(.weights.openai)"' e2e-healthy)"

echo "== failing candidate is rolled back"
if drive e2e-failing "$WORK/failing.txt" rolled_back 60; then ok "e2e-failing rolled back"; else fail "e2e-failing not rolled back: $(weights . e2e-failing)"; fi
check "rolled-back weights" "0 100" "$(weights '"\(.weights["new-key"]) \(.weights["old-key"])"' e2e-failing)"
"$BIN" history e2e-failing | tee "$WORK/history.txt" | head -5
if grep -qi 'rollback' "$WORK/history.txt"; then ok "history names the rollback"; else fail "history lacks the rollback"; fi

echo "== /metrics"
curl -sf "$GLIDEPATH_SERVER/metrics" > "$WORK/metrics.txt"
if promtool check metrics < "$WORK/metrics.txt"; then ok "promtool check metrics"; else fail "promtool check metrics"; fi
if grep -q 'glidepath_request_duration_seconds_bucket{.*le="+Inf"}' "$WORK/metrics.txt"; then ok "histogram has +Inf"; else fail "histogram lacks +Inf"; fi
for name in glidepath_requests_total glidepath_request_duration_seconds glidepath_ttft_seconds glidepath_tokens_total \
    glidepath_weight_percent glidepath_step glidepath_revision glidepath_migration_state \
    glidepath_decisions_total glidepath_guard_evidence glidepath_observations_rejected_total \
    glidepath_http_requests_total glidepath_control_loop_duration_seconds glidepath_build_info; do
    grep -q "^# TYPE $name " "$WORK/metrics.txt" || fail "metric $name missing"
done
ok "all contract metric names present"
failed_5xx=$(awk '/^glidepath_requests_total\{migration="e2e-failing",arm="new-key",class="error",code="5xx"\}/ {print $2}' "$WORK/metrics.txt")
if [ "${failed_5xx:-0}" != 0 ]; then ok "requests carry the code label (new-key 5xx: $failed_5xx)"; else fail "no code=\"5xx\" series for new-key"; fi

echo "== a real Prometheus scrapes /metrics"
cat > "$WORK/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: glidepath
    static_configs: [{targets: ["127.0.0.1:$PORT"]}]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prom" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
scraped=""
for _ in $(seq 1 60); do
    scraped=$(curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query?query=glidepath_revision%7Bmigration%3D%22e2e-healthy%22%7D" \
        | jq -r '.data.result[0].value[1] // empty' 2>/dev/null || true)
    [ -n "$scraped" ] && break
    sleep 0.5
done
check "Prometheus reads glidepath_revision" "$(weights .revision e2e-healthy)" "$scraped"
up=$(curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query?query=up%7Bjob%3D%22glidepath%22%7D" | jq -r '.data.result[0].value[1]')
check "Prometheus target up" "1" "$up"
kill "$PROM_PID"; wait "$PROM_PID" 2>/dev/null || true; PROM_PID=""

echo "== bad input gets a clear answer"
code() { curl -s -o "$WORK/resp.json" -w '%{http_code}' "$@"; }
check "unknown migration 404" 404 "$(code "$GLIDEPATH_SERVER/v1/migrations/nope/weights")"
check "action without token 401" 401 "$(code -X POST "$GLIDEPATH_SERVER/v1/migrations/e2e-durable/pause")"
check "action with wrong token 403" 403 "$(code -X POST -H 'Authorization: Bearer wrong' "$GLIDEPATH_SERVER/v1/migrations/e2e-durable/pause")"
check "ingest without token 401" 401 "$(code -X POST --data-binary @"$WORK/durable.txt" "$GLIDEPATH_SERVER/v1/migrations/e2e-durable/observations")"
printf 'us-east 200 12\neu-west 200 -5\n' > "$WORK/bad.txt"
check "negative latency 400" 400 "$(post e2e-durable "$WORK/bad.txt")"
check "error names line 2" 2 "$(jq -r .line "$WORK/post.out")"
printf 'mars 200 12\n' > "$WORK/bad.txt"
check "unknown arm 400" 400 "$(post e2e-durable "$WORK/bad.txt")"
head -c 2097152 /dev/zero | tr '\0' 'a' > "$WORK/big.txt"
check "2 MiB body 413" 413 "$(post e2e-durable "$WORK/big.txt")"
chunked() { code -X POST -H "Authorization: Bearer $GLIDEPATH_INGEST_TOKEN" -H 'Content-Type: text/plain' -H 'Transfer-Encoding: chunked' --data-binary @"$1" "$GLIDEPATH_SERVER/v1/migrations/e2e-durable/observations"; }
printf 'us-east 200 12\n' > "$WORK/one.txt"
check "chunked ingest 202" 202 "$(chunked "$WORK/one.txt")"
check "chunked 2 MiB body 413" 413 "$(chunked "$WORK/big.txt")"
check "invalid action in state 409" 409 "$(code -X POST -H "Authorization: Bearer $GLIDEPATH_ADMIN_TOKEN" "$GLIDEPATH_SERVER/v1/migrations/e2e-durable/resume")"
echo '{"migration": "other", "baseline": "a", "candidate": "b", "steps": [{"weight": 50}, {"weight": 10, "bakee": "1m"}]}' > "$WORK/badpolicy.json"
check "bad policy 422" 422 "$(code -X PUT -H "Authorization: Bearer $GLIDEPATH_ADMIN_TOKEN" --data-binary @"$WORK/badpolicy.json" "$GLIDEPATH_SERVER/v1/migrations/e2e-durable")"
if grep -q 'did you mean' "$WORK/resp.json"; then ok "422 suggests the right key"; else fail "422 lacks did-you-mean: $(cat "$WORK/resp.json")"; fi
if printf 'GARBAGE\r\n\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat >&3; head -c 12 <&3" | grep -q ' 400'; then
    ok "HTTP garbage 400"; else fail "HTTP garbage not answered 400"; fi
check "server still serves" 200 "$(code "$GLIDEPATH_SERVER/healthz")"

echo "== kill -9 mid-ramp and restart"
"$BIN" advance e2e-durable --reason "e2e: move to step 1" >/dev/null
post e2e-durable "$WORK/durable.txt" >/dev/null
sleep 1.5
before_w=$(weights '"\(.revision) \(.state) \(.step) \(.weights["eu-west"])"' e2e-durable)
before_started=$(curl -sf "$GLIDEPATH_SERVER/v1/migrations/e2e-durable" | jq -r .stepStartedAt)
before_hist=$("$BIN" history e2e-durable --json | jq length)
evidence() { curl -sf "$GLIDEPATH_SERVER/v1/migrations/e2e-durable" | jq -c '[.evidence[] | select(.test | test("evalue|requests"))]'; }
before_evidence=$(evidence)
before_all=$(curl -sf "$GLIDEPATH_SERVER/v1/migrations" | jq -c '[.[] | {migration, revision, state, step}]')
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
log_lines_before=$(wc -l < "$WORK/server.log")
start_server --log-format json
check "weights survive kill -9" "$before_w" "$(weights '"\(.revision) \(.state) \(.step) \(.weights["eu-west"])"' e2e-durable)"
check "step start survives kill -9" "$before_started" "$(curl -sf "$GLIDEPATH_SERVER/v1/migrations/e2e-durable" | jq -r .stepStartedAt)"
sleep 1.5   # let the restarted loop tick: no new traffic must leave the evidence as it was
if [ "$before_evidence" != "[]" ] && [ "$(evidence)" = "$before_evidence" ]; then
    ok "judge evidence survives kill -9 ($(jq length <<<"$before_evidence") values)"
else
    fail "judge evidence changed across kill -9: before $before_evidence, after $(evidence)"
fi
check "history survives kill -9" "$before_hist" "$("$BIN" history e2e-durable --json | jq length)"
check "every migration survives kill -9" "$before_all" "$(curl -sf "$GLIDEPATH_SERVER/v1/migrations" | jq -c '[.[] | {migration, revision, state, step}]')"
old_rev=$(weights .revision e2e-durable)
"$BIN" pause e2e-durable --reason "e2e: revision after restart" --actor "e2e-operator@ci" >/dev/null
new_rev=$(weights .revision e2e-durable)
if [ "$new_rev" -gt "$old_rev" ]; then ok "revision keeps increasing after restart ($old_rev -> $new_rev)"; else fail "revision reused ($old_rev -> $new_rev)"; fi

echo "== audit: who acted, and --log-format json"
check "history records the operator" "operator e2e-operator@ci" \
    "$("$BIN" history e2e-durable --json | jq -r '.[0] | "\(.actor) \(.by)"')"
if "$BIN" history e2e-durable | grep -q 'pause .*operator e2e-operator@ci .*e2e: revision after restart'; then
    ok "history table shows who paused"; else fail "history table lacks the operator"; fi
sleep 0.2
json_log=$(tail -n +"$((log_lines_before + 1))" "$WORK/server.log")
if jq -e -s 'length > 2 and all(.[]; has("time") and has("level") and has("event") and has("message"))' \
        <<<"$json_log" >/dev/null 2>&1; then
    ok "every log line after the restart is one JSON object ($(wc -l <<<"$json_log") lines)"
else
    fail "the JSON log does not parse: $(head -3 <<<"$json_log")"
fi
check "the pause is logged as an operator_action by its actor" "e2e-durable pause e2e-operator@ci" \
    "$(jq -r -s 'map(select(.event == "operator_action")) | last | "\(.migration) \(.action) \(.by)"' <<<"$json_log")"

echo "== SIGTERM shuts down cleanly"
kill -TERM "$SERVER_PID"
if wait "$SERVER_PID"; then ok "exit 0 on SIGTERM"; else fail "non-zero exit on SIGTERM"; fi
SERVER_PID=""

echo "e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
