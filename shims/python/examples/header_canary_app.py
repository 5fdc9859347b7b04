"""A web service that routes each incoming request with the glidepath shim's override rules.

    python3 shims/python/examples/header_canary_app.py --server http://127.0.0.1:8470 \\
        --migration header-canary --baseline legacy --candidate next --port 8080 [--ingest-token T]

Every ``GET /chat?merchant=<id>`` is one request to migrate. The app fills the attributes the
policy's ``overrides`` look at from the incoming request, the way an nginx canary would:

* every request header as ``"header:<name>"`` (the shim compares header names case-insensitively),
* every cookie of the ``Cookie`` header as ``"cookie:<name>"``,
* its own ``"segment"``: merchants whose id starts with ``premium-`` are ``premium``.

Then ``shim.call(merchant, fn, attributes)`` picks the arm (the first matching rule, else the sticky
bucket of the merchant), ``fn`` plays the provider (answers 200 at once) and the shim reports the
outcome, ``forced=1`` when a rule chose the arm. The answer is JSON: ``{"arm": ..., "forced": ...}``.
``GET /state`` answers the shim's view: ``{"revision", "state", "weights"}``. SIGTERM stops it
(flushing first).
"""

import argparse
import http.cookies
import json
import os
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Tuple

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from glidepath_shim import GlidepathShim  # noqa: E402


def attributes_of(headers: Any, merchant: str) -> Dict[str, str]:
    """The override attributes of one incoming request: its headers, its cookies, its segment."""
    attributes = {"header:" + name: value for name, value in headers.items()}
    jar = http.cookies.SimpleCookie()  # type: ignore[var-annotated]
    try:
        jar.load(headers.get("Cookie", ""))
    except http.cookies.CookieError:
        pass
    for name, morsel in jar.items():
        attributes["cookie:" + name] = morsel.value
    attributes["segment"] = "premium" if merchant.startswith("premium-") else "standard"
    return attributes


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--server", required=True)
    p.add_argument("--migration", required=True)
    p.add_argument("--baseline", required=True)
    p.add_argument("--candidate", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--ingest-token", default=None)
    a = p.parse_args()
    shim = GlidepathShim(a.server, a.migration, ingest_token=a.ingest_token, baseline=a.baseline,
                         candidate=a.candidate, batch_interval=0.5)
    shim.start()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

        def answer(self, body: Dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            if url.path == "/state":
                snap = shim.weights
                self.answer({"revision": snap.revision if snap else None, "state": snap.state if snap else None,
                             "weights": dict(snap.weights) if snap else None})
                return
            merchant = urllib.parse.parse_qs(url.query).get("merchant", [""])[0] or None

            def provider(arm: str) -> Tuple[int, str]:
                return 200, "answered by " + arm

            outcome = shim.call(merchant, provider, attributes=attributes_of(self.headers, merchant or ""))
            self.answer({"arm": outcome.arm, "forced": outcome.forced, "result": outcome.result})

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print(json.dumps({"port": httpd.server_address[1]}), flush=True)

    def stop(*_: Any) -> None:
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        httpd.serve_forever()
    finally:
        shim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
