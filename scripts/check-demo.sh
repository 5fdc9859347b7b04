#!/usr/bin/env bash
# `glidepath demo` as a user runs it, on the real binary:
#   1. the default demo exits 0 within its 3-minute timeout, says demo-healthy was promoted and demo-faulty
#      rolled back, printed the status-page and /metrics URLs, and removed its temporary directory;
#   2. `--keep --speed 4 --listen 127.0.0.1:PORT`: after the outcome the controller still answers on that
#      port (/metrics shows demo-healthy's candidate at 100 %, demo-faulty's at 0 %); SIGTERM then stops
#      it with exit 0 and the port is closed;
#   3. Ctrl-C (SIGINT) in the middle stops everything: exit 130, directory removed, port closed;
#   4. a non-loopback --listen is a usage error (exit 2).
#
#   bash scripts/check-demo.sh [path/to/glidepath] [port]
set -euo pipefail
bin="$(cd "$(dirname "${1:-.build/release/glidepath}")" && pwd)/$(basename "${1:-.build/release/glidepath}")"
port="${2:-18890}"
work=$(mktemp -d)
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$work"/*.out "$work"/*.err; do [[ -f $f ]] && { echo "--- $f"; tail -25 "$f"; }; done; exit 1; }

removed_dir() { sed -n 's/^glidepath demo: stopped the controller, providers and traffic; removed //p' "$1"; }

echo "-- 1. glidepath demo (default speed, piped)"
start=$(date +%s.%N)
set +e
timeout 200 "$bin" demo >"$work/demo.out" 2>"$work/demo.err"
rc=$?
set -e
took=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
[[ $rc -eq 0 ]] || fail "glidepath demo exited $rc"
grep -q '^demo-healthy  promoted after [0-9]* s, as expected' "$work/demo.out" || fail "demo-healthy was not promoted"
grep -q '^demo-faulty   rolled back after [0-9]* s, as expected' "$work/demo.out" || fail "demo-faulty was not rolled back"
grep -q '^glidepath demo: both migrations reached their outcome in [0-9]* s$' "$work/demo.out" || fail "no outcome line"
grep -qE '^  status page  http://127\.0\.0\.1:[0-9]+/$' "$work/demo.out" || fail "no status page URL"
grep -qE '^  metrics      http://127\.0\.0\.1:[0-9]+/metrics$' "$work/demo.out" || fail "no /metrics URL"
grep -q '^demo-healthy  ramping  step 2/4' "$work/demo.out" || fail "the watch view never showed demo-healthy at step 2"
dir=$(removed_dir "$work/demo.out")
[[ -n "$dir" && ! -e "$dir" ]] || fail "the temporary directory \"$dir\" was not removed"
[[ ! -s "$work/demo.err" ]] || fail "unexpected stderr: $(head -3 "$work/demo.err")"
echo "ok   exit 0 in ${took} s"
echo "ok   $(grep '^demo-healthy  promoted after' "$work/demo.out" | cut -c1-100)…"
echo "ok   $(grep '^demo-faulty   rolled back after' "$work/demo.out" | cut -c1-100)…"

echo "-- 2. glidepath demo --keep --speed 4 --listen 127.0.0.1:$port, then SIGTERM"
"$bin" demo --keep --speed 4 --listen "127.0.0.1:$port" >"$work/keep.out" 2>"$work/keep.err" &
pid=$!
for _ in $(seq 1 240); do
  grep -q '^--keep: the controller stays up' "$work/keep.out" && break
  kill -0 "$pid" 2>/dev/null || fail "the --keep demo ended early"
  sleep 0.5
done
grep -q '^--keep: the controller stays up' "$work/keep.out" || fail "the --keep demo did not reach its outcome in 120 s"
sleep 1.5
metrics=$(curl -sf "http://127.0.0.1:$port/metrics") || fail "the kept controller does not answer /metrics"
grep -q '^glidepath_weight_percent{migration="demo-healthy",arm="candidate-ok"} 100$' <<<"$metrics" \
  || fail "/metrics: demo-healthy's candidate is not at 100 %"
grep -q '^glidepath_weight_percent{migration="demo-faulty",arm="candidate-bad"} 0$' <<<"$metrics" \
  || fail "/metrics: demo-faulty's candidate is not at 0 %"
curl -sf "http://127.0.0.1:$port/v1/migrations/demo-faulty" | grep -q '"state":"rolled_back"' || fail "status of demo-faulty"
kill -TERM "$pid"
set +e
wait "$pid"
rc=$?
set -e
pid=""
[[ $rc -eq 0 ]] || fail "the kept demo exited $rc after SIGTERM (want 0: the outcome was reached)"
dir=$(removed_dir "$work/keep.out")
[[ -n "$dir" && ! -e "$dir" ]] || fail "the --keep demo's directory \"$dir\" was not removed"
! curl -s -o /dev/null "http://127.0.0.1:$port/healthz" || fail "port $port still answers after SIGTERM"
echo "ok   kept up after the outcome (/metrics: candidate-ok 100 %, candidate-bad 0 %); SIGTERM: exit 0, port closed, directory removed"

echo "-- 3. Ctrl-C in the middle of the demo"
# A background job of a script ignores SIGINT; start the demo with SIGINT at its default, as a terminal does.
set +e
python3 - "$bin" "$port" "$work" <<'PY'
import signal, subprocess, sys, time, urllib.request
bin, port, work = sys.argv[1], sys.argv[2], sys.argv[3]
with open(f"{work}/int.out", "w") as out, open(f"{work}/int.err", "w") as err:
    p = subprocess.Popen([bin, "demo", "--listen", f"127.0.0.1:{port}"], stdout=out, stderr=err,
                         preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/migrations", timeout=1).read()
            break
        except Exception:
            time.sleep(0.1)
    time.sleep(2)
    p.send_signal(signal.SIGINT)
    try:
        sys.exit(p.wait(timeout=30))
    except subprocess.TimeoutExpired:
        p.kill()
        sys.exit(99)
PY
rc=$?
set -e
[[ $rc -eq 130 ]] || fail "Ctrl-C: exit $rc, want 130"
grep -q '^glidepath demo: interrupted after [0-9]* s; stopping$' "$work/int.err" || fail "Ctrl-C: no 'interrupted' message"
dir=$(removed_dir "$work/int.out")
[[ -n "$dir" && ! -e "$dir" ]] || fail "Ctrl-C: the directory \"$dir\" was not removed"
! curl -s -o /dev/null "http://127.0.0.1:$port/healthz" || fail "Ctrl-C: port $port still answers"
echo "ok   Ctrl-C: exit 130, port closed, directory removed"

echo "-- 4. usage errors"
set +e
"$bin" demo --listen 0.0.0.0:8470 >/dev/null 2>"$work/usage.err"
rc=$?
set -e
[[ $rc -eq 2 ]] && grep -q 'must be a loopback address' "$work/usage.err" || fail "demo --listen 0.0.0.0:8470: exit $rc"
echo "ok   demo --listen 0.0.0.0:8470: exit 2 ($(cat "$work/usage.err"))"
echo "demo: all checks passed"
