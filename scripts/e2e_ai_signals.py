"""Drives one migration through the Python shim with simulated provider answers, for
scripts/e2e-ai-signals.sh.

    python3 scripts/e2e_ai_signals.py --server URL --migration M --kind ttft|tokens|keys|healthy \
        --rate 300 --max-seconds 240 [--ingest-token T]

Every request goes through ``shim.call(key, fn)``: the shim routes by a sticky key, ``fn(arm)``
answers like the arm's provider would, and the shim records the outcome (status, latency,
tokens, time to first token) and reports it to the real controller. ``fn`` returns at once, so
total latency is the same on both arms; the regression lives only where ``--kind`` puts it:

  ttft     the candidate's time to first token is 2.5x the baseline's (whole distribution)
  tokens   the candidate answers with 3x the tokens
  keys     the candidate's key is refused: 401 or 403 on every request (the breaker trips)
  healthy  both arms identical

Stops when the controller reports a final state (promoted / rolled_back) or after
--max-seconds, flushes, and prints one JSON line: final state, seconds, the shim's counters.
"""

import argparse
import json
import os
import random
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "shims", "python"))

from glidepath_shim import GlidepathShim  # noqa: E402


def answer(kind: str, rng: random.Random):
    """fn(arm) for shim.call: (status, body, tokens, ttft_ms) as the arm's provider answers."""
    def fn(arm: str):
        candidate = arm == "new"
        status = 503 if rng.random() < 0.005 else 200
        if kind == "keys" and candidate:
            status = 401 if rng.random() < 0.5 else 403
        ttft = rng.lognormvariate(0, 0.5) * 200.0
        if kind == "ttft" and candidate:
            ttft *= 2.5
        tokens = int(rng.lognormvariate(0, 0.5) * 350)
        if kind == "tokens" and candidate:
            tokens *= 3
        if status != 200:
            return status, None, 0, None
        return status, "ok", tokens, round(ttft, 1)
    return fn


def state(server: str, migration: str) -> str:
    with urllib.request.urlopen("%s/v1/migrations/%s" % (server, migration), timeout=5) as r:
        return json.loads(r.read())["state"]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--migration", required=True)
    p.add_argument("--kind", required=True, choices=["ttft", "tokens", "keys", "healthy"])
    p.add_argument("--rate", type=float, default=300)
    p.add_argument("--max-seconds", type=float, default=240)
    p.add_argument("--ingest-token", default=None)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = random.Random(a.seed)
    fn = answer(a.kind, rng)
    shim = GlidepathShim(a.server, a.migration, ingest_token=a.ingest_token, baseline="old",
                         candidate="new", poll_after=1.0, batch_interval=0.5)
    shim.start()
    shim.wait_for_weights(10)
    started = time.monotonic()
    by_arm = {"old": 0, "new": 0}
    final = None
    n = 0
    next_check = started + 1
    while time.monotonic() - started < a.max_seconds:
        outcome = shim.call("tenant-%d" % rng.randrange(5000), fn)
        by_arm[outcome.arm] = by_arm.get(outcome.arm, 0) + 1
        n += 1
        target = started + n / a.rate
        delay = target - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if time.monotonic() >= next_check:
            next_check += 1
            s = state(a.server, a.migration)
            if s in ("promoted", "rolled_back"):
                final = s
                break
    elapsed = time.monotonic() - started
    shim.stop(flush=True)
    stats = shim.stats()
    print(json.dumps({"migration": a.migration, "kind": a.kind, "final_state": final or state(a.server, a.migration),
                      "seconds": round(elapsed, 1), "requests": n, "answered_by": by_arm,
                      "breaker_trips": stats["breaker_trips"], "fallbacks": stats["fallbacks"],
                      "dropped": stats["dropped"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
