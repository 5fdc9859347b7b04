#!/usr/bin/env bash
# 10,000 idle keep-alive connections held open (each made one request first); reports the server's RSS
# and the latency of polls answered on a fresh connection while they are held.
source "$(dirname "$0")/bench-lib.sh"
build_release
CONNS=${CONNS:-10000}
mkdir -p "$BENCH_DIR/policies"
write_policy "$BENCH_DIR/policies" bench
start_glidepath 18475 "$BENCH_DIR/policies"
rss() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$GLIDEPATH_PID/status"; }
echo "RSS at start: $(rss) MB"
ulimit -n "$(ulimit -Hn)"
python3 - "$CONNS" "$GLIDEPATH_PID" <<'PY'
import socket, sys, time, subprocess, statistics
n, pid = int(sys.argv[1]), sys.argv[2]
req = b"GET /v1/migrations/bench/weights HTTP/1.1\r\nHost: x\r\n\r\n"
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", 18475))
    s.sendall(req)
    socks.append(s)
ok = 0
for s in socks:
    s.settimeout(10)
    data = s.recv(4096)
    ok += data.startswith(b"HTTP/1.1 200")
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
print(f"held {len(socks)} keep-alive connections ({ok} answered 200); server RSS {rss():.1f} MB")
times = []
for _ in range(50):
    t = time.perf_counter()
    c = socket.create_connection(("127.0.0.1", 18475)); c.sendall(req); d = c.recv(4096); c.close()
    assert d.startswith(b"HTTP/1.1 200"), d[:40]
    times.append((time.perf_counter() - t) * 1000)
again = 0
for s in socks[:1000]:
    s.sendall(req); again += s.recv(4096).startswith(b"HTTP/1.1 200")
print(f"idle: {n} connections, RSS {rss():.1f} MB, fresh polls median {statistics.median(times):.2f} ms, "
      f"{again}/1000 held connections answered a second poll")
for s in socks: s.close()
PY
