#!/usr/bin/env bash
# The status page in a real browser: starts the release binary on a free port with a temporary database
# and three policies, drives ~40 s of traffic that follows the served weights (a healthy candidate ramps,
# a failing one is rolled back, a third is paused with a reason holding <script>), then renders `/` and a
# migration's page in headless Debian `chromium`: the DOM must list every migration and show the reason as
# text (no script element), the headers must carry the CSP, and the screenshots must not be blank
# (PNG decoded with Python's zlib: enough distinct colours and non-white pixels).
#
# Usage: scripts/check-status-page.sh [BIN]   (default .build/release/glidepath)
# STATUS_PAGE_SCREENSHOT=dashboards/status-page.png copies the migration page's screenshot there.
# STATUS_PAGE_SECONDS sets how long traffic runs before the pages are rendered (default 40).
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-$PWD/.build/release/glidepath}
SECONDS_OF_TRAFFIC=${STATUS_PAGE_SECONDS:-40}
WORK=$(mktemp -d /tmp/glidepath-status-page.XXXXXX)
SERVER_PID=""
DRIVER_PID=""
passed=0
failed=0

cleanup() {
    [ -n "$DRIVER_PID" ] && kill "$DRIVER_PID" 2>/dev/null && wait "$DRIVER_PID" 2>/dev/null || true
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

ok()   { echo "  ok: $*"; passed=$((passed + 1)); }
fail() { echo "  FAIL: $*"; failed=$((failed + 1)); }

command -v chromium >/dev/null || { echo "chromium is not installed (apt-get install chromium)"; exit 1; }

mkdir -p "$WORK/policies"
cat > "$WORK/policies/chat-completions.json" <<'JSON'
{"migration": "chat-completions", "baseline": "openai", "candidate": "holysheep", "interval": "1s",
 "steps": [{"weight": 10, "bake": "8s"}, {"weight": 25, "bake": "10s"}, {"weight": 50, "bake": "5m"}, {"weight": 100}],
 "minRequests": 150, "guards": {"ttft": {"maxRatio": 1.5}}}
JSON
cat > "$WORK/policies/embeddings-eu.json" <<'JSON'
{"migration": "embeddings-eu", "baseline": "us-east", "candidate": "eu-west", "interval": "1s",
 "steps": [{"weight": 10, "bake": "30s"}, {"weight": 50, "bake": "1m"}, {"weight": 100}], "minRequests": 100}
JSON
cat > "$WORK/policies/billing-shadow.json" <<'JSON'
{"migration": "billing-shadow", "baseline": "v1", "candidate": "v2", "interval": "1s", "judge": "threshold",
 "steps": [{"weight": 20, "bake": "1m"}, {"weight": 100}], "minRequests": 50}
JSON

echo "== start the controller on a free port"
: > "$WORK/server.log"
"$BIN" serve --listen 127.0.0.1:0 --db "$WORK/glidepath.db" --policies "$WORK/policies" 2>"$WORK/server.log" &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 100); do
    PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log" | head -1 || true)
    [ -n "$PORT" ] && curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
[ -n "$PORT" ] || { echo "server did not come up"; cat "$WORK/server.log"; exit 1; }
URL="http://127.0.0.1:$PORT"
echo "  listening on $URL"

# The paused migration's reason holds markup: the page must show it as text.
curl -sf -X POST -H 'Content-Type: application/json' \
    --data '{"reason": "<script>alert(1)</script> holding for the finance sign-off"}' \
    "$URL/v1/migrations/billing-shadow/pause" >/dev/null

echo "== drive ${SECONDS_OF_TRAFFIC}s of traffic that follows the served weights (it goes on while the pages render)"
cat > "$WORK/drive.py" <<'PY'
import json, math, random, sys, time, urllib.request
url, seconds = sys.argv[1], float(sys.argv[2])
rng = random.Random(10)
# migration -> (baseline arm, candidate arm, requests/s, (baseline err, candidate err), latency medians ms)
plan = {
    "chat-completions": ("openai", "holysheep", 800, (0.005, 0.005), (420, 380), (260, 230)),
    "embeddings-eu": ("us-east", "eu-west", 120, (0.005, 0.25), (90, 85), (None, None)),
    "billing-shadow": ("v1", "v2", 60, (0.01, 0.01), (150, 160), (None, None)),
}
def lines(arm, n, err, median, ttft):
    out = []
    for _ in range(n):
        status = 503 if rng.random() < err else 200
        latency = rng.lognormvariate(math.log(median), 0.35)
        line = "%s %d %.1f tokens=%d" % (arm, status, latency, rng.randint(200, 900))
        if ttft and status == 200:
            line += " ttft_ms=%.1f" % rng.lognormvariate(math.log(ttft), 0.3)
        out.append(line)
    return out
end, tick = time.time() + seconds, 0
while time.time() < end:
    for name, (b, c, rate, (be, ce), (bl, cl), (bt, ct)) in plan.items():
        req = urllib.request.Request("%s/v1/migrations/%s/weights" % (url, name),
                                     headers={"Glidepath-Shim": "pod-%d" % (tick % 3)})
        w = json.load(urllib.request.urlopen(req, timeout=5))["weights"]
        n = int(rate * 0.5 * (0.85 + 0.3 * rng.random()))
        nc = int(round(n * w[c] / 100.0))
        body = "\n".join(lines(b, n - nc, be, bl, bt) + lines(c, nc, ce, cl, ct)) + "\n"
        post = urllib.request.Request("%s/v1/migrations/%s/observations" % (url, name), data=body.encode(),
                                      headers={"Content-Type": "text/plain"}, method="POST")
        urllib.request.urlopen(post, timeout=5).read()
    tick += 1
    time.sleep(0.5)
PY
python3 "$WORK/drive.py" "$URL" $((SECONDS_OF_TRAFFIC + 120)) &
DRIVER_PID=$!
sleep "$SECONDS_OF_TRAFFIC"
kill -0 "$DRIVER_PID" 2>/dev/null || { echo "the traffic driver stopped"; exit 1; }
curl -sf "$URL/v1/migrations" | python3 -c 'import json,sys; [print("  ", m["migration"], m["state"], "step", m["step"]) for m in json.load(sys.stdin)]'

echo "== HTTP: content type, CSP, HEAD, 404 page"
curl -s -D "$WORK/headers" -o "$WORK/overview.html" "$URL/"
if grep -qi '^content-type: text/html; charset=utf-8' "$WORK/headers"; then ok "GET / is text/html"; else fail "GET / content type"; fi
if grep -qi "^content-security-policy: default-src 'none';" "$WORK/headers"; then ok "CSP default-src 'none'"; else fail "no CSP"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' -I "$URL/migrations/chat-completions")
if [ "$code" = 200 ]; then ok "HEAD /migrations/chat-completions 200"; else fail "HEAD answered $code"; fi
code=$(curl -s -o "$WORK/missing.html" -w '%{http_code}' "$URL/migrations/no-such-thing")
if [ "$code" = 404 ] && grep -q 'No migration named' "$WORK/missing.html"; then ok "unknown migration: HTML 404"; else fail "unknown migration answered $code"; fi

echo "== headless chromium"
shot() { # shot URL PNG HEIGHT
    timeout 60 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$WORK/profile" \
        --window-size="1280,$3" --screenshot="$2" "$1" >/dev/null 2>&1 || true
}
timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" --dump-dom "$URL/?refresh=off" \
    > "$WORK/overview.dom" 2>/dev/null || true
timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$WORK/profile" \
    --dump-dom "$URL/migrations/billing-shadow?refresh=off" > "$WORK/billing.dom" 2>/dev/null || true
for name in chat-completions embeddings-eu billing-shadow; do
    if grep -q "href=\"/migrations/$name?refresh=off\"" "$WORK/overview.dom"; then ok "rendered overview links $name"
    else fail "rendered overview lacks $name"; fi
done
if grep -q 'rolled back' "$WORK/overview.dom"; then ok "overview shows the rollback"; else fail "overview lacks the rollback"; fi
if grep -q '&lt;script&gt;alert(1)&lt;/script&gt; holding' "$WORK/billing.dom"; then ok "the reason's <script> is text"
else fail "the reason's <script> is not shown as text"; fi
if grep -qi '<script' "$WORK/billing.dom" "$WORK/overview.dom"; then fail "a script element reached the DOM"; else ok "no script element in the DOM"; fi

shot "$URL/?refresh=off" "$WORK/overview.png" 700
shot "$URL/migrations/chat-completions?refresh=off" "$WORK/migration.png" 2300
cat > "$WORK/png.py" <<'PY'
import struct, sys, zlib
def pixels(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, head = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR": head = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT": idat += chunk
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = head
    assert depth == 8 and ctype in (2, 6) and interlace == 0, "unsupported PNG layout %r" % (head,)
    bpp = 3 if ctype == 2 else 4
    raw, stride, prev, rows, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), [], 0
    for _ in range(h):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + b) & 255
            elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line)); prev = line
    return w, h, bpp, rows
w, h, bpp, rows = pixels(sys.argv[1])
colours, coloured = set(), 0
for row in rows[::2]:
    for x in range(0, w * bpp, bpp * 2):
        px = row[x:x + 3]
        colours.add(px)
        if px != b"\xff\xff\xff": coloured += 1
share = coloured / float(len(rows[::2]) * len(range(0, w * bpp, bpp * 2)))
print("%dx%d, %d distinct colours, %.0f%% not white" % (w, h, len(colours), share * 100))
sys.exit(0 if len(colours) >= int(sys.argv[2]) and share >= 0.2 else 1)
PY
for png in overview migration; do
    if [ -s "$WORK/$png.png" ] && out=$(python3 "$WORK/png.py" "$WORK/$png.png" 40); then ok "$png screenshot is not blank ($out)"
    else fail "$png screenshot blank or missing (${out:-no file})"; fi
done
if [ -n "${STATUS_PAGE_SCREENSHOT:-}" ]; then  # the README's picture: the page's first 1600 px
    shot "$URL/migrations/chat-completions?refresh=off" "$WORK/readme.png" 1600
    cp "$WORK/readme.png" "$STATUS_PAGE_SCREENSHOT"
    echo "  screenshot saved to $STATUS_PAGE_SCREENSHOT ($(wc -c < "$STATUS_PAGE_SCREENSHOT") bytes)"
fi
if [ -n "${STATUS_PAGE_KEEP:-}" ]; then  # a directory to keep every page's rendering in (for a look by eye)
    shot "$URL/migrations/embeddings-eu?refresh=off" "$WORK/rolled-back.png" 2300
    shot "$URL/migrations/billing-shadow?refresh=off" "$WORK/paused.png" 2300
    cp "$WORK"/*.png "$WORK"/*.dom "$STATUS_PAGE_KEEP"/ 2>/dev/null || true
fi

echo "status page: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
