# Shared helpers for the benchmark scripts (sourced, not run).
# Every benchmark builds the release binary, starts what it measures on 127.0.0.1, and stops it at exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=${BIN:-$PWD/.build/release/glidepath}
BENCH_DIR=$(mktemp -d /tmp/glidepath-bench.XXXXXX)
BENCH_PIDS=()
export GLIDEPATH_ADMIN_TOKEN=${GLIDEPATH_ADMIN_TOKEN:-bench-admin}
export GLIDEPATH_INGEST_TOKEN=${GLIDEPATH_INGEST_TOKEN:-bench-ingest}

bench_cleanup() {
    for p in "${BENCH_PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$BENCH_DIR"
}
trap bench_cleanup EXIT

need() { # need COMMAND PACKAGE
    command -v "$1" >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }
}

build_release() { [ -n "${SKIP_BUILD:-}" ] || swift build -c release >/dev/null; }

# start_glidepath PORT POLICY_DIR: runs the controller in the background and waits for /healthz.
start_glidepath() {
    ulimit -n "$(ulimit -Hn)"
    "$BIN" serve --listen "127.0.0.1:$1" --db "$BENCH_DIR/bench-$1.db" --policies "$2" 2>>"$BENCH_DIR/glidepath.log" &
    GLIDEPATH_PID=$!
    BENCH_PIDS+=("$GLIDEPATH_PID")
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done
    echo "glidepath did not start"; cat "$BENCH_DIR/glidepath.log"; exit 1
}

# median of numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) m = a[(NR+1)/2]; else m = (a[NR/2]+a[NR/2+1])/2; printf "%.2f\n", m}'; }

# wrk_rps ARGS...: requests/s reported by wrk; fails when any answer was not 2xx/3xx.
wrk_rps() {
    local out; out=$(wrk "$@")
    if grep -q 'Non-2xx' <<<"$out"; then echo "wrk saw error answers:" >&2; echo "$out" >&2; return 1; fi
    awk '/Requests\/sec/ {print $2}' <<<"$out"
}

write_policy() { # write_policy DIR NAME
    cat > "$1/$2.json" <<JSON
{"migration": "$2", "baseline": "openai", "candidate": "holysheep", "interval": "10s",
 "steps": [{"weight": 5, "bake": "10m"}, {"weight": 25, "bake": "10m"}, {"weight": 100, "bake": "10m"}]}
JSON
}
