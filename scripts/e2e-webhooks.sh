#!/usr/bin/env bash
# End to end, through the real binary: notifications and webhook gates against a local receiver
# (scripts/webhook_receiver.py) that checks every signature with the README's own Python snippet.
#
#   bash scripts/e2e-webhooks.sh [path/to/glidepath]      (default .build/release/glidepath)
#
# 1. A migration whose step 1 has a webhook gate answering 403, 403, then 200: it waits (the status
#    REASON says for what), enters the step on the 200 and is promoted; its notify receiver answers
#    the first POST with 500: every event (wait, advance, advance, promote) arrives, signed, the
#    first one retried; glidepath_notifications_total counts 4 delivered and 1 failed.
# 2. A rollback notified while its receiver is down, then the controller is killed (-9) and restarted
#    with the receiver up: delivered after the restart, once, in both formats; nothing already
#    delivered is sent again.
#
# Starts its own controller and receivers on free loopback ports and stops everything it started, by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="$(realpath "${1:-.build/release/glidepath}")"
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
e2e_setup webhooks-e2e
secret="e2e-webhook-secret"

receiver() {  # port log [--script PATH=CODES]...
  local port=$1 log=$2; shift 2
  python3 "$here/webhook_receiver.py" --port "$port" --log "$log" --secret "$secret" "$@" >"$log.out" 2>&1 &
  pids+=("$!")
  for _ in $(seq 50); do grep -q listening "$log.out" 2>/dev/null && return 0; sleep 0.1; done
  echo "FAIL receiver on $port did not start"; cat "$log.out"; exit 1
}

cp "$bin" "$work/ctl"
mkdir "$work/policies"
port=$(free_port)
server="http://127.0.0.1:$port"
export GLIDEPATH_ADMIN_TOKEN=e2e-admin GLIDEPATH_INGEST_TOKEN=e2e-ingest
export GLIDEPATH_WEBHOOK_SECRET=$secret GLIDEPATH_PUBLIC_URL="http://status.example.com:8470"
export GLIDEPATH_SERVER=$server
start_controller() {
  "$work/ctl" serve --listen "127.0.0.1:$port" --db "$work/ctl.db" --policies "$work/policies" >>"$work/ctl.log" 2>&1 &
  ctl_pid=$!
  pids+=("$ctl_pid")
  for _ in $(seq 100); do curl -sf "$server/healthz" >/dev/null && return 0; sleep 0.1; done
  cat "$work/ctl.log"; echo "FAIL controller did not start"; exit 1
}
put_policy() {  # name json
  local code
  code=$(curl -s -o "$work/put.out" -w '%{http_code}' -XPUT "$server/v1/migrations/$1" \
    -H "Authorization: Bearer $GLIDEPATH_ADMIN_TOKEN" --data-binary "$2")
  [[ $code == 201 ]] || { echo "FAIL PUT $1 answered $code: $(cat "$work/put.out")"; exit 1; }
}
state() { curl -s "$server/v1/migrations/$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
traffic() {  # migration: 40 healthy requests per arm
  python3 -c 'print("\n".join(["old 200 100", "new 200 100"] * 40))' | curl -s -o /dev/null \
    -XPOST "$server/v1/migrations/$1/observations" -H "Authorization: Bearer $GLIDEPATH_INGEST_TOKEN" \
    -H 'Content-Type: text/plain' --data-binary @-
}
metric() { curl -s "$server/metrics" | awk -v s="$1" 'index($0, s) == 1 {print $NF}'; }
log_query() {  # log python-expression-over-rows → prints the result
  python3 -c 'import json,sys; rows=[json.loads(l) for l in open(sys.argv[1])] if __import__("os").path.exists(sys.argv[1]) else []; print(eval(sys.argv[2]))' "$1" "$2"
}

# --- 1. a webhook gate and every notification of a promotion
rport=$(free_port)
receiver "$rport" "$work/r.log" --script /notify=500 --script /gate=403,403
start_controller
put_policy gp-gate '{"migration": "gp-gate", "baseline": "old", "candidate": "new", "interval": "1s",
  "judge": "threshold", "minRequests": 20,
  "steps": [{"weight": 5}, {"weight": 50, "gate": {"webhook": "http://127.0.0.1:'"$rport"'/gate"}}, {"weight": 100}],
  "notify": [{"url": "http://127.0.0.1:'"$rport"'/notify", "on": ["rollback", "promote", "advance", "wait", "stuck", "broken"]}]}'
saw_reason=""
for _ in $(seq 120); do
  traffic gp-gate
  line=$("$work/ctl" status 2>/dev/null | grep '^gp-gate' || true)
  [[ $line == *"waiting for webhook gate 127.0.0.1:$rport before step 1 (50%): last answer 403"* ]] && saw_reason=$line
  [[ $(state gp-gate) == promoted ]] && break
  sleep 0.3
done
echo "status while gated: ${saw_reason:0:160}…"
check "gp-gate: promoted once the gate answered 200" test "$(state gp-gate)" = promoted
check "gp-gate: glidepath status said what it waited for (the gate's last answer 403)" test -n "$saw_reason"
check "gate: asked 3 times, answered 403, 403, 200, stopped asking once open" \
  test "$(log_query "$work/r.log" '[r["status"] for r in rows if r["path"] == "/gate"]')" = "[403, 403, 200]"
check "gate: every question signed (README verify) with Glidepath-Event: gate" \
  test "$(log_query "$work/r.log" 'all(r["signed"] is True and r["headers"]["Glidepath-Event"] == "gate" for r in rows if r["path"] == "/gate")')" = True
check "gate: the question names the step, the next step and the revision" \
  test "$(log_query "$work/r.log" '[(b["phase"], b["step"], b["weight"], b["nextStep"], b["nextWeight"]) for b in [json.loads(r["body"]) for r in rows if r["path"] == "/gate"]][0]')" = "('waiting', 0, 5, 1, 50)"
for _ in $(seq 50); do
  [[ $(log_query "$work/r.log" 'len({r["headers"]["Glidepath-Delivery"] for r in rows if r["path"] == "/notify" and r["status"] == 200})') == 4 ]] && break
  sleep 0.2
done
events=$(log_query "$work/r.log" '[json.loads(r["body"])["event"] for r in rows if r["path"] == "/notify" and r["status"] == 200]')
echo "delivered events: $events"
check "notify: wait, advance, advance, promote delivered in order" test "$events" = "['wait', 'advance', 'advance', 'promote']"
check "notify: the first POST answered 500 was retried with the same delivery id" \
  test "$(log_query "$work/r.log" '[r["headers"]["Glidepath-Delivery"] for r in rows if r["path"] == "/notify"][0:2] == [r["headers"]["Glidepath-Delivery"] for r in rows if r["path"] == "/notify"][0:1] * 2')" = True
check "notify: every POST signed (README verify), JSON, User-Agent glidepath/…" \
  test "$(log_query "$work/r.log" 'all(r["signed"] is True and r["contentType"] == "application/json" and r["userAgent"].startswith("glidepath/") for r in rows if r["path"] == "/notify")')" = True
check "notify: the promote body links the status page and names the judge" \
  test "$(log_query "$work/r.log" '[(b["actor"], b["statusUrl"], b["weights"]) for b in [json.loads(r["body"]) for r in rows if r["path"] == "/notify"] if b["event"] == "promote"][0]')" \
  = "('judge', 'http://status.example.com:8470/migrations/gp-gate', {'old': 0, 'new': 100})"
check "metrics: 4 delivered, 1 failed" test "$(metric 'glidepath_notifications_total{migration="gp-gate",outcome="delivered"}')/$(metric 'glidepath_notifications_total{migration="gp-gate",outcome="failed"}')" = "4/1"

# --- 2. a rollback notified while the receiver is down survives kill -9
bport=$(free_port)
put_policy gp-crash '{"migration": "gp-crash", "baseline": "old", "candidate": "new", "interval": "1s",
  "steps": [{"weight": 5}, {"weight": 100}],
  "notify": [{"url": "http://127.0.0.1:'"$bport"'/json"}, {"url": "http://127.0.0.1:'"$bport"'/slack", "format": "slack"}]}'
"$work/ctl" rollback gp-crash --reason "e2e: receiver down" >/dev/null
sleep 1.5  # the first attempts fail (connection refused) and are scheduled again
check "metrics: failed attempts counted while the receiver is down" \
  python3 -c "import sys; sys.exit(0 if float('$(metric 'glidepath_notifications_total{migration="gp-crash",outcome="failed"}')' or 0) >= 2 else 1)"
kill -9 "$ctl_pid"; wait "$ctl_pid" 2>/dev/null || true
before=$(wc -l <"$work/r.log")
receiver "$bport" "$work/b.log"
start_controller
for _ in $(seq 50); do [[ $(log_query "$work/b.log" 'len(rows)') -ge 2 ]] && break; sleep 0.2; done
sleep 1
check "after kill -9 and restart: the rollback delivered once to each target" \
  test "$(log_query "$work/b.log" 'sorted((r["path"], r["status"]) for r in rows)')" = "[('/json', 200), ('/slack', 200)]"
check "after restart: the JSON body is the operator's rollback, signed" \
  test "$(log_query "$work/b.log" '[(b["event"], b["actor"], b["reason"].endswith("e2e: receiver down"), r["signed"]) for r in rows if r["path"] == "/json" for b in [json.loads(r["body"])]][0]')" = "('rollback', 'operator', True, True)"
check "after restart: the Slack body is one text line" \
  test "$(log_query "$work/b.log" '[sorted(json.loads(r["body"]).keys()) for r in rows if r["path"] == "/slack"][0]')" = "['text']"
check "after restart: nothing already delivered was sent again" test "$(wc -l <"$work/r.log")" = "$before"

echo "passed $passes, failed $failures"
[[ $failures == 0 ]] || { echo "--- controller log"; tail -40 "$work/ctl.log"; exit 1; }
