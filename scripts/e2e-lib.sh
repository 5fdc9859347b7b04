# Shared by the end-to-end scripts (source it after `set -euo pipefail`):
#   e2e_setup NAME   a fresh $work directory (/tmp/NAME.XXXXXX), an empty $pids array, and an EXIT trap
#                    that stops every pid in $pids (only processes the script started) and removes $work
#   free_port        a free loopback TCP port
#   check DESC CMD…  runs CMD; prints "ok   DESC" or "FAIL DESC" and counts $passes / $failures
#   wait_until N CMD…        runs CMD every 0.5 s until it succeeds (0) or N tries failed (1)
#   prometheus_client_python sets $py: a python3 with PyPI's prometheus-client (a venv under /tmp, made once)
#   copy_service PORT ARGS…  starts scripts/examples/copy_service.py on PORT with $py (log $work/svc-PORT.log)
#   start_glidepath BIN      serves a copy of BIN ($work/ctl) on a free port, $work/ctl.db, an empty
#                            $work/policies, log $work/ctl.log; sets $ctl_port and $server, waits for /readyz
#   status_field NAME EXPR   a Python expression over migration NAME's status JSON `d`, from $server
e2e_setup() {
  work="$(mktemp -d "/tmp/$1.XXXXXX")"
  pids=()
  failures=0 passes=0
  trap e2e_cleanup EXIT
}

e2e_cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

check() {  # description, then a command that must succeed
  local what="$1"; shift
  if "$@"; then echo "ok   $what"; passes=$((passes + 1)); else echo "FAIL $what"; failures=$((failures + 1)); fi
}

e2e_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

wait_until() { local n=$1; shift; for _ in $(seq "$n"); do "$@" && return 0; sleep 0.5; done; return 1; }

prometheus_client_python() {
  local venv=/tmp/glidepath-venv-prometheus-client
  if ! "$venv/bin/python" -c 'import prometheus_client' 2>/dev/null; then
    echo "== venv $venv: pip install prometheus-client"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q prometheus-client
  fi
  py="$venv/bin/python"
}

copy_service() {  # port, then copy_service.py's flags
  local port=$1; shift
  "$py" "$e2e_root/scripts/examples/copy_service.py" --port "$port" "$@" >>"$work/svc-$port.log" 2>&1 &
  pids+=("$!")
}

start_glidepath() {  # the glidepath binary
  cp "$1" "$work/ctl"
  mkdir -p "$work/policies"
  ctl_port=$(free_port)
  server="http://127.0.0.1:$ctl_port"
  "$work/ctl" serve --listen "127.0.0.1:$ctl_port" --db "$work/ctl.db" --policies "$work/policies" >>"$work/ctl.log" 2>&1 &
  pids+=("$!")
  for _ in $(seq 100); do curl -sf "$server/readyz" >/dev/null && break; sleep 0.1; done
}

status_field() {  # migration, Python expression over its status JSON d
  curl -s "$server/v1/migrations/$1" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$2"
}
