"""A typed service using the installed shim (``pip install ./shims/python``).

scripts/check-shim-packages.sh type-checks this file with ``mypy --strict`` against the installed
wheel (its ``py.typed`` marker), so it shows the API's types as a user's editor sees them:

    python3 shims/python/examples/typed_app.py --server http://127.0.0.1:8470 \\
        --migration key-rotation --baseline key-old --candidate key-new \\
        --provider-url http://127.0.0.1:18801 --requests 100
"""

from __future__ import annotations

import argparse
import json
import time
import urllib.error
import urllib.request
from typing import Any, Dict, Optional, Tuple

from glidepath_shim import BreakerSettings, CallOutcome, GlidepathShim

Answer = Optional[Dict[str, Any]]


def chat(url: str, api_key: str, key: str) -> Tuple[int, Answer, Optional[int]]:
    """One provider call: (status, parsed answer, tokens); status 0 when no answer came."""
    body = json.dumps({"model": "demo", "user": key,
                       "messages": [{"role": "user", "content": "hello"}]}).encode()
    req = urllib.request.Request(url.rstrip("/") + "/v1/chat/completions", data=body, method="POST",
                                 headers={"Content-Type": "application/json",
                                          "Authorization": "Bearer " + api_key})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            doc: Dict[str, Any] = json.loads(resp.read() or b"{}")
            usage = doc.get("usage") or {}
            tokens = usage.get("total_tokens")
            return resp.status, doc, tokens if isinstance(tokens, int) else None
    except urllib.error.HTTPError as e:
        return e.code, None, None


def main() -> int:
    p = argparse.ArgumentParser(description="typed glidepath shim example")
    p.add_argument("--server", required=True)
    p.add_argument("--migration", required=True)
    p.add_argument("--baseline", required=True)
    p.add_argument("--candidate", required=True)
    p.add_argument("--provider-url", required=True, help="one OpenAI-compatible URL for both arms")
    p.add_argument("--requests", type=int, default=100)
    a = p.parse_args()
    keys: Dict[str, str] = {a.baseline: "old-key", a.candidate: "new-key"}  # a key rotation

    with GlidepathShim(a.server, a.migration, baseline=a.baseline,
                       candidate=a.candidate) as shim:
        shim.wait_for_weights(5.0)
        fallbacks = 0
        for i in range(a.requests):
            key = "tenant-%d" % (i % 50)
            out: CallOutcome[Answer] = shim.call(
                key, lambda arm: chat(a.provider_url, keys[arm], key))
            if out.fallback:
                fallbacks += 1
            answer: Answer = out.result
            if answer is None and not shim.is_error(out.status):
                print("answered %d without a body" % out.status)
            time.sleep(0.01)
        breaker: BreakerSettings = shim.breaker_settings()
        stats = shim.stats()
    print(json.dumps({"fallbacks": fallbacks, "breaker_trips": stats["breaker_trips"],
                      "breaker": breaker._asdict()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
