#!/usr/bin/env bash
# The strict Prometheus text parser, old and new side by side in the same run:
#   scripts/bench-parse.sh [OLD_COMMIT]        (default 2847f73, the parser before the fast path)
# Builds Sources/BenchPromText (release) twice: against a `git archive OLD_COMMIT` copy in a temporary
# directory (the bench file and its target are added to that copy) and against this checkout. Both parse
# the same controller-shaped exposition (MIGRATIONS migrations, ~270 lines each); the two binaries run
# alternately ROUNDS times, each timing ITERATIONS parses. Prints each side's median ms per parse (the
# median of the rounds' medians) and the ratio old/new; fails if the two parsed different families
# (a digest of everything parsed). Not part of .ci/run (it builds twice).
set -euo pipefail
cd "$(dirname "$0")/.."
OLD_COMMIT=${1:-2847f73}
MIGRATIONS=${MIGRATIONS:-100}
ITERATIONS=${ITERATIONS:-21}
ROUNDS=${ROUNDS:-3}

OLD_DIR=$(mktemp -d /tmp/bench-parse-old.XXXXXX)
trap 'rm -rf "$OLD_DIR"' EXIT
git archive "$OLD_COMMIT" | tar -x -C "$OLD_DIR"
mkdir -p "$OLD_DIR/Sources/BenchPromText"
cp Sources/BenchPromText/main.swift "$OLD_DIR/Sources/BenchPromText/"
if ! grep -q BenchPromText "$OLD_DIR/Package.swift"; then
    echo 'package.targets += [.executableTarget(name: "BenchPromText", dependencies: ["PromText"])]' >> "$OLD_DIR/Package.swift"
fi

echo "bench-parse: building old ($OLD_COMMIT) and new (release, BenchPromText only)"
build() { local log; log=$(cd "$1" && swift build -c release --product BenchPromText 2>&1) || { echo "$log" >&2; exit 1; }; }
build "$OLD_DIR"
build .
OLD_BIN="$OLD_DIR/.build/release/BenchPromText"
NEW_BIN=.build/release/BenchPromText

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
old_ms=(); new_ms=()
for round in $(seq 1 "$ROUNDS"); do
    old_line=$("$OLD_BIN" "$MIGRATIONS" "$ITERATIONS")
    new_line=$("$NEW_BIN" "$MIGRATIONS" "$ITERATIONS")
    echo "round $round old: $old_line"
    echo "round $round new: $new_line"
    digest() { sed -E 's/.* digest=([0-9a-f]+) .*/\1/' <<<"$1"; }
    if [[ "$(digest "$old_line")" != "$(digest "$new_line")" ]]; then
        echo "bench-parse: old and new parsed different families (digests differ)" >&2; exit 1
    fi
    old_ms+=("$(sed -E 's/.*median_ms=([0-9.]+).*/\1/' <<<"$old_line")")
    new_ms+=("$(sed -E 's/.*median_ms=([0-9.]+).*/\1/' <<<"$new_line")")
done
old_median=$(printf '%s\n' "${old_ms[@]}" | median)
new_median=$(printf '%s\n' "${new_ms[@]}" | median)
awk -v o="$old_median" -v n="$new_median" -v m="$MIGRATIONS" \
    'BEGIN { printf "parse of %d migrations: old %.2f ms, new %.2f ms per parse (median), %.2fx faster\n", m, o, n, o / n }'
