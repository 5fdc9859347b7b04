#!/usr/bin/env bash
# /metrics with 100 active migrations (every arm with traffic, so every histogram series exists):
# median and p90 wall time of 200 sequential scrapes, measured by curl on loopback.
source "$(dirname "$0")/bench-lib.sh"
build_release
mkdir -p "$BENCH_DIR/policies"
for i in $(seq -w 1 100); do write_policy "$BENCH_DIR/policies" "bench-$i"; done
start_glidepath 18474 "$BENCH_DIR/policies"
awk 'BEGIN { for (i = 0; i < 200; i++) printf "%s %d %.1f\n", (i % 2 ? "openai" : "holysheep"), (i % 50 ? 200 : 503), 1 + i * 37 % 20000 }' > "$BENCH_DIR/batch.txt"
for i in $(seq -w 1 100); do
    curl -sf -o /dev/null -X POST -H "Authorization: Bearer $GLIDEPATH_INGEST_TOKEN" --data-binary @"$BENCH_DIR/batch.txt" \
        "http://127.0.0.1:18474/v1/migrations/bench-$i/observations"
done
curl -sf http://127.0.0.1:18474/metrics > "$BENCH_DIR/metrics.txt"
echo "exposition: $(wc -l < "$BENCH_DIR/metrics.txt") lines, $(wc -c < "$BENCH_DIR/metrics.txt") bytes"
for _ in $(seq 1 200); do
    curl -s -o /dev/null -w '%{time_total}\n' http://127.0.0.1:18474/metrics
done | awk '{printf "%.3f\n", $1 * 1000}' > "$BENCH_DIR/times.txt"
p90=$(sort -g "$BENCH_DIR/times.txt" | awk '{a[NR]=$1} END {print a[int(NR*0.9)]}')
echo "metrics: 100 migrations, median $(median < "$BENCH_DIR/times.txt") ms, p90 $p90 ms per scrape (render + transfer)"
