#!/usr/bin/env bash
# Runs every benchmark in turn (release build once) and prints each script's summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release >/dev/null
export SKIP_BUILD=1
for b in weights idle ingest metrics; do
    echo "=== bench-$b"
    bash "scripts/bench-$b.sh" | tee "/tmp/glidepath-bench-$b.txt"
done
