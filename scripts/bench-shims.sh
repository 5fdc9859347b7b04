#!/usr/bin/env bash
# Routing-decision cost of each client shim (bucket + weight lookup), in-process, no network.
# Targets (issue 4): Swift <= 100 ns, Python <= 3 us, Node <= 1 us per route.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# --- Swift: a Swift Testing benchmark skipped unless GLIDEPATH_BENCH=1, built in release. ---
bench_swift() {
    GLIDEPATH_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter RouteBenchmark 2>&1 \
        | grep -E '^swift: |✘|Test run with' || { echo "swift: benchmark failed" >&2; return 1; }
}

# --- Python and Node: their own timing scripts, CPython's timeit and a hrtime loop. ---
bench_python() { python3 shims/python/bench_route.py; }
bench_node() { node shims/node/bench-route.mjs; }

echo "== Swift (target <= 100 ns)"; bench_swift
echo "== Python (target <= 3000 ns)"; bench_python
echo "== Node (target <= 1000 ns)"; bench_node
