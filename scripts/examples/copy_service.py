"""A copy-generation service that exports its own Prometheus metrics (the `prometheus-client` package).

    python3 scripts/examples/copy_service.py --port 9101 --baseline openai --candidate holysheep \
        --candidate-error-rate 0.3 --weights http://127.0.0.1:8470/v1/migrations/copy/weights

It never talks to glidepath's ingest: it counts its own requests, as a service that already has metrics
does, in

    copy_generation_total{source, status}              counter (status "ok" or "error")
    copy_generation_latency_seconds{source}             histogram with its own buckets (not glidepath's)

under synthetic traffic (`--rps` requests a second) split between the two providers by the weights it
polls from glidepath once a second (`--weights`), or by a fixed `--candidate-share`. Seeded, so a run is
repeatable. Serves /metrics on 127.0.0.1:PORT; SIGTERM stops it.
"""

import argparse
import json
import random
import signal
import sys
import threading
import time
import urllib.request

from prometheus_client import Counter, Histogram, start_http_server

BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--baseline", default="openai")
    ap.add_argument("--candidate", default="holysheep")
    ap.add_argument("--baseline-error-rate", type=float, default=0.01)
    ap.add_argument("--candidate-error-rate", type=float, default=0.01)
    ap.add_argument("--candidate-latency-factor", type=float, default=1.0)
    ap.add_argument("--rps", type=float, default=200)
    ap.add_argument("--weights", help="glidepath weights URL to poll for the split")
    ap.add_argument("--candidate-share", type=float, default=0.5, help="fixed split when --weights is not given")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    requests = Counter("copy_generation", "Copy generations by provider and outcome.", ["source", "status"])
    latency = Histogram("copy_generation_latency_seconds", "Copy generation latency.", ["source"], buckets=BUCKETS)
    for arm in (args.baseline, args.candidate):  # precreate, as services usually do
        for status in ("ok", "error"):
            requests.labels(arm, status)
        latency.labels(arm)
    start_http_server(args.port, addr="127.0.0.1")

    share = [args.candidate_share]
    stop = threading.Event()

    def poll():
        while not stop.is_set():
            try:
                with urllib.request.urlopen(args.weights, timeout=2) as r:
                    doc = json.load(r)
                share[0] = float(doc["weights"][args.candidate]) / 100.0
            except Exception:
                pass  # fail static: keep the last split
            stop.wait(1.0)

    if args.weights:
        share[0] = 0.0
        threading.Thread(target=poll, daemon=True).start()

    rng = random.Random(args.seed)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    tick = 0.05
    carry = 0.0
    print(f"listening on 127.0.0.1:{args.port}", flush=True)
    while not stop.is_set():
        carry += args.rps * tick
        n, carry = int(carry), carry - int(carry)
        for _ in range(n):
            candidate = rng.random() < share[0]
            arm = args.candidate if candidate else args.baseline
            error_rate = args.candidate_error_rate if candidate else args.baseline_error_rate
            seconds = rng.lognormvariate(-1.6, 0.5) * (args.candidate_latency_factor if candidate else 1.0)
            requests.labels(arm, "error" if rng.random() < error_rate else "ok").inc()
            latency.labels(arm).observe(seconds)
        stop.wait(tick)
    return 0


if __name__ == "__main__":
    sys.exit(main())
