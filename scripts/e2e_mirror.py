"""The application of scripts/e2e-mirror.sh: a service that calls its provider through the Python shim
with a shadow copy, ``shim.call(key, fn, mirror_fn=fn)``.

    python3 scripts/e2e_mirror.py --server URL --migration NAME --baseline-url URL --candidate-url URL \\
        --rate 100 --until rolled_back|live --then 3 --timeout 90

It serves requests (sticky keys ``merchant-<i % 500>``, a few in flight) until the migration is
``rolled_back`` (``--until rolled_back``) or has left its shadow step for a live one (``--until live``),
as the shim's weights say, then ``--then`` seconds more. It counts, from its own functions, which arm
answered each user, every call of the candidate function (live and mirrored) and when it happened. The
last stdout line is one JSON summary. Exits 0; 1 on timeout.
"""

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shims", "python"))

from glidepath_shim import GlidepathShim  # noqa: E402


def post(base_url, key):
    """One chat completion; (status, tokens), status 0 when no answer came."""
    body = json.dumps({"model": "demo", "user": key, "messages": [{"role": "user", "content": "hi"}]}).encode()
    req = urllib.request.Request(base_url + "/v1/chat/completions", data=body,
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            doc = json.loads(resp.read() or b"{}")
            return resp.status, (doc.get("usage") or {}).get("total_tokens")
    except urllib.error.HTTPError as e:
        e.read()
        return e.code, None
    except (urllib.error.URLError, OSError, ValueError):
        return 0, None


def main():
    p = argparse.ArgumentParser()
    for name in ("--server", "--migration", "--baseline-url", "--candidate-url", "--ingest-token"):
        p.add_argument(name, required=name != "--ingest-token")
    p.add_argument("--rate", type=float, default=100)
    p.add_argument("--until", choices=["rolled_back", "live"], required=True)
    p.add_argument("--then", type=float, default=3)
    p.add_argument("--timeout", type=float, default=90)
    a = p.parse_args()

    shim = GlidepathShim(a.server, a.migration, ingest_token=a.ingest_token, baseline="key-old",
                         candidate="key-new", batch_interval=0.2)
    urls = {"key-old": a.baseline_url.rstrip("/"), "key-new": a.candidate_url.rstrip("/")}
    lock = threading.Lock()
    counts = {"served_by": {"key-old": 0, "key-new": 0}, "live_calls": {"key-old": 0, "key-new": 0},
              "mirror_calls": 0, "mirror_errors": 0, "served_by_candidate_in_shadow": 0,
              "mirror_calls_after_rollback": 0, "requests": 0}
    phase = {"rolled_back_seen": False}

    def fn(arm):
        with lock:
            counts["live_calls"][arm] += 1
        status, tokens = post(urls[arm], "u")
        return status, None, tokens

    def mirror_fn(arm):
        status, tokens = post(urls[arm], "u")
        with lock:
            counts["mirror_calls"] += 1
            counts["mirror_errors"] += status != 200
            if phase["rolled_back_seen"]:
                counts["mirror_calls_after_rollback"] += 1
        return status, None, tokens

    def one(i):
        snap = shim.weights
        shadow = snap is not None and snap.weights.get("key-new", 0) == 0
        out = shim.call("merchant-%d" % (i % 500), fn, mirror_fn=mirror_fn)
        with lock:
            counts["requests"] += 1
            counts["served_by"][out.arm] += 1
            if shadow and out.arm == "key-new":
                counts["served_by_candidate_in_shadow"] += 1

    shim.start()
    if not shim.wait_for_weights(10):
        print(json.dumps({"error": "no weights"}))
        return 1
    start = time.monotonic()
    reached = None
    i = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        while True:
            now = time.monotonic()
            snap = shim.weights
            if reached is None and snap is not None:
                if a.until == "rolled_back" and snap.state == "rolled_back":
                    reached = now
                    # Copies already running may still finish; a copy started from now on is a bug.
                    time.sleep(0.5)
                    with lock:
                        phase["rolled_back_seen"] = True
                elif a.until == "live" and snap.weights.get("key-new", 0) > 0:
                    reached = now
            if reached is not None and now - reached >= a.then:
                break
            if now - start > a.timeout:
                break
            pool.submit(one, i)
            i += 1
            time.sleep(1.0 / a.rate)
    shim.stop(flush=True, timeout=5)
    stats = shim.stats()
    snap = shim.weights
    counts.update({"reached": reached is not None, "seconds": round(time.monotonic() - start, 1),
                   "state": snap.state if snap else None, "step": snap.step if snap else None,
                   "weights": snap.weights if snap else None, "mirrored": stats["mirrored"],
                   "mirrors_dropped": stats["mirrors_dropped"], "dropped_lines": stats["dropped"],
                   "buffered": stats["buffered"]})
    print(json.dumps(counts))
    return 0 if reached is not None else 1


if __name__ == "__main__":
    sys.exit(main())
