#!/usr/bin/env python3
"""Hostile and probing clients for scripts/faults.sh (standard library only, 127.0.0.1 only).

Each subcommand runs against a controller that is already listening, measures what happened and
prints one JSON object on stdout; faults.sh turns it into PASS/FAIL lines.

  slowloris --port P [--conns 500] [--drip 1.0] [--bound 13]
      opens CONNS connections that each send a partial request head and then one more header
      line every DRIP seconds, never finishing it; meanwhile a normal client polls /healthz on
      fresh connections. Reports when each slow connection was answered (408) or closed.

  flood --port P --sockets N --migration M --candidate C --baseline B [--ingest-token T]
      opens one keep-alive connection first (the "operator" connection), then N idle sockets;
      probes fresh connections during the flood (answered or refused at once, or left hanging),
      posts a failing candidate's observations over the keep-alive connection and watches the
      weights until the judge rolls it back, reads the control loop's round count before and
      during the flood, closes the flood and checks that a fresh client is served again.
"""
import argparse
import errno
import json
import resource
import selectors
import socket
import statistics
import sys
import threading
import time

HOST = "127.0.0.1"


def percentile(values, q):
    if not values:
        return None
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


def raise_nofile(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(needed, soft), max(needed, hard)))
    except (ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


class KeepAlive:
    """A minimal HTTP/1.1 keep-alive client on one socket (Content-Length bodies only)."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""

    def request(self, method, path, body=b"", headers=()):
        head = [f"{method} {path} HTTP/1.1", f"Host: {HOST}"]
        head += [f"{k}: {v}" for k, v in headers]
        if body or method in ("POST", "PUT"):
            head.append(f"Content-Length: {len(body)}")
        self.sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        return self._read_response(method)

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buf += chunk

    def _read_response(self, method):
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, _, self.buf = self.buf.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        code = int(lines[0].split(" ")[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        if "chunked" in headers.get("transfer-encoding", "").lower():
            body = b""
            while True:
                while b"\r\n" not in self.buf:
                    self._fill()
                size_line, _, self.buf = self.buf.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                while len(self.buf) < size + 2:
                    self._fill()
                body += self.buf[:size]
                self.buf = self.buf[size + 2:]
                if size == 0:
                    break
            return code, headers, body
        length = int(headers.get("content-length", "0"))
        if method == "HEAD" or code in (204, 304):
            length = 0
        while len(self.buf) < length:
            self._fill()
        body, self.buf = self.buf[:length], self.buf[length:]
        return code, headers, body

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def one_shot(port, path="/healthz", timeout=3.0):
    """A fresh connection, one GET. Returns (outcome, seconds): outcome is the status code as a string,
    'closed' (EOF or reset before an answer), 'refused' (connect refused) or 'hung' (nothing within timeout)."""
    t0 = time.monotonic()
    try:
        s = socket.create_connection((HOST, port), timeout=timeout)
    except ConnectionRefusedError:
        return "refused", time.monotonic() - t0
    except (socket.timeout, TimeoutError):
        return "hung", time.monotonic() - t0
    except OSError as e:
        return f"error:{e.errno}", time.monotonic() - t0
    try:
        s.settimeout(max(0.1, timeout - (time.monotonic() - t0)))
        try:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n".encode())
        except OSError:
            return "closed", time.monotonic() - t0
        data = b""
        while b"\r\n" not in data:
            try:
                chunk = s.recv(4096)
            except (socket.timeout, TimeoutError):
                return "hung", time.monotonic() - t0
            except OSError:
                return "closed", time.monotonic() - t0
            if not chunk:
                return "closed", time.monotonic() - t0
            data += chunk
        return data.split(b" ")[1].decode(), time.monotonic() - t0
    finally:
        s.close()


# --------------------------------------------------------------------------------------------- slowloris

def slowloris(args):
    raise_nofile(args.conns + 256)
    sel = selectors.DefaultSelector()
    conns = {}  # fd -> dict
    start = time.monotonic()
    connect_failed = 0
    for i in range(args.conns):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        rc = s.connect_ex((HOST, args.port))
        if rc not in (0, errno.EINPROGRESS):
            connect_failed += 1
            s.close()
            continue
        conns[s.fileno()] = {"sock": s, "i": i, "sent_first": None, "lines": 0, "outcome": None,
                             "at": None, "data": b""}
        sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ, s.fileno())
    probe_lat, probe_bad = [], []
    stop_probe = threading.Event()

    def probe_loop():  # a normal client, meanwhile: fresh connection, GET /healthz, every 100 ms
        while not stop_probe.is_set():
            outcome, secs = one_shot(args.port, "/healthz", timeout=3.0)
            if outcome == "200":
                probe_lat.append(secs * 1000)
            else:
                probe_bad.append(outcome)
            stop_probe.wait(0.1)

    prober = threading.Thread(target=probe_loop, daemon=True)
    prober.start()
    deadline = start + args.bound + 5
    while time.monotonic() < deadline:
        now = time.monotonic()
        open_left = [c for c in conns.values() if c["outcome"] is None]
        if not open_left:
            break
        for key, ev in sel.select(timeout=0.05):
            c = conns[key.data]
            if c["outcome"] is not None:
                continue
            s = c["sock"]
            if ev & selectors.EVENT_WRITE and c["sent_first"] is None:
                try:
                    s.send(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                    c["sent_first"] = time.monotonic()
                    c["next_drip"] = c["sent_first"] + args.drip
                except OSError:
                    c["outcome"], c["at"] = "send-failed", time.monotonic()
                    sel.unregister(s)
                    continue
                sel.modify(s, selectors.EVENT_READ, key.data)
            if ev & selectors.EVENT_READ:
                try:
                    chunk = s.recv(4096)
                except OSError:
                    chunk = b""
                if chunk:
                    c["data"] += chunk
                    if b"\r\n" not in c["data"]:
                        continue
                    code = c["data"].split(b" ")[1].decode(errors="replace")
                    c["outcome"], c["at"] = code, time.monotonic()
                else:
                    c["outcome"], c["at"] = "closed", time.monotonic()
                sel.unregister(s)
        now = time.monotonic()
        for c in conns.values():
            if c["outcome"] is None and c["sent_first"] is not None and now >= c["next_drip"]:
                try:
                    c["sock"].send(f"X-Slow-{c['lines']}: y\r\n".encode())
                    c["lines"] += 1
                except OSError:
                    pass  # the read side will see the close
                c["next_drip"] = now + args.drip
    stop_probe.set()
    prober.join()
    durations = []
    outcomes = {}
    never_started = 0
    for c in conns.values():
        key = c["outcome"] or "open"
        outcomes[key] = outcomes.get(key, 0) + 1
        if c["sent_first"] is None:
            never_started += 1
        elif c["at"] is not None:
            durations.append(c["at"] - c["sent_first"])
        c["sock"].close()
    print(json.dumps({
        "conns": args.conns, "connect_failed": connect_failed, "never_started": never_started,
        "outcomes": outcomes,
        "within_bound": sum(1 for d in durations if d <= args.bound),
        "min_close_s": round(min(durations), 2) if durations else None,
        "max_close_s": round(max(durations), 2) if durations else None,
        "probe": {"ok": len(probe_lat), "bad": probe_bad[:10], "bad_count": len(probe_bad),
                  "p50_ms": round(statistics.median(probe_lat), 2) if probe_lat else None,
                  "p99_ms": round(percentile(probe_lat, 0.99), 2) if probe_lat else None,
                  "max_ms": round(max(probe_lat), 2) if probe_lat else None},
    }))


# --------------------------------------------------------------------------------------------- flood

def loop_rounds(ka):
    code, _, body = ka.request("GET", "/metrics")
    if code != 200:
        return None
    for line in body.decode().splitlines():
        if line.startswith("glidepath_control_loop_duration_seconds_count"):
            return float(line.split()[-1])
    return None


def hold_sockets(port, count, conn):
    """A helper process: opens COUNT idle sockets, reports how many, holds them until told to close."""
    socks = []
    for _ in range(count):
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        except OSError:
            break
        s.setblocking(False)
        if s.connect_ex((HOST, port)) in (0, errno.EINPROGRESS):
            socks.append(s)
        else:
            s.close()
    conn.send(len(socks))
    conn.recv()
    for s in socks:
        s.close()
    conn.send("closed")


def flood(args):
    raise_nofile(args.sockets + 512)
    soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    # A process holds at most its own descriptor limit: beyond it, helper processes hold the rest.
    own = min(args.sockets, soft - 256)
    helpers = []
    rest = args.sockets - own
    while rest > 0:
        import multiprocessing
        n = min(rest, soft - 64)
        parent, child = multiprocessing.Pipe()
        proc = multiprocessing.Process(target=hold_sockets, args=(args.port, n, child), daemon=True)
        helpers.append((proc, parent))
        rest -= n
    result = {"sockets": args.sockets, "helper_processes": len(helpers)}
    ka = KeepAlive(args.port)
    auth = [("Authorization", f"Bearer {args.ingest_token}")] if args.ingest_token else []
    weights_path = f"/v1/migrations/{args.migration}/weights"
    code, _, body = ka.request("GET", weights_path)
    result["before"] = json.loads(body) if code == 200 else {"code": code}
    result["rounds_before"] = loop_rounds(ka)

    # The flood: N sockets, connected and left idle.
    socks, pending, connect_errors = [], 0, {}
    t0 = time.monotonic()
    for proc, _ in helpers:
        proc.start()
    held_by_helpers = sum(parent.recv() for _, parent in helpers)
    for _ in range(own):
        try:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        except OSError as e:
            connect_errors[str(e.errno)] = connect_errors.get(str(e.errno), 0) + 1
            break
        s.setblocking(False)
        rc = s.connect_ex((HOST, args.port))
        if rc not in (0, errno.EINPROGRESS):
            connect_errors[str(rc)] = connect_errors.get(str(rc), 0) + 1
            s.close()
            continue
        socks.append(s)
    result["flood_open_s"] = round(time.monotonic() - t0, 2)
    time.sleep(args.settle)
    # Which flood sockets did the server close (refused past the cap) and which does it hold?
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ | selectors.EVENT_WRITE)
    closed = held = 0
    for key, ev in sel.select(timeout=0.5):
        s = key.fileobj
        if ev & selectors.EVENT_READ:
            try:
                data = s.recv(1)
                closed += 1 if not data else 0
            except OSError:
                closed += 1
        elif ev & selectors.EVENT_WRITE:
            held += 1
    sel.close()
    pending = len(socks) - closed - held
    # (the counts below are this process's sockets; the helpers' are only counted as opened)
    result["flood"] = {"opened": len(socks) + held_by_helpers, "opened_by_helpers": held_by_helpers,
                       "closed_by_server": closed, "held": held,
                       "connect_pending": pending, "client_errors": connect_errors}

    # Fresh clients during the flood: answered or refused at once, never left hanging.
    probes = []
    for _ in range(args.probes):
        outcome, secs = one_shot(args.port, "/healthz", timeout=args.probe_timeout)
        probes.append({"outcome": outcome, "ms": round(secs * 1000, 1)})
    result["probes"] = probes

    # The judge still works during the flood: a failing candidate is rolled back.
    bad = "".join(f"{args.baseline} 200 100\n{args.candidate} 503 40\n" for _ in range(100)).encode()
    rolled_back_after = None
    start = time.monotonic()
    last_doc = None
    post_codes = {}
    while time.monotonic() - start < args.judge_timeout:
        code, _, _ = ka.request("POST", f"/v1/migrations/{args.migration}/observations", bad,
                                auth + [("Content-Type", "text/plain")])
        post_codes[str(code)] = post_codes.get(str(code), 0) + 1
        code, _, body = ka.request("GET", weights_path)
        if code == 200:
            last_doc = json.loads(body)
            if last_doc["state"] == "rolled_back":
                rolled_back_after = round(time.monotonic() - start, 2)
                break
        time.sleep(0.5)
    # Hold the flood for a while in any case, so the round count below covers a real stretch of it.
    while time.monotonic() - t0 < args.min_hold:
        time.sleep(0.2)
    result["post_codes"] = post_codes
    result["rolled_back_after_s"] = rolled_back_after
    result["last_weights"] = last_doc
    result["rounds_during"] = loop_rounds(ka)
    result["flood_held_s"] = round(time.monotonic() - t0, 2)

    # Load drops: close the flood; a fresh client is served again.
    for s in socks:
        s.close()
    for proc, parent in helpers:
        parent.send("close")
        parent.recv()
        proc.join(timeout=10)
    ka.close()
    served_after = None
    t1 = time.monotonic()
    while time.monotonic() - t1 < args.recover_timeout:
        outcome, secs = one_shot(args.port, "/healthz", timeout=2.0)
        if outcome == "200":
            served_after = round(time.monotonic() - t1, 2)
            break
        time.sleep(0.2)
    result["served_after_flood_s"] = served_after
    print(json.dumps(result))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("slowloris")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--conns", type=int, default=500)
    s.add_argument("--drip", type=float, default=1.0)
    s.add_argument("--bound", type=float, default=13.0)
    f = sub.add_parser("flood")
    f.add_argument("--port", type=int, required=True)
    f.add_argument("--sockets", type=int, required=True)
    f.add_argument("--migration", required=True)
    f.add_argument("--baseline", required=True)
    f.add_argument("--candidate", required=True)
    f.add_argument("--ingest-token", default="")
    f.add_argument("--settle", type=float, default=2.0)
    f.add_argument("--probes", type=int, default=5)
    f.add_argument("--probe-timeout", type=float, default=3.0)
    f.add_argument("--judge-timeout", type=float, default=20.0)
    f.add_argument("--recover-timeout", type=float, default=10.0)
    f.add_argument("--min-hold", type=float, default=12.0, help="seconds the flood is held at least")
    a = p.parse_args()
    {"slowloris": slowloris, "flood": flood}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
