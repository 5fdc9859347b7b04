#!/usr/bin/env bash
# Lifecycle end to end on the release binary: delete, the archive, deleted files staying deleted,
# serve --prune (GitOps) and history retention.
#
#   bash scripts/e2e-lifecycle.sh [path/to/glidepath]      (default .build/release/glidepath)
#
#   1. a rolled-back migration deleted with the CLI: 200, its weights answer 404, every series with its
#      label leaves /metrics, status and the status page no longer list it, history --archived shows its
#      decisions; deleting a live one answers 409 and changes nothing; no token answers 401. A Python
#      shim that polled it keeps routing to the baseline through the 404s, and one started after the
#      delete routes to its default arm, the baseline.
#   2. restarted with its file unchanged in --policies: it stays deleted; the file edited: it starts
#      fresh, its revision above the archived one.
#   3. serve --prune with files removed: a promoted one is deleted, a ramping one rolled back (and
#      deleted at the next --prune start).
#   4. --history-max-decisions 1: the retention job leaves one decision per migration.
# Stops everything it started (by pid). Exit 0 when every check passes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(realpath "${1:-.build/release/glidepath}")"
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
e2e_setup glidepath-e2e-lifecycle

cp "$bin" "$work/ctl"   # a private copy: stopping it can never touch another controller
mkdir "$work/policies"
port=$(free_port)
server="http://127.0.0.1:$port"
export GLIDEPATH_SERVER="$server" GLIDEPATH_ADMIN_TOKEN=e2e-admin GLIDEPATH_INGEST_TOKEN=e2e-ingest
auth=(-H "Authorization: Bearer $GLIDEPATH_ADMIN_TOKEN")
ctl_pid=""

policy() {  # name [bake]
  printf '{"migration": "%s", "baseline": "old", "candidate": "new", "interval": "1s", "pollAfter": "1s",\n' "$1"
  printf ' "minRequests": 20,\n'
  printf ' "steps": [{"weight": 10, "bake": "%s"}, {"weight": 100}]}\n' "${2:-10m}"
}
for m in alpha beta gamma; do policy "$m" >"$work/policies/$m.json"; done

start() {  # extra serve flags...
  "$work/ctl" serve --listen "127.0.0.1:$port" --db "$work/ctl.db" --policies "$work/policies" "$@" \
    >>"$work/ctl.log" 2>&1 &
  ctl_pid=$!
  pids+=("$ctl_pid")
  for _ in $(seq 100); do curl -sf "$server/readyz" >/dev/null && return 0; sleep 0.1; done
  echo "controller not ready"; tail -20 "$work/ctl.log"; exit 1
}
stop() { kill "$ctl_pid"; wait "$ctl_pid" 2>/dev/null || true; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
series() { curl -s "$server/metrics" | grep -c "migration=\"$1\"" || true; }
state() { curl -s "$server/v1/migrations/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
revision() { curl -s "$server/v1/migrations/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["revision"])'; }
decisions() { "$work/ctl" history "$1" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

echo "== 1. delete a rolled-back migration; a live one is refused"
start
printf 'old 200 12\nnew 500 30\nnew 200 15\n' | curl -sf -o /dev/null -H "Authorization: Bearer e2e-ingest" \
  -H 'Content-Type: text/plain' --data-binary @- "$server/v1/migrations/alpha/observations"
"$work/ctl" rollback alpha --reason "e2e" >/dev/null
# A shim polling alpha (every second) across the delete, then a fresh one: where do they route?
PYTHONPATH="$root/shims/python" python3 - "$server" "$work" >"$work/shim.out" 2>"$work/shim.err" <<'PY' &
import json, os, sys, time
from glidepath_shim import GlidepathShim
server, work = sys.argv[1], sys.argv[2]
events = []
old = GlidepathShim(server, "alpha", baseline="old", candidate="new", ingest_token="e2e-ingest",
                    on_event=lambda kind, data: events.append((kind, data))).start()
ok = old.wait_for_weights(10) and old.weights.revision == 2
open(work + "/shim.ready", "w").close()
for _ in range(300):
    if os.path.exists(work + "/shim.go"): break
    time.sleep(0.1)
time.sleep(2.5)  # at least two polls answered 404
saw404 = any(k == "poll_failed" and "404" in str(d.get("reason", "")) for k, d in events)
routes_old = {str(old.route("k%d" % i)) for i in range(200)}
fresh = GlidepathShim(server, "alpha", baseline="old", candidate="new").start()
time.sleep(1.5)
routes_fresh = {str(fresh.route("k%d" % i)) for i in range(200)}
print(json.dumps({"sawWeights": ok, "saw404": saw404, "old": sorted(routes_old), "fresh": sorted(routes_fresh)}))
old.stop(flush=False); fresh.stop(flush=False)
PY
pids+=("$!")
shim_pid=$!
for _ in $(seq 100); do [[ -e $work/shim.ready ]] && break; sleep 0.1; done
check "alpha has series in /metrics before the delete" test "$(series alpha)" -gt 20
check "a delete without the token answers 401" test "$(code -X DELETE "$server/v1/migrations/alpha")" = 401
check "glidepath delete alpha succeeds" "$work/ctl" delete alpha --reason "finished" --actor e2e@ci
check "no series with migration=\"alpha\" is left in /metrics" test "$(series alpha)" = 0
check "beta's series are still there" test "$(series beta)" -gt 20
check "alpha's weights answer 404" test "$(code "$server/v1/migrations/alpha/weights")" = 404
check "status no longer lists alpha" bash -c "! '$work/ctl' status | grep -q alpha"
check "the status page no longer shows alpha" bash -c "! curl -s '$server/' | grep -q alpha"
"$work/ctl" history alpha --archived >"$work/archived.txt"
check "history --archived shows the rollback and the creation" \
  bash -c "grep -q 'rollback' '$work/archived.txt' && grep -q 'created' '$work/archived.txt'"
check "history --archived says who deleted it and in which state" \
  grep -q "deleted .* by e2e@ci, rolled_back at revision 2" "$work/archived.txt"
touch "$work/shim.go"
wait "$shim_pid" || true
echo "shims: $(cat "$work/shim.out") $(tail -3 "$work/shim.err")"
check "a shim that polled alpha saw its weights, then 404s, and still routes to the baseline" \
  grep -q '"sawWeights": true, "saw404": true, "old": \["old"\]' "$work/shim.out"
check "a shim started after the delete routes to its default arm, the baseline" \
  grep -q '"fresh": \["old"\]' "$work/shim.out"
check "a second delete answers 404" test "$(code -X DELETE "${auth[@]}" "$server/v1/migrations/alpha")" = 404
out=$("$work/ctl" delete beta 2>&1 || true)
check "deleting ramping beta answers 409 naming its phase" grep -q "409: migration \"beta\" is ramping" <<<"$out"
check "beta is still ramping" test "$(state beta)" = ramping

echo "== 2. restarts: an unchanged file stays deleted, an edited one starts fresh"
stop
start
check "alpha stays deleted with its file unchanged" test "$(code "$server/v1/migrations/alpha/weights")" = 404
check "the log says why" grep -q "migration alpha was deleted at .* and this file is unchanged since" "$work/ctl.log"
stop
policy alpha 20m >"$work/policies/alpha.json"
start
check "the edited file starts alpha again" test "$(state alpha)" = ramping
check "its revision continues above the archived one (2)" test "$(revision alpha)" = 3

echo "== 3. serve --prune"
"$work/ctl" promote gamma >/dev/null
stop
rm "$work/policies/beta.json" "$work/policies/gamma.json"
start --prune
check "promoted gamma, its file gone, is deleted" test "$(code "$server/v1/migrations/gamma/weights")" = 404
check "ramping beta, its file gone, is rolled back" test "$(state beta)" = rolled_back
check "the log says beta was rolled back, not deleted" grep -q "migration beta: .*a live migration is not deleted" "$work/ctl.log"
check "gamma's history is archived" bash -c "'$work/ctl' history gamma --archived | grep -q promote"
stop
start --prune
check "the next --prune start deletes beta" test "$(code "$server/v1/migrations/beta/weights")" = 404
check "alpha (file present) is untouched" test "$(state alpha)" = ramping

echo "== 4. --history-max-decisions 1"
"$work/ctl" pause alpha >/dev/null
"$work/ctl" resume alpha >/dev/null
check "alpha has 3 decisions" test "$(decisions alpha)" = 3
stop
start --history-max-decisions 1
for _ in $(seq 50); do [[ $(decisions alpha) == 1 ]] && break; sleep 0.1; done
check "the retention job leaves alpha's newest decision only" test "$(decisions alpha)" = 1
check "and it is the resume" bash -c "'$work/ctl' history alpha | grep -q resume"
check "the archive is capped too" test "$("$work/ctl" history beta --archived --json \
  | python3 -c 'import json,sys; print(max(len(a["decisions"]) for a in json.load(sys.stdin)))')" = 1
stop

echo "$passes passed, $failures failed"
[[ $failures == 0 ]]
