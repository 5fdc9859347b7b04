#!/usr/bin/env bash
# Observation ingest over HTTP: POST batches of 500 lines with wrk; lines/s = requests/s × 500.
source "$(dirname "$0")/bench-lib.sh"
need wrk wrk
build_release
ROUNDS=${ROUNDS:-3}; DURATION=${DURATION:-10s}
mkdir -p "$BENCH_DIR/policies"
write_policy "$BENCH_DIR/policies" bench
start_glidepath 18473 "$BENCH_DIR/policies"
awk 'BEGIN { srand(3); for (i = 0; i < 500; i++) {
    arm = (i % 10 == 0) ? "holysheep" : "openai"; st = (i % 97 == 0) ? 503 : 200;
    printf "%s %d %.1f tokens=%d\n", arm, st, 50 + rand() * 400, 10 + i }
}' > "$BENCH_DIR/batch.txt"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $GLIDEPATH_INGEST_TOKEN" \
    --data-binary @"$BENCH_DIR/batch.txt" http://127.0.0.1:18473/v1/migrations/bench/observations)
[ "$code" = 202 ] || { echo "ingest answered $code"; exit 1; }
cat > "$BENCH_DIR/post.lua" <<LUA
local f = io.open("$BENCH_DIR/batch.txt", "rb"); local body = f:read("*a"); f:close()
wrk.method = "POST"; wrk.body = body
wrk.headers["Content-Type"] = "text/plain"
wrk.headers["Authorization"] = "Bearer $GLIDEPATH_INGEST_TOKEN"
LUA
rates=()
for r in $(seq 1 "$ROUNDS"); do
    rps=$(wrk_rps -t2 -c16 -d"$DURATION" -s "$BENCH_DIR/post.lua" http://127.0.0.1:18473/v1/migrations/bench/observations)
    rates+=("$(awk -v r="$rps" 'BEGIN {printf "%d", r * 500}')")
    echo "round $r: $rps batches/s = ${rates[-1]} lines/s"
done
accepted=$(curl -sf http://127.0.0.1:18473/metrics | awk '/^glidepath_requests_total\{migration="bench"/ {s += $2} END {printf "%d", s}')
echo "ingest: median $(printf '%s\n' "${rates[@]}" | median) lines/s (counted in /metrics: $accepted lines)"
