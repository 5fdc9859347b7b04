#!/usr/bin/env bash
# Across the network, safely: scripts/tls/nginx-glidepath.conf terminating TLS in front of the release
# binary (a primary and a backup on loopback), with a throwaway CA made here by openssl.
#
#   bash scripts/e2e-tls.sh [path/to/glidepath]      (default .build/release/glidepath)
#
#   1. TLS front: TLS 1.2+ only, HSTS, /metrics and the API proxied, 401 carries the Bearer realm,
#      glidepath's body limits refused at nginx, no trust without the CA.
#   2. Each shim (Python ca_file=, Node caFile, Swift Configuration.caFile) polls and reports over
#      HTTPS verifying against the CA file, and FAILS against a certificate from another CA.
#   3. The primary is killed (-9): the weights still come through nginx from the backup.
#   4. serve on a non-loopback address warns about plaintext tokens unless --tls-terminated-by-proxy.
# Needs nginx and openssl (apt-get install -y nginx openssl). Stops what it started (by pid).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$(realpath "${1:-.build/release/glidepath}")"
source "$(dirname "${BASH_SOURCE[0]}")/e2e-lib.sh"
e2e_setup glidepath-e2e-tls
command -v nginx >/dev/null && command -v openssl >/dev/null || { echo "FAIL: needs nginx and openssl"; exit 1; }
nginx_bin="$(command -v nginx)"

# --- a throwaway CA, a server certificate for localhost/127.0.0.1, and a rogue CA with its own -------
tls="$work/tls"; mkdir -p "$tls"
make_ca() {  # name
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=glidepath e2e $1" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$tls/$1.key" -out "$tls/$1.pem" 2>/dev/null
}
make_server() {  # ca name
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
    -keyout "$tls/$2.key" -out "$tls/$2.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' \
    > "$tls/$2.ext"
  openssl x509 -req -in "$tls/$2.csr" -CA "$tls/$1.pem" -CAkey "$tls/$1.key" -CAcreateserial -days 2 \
    -extfile "$tls/$2.ext" -out "$tls/$2.crt" 2>/dev/null
}
make_ca ca; make_server ca server
make_ca rogue-ca; make_server rogue-ca rogue

# --- a primary and a backup glidepath on loopback, the same policy -----------------------------------
export GLIDEPATH_ADMIN_TOKEN=e2e-tls-admin GLIDEPATH_INGEST_TOKEN=e2e-tls-ingest
cp "$bin" "$work/ctl"   # a private copy: stopping it can never touch another controller
mkdir "$work/policies"
cp "$root/policies/doubling-6h.json" "$work/policies/"
primary_port=$(free_port); backup_port=$(free_port); tls_port=$(free_port); rogue_port=$(free_port)
"$work/ctl" serve --listen "127.0.0.1:$primary_port" --db "$work/primary.db" --policies "$work/policies" >>"$work/primary.log" 2>&1 &
primary_pid=$!; pids+=("$primary_pid")
"$work/ctl" serve --listen "127.0.0.1:$backup_port" --db "$work/backup.db" --policies "$work/policies" >>"$work/backup.log" 2>&1 &
pids+=("$!")
for port in "$primary_port" "$backup_port"; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
done

# --- nginx: the shipped file, addresses and paths rewritten; a second copy serves the rogue certificate
mkdir -p "$work/nginx/logs"
chmod 711 "$work" "$work/nginx"   # nginx's workers (not root) reach the temp folders the master makes
site() {  # listen-port cert key upstream-name
  sed -e "s|listen 443 ssl;|listen 127.0.0.1:$1 ssl;|" -e '/listen \[::\]:443 ssl;/d' \
      -e "s|server_name glidepath.example.com;|server_name localhost 127.0.0.1;|" \
      -e "s|/etc/glidepath/tls/server.crt|$2|" -e "s|/etc/glidepath/tls/server.key|$3|" \
      -e "s|server 127.0.0.1:8470 |server 127.0.0.1:$primary_port |" -e "s|server 127.0.0.1:8471 |server 127.0.0.1:$backup_port |" \
      -e "s|upstream glidepath {|upstream $4 {|" -e "s|proxy_pass http://glidepath;|proxy_pass http://$4;|" \
      -e "s|shared:glidepath_tls:|shared:$4_tls:|" \
      "$root/scripts/tls/nginx-glidepath.conf"
}
site "$tls_port" "$tls/server.crt" "$tls/server.key" glidepath > "$work/nginx/glidepath.conf"
site "$rogue_port" "$tls/rogue.crt" "$tls/rogue.key" glidepath_rogue > "$work/nginx/rogue.conf"
grep -q "listen 127.0.0.1:$tls_port ssl;" "$work/nginx/glidepath.conf" && grep -q "$tls/server.crt" "$work/nginx/glidepath.conf" \
  && grep -q "server 127.0.0.1:$backup_port backup;" "$work/nginx/glidepath.conf" \
  || { echo "FAIL: the rewrite of nginx-glidepath.conf missed a line"; exit 1; }
cat > "$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 256; }
http {
    access_log $work/nginx/logs/access.log;
    client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
    include $work/nginx/glidepath.conf;
    include $work/nginx/rogue.conf;
}
EOF
"$nginx_bin" -t -e "$work/nginx/logs/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2>"$work/nginx/t.log" \
  || { cat "$work/nginx/t.log"; echo "FAIL: nginx -t"; exit 1; }
"$nginx_bin" -e "$work/nginx/logs/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' \
  2>>"$work/nginx/logs/error.log" &
pids+=("$!")
base="https://127.0.0.1:$tls_port"; rogue="https://127.0.0.1:$rogue_port"
for _ in $(seq 100); do curl -sf --cacert "$tls/ca.pem" "$base/healthz" >/dev/null && break; sleep 0.1; done
weights="/v1/migrations/image-tagging/weights"

echo "== the TLS front"
check "GET /healthz over TLS, verified against the CA" bash -c "[[ \$(curl -sf --cacert '$tls/ca.pem' '$base/healthz') == ok ]]"
check "the hostname localhost verifies too" curl -sf --cacert "$tls/ca.pem" --resolve "localhost:$tls_port:127.0.0.1" \
  "https://localhost:$tls_port/healthz" -o /dev/null
check "without the CA the certificate is refused (curl exit 60)" \
  bash -c "curl -s '$base/healthz' -o /dev/null; [[ \$? == 60 ]]"
check "the rogue front's certificate is refused with the CA" \
  bash -c "curl -s --cacert '$tls/ca.pem' '$rogue/healthz' -o /dev/null; [[ \$? == 60 ]]"
check "TLS 1.2 is accepted" curl -sf --cacert "$tls/ca.pem" --tlsv1.2 --tls-max 1.2 "$base/healthz" -o /dev/null
check "TLS 1.1 is refused" bash -c "! curl -s --cacert '$tls/ca.pem' --tlsv1.1 --tls-max 1.1 '$base/healthz' -o /dev/null"
check "HSTS on every answer" bash -c "curl -s -D - -o /dev/null --cacert '$tls/ca.pem' '$base/nope' \
  | grep -qi '^strict-transport-security: max-age=63072000'"
check "/metrics is proxied" bash -c "curl -sf --cacert '$tls/ca.pem' '$base/metrics' | grep -q '^# TYPE glidepath_requests_total counter'"
check "the weights are proxied" bash -c "curl -sf --cacert '$tls/ca.pem' '$base$weights' | grep -q '\"vision-v1\"'"
check "401 carries WWW-Authenticate: Bearer realm=\"glidepath\"" bash -c "curl -s -D - -o /dev/null --cacert '$tls/ca.pem' \
  -X POST --data-binary \$'vision-v1 200 10\n' '$base/v1/migrations/image-tagging/observations' \
  | tr -d '\r' | grep -qix 'www-authenticate: Bearer realm=\"glidepath\"'"
check "a wrong token: 403 with error=\"invalid_token\"" bash -c "curl -s -D - -o /dev/null --cacert '$tls/ca.pem' \
  -H 'Authorization: Bearer nope' '$base/v1/migrations/image-tagging/decisions' \
  | tr -d '\r' | grep -qix 'www-authenticate: Bearer realm=\"glidepath\", error=\"invalid_token\"'"
head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' 'x' > "$work/big"
check "an observation batch over 1 MiB: 413 from nginx" bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --cacert '$tls/ca.pem' \
  -H 'Authorization: Bearer e2e-tls-ingest' --data-binary @'$work/big' '$base/v1/migrations/image-tagging/observations') == 413 ]]"
head -c $((64 * 1024 + 1)) "$work/big" > "$work/big-action"
check "an action body over 64 KiB: 413 from nginx" bash -c "[[ \$(curl -s -o /dev/null -w '%{http_code}' --cacert '$tls/ca.pem' \
  -H 'Authorization: Bearer e2e-tls-admin' --data-binary @'$work/big-action' '$base/v1/migrations/image-tagging/pause') == 413 ]]"

echo "== the shims over HTTPS (the right CA accepted, another CA's certificate refused)"
py_shim() {  # url expected(ok|fail)
  PYTHONPATH="$root/shims/python" python3 - "$1" "$2" "$tls/ca.pem" <<'PY'
import sys
from glidepath_shim import GlidepathShim
url, expected, ca = sys.argv[1:4]
events = []
shim = GlidepathShim(url, "image-tagging", baseline="vision-v1", candidate="vision-v2",
                     ingest_token="e2e-tls-ingest", ca_file=ca, batch_interval=0.2,
                     on_event=lambda kind, info: events.append((kind, info)))
shim.start()
got = shim.wait_for_weights(5)
if got:
    for _ in range(5):
        shim.record("vision-v1", 200, 12.5)
shim.stop(flush=True, timeout=5)
stats = shim.stats()
reasons = " ".join(str(i) for k, i in events if k == "poll_failed")
if expected == "ok":
    ok = got and stats["sent"] == 5
else:
    ok = not got and stats["sent"] == 0 and "CERTIFICATE_VERIFY_FAILED" in reasons
print("python", expected, "weights" if got else "no weights", "sent", stats["sent"], reasons[:120], file=sys.stderr)
sys.exit(0 if ok else 1)
PY
}
node_shim() {  # url expected(ok|fail)
  node --input-type=module - "$1" "$2" "$tls/ca.pem" "$root/shims/node/glidepath-shim.mjs" <<'JS'
const [url, expected, ca, module] = process.argv.slice(2);
const { GlidepathShim } = await import(module);
const events = [];
const shim = new GlidepathShim({ server: url, migration: "image-tagging", baseline: "vision-v1", candidate: "vision-v2",
  ingestToken: "e2e-tls-ingest", caFile: ca, onEvent: (e) => events.push(e) });
const got = await shim.pollNow();
if (got) for (let i = 0; i < 5; i++) shim.record({ arm: "vision-v1", status: 200, latencyMs: 12.5 });
await shim.stop({ flush: true });
const sent = shim.stats().sent;
const reasons = events.filter((e) => e.type === "poll_failed").map((e) => e.reason).join(" ");
const ok = expected === "ok" ? got && sent === 5
  : !got && sent === 0 && /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|CERT/.test(reasons);
console.error("node", expected, got ? "weights" : "no weights", "sent", sent, reasons.slice(0, 120));
process.exit(ok ? 0 : 1);
JS
}
check "Python shim (ca_file=): weights and 5 reports over HTTPS" py_shim "$base" ok
check "Python shim (ca_file=): the rogue certificate fails verification, nothing sent" py_shim "$rogue" fail
check "Node shim (caFile): weights and 5 reports over HTTPS" node_shim "$base" ok
check "Node shim (caFile): the rogue certificate fails verification, nothing sent" node_shim "$rogue" fail
swift_live() {
  (cd "$root" && GLIDEPATH_TLS_URL="$base" GLIDEPATH_TLS_ROGUE_URL="$rogue" GLIDEPATH_TLS_CA_FILE="$tls/ca.pem" \
    GLIDEPATH_TLS_WRONG_CA_FILE="$tls/rogue-ca.pem" GLIDEPATH_TLS_MIGRATION=image-tagging GLIDEPATH_TLS_BASELINE=vision-v1 \
    swift test --skip-build --filter CAFileTransportLiveTests >"$work/swift-live.log" 2>&1) \
    && grep -qE 'Test run with 4 tests .*passed' "$work/swift-live.log" \
    || { tail -25 "$work/swift-live.log"; return 1; }
}
check "Swift shim (Configuration.caFile): weights and reports over HTTPS; the rogue certificate and a wrong CA file refused" swift_live

echo "== the backup behind nginx"
{ kill -9 "$primary_pid"; wait "$primary_pid"; } 2>/dev/null || true
check "primary killed: the weights still come through nginx (from the backup)" \
  bash -c "curl -sf --cacert '$tls/ca.pem' '$base$weights' | grep -q '\"vision-v1\"'"

echo "== serve beyond loopback"
warn_port=$(free_port)
serve_briefly() {  # extra args...
  local log="$work/warn.log"; : > "$log"
  "$work/ctl" serve --listen "0.0.0.0:$warn_port" --db "$work/warn.db" --policies "$work/policies" "$@" >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$warn_port/readyz" >/dev/null && break; sleep 0.1; done
  kill "$pid"; wait "$pid" 2>/dev/null || true
}
serve_briefly
check "0.0.0.0 without --tls-terminated-by-proxy: a WARNING block naming the README section" \
  bash -c "grep -q '^WARNING: listening on 0.0.0.0:$warn_port with plain HTTP' '$work/warn.log' \
    && grep -q 'Across the network' '$work/warn.log' && grep -q ' warning bearer tokens cross the network in plaintext' '$work/warn.log'"
serve_briefly --tls-terminated-by-proxy
check "0.0.0.0 with --tls-terminated-by-proxy: no warning" bash -c "! grep -qi 'warning' '$work/warn.log'"

echo "$passes passed, $failures failed"
[[ $failures == 0 ]]
