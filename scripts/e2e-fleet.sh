#!/usr/bin/env bash
# A fleet through Prometheus (issue 12, `"source": "prometheus"`), end to end: Debian's `prometheus`
# scrapes three copies of a Python service exporting its own metrics with the real `prometheus-client`
# package (venv under /tmp), and the release binary, with a `prometheus` policy, queries the server's
# HTTP API for the increases per arm over each tick's window (summed across the fleet, `job="copy-api"`
# only) and promotes a healthy candidate. A decoy job exporting a failing candidate under the same
# metric names is scraped too; the policy's `labels` keep it out.
#
#   bash scripts/e2e-fleet.sh [path/to/glidepath]      (default .build/release/glidepath)
#
# Stops everything it started (by pid). Exit 0 when every check passes.
set -euo pipefail

bin="$(realpath "${1:-.build/release/glidepath}")"
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
e2e_setup glidepath-e2e-fleet

prometheus_client_python
start_glidepath "$bin"
prom_port=$(free_port)
prom="http://127.0.0.1:$prom_port"

echo "== fleet: 3 copy-api processes (healthy candidate) + 1 decoy job (failing candidate)"
fleet=()
for seed in 1 2 3; do
  port=$(free_port)
  copy_service "$port" --seed "$seed" --rps 150 --baseline-error-rate 0.003 --candidate-error-rate 0.003 \
    --weights "$server/v1/migrations/copy-fleet/weights"
  fleet+=("127.0.0.1:$port")
done
decoy=$(free_port)
copy_service "$decoy" --seed 9 --rps 150 --candidate-share 0.5 --candidate-error-rate 0.5
targets=$(printf '"%s",' "${fleet[@]}"); targets="[${targets%,}]"
cat >"$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: copy-api
    static_configs: [{targets: $targets}]
  - job_name: copy-batch
    static_configs: [{targets: ["127.0.0.1:$decoy"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >>"$work/prometheus.log" 2>&1 &
pids+=("$!")
scraped() {  # Prometheus has two samples of every copy-api instance
  curl -s "$prom/api/v1/query" --data-urlencode 'query=count(count_over_time(copy_generation_total{job="copy-api",status="ok",source="openai"}[10s]) >= 2)' \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; sys.exit(0 if r and r[0]["value"][1] == "3" else 1)' 2>/dev/null
}
decoy_scraped() {  # the decoy's failing candidate is in the same Prometheus, under the same names
  curl -s "$prom/api/v1/query" --data-urlencode 'query=sum(copy_generation_total{job="copy-batch",source="holysheep",status="error"}) > 0' \
    | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["data"]["result"] else 1)' 2>/dev/null
}
check "prometheus scrapes the 3 processes of the fleet" wait_until 40 scraped
check "and the decoy job, whose candidate fails half its requests" wait_until 20 decoy_scraped

policy=$(cat <<JSON
{"migration": "copy-fleet", "baseline": "openai", "candidate": "holysheep", "interval": "3s", "pollAfter": "1s",
 "judge": "threshold", "minRequests": 100,
 "steps": [{"weight": 20, "bake": "6s"}, {"weight": 50, "bake": "6s"}, {"weight": 100}],
 "metrics": {"source": "prometheus", "url": "$prom", "arm": "source", "labels": {"job": "copy-api"},
             "requests": {"metric": "copy_generation_total", "errors": {"status": "error"}},
             "latency": {"histogram": "copy_generation_latency_seconds"}, "timeout": "2s"}}
JSON
)
code=$(curl -s -o "$work/put.out" -w '%{http_code}' -XPUT "$server/v1/migrations/copy-fleet" --data-binary "$policy")
check "PUT copy-fleet with a prometheus source answers 201" test "$code" = 201
field() { status_field copy-fleet "$1"; }
promoted() { [[ $(field 'd["state"]') == promoted ]]; }
check "promoted within 60 s" wait_until 120 promoted
echo "   state $(field 'd["state"]'), reason: $(field 'd["reason"]')"
actions=$(curl -s "$server/v1/migrations/copy-fleet/decisions?limit=10" | python3 -c 'import json,sys; print(" ".join(x["action"] for x in reversed(json.load(sys.stdin))))')
check "decisions: created, two advances, promote ($actions)" test "$actions" = "created advance advance promote"
reasons=$(curl -s "$server/v1/migrations/copy-fleet/decisions?limit=10" | python3 -c 'import json,sys; print("\n".join(x["reason"] for x in json.load(sys.stdin)))')
check "each judged decision names the Prometheus it queried" test "$(grep -c "metrics: prometheus $prom, 4 queries over" <<<"$reasons")" = 3
check "and the coarser source buckets" grep -qF "latency precision: source buckets {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, +Inf} coarser than glidepath's" <<<"$reasons"
up=$(curl -s "$server/metrics" | awk '/^glidepath_metrics_source_up\{migration="copy-fleet"\}/ {print $NF}')
check "glidepath_metrics_source_up{migration=\"copy-fleet\"} 1 ($up)" test "$up" = 1

echo "$passes passed, $failures failed"
[[ $failures == 0 ]] || { echo "--- controller log (tail)"; tail -20 "$work/ctl.log"; exit 1; }
