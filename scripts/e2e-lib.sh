# Shared by the end-to-end scripts (source it after `set -euo pipefail`):
#   e2e_setup NAME   a fresh $work directory (/tmp/NAME.XXXXXX), an empty $pids array, and an EXIT trap
#                    that stops every pid in $pids (only processes the script started) and removes $work
#   free_port        a free loopback TCP port
#   check DESC CMD…  runs CMD; prints "ok   DESC" or "FAIL DESC" and counts $passes / $failures
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
