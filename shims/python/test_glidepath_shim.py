"""Tests of the Python shim: python3 -m unittest discover -s shims/python -v

A fake controller (http.server on port 0, in a thread) plays the weights and ingest
endpoints; every test stops the shim and the server it started.
"""

import json
import os
import random
import socket
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from glidepath_shim import (BreakerSettings, GlidepathShim, WeightsSnapshot, bucket, fnv1a64,
                            parse_breaker, parse_error_statuses)

HERE = os.path.dirname(os.path.abspath(__file__))

# The contract's table: migration, key, FNV-1a 64 of "migration:key", bucket.
PROTOCOL_VECTORS = [
    ("chat-completions", "merchant-42", 0xFFB8E95683A2DDD6, 2724),
    ("chat-completions", "merchant-43", 0xFFB8EA5683A2DF89, 3230),
    ("chat-completions", "", 0x0C30B6358C291FE1, 9639),
    ("image-tagging", "SKU-001", 0xB4203AD5D86F733D, 9782),
    ("key-rotation", "tenant/\u03b1", 0x652F9CA7E851E2A3, 2778),
]


def weights_doc(revision=1, candidate_weight=30.0, baseline="openai", candidate="holysheep",
                poll=0.05, state="ramping", **extra):
    doc = {"migration": "chat-completions", "revision": revision, "state": state, "step": 0,
           "baseline": baseline, "candidate": candidate,
           "weights": {baseline: 100 - candidate_weight, candidate: candidate_weight},
           "pollAfterSeconds": poll}
    doc.update(extra)
    return doc


class FakeController:
    """Serves a mutable weights answer and records every observations POST."""

    def __init__(self):
        self.lock = threading.Lock()
        self.weights_status = 200
        self.weights_body = json.dumps(weights_doc()).encode()
        self.weights_etag = '"1"'
        self.ingest_status = 202
        self.batches = []       # (headers dict, [lines]) of accepted POSTs
        self.posts = []         # (status answered, headers dict) of every POST
        self.polls = []         # headers dict of each GET
        self.conns = []         # accepted sockets, shut down by close() like a dying process
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def setup(self):
                super().setup()
                with owner.lock:
                    owner.conns.append(self.request)

            def _answer(self, status, body=b"", headers=()):
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                with owner.lock:
                    owner.polls.append(dict(self.headers))
                    status, body, etag = owner.weights_status, owner.weights_body, owner.weights_etag
                if not self.path.endswith("/v1/migrations/chat-completions/weights"):
                    return self._answer(404, b'{"error":"no such migration"}')
                if status == 200 and etag and self.headers.get("If-None-Match") == etag:
                    return self._answer(304)
                self._answer(status, body, [("ETag", etag)] if etag and status == 200 else [])

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                lines = body.decode().splitlines()
                with owner.lock:
                    status = owner.ingest_status
                    owner.posts.append((status, dict(self.headers)))
                    if status == 202:
                        owner.batches.append((dict(self.headers), lines))
                if status == 202:
                    self._answer(202, json.dumps({"accepted": len(lines)}).encode())
                else:
                    self._answer(status, b'{"error":"bad line","line":1}')

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def set_weights(self, doc=None, status=200, raw=None, etag=None):
        with self.lock:
            self.weights_status = status
            self.weights_body = raw if raw is not None else json.dumps(doc).encode()
            self.weights_etag = etag if etag is not None else (
                '"%d"' % doc["revision"] if doc is not None else None)

    def lines(self):
        with self.lock:
            return [line for _, lines in self.batches for line in lines]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
        with self.lock:
            for c in self.conns:
                try:
                    c.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self.thread.join(5)


def unused_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def snapshot(candidate_weight, revision=1):
    return WeightsSnapshot(revision, "ramping", 0, "openai", "holysheep",
                           {"openai": 100 - candidate_weight, "holysheep": candidate_weight},
                           5.0, '"%d"' % revision)


class Events:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def __call__(self, kind, info):
        with self.lock:
            self.items.append((kind, info))

    def kinds(self):
        with self.lock:
            return [k for k, _ in self.items]

    def reasons(self, kind):
        with self.lock:
            return [i.get("reason") for k, i in self.items if k == kind]


class BucketingTests(unittest.TestCase):
    def test_protocol_vectors(self):
        for migration, key, fnv, expected in PROTOCOL_VECTORS:
            with self.subTest(migration=migration, key=key):
                self.assertEqual(fnv1a64((migration + ":" + key).encode("utf-8")), fnv)
                self.assertEqual(bucket(migration, key), expected)

    def test_shared_vectors_file(self):
        path = os.path.join(HERE, "..", "vectors", "bucketing.json")
        if not os.path.exists(path):
            self.skipTest("shims/vectors/bucketing.json is absent (generated by `glidepath bucket`)")
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        entries = data["vectors"] if isinstance(data, dict) else data
        self.assertGreater(len(entries), 0)
        for e in entries:
            self.assertEqual(bucket(e["migration"], e["key"]), e["bucket"],
                             "migration %r key %r" % (e["migration"], e["key"]))
            fnv = e.get("fnv1a64")
            if fnv is not None:
                want = int(fnv, 16) if isinstance(fnv, str) else fnv
                self.assertEqual(fnv1a64((e["migration"] + ":" + e["key"]).encode()), want)

    def test_route_uses_bucket_against_rounded_weight(self):
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions", baseline="openai")
        shim._snapshot = snapshot(27.24)  # threshold 2724: bucket 2724 is not below it
        self.assertEqual(shim.route("merchant-42"), "openai")
        shim._snapshot = snapshot(27.25)
        self.assertEqual(shim.route("merchant-42"), "holysheep")
        self.assertEqual(shim.route("merchant-42"), "holysheep")  # cached path agrees

    def test_sticky_as_weight_grows(self):
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions", baseline="openai")
        keys = ["merchant-%d" % i for i in range(3000)]
        previous = set()
        for w in (1, 5, 10, 25, 50, 99.99, 100):
            shim._snapshot = snapshot(w)
            on_candidate = {k for k in keys if shim.route(k) == "holysheep"}
            self.assertTrue(previous <= on_candidate, "a key left the candidate at %s %%" % w)
            previous = on_candidate
        self.assertEqual(len(previous), 3000)
        shim._snapshot = snapshot(0)
        self.assertEqual({shim.route(k) for k in keys}, {"openai"})

    def test_distribution_with_and_without_keys(self):
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions", baseline="openai")
        shim._snapshot = snapshot(25)
        n = 20000
        keyed = sum(shim.route("user-%d" % i) == "holysheep" for i in range(n)) / n
        keyless = sum(shim.route() == "holysheep" for _ in range(n)) / n
        self.assertAlmostEqual(keyed, 0.25, delta=0.015)
        self.assertAlmostEqual(keyless, 0.25, delta=0.015)


class DefaultArmTests(unittest.TestCase):
    def test_baseline_hint_before_first_contact(self):
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions",
                             baseline="openai", candidate="holysheep")
        self.assertEqual({shim.route("k%d" % i) for i in range(100)}, {"openai"})
        self.assertEqual(shim.route(), "openai")
        self.assertIsNone(shim.weights)

    def test_explicit_default_arm(self):
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions", default_arm="legacy")
        self.assertEqual(shim.route("x"), "legacy")

    def test_needs_a_default(self):
        with self.assertRaisesRegex(ValueError, "baseline arm's name"):
            GlidepathShim("http://127.0.0.1:9", "chat-completions")
        with self.assertRaisesRegex(ValueError, "http:// or https://"):
            GlidepathShim("ftp://x", "chat-completions", baseline="openai")


class PollingTests(unittest.TestCase):
    def setUp(self):
        self.ctl = FakeController()
        self.events = Events()
        self.shim = GlidepathShim(self.ctl.url, "chat-completions", baseline="openai",
                                  candidate="holysheep", on_event=self.events, shim_id="test-1",
                                  poll_after=0.05, timeout=1.0)

    def tearDown(self):
        self.shim.stop(flush=False)
        self.ctl.close()

    def start_with_good_weights(self):
        self.ctl.set_weights(weights_doc(revision=3, candidate_weight=100))
        self.shim.start()
        self.assertTrue(self.shim.wait_for_weights(5))
        self.assertEqual(self.shim.route("any"), "holysheep")

    def polls_after(self, n):
        count = len(self.ctl.polls)
        self.assertTrue(wait_until(lambda: len(self.ctl.polls) >= count + n))

    def test_etag_and_shim_headers(self):
        self.start_with_good_weights()
        self.polls_after(2)
        last = self.ctl.polls[-1]
        self.assertEqual(last.get("If-None-Match"), '"3"')
        self.assertEqual(last.get("Glidepath-Shim"), "test-1")
        self.assertEqual(self.shim.weights.revision, 3)
        self.assertEqual(self.shim.weights.state, "ramping")

    def test_new_revision_applies(self):
        self.start_with_good_weights()
        self.ctl.set_weights(weights_doc(revision=4, candidate_weight=0, state="rolled_back"))
        self.assertTrue(wait_until(lambda: self.shim.route("any") == "openai"))
        self.assertEqual(self.shim.stats()["state"], "rolled_back")
        self.assertIn("weights", self.events.kinds())

    def assert_fails_static(self, kind, reason_part, **set_weights):
        self.start_with_good_weights()
        self.ctl.set_weights(**set_weights)
        self.polls_after(3)
        self.assertEqual(self.shim.route("any"), "holysheep")
        self.assertEqual(self.shim.weights.revision, 3)
        self.assertTrue(any(reason_part in (r or "") for r in self.events.reasons(kind)),
                        self.events.reasons(kind))

    def test_fail_static_on_5xx(self):
        self.assert_fails_static("poll_failed", "controller answered 503",
                                 status=503, raw=b"oops", etag="")

    def test_fail_static_on_garbage_json(self):
        self.assert_fails_static("weights_rejected", "not JSON", raw=b"{not json", etag='"9"')

    def test_fail_static_on_bad_sum(self):
        doc = weights_doc(revision=9)
        doc["weights"]["openai"] = 50
        self.assert_fails_static("weights_rejected", "weights sum to 80.0, not 100", doc=doc)

    def test_fail_static_on_unknown_arms(self):
        self.assert_fails_static("weights_rejected", "unknown candidate arm 'anthropic'",
                                 doc=weights_doc(revision=9, candidate="anthropic"))

    def test_fail_static_on_revision_going_backwards(self):
        self.assert_fails_static("weights_rejected", "revision went backwards from 3 to 2",
                                 doc=weights_doc(revision=2, candidate_weight=0))

    def test_fail_static_when_unreachable(self):
        self.start_with_good_weights()
        self.ctl.close()
        self.assertTrue(wait_until(lambda: any("unreachable" in (r or "")
                                               for r in self.events.reasons("poll_failed"))))
        self.assertEqual(self.shim.route("any"), "holysheep")
        self.ctl = FakeController()  # tearDown closes this one

    def test_unknown_migration_keeps_default(self):
        shim = GlidepathShim(self.ctl.url, "no-such", baseline="openai", on_event=self.events,
                             poll_after=0.05)
        with shim:
            self.assertFalse(shim.wait_for_weights(0.3))
            self.assertEqual(shim.route("k"), "openai")
        self.assertTrue(any("answered 404" in (r or "") for r in self.events.reasons("poll_failed")))


class IngestTests(unittest.TestCase):
    def setUp(self):
        self.ctl = FakeController()
        self.events = Events()
        self.shims = []

    def tearDown(self):
        for s in self.shims:
            s.stop(flush=False)
        self.ctl.close()

    def make(self, url=None, **kw):
        opts = dict(baseline="openai", candidate="holysheep", on_event=self.events,
                    ingest_token="secret", shim_id="test-2", poll_after=0.05, timeout=1.0)
        opts.update(kw)
        shim = GlidepathShim(url or self.ctl.url, "chat-completions", **opts)
        self.shims.append(shim)
        return shim

    def test_batches_by_lines_with_headers(self):
        shim = self.make(batch_lines=10, batch_interval=60).start()
        self.assertTrue(shim.wait_for_weights(5))
        for i in range(25):
            shim.record("holysheep", 200, 100 + i, tokens=5, ttft_ms=12.5)
        self.assertTrue(wait_until(lambda: len(self.ctl.batches) == 2))
        time.sleep(0.2)
        self.assertEqual([len(lines) for _, lines in self.ctl.batches], [10, 10])
        headers, lines = self.ctl.batches[0]
        self.assertEqual(lines[0], "holysheep 200 100 tokens=5 ttft_ms=12.5")
        self.assertEqual(headers["Content-Type"], "text/plain")
        self.assertEqual(headers["Authorization"], "Bearer secret")
        self.assertEqual(headers["Glidepath-Shim"], "test-2")
        self.assertEqual(headers["Glidepath-Revision"], "1")
        shim.stop()  # flushes the last 5
        self.assertEqual([len(lines) for _, lines in self.ctl.batches], [10, 10, 5])
        self.assertEqual(shim.stats()["sent"], 25)

    def test_batches_by_time(self):
        shim = self.make(batch_lines=500, batch_interval=0.2).start()
        shim.record("openai", 503, 2003.0)
        shim.record("holysheep", 0, 10000, tokens=0)
        shim.record("openai", 200, 142.5)
        self.assertTrue(wait_until(lambda: len(self.ctl.lines()) == 3, timeout=2))
        self.assertEqual(self.ctl.lines(), ["openai 503 2003", "holysheep 0 10000 tokens=0",
                                            "openai 200 142.5"])
        self.assertEqual(len(self.ctl.batches), 1)

    def test_bounded_buffer_drops_oldest_and_counts(self):
        shim = self.make(url="http://127.0.0.1:%d" % unused_port(), max_buffered_lines=10,
                         batch_interval=60)
        for i in range(15):
            shim.record("openai", 200, i)
        stats = shim.stats()
        self.assertEqual((stats["buffered"], stats["dropped"]), (10, 5))
        self.assertEqual(self.events.kinds().count("dropped"), 1)
        self.assertEqual(list(shim._buffer)[0], "openai 200 5")

    def test_lines_survive_an_outage_and_arrive_later(self):
        with self.ctl.lock:
            self.ctl.ingest_status = 503
        shim = self.make(batch_interval=0.05).start()
        for i in range(4):
            shim.record("openai", 200, i)
        self.assertTrue(wait_until(lambda: "send_failed" in self.events.kinds()))
        with self.ctl.lock:
            self.ctl.ingest_status = 202
        self.assertTrue(wait_until(lambda: len(self.ctl.lines()) == 4, timeout=5))
        self.assertEqual(self.ctl.lines(), ["openai 200 %d" % i for i in range(4)])

    def test_400_drops_that_batch(self):
        with self.ctl.lock:
            self.ctl.ingest_status = 400
        shim = self.make(batch_interval=0.05).start()
        shim.record("openai", 200, 1)
        self.assertTrue(wait_until(lambda: shim.stats()["rejected_batches"] == 1))
        self.assertIn("controller answered 400", self.events.reasons("batch_rejected")[0])
        with self.ctl.lock:
            self.ctl.ingest_status = 202
        shim.record("openai", 200, 2)
        self.assertTrue(wait_until(lambda: self.ctl.lines() == ["openai 200 2"]))
        self.assertEqual(shim.stats()["buffered"], 0)

    def test_stop_flushes(self):
        shim = self.make(batch_interval=60).start()
        for i in range(7):
            shim.record("openai", 200, i)
        shim.stop()
        self.assertEqual(len(self.ctl.lines()), 7)

    def test_stop_gives_up_within_its_timeout_when_the_controller_is_away(self):
        shim = self.make(url="http://127.0.0.1:%d" % unused_port(), batch_interval=60).start()
        shim.record("openai", 200, 1)
        started = time.monotonic()
        shim.stop(flush=True, timeout=0.5)
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertEqual(shim.stats()["buffered"], 1)
        self.assertIn("controller unreachable", self.events.reasons("send_failed")[0])

    def test_a_raising_callback_does_not_break_the_shim(self):
        def boom(kind, info):
            raise RuntimeError("callback bug")
        with self.assertLogs("glidepath_shim", level="ERROR") as logs:
            shim = self.make(on_event=boom, batch_interval=0.05).start()
            self.assertTrue(shim.wait_for_weights(5))  # the "weights" event raised inside
            shim.record("openai", 200, 1)
            self.assertTrue(wait_until(lambda: self.ctl.lines() == ["openai 200 1"]))
            shim.stop()
        self.assertIn("on_event callback raised", logs.output[0])

    def test_invalid_records_are_refused_not_raised(self):
        shim = self.make()
        self.assertFalse(shim.record("bad arm", 200, 1))
        self.assertFalse(shim.record("openai", 700, 1))
        self.assertFalse(shim.record("openai", 200, -1))
        self.assertFalse(shim.record("openai", 200, float("nan")))
        self.assertFalse(shim.record("openai", 200, 1, tokens=-3))
        self.assertTrue(shim.record("openai", 200, 1))
        self.assertEqual(shim.stats()["rejected_records"], 5)
        self.assertEqual(shim.stats()["buffered"], 1)


class BreakerTests(unittest.TestCase):
    def test_breaker_opens_and_closes(self):
        events = Events()
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions", baseline="openai",
                             candidate="holysheep", breaker_threshold=3, breaker_cooldown=0.3,
                             on_event=events)
        shim._snapshot = snapshot(100)
        shim.record("holysheep", 503, 1)
        shim.record("holysheep", 0, 1)
        shim.record("holysheep", 200, 1)   # a success resets the count
        shim.record("holysheep", 429, 1)
        shim.record("holysheep", 500, 1)
        self.assertEqual(shim.route("k"), "holysheep")
        shim.record("openai", 503, 1)      # baseline errors do not count
        shim.record("holysheep", 502, 1)
        self.assertEqual(shim.route("k"), "openai")
        self.assertTrue(shim.stats()["breaker_open"])
        self.assertEqual(events.kinds(), ["breaker_open"])
        self.assertTrue(wait_until(lambda: shim.route("k") == "holysheep", timeout=2))

    def test_should_retry_on_baseline(self):
        off = GlidepathShim("http://127.0.0.1:9", "m", baseline="openai", candidate="holysheep")
        on = GlidepathShim("http://127.0.0.1:9", "m", baseline="openai", candidate="holysheep",
                           fallback_to_baseline=True)
        self.assertFalse(off.should_retry_on_baseline("holysheep", 503))
        self.assertTrue(on.should_retry_on_baseline("holysheep", 503))
        self.assertTrue(on.should_retry_on_baseline("holysheep", 0))
        self.assertTrue(on.should_retry_on_baseline("holysheep", 429))
        self.assertFalse(on.should_retry_on_baseline("holysheep", 404))
        self.assertFalse(on.should_retry_on_baseline("openai", 503))


class FakeClock:
    """A monotonic clock the test moves by hand (seconds)."""

    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


KEY_ROTATION_STATUSES = [0, 401, 403, 429, "5xx"]


class WeightsDocumentVectorTests(unittest.TestCase):
    """shims/vectors/weights-documents.json: the cases every shim must agree on."""

    @classmethod
    def setUpClass(cls):
        with open(os.path.join(HERE, "..", "vectors", "weights-documents.json"),
                  encoding="utf-8") as f:
            cls.vectors = json.load(f)

    def shim(self, **kw):
        return GlidepathShim("http://127.0.0.1:9", "key-rotation", baseline="key-old",
                             candidate="key-new", **kw)

    def test_file_covers_valid_missing_and_malformed_members(self):
        cases = self.vectors["cases"]
        self.assertGreaterEqual(len(cases), 40)
        self.assertTrue(any(c["valid"] and "errorStatuses" not in c["document"] for c in cases))
        self.assertTrue(any(not c["valid"] and c["member"] == "breaker" for c in cases))
        self.assertTrue(any(not c["valid"] and c["member"] == "errorStatuses" for c in cases))
        self.assertEqual(self.vectors["defaults"]["errorStatuses"], [0, 429, "5xx"])

    def test_every_case(self):
        for case in self.vectors["cases"]:
            with self.subTest(case=case["name"]):
                shim = self.shim()
                body = json.dumps(case["document"]).encode()
                if not case["valid"]:
                    with self.assertRaises(ValueError) as ctx:
                        shim._validate(body, None, None)
                    self.assertIn(case["member"], str(ctx.exception))
                    continue
                shim._snapshot = shim._validate(body, None, None)
                got = shim.breaker_settings()
                want = case["breaker"]
                self.assertEqual((got.consecutive_errors, got.open_seconds),
                                 (want["consecutiveErrors"], want["openSeconds"]))
                verdicts = {str(s): shim.is_error(s) for s in self.vectors["statuses"]}
                self.assertEqual(verdicts, case["isError"])
                self.assertEqual(shim.weights.mirror_threshold, round(case.get("mirror", 0) * 100))

    def test_mirror_decisions(self):
        table = self.vectors["mirrorDecisions"]
        self.assertGreaterEqual(len(table["cases"]), 8)
        for row in table["cases"]:
            with self.subTest(key=row["key"], weight=row["weight"], mirror=row["mirror"]):
                shim = GlidepathShim("http://127.0.0.1:9", table["migration"], baseline="key-old",
                                     candidate="key-new")
                doc = {"migration": table["migration"], "revision": 1, "baseline": "key-old",
                       "candidate": "key-new", "weights": {"key-old": 100 - row["weight"],
                                                           "key-new": row["weight"]},
                       "pollAfterSeconds": 5, "mirror": row["mirror"]}
                shim._snapshot = shim._validate(json.dumps(doc).encode(), None, None)
                self.assertEqual(shim.bucket(row["key"]), row["bucket"])
                arm, b = shim._route_bucket(row["key"])
                self.assertEqual((arm, b), ("key-new" if row["arm"] == "candidate" else "key-old",
                                            row["bucket"]))
                self.assertEqual(shim.mirrors(b, arm), row["mirrored"])

    def test_defaults_before_any_document(self):
        shim = self.shim()
        defaults = self.vectors["defaults"]
        want = WeightsSnapshot(1, "x", 0, "a", "b", {"a": 100, "b": 0}, 5.0, None,
                               error_statuses=defaults["errorStatuses"])
        for s in self.vectors["statuses"]:
            self.assertEqual(shim.is_error(s), want.is_error(s), s)
        self.assertEqual(shim.breaker_settings(), BreakerSettings(5, 30.0))

    def test_explicit_settings_apply_only_without_a_document_breaker(self):
        shim = self.shim(breaker_threshold=2, breaker_cooldown=7)
        self.assertEqual(shim.breaker_settings(), BreakerSettings(2, 7.0))
        by_name = {c["name"]: c for c in self.vectors["cases"]}
        older = by_name["older controller: no errorStatuses, no breaker"]["document"]
        shim._snapshot = shim._validate(json.dumps(older).encode(), None, None)
        self.assertEqual(shim.breaker_settings(), BreakerSettings(2, 7.0))
        custom = by_name["custom breaker"]["document"]
        shim._snapshot = shim._validate(json.dumps(custom).encode(), None, None)
        self.assertEqual(shim.breaker_settings(), BreakerSettings(3, 10.0))  # the policy wins

    def test_parsers_name_the_element(self):
        with self.assertRaisesRegex(ValueError, r"errorStatuses\[1\] must be 0 or a status from 100 to 599, found 600"):
            parse_error_statuses([0, 600])
        with self.assertRaisesRegex(ValueError, r'errorStatuses\[0\] must be a class "1xx".."5xx" \(lower-case x\)'):
            parse_error_statuses(["5XX"])
        with self.assertRaisesRegex(ValueError, r"breaker.openSeconds must be an integer from 1 to 3600, found 1.5"):
            parse_breaker({"consecutiveErrors": 5, "openSeconds": 1.5})
        with self.assertRaisesRegex(ValueError, "breaker must be an object, found null"):
            parse_breaker(None)
        self.assertEqual(parse_error_statuses([0, 401, "5xx"]), (0, 401, "5xx"))


class PolicyBreakerTests(unittest.TestCase):
    """The breaker and the error test follow the served document; they survive outages."""

    def setUp(self):
        self.ctl = FakeController()
        self.events = Events()
        self.clock = FakeClock()
        self.shim = GlidepathShim(self.ctl.url, "chat-completions", baseline="openai",
                                  candidate="holysheep", on_event=self.events, poll_after=0.05,
                                  timeout=1.0, batch_interval=0.05, clock=self.clock)

    def tearDown(self):
        self.shim.stop(flush=False)
        self.ctl.close()

    def serve(self, revision, **extra):
        self.ctl.set_weights(weights_doc(revision=revision, candidate_weight=100, **extra))

    def test_401_opens_the_breaker_when_the_policy_lists_it_and_it_closes_after_open_seconds(self):
        self.serve(3, errorStatuses=KEY_ROTATION_STATUSES,
                   breaker={"consecutiveErrors": 3, "openSeconds": 10})
        self.shim.start()
        self.assertTrue(self.shim.wait_for_weights(5))
        self.assertEqual(self.shim.breaker_settings(), BreakerSettings(3, 10.0))
        for _ in range(2):
            self.shim.record("holysheep", 401, 5)
        self.assertEqual(self.shim.route("k"), "holysheep")
        self.shim.record("holysheep", 403, 5)            # third consecutive error
        self.assertEqual(self.shim.route("k"), "openai")
        self.shim.record("holysheep", 401, 5)            # in flight while open: not counted
        stats = self.shim.stats()
        self.assertEqual((stats["breaker_open"], stats["breaker_trips"]), (True, 1))
        self.clock.now += 9.99
        self.assertEqual(self.shim.route("k"), "openai")
        self.clock.now += 0.02
        self.assertEqual(self.shim.route("k"), "holysheep")
        self.assertEqual(self.events.kinds().count("breaker_open"), 1)
        self.assertEqual(self.events.kinds().count("breaker_closed"), 1)
        self.assertFalse(self.shim.stats()["breaker_open"])

    def test_401_is_not_an_error_under_the_default_statuses(self):
        self.serve(3)  # an older controller: no errorStatuses, no breaker
        self.shim.start()
        self.assertTrue(self.shim.wait_for_weights(5))
        for _ in range(10):
            self.shim.record("holysheep", 401, 5)
        self.assertEqual(self.shim.route("k"), "holysheep")
        self.assertEqual(self.shim.stats()["breaker_trips"], 0)
        for _ in range(5):
            self.shim.record("holysheep", 503, 5)       # the default breaker: 5 errors
        self.assertEqual(self.shim.route("k"), "openai")

    def test_last_good_statuses_and_breaker_are_kept_when_the_controller_is_away(self):
        self.serve(3, errorStatuses=KEY_ROTATION_STATUSES,
                   breaker={"consecutiveErrors": 2, "openSeconds": 60})
        self.shim.start()
        self.assertTrue(self.shim.wait_for_weights(5))
        # a malformed member: the whole document is refused, the last good one stays
        self.serve(4, errorStatuses=[0, 600], breaker={"consecutiveErrors": 9, "openSeconds": 9})
        self.assertTrue(wait_until(lambda: any(
            "errorStatuses[1]" in (r or "") for r in self.events.reasons("weights_rejected"))))
        self.ctl.set_weights(status=503, raw=b"down", etag="")
        polls = len(self.ctl.polls)
        self.assertTrue(wait_until(lambda: len(self.ctl.polls) >= polls + 2))
        self.assertEqual(self.shim.weights.revision, 3)
        self.assertTrue(self.shim.is_error(401))
        self.assertEqual(self.shim.breaker_settings(), BreakerSettings(2, 60.0))
        self.shim.record("holysheep", 401, 5)
        self.shim.record("holysheep", 403, 5)
        self.assertEqual(self.shim.route("k"), "openai")

    def test_breaker_threshold_zero_turns_it_off_whatever_the_document_says(self):
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions", baseline="openai",
                             candidate="holysheep", breaker_threshold=0, clock=self.clock)
        shim._snapshot = WeightsSnapshot(1, "ramping", 0, "openai", "holysheep",
                                         {"openai": 0, "holysheep": 100}, 5.0, None,
                                         breaker=BreakerSettings(1, 30))
        shim.record("holysheep", 503, 1)
        self.assertEqual(shim.route("k"), "holysheep")
        self.assertEqual(shim.stats()["breaker_trips"], 0)


class ReportedCountsTests(unittest.TestCase):
    """Glidepath-Breaker-Trips / Glidepath-Fallbacks ride on the next accepted batch."""

    def setUp(self):
        self.ctl = FakeController()
        self.events = Events()
        self.ctl.set_weights(weights_doc(revision=2, candidate_weight=100,
                                         errorStatuses=KEY_ROTATION_STATUSES,
                                         breaker={"consecutiveErrors": 2, "openSeconds": 30}))
        self.shim = GlidepathShim(self.ctl.url, "chat-completions", baseline="openai",
                                  candidate="holysheep", on_event=self.events, poll_after=0.05,
                                  timeout=1.0, batch_interval=0.05, clock=FakeClock())

    def tearDown(self):
        self.shim.stop(flush=False)
        self.ctl.close()

    def posts(self):
        with self.ctl.lock:
            return list(self.ctl.posts)

    def test_counts_are_kept_across_a_failed_post_and_sent_once(self):
        with self.ctl.lock:
            self.ctl.ingest_status = 503
        self.shim.start()
        self.assertTrue(self.shim.wait_for_weights(5))
        self.shim.record("holysheep", 401, 5)
        self.shim.record("holysheep", 401, 5)           # trip 1
        self.shim._count_fallback()
        self.assertTrue(wait_until(lambda: any(st == 503 for st, _ in self.posts())))
        failed = [h for st, h in self.posts() if st == 503][0]
        self.assertEqual(failed.get("Glidepath-Breaker-Trips"), "1")
        self.assertEqual(failed.get("Glidepath-Fallbacks"), "1")
        self.shim._count_fallback()                      # a second one while the controller is away
        self.assertEqual(self.shim.stats()["unreported_fallbacks"], 2)
        with self.ctl.lock:
            self.ctl.ingest_status = 202
        self.assertTrue(wait_until(lambda: len(self.ctl.batches) == 1))
        headers, lines = self.ctl.batches[0]
        self.assertEqual(headers.get("Glidepath-Breaker-Trips"), "1")
        self.assertEqual(headers.get("Glidepath-Fallbacks"), "2")
        self.assertEqual(lines, ["holysheep 401 5", "holysheep 401 5"])
        self.assertTrue(wait_until(lambda: self.shim.stats()["unreported_fallbacks"] == 0))
        self.shim.record("openai", 200, 5)               # nothing new to report: no headers
        self.assertTrue(wait_until(lambda: len(self.ctl.batches) == 2))
        self.assertNotIn("Glidepath-Breaker-Trips", self.ctl.batches[1][0])
        self.assertNotIn("Glidepath-Fallbacks", self.ctl.batches[1][0])
        stats = self.shim.stats()
        self.assertEqual((stats["breaker_trips"], stats["fallbacks"]), (1, 2))
        self.assertEqual((stats["unreported_breaker_trips"], stats["unreported_fallbacks"]), (0, 0))

    def test_no_headers_without_trips_or_fallbacks(self):
        self.shim.start()
        self.shim.record("openai", 200, 5)
        self.assertTrue(wait_until(lambda: len(self.ctl.batches) == 1))
        self.assertFalse([k for k in self.ctl.batches[0][0] if k.startswith("Glidepath-B")
                          or k == "Glidepath-Fallbacks"])


class CallTests(unittest.TestCase):
    """call(key, fn): route, call, record, fall back to the baseline on a candidate error."""

    def make(self, candidate_weight=100, **doc_extra):
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions", baseline="openai",
                             candidate="holysheep", clock=FakeClock(), on_event=Events())
        doc = weights_doc(revision=1, candidate_weight=candidate_weight, **doc_extra)
        shim._snapshot = shim._validate(json.dumps(doc).encode(), None, None)
        return shim

    @staticmethod
    def lines(shim):
        return [line.split(" ")[0:2] + line.split(" ")[3:] for line in shim._buffer]

    def test_candidate_401_falls_back_and_records_both(self):
        shim = self.make(errorStatuses=KEY_ROTATION_STATUSES)
        calls = []

        def fn(arm):
            calls.append(arm)
            if arm == "holysheep":
                return 401, None
            return 200, "from " + arm, 42, 12.5

        out = shim.call("merchant-42", fn)
        self.assertEqual(calls, ["holysheep", "openai"])
        self.assertEqual((out.arm, out.status, out.result, out.fallback),
                         ("openai", 200, "from openai", True))
        self.assertEqual(self.lines(shim), [["holysheep", "401"],
                                            ["openai", "200", "tokens=42", "ttft_ms=12.5"]])
        stats = shim.stats()
        self.assertEqual((stats["fallbacks"], stats["unreported_fallbacks"]), (1, 1))

    def test_401_is_returned_as_is_when_the_policy_does_not_list_it(self):
        shim = self.make()  # default statuses
        out = shim.call("merchant-42", lambda arm: (401, "denied"))
        self.assertEqual((out.arm, out.status, out.result, out.fallback),
                         ("holysheep", 401, "denied", False))
        self.assertEqual(self.lines(shim), [["holysheep", "401"]])
        self.assertEqual(shim.stats()["fallbacks"], 0)

    def test_a_raising_candidate_is_status_0_and_falls_back(self):
        shim = self.make()

        def fn(arm):
            if arm == "holysheep":
                raise ConnectionResetError("reset by peer")
            return 200, arm

        out = shim.call(None, fn)
        self.assertEqual((out.arm, out.result, out.fallback), ("openai", "openai", True))
        self.assertEqual(self.lines(shim), [["holysheep", "0"], ["openai", "200"]])

    def test_baseline_errors_are_returned_and_raised_without_fallback(self):
        shim = self.make(candidate_weight=0)
        out = shim.call("k", lambda arm: (503, "busy"))
        self.assertEqual((out.arm, out.status, out.fallback), ("openai", 503, False))

        def boom(arm):
            raise TimeoutError("provider timed out")

        with self.assertRaisesRegex(TimeoutError, "provider timed out"):
            shim.call("k", boom)
        self.assertEqual(self.lines(shim), [["openai", "503"], ["openai", "0"]])
        self.assertEqual(shim.stats()["fallbacks"], 0)

    def test_when_the_baseline_also_raises_its_exception_reaches_the_caller(self):
        shim = self.make()

        def fn(arm):
            raise ValueError("down: " + arm)

        with self.assertRaisesRegex(ValueError, "down: openai"):
            shim.call("k", fn)
        self.assertEqual(self.lines(shim), [["holysheep", "0"], ["openai", "0"]])
        self.assertEqual(shim.stats()["fallbacks"], 1)

    def test_fallbacks_feed_the_breaker(self):
        shim = self.make(errorStatuses=KEY_ROTATION_STATUSES,
                         breaker={"consecutiveErrors": 2, "openSeconds": 30})
        fn = lambda arm: (403, None) if arm == "holysheep" else (200, "ok")  # noqa: E731
        self.assertTrue(shim.call("k", fn).fallback)
        self.assertTrue(shim.call("k", fn).fallback)
        out = shim.call("k", fn)                         # breaker open: straight to the baseline
        self.assertEqual((out.arm, out.fallback), ("openai", False))
        stats = shim.stats()
        self.assertEqual((stats["breaker_trips"], stats["fallbacks"]), (1, 2))

    def test_should_retry_on_baseline_follows_the_policy_and_counts(self):
        shim = self.make(errorStatuses=KEY_ROTATION_STATUSES)
        shim.fallback_to_baseline = True
        self.assertTrue(shim.should_retry_on_baseline("holysheep", 401))
        self.assertFalse(shim.should_retry_on_baseline("holysheep", 404))
        self.assertFalse(shim.should_retry_on_baseline("openai", 401))
        self.assertEqual(shim.stats()["fallbacks"], 1)


class ConcurrencyTests(unittest.TestCase):
    def test_route_and_record_from_many_threads(self):
        ctl = FakeController()
        try:
            shim = GlidepathShim(ctl.url, "chat-completions", baseline="openai",
                                 candidate="holysheep", batch_interval=0.05, poll_after=0.05,
                                 on_event=Events())
            with shim:
                shim.wait_for_weights(5)

                def work():
                    rng = random.Random()
                    for i in range(500):
                        arm = shim.route("k%d" % rng.randrange(100))
                        shim.record(arm, 200, 1)

                threads = [threading.Thread(target=work) for _ in range(8)]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            self.assertEqual(len(ctl.lines()), 4000)
            self.assertEqual(shim.stats()["dropped"], 0)
        finally:
            ctl.close()


if __name__ == "__main__":
    unittest.main()


class MirrorTests(unittest.TestCase):
    """call(key, fn, mirror_fn=...): a background shadow copy, bounded, recorded as mirror=1."""

    def make(self, candidate_weight=0, **doc_extra):
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions", baseline="openai",
                             candidate="holysheep", clock=FakeClock(), on_event=Events())
        doc = weights_doc(revision=1, candidate_weight=candidate_weight, **doc_extra)
        shim._snapshot = shim._validate(json.dumps(doc).encode(), None, None)
        return shim

    @staticmethod
    def wait(cond, timeout=5.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                return True
            time.sleep(0.005)
        return cond()

    def test_copy_runs_in_background_and_is_recorded_as_mirror(self):
        shim = self.make(mirror=100)
        copies = []

        def mirror_fn(arm):
            copies.append(arm)
            return 503, "discarded", 7

        out = shim.call("merchant-42", lambda arm: (200, "from " + arm), mirror_fn=mirror_fn)
        self.assertEqual((out.arm, out.status, out.result, out.fallback),
                         ("openai", 200, "from openai", False))
        self.assertTrue(self.wait(lambda: shim.stats()["mirrors_in_flight"] == 0
                                  and len(shim._buffer) == 2))
        self.assertEqual(copies, ["holysheep"])
        lines = sorted(shim._buffer)
        self.assertTrue(lines[0].startswith("holysheep 503 ") and lines[0].endswith(" tokens=7 mirror=1"))
        self.assertTrue(lines[1].startswith("openai 200 "))
        stats = shim.stats()
        self.assertEqual((stats["mirrored"], stats["mirrors_dropped"], stats["breaker_trips"]), (1, 0, 0))

    def test_a_raising_copy_is_status_zero_and_never_reaches_the_user(self):
        shim = self.make(mirror=100)

        def boom(arm):
            raise RuntimeError("candidate down")

        out = shim.call(None, lambda arm: (200, arm), mirror_fn=boom)
        self.assertEqual(out.result, "openai")
        self.assertTrue(self.wait(lambda: any(l.endswith(" mirror=1") for l in list(shim._buffer))))
        self.assertTrue(any(l.startswith("holysheep 0 ") for l in shim._buffer))

    def test_at_most_four_in_flight_the_rest_dropped_and_counted(self):
        shim = self.make(mirror=100)
        release = threading.Event()

        def slow(arm):
            release.wait(5)
            return 200, None

        started = time.monotonic()
        for i in range(10):
            self.assertEqual(shim.call("k%d" % i, lambda arm: (200, arm), mirror_fn=slow).result,
                             "openai")
        self.assertLess(time.monotonic() - started, 1.0)  # never waited for a copy
        stats = shim.stats()
        self.assertEqual((stats["mirrored"], stats["mirrors_dropped"], stats["mirrors_in_flight"]),
                         (4, 6, 4))
        release.set()
        self.assertTrue(self.wait(lambda: shim.stats()["mirrors_in_flight"] == 0))
        self.assertTrue(self.wait(lambda: len(shim._buffer) == 14))

    def test_no_copy_without_mirror_or_when_the_candidate_serves(self):
        for shim in (self.make(), self.make(candidate_weight=100, mirror=100)):
            shim.call("k", lambda arm: (200, arm), mirror_fn=lambda arm: (200, None))
            self.assertEqual(shim.stats()["mirrored"], 0)

    def test_a_mirror_record_on_the_baseline_is_refused(self):
        shim = self.make(mirror=100)
        self.assertFalse(shim.record("openai", 200, 5.0, mirror=True))
        self.assertTrue(shim.record("holysheep", 200, 5.0, mirror=True))
        self.assertEqual(list(shim._buffer), ["holysheep 200 5 mirror=1"])

    def test_a_forced_request_is_never_mirrored(self):
        rules = [{"attribute": "segment", "in": ["premium"], "arm": "baseline"},
                 {"attribute": "header:x-canary", "equals": "always", "arm": "candidate"}]
        shim = self.make(mirror=100, overrides=rules)
        base = shim.call("k", lambda arm: (200, arm), {"segment": "premium"},
                         mirror_fn=lambda arm: (200, None))
        cand = shim.call("k", lambda arm: (200, arm), attributes={"header:X-Canary": "always"},
                         mirror_fn=lambda arm: (200, None))
        self.assertEqual([(o.arm, o.forced) for o in (base, cand)], [("openai", True), ("holysheep", True)])
        self.assertEqual(shim.stats()["mirrored"], 0)
        self.assertEqual([l.split(" ")[0] + " " + l.split(" ")[-1] for l in shim._buffer],
                         ["openai forced=1", "holysheep forced=1"])
        shim.call("k", lambda arm: (200, arm), {"segment": "free"}, mirror_fn=lambda arm: (200, None))
        self.assertEqual(shim.stats()["mirrored"], 1)  # no rule matched: the bucket decides, mirrored
        self.assertTrue(self.wait(lambda: shim.stats()["mirrors_in_flight"] == 0))

    def test_a_line_is_never_both_forced_and_mirrored(self):
        shim = self.make(mirror=100)
        self.assertFalse(shim.record("holysheep", 200, 5.0, forced=True, mirror=True))
        self.assertEqual(list(shim._buffer), [])
