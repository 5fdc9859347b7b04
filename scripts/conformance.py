#!/usr/bin/env python3
"""Black-box conformance test of a running glidepath controller against the v1 wire protocol.

Usage:
    python3 scripts/conformance.py --server http://127.0.0.1:PORT --admin-token A --ingest-token I [--bin PATH]

It only talks HTTP to the server (and, with --bin, runs `glidepath bucket`). It creates its own
migrations named `conf-<random>-<purpose>` with a 1 s control interval, so it can run against a
controller that already manages other migrations. Python 3 standard library only.

Every check prints `ok: NAME` or `FAIL: NAME (expected ..., got ...)`; `note:` lines are observations
outside the written contract and never fail. The last line is `conformance: N passed, M failed`;
the exit code is 1 when anything failed.
"""

import argparse
import http.client
import json
import math
import random
import shutil
import re
import socket
import string
import subprocess
import sys
import time
import urllib.parse

STATES = ["ramping", "waiting", "paused", "promoted", "rolled_back"]

# The protocol's metric table: name -> (type, label names). Histogram label sets exclude `le`.
METRICS = {
    "glidepath_requests_total": ("counter", {"migration", "arm", "class", "code"}),
    "glidepath_request_duration_seconds": ("histogram", {"migration", "arm"}),
    "glidepath_ttft_seconds": ("histogram", {"migration", "arm"}),
    "glidepath_tokens_total": ("counter", {"migration", "arm"}),
    "glidepath_weight_percent": ("gauge", {"migration", "arm"}),
    "glidepath_step": ("gauge", {"migration"}),
    "glidepath_revision": ("gauge", {"migration"}),
    "glidepath_migration_state": ("gauge", {"migration", "state"}),
    "glidepath_decisions_total": ("counter", {"migration", "action"}),
    "glidepath_shim_breaker_trips_total": ("counter", {"migration"}),
    "glidepath_fallbacks_total": ("counter", {"migration"}),
    "glidepath_forced_requests_total": ("counter", {"migration", "arm"}),
    "glidepath_arm_info": ("gauge", {"migration", "arm", "role"}),
    "glidepath_guard_evidence": ("gauge", {"migration", "guard", "test"}),
    "glidepath_observations_rejected_total": ("counter", {"reason"}),
    "glidepath_http_requests_total": ("counter", {"route", "code"}),
    "glidepath_control_loop_duration_seconds": ("histogram", set()),
    "glidepath_build_info": ("gauge", {"version"}),
}

# The protocol's bucketing vectors: (migration, key, fnv1a64, bucket).
BUCKET_VECTORS = [
    ("chat-completions", "merchant-42", 0xFFB8E95683A2DDD6, 2724),
    ("chat-completions", "merchant-43", 0xFFB8EA5683A2DF89, 3230),
    ("chat-completions", "", 0x0C30B6358C291FE1, 9639),
    ("image-tagging", "SKU-001", 0xB4203AD5D86F733D, 9782),
    ("key-rotation", "tenant/\u03b1", 0x652F9CA7E851E2A3, 2778),
]

# The `code` label of glidepath_requests_total (1xx is folded into 2xx).
CODES = ("2xx", "3xx", "4xx", "429", "5xx", "network")

MASK64 = (1 << 64) - 1
BASE, CAND = "base-arm", "cand-arm"


# ---------------------------------------------------------------------------------------------
# Bucketing, as the protocol specifies it (validated against the vectors below).

def fnv1a64(data):
    h = 0xCBF29CE484222325
    for byte in data:
        h ^= byte
        h = (h * 0x100000001B3) & MASK64
    return h


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def bucket(migration, key):
    return mix64(fnv1a64((migration + ":" + key).encode("utf-8"))) % 10000


# ---------------------------------------------------------------------------------------------
# HTTP

class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # lower-cased name -> value (last one wins)
        self.body = body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            return None

    def short(self):
        text = self.body[:300].decode("utf-8", "replace")
        return "%d %r" % (self.status, text)


class Client:
    def __init__(self, server, admin, ingest):
        url = urllib.parse.urlsplit(server)
        self.host = url.hostname or "127.0.0.1"
        self.port = url.port or 80
        self.admin = admin
        self.ingest = ingest

    def request(self, method, path, body=None, headers=None, timeout=15):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            hdrs = dict(headers or {})
            if isinstance(body, str):
                body = body.encode("utf-8")
            if body is not None and "Content-Length" not in hdrs:
                hdrs["Content-Length"] = str(len(body))
            conn.request(method, path, body=body, headers=hdrs)
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            conn.close()

    def raw(self, request_head, body, timeout=15):
        """Sends a request over a raw socket, tolerating a server that answers and closes before
        reading the whole body (as it should for a body that is too large)."""
        sock = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            sock.sendall(request_head)
            try:
                view = memoryview(body)
                for i in range(0, len(body), 65536):
                    sock.sendall(view[i:i + 65536])
            except (BrokenPipeError, ConnectionResetError):
                pass
            data = b""
            try:
                while True:
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    if b"\r\n\r\n" in data:
                        head, _, rest = data.partition(b"\r\n\r\n")
                        m = re.search(rb"(?i)content-length:\s*(\d+)", head)
                        if m and len(rest) >= int(m.group(1)):
                            break
            except (ConnectionResetError, socket.timeout):
                pass
        finally:
            sock.close()
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        if not lines or not lines[0].startswith("HTTP/"):
            return Response(0, {}, data)
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers[k.strip().lower()] = v.strip()
        return Response(status, headers, rest)

    # Conveniences -----------------------------------------------------------------------------

    def admin_headers(self, token="default"):
        token = self.admin if token == "default" else token
        h = {"Content-Type": "application/json"}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        return h

    def put_policy(self, name, policy, token="default"):
        body = policy if isinstance(policy, str) else json.dumps(policy)
        return self.request("PUT", "/v1/migrations/" + name, body, self.admin_headers(token))

    def action(self, name, action, reason=None, token="default"):
        body = json.dumps({"reason": reason}) if reason is not None else None
        return self.request("POST", "/v1/migrations/%s/%s" % (name, action), body, self.admin_headers(token))

    def weights(self, name, headers=None):
        return self.request("GET", "/v1/migrations/%s/weights" % name, headers=headers)

    def observe(self, name, body, token="default", extra=None):
        token = self.ingest if token == "default" else token
        h = {"Content-Type": "text/plain"}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        h.update(extra or {})
        return self.request("POST", "/v1/migrations/%s/observations" % name, body, h)

    def decisions(self, name, limit=None, token="default"):
        path = "/v1/migrations/%s/decisions" % name
        if limit is not None:
            path += "?limit=%d" % limit
        h = self.admin_headers(token)
        del h["Content-Type"]
        return self.request("GET", path, headers=h)

    def metrics(self):
        r = self.request("GET", "/metrics")
        return r, parse_metrics(r.body.decode("utf-8", "replace"))


# ---------------------------------------------------------------------------------------------
# Prometheus text format 0.0.4

class Metrics:
    def __init__(self):
        self.types = {}    # family -> type
        self.helps = {}
        self.samples = []  # (name, labels dict, value)

    def find(self, name, **labels):
        return [s for s in self.samples
                if s[0] == name and all(s[1].get(k) == v for k, v in labels.items())]

    def value(self, name, **labels):
        """Sum of the matching samples (0 when there is none)."""
        return sum(s[2] for s in self.find(name, **labels))

    def family_samples(self, family):
        kind = self.types.get(family)
        names = {family}
        if kind in ("histogram", "summary"):
            names |= {family + "_bucket", family + "_sum", family + "_count"}
        return [s for s in self.samples if s[0] in names]


def parse_labels(text, i):
    """Parses `{a="b",c="d"}` starting at text[i] == '{'; returns (labels, index after '}')."""
    labels = {}
    i += 1
    while True:
        while i < len(text) and text[i] in " ,":
            i += 1
        if text[i] == "}":
            return labels, i + 1
        m = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*").match(text, i)
        if not m:
            raise ValueError("bad label name at %d in %r" % (i, text))
        key = m.group(0)
        i = m.end()
        if text[i] != "=" or text[i + 1] != '"':
            raise ValueError("expected =\" in %r" % text)
        i += 2
        value = []
        while text[i] != '"':
            if text[i] == "\\":
                nxt = text[i + 1]
                value.append({"n": "\n", "\\": "\\", '"': '"'}.get(nxt, "\\" + nxt))
                i += 2
            else:
                value.append(text[i])
                i += 1
        labels[key] = "".join(value)
        i += 1


def parse_metrics(text):
    out = Metrics()
    for line in text.split("\n"):
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 4 and parts[1] == "TYPE":
                out.types[parts[2]] = parts[3].strip()
            elif len(parts) >= 3 and parts[1] == "HELP":
                out.helps[parts[2]] = parts[3] if len(parts) > 3 else ""
            continue
        m = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line)
        if not m:
            continue
        name = m.group(0)
        i = m.end()
        labels = {}
        if i < len(line) and line[i] == "{":
            labels, i = parse_labels(line, i)
        fields = line[i:].split()
        if not fields:
            continue
        try:
            value = float(fields[0])
        except ValueError:
            continue
        out.samples.append((name, labels, value))
    return out


def buckets_of(metrics, family, **labels):
    """[(le as float, cumulative count)] sorted by le, +Inf last."""
    result = []
    for _, l, v in metrics.find(family + "_bucket", **labels):
        le = l.get("le")
        if le is None:
            continue
        result.append((float(le), v))
    result.sort(key=lambda x: x[0])
    return result


# ---------------------------------------------------------------------------------------------
# The checks

class Conformance:
    def __init__(self, args):
        self.args = args
        self.c = Client(args.server, args.admin_token, args.ingest_token)
        self.prefix = "conf-" + "".join(random.choice(string.ascii_lowercase + string.digits) for _ in range(6))
        self.passed = 0
        self.failed = 0
        self.failures = []

    # Reporting -------------------------------------------------------------------------------

    def check(self, name, condition, expected=None, actual=None):
        if condition:
            self.passed += 1
            print("  ok: " + name)
        else:
            self.failed += 1
            detail = ""
            if expected is not None or actual is not None:
                detail = " (expected %s, got %s)" % (expected, actual)
            self.failures.append(name + detail)
            print("  FAIL: " + name + detail)
        sys.stdout.flush()
        return condition

    def equal(self, name, expected, actual):
        return self.check(name, expected == actual, repr(expected), repr(actual))

    def note(self, text):
        print("  note: " + text)

    def section(self, title, fn):
        print("== " + title)
        sys.stdout.flush()
        try:
            fn()
        except Exception as e:  # a crash fails the section, the rest still runs
            self.check("%s: ran to the end" % title, False, "no exception", "%s: %s" % (type(e).__name__, e))

    # Helpers ---------------------------------------------------------------------------------

    def name(self, purpose):
        return "%s-%s" % (self.prefix, purpose)

    def policy(self, name, steps, minRequests=20, **extra):
        p = {
            "migration": name,
            "description": "conformance test migration",
            "baseline": BASE,
            "candidate": CAND,
            "interval": "1s",
            "pollAfter": "3s",
            "steps": steps,
            "minRequests": minRequests,
        }
        p.update(extra)
        return p

    def slow_policy(self, name):
        """A policy the judge will not move on its own within the test (long bake, high minimum)."""
        return self.policy(name, [{"weight": 10, "bake": "1h"}, {"weight": 50, "bake": "1h"}, {"weight": 100}],
                           minRequests=1000000)

    def create(self, name, policy):
        r = self.c.put_policy(name, policy)
        if r.status not in (200, 201):
            raise RuntimeError("PUT %s answered %s" % (name, r.short()))
        return r

    def weights_doc(self, name):
        r = self.c.weights(name)
        if r.status != 200:
            raise RuntimeError("GET weights of %s answered %s" % (name, r.short()))
        return r.json()

    def error_json(self, label, r, status):
        """Checks status and that the body is a JSON error with a non-empty `error` sentence."""
        self.equal("%s: status %d" % (label, status), status, r.status)
        body = r.json()
        self.check("%s: JSON body with a non-empty \"error\"" % label,
                   isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"] != "",
                   '{"error": "..."}', r.body[:200])
        return body

    @staticmethod
    def cand_weight(doc):
        return (doc.get("weights") or {}).get(CAND) if isinstance(doc, dict) else None

    # Sections --------------------------------------------------------------------------------

    def ops(self):
        r = self.c.request("GET", "/healthz")
        self.equal("GET /healthz status", 200, r.status)
        self.check("GET /healthz says ok", b"ok" in r.body.lower(), "ok", r.body[:100])
        deadline = time.time() + 5
        while True:
            r = self.c.request("GET", "/readyz")
            if r.status == 200 or time.time() > deadline:
                break
            time.sleep(0.2)
        self.equal("GET /readyz is 200 once the loop ticked (polled up to 5 s)", 200, r.status)

    def bucketing(self):
        for migration, key, fnv, expected in BUCKET_VECTORS:
            raw = (migration + ":" + key).encode("utf-8")
            self.equal("fnv1a64(%r:%r)" % (migration, key), hex(fnv), hex(fnv1a64(raw)))
            self.equal("bucket(%r, %r) in Python" % (migration, key), expected, bucket(migration, key))
        if not self.args.bin:
            self.note("--bin not given: `glidepath bucket` not checked")
            return
        for migration, key, _, expected in BUCKET_VECTORS:
            try:
                p = subprocess.run([self.args.bin, "bucket", "--migration", migration, "--key", key],
                                   capture_output=True, timeout=20)
                out = p.stdout.decode("utf-8", "replace")
                found = [int(x) for x in re.findall(r"(?<![\d.])\d+(?![\d.])", out)]
                self.check("`glidepath bucket --migration %s --key %r` prints %d" % (migration, key, expected),
                           p.returncode == 0 and expected in found, "exit 0 and %d in the output" % expected,
                           "exit %d, stdout %r, stderr %r" % (p.returncode, out.strip(), p.stderr[:200]))
            except (OSError, subprocess.TimeoutExpired) as e:
                self.check("`glidepath bucket` runs", False, "it runs", str(e))

    def weights(self):
        name = self.name("weights")
        self.create(name, self.slow_policy(name))
        r = self.c.weights(name)
        self.equal("weights: status", 200, r.status)
        ctype = r.header("content-type") or ""
        self.check("weights: Content-Type application/json", ctype.split(";")[0].strip() == "application/json",
                   "application/json", ctype)
        doc = r.json()
        keys = ["migration", "revision", "state", "step", "baseline", "candidate", "weights", "pollAfterSeconds",
                "errorStatuses", "breaker"]
        self.equal("weights: exact keys", sorted(keys), sorted(doc.keys()) if isinstance(doc, dict) else doc)
        if not isinstance(doc, dict):
            return
        order = [k for k, _ in json.loads(r.body, object_pairs_hook=lambda pairs: pairs)]
        self.equal("weights: errorStatuses and breaker come after pollAfterSeconds", keys, order)
        self.equal("weights: errorStatuses default to [0, 429, \"5xx\"]", [0, 429, "5xx"], doc.get("errorStatuses"))
        self.equal("weights: breaker defaults to 5 errors, 30 s", {"consecutiveErrors": 5, "openSeconds": 30},
                   doc.get("breaker"))

        def is_int(v):
            return isinstance(v, int) and not isinstance(v, bool)

        def is_num(v):
            return isinstance(v, (int, float)) and not isinstance(v, bool)

        self.equal("weights: migration", name, doc.get("migration"))
        self.check("weights: revision is an integer >= 1", is_int(doc.get("revision")) and doc["revision"] >= 1,
                   "integer >= 1", repr(doc.get("revision")))
        self.equal("weights: state of a fresh migration", "ramping", doc.get("state"))
        self.check("weights: step is an integer", is_int(doc.get("step")), "integer", repr(doc.get("step")))
        self.equal("weights: step of a fresh migration", 0, doc.get("step"))
        self.equal("weights: baseline", BASE, doc.get("baseline"))
        self.equal("weights: candidate", CAND, doc.get("candidate"))
        w = doc.get("weights")
        self.equal("weights: weights keys are the two arms", sorted([BASE, CAND]),
                   sorted(w.keys()) if isinstance(w, dict) else w)
        if isinstance(w, dict) and all(is_num(v) for v in w.values()):
            two_dec = all(abs(round(v * 100) - v * 100) < 1e-6 for v in w.values())
            self.check("weights: at most two decimals", two_dec, "<= 2 decimals", w)
            self.equal("weights: sum to 100 (in basis points)", 10000, sum(round(v * 100) for v in w.values()))
            self.equal("weights: candidate weight at step 0", 10, w.get(CAND))
        else:
            self.check("weights: weights are numbers", False, "numbers", w)
        pas = doc.get("pollAfterSeconds")
        self.check("weights: pollAfterSeconds is a positive number", is_num(pas) and pas > 0, "> 0", repr(pas))
        self.equal("weights: pollAfterSeconds follows the policy's pollAfter 3s", 3, pas)
        self.equal("weights: Cache-Control", "max-age=%s" % pas, r.header("cache-control"))
        etag = r.header("etag")
        self.equal("weights: ETag is the quoted revision", '"%s"' % doc.get("revision"), etag)

        r2 = self.c.weights(name, {"If-None-Match": etag or '"x"'})
        self.equal("weights: If-None-Match with the ETag answers 304", 304, r2.status)
        self.equal("weights: 304 has an empty body", b"", r2.body)
        self.equal("weights: 304 repeats the ETag", etag, r2.header("etag"))
        r3 = self.c.weights(name, {"If-None-Match": '"%d"' % (int(doc["revision"]) + 1000)})
        self.equal("weights: If-None-Match with another ETag answers 200", 200, r3.status)
        r4 = self.c.weights(name, {"Glidepath-Shim": "conformance-shim-1"})
        self.equal("weights: Glidepath-Shim header accepted", 200, r4.status)

        rh = self.c.request("HEAD", "/v1/migrations/%s/weights" % name)
        self.note("HEAD on weights answers %d" % rh.status)
        r5 = self.c.weights(self.name("no-such-migration"))
        self.error_json("weights of an unknown migration", r5, 404)
        self.check("weights: 404 Content-Type application/json",
                   (r5.header("content-type") or "").split(";")[0].strip() == "application/json",
                   "application/json", r5.header("content-type"))

        # The policy's error statuses (numbers and whole classes) and breaker reach the shims.
        kr = self.name("key-rotation")
        self.create(kr, self.policy(kr, [{"weight": 10, "bake": "1h"}, {"weight": 100}], minRequests=1000000,
                                    guards={"errors": {"statuses": [0, 401, 403, 429, "5xx"]}},
                                    breaker={"consecutiveErrors": 3, "openSeconds": 10}))
        kdoc = self.weights_doc(kr)
        self.equal("weights: errorStatuses follow the policy's guards.errors.statuses", [0, 401, 403, 429, "5xx"],
                   kdoc.get("errorStatuses"))
        self.equal("weights: breaker follows the policy's breaker", {"consecutiveErrors": 3, "openSeconds": 10},
                   kdoc.get("breaker"))

        # Override rules travel after breaker, header names lower-cased, only when the policy has rules.
        ov = self.name("overrides")
        self.create(ov, self.policy(ov, [{"weight": 5, "bake": "1h"}, {"weight": 100}], minRequests=1000000,
                                    overrides=[{"attribute": "header:X-Canary", "equals": "always", "arm": "candidate"},
                                               {"attribute": "segment", "in": ["premium"], "arm": "baseline"},
                                               {"keys": ["qa-1"], "arm": "candidate", "evenWhenRolledBack": True}]))
        ro = self.c.weights(ov)
        self.check("weights: overrides is the last member, after breaker",
                   ro.body.endswith(b'"breaker":{"consecutiveErrors":5,"openSeconds":30},"overrides":['
                                    b'{"attribute":"header:x-canary","equals":"always","arm":"candidate"},'
                                    b'{"attribute":"segment","in":["premium"],"arm":"baseline"},'
                                    b'{"keys":["qa-1"],"arm":"candidate","evenWhenRolledBack":true}]}'),
                   "... \"overrides\":[...]}", ro.body[-220:])
        # Forced lines count apart from the evidence.
        _, mb = self.c.metrics()
        r = self.c.observe(ov, "%s 200 10 forced=1\n%s 200 10 forced=1\n%s 200 10 forced=1\n%s 200 10\n"
                           % (CAND, CAND, BASE, BASE))
        self.equal("ingest: a batch with forced=1 lines answers 202 with every line", (202, 4),
                   (r.status, (r.json() or {}).get("accepted") if r.status == 202 else None))
        _, ma = self.c.metrics()
        self.equal("ingest: forced=1 lines count in glidepath_forced_requests_total per arm", (2, 1),
                   (ma.value("glidepath_forced_requests_total", migration=ov, arm=CAND)
                    - mb.value("glidepath_forced_requests_total", migration=ov, arm=CAND),
                    ma.value("glidepath_forced_requests_total", migration=ov, arm=BASE)
                    - mb.value("glidepath_forced_requests_total", migration=ov, arm=BASE)))
        self.equal("ingest: forced=1 lines are not evidence (glidepath_requests_total grew by 1)", 1,
                   ma.value("glidepath_requests_total", migration=ov) - mb.value("glidepath_requests_total", migration=ov))
        r = self.c.observe(ov, "%s 200 10 forced=2\n" % CAND)
        self.error_json("ingest: forced=2", r, 400)
        r = self.c.observe(ov, "%s 200 10 forced=1 mirror=1\n" % CAND)
        self.error_json("ingest: forced=1 and mirror=1 on one line", r, 400)

        # Basis-point weights.
        frac = self.name("fraction")
        self.create(frac, self.policy(frac, [{"weight": 12.34, "bake": "1h"}, {"weight": 100}], minRequests=1000000))
        fdoc = self.weights_doc(frac)
        self.equal("weights: a 12.34% step answers 87.66 / 12.34", {BASE: 87.66, CAND: 12.34}, fdoc.get("weights"))
        r = self.c.put_policy(self.name("fraction3"),
                              self.policy(self.name("fraction3"), [{"weight": 12.345}, {"weight": 100}]))
        self.equal("weights: a policy step of 12.345% (three decimals) is refused with 422", 422, r.status)

        # List and status
        r = self.c.request("GET", "/v1/migrations")
        self.equal("GET /v1/migrations: status", 200, r.status)
        body = r.json()
        items = body
        if isinstance(body, dict):
            lists = [v for v in body.values() if isinstance(v, list)]
            items = lists[0] if lists else None
            self.note("GET /v1/migrations answers an object with keys %s, not a bare array" % sorted(body.keys()))
        self.check("GET /v1/migrations: a list", isinstance(items, list), "list", type(body).__name__)
        entry = [e for e in (items or []) if isinstance(e, dict) and e.get("migration") == name]
        if self.check("GET /v1/migrations: lists the new migration", len(entry) == 1, 1, len(entry)):
            e = entry[0]
            missing = [k for k in ["migration", "revision", "state", "step", "weights"] if k not in e]
            self.equal("GET /v1/migrations: entry has migration, revision, state, step, weights", [], missing)
            self.equal("GET /v1/migrations: entry agrees with the weights document",
                       (doc["revision"], doc["state"], doc["step"], doc["weights"]),
                       (e.get("revision"), e.get("state"), e.get("step"), e.get("weights")))
        r = self.c.request("GET", "/v1/migrations/" + name)
        self.equal("GET /v1/migrations/{name}: status", 200, r.status)
        s = r.json() or {}
        self.equal("GET /v1/migrations/{name}: state, step, weights",
                   (doc["state"], doc["step"], doc["weights"]), (s.get("state"), s.get("step"), s.get("weights")))
        self.check("GET /v1/migrations/{name}: includes the policy", "policy" in s, "a policy member", sorted(s))
        r = self.c.request("GET", "/v1/migrations/" + self.name("no-such-migration"))
        self.error_json("GET /v1/migrations/{unknown}", r, 404)

    def ingest(self):
        name = self.name("ingest")
        self.create(name, self.slow_policy(name))
        c = self.c

        def counters(m):
            out = {}
            for arm in (BASE, CAND):
                for cls in ("ok", "error", "client_error"):
                    out[(arm, cls)] = m.value("glidepath_requests_total", migration=name, arm=arm, **{"class": cls})
                out[(arm, "tokens")] = m.value("glidepath_tokens_total", migration=name, arm=arm)
                out[(arm, "count")] = m.value("glidepath_request_duration_seconds_count", migration=name, arm=arm)
                out[(arm, "ttft")] = m.value("glidepath_ttft_seconds_count", migration=name, arm=arm)
                out[(arm, "ttft_sum")] = m.value("glidepath_ttft_seconds_sum", migration=name, arm=arm)
                for code in CODES:
                    out[(arm, "code", code)] = m.value("glidepath_requests_total", migration=name, arm=arm, code=code)
            return out

        _, m0 = c.metrics()
        before = counters(m0)
        body = ("%s 200 20\n%s 200 142.5 tokens=5\n%s 200 30 tokens=3 ttft_ms=9.5\n%s 200 40\n%s 201 40\n"
                "%s 0 10000 tokens=0\n%s 429 12\n%s 503 2003\n%s 404 11\n" %
                (BASE, BASE, CAND, CAND, CAND, CAND, CAND, CAND, CAND))
        r = c.observe(name, body, extra={"Glidepath-Shim": "conformance-shim-1", "Glidepath-Revision": "1"})
        self.equal("ingest: 9 good lines answer 202", 202, r.status)
        self.equal("ingest: body {\"accepted\": 9}", {"accepted": 9}, r.json())
        _, m1 = c.metrics()
        after = counters(m1)
        delta = {k: after[k] - before[k] for k in after}
        expected = {(BASE, "ok"): 2, (BASE, "error"): 0, (BASE, "client_error"): 0,
                    (CAND, "ok"): 3, (CAND, "error"): 3, (CAND, "client_error"): 1}
        self.equal("ingest: glidepath_requests_total by class (0/429/5xx error, 404 client_error)",
                   expected, {k: v for k, v in delta.items() if k in expected})
        self.equal("ingest: glidepath_tokens_total", {BASE: 5, CAND: 3},
                   {BASE: delta[(BASE, "tokens")], CAND: delta[(CAND, "tokens")]})
        self.equal("ingest: glidepath_requests_total by code (201 is 2xx, 0 network, 429 its own)",
                   {"2xx": 3, "3xx": 0, "4xx": 1, "429": 1, "5xx": 1, "network": 1},
                   {code: delta[(CAND, "code", code)] for code in CODES})
        self.equal("ingest: glidepath_ttft_seconds _count grew by 1 (the one line with ttft_ms)",
                   {BASE: 0, CAND: 1}, {BASE: delta[(BASE, "ttft")], CAND: delta[(CAND, "ttft")]})
        self.check("ingest: glidepath_ttft_seconds _sum grew by 0.0095 s", abs(delta[(CAND, "ttft_sum")] - 0.0095) < 1e-9,
                   0.0095, delta[(CAND, "ttft_sum")])
        self.equal("ingest: baseline duration histogram _count grew by 2", 2, delta[(BASE, "count")])
        self.note("candidate duration histogram _count grew by %s for 7 lines (incl. 1 client error and "
                  "1 transport failure)" % delta[(CAND, "count")])
        b0 = dict(buckets_of(m0, "glidepath_request_duration_seconds", migration=name, arm=BASE))
        b1 = buckets_of(m1, "glidepath_request_duration_seconds", migration=name, arm=BASE)
        below = [(le, v - b0.get(le, 0)) for le, v in b1 if le < 0.02]
        above = [(le, v - b0.get(le, 0)) for le, v in b1 if le >= 0.1425]
        self.check("ingest: 20 ms and 142.5 ms land in the right buckets",
                   below and above and below[-1][1] == 0 and above[0][1] == 2,
                   "0 below 20 ms, 2 at le >= 0.1425",
                   "%s / %s" % (below[-1] if below else None, above[0] if above else None))
        sum_delta = (m1.value("glidepath_request_duration_seconds_sum", migration=name, arm=BASE)
                     - m0.value("glidepath_request_duration_seconds_sum", migration=name, arm=BASE))
        self.check("ingest: baseline duration _sum grew by 0.1625 s", abs(sum_delta - 0.1625) < 1e-6,
                   0.1625, sum_delta)

        # Rejections: each must answer the status and record nothing.
        cases = [
            ("bad latency on line 2", "%s 200 10\n%s 200 abc\n%s 200 10\n" % (CAND, CAND, CAND), 400, 2),
            ("unknown key foo=1", "%s 200 10 foo=1\n" % CAND, 400, 1),
            ("status 600", "%s 200 10\n%s 600 10\n" % (CAND, CAND), 400, 2),
            ("status 99", "%s 99 10\n" % CAND, 400, 1),
            ("negative latency", "%s 200 10\n%s 200 10\n%s 200 -1\n" % (BASE, BASE, BASE), 400, 3),
            ("latency nan", "%s 200 nan\n" % CAND, 400, 1),
            ("latency inf", "%s 200 inf\n" % CAND, 400, 1),
            ("unknown arm", "%s 200 10\nnobody 200 10\n" % CAND, 400, 2),
            ("negative tokens", "%s 200 10 tokens=-1\n" % CAND, 400, 1),
            ("fractional tokens", "%s 200 10 tokens=1.5\n" % CAND, 400, 1),
            ("negative ttft_ms", "%s 200 10 ttft_ms=-2\n" % CAND, 400, 1),
            ("missing latency", "%s 200\n" % CAND, 400, 1),
            ("empty body", "", 400, None),
        ]
        for label, body, status, line in cases:
            _, mb = c.metrics()
            r = c.observe(name, body)
            err = self.error_json("ingest %s" % label, r, status)
            if line is not None and isinstance(err, dict):
                self.equal("ingest %s: 1-based line" % label, line, err.get("line"))
            _, ma = c.metrics()
            self.equal("ingest %s: nothing recorded" % label, counters(mb), counters(ma))
        r = c.observe(name, "%s  200 10\n" % CAND)
        if r.status != 400:
            self.note("ingest: a double space between fields answers %d (the protocol says single spaces)" % r.status)

        # Size limit: exactly 1 MiB of valid lines is accepted, one byte more answers 413.
        def valid_body(size):
            line = ("%s 200 100\n" % BASE).encode()
            wide = ("%s 200 1000\n" % BASE).encode()  # one byte longer: `rest` of them hit the size exactly
            k, rest = divmod(size, len(line))
            body = line * (k - rest) + wide * rest
            assert len(body) == size
            return body

        def post_raw(body):
            head = ("POST /v1/migrations/%s/observations HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: text/plain\r\n"
                    "Authorization: Bearer %s\r\nContent-Length: %d\r\nConnection: close\r\n\r\n"
                    % (name, c.host, c.port, c.ingest, len(body))).encode()
            return c.raw(head, body)

        _, mb = c.metrics()
        r = post_raw(valid_body((1 << 20) + 1))
        self.equal("ingest of 1 MiB + 1 byte: status 413", 413, r.status)
        _, ma = c.metrics()
        self.equal("ingest of 1 MiB + 1 byte: nothing recorded", counters(mb), counters(ma))
        big = post_raw(valid_body(2 << 20))
        self.equal("ingest of 2 MiB: status 413", 413, big.status)
        r = post_raw(valid_body(1 << 20))
        self.equal("ingest of exactly 1 MiB: 202", 202, r.status)

        # Outside the written contract, reported as notes.
        r = c.observe(name, "%s 200 10\n\n" % CAND)
        self.note("ingest of a body ending with a blank line answers %s" % r.short())
        r = c.observe(name, "%s 200 10\r\n%s 200 10\r\n" % (CAND, CAND))
        self.note("ingest with CRLF line ends answers %s" % r.short())
        r = c.observe(name, "%s 200 10\n" % CAND, extra={"Glidepath-Revision": "abc"})
        self.note("ingest with Glidepath-Revision: abc answers %s" % r.short())
        head = ("POST /v1/migrations/%s/observations HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: text/plain\r\n"
                "Authorization: Bearer %s\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                % (name, c.host, c.port, c.ingest)).encode()
        chunk = ("%s 200 10\n" % CAND).encode()
        r = c.raw(head, b"%x\r\n%s\r\n0\r\n\r\n" % (len(chunk), chunk))
        self.note("ingest with Transfer-Encoding: chunked answers %s" % r.short())

        # Authentication and routing.
        r = c.observe(name, "%s 200 10\n" % CAND, token=None)
        self.error_json("ingest without a token", r, 401)
        r = c.observe(name, "%s 200 10\n" % CAND, token=c.ingest + "-wrong")
        self.error_json("ingest with a wrong token", r, 403)
        r = c.observe(name, "%s 200 10\n" % CAND, token=c.admin)
        self.note("ingest with the admin token answers %d" % r.status)
        r = c.observe(self.name("no-such-migration"), "%s 200 10\n" % CAND)
        self.error_json("ingest for an unknown migration", r, 404)

        # Shim reports: Glidepath-Breaker-Trips / Glidepath-Fallbacks, counted only with an accepted batch.
        def reports(m):
            return (m.value("glidepath_shim_breaker_trips_total", migration=name),
                    m.value("glidepath_fallbacks_total", migration=name))

        _, mb = c.metrics()
        self.check("ingest: glidepath_shim_breaker_trips_total and glidepath_fallbacks_total exist for the migration",
                   bool(mb.find("glidepath_shim_breaker_trips_total", migration=name))
                   and bool(mb.find("glidepath_fallbacks_total", migration=name)), "both series", reports(mb))
        r = c.observe(name, "%s 200 10\n" % CAND, extra={"Glidepath-Breaker-Trips": "2", "Glidepath-Fallbacks": "7"})
        self.equal("ingest with Glidepath-Breaker-Trips: 2 and Glidepath-Fallbacks: 7 answers 202", 202, r.status)
        r = c.observe(name, "%s 200 10\n" % CAND, extra={"Glidepath-Fallbacks": "1000000"})
        self.equal("ingest with Glidepath-Fallbacks: 1000000 answers 202", 202, r.status)
        _, ma = c.metrics()
        self.equal("ingest: the reports are added to the two counters", (2, 1000007),
                   tuple(a - b for a, b in zip(reports(ma), reports(mb))))
        for header in ("Glidepath-Breaker-Trips", "Glidepath-Fallbacks"):
            for value in ("-1", "1000001", "abc", "1.5", "+3", "1e3"):
                _, mb = c.metrics()
                r = c.observe(name, "%s 200 10\n" % CAND, extra={header: value})
                err = self.error_json("ingest with %s: %s" % (header, value), r, 400)
                if isinstance(err, dict):
                    self.equal("ingest with %s: %s: field names the header" % (header, value), header, err.get("field"))
                _, ma = c.metrics()
                self.equal("ingest with %s: %s: nothing recorded" % (header, value),
                           (counters(mb), reports(mb)), (counters(ma), reports(ma)))
                self.equal("ingest with %s: %s: counted as bad_header" % (header, value), 1,
                           ma.value("glidepath_observations_rejected_total", reason="bad_header")
                           - mb.value("glidepath_observations_rejected_total", reason="bad_header"))
        _, mb = c.metrics()
        r = c.observe(name, "%s 200 10\nnobody 200 10\n" % CAND, extra={"Glidepath-Breaker-Trips": "4"})
        self.equal("ingest: a refused batch with Glidepath-Breaker-Trips answers 400", 400, r.status)
        _, ma = c.metrics()
        self.equal("ingest: the reports of a refused batch are not counted", reports(mb), reports(ma))

        _, m = c.metrics()
        rejected = [s for s in m.samples if s[0] == "glidepath_observations_rejected_total"]
        self.check("ingest: glidepath_observations_rejected_total counts rejections",
                   sum(s[2] for s in rejected) > 0, "> 0", rejected)

    def admin(self):
        c = self.c
        name = self.name("admin")
        pol = self.slow_policy(name)
        r = c.put_policy(name, pol, token=None)
        self.error_json("PUT without an admin token", r, 401)
        r = c.put_policy(name, pol, token=c.admin + "x")
        self.error_json("PUT with a wrong admin token", r, 403)
        r = c.put_policy(name, pol, token=c.ingest)
        self.error_json("PUT with the ingest token", r, 403)
        self.equal("rejected PUTs stored nothing", 404, c.weights(name).status)

        r = c.put_policy(name, pol)
        self.equal("PUT a new policy: 201", 201, r.status)
        rev = self.weights_doc(name)["revision"]
        r = c.put_policy(name, pol)
        self.equal("PUT the same policy again: 200", 200, r.status)
        self.equal("PUT the same policy again: revision unchanged", rev, self.weights_doc(name)["revision"])
        pol2 = dict(pol, description="conformance test migration, changed")
        r = c.put_policy(name, pol2)
        self.equal("PUT a changed policy: 200", 200, r.status)
        doc = self.weights_doc(name)
        self.check("PUT a changed policy: revision not lowered", doc["revision"] >= rev, ">= %d" % rev, doc["revision"])

        other = self.name("other")
        r = c.put_policy(other, self.slow_policy(self.name("mismatch")))
        self.error_json("PUT with a name that differs from the policy's migration", r, 422)
        self.equal("name mismatch stored nothing under the URL name", 404, c.weights(other).status)
        self.equal("name mismatch stored nothing under the policy name", 404, c.weights(self.name("mismatch")).status)

        bad_name = self.name("bad")
        bad = self.policy(bad_name, [{"weight": 150, "bake": "1m"}, {"weight": 100}], interval="banana")
        r = c.put_policy(bad_name, bad)
        body = self.error_json("PUT a policy with 2 problems", r, 422)
        text = json.dumps(body)
        paths = {"interval": ["interval"],
                 "steps[0].weight": ["steps[0].weight", "steps/0/weight", "steps.0.weight"]}
        for label, variants in paths.items():
            self.check("PUT a policy with 2 problems: reports the path %s" % label,
                       any(v in text for v in variants), label, r.body[:400])
        self.equal("invalid policy stored nothing", 404, c.weights(bad_name).status)
        r = c.put_policy(bad_name, "{not json")
        self.error_json("PUT malformed JSON", r, 422)
        r = c.put_policy(bad_name, {"migration": bad_name})
        body = self.error_json("PUT a policy missing baseline, candidate, steps", r, 422)
        text = json.dumps(body)
        self.check("PUT missing fields: names each one",
                   all(k in text for k in ("baseline", "candidate", "steps")), "baseline, candidate, steps", text[:400])

        self.actions(name)

    def actions(self, name):
        c = self.c
        state = {"rev": self.weights_doc(name)["revision"]}

        def do(action, expect_state, expect_step, expect_cand, reason=None):
            r = c.action(name, action, reason)
            label = "%s (from %s)" % (action, state.get("state", "ramping"))
            self.equal("action %s: 200" % label, 200, r.status)
            body = r.json() or {}
            self.equal("action %s: answers the new status" % label, (expect_state, expect_step),
                       (body.get("state"), body.get("step")))
            doc = self.weights_doc(name)
            self.equal("action %s: weights document" % label, (expect_state, expect_step, expect_cand),
                       (doc["state"], doc["step"], self.cand_weight(doc)))
            self.check("action %s: revision strictly increases" % label, doc["revision"] > state["rev"],
                       "> %d" % state["rev"], doc["revision"])
            state["rev"] = doc["revision"]
            state["state"] = doc["state"]

        def refuse(action):
            r = c.action(name, action)
            label = "%s in state %s" % (action, state.get("state", "ramping"))
            self.error_json("nonsensical action %s" % label, r, 409)
            doc = self.weights_doc(name)
            self.equal("nonsensical action %s: revision unchanged" % label, state["rev"], doc["revision"])

        r = c.action(name, "pause", token=None)
        self.error_json("action without an admin token", r, 401)
        r = c.action(name, "pause", token=c.admin + "x")
        self.error_json("action with a wrong admin token", r, 403)
        r = c.action(self.name("no-such-migration"), "pause")
        self.error_json("action on an unknown migration", r, 404)
        r = c.action(name, "dance")
        self.note("unknown action `dance` answers %s" % r.short())

        refuse("resume")
        refuse("restart")
        old = c.weights(name)
        do("pause", "paused", 0, 10, reason="conformance pause")
        r = c.weights(name, {"If-None-Match": old.header("etag") or '"x"'})
        self.equal("weights: the ETag from before an action answers 200 with the new ETag",
                   (200, '"%d"' % state["rev"]), (r.status, r.header("etag")))
        refuse("pause")
        do("resume", "ramping", 0, 10)
        do("advance", "ramping", 1, 50)
        # promote: the step after a promote is not specified; check the state and weight only.
        r = c.action(name, "promote")
        self.equal("action promote (from ramping): 200", 200, r.status)
        doc = self.weights_doc(name)
        self.equal("action promote: state promoted, candidate 100", ("promoted", 100), (doc["state"], self.cand_weight(doc)))
        self.check("action promote: revision strictly increases", doc["revision"] > state["rev"],
                   "> %d" % state["rev"], doc["revision"])
        state["rev"], state["state"] = doc["revision"], doc["state"]
        refuse("promote")
        refuse("pause")
        do("restart", "ramping", 0, 10)
        r = c.action(name, "rollback", "conformance rollback")
        self.equal("action rollback (from ramping): 200", 200, r.status)
        doc = self.weights_doc(name)
        self.equal("action rollback: state rolled_back, candidate 0", ("rolled_back", 0),
                   (doc["state"], self.cand_weight(doc)))
        self.check("action rollback: revision strictly increases", doc["revision"] > state["rev"],
                   "> %d" % state["rev"], doc["revision"])
        state["rev"], state["state"] = doc["revision"], doc["state"]
        refuse("rollback")
        refuse("advance")
        self.migration_state_metric(name, "rolled_back")
        do("restart", "ramping", 0, 10)
        self.migration_state_metric(name, "ramping")

        # Decisions: newest first.
        r = c.decisions(name, token=None)
        self.error_json("decisions without an admin token", r, 401)
        r = c.decisions(name, token=c.admin + "x")
        self.error_json("decisions with a wrong admin token", r, 403)
        r = c.decisions(name)
        self.equal("decisions: status", 200, r.status)
        body = r.json()
        items = body
        if isinstance(body, dict):
            lists = [v for v in body.values() if isinstance(v, list)]
            items = lists[0] if lists else None
            self.note("decisions answer an object with keys %s, not a bare array" % sorted(body.keys()))
        if not self.check("decisions: a list", isinstance(items, list), "list", type(body).__name__):
            return
        self.check("decisions: at least the 8 operator actions", len(items) >= 8, ">= 8", len(items))
        fields = ["action", "actor", "at", "evidence", "fromStep", "reason", "revision", "toStep", "weights"]
        for i, d in enumerate(items[:8]):
            self.equal("decisions[%d]: fields" % i, fields, sorted(d.keys()) if isinstance(d, dict) else d)
        revs = [d.get("revision") for d in items if isinstance(d, dict)]
        self.check("decisions: newest first (revisions decreasing)",
                   all(a > b for a, b in zip(revs, revs[1:])), "strictly decreasing", revs)
        newest = items[0]
        self.equal("decisions[0]: the last restart by the operator",
                   ("restart", "operator", state["rev"], 0), (newest.get("action"), newest.get("actor"),
                                                               newest.get("revision"), newest.get("toStep")))
        self.equal("decisions[0]: weights", {BASE: 90, CAND: 10}, newest.get("weights"))
        pauses = [d for d in items if d.get("action") == "pause"]
        self.check("decisions: the pause keeps its reason",
                   bool(pauses) and "conformance pause" in str(pauses[-1].get("reason")),
                   "reason containing 'conformance pause'", [p.get("reason") for p in pauses])
        advances = [d for d in items if d.get("action") == "advance"]
        if self.check("decisions: the advance is recorded", len(advances) == 1, 1, len(advances)):
            self.equal("decisions: advance fromStep/toStep", (0, 1),
                       (advances[0].get("fromStep"), advances[0].get("toStep")))
        _, m = c.metrics()
        by_action = {}
        for d in items:
            if d.get("actor") == "operator" and d.get("action") in ("pause", "resume", "advance", "promote",
                                                                     "rollback", "restart"):
                by_action[d["action"]] = by_action.get(d["action"], 0) + 1
        self.equal("glidepath_decisions_total agrees with the decision log for operator actions",
                   {a: float(n) for a, n in by_action.items()},
                   {a: m.value("glidepath_decisions_total", migration=name, action=a) for a in by_action})
        r = c.decisions(name, limit=2)
        body = r.json()
        lim = body if isinstance(body, list) else ([v for v in body.values() if isinstance(v, list)] or [None])[0] \
            if isinstance(body, dict) else None
        self.equal("decisions?limit=2: two entries", 2, len(lim) if isinstance(lim, list) else lim)
        if isinstance(lim, list) and lim:
            self.equal("decisions?limit=2: the newest two", revs[:2], [d.get("revision") for d in lim])

    def migration_state_metric(self, name, current):
        _, m = self.c.metrics()
        values = {s[1].get("state"): s[2] for s in m.find("glidepath_migration_state", migration=name)}
        self.equal("glidepath_migration_state{migration=%s}: 1 for %s only, 0 for the other states" % (name, current),
                   {s: (1.0 if s == current else 0.0) for s in STATES}, values)
        doc = self.weights_doc(name)
        self.equal("glidepath_revision agrees with the weights document", float(doc["revision"]),
                   m.value("glidepath_revision", migration=name))
        self.equal("glidepath_step agrees with the weights document", float(doc["step"]),
                   m.value("glidepath_step", migration=name))
        self.equal("glidepath_weight_percent agrees with the weights document",
                   {BASE: float(doc["weights"][BASE]), CAND: float(doc["weights"][CAND])},
                   {arm: m.value("glidepath_weight_percent", migration=name, arm=arm) for arm in (BASE, CAND)})

    def loop(self):
        c = self.c
        good, bad = self.name("promote"), self.name("rollback")
        steps = [{"weight": 10, "bake": "1s"}, {"weight": 100}]
        self.create(good, self.policy(good, steps, minRequests=20))
        self.create(bad, self.policy(bad, steps, minRequests=20))
        rnd = random.Random(7)

        def batch(cand_status, n=40):
            lines = []
            for _ in range(n):
                lines.append("%s 200 %.1f" % (BASE, rnd.uniform(80, 140)))
                lines.append("%s %d %.1f" % (CAND, cand_status, rnd.uniform(80, 140)))
            return "\n".join(lines) + "\n"

        def drive(name, cand_status, target, timeout=40):
            start = time.time()
            seen = []
            while time.time() - start < timeout:
                r = c.observe(name, batch(cand_status))
                if r.status != 202:
                    return None, "ingest answered %s" % r.short(), seen
                doc = self.weights_doc(name)
                if not seen or seen[-1] != (doc["state"], doc["step"]):
                    seen.append((doc["state"], doc["step"]))
                    revs.setdefault(name, []).append(doc["revision"])
                if doc["state"] == target:
                    return time.time() - start, doc, seen
                if doc["state"] in ("promoted", "rolled_back"):
                    return None, doc, seen
                time.sleep(0.3)
            return None, "timeout", seen

        revs = {}
        took, doc, seen = drive(good, 200, "promoted")
        self.check("loop: healthy candidate promoted within 40 s", took is not None,
                   "promoted", "%s after states %s" % (doc, seen))
        if took is not None:
            print("    (promoted in %.1f s via %s)" % (took, seen))
            self.equal("loop: promoted weights", {BASE: 0, CAND: 100}, doc["weights"])
            self.last_decision_by_judge(good, "promote")
            r = revs.get(good, [])
            self.check("loop: each judge step bumps the revision", all(a < b for a, b in zip(r, r[1:])),
                       "strictly increasing", r)
        took, doc, seen = drive(bad, 503, "rolled_back")
        self.check("loop: 100%-failing candidate rolled back within 40 s", took is not None,
                   "rolled_back", "%s after states %s" % (doc, seen))
        if took is not None:
            print("    (rolled back in %.1f s via %s)" % (took, seen))
            self.equal("loop: rolled back weights", {BASE: 100, CAND: 0}, doc["weights"])
            self.last_decision_by_judge(bad, "rollback")
            self.migration_state_metric(bad, "rolled_back")
            s = c.request("GET", "/v1/migrations/" + bad).json() or {}
            self.note("status of the rolled-back migration: reason=%r" % s.get("reason"))

    def feed(self, name, cand_status, seconds, stop_states=()):
        """Posts batches (40 per arm) every 0.3 s for `seconds`; returns the last weights document."""
        rnd = random.Random(11)
        end = time.time() + seconds
        doc = None
        while time.time() < end:
            lines = []
            for _ in range(40):
                lines.append("%s 200 %.1f" % (BASE, rnd.uniform(80, 140)))
                lines.append("%s %d %.1f" % (CAND, cand_status, rnd.uniform(80, 140)))
            r = self.c.observe(name, "\n".join(lines) + "\n")
            if r.status != 202:
                raise RuntimeError("ingest into %s answered %s" % (name, r.short()))
            doc = self.weights_doc(name)
            if doc["state"] in stop_states:
                return doc
            time.sleep(0.3)
        return doc

    def paused_and_waiting(self):
        steps = [{"weight": 10, "bake": "1s"}, {"weight": 100}]
        # paused: the judge records evidence but takes no action.
        name = self.name("paused")
        self.create(name, self.policy(name, steps, minRequests=20))
        r = self.c.action(name, "pause", "hold still")
        self.equal("paused: pause answers 200", 200, r.status)
        rev = self.weights_doc(name)["revision"]
        doc = self.feed(name, 503, 5, stop_states=("rolled_back", "promoted", "ramping"))
        self.equal("paused: a 100%-failing candidate for 5 s leaves state, step, weight and revision alone",
                   ("paused", 0, 10, rev), (doc["state"], doc["step"], self.cand_weight(doc), doc["revision"]))
        s = self.c.request("GET", "/v1/migrations/" + name).json() or {}
        self.note("paused migration status evidence: %s" % json.dumps(s.get("evidence"))[:300])
        r = self.c.action(name, "resume")
        self.equal("paused: resume answers 200", 200, r.status)
        doc = self.feed(name, 503, 40, stop_states=("rolled_back", "promoted"))
        self.equal("paused: after resume the failing candidate is rolled back", "rolled_back", doc["state"])

        # waiting: a manual gate; only resume or advance moves on, the judge may still roll back.
        # The project documents `"gate": "manual"` on a step as "an operator must resume before entering
        # this step", so the gate on step 1 holds the migration at step 0.
        gated = [{"weight": 10, "bake": "1s"}, {"weight": 100, "gate": "manual"}]
        name = self.name("gate")
        self.create(name, self.policy(name, gated, minRequests=20))
        doc = self.feed(name, 200, 40, stop_states=("waiting", "promoted", "rolled_back"))
        if not self.equal("waiting: a healthy step with a manual gate waits at step 0 (10%)",
                          ("waiting", 0, 10), (doc["state"], doc["step"], self.cand_weight(doc))):
            return
        rev = doc["revision"]
        doc = self.feed(name, 200, 4, stop_states=("ramping", "promoted", "rolled_back"))
        self.equal("waiting: healthy traffic for 4 s does not move a gated step",
                   ("waiting", 0, rev), (doc["state"], doc["step"], doc["revision"]))
        _, m = self.c.metrics()
        self.equal("glidepath_migration_state: 1 for waiting", 1.0,
                   m.value("glidepath_migration_state", migration=name, state="waiting"))
        r = self.c.action(name, "resume", "signed off")
        self.equal("waiting: resume answers 200", 200, r.status)
        doc = self.weights_doc(name)
        self.check("waiting: resume moves on to step 1 (100%)",
                   doc["step"] == 1 and self.cand_weight(doc) == 100 and doc["state"] in ("ramping", "promoted"),
                   "step 1, 100%, ramping or promoted", (doc["state"], doc["step"], self.cand_weight(doc)))
        name = self.name("gate-bad")
        self.create(name, self.policy(name, gated, minRequests=20))
        doc = self.feed(name, 200, 40, stop_states=("waiting", "promoted", "rolled_back"))
        self.equal("waiting (second migration): reached the gate", "waiting", doc["state"])
        doc = self.feed(name, 503, 40, stop_states=("rolled_back", "promoted", "ramping"))
        self.equal("waiting: the judge still rolls back a failing candidate", "rolled_back", doc["state"])

    def reapply(self):
        """A new policy version on a finished migration is recorded and the migration stays finished (an edit
        never raises traffic nor restarts it); `restart` then ramps under the new version; the same policy
        changes nothing."""
        c = self.c
        name = self.name("reapply")
        pol = self.slow_policy(name)
        self.create(name, pol)
        r = c.action(name, "promote")
        self.equal("reapply: promote answers 200", 200, r.status)
        doc = self.weights_doc(name)
        r = c.put_policy(name, pol)
        after = self.weights_doc(name)
        self.equal("reapply: the same policy on a promoted migration: 200, state and revision unchanged",
                   (200, "promoted", doc["revision"]), (r.status, after["state"], after["revision"]))
        pol2 = dict(pol, steps=[{"weight": 20, "bake": "1h"}, {"weight": 100}])
        r = c.put_policy(name, pol2)
        after = self.weights_doc(name)
        self.equal("reapply: a new policy version on a promoted migration is recorded; it stays promoted at 100%",
                   (200, "promoted", 100), (r.status, after["state"], self.cand_weight(after)))
        self.check("reapply: ... and bumps the revision", after["revision"] > doc["revision"],
                   "> %d" % doc["revision"], after["revision"])
        r = c.action(name, "restart")
        restarted = self.weights_doc(name)
        self.equal("reapply: restart then ramps under the new version, at its step 0 (20%)",
                   (200, "ramping", 0, 20), (r.status, restarted["state"], restarted["step"], self.cand_weight(restarted)))

    def exposition(self):
        r, m = self.c.metrics()
        text = r.body.decode("utf-8", "replace")
        untyped = sorted({s[0] for s in m.samples if not any(
            s[0] == f or (m.types[f] in ("histogram", "summary") and s[0] in (f + "_bucket", f + "_sum", f + "_count"))
            for f in m.types)})
        self.equal("/metrics: every sample belongs to a family with a TYPE line", [], untyped)
        types = [l.split()[2] for l in text.split("\n") if l.startswith("# TYPE ")]
        dup = sorted({t for t in types if types.count(t) > 1})
        self.equal("/metrics: no family declared twice", [], dup)
        keys = [(s[0], tuple(sorted(s[1].items()))) for s in m.samples]
        dups = sorted({k for k in keys if keys.count(k) > 1})[:5]
        self.equal("/metrics: no duplicate series", [], dups)
        self.check("/metrics: ends with a newline", text.endswith("\n"), "trailing newline", repr(text[-20:]))
        codes = {s[1].get("code") for s in m.find("glidepath_http_requests_total")}
        self.check("glidepath_http_requests_total: counts the 404s, 409s and 422s this run caused",
                   {"404", "409", "422"} <= codes, "codes 404, 409, 422", sorted(c for c in codes if c))
        routes = {s[1].get("route") for s in m.find("glidepath_http_requests_total")}
        leaked = sorted(x for x in routes if x and self.prefix in x)
        self.equal("glidepath_http_requests_total: route is a template, not a path with a migration name", [], leaked)
        promtool = self.args.promtool or shutil.which("promtool")
        if promtool:
            p = subprocess.run([promtool, "check", "metrics"], input=r.body, capture_output=True, timeout=30)
            self.check("promtool check metrics", p.returncode == 0, "exit 0",
                       "exit %d: %s" % (p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")[:600]))
        else:
            self.note("promtool not found: `promtool check metrics` not run")

    def save_state(self):
        """Writes every migration of this run with its revision and state, for --after-restart."""
        r = self.c.request("GET", "/v1/migrations")
        body = r.json()
        items = body if isinstance(body, list) else [v for v in body.values() if isinstance(v, list)][0]
        saved = {e["migration"]: {"revision": e["revision"], "state": e["state"], "step": e["step"]}
                 for e in items if e["migration"].startswith(self.prefix)}
        with open(self.args.save, "w") as f:
            json.dump({"prefix": self.prefix, "migrations": saved}, f, indent=1)
        print("    (saved %d migrations to %s)" % (len(saved), self.args.save))

    def after_restart(self):
        with open(self.args.after_restart) as f:
            saved = json.load(f)["migrations"]
        for name, before in sorted(saved.items()):
            r = self.c.weights(name)
            doc = r.json() if r.status == 200 else None
            self.equal("after restart: %s keeps revision, state and step" % name,
                       (before["revision"], before["state"], before["step"]),
                       (doc["revision"], doc["state"], doc["step"]) if doc else r.short())
        # A change after the restart takes a revision never used before.
        for name, before in sorted(saved.items()):
            action = {"ramping": "pause", "paused": "resume", "waiting": "pause",
                      "promoted": "restart", "rolled_back": "restart"}[before["state"]]
            r = self.c.action(name, action, "after restart")
            doc = self.weights_doc(name)
            self.check("after restart: %s on %s takes a new revision" % (action, name),
                       r.status == 200 and doc["revision"] > before["revision"],
                       "200 and > %d" % before["revision"], "%d, %s" % (r.status, doc["revision"]))
            break
        r = self.c.decisions(sorted(saved)[0], limit=1)
        self.equal("after restart: decisions still served", 200, r.status)

    def last_decision_by_judge(self, name, what):
        r = self.c.decisions(name, limit=1)
        body = r.json()
        items = body if isinstance(body, list) else \
            (([v for v in body.values() if isinstance(v, list)] or [None])[0] if isinstance(body, dict) else None)
        if not self.check("loop %s: decisions?limit=1 has one entry" % what,
                          isinstance(items, list) and len(items) == 1, 1, r.short()):
            return
        d = items[0]
        self.equal("loop %s: last decision's actor" % what, "judge", d.get("actor"))
        self.check("loop %s: last decision's reason is non-empty" % what,
                   isinstance(d.get("reason"), str) and d["reason"].strip() != "", "non-empty", repr(d.get("reason")))
        self.check("loop %s: last decision carries the judge's evidence" % what,
                   isinstance(d.get("evidence"), (list, dict)) and len(d["evidence"]) > 0, "non-empty evidence",
                   repr(d.get("evidence"))[:200])
        self.note("loop %s: last decision action=%r reason=%r" % (what, d.get("action"), d.get("reason")))

    def metrics_catalogue(self):
        r, m = self.c.metrics()
        self.equal("GET /metrics: status", 200, r.status)
        ctype = r.header("content-type") or ""
        self.check("GET /metrics: Content-Type text/plain; version=0.0.4",
                   ctype.startswith("text/plain") and "version=0.0.4" in ctype, "text/plain; version=0.0.4", ctype)
        for name, (kind, labels) in METRICS.items():
            self.equal("metric %s: TYPE" % name, kind, m.types.get(name))
            samples = m.family_samples(name)
            if not samples:
                self.check("metric %s: has samples" % name, False, "at least one sample", "none")
                continue
            sets = {frozenset(k for k in s[1] if k != "le") for s in samples}
            self.equal("metric %s: label names" % name, [sorted(labels)], sorted(sorted(x) for x in sets))
        classes = {s[1].get("class") for s in m.find("glidepath_requests_total")}
        self.check("glidepath_requests_total: class values within ok/error/client_error",
                   classes <= {"ok", "error", "client_error"}, "subset of ok, error, client_error", classes)
        codes = {s[1].get("code") for s in m.find("glidepath_requests_total")}
        self.check("glidepath_requests_total: code values within %s" % "/".join(CODES),
                   codes <= set(CODES), "subset of " + ", ".join(CODES), codes)
        info = m.find("glidepath_build_info")
        self.check("glidepath_build_info: value 1 with a non-empty version",
                   bool(info) and all(s[2] == 1 and s[1].get("version") for s in info), "1", info)
        self.histograms(m, "glidepath_request_duration_seconds", fine=True)
        self.histograms(m, "glidepath_ttft_seconds", fine=True)
        self.histograms(m, "glidepath_control_loop_duration_seconds", fine=False)

    def histograms(self, m, family, fine):
        series = {}
        for _, labels, v in m.find(family + "_bucket"):
            key = tuple(sorted((k, x) for k, x in labels.items() if k != "le"))
            series.setdefault(key, []).append((float(labels["le"]), v))
        if not self.check("%s: has bucket series" % family, bool(series), "> 0", 0):
            return
        key, buckets = sorted(series.items())[0]
        buckets.sort(key=lambda b: b[0])
        les = [b[0] for b in buckets]
        self.check("%s: has a +Inf bucket" % family, les and les[-1] == math.inf, "+Inf last", les[-3:])
        finite = [x for x in les if x != math.inf]
        if fine:
            self.check("%s: first bound <= 0.001 s" % family, finite and finite[0] <= 0.001, "<= 0.001", finite[:1])
            self.check("%s: last finite bound >= 60 s" % family, finite and finite[-1] >= 60, ">= 60", finite[-1:])
            ratios = [b / a for a, b in zip(finite, finite[1:]) if a > 0]
            worst = max(ratios) if ratios else None
            self.check("%s: consecutive bounds ratio <= 1.25" % family,
                       worst is not None and worst <= 1.25 * 1.001, "<= 1.25", worst)
            print("    (%d buckets from %g to %g)" % (len(finite), finite[0], finite[-1]))
        bad_series = []
        for key, buckets in series.items():
            buckets.sort(key=lambda b: b[0])
            counts = [b[1] for b in buckets]
            labels = dict(key)
            total = m.value(family + "_count", **labels) if labels else \
                sum(s[2] for s in m.find(family + "_count"))
            if any(b > a + 1e-9 for a, b in zip(counts[1:], counts)) or counts[-1] != total:
                bad_series.append((labels, counts[-1], total))
        self.equal("%s: buckets cumulative and _count == +Inf bucket in every series" % family, [], bad_series)
        les_by_series = {tuple(sorted(b[0] for b in v)) for v in series.values()}
        self.equal("%s: every series has the same bounds" % family, 1, len(les_by_series))

    def run(self):
        print("glidepath conformance against %s (migrations %s-*)" % (self.args.server, self.prefix))
        if self.args.after_restart:
            self.section("operations", self.ops)
            self.section("persistence across a restart", self.after_restart)
            print("conformance: %d passed, %d failed" % (self.passed, self.failed))
            return 1 if self.failed else 0
        self.section("operations", self.ops)
        self.section("bucketing", self.bucketing)
        self.section("weights, list and status", self.weights)
        self.section("ingest", self.ingest)
        self.section("admin and actions", self.admin)
        self.section("control loop end to end", self.loop)
        self.section("paused and waiting", self.paused_and_waiting)
        self.section("policy re-apply", self.reapply)
        self.section("metric catalogue", self.metrics_catalogue)
        self.section("exposition format", self.exposition)
        if self.args.save:
            self.section("save state for --after-restart", self.save_state)
        print("conformance: %d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def main():
    p = argparse.ArgumentParser(description="Black-box conformance test of a running glidepath controller.")
    p.add_argument("--server", default="http://127.0.0.1:8470")
    p.add_argument("--admin-token", required=True)
    p.add_argument("--ingest-token", required=True)
    p.add_argument("--bin", help="path of the glidepath binary, to check `glidepath bucket`")
    p.add_argument("--promtool", help="path of promtool (default: found on PATH, skipped when absent)")
    p.add_argument("--save", metavar="FILE", help="after the run, save this run's migrations and revisions to FILE")
    p.add_argument("--after-restart", metavar="FILE",
                   help="only check that the migrations saved in FILE survived a controller restart")
    args = p.parse_args()
    sys.exit(Conformance(args).run())


if __name__ == "__main__":
    main()
