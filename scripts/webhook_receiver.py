"""A webhook receiver for scripts/e2e-webhooks.sh (standard library only).

    python3 scripts/webhook_receiver.py --port P --log FILE --secret S [--script PATH=CODE,CODE,...]...

Listens on 127.0.0.1:P. Every POST is appended to FILE as one JSON line: path, headers that start with
Glidepath-, the body (text), and whether its signature verifies with the README's own `verify`
function (the ```python block of README.md that defines it, run as written). Answers each path from
its script of status codes (then 200): `--script /notify=500` answers the first POST to /notify
with 500 and the rest with 200.
"""

import argparse
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def readme_verify():
    """The `verify` function exactly as the README documents it."""
    readme = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "README.md")).read()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    code = next(b for b in blocks if "def verify(" in b)
    scope = {}
    exec(code, scope)  # noqa: S102 - the point is to run the documented snippet
    return scope["verify"]


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--secret", required=True)
    p.add_argument("--script", action="append", default=[])
    a = p.parse_args()
    verify = readme_verify()
    scripts = {}
    for s in a.script:
        path, codes = s.split("=", 1)
        scripts[path] = [int(c) for c in codes.split(",") if c]
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k: v for k, v in self.headers.items() if k.lower().startswith("glidepath-")}
            try:
                signed = verify(a.secret.encode(), self.headers, body)
            except Exception as e:  # a missing header is a failed check, not a crash
                signed = "error: %r" % e
            with lock:
                queue = scripts.get(self.path, [])
                status = queue.pop(0) if queue else 200
                with open(a.log, "a") as f:
                    f.write(json.dumps({"path": self.path, "status": status, "headers": headers,
                                        "body": body.decode(), "signed": signed,
                                        "contentType": self.headers.get("Content-Type"),
                                        "userAgent": self.headers.get("User-Agent")}) + "\n")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print("listening", flush=True)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
