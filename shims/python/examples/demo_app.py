"""A small service that migrates its chat-completion calls with the glidepath shim.

    python3 shims/python/examples/demo_app.py --server http://127.0.0.1:8470 \\
        --migration chat-completions --baseline-url http://127.0.0.1:18801 \\
        --candidate-url http://127.0.0.1:18802 --requests 3000 --rate 50 --ingest-token T

For each of N requests (R per second, a few in flight at once) it picks a sticky key
(``merchant-<i % K>``), asks the shim for the arm, POSTs a chat completion to that arm's base
URL with urllib, and records the outcome (status 0 when no answer came). With ``--fallback`` the
request goes through ``shim.call``: a candidate answer that the policy counts as an error is
retried once on the baseline (both outcomes recorded, the fallback reported to the controller). The shim's events go to stderr; the last
line on stdout is one JSON summary. It keeps serving while the controller is down (fail static)
and exits 0.
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from glidepath_shim import GlidepathShim  # noqa: E402


def call_chat(base_url: str, key: str, timeout: float):
    """POST a chat completion; returns (status, tokens): status 0 when no answer came."""
    body = json.dumps({"model": "demo", "user": key,
                       "messages": [{"role": "user", "content": "hello"}]}).encode()
    req = urllib.request.Request(base_url.rstrip("/") + "/v1/chat/completions", data=body,
                                 headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            doc = json.loads(resp.read() or b"{}")
            return resp.status, (doc.get("usage") or {}).get("total_tokens")
    except urllib.error.HTTPError as e:
        e.read()
        return e.code, None
    except (urllib.error.URLError, OSError, ValueError):
        return 0, None


def main() -> int:
    p = argparse.ArgumentParser(description="glidepath shim demo app")
    p.add_argument("--server", required=True)
    p.add_argument("--migration", required=True)
    p.add_argument("--baseline-url", required=True)
    p.add_argument("--candidate-url", required=True)
    p.add_argument("--requests", type=int, required=True)
    p.add_argument("--rate", type=float, required=True, help="requests per second")
    p.add_argument("--ingest-token", default=None)
    p.add_argument("--keys", type=int, default=100)
    p.add_argument("--baseline", default="openai", help="baseline arm name (hint)")
    p.add_argument("--candidate", default="holysheep", help="candidate arm name (hint)")
    p.add_argument("--fallback", action="store_true", help="retry a failed candidate call on the baseline")
    p.add_argument("--breaker-threshold", type=int, default=None,
                   help="consecutive candidate errors that open the breaker until a weights "
                        "document says otherwise; 0 disables the breaker")
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--timeout", type=float, default=5.0, help="provider call timeout, seconds")
    p.add_argument("--flush-timeout", type=float, default=10.0,
                   help="seconds to keep trying to deliver buffered lines at the end")
    p.add_argument("--quiet", action="store_true", help="do not print shim events")
    a = p.parse_args()
    if a.requests < 0 or a.rate <= 0 or a.keys < 1:
        p.error("--requests >= 0, --rate > 0 and --keys >= 1")

    def on_event(kind, info):
        if not a.quiet and kind not in ("batch_sent",):
            sys.stderr.write("[shim] %s %s\n" % (kind, json.dumps(info, sort_keys=True)))

    shim = GlidepathShim(a.server, a.migration, ingest_token=a.ingest_token,
                         baseline=a.baseline, candidate=a.candidate,
                         fallback_to_baseline=a.fallback, breaker_threshold=a.breaker_threshold,
                         on_event=on_event)
    urls = {a.baseline: a.baseline_url, a.candidate: a.candidate_url}
    lock = threading.Lock()
    by_arm = {a.baseline: 0, a.candidate: 0}
    totals = {"errors": 0, "fallbacks": 0}

    def handle(i: int) -> None:
        key = "merchant-%d" % (i % a.keys)
        if a.fallback:
            def provider(arm: str):
                status, tokens = call_chat(urls.get(arm, a.baseline_url), key, a.timeout)
                return status, None, tokens
            out = shim.call(key, provider)
            # the routed arm: the candidate when the call fell back from it
            arm = a.candidate if out.fallback else out.arm
            status, fell_back = out.status, out.fallback
        else:
            arm = shim.route(key)
            started = time.monotonic()
            status, tokens = call_chat(urls.get(arm, a.baseline_url), key, a.timeout)
            shim.record(arm, status, (time.monotonic() - started) * 1000.0, tokens=tokens)
            fell_back = False
        with lock:
            by_arm[arm] = by_arm.get(arm, 0) + 1
            totals["errors"] += shim.is_error(status)
            totals["fallbacks"] += fell_back

    shim.start()
    t0 = time.monotonic()
    with ThreadPoolExecutor(max_workers=a.concurrency) as pool:
        for i in range(a.requests):
            delay = t0 + i / a.rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            pool.submit(handle, i)
    shim.stop(flush=True, timeout=a.flush_timeout)
    stats = shim.stats()
    snap = shim.weights
    summary = {"sent": a.requests, "by_arm": by_arm, "errors": totals["errors"],
               "fallbacks": totals["fallbacks"], "breaker_trips": stats["breaker_trips"],
               "dropped": stats["dropped"],
               "delivered": stats["sent"], "undelivered": stats["buffered"],
               "final_weights": snap.weights if snap else None,
               "final_revision": snap.revision if snap else None,
               "final_state": snap.state if snap else "unknown"}
    sys.stdout.write(json.dumps(summary) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
