#!/usr/bin/env bash
# Many migrations on one controller, two builds side by side in the same run:
#   scripts/bench-scale.sh OLD_BINARY NEW_BINARY      (e.g. a release build of 9c8affb, then this one)
# For each binary: N live migrations (three steps, 10 s interval) from a policies directory, light traffic
# on every one (outcome batches posted round-robin), then: control-loop round durations (median and mean
# from the round histograms), which migrations ticked within their interval (status JSON lastTickAt), RSS,
# /metrics time (curl), and the idle loop's CPU with no traffic (/proc/PID/stat over IDLE_SECONDS).
# N=1000 by default; N=10000 for the large run. NEW_ARGS adds serve flags to the new build
# (e.g. NEW_ARGS="--latency-buckets coarse"). Not part of .ci/run (it takes minutes).
source "$(dirname "$0")/bench-lib.sh"
[ $# -eq 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 2; }
OLD_BIN=$1; NEW_BIN=$2  # "-" skips that side (to try the script on one build)
N=${N:-1000}
TRAFFIC_SECONDS=${TRAFFIC_SECONDS:-40}
IDLE_SECONDS=${IDLE_SECONDS:-30}
RATE=${RATE:-$(( N / 5 < 400 ? (N / 5 > 20 ? N / 5 : 20) : 400 ))}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-900}
# Where the databases go: the bench dir by default (fsyncs as in production); DB_DIR=/dev/shm keeps
# 10,000 start-up transactions (one per applied policy) from taking minutes on a slow disk.
DB_DIR=${DB_DIR:-$BENCH_DIR}
HZ=$(getconf CLK_TCK)
PY="python3 $PWD/scripts/bench_scale.py"

mkdir -p "$BENCH_DIR/policies"
$PY policies "$BENCH_DIR/policies" "$N"
echo "bench-scale: $N migrations, traffic $TRAFFIC_SECONDS s at $RATE batches/s, idle $IDLE_SECONDS s"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_kb() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }

# run LABEL BINARY PORT: prints KEY=VALUE lines into $BENCH_DIR/LABEL.txt
run() {
    local label=$1 bin=$2 port=$3 out="$BENCH_DIR/$1.txt" t0 pid extra=()
    [ "$label" = old ] || read -ra extra <<<"${NEW_ARGS:-}"
    ulimit -n "$(ulimit -Hn)"
    t0=$(date +%s.%N)
    "$bin" serve "${extra[@]}" --listen "127.0.0.1:$port" --db "$DB_DIR/glidepath-bench-$$-$label.db" --policies "$BENCH_DIR/policies" \
        2>>"$BENCH_DIR/$label.log" &
    pid=$!
    BENCH_PIDS+=("$pid")
    local waited=0
    until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do
        kill -0 "$pid" 2>/dev/null || { echo "$label: glidepath exited"; tail -5 "$BENCH_DIR/$label.log"; exit 1; }
        sleep 0.5; waited=$((waited + 1))
        [ "$waited" -lt $((STARTUP_TIMEOUT * 2)) ] || { echo "$label: not ready after $STARTUP_TIMEOUT s"; exit 1; }
    done
    echo "START_S=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')" > "$out"
    echo "== $label ($bin): ready after $(cut -d= -f2 "$out") s"

    curl -sf -o "$BENCH_DIR/$label-m0.txt" "http://127.0.0.1:$port/metrics"
    $PY load "$port" "$N" "$RATE" "$TRAFFIC_SECONDS"
    $PY ticks "$port" "$N" 10 | tee "$BENCH_DIR/$label-ticks.txt" | grep -v '^TICKS_'
    grep '^TICKS_' "$BENCH_DIR/$label-ticks.txt" | tr ' ' '\n' >> "$out"
    # Rounds from ready to here (a slow build may complete none within the traffic alone).
    curl -sf -o "$BENCH_DIR/$label-m1.txt" "http://127.0.0.1:$port/metrics"
    $PY hist "$BENCH_DIR/$label-m0.txt" "$BENCH_DIR/$label-m1.txt" glidepath_control_loop_duration_seconds \
        | sed 's/HIST_/ALL_/g' | tr ' ' '\n' >> "$out"
    if grep -q '^glidepath_control_loop_busy_round_seconds_count' "$BENCH_DIR/$label-m1.txt"; then
        $PY hist "$BENCH_DIR/$label-m0.txt" "$BENCH_DIR/$label-m1.txt" glidepath_control_loop_busy_round_seconds \
            | sed 's/HIST_/BUSY_/g' | tr ' ' '\n' >> "$out"
    else  # the old build reads every migration's series in every round: all its rounds are busy
        grep '^ALL_' "$out" | sed 's/^ALL_/BUSY_/' >> "$out.busy"; cat "$out.busy" >> "$out"
    fi
    echo "LINES=$(wc -l < "$BENCH_DIR/$label-m1.txt")" >> "$out"
    grep -v '^#' "$BENCH_DIR/$label-m1.txt" | grep 'migration="scale-00001"' \
        | sed -E 's/\{.*//; s/_(bucket|sum|count)$//' | sort | uniq -c | sort -rn > "$BENCH_DIR/$label-series.txt"
    echo "   lines of one migration per family:"; sed 's/^/     /' "$BENCH_DIR/$label-series.txt"
    echo "LINES_PER_MIGRATION=$(awk '{s += $1} END {print s}' "$BENCH_DIR/$label-series.txt")" >> "$out"
    echo "BYTES=$(wc -c < "$BENCH_DIR/$label-m1.txt")" >> "$out"
    echo "RSS_MB=$(( $(status_kb "$pid" VmRSS) / 1024 ))" >> "$out"
    echo "PEAK_MB=$(( $(status_kb "$pid" VmHWM) / 1024 ))" >> "$out"
    for _ in 1 2 3 4 5; do curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port/metrics"; done \
        | awk '{printf "%.1f\n", $1 * 1000}' > "$BENCH_DIR/$label-scrape.txt"
    echo "SCRAPE_MS=$(median < "$BENCH_DIR/$label-scrape.txt")" >> "$out"
    echo "   scrapes (ms): $(tr '\n' ' ' < "$BENCH_DIR/$label-scrape.txt")"
    sleep 2  # the last batches and the scrapes settle
    local c0 c1
    c0=$(cpu_ticks "$pid"); sleep "$IDLE_SECONDS"; c1=$(cpu_ticks "$pid")
    echo "IDLE_CPU_PCT=$(awk -v d=$((c1 - c0)) -v hz="$HZ" -v s="$IDLE_SECONDS" 'BEGIN {printf "%.1f", d / hz / s * 100}')" >> "$out"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    rm -f "$DB_DIR/glidepath-bench-$$-$label.db"*
    sed 's/^/   /' "$out" | grep -v '^   $'
}

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
touch "$BENCH_DIR/old.txt" "$BENCH_DIR/new.txt"
[ "$OLD_BIN" = - ] || run old "$(realpath "$OLD_BIN")" "$(port)"
[ "$NEW_BIN" = - ] || run new "$(realpath "$NEW_BIN")" "$(port)"

get() { awk -F= -v k="$2" '$1 == k {print $2}' "$BENCH_DIR/$1.txt"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a != "" && b > 0) printf "%.1fx", a / b; else print "-"}'; }
echo
printf '%-34s %14s %14s %10s\n' "N=$N" old new old/new
for k in START_S BUSY_MEDIAN_MS BUSY_MEAN_MS BUSY_COUNT ALL_MEDIAN_MS ALL_MEAN_MS ALL_COUNT IDLE_CPU_PCT RSS_MB PEAK_MB SCRAPE_MS LINES LINES_PER_MIGRATION TICKS_OK TICKS_WORST; do
    printf '%-34s %14s %14s %10s\n' "$k" "$(get old $k)" "$(get new $k)" "$(ratio "$(get old $k)" "$(get new $k)")"
done
# SMOKE=1 (CI): the new build must have ticked every migration within its interval.
if [ -n "${SMOKE:-}" ]; then
    ok=$(get new TICKS_OK)
    [ "$ok" = "$N" ] || { echo "FAIL: $ok of $N migrations ticked within their interval"; exit 1; }
    echo "1 passed, 0 failed (all $N migrations ticked within their interval)"
fi
