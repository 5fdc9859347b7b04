"""A tiny OpenAI-compatible fake provider for end-to-end runs (standard library only).

    python3 shims/python/fake_provider.py --port 18801 --error-rate 0.3 --latency-ms 50

Answers ``POST /v1/chat/completions`` after ``--latency-ms`` (+-20 %) with a JSON chat
completion, or with a 503 at ``--error-rate`` (seeded, so a run is repeatable). ``GET /healthz``
answers 200. With ``--port 0`` the chosen port is printed as ``listening on 127.0.0.1:PORT``.
"""

import argparse
import json
import random
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(name: str, error_rate: float, latency_ms: float, seed: int):
    rng = random.Random(seed)
    lock = threading.Lock()
    counter = [0]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _answer(self, status: int, doc: dict) -> None:
            body = json.dumps(doc).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/healthz":
                return self._answer(200, {"ok": True})
            self._answer(404, {"error": {"message": "not found"}})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            if self.path.rstrip("/") != "/v1/chat/completions":
                return self._answer(404, {"error": {"message": "not found"}})
            with lock:
                fail = rng.random() < error_rate
                delay = latency_ms * rng.uniform(0.8, 1.2) / 1000.0
                counter[0] += 1
                n = counter[0]
            time.sleep(delay)
            if fail:
                return self._answer(503, {"error": {"message": "%s is overloaded" % name,
                                                    "type": "server_error"}})
            try:
                req = json.loads(raw or b"{}")
            except ValueError:
                return self._answer(400, {"error": {"message": "body is not JSON"}})
            self._answer(200, {
                "id": "chatcmpl-%s-%d" % (name, n), "object": "chat.completion",
                "created": int(time.time()), "model": req.get("model", name),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": "hello from " + name}}],
                "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12},
            })

    return Handler


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--error-rate", type=float, default=0.0, help="0.0..1.0, share of 503s")
    p.add_argument("--latency-ms", type=float, default=50.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--name", default="fake")
    a = p.parse_args()
    if not 0.0 <= a.error_rate <= 1.0:
        p.error("--error-rate must be within 0.0..1.0")
    server = ThreadingHTTPServer((a.host, a.port),
                                 make_handler(a.name, a.error_rate, a.latency_ms, a.seed))
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("listening on %s:%d" % (a.host, server.server_address[1]), flush=True)
    try:
        server.serve_forever(0.1)
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
