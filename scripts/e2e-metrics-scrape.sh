#!/usr/bin/env bash
# Metrics a service already has (issue 12, `"source": "scrape"`), end to end: the release binary scrapes
# a Python service that exports its own counters and histogram with the real `prometheus-client` package
# (from PyPI, in a venv under /tmp; its own buckets, not glidepath's), and never sends glidepath a line.
#
#   bash scripts/e2e-metrics-scrape.sh [path/to/glidepath]      (default .build/release/glidepath)
#
#   1. copy-scrape-bad: the service's candidate fails 30 %, its traffic split by the weights it polls;
#      glidepath rolls it back, and the decision says what it read (the target, up, and that the
#      service's latency buckets are coarser than glidepath's); glidepath_metrics_source_up 1.
#   2. copy-scrape-down: the target is not listening. The step holds: no decision, state ramping,
#      glidepath_metrics_source_up 0, the status verdict says "holding: metrics source scrape …: connect
#      … refused", and the log says so once (not once per read). When a service starts on that port the
#      source is up again and the log says so.
# Stops everything it started (by pid). Exit 0 when every check passes.
set -euo pipefail

bin="$(realpath "${1:-.build/release/glidepath}")"
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
e2e_setup glidepath-e2e-scrape

prometheus_client_python
start_glidepath "$bin"
svc_port=$(free_port); dead_port=$(free_port)

start_service() {  # port, migration, candidate error rate
  copy_service "$1" --candidate-error-rate "$3" --rps 300 --weights "$server/v1/migrations/$2/weights"
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$1/metrics" >/dev/null && break; sleep 0.1; done
}
policy() {  # migration, target port
  cat <<JSON
{"migration": "$1", "baseline": "openai", "candidate": "holysheep", "interval": "1s", "pollAfter": "1s",
 "judge": "threshold", "minRequests": 100,
 "steps": [{"weight": 30, "bake": "30s"}, {"weight": 60, "bake": "30s"}, {"weight": 100}],
 "metrics": {"source": "scrape", "targets": ["http://127.0.0.1:$2/metrics"], "arm": "source",
             "requests": {"metric": "copy_generation_total", "errors": {"status": "error"}},
             "latency": {"histogram": "copy_generation_latency_seconds"}, "timeout": "500ms"}}
JSON
}
put() { policy "$1" "$2" | curl -s -o "$work/put.out" -w '%{http_code}' -XPUT "$server/v1/migrations/$1" --data-binary @-; }
source_up() { curl -s "$server/metrics" | awk -v m="migration=\"$1\"" '/^glidepath_metrics_source_up\{/ && index($0, m) {print $NF}'; }
is_state() { [[ $(status_field "$1" 'd["state"]') == "$2" ]]; }

echo "== 1. copy-scrape-bad: a failing candidate in the service's own metrics is rolled back"
start_service "$svc_port" copy-scrape-bad 0.3
check "PUT copy-scrape-bad with a scrape source answers 201" test "$(put copy-scrape-bad "$svc_port")" = 201
check "rolled back within 40 s" wait_until 80 is_state copy-scrape-bad rolled_back
reason=$(status_field copy-scrape-bad 'd["reason"]')
echo "   reason: $reason"
check "the decision names the source it read" grep -qF "metrics: scrape http://127.0.0.1:$svc_port/metrics: up" <<<"$reason"
check "the decision says the service's buckets are coarser than glidepath's" \
  grep -qF "latency precision: source buckets {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, +Inf} coarser than glidepath's" <<<"$reason"
check "the rule is the error guard" grep -q "error" <<<"$(status_field copy-scrape-bad 'd["lastDecision"]["reason"]')"
check "glidepath_metrics_source_up{migration=\"copy-scrape-bad\"} 1" test "$(source_up copy-scrape-bad)" = 1

echo "== 2. copy-scrape-down: a target that does not answer holds the step"
check "PUT copy-scrape-down answers 201" test "$(put copy-scrape-down "$dead_port")" = 201
down_seen() { [[ $(source_up copy-scrape-down) == 0 ]]; }
check "glidepath_metrics_source_up{migration=\"copy-scrape-down\"} 0" wait_until 20 down_seen
sleep 4  # several more reads of the dead target
verdict=$(status_field copy-scrape-down 'd["verdict"]["reason"]')
echo "   verdict: $verdict"
check "status says it holds, and why" grep -qE "^holding: metrics source scrape http://127.0.0.1:$dead_port/metrics: connect to 127.0.0.1:$dead_port: Connection refused$" <<<"$verdict"
check "still ramping at step 0" test "$(status_field copy-scrape-down '(d["state"], d["step"])')" = "('ramping', 0)"
decisions=$(curl -s "$server/v1/migrations/copy-scrape-down/decisions?limit=10" | python3 -c 'import json,sys; print([x["action"] for x in json.load(sys.stdin)])')
check "no decision but its creation ($decisions)" test "$decisions" = "['created']"
fails=$(grep -c "migration copy-scrape-down: metrics source scrape" "$work/ctl.log" || true)
check "one log line for the failure streak, not one per read (found $fails)" test "$fails" = 1
start_service "$dead_port" copy-scrape-down 0.0
up_again() { [[ $(source_up copy-scrape-down) == 1 ]]; }
check "a service on the port: source up again" wait_until 20 up_again
check "and the log says so once" test "$(grep -c "migration copy-scrape-down: metrics source answers again" "$work/ctl.log")" = 1

echo "$passes passed, $failures failed"
[[ $failures == 0 ]] || { echo "--- controller log (tail)"; tail -20 "$work/ctl.log"; exit 1; }
