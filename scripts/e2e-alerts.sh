#!/usr/bin/env bash
# Alerts proven end to end (issue 10, item 4): the release glidepath rolls a failing candidate back; Debian's
# `prometheus` scrapes it every second and evaluates dashboards/alerts.yml (the production rules, unchanged:
# GlidepathRolledBack has no `for`, a rollback is an event); Debian's `prometheus-alertmanager` routes the
# alert to a local webhook receiver (scripts/alert_receiver.py), and this script asserts the receiver got
# GlidepathRolledBack firing for that migration, with its labels and annotations. The same Prometheus then
# evaluates every PromQL expression of dashboards/*.json and of the rule file (scripts/check_promql.py):
# each must parse and the main panels must show data.
#
#   bash scripts/e2e-alerts.sh [BIN]        # BIN defaults to .build/release/glidepath
#
# Every process is started and stopped by its PID; everything listens on 127.0.0.1 on ports free at start;
# the temporary directory is removed at exit. About 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

BIN=${1:-$REPO/.build/release/glidepath}
[ -x "$BIN" ] || { echo "no glidepath binary at $BIN (swift build -c release)"; exit 1; }
for tool in prometheus prometheus-alertmanager curl jq python3; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install prometheus prometheus-alertmanager curl jq python3)"; exit 1; }
done

WORK=$(mktemp -d /tmp/glidepath-e2e-alerts.XXXXXX)
SERVER_PID="" PROM_PID="" AM_PID="" RECV_PID=""
started=$SECONDS
passed=0
failed=0

stop() { # stop PID: SIGTERM, then wait for it
    [ -n "$1" ] || return 0
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
cleanup() {
    stop "$PROM_PID"; stop "$AM_PID"; stop "$RECV_PID"; stop "$SERVER_PID"
    rm -rf "$WORK"
}
trap cleanup EXIT

ok()   { echo "  ok: $*"; passed=$((passed + 1)); }
fail() { echo "  FAIL: $*"; failed=$((failed + 1)); }
logs() { for f in "$WORK"/*.log; do echo "--- $f"; tail -n 20 "$f"; done; }
die()  { echo "FAIL: $*"; logs; exit 1; }

# wait_for URL SECONDS PID: until URL answers 2xx; gives up early when process PID has exited
wait_for() {
    local deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        curl -sf -o /dev/null "$1" && return 0
        kill -0 "$3" 2>/dev/null || return 1
        sleep 0.2
    done
    return 1
}

# Three ports free right now (bound together, then released), for the controller, Prometheus, Alertmanager.
read -r PORT PROM_PORT AM_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])
for x in s: x.close()')
export GLIDEPATH_SERVER="http://127.0.0.1:$PORT"
export GLIDEPATH_ADMIN_TOKEN="e2e-alerts-admin" GLIDEPATH_INGEST_TOKEN="e2e-alerts-ingest"
PROM="http://127.0.0.1:$PROM_PORT"
FAILING=alerts-failing
HEALTHY=alerts-healthy

echo "== webhook receiver"
python3 scripts/alert_receiver.py "$WORK/receiver.port" "$WORK/received.jsonl" 2>"$WORK/receiver.log" &
RECV_PID=$!
for _ in $(seq 1 50); do [ -s "$WORK/receiver.port" ] && break; sleep 0.1; done
[ -s "$WORK/receiver.port" ] || die "the receiver did not start"
RECV_PORT=$(cat "$WORK/receiver.port")
touch "$WORK/received.jsonl"

echo "== alertmanager (webhook receiver on :$RECV_PORT)"
cat > "$WORK/alertmanager.yml" <<YAML
route:
  receiver: webhook
  group_by: [alertname, migration]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: webhook
    webhook_configs:
      - url: http://127.0.0.1:$RECV_PORT/alerts
        send_resolved: true
YAML
prometheus-alertmanager --config.file="$WORK/alertmanager.yml" --storage.path="$WORK/am" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= >"$WORK/alertmanager.log" 2>&1 &
AM_PID=$!
wait_for "http://127.0.0.1:$AM_PORT/-/ready" 30 "$AM_PID" || die "alertmanager did not become ready"

echo "== glidepath on :$PORT"
mkdir -p "$WORK/policies"
# The failing candidate: a fast first step, then a long one; the judge rolls it back on the evidence.
cat > "$WORK/policies/$FAILING.json" <<JSON
{"migration": "$FAILING", "baseline": "old-key", "candidate": "new-key", "interval": "1s", "pollAfter": "1s",
 "steps": [{"weight": 10, "bake": "2s"}, {"weight": 50, "bake": "1h"}, {"weight": 100}],
 "minRequests": 50, "maxHold": "2h", "noDataAfter": "10m",
 "guards": {"errors": {"maxRate": 5}, "ttft": {"quantile": 0.9, "maxRatio": 1.5}},
 "cost": {"old-key": {"per1kTokens": 2.5}, "new-key": {"per1kTokens": 0.42}}}
JSON
# A healthy migration that keeps ramping next to it: the overview lists two, and it must not alert.
cat > "$WORK/policies/$HEALTHY.json" <<JSON
{"migration": "$HEALTHY", "baseline": "openai", "candidate": "holysheep", "interval": "1s", "pollAfter": "1s",
 "steps": [{"weight": 5, "bake": "1h"}, {"weight": 100}], "minRequests": 50}
JSON
"$BIN" serve --listen "127.0.0.1:$PORT" --db "$WORK/glidepath.db" --policies "$WORK/policies" 2>"$WORK/glidepath.log" &
SERVER_PID=$!
wait_for "$GLIDEPATH_SERVER/readyz" 30 "$SERVER_PID" || die "glidepath did not become ready"

echo "== prometheus on :$PROM_PORT (rules: dashboards/alerts.yml, alerting -> :$AM_PORT)"
cat > "$WORK/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ["$REPO/dashboards/alerts.yml"]
alerting:
  alertmanagers: [{static_configs: [{targets: ["127.0.0.1:$AM_PORT"]}]}]
scrape_configs:
  - job_name: glidepath
    static_configs: [{targets: ["127.0.0.1:$PORT"]}]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prom" \
    --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
wait_for "$PROM/-/ready" 30 "$PROM_PID" || die "prometheus did not become ready"

# promql EXPR: the first sample's value of an instant query, empty when there is none
promql() { curl -s --get --data-urlencode "query=$1" "$PROM/api/v1/query" | jq -r '.data.result[0].value[1] // empty'; }
# Before any traffic: Prometheus has scraped the rollback counter at 0 (so the rollback is an increase).
for _ in $(seq 1 60); do
    [ "$(promql "glidepath_decisions_total{migration=\"$FAILING\",action=\"rollback\"}")" = 0 ] && break
    sleep 0.25
done
[ "$(promql "glidepath_decisions_total{migration=\"$FAILING\",action=\"rollback\"}")" = 0 ] \
    || die "Prometheus never scraped glidepath_decisions_total{action=\"rollback\"} at 0"
ok "Prometheus scrapes glidepath (rollback counter at 0 before any traffic)"

# batch BASELINE CANDIDATE CANDIDATE_ERROR_EVERY N [baseline-only]: observation lines with latency,
# tokens and time to first token on both arms.
batch() {
    awk -v b="$1" -v c="$2" -v every="$3" -v n="$4" -v only="${5:-}" 'BEGIN {
        srand(11);
        for (i = 0; i < n; i++) {
            lat = 80 + int(rand() * 60);
            printf "%s %d %d tokens=%d ttft_ms=%d\n", b, (i % 100 == 0) ? 503 : 200, lat, 100 + i % 50, lat / 3;
            if (only != "") continue;
            cs = (every > 0 && i % every == 0) ? 503 : ((i % 97 == 5) ? 429 : 200);
            printf "%s %d %d tokens=%d ttft_ms=%d\n", c, cs, lat, 100 + i % 50, lat / 3;
        }
    }'
}
batch old-key new-key 0 200 > "$WORK/healthy-phase.txt"
batch old-key new-key 2 200 > "$WORK/failing.txt"
batch old-key new-key 0 200 only > "$WORK/after.txt"
batch openai holysheep 0 100 > "$WORK/other.txt"
post() { # post MIGRATION FILE
    curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $GLIDEPATH_INGEST_TOKEN" \
        -H 'Content-Type: text/plain' --data-binary @"$2" "$GLIDEPATH_SERVER/v1/migrations/$1/observations"
}
# Three shims poll both migrations (by Glidepath-Shim id): the convergence panels have data.
poll() { for s in shim-a shim-b shim-c; do for m in $FAILING $HEALTHY; do
    curl -sf -o /dev/null -H "Glidepath-Shim: $s" "$GLIDEPATH_SERVER/v1/migrations/$m/weights" || true; done; done; }
state() { curl -sf "$GLIDEPATH_SERVER/v1/migrations/$1/weights" | jq -r .state; }
tick() { post "$HEALTHY" "$WORK/other.txt" >/dev/null; poll; sleep 0.25; }

echo "== traffic: a healthy start, then the candidate fails every other request"
deadline=$((SECONDS + 4))
while [ $SECONDS -lt $deadline ]; do
    [ "$(post "$FAILING" "$WORK/healthy-phase.txt")" = 202 ] || die "ingest refused a batch"
    tick
done
deadline=$((SECONDS + 60))
while [ $SECONDS -lt $deadline ] && [ "$(state $FAILING)" != rolled_back ]; do
    post "$FAILING" "$WORK/failing.txt" >/dev/null
    tick
done
if [ "$(state $FAILING)" = rolled_back ]; then ok "$FAILING rolled back by the judge after $((SECONDS - started)) s"
else die "$FAILING not rolled back: $(curl -s "$GLIDEPATH_SERVER/v1/migrations/$FAILING/weights")"; fi
rolled_at=$SECONDS

echo "== Alertmanager delivers GlidepathRolledBack to the webhook"
# fired FILE: the firing GlidepathRolledBack alerts' "migration severity summary" lines
fired() { jq -r '.body.alerts[]? | select(.labels.alertname == "GlidepathRolledBack" and .status == "firing")
                 | "\(.labels.migration) \(.labels.severity) \(.annotations.summary)"' "$WORK/received.jsonl" | sort -u; }
deadline=$((SECONDS + 45))
while [ $SECONDS -lt $deadline ] && ! fired | grep -q "^$FAILING "; do
    post "$FAILING" "$WORK/after.txt" >/dev/null   # the shims now send everything to the baseline
    tick
done
if fired | grep -qx "$FAILING page Migration $FAILING was rolled back"; then
    ok "receiver got GlidepathRolledBack firing {migration=$FAILING, severity=page} $((SECONDS - rolled_at)) s after the rollback"
else
    fail "receiver did not get GlidepathRolledBack for $FAILING within 45 s; got: $(cat "$WORK/received.jsonl")"
fi
desc=$(jq -r '.body.alerts[]? | select(.labels.alertname == "GlidepathRolledBack") | .annotations.description' "$WORK/received.jsonl" | head -1)
[ "$desc" = "The candidate is at 0 %. See \`glidepath history $FAILING\` for the reason." ] \
    && ok "the description names the migration's history command" || fail "description: $desc"
jq -e --arg m "$FAILING" '.body | .status == "firing" and .groupLabels.alertname == "GlidepathRolledBack"
        and .groupLabels.migration == $m and .receiver == "webhook"' "$WORK/received.jsonl" 2>/dev/null | grep -q true \
    && ok "Alertmanager's payload: receiver webhook, grouped by alertname and migration" \
    || fail "unexpected Alertmanager payload: $(head -c 600 "$WORK/received.jsonl")"
if fired | grep -q "^$HEALTHY "; then fail "GlidepathRolledBack fired for the healthy $HEALTHY"; else ok "nothing fired for $HEALTHY"; fi
active=$(curl -s "$PROM/api/v1/alerts" | jq -r '[.data.alerts[] | select(.state == "firing") | .labels.alertname] | unique | join(",")')
echo "  (firing in Prometheus: ${active:-none})"

# The overview's derived "Time in step" (no step-start metric exists): since the rollback, to 15 s.
tis_expr=$(jq -r '.panels[] | select(.title == "Time in step") | .targets[0].expr' dashboards/glidepath-overview.json \
    | sed "s/\$migration/$FAILING/g")
tis=$(promql "$tis_expr" | cut -d. -f1)
since=$((SECONDS - rolled_at))
if [ -n "$tis" ] && [ "$tis" -ge 0 ] && [ "$tis" -le $((since + 16)) ]; then
    ok "overview: time in step ${tis} s (rolled back ${since} s ago; derived to 15 s)"
else
    fail "overview: time in step '${tis}' s, rolled back ${since} s ago"
fi

echo "== every PromQL expression of the dashboards and the rules, in this Prometheus"
if python3 scripts/check_promql.py --prometheus "$PROM" --migration "$FAILING" --rules dashboards/alerts.yml \
        --range 2m --interval 2s --rate-interval 30s --expect "glidepath-migration/Rollbacks (1 day)=1" \
        --expect "glidepath-migration/Candidate weight=0" \
        dashboards/glidepath-migration.json dashboards/glidepath-overview.json > "$WORK/promql.txt"; then
    [ -n "${E2E_ALERTS_VERBOSE:-}" ] && cat "$WORK/promql.txt"
    ok "$(tail -n 1 "$WORK/promql.txt")"
else
    cat "$WORK/promql.txt"
    fail "check_promql.py"
fi

echo "e2e-alerts: $passed passed, $failed failed, $((SECONDS - started)) s"
[ "$failed" -eq 0 ] || { logs; exit 1; }
