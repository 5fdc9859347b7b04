#!/usr/bin/env bash
# End to end, through the real binary and a web app using the Python shim: policies/header-canary.json
# (testers first: `X-Canary: always` and a `canary=1` cookie force the candidate, the QA merchant too even
# after a rollback; premium merchants stay on the baseline).
#
#   bash scripts/e2e-overrides.sh [path/to/glidepath]      (default .build/release/glidepath)
#
# Applies the policy with `glidepath apply`, starts shims/python/examples/header_canary_app.py and sends it
# real HTTP requests with headers and cookies. Checks: the weights document carries the rules; forced
# requests reach the candidate at weight 5 %, premium ones the baseline, the rest split ~5 % by bucket;
# forced requests count in glidepath_forced_requests_total and NOT in glidepath_requests_total (the judge's
# evidence); after `glidepath rollback` the header rule no longer applies while the QA merchant's
# (evenWhenRolledBack) and the premium rule still do. Stops everything it started, by pid.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
bin="$(realpath "${1:-.build/release/glidepath}")"
work="$(mktemp -d /tmp/overrides-e2e.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0 passes=0
check() {  # description, then a command that must succeed (prefixed by the seconds since the start)
  local what="$1"; shift
  if "$@"; then echo "ok   $what ($((SECONDS - started)) s)"; passes=$((passes + 1)); else echo "FAIL $what"; failures=$((failures + 1)); fi
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
started=$SECONDS

cp "$bin" "$work/ctl"
mkdir "$work/policies"
port=$(free_port)
server="http://127.0.0.1:$port"
export GLIDEPATH_INGEST_TOKEN=e2e-ingest GLIDEPATH_ADMIN_TOKEN=e2e-admin GLIDEPATH_SERVER="$server"
"$work/ctl" serve --listen "127.0.0.1:$port" --db "$work/ctl.db" --policies "$work/policies" >"$work/ctl.log" 2>&1 &
pids+=("$!")
for _ in $(seq 100); do curl -sf "$server/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$server/readyz" >/dev/null || { cat "$work/ctl.log"; echo "FAIL controller not ready"; exit 1; }

"$work/ctl" apply "$root/policies/header-canary.json" --actor e2e >/dev/null
doc=$(curl -s "$server/v1/migrations/header-canary/weights")
rules='"overrides":[{"keys":["merchant-qa-1"],"arm":"candidate","evenWhenRolledBack":true},'
rules+='{"attribute":"header:x-canary","equals":"always","arm":"candidate"},'
rules+='{"attribute":"cookie:canary","equals":"1","arm":"candidate"},'
rules+='{"attribute":"segment","in":["premium"],"arm":"baseline"}]}'
check "the weights document ends with the policy's rules (header name lower-cased)" \
  grep -qF '"weights":{"legacy":95,"next":5}' <<<"$doc"
check "  ... exactly as pinned, after breaker" grep -qF "\"openSeconds\":30},$rules" <<<"$doc"

python3 "$root/shims/python/examples/header_canary_app.py" --server "$server" --migration header-canary \
  --baseline legacy --candidate next --ingest-token "$GLIDEPATH_INGEST_TOKEN" >"$work/app.out" 2>"$work/app.err" &
pids+=("$!")
for _ in $(seq 100); do [[ -s "$work/app.out" ]] && break; sleep 0.1; done
app="http://127.0.0.1:$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["port"])' "$work/app.out")"

# Sends requests to the app; prints {"<label>": {"<arm>/<forced>": count}}.
drive() {  # python literal list of (label, count, merchant-format, headers)
  python3 - "$app" "$1" <<'PY'
import ast, http.client, json, sys, urllib.parse
app = urllib.parse.urlsplit(sys.argv[1])
conn = http.client.HTTPConnection(app.hostname, app.port, timeout=10)
out = {}
for label, count, merchant, headers in ast.literal_eval(sys.argv[2]):
    seen = out.setdefault(label, {})
    for i in range(count):
        key = merchant % i if "%" in merchant else merchant
        conn.request("GET", "/chat?merchant=" + urllib.parse.quote(key), headers=headers)
        r = json.loads(conn.getresponse().read())
        k = "%s/%s" % (r["arm"], "forced" if r["forced"] else "bucket")
        seen[k] = seen.get(k, 0) + 1
print(json.dumps(out, sort_keys=True))
PY
}
wait_state() {  # state: until the app's shim sees it (the policy polls every 5 s)
  for _ in $(seq 150); do
    [[ $(curl -s "$app/state" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])') == "$1" ]] && return 0
    sleep 0.1
  done
  return 1
}
metric_sum() {  # series prefix → sum of the values of the matching lines
  curl -s "$server/metrics" | awk -v s="$1" 'index($0, s) == 1 {t += $NF} END {printf "%d\n", t}'
}
wait_metric() {  # prefix expected
  for _ in $(seq 100); do [[ $(metric_sum "$1") == "$2" ]] && return 0; sleep 0.1; done
  echo "     $1 is $(metric_sum "$1"), expected $2"; return 1
}
share_between() {  # json label low high: the label's share on "next/bucket", in percent
  python3 -c '
import json, sys
d = json.loads(sys.argv[1])[sys.argv[2]]
n = sum(d.values()); c = d.get("next/bucket", 0)
print("     %s: %d of %d on the candidate by bucket (%.1f %%)" % (sys.argv[2], c, n, 100.0 * c / n))
sys.exit(0 if float(sys.argv[3]) <= 100.0 * c / n <= float(sys.argv[4]) and set(d) <= {"next/bucket", "legacy/bucket"} else 1)
' "$@"
}
forced=glidepath_forced_requests_total
check "the app's shim has the weights" wait_state ramping

counts=$(drive '[("header", 300, "standard-h%d", {"X-Canary": "always"}),
                 ("cookie", 200, "standard-c%d", {"Cookie": "theme=dark; canary=1"}),
                 ("premium", 200, "premium-%d", {}),
                 ("qa", 20, "merchant-qa-1", {}),
                 ("plain", 3000, "standard-%d", {"X-Canary": "sometimes", "Cookie": "canary=0"})]')
echo "     ramping at 5 %: $counts"
field() { python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1])[sys.argv[2]], sort_keys=True))' "$counts" "$1"; }
check "X-Canary: always forces the candidate (300 of 300)" [ "$(field header)" == '{"next/forced": 300}' ]
check "a canary=1 cookie forces the candidate (200 of 200)" [ "$(field cookie)" == '{"next/forced": 200}' ]
check "premium merchants are forced to the baseline (200 of 200)" [ "$(field premium)" == '{"legacy/forced": 200}' ]
check "the QA merchant is forced to the candidate" [ "$(field qa)" == '{"next/forced": 20}' ]
check "the other requests split by bucket around the 5 % weight (3-7.5 %)" share_between "$counts" plain 3 7.5
check "glidepath_forced_requests_total counts 520 forced to the candidate" \
  wait_metric "$forced{migration=\"header-canary\",arm=\"next\"}" 520
check "  ... and 200 forced to the baseline" wait_metric "$forced{migration=\"header-canary\",arm=\"legacy\"}" 200
check "glidepath_requests_total (the evidence) holds exactly the 3000 unforced requests" \
  wait_metric 'glidepath_requests_total{migration="header-canary"' 3000
plain_next=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["plain"].get("next/bucket", 0))' "$counts")
check "  ... of which the candidate's are the bucket's $plain_next" \
  wait_metric 'glidepath_requests_total{migration="header-canary",arm="next"' "$plain_next"

"$work/ctl" rollback header-canary --reason "e2e: overrides after a rollback" --actor e2e >/dev/null
check "the app's shim sees the rollback" wait_state rolled_back
counts=$(drive '[("header", 100, "standard-h%d", {"X-Canary": "always"}),
                 ("cookie", 50, "standard-c%d", {"Cookie": "canary=1"}),
                 ("premium", 50, "premium-%d", {}),
                 ("qa", 30, "merchant-qa-1", {"X-Canary": "always"})]')
echo "     rolled back: $counts"
check "rolled back: X-Canary: always no longer applies (baseline, not forced)" [ "$(field header)" == '{"legacy/bucket": 100}' ]
check "rolled back: neither does the cookie" [ "$(field cookie)" == '{"legacy/bucket": 50}' ]
check "rolled back: premium is still forced to the baseline" [ "$(field premium)" == '{"legacy/forced": 50}' ]
check "rolled back: the QA merchant's rule (evenWhenRolledBack) still forces the candidate" \
  [ "$(field qa)" == '{"next/forced": 30}' ]
check "forced counts: 550 candidate, 250 baseline" \
  wait_metric "$forced{migration=\"header-canary\",arm=\"next\"}" 550
check "  ... baseline 250" wait_metric "$forced{migration=\"header-canary\",arm=\"legacy\"}" 250
check "the evidence grew by the 150 unforced requests only" \
  wait_metric 'glidepath_requests_total{migration="header-canary"' 3150

echo "overrides e2e: $passes passed, $failures failed ($((SECONDS - started)) s)"
[[ $failures == 0 ]] || { echo "--- controller log"; tail -20 "$work/ctl.log"; echo "--- app stderr"; tail -20 "$work/app.err"; exit 1; }
