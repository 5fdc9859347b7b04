#!/usr/bin/env python3
"""A small webhook receiver for scripts/e2e-alerts.sh (Python standard library only).

    python3 scripts/alert_receiver.py PORT_FILE OUT_FILE

Listens on 127.0.0.1 on a free port (written to PORT_FILE once it listens), answers every POST with 200
and appends its body to OUT_FILE as one JSON line (bodies that are not JSON are kept as a string). Stops on
SIGTERM or SIGINT. Bodies over 1 MiB are refused with 413.
"""

import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

MAX_BODY = 1 << 20


def main(port_file, out_file):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n < 0 or n > MAX_BODY:
                self.send_response(413)
                self.end_headers()
                return
            body = self.rfile.read(n)
            try:
                doc = json.loads(body)
            except ValueError:
                doc = body.decode("utf-8", "replace")
            with open(out_file, "a", encoding="utf-8") as f:
                f.write(json.dumps({"path": self.path, "body": doc}) + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, fmt, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(tmp, port_file)  # the port appears whole, never half-written

    def stop(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().split("\n\n")[1])
    main(sys.argv[1], sys.argv[2])
