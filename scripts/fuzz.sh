#!/usr/bin/env bash
# Runs a libFuzzer harness for a number of seconds, starting from its seed corpus in the repo.
#
#   scripts/fuzz.sh HARNESS SECONDS     HARNESS: http, observations, promtext, policy, or all (each in turn);
#                                       SECONDS 0 only builds
#
# Builds the harnesses once (release, -sanitize=fuzzer) into .build-fuzz (FUZZ_ASAN=1: also AddressSanitizer,
# into .build-fuzz-asan),
# then runs with the seeds in scripts/fuzz/corpus/HARNESS (read only: new inputs go to a temporary
# directory, printed at the end; set FUZZ_KEEP=DIR to keep them there). A crash, trap or hang exits
# non-zero and leaves the input in FUZZ_ARTIFACTS (default: the temporary directory). Prints the
# run's figures at the end: executions, exec/s, coverage (cov) and features (ft), corpus size.
# Extra libFuzzer flags: FUZZ_FLAGS="-max_len=8192 ...". Runs under `nice -n 10`.
set -euo pipefail
# One compound command: bash reads it whole before running, so editing this file mid-run is harmless.
{
cd "$(dirname "$0")/.."

usage() { echo "usage: $0 {http|observations|promtext|policy|all} SECONDS" >&2; exit 2; }
[[ $# -eq 2 && "$2" =~ ^[0-9]+$ ]] || usage
harness=$1
seconds=$2

target_of() {
    case "$1" in
        http) echo FuzzHTTP ;;
        observations) echo FuzzObservations ;;
        promtext) echo FuzzPromText ;;
        policy) echo FuzzPolicy ;;
        *) usage ;;
    esac
}

all=(http observations promtext policy)
if [[ $harness == all ]]; then harnesses=("${all[@]}"); else target_of "$harness" >/dev/null; harnesses=("$harness"); fi

sanitizers=(--sanitize=fuzzer)
build_dir=.build-fuzz
if [[ "${FUZZ_ASAN:-0}" == 1 ]]; then sanitizers+=(--sanitize=address); build_dir=.build-fuzz-asan; fi
for h in "${harnesses[@]}"; do
    target=$(target_of "$h")
    echo "== fuzz: building $target"
    start=$(date +%s)
    log=$(mktemp /tmp/glidepath-fuzz-build.XXXXXX)
    if ! GLIDEPATH_FUZZ=1 nice -n 10 swift build -c release "${sanitizers[@]}" --scratch-path "$build_dir" \
        --product "$target" >"$log" 2>&1; then
        cat "$log" >&2
        echo "fuzz: build of $target failed" >&2
        exit 1
    fi
    grep -E 'error|warning: .*\.swift|complete' "$log" || true
    rm -f "$log"
    echo "== fuzz: built $target in $(( $(date +%s) - start )) s"
done
[[ $seconds -gt 0 ]] || exit 0  # 0 seconds: build only
bin=$(GLIDEPATH_FUZZ=1 swift build -c release "${sanitizers[@]}" --scratch-path "$build_dir" --show-bin-path)

status=0
for h in "${harnesses[@]}"; do
    target=$(target_of "$h")
    corpus=scripts/fuzz/corpus/$h
    work=$(mktemp -d "/tmp/glidepath-fuzz-$h.XXXXXX")
    new=${FUZZ_KEEP:-$work/new}
    artifacts=${FUZZ_ARTIFACTS:-$work/artifacts}
    mkdir -p "$new" "$artifacts"
    dict=()
    [[ -f scripts/fuzz/$h.dict ]] && dict=(-dict="scripts/fuzz/$h.dict")
    echo "== fuzz: $h for $seconds s (new inputs: $new, crashes: $artifacts)"
    set +e
    # The first corpus directory receives new inputs; the repo's seeds are only read.
    SWIFT_BACKTRACE=enable=no nice -n 10 "$bin/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" ${FUZZ_FLAGS:-} \
        "$new" "$corpus" >"$work/log" 2>&1
    rc=$?
    set -e
    # Final figures: the last status line (#runs, cov, ft, corp, exec/s) and the final stats.
    grep -E '^#[0-9]+' "$work/log" | tail -1 || true
    grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$work/log" || true
    if [[ $rc -ne 0 ]]; then
        echo "fuzz: $h FAILED (exit $rc); log: $work/log" >&2
        grep -E 'invariant|Fatal error|ERROR: libFuzzer|deadly signal|Test unit written|timeout|SUMMARY' "$work/log" | head -20 >&2
        ls -l "$artifacts" >&2
        status=1
    else
        echo "fuzz: $h ok, $(ls "$new" | wc -l) new inputs in $new"
    fi
done
exit $status
}
