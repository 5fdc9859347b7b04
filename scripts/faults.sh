#!/usr/bin/env bash
# Fault injection against the real release binary: the world is not kind, the decisions must still hold.
#
#   bash scripts/faults.sh [BINARY]          (default .build/release/glidepath; needs root: mount)
#
# Scenarios (each prints PASS name / FAIL name: what was seen; a final "N passed, N failed" line; exit 1
# on any failure):
#   store-full   the database on a 2 MiB tmpfs filled with dd while migrations run
#   store-ro     the database's filesystem remounted read-only after a kill -9, controller restarted on it
#                (a live rw->ro remount is refused with EBUSY while SQLite holds the file open for writing)
#       both: a candidate failing 100 % is rolled back in the served weights at once; /readyz 503 with a
#       reason; glidepath_store_up 0 and glidepath_store_errors_total{op} > 0; operator rollback 200,
#       operator advance 503 with a plain sentence; one log line, not one per round; after recovery the
#       pending rollbacks are written (history, restart), store_up 1, /readyz 200.
#   clock-back   libfaketime steps the wall clock -1 h during a ramp, then the candidate fails: rolled back
#   clock-fwd    +2 h during a 10-minute bake with maxHold 1h, onStuck rollback: neither rolled back nor
#                advanced by the step
#   slowloris    500 connections dripping a request head: each answered 408 or closed within the 10 s
#                request timeout; a normal client is served meanwhile with low latency
#   flood        idle sockets past the connection cap: refused at once, the judge still rolls back a
#                failing candidate during the flood (its self-scrape works), no EMFILE, served after
#
# FAULTS_ONLY="store-full clock-back" runs a subset. Everything listens on 127.0.0.1 on free ports; every
# process started here is stopped by PID and every tmpfs mounted here is unmounted (umount -l) at exit.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-${BIN:-.build/release/glidepath}}
BIN=$(realpath "$BIN")
[ -x "$BIN" ] || { echo "usage: $0 BINARY (not executable: $BIN)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "faults.sh needs root (it mounts tmpfs filesystems)" >&2; exit 2; }
for c in curl jq python3 faketime; do
    command -v "$c" >/dev/null || { echo "faults.sh needs $c (apt-get install curl jq python3 faketime)" >&2; exit 2; }
done
FAKETIME_LIB=${FAKETIME_LIB:-$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -1)}
HERE=$PWD/scripts
WORK=$(mktemp -d /tmp/glidepath-faults.XXXXXX)
ADMIN=faults-admin-token
INGEST=faults-ingest-token
ONLY=${FAULTS_ONLY:-store-full store-ro clock-back clock-fwd slowloris flood}
SERVER_PID=""
SERVE_EXTRA=()   # extra `serve` flags for the next start
FAULT_MARK=0     # the server log's line count when a store fault was injected
RECOVERY_MARK=0  # the server log's line count when a store fault was removed
PORT=""
LOG=""
MOUNTS=()
passed=0
failed=0
failed_names=()

cleanup() {
    stop_server KILL
    for m in "${MOUNTS[@]:-}"; do
        [ -n "$m" ] && { mount -o remount,rw "$m" 2>/dev/null; umount -l "$m" 2>/dev/null; }
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { # the evidence on one line, at most 400 characters
    local seen=${2//$'\n'/ }
    [ ${#seen} -le 400 ] || seen="${seen:0:400}..."
    echo "FAIL $1: $seen"; failed=$((failed + 1)); failed_names+=("$1")
}
# check NAME CONDITION-EXIT-CODE WHAT-WAS-SEEN
check() { if [ "$2" -eq 0 ]; then pass "$1"; else fail "$1" "$3"; fi; }
note() { echo "   $*"; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# launch DB POLICIES [PREFIX...]: starts `serve` on $PORT, logging to $LOG, and waits for /healthz.
# PREFIX is a command prefix (env, timeout, ulimit wrapper).
launch() {
    local db=$1 pol=$2; shift 2
    GLIDEPATH_ADMIN_TOKEN=$ADMIN GLIDEPATH_INGEST_TOKEN=$INGEST \
        "$@" "$BIN" serve --listen "127.0.0.1:$PORT" --db "$db" --policies "$pol" "${SERVE_EXTRA[@]}" 2>>"$LOG" &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -sf --max-time 1 "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    note "server did not come up on port $PORT; log:"; tail -5 "$LOG" | sed 's/^/     /'
    stop_server KILL
    return 1
}

# start_server DB POLICIES [PREFIX...]: a new server on a free port with a log of its own.
start_server() {
    PORT=$(free_port)
    LOG=$WORK/server-$PORT.log
    launch "$@"
}

# restart_same DB POLICIES [PREFIX...]: a new process on the same port (the checks' URLs stay valid).
restart_same() {
    local keep=$PORT
    stop_server TERM
    PORT=$keep
    launch "$@"
}

# stop_server TERM|KILL: stops the process started last and, when it is a `timeout` wrapper, the
# controller it runs (its child, found by PID: `timeout` forwards TERM but not KILL).
stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    local children; children=$(ps -o pid= --ppid "$SERVER_PID" 2>/dev/null | tr -d ' ')
    if [ "${1:-TERM}" = KILL ]; then
        for c in $children; do kill -KILL "$c" 2>/dev/null; done
        kill -KILL "$SERVER_PID" 2>/dev/null
    else
        kill -TERM "$SERVER_PID" 2>/dev/null
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        for c in $children; do kill -KILL "$c" 2>/dev/null; done
        kill -KILL "$SERVER_PID" 2>/dev/null
    fi
    wait "$SERVER_PID" 2>/dev/null
    SERVER_PID=""
}

url() { echo "http://127.0.0.1:$PORT$1"; }
# req METHOD PATH [curl args...]: prints the status code, the body goes to $WORK/body
req() {
    local m=$1 p=$2; shift 2
    curl -s --max-time 5 -o "$WORK/body" -w '%{http_code}' -X "$m" "$@" "$(url "$p")" || true
}
admin() { # admin NAME ACTION REASON -> code
    req POST "/v1/migrations/$1/$2" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
        --data "{\"reason\": \"$3\"}"
}
weights() { curl -s --max-time 5 "$(url "/v1/migrations/$1/weights")"; }
# field NAME JQ: a field of the served weights document
field() { weights "$1" | jq -r "$2" 2>/dev/null; }
status_json() { curl -s --max-time 5 "$(url "/v1/migrations/$1")"; }
metrics() { curl -s --max-time 5 "$(url /metrics)"; }
# metric_sum REGEX: the sum of every sample whose name{labels} matches REGEX (empty if none)
metric_sum() { metrics | awk -v re="$1" '$0 !~ /^#/ && $1 ~ re { s += $2; n++ } END { if (n) print s }'; }
post_lines() { # post_lines NAME FILE -> code
    curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $INGEST" \
        -H 'Content-Type: text/plain' --data-binary @"$2" "$(url "/v1/migrations/$1/observations")" || true
}
lines() { # lines BASELINE CANDIDATE CANDIDATE_STATUS N > file
    awk -v b="$1" -v c="$2" -v cs="$3" -v n="$4" 'BEGIN { for (i = 0; i < n; i++) {
        printf "%s 200 %d\n%s %d %d\n", b, 90 + i % 40, c, cs, 90 + (i * 7) % 40 } }'
}
# feed SECONDS NAME FILE [NAME FILE...]: posts each file every 0.3 s for SECONDS
feed() {
    local until=$((SECONDS + $1)); shift
    while [ $SECONDS -lt "$until" ]; do
        local args=("$@")
        while [ ${#args[@]} -ge 2 ]; do post_lines "${args[0]}" "${args[1]}" >/dev/null; args=("${args[@]:2}"); done
        sleep 0.3
    done
}
# drive_until SECONDS NAME FILE JQ-PREDICATE: posts FILE until the weights document satisfies the predicate;
# prints the seconds it took, or nothing
drive_until() {
    local t0; t0=$(date +%s%N)
    local until=$((SECONDS + $1))
    while [ $SECONDS -lt "$until" ]; do
        post_lines "$2" "$3" >/dev/null
        if [ "$(weights "$2" | jq -r "$4" 2>/dev/null)" = true ]; then
            local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
            printf '%d.%01d\n' $((ms / 1000)) $((ms % 1000 / 100))
            return 0
        fi
        sleep 0.3
    done
    return 1
}
# wait_for SECONDS COMMAND...: retries COMMAND every 0.25 s until it succeeds
wait_for() {
    local until=$((SECONDS + $1)); shift
    while [ $SECONDS -lt "$until" ]; do "$@" && return 0; sleep 0.25; done
    return 1
}
iso_epoch() { python3 -c 'import sys, datetime; print(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp())' "$1"; }
# store_lines_since FILE MARK: lines logged after line MARK that are errors or speak of the store (decisions aside)
STORE_WORDS='\bstore\b|database|sqlite|disk|read-?only|saving|persist|\bwrite'
store_lines_since() {
    tail -n +"$(( $2 + 1 ))" "$1" | grep -v ' decision ' | grep -ciE " error |$STORE_WORDS" || true
}

policy() { # policy DIR NAME BASELINE CANDIDATE STEPS-JSON [EXTRA-JSON-MEMBERS]
    mkdir -p "$1"
    cat > "$1/$2.json" <<JSON
{"migration": "$2", "baseline": "$3", "candidate": "$4", "interval": "1s", "pollAfter": "1s",
 "steps": $5, "minRequests": 20${6:+, $6}}
JSON
}
enabled() { [[ " $ONLY " == *" $1 "* ]]; }

# ------------------------------------------------------------------------------------ store faults

# store_checks MODE: the assertions while the store fails (MODE: full or ro); migrations sf-judge,
# sf-op and sf-adv exist and ramp at step 0.
store_checks() {
    local mode=$1 t0 code body mark=$FAULT_MARK
    local fail_started=$SECONDS

    # The judge's rollback is served even though it cannot be written.
    lines base cand 503 200 > "$WORK/fail.txt"
    if t0=$(drive_until 30 sf-judge "$WORK/fail.txt" '.state == "rolled_back" and .weights.cand == 0'); then
        pass "store-$mode: judge rollback served (${t0}s)"
    else
        fail "store-$mode: judge rollback served" "after 30 s of a 100 % failing candidate: $(weights sf-judge | jq -c '{revision, state, step, weights}')"
    fi
    SERVED_REV_JUDGE=$(field sf-judge .revision)

    code=$(req GET /readyz); body=$(tr -d '\n' < "$WORK/body")
    if [ "$code" = 503 ] && grep -qiE 'store|database|disk|read-only|readonly|full' "$WORK/body" \
        && ! grep -qiE 'sqlite|\.swift:' "$WORK/body"; then
        pass "store-$mode: /readyz 503 with a reason ($body)"
    else
        fail "store-$mode: /readyz 503 with a reason" "$code '$body'"
    fi

    local up errs
    up=$(metric_sum '^glidepath_store_up$')
    errs=$(metric_sum '^glidepath_store_errors_total[{].*op=')
    [ "$up" = 0 ]; check "store-$mode: glidepath_store_up 0" $? "glidepath_store_up='${up:-absent}'"
    [ -n "$errs" ] && awk -v e="$errs" 'BEGIN { exit !(e > 0) }'
    check "store-$mode: glidepath_store_errors_total{op} > 0" $? "sum='${errs:-absent}' ($(metrics | grep -c '^glidepath_store_errors_total') series)"

    # Operator rollback: served at once (pending); operator advance: refused with a plain sentence.
    code=$(admin sf-op rollback "faults: store $mode, operator rollback")
    [ "$code" = 200 ] && [ "$(field sf-op '.weights.cand')" = 0 ]
    check "store-$mode: operator rollback 200 and served" $? "code $code, body $(head -c 300 "$WORK/body"), served $(weights sf-op | jq -c '{revision, state, weights}')"
    SERVED_REV_OP=$(field sf-op .revision)
    local before_adv; before_adv=$(weights sf-adv | jq -c '{revision, state, step, weights}')
    code=$(admin sf-adv advance "faults: store $mode, advance must wait for the store")
    body=$(head -c 600 "$WORK/body")
    if [ "$code" = 503 ] && ! grep -qiE 'sqlite|\.swift:|SQL' "$WORK/body" && jq -e '.error | type == "string" and length > 10' "$WORK/body" >/dev/null 2>&1; then
        pass "store-$mode: operator advance 503 with a plain sentence"
    else
        fail "store-$mode: operator advance 503 with a plain sentence" "$code $body"
    fi
    [ "$(weights sf-adv | jq -c '{revision, state, step, weights}')" = "$before_adv" ]
    check "store-$mode: advance not served before it is durable" $? "before $before_adv, now $(weights sf-adv | jq -c '{revision, state, step, weights}')"

    # Keep the store failing for at least 8 s (32 rounds), then count the log lines (decision lines aside).
    while [ $((SECONDS - fail_started)) -lt 8 ]; do feed 1 sf-adv "$WORK/ok.txt"; done
    local n; n=$(store_lines_since "$LOG" "$mark")
    if [ "$n" -ge 1 ] && [ "$n" -le 6 ]; then
        pass "store-$mode: the failure is logged once ($n lines about the store in $((SECONDS - fail_started)) s)"
    else
        fail "store-$mode: the failure is logged once" "$n error or store lines in $((SECONDS - fail_started)) s, e.g. $(tail -n +"$((mark + 1))" "$LOG" | grep -v ' decision ' | grep -iE " error |$STORE_WORDS" | head -1 | cut -c1-200)"
    fi
}

# recovery_checks MODE DB POLICIES: the store works again; pending rollbacks are written and survive a restart
recovery_checks() {
    local mode=$1 db=$2 pol=$3
    if wait_for 20 bash -c "[ \"\$(curl -s --max-time 2 $(url /metrics) | awk '\$1 == \"glidepath_store_up\" {print \$2}')\" = 1 ]"; then
        pass "store-$mode: glidepath_store_up back to 1"
    else
        fail "store-$mode: glidepath_store_up back to 1" "glidepath_store_up='$(metric_sum '^glidepath_store_up$')' 20 s after recovery"
    fi
    if wait_for 20 bash -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 $(url /readyz))\" = 200 ]"; then
        pass "store-$mode: /readyz 200 after recovery"
    else
        fail "store-$mode: /readyz 200 after recovery" "$(req GET /readyz) $(head -c 200 "$WORK/body")"
    fi
    sleep 2   # a round or more: the pending decisions are retried every round
    # (grep -c, not grep -q: with pipefail an early exit would fail the pipeline through SIGPIPE)
    [ "$(tail -n +"$((RECOVERY_MARK + 1))" "$LOG" | grep -v ' decision ' \
        | grep -iE "$STORE_WORDS" | grep -ciE 'recover|again|back|writable|works|\bup\b')" -gt 0 ]
    check "store-$mode: the recovery is logged" $? "no line saying the store works again since the fault was removed"
    local name served_rev
    for name in sf-judge sf-op; do
        served_rev=$([ $name = sf-judge ] && echo "$SERVED_REV_JUDGE" || echo "$SERVED_REV_OP")
        req GET "/v1/migrations/$name/decisions?limit=20" -H "Authorization: Bearer $ADMIN" >/dev/null
        jq -e --arg r "$served_rev" '[.[] | select(.action == "rollback" and (.revision | tostring) == $r)] | length == 1' "$WORK/body" >/dev/null 2>&1
        check "store-$mode: $name pending rollback written (the revision served during the failure, $served_rev, is a rollback in history)" $? \
            "decisions: $(jq -c '[.[] | {revision, action, actor}]' "$WORK/body" 2>/dev/null | head -c 300)"
    done
    if restart_same "$db" "$pol"; then
        for name in sf-judge sf-op; do
            served_rev=$([ $name = sf-judge ] && echo "$SERVED_REV_JUDGE" || echo "$SERVED_REV_OP")
            local doc; doc=$(weights $name | jq -c '{revision, state, weights}')
            [ "$(jq -r '"\(.state) \(.weights.cand) \(.revision)"' <<<"$doc")" = "rolled_back 0 $served_rev" ]
            check "store-$mode: $name still rolled back after restart, same revision" $? "served $served_rev before; after restart $doc"
        done
        GLIDEPATH_ADMIN_TOKEN=$ADMIN "$BIN" history sf-judge --server "$(url '')" --limit 3 > "$WORK/hist.txt" 2>&1
        grep -qi rollback "$WORK/hist.txt"
        check "store-$mode: glidepath history shows the rollback" $? "$(head -3 "$WORK/hist.txt")"
    else
        fail "store-$mode: restart after recovery" "the controller did not start again on the recovered database"
    fi
}

store_setup() { # store_setup POLICIES
    policy "$1" sf-judge base cand '[{"weight": 10, "bake": "1h"}, {"weight": 50, "bake": "1h"}, {"weight": 100}]'
    policy "$1" sf-op base cand '[{"weight": 10, "bake": "1h"}, {"weight": 50, "bake": "1h"}, {"weight": 100}]'
    policy "$1" sf-adv base cand '[{"weight": 10, "bake": "1h"}, {"weight": 50, "bake": "1h"}, {"weight": 100}]'
    lines base cand 200 100 > "$WORK/ok.txt"
}

scenario_store_full() {
    echo "== store-full: the database on a full 2 MiB tmpfs"
    local mnt=$WORK/mnt-full pol=$WORK/pol-full
    mkdir -p "$mnt"
    mount -t tmpfs -o size=2m tmpfs "$mnt" || { fail "store-full: mount tmpfs" "mount failed"; return; }
    MOUNTS+=("$mnt")
    store_setup "$pol"
    start_server "$mnt/glidepath.db" "$pol" || { fail "store-full: start" "no server"; return; }
    feed 3 sf-judge "$WORK/ok.txt" sf-op "$WORK/ok.txt" sf-adv "$WORK/ok.txt"
    [ "$(req GET /readyz)" = 200 ]
    check "store-full: /readyz 200 before the fault" $? "readyz $(req GET /readyz) $(head -c 100 "$WORK/body")"
    [ "$(metric_sum '^glidepath_store_up$')" = 1 ]
    check "store-full: glidepath_store_up 1 before the fault" $? "glidepath_store_up='$(metric_sum '^glidepath_store_up$')'"
    FAULT_MARK=$(wc -l < "$LOG")
    dd if=/dev/zero of="$mnt/fill" bs=4k >/dev/null 2>&1
    note "filled: $(df -k --output=avail "$mnt" | tail -1 | tr -d ' ') KiB left"
    store_checks full
    RECOVERY_MARK=$(wc -l < "$LOG")
    rm -f "$mnt/fill"
    note "space freed: $(df -k --output=avail "$mnt" | tail -1 | tr -d ' ') KiB left"
    recovery_checks full "$mnt/glidepath.db" "$pol"
    stop_server TERM
    umount -l "$mnt"
}

scenario_store_ro() {
    echo "== store-ro: the database's filesystem read-only after a kill -9"
    local mnt=$WORK/mnt-ro pol=$WORK/pol-ro
    mkdir -p "$mnt"
    mount -t tmpfs -o size=8m tmpfs "$mnt" || { fail "store-ro: mount tmpfs" "mount failed"; return; }
    MOUNTS+=("$mnt")
    store_setup "$pol"
    start_server "$mnt/glidepath.db" "$pol" || { fail "store-ro: start" "no server"; return; }
    feed 3 sf-judge "$WORK/ok.txt" sf-op "$WORK/ok.txt" sf-adv "$WORK/ok.txt"
    local keep=$PORT
    stop_server KILL
    if ! mount -o remount,ro "$mnt"; then fail "store-ro: remount read-only" "mount -o remount,ro failed"; return; fi
    PORT=$keep
    FAULT_MARK=$(wc -l < "$LOG")
    if restart_same "$mnt/glidepath.db" "$pol"; then
        pass "store-ro: starts on a read-only database"
    else
        fail "store-ro: starts on a read-only database" "$(grep ' error ' "$LOG" | tail -1 | cut -c1-200)"
        mount -o remount,rw "$mnt"; umount -l "$mnt"
        return
    fi
    [ "$(field sf-adv '"\(.state) \(.step)"')" = "ramping 0" ]
    check "store-ro: last weights served from the read-only database" $? "$(weights sf-adv)"
    feed 2 sf-judge "$WORK/ok.txt" sf-op "$WORK/ok.txt" sf-adv "$WORK/ok.txt"   # a few rounds: writes fail now
    store_checks ro
    RECOVERY_MARK=$(wc -l < "$LOG")
    mount -o remount,rw "$mnt" || fail "store-ro: remount read-write" "mount -o remount,rw failed"
    recovery_checks ro "$mnt/glidepath.db" "$pol"
    stop_server TERM
    umount -l "$mnt"
}

# ------------------------------------------------------------------------------------ clock steps

# start_faketime DB POLICIES: the controller under libfaketime, offset read from $WORK/faketime on every call
start_faketime() {
    echo "+0" > "$WORK/faketime"
    # A Swift binary exec'd directly under this LD_PRELOAD loses its arguments; through `timeout` it works.
    start_server "$1" "$2" env LD_PRELOAD="$FAKETIME_LIB" FAKETIME_TIMESTAMP_FILE="$WORK/faketime" \
        FAKETIME_NO_CACHE=1 FAKETIME_DONT_FAKE_MONOTONIC=1 timeout 900
}

# clock_sanity NAME OFFSET-SECONDS: an operator pause on NAME records the controller's (faked) wall time
clock_sanity() {
    local code at skew
    code=$(admin "$1" pause "faults: clock sanity")
    at=$(jq -r '.lastDecision.at // empty' "$WORK/body" 2>/dev/null)
    if [ "$code" != 200 ] || [ -z "$at" ]; then
        req GET "/v1/migrations/$1/decisions?limit=1" -H "Authorization: Bearer $ADMIN" >/dev/null
        at=$(jq -r '.[0].at // empty' "$WORK/body" 2>/dev/null)
    fi
    skew=$(python3 -c "import sys, time; print(round($(iso_epoch "${at:-1970-01-01T00:00:00Z}") - time.time()))")
    awk -v s="$skew" -v o="$2" 'BEGIN { d = s - o; exit !(d < 120 && d > -120) }'
    check "$3: the controller's wall clock moved by $2 s (libfaketime works)" $? "decision at '$at' is ${skew}s from the real clock"
}

scenario_clock_back() {
    echo "== clock-back: wall clock -1 h during a ramp, then the candidate fails"
    [ -n "$FAKETIME_LIB" ] || { fail "clock-back: libfaketime" "libfaketime.so.1 not found (apt-get install faketime)"; return; }
    local pol=$WORK/pol-back
    policy "$pol" ck-back base cand '[{"weight": 10, "bake": "1h"}, {"weight": 50, "bake": "1h"}, {"weight": 100}]'
    policy "$pol" ck-side base cand '[{"weight": 10, "bake": "1h"}, {"weight": 100}]'
    lines base cand 200 100 > "$WORK/ok.txt"
    lines base cand 503 100 > "$WORK/fail.txt"
    start_faketime "$WORK/back.db" "$pol" || { fail "clock-back: start under faketime" "no server"; return; }
    feed 3 ck-back "$WORK/ok.txt"
    local before; before=$(weights ck-back | jq -c '{revision, state, step}')
    echo "-1h" > "$WORK/faketime"
    sleep 1.5
    clock_sanity ck-side -3600 clock-back
    local t
    if t=$(drive_until 20 ck-back "$WORK/fail.txt" '.state == "rolled_back"'); then
        pass "clock-back: failing candidate rolled back after the clock stepped back 1 h (${t}s)"
    else
        fail "clock-back: failing candidate rolled back after the clock stepped back 1 h" "after 20 s: $(weights ck-back | jq -c '{revision, state, step, weights}') (before the step: $before)"
    fi
    stop_server TERM
}

scenario_clock_fwd() {
    echo "== clock-fwd: wall clock +2 h during a 10-minute bake (maxHold 1h, onStuck rollback)"
    [ -n "$FAKETIME_LIB" ] || { fail "clock-fwd: libfaketime" "libfaketime.so.1 not found (apt-get install faketime)"; return; }
    local pol=$WORK/pol-fwd
    policy "$pol" ck-fwd base cand '[{"weight": 10, "bake": "10m"}, {"weight": 50, "bake": "10m"}, {"weight": 100}]' \
        '"maxHold": "1h", "onStuck": "rollback"'
    policy "$pol" ck-side base cand '[{"weight": 10, "bake": "1h"}, {"weight": 100}]'
    lines base cand 200 100 > "$WORK/ok.txt"
    start_faketime "$WORK/fwd.db" "$pol" || { fail "clock-fwd: start under faketime" "no server"; return; }
    feed 3 ck-fwd "$WORK/ok.txt"
    local before after cli
    before=$(weights ck-fwd | jq -c '{revision, state, step, weights}')
    echo "+2h" > "$WORK/faketime"
    sleep 1
    clock_sanity ck-side 7200 clock-fwd
    feed 6 ck-fwd "$WORK/ok.txt"   # six rounds of healthy traffic at +2 h
    after=$(weights ck-fwd | jq -c '{revision, state, step, weights}')
    [ "$after" = "$before" ]
    check "clock-fwd: neither rolled back nor advanced by the step" $? "before $before, after $after; last decision: $(status_json ck-fwd | jq -c '.lastDecision | {action, reason}' | head -c 200)"
    cli=$(GLIDEPATH_ADMIN_TOKEN=$ADMIN "$BIN" status ck-fwd --json --server "$(url '')" 2>&1 | jq -r '"\(.state) \(.step)"' 2>/dev/null)
    [ "$cli" = "ramping 0" ]
    check "clock-fwd: glidepath status shows the bake still running at step 0" $? "status --json: '$cli'"
    stop_server TERM
}

# ------------------------------------------------------------------------------------ hostile clients

scenario_slowloris() {
    echo "== slowloris: 500 connections dripping a request head"
    local pol=$WORK/pol-slow out
    policy "$pol" sl base cand '[{"weight": 10, "bake": "1h"}, {"weight": 100}]'
    start_server "$WORK/slow.db" "$pol" || { fail "slowloris: start" "no server"; return; }
    out=$(timeout 60 python3 "$HERE/faults_clients.py" slowloris --port "$PORT" --conns 500 --drip 1 --bound 13)
    note "$out"
    jq -e .conns <<<"$out" >/dev/null 2>&1 || { fail "slowloris: client" "no result: $out"; stop_server TERM; return; }
    jq -e '.within_bound == 500 and ((.outcomes | keys) - ["408", "closed"] == [])' <<<"$out" >/dev/null 2>&1
    check "slowloris: all 500 answered 408 or closed within 13 s" $? "$(jq -c '{outcomes, within_bound, max_close_s}' <<<"$out" 2>/dev/null || echo "$out")"
    jq -e '.min_close_s >= 5' <<<"$out" >/dev/null 2>&1
    check "slowloris: a request head still arriving is not cut before 5 s" $? "$(jq -c '{min_close_s}' <<<"$out" 2>/dev/null)"
    jq -e '.probe.bad_count == 0 and .probe.ok >= 20 and .probe.p50_ms < 50 and .probe.max_ms < 1000' <<<"$out" >/dev/null 2>&1
    check "slowloris: a normal client is served meanwhile (p50 < 50 ms, max < 1 s)" $? "$(jq -c .probe <<<"$out" 2>/dev/null)"
    stop_server TERM
}

scenario_flood() {
    echo "== flood: idle sockets past the connection cap"
    local pol=$WORK/pol-flood out prefix=() sockets nofile extra=()
    policy "$pol" fl base cand '[{"weight": 10, "bake": "1h"}, {"weight": 50, "bake": "1h"}, {"weight": 100}]'
    if [ "$("$BIN" serve --help 2>&1 | grep -c -- '--max-connections')" -gt 0 ]; then
        # The cap from the command line; the process keeps its (large) descriptor limit.
        sockets=${FLOOD_SOCKETS:-1500}
        note "serve has --max-connections: cap 500, $sockets idle sockets"
        extra=(--max-connections 500)
    elif [ "${FLOOD_NOFILE:-1024}" = full ]; then
        # The issue's case as measured: the controller keeps the machine's descriptor limit; 20,000 sockets.
        sockets=${FLOOD_SOCKETS:-20000}
        note "controller RLIMIT_NOFILE $(ulimit -n) (unchanged), $sockets idle sockets"
    else
        # No flag: lower the controller's descriptor limit so that the default cap lies beyond it: the
        # issue's case (a 20,000 cap against 20,000 descriptors) at a twentieth of the sockets.
        # FLOOD_NOFILE=full runs it at full size.
        nofile=${FLOOD_NOFILE:-1024}
        sockets=${FLOOD_SOCKETS:-$((nofile * 3 / 2))}
        note "serve has no --max-connections: controller RLIMIT_NOFILE $nofile, $sockets idle sockets"
        prefix=(prlimit --nofile="$nofile:$nofile")
    fi
    SERVE_EXTRA=("${extra[@]}")
    start_server "$WORK/flood.db" "$pol" "${prefix[@]}" || { SERVE_EXTRA=(); fail "flood: start" "no server"; return; }
    SERVE_EXTRA=()
    lines base cand 200 100 > "$WORK/ok.txt"
    feed 2 fl "$WORK/ok.txt"
    local mark; mark=$(wc -l < "$LOG")
    out=$(timeout 120 python3 "$HERE/faults_clients.py" flood --port "$PORT" --sockets "$sockets" --migration fl \
        --baseline base --candidate cand --ingest-token "$INGEST")
    note "$(jq -c 'del(.before, .last_weights)' <<<"$out" 2>/dev/null || echo "$out")"
    jq -e .sockets <<<"$out" >/dev/null 2>&1 || { fail "flood: client" "no result: $out"; stop_server TERM; return; }
    jq -e '[.probes[] | select(.outcome == "hung")] | length == 0' <<<"$out" >/dev/null 2>&1
    check "flood: new connections past the cap answered or refused at once (none hanging)" $? "$(jq -c '[.probes[] | "\(.outcome) \(.ms)ms"]' <<<"$out" 2>/dev/null)"
    jq -e '.rolled_back_after_s != null' <<<"$out" >/dev/null 2>&1
    check "flood: the judge rolls back a failing candidate during the flood" $? "after $(jq -r .flood_held_s <<<"$out") s: $(jq -c '.last_weights | {revision, state, weights}' <<<"$out" 2>/dev/null)"
    # The loop wakes every 250 ms: at least 2 rounds per second of flood.
    jq -e '.rounds_during - .rounds_before >= 2 * (.flood_held_s | floor)' <<<"$out" >/dev/null 2>&1
    check "flood: the control loop keeps running rounds" $? "rounds before $(jq -r .rounds_before <<<"$out"), after $(jq -r .flood_held_s <<<"$out") s of flood $(jq -r .rounds_during <<<"$out")"
    local emfile; emfile=$(tail -n +"$((mark + 1))" "$LOG" | grep -ciE 'EMFILE|too many open files|errno 24|metrics source failed' || true)
    [ "$emfile" -eq 0 ]
    check "flood: no EMFILE and no failed self-scrape in the log" $? "$emfile lines, e.g. $(tail -n +"$((mark + 1))" "$LOG" | grep -iE 'EMFILE|too many open files|errno 24|metrics source failed' | head -1 | cut -c1-160)"
    jq -e '.served_after_flood_s != null and .served_after_flood_s < 5' <<<"$out" >/dev/null 2>&1
    check "flood: a normal client is served once the flood ends" $? "served_after_flood_s=$(jq -r .served_after_flood_s <<<"$out")"
    kill -0 "$SERVER_PID" 2>/dev/null
    check "flood: the controller is still running" $? "it exited: $(tail -2 "$LOG")"
    stop_server TERM
}

started=$SECONDS
enabled store-full && scenario_store_full
enabled store-ro && scenario_store_ro
enabled clock-back && scenario_clock_back
enabled clock-fwd && scenario_clock_fwd
enabled slowloris && scenario_slowloris
enabled flood && scenario_flood

echo "faults: $passed passed, $failed failed ($((SECONDS - started)) s)"
[ "$failed" -eq 0 ] || { printf '  failed: %s\n' "${failed_names[@]}"; exit 1; }
