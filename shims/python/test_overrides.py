"""Override rules in the Python shim: shims/vectors/overrides-routing.json, and forced reports."""

import json
import os
import unittest

from glidepath_shim import GlidepathShim, OverrideRule, Route, parse_overrides

HERE = os.path.dirname(os.path.abspath(__file__))


class ManualClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def document(vectors, state, weight, overrides=None):
    return json.dumps({
        "migration": vectors["migration"], "revision": 4, "state": state, "step": 0,
        "baseline": vectors["baseline"], "candidate": vectors["candidate"],
        "weights": {vectors["baseline"]: 100 - weight, vectors["candidate"]: weight},
        "pollAfterSeconds": 5,
        "overrides": vectors["overrides"] if overrides is None else overrides}).encode()


class OverrideRoutingVectorTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(HERE, "..", "vectors", "overrides-routing.json"), encoding="utf-8") as f:
            cls.vectors = json.load(f)

    def shim(self, **kw):
        return GlidepathShim("http://127.0.0.1:9", self.vectors["migration"],
                             baseline=self.vectors["baseline"], candidate=self.vectors["candidate"], **kw)

    def test_file_covers_every_state_and_both_arms(self):
        cases = self.vectors["cases"]
        self.assertGreaterEqual(len(cases), 25)
        self.assertEqual({c["state"] for c in cases},
                         {"ramping", "waiting", "paused", "rolled_back", "promoted"})
        self.assertTrue(any(c["forced"] and c["arm"] == self.vectors["baseline"] for c in cases))
        self.assertTrue(any(c["key"] is None for c in cases))

    def test_every_case(self):
        for case in self.vectors["cases"]:
            with self.subTest(case=case["name"]):
                shim = self.shim()
                shim._snapshot = shim._validate(document(self.vectors, case["state"], case["weight"]),
                                                None, None)
                got = shim.route(case["key"], case["attributes"])
                self.assertIsInstance(got, Route)
                self.assertEqual((str(got), got.forced), (case["arm"], case["forced"]))

    def test_rules_are_decoded_in_order(self):
        rules = parse_overrides(self.vectors["overrides"])
        self.assertEqual(rules[0], OverrideRule("header", "x-canary", frozenset(["always"]), "candidate", False))
        self.assertEqual(rules[2].kind, "segment")
        self.assertEqual(rules[3], OverrideRule("keys", "", frozenset(["qa-1", "qa-2"]), "candidate", True))

    def test_route_without_attributes_applies_no_rules(self):
        shim = self.shim()
        shim._snapshot = shim._validate(document(self.vectors, "ramping", 50), None, None)
        self.assertEqual(shim.route("blocked-1", {}), Route("openai", True))
        self.assertEqual(shim.route("blocked-1", {}).forced, True)
        plain = shim.route("blocked-1")
        self.assertNotIsInstance(plain, Route)
        self.assertEqual(plain, "openai" if shim.bucket("blocked-1") >= 5000 else "holysheep")

    def test_before_any_weights_the_default_arm_is_not_forced(self):
        got = self.shim().route("qa-1", {"header:x-canary": "always"})
        self.assertEqual((str(got), got.forced), ("openai", False))

    def test_an_open_breaker_skips_candidate_rules_but_not_even_when_rolled_back(self):
        clock = ManualClock()
        shim = self.shim(clock=clock)
        shim._snapshot = shim._validate(document(self.vectors, "ramping", 5), None, None)
        hdr = {"header:X-Canary": "always"}
        self.assertTrue(shim.route("merchant-42", hdr).forced)
        for _ in range(5):
            shim.record("holysheep", 503, 5, forced=True)
        got = shim.route("merchant-42", hdr)
        self.assertEqual((str(got), got.forced), ("openai", False))
        self.assertEqual(shim.route("qa-1", {}), Route("holysheep", True))
        self.assertTrue(shim.route("qa-1", {}).forced)
        clock.now += 31
        self.assertTrue(shim.route("merchant-42", hdr).forced)


class ForcedReportTests(unittest.TestCase):
    vectors = {"migration": "chat-completions", "baseline": "openai", "candidate": "holysheep",
               "overrides": [{"attribute": "cookie:canary", "equals": "1", "arm": "candidate"},
                             {"keys": ["vip"], "arm": "baseline"}]}

    def shim(self, weight, **kw):
        shim = GlidepathShim("http://127.0.0.1:9", "chat-completions", baseline="openai",
                             candidate="holysheep", **kw)
        shim._snapshot = shim._validate(document(self.vectors, "ramping", weight), None, None)
        return shim

    def test_record_takes_forced_from_the_route_or_the_argument(self):
        shim = self.shim(0)
        arm = shim.route("merchant-42", {"cookie:canary": "1"})
        self.assertTrue(shim.record(arm, 200, 12.5))
        self.assertTrue(shim.record("openai", 200, 3, forced=True))
        self.assertTrue(shim.record(arm, 200, 4, forced=False))
        self.assertTrue(shim.record("openai", 200, 5, tokens=7))
        self.assertEqual(list(shim._buffer), ["holysheep 200 12.5 forced=1", "openai 200 3 forced=1",
                                              "holysheep 200 4", "openai 200 5 tokens=7"])

    def test_call_applies_rules_and_records_forced_including_the_fallback(self):
        shim = self.shim(100, fallback_to_baseline=True)
        out = shim.call("merchant-42", lambda arm: (503, arm) if arm == "holysheep" else (200, arm),
                        attributes={"cookie:canary": "1"})
        self.assertEqual((out.arm, out.result, out.fallback, out.forced), ("openai", "openai", True, True))
        vip = shim.call("vip", lambda arm: (200, arm))  # a keys rule applies without attributes
        self.assertEqual(vip.arm, "openai")
        plain = shim.call("merchant-42", lambda arm: (200, arm))
        self.assertEqual((plain.arm, plain.forced), ("holysheep", False))
        lines = [l.split(" ") for l in shim._buffer]
        self.assertEqual([(l[0], l[1], l[-1] == "forced=1") for l in lines],
                         [("holysheep", "503", True), ("openai", "200", True), ("openai", "200", True),
                          ("holysheep", "200", False)])


if __name__ == "__main__":
    unittest.main()
