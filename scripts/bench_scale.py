#!/usr/bin/env python3
"""Helpers for scripts/bench-scale.sh (standard library only).

  policies DIR N            writes N three-step policies (10 s interval) named scale-00001...
  load PORT N RATE SECONDS  posts outcome batches round-robin to every migration at RATE batches/s
  ticks PORT N INTERVAL     reads every migration's lastTickAt; prints how many are older than INTERVAL + 1 s
  hist BEFORE AFTER NAME    median (interpolated like histogram_quantile) and mean of a histogram's
                            observations between two /metrics snapshots, in ms
"""
import datetime, http.client, json, os, sys, time


def name(i):
    return f"scale-{i:05d}"


def policies(directory, n):
    for i in range(1, n + 1):
        with open(os.path.join(directory, name(i) + ".json"), "w") as f:
            f.write('{"migration": "%s", "baseline": "openai", "candidate": "holysheep", "interval": "10s",\n'
                    ' "steps": [{"weight": 5, "bake": "10m"}, {"weight": 25, "bake": "10m"}, '
                    '{"weight": 100, "bake": "10m"}]}\n' % name(i))


def load(port, n, rate, seconds):
    token = os.environ.get("GLIDEPATH_INGEST_TOKEN", "")
    # Light traffic: 20 outcomes per batch on both arms, one error, latencies 50-450 ms, a time to first token.
    lines = []
    for k in range(20):
        arm = "holysheep" if k % 4 == 0 else "openai"
        status = 503 if k == 7 else 200
        lines.append(f"{arm} {status} {50 + (k * 37) % 400}.0 ttft_ms={20 + k} tokens={100 + k}")
    body = ("\n".join(lines) + "\n").encode()
    headers = {"Content-Type": "text/plain", "Authorization": f"Bearer {token}"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    sent = bad = 0
    start = time.monotonic()
    i = 0
    while time.monotonic() - start < seconds:
        due = start + sent / rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        try:
            conn.request("POST", f"/v1/migrations/{name(i % n + 1)}/observations", body, headers)
            r = conn.getresponse()
            r.read()
            bad += r.status != 202
        except (OSError, http.client.HTTPException):
            bad += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        sent += 1
        i += 1
    elapsed = time.monotonic() - start
    print(f"load: {sent} batches in {elapsed:.0f} s ({sent / elapsed:.0f}/s), {bad} not accepted")
    return 1 if bad else 0


def ticks(port, n, interval):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    late = missing = 0
    worst = 0.0
    for i in range(1, n + 1):
        conn.request("GET", f"/v1/migrations/{name(i)}")
        r = conn.getresponse()
        body = r.read()
        now = datetime.datetime.now(datetime.timezone.utc)
        last = json.loads(body).get("lastTickAt") if r.status == 200 else None
        if not last:
            missing += 1
            continue
        age = (now - datetime.datetime.fromisoformat(last.replace("Z", "+00:00"))).total_seconds()
        worst = max(worst, age)
        late += age > interval + 1
    print(f"ticks: {n - late - missing}/{n} ticked within {interval:g} s (+1 s) of being read, "
          f"{late} late, {missing} never ticked, oldest tick {worst:.1f} s")
    print(f"TICKS_OK={n - late - missing} TICKS_WORST={worst:.1f}")


def buckets(path, metric):
    out, total = {}, {}
    with open(path) as f:
        for line in f:
            if line.startswith(metric + "_bucket{"):
                le = line.split('le="', 1)[1].split('"', 1)[0]
                out[float("inf") if le == "+Inf" else float(le)] = float(line.rsplit(" ", 1)[1])
            elif line.startswith(metric + "_sum ") or line.startswith(metric + "_count "):
                total[line.split(" ")[0].rsplit("_", 1)[1]] = float(line.rsplit(" ", 1)[1])
    return out, total


def hist(before, after, metric):
    b0, t0 = buckets(before, metric)
    b1, t1 = buckets(after, metric)
    if not b1:
        print("HIST_MEDIAN_MS=nan HIST_MEAN_MS=nan HIST_COUNT=0")
        return
    bounds = sorted(b1)
    cum = [b1[b] - b0.get(b, 0) for b in bounds]
    count = cum[-1]
    median = float("nan")
    if count > 0:
        rank, lower, below = count / 2, 0.0, 0.0
        for bound, c in zip(bounds, cum):
            if c >= rank:
                if bound == float("inf"):
                    median = lower
                else:
                    median = lower + (bound - lower) * ((rank - below) / max(c - below, 1e-12))
                break
            lower, below = bound, c
    mean = (t1.get("sum", 0) - t0.get("sum", 0)) / count if count else float("nan")
    print(f"HIST_MEDIAN_MS={median * 1000:.2f} HIST_MEAN_MS={mean * 1000:.2f} HIST_COUNT={count:.0f}")


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "policies":
        policies(args[0], int(args[1]))
    elif cmd == "load":
        sys.exit(load(int(args[0]), int(args[1]), float(args[2]), float(args[3])))
    elif cmd == "ticks":
        ticks(int(args[0]), int(args[1]), float(args[2]))
    elif cmd == "hist":
        hist(args[0], args[1], args[2])
    else:
        sys.exit(f"unknown command {cmd}")
