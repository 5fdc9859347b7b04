#!/usr/bin/env bash
# Worked example "Parallel run of a new key" end to end: the release binary, the Python shim and
# fake providers over HTTP, with a fast variant of policies/parallel-run-new-key.json (1-second
# ticks, a 10-second shadow bake, then 5/25/50/100 %).
#
#   bash scripts/e2e-mirror.sh [path/to/glidepath]      (default .build/release/glidepath)
#
#   1. mirror-bad: the new key fails ~30 %. Its shadow (weight 0, mirror 100) is rolled back at step 0;
#      the app's own counts show that no user request was ever answered by, or even sent live to, the
#      candidate, and that no copy was started after the shim saw the rollback.
#   2. mirror-good: a healthy new key; its shadow bakes, then advances to the live 5 % step, and
#      users start being served by it.
#   glidepath_mirrored_requests_total{migration} grows in both, and equals the app's copies.
# Stops everything it started (by pid). Exit 0 when every check passes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(realpath "${1:-.build/release/glidepath}")"
work="$(mktemp -d /tmp/glidepath-e2e-mirror.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; echo "--- controller log (tail)" >&2; tail -20 "$work/ctl.log" >&2 || true; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
check() {  # python-expression-over-d description  (d: the app's JSON summary in $out)
  [[ $(python3 -c 'import json,sys; d=json.loads(sys.argv[2]); print(eval(sys.argv[1]))' "$1" "$out") == True ]] \
    || fail "$2: $1 is false for $out"
}
mirrored_total() {
  curl -s "$server/metrics" | awk -v m="migration=\"$1\"" '/^glidepath_mirrored_requests_total\{/ && index($0, m) {print $NF}'
}

cp "$bin" "$work/ctl"   # a private copy: stopping it can never touch another controller
mkdir "$work/policies"
ctl_port=$(free_port); old_port=$(free_port); bad_port=$(free_port); good_port=$(free_port)
server="http://127.0.0.1:$ctl_port"
export GLIDEPATH_INGEST_TOKEN=e2e-mirror

"$work/ctl" serve --listen "127.0.0.1:$ctl_port" --db "$work/ctl.db" --policies "$work/policies" >>"$work/ctl.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do curl -sf "$server/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$server/readyz" >/dev/null || fail "controller not ready"
for spec in "$old_port key-old 0.0 1" "$bad_port key-new-bad 0.3 2" "$good_port key-new 0.0 3"; do
  set -- $spec
  python3 "$root/shims/python/fake_provider.py" --port "$1" --name "$2" --error-rate "$3" --seed "$4" --latency-ms 50 \
    >/dev/null 2>&1 &
  pids+=("$!")
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$1/healthz" >/dev/null && break; sleep 0.1; done
done

# The shipped policy, made fast: same arms, guards and step shape; seconds instead of hours.
fast_policy() {
  python3 - "$root/policies/parallel-run-new-key.json" "$1" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
p.update(migration=sys.argv[2], interval="1s", pollAfter="1s", minRequests=50, maxHold="10m")
p.pop("description", None)
assert p["steps"][0]["weight"] == 0 and p["steps"][0]["mirror"] == 100
for s, bake in zip(p["steps"], ["10s", "5s", "5s", "5s"]):
    s["bake"] = bake
print(json.dumps(p))
PY
}
"$work/ctl" lint "$root/policies/parallel-run-new-key.json" >/dev/null || fail "the shipped policy does not lint"
for m in mirror-bad mirror-good; do
  code=$(fast_policy "$m" | curl -s -o "$work/put.out" -w '%{http_code}' -XPUT "$server/v1/migrations/$m" --data-binary @-)
  [[ $code == 201 ]] || fail "PUT $m answered $code: $(cat "$work/put.out")"
  [[ $(mirrored_total "$m") == 0 ]] || fail "glidepath_mirrored_requests_total{migration=\"$m\"} is not precreated at 0"
done
curl -s "$server/v1/migrations/mirror-bad/weights" | grep -q '"weights":{"key-old":100,"key-new":0}.*"mirror":100}$' \
  || fail "the shadow step's weights document: $(curl -s "$server/v1/migrations/mirror-bad/weights")"

app() {  # migration candidate-port until
  python3 "$root/scripts/e2e_mirror.py" --server "$server" --migration "$1" --baseline-url "http://127.0.0.1:$old_port" \
    --candidate-url "http://127.0.0.1:$2" --until "$3" --then 3 --rate 100 --timeout 90 \
    --ingest-token "$GLIDEPATH_INGEST_TOKEN" 2>>"$work/app.err" | tail -1
}

echo "== 1. a new key failing ~30 % in its shadow step is rolled back; no user ever reached it"
t0=$SECONDS
out=$(app mirror-bad "$bad_port" rolled_back) || fail "mirror-bad was not rolled back in time: $out"
echo "$out"
status=$(curl -s "$server/v1/migrations/mirror-bad")
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["state"]=="rolled_back" and d["step"]==0 and d["mirror"]==0, d' \
  "$status" || fail "status after the rollback: $status"
check 'd["served_by"]["key-new"] == 0 and d["live_calls"]["key-new"] == 0' "a user request reached the candidate"
check 'd["mirror_calls"] > 50 and d["mirror_errors"] > 0' "the shadow copies did not run"
check 'd["mirror_calls_after_rollback"] == 0' "mirroring did not stop after the rollback"
check 'd["dropped_lines"] == 0 and d["buffered"] == 0' "lines were lost"
bad_total=$(mirrored_total mirror-bad)
[[ $bad_total -eq $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["mirrored"])' "$out") ]] \
  || fail "glidepath_mirrored_requests_total{mirror-bad} is $bad_total, the app started $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["mirrored"])' "$out")"
echo "ok: rolled back at step 0 after $((SECONDS - t0)) s; $bad_total mirrored requests counted, 0 users on the candidate"
echo "   $(curl -s "$server/v1/migrations/mirror-bad" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reason"])')"

echo "== 2. a healthy new key: the shadow bakes, then the 5 % live step serves users"
t0=$SECONDS
out=$(app mirror-good "$good_port" live) || fail "mirror-good did not leave its shadow step in time: $out"
echo "$out"
check 'd["step"] >= 1 and d["state"] == "ramping" and d["weights"]["key-new"] >= 5' "not on a live step"
check 'd["served_by_candidate_in_shadow"] == 0' "a user was served by the candidate during the shadow step"
check 'd["served_by"]["key-new"] > 0' "no user reached the candidate on the live step"
check 'd["mirror_calls"] > 50 and d["mirror_errors"] == 0' "the healthy shadow copies did not run"
good_total=$(mirrored_total mirror-good)
(( good_total > 50 )) || fail "glidepath_mirrored_requests_total{mirror-good} is $good_total"
echo "ok: advanced to a live step after $((SECONDS - t0)) s; $good_total mirrored requests counted"
curl -s "$server/v1/migrations/mirror-good" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print("   history:", d["lastDecision"]["action"], "-", d["lastDecision"]["reason"][:160])'
echo "OK: parallel run of a new key end to end"
