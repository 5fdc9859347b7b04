"""Failover across controller URLs (a primary, then standbys): unit tests with fake connections."""
import unittest
from typing import Any, Dict, List, Optional, Tuple

import glidepath_shim as g


class FakeConn:
    """Answers from a script: a status, or an exception to raise."""

    def __init__(self, name: str, log: List[str]) -> None:
        self.name = name
        self.log = log
        self.answer: Any = 200

    def request(self, method: str, path: str, body: Optional[bytes],
                headers: Dict[str, str]) -> Tuple[int, Dict[str, str], bytes]:
        self.log.append(self.name)
        if isinstance(self.answer, BaseException):
            raise self.answer
        return self.answer, {}, b""

    def close(self) -> None:
        pass


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def servers(n: int = 2) -> Tuple["g._Servers", List[FakeConn], List[str], Clock, List[Tuple[str, str]]]:
    log: List[str] = []
    switches: List[Tuple[str, str]] = []
    clock = Clock()
    s = g._Servers(["http://p%d" % i for i in range(n)], 1.0, clock, retry_first_after=30.0,
                   on_switch=lambda a, b: switches.append((a, b)))
    fakes = [FakeConn("p%d" % i, log) for i in range(n)]
    s._conns = fakes  # type: ignore[assignment]
    return s, fakes, log, clock, switches


class ServerListTests(unittest.TestCase):
    def test_one_url_a_comma_separated_string_or_a_list(self) -> None:
        self.assertEqual(g._server_list("http://a:1/"), ["http://a:1"])
        self.assertEqual(g._server_list("http://a:1, http://b:2"), ["http://a:1", "http://b:2"])
        self.assertEqual(g._server_list(["http://a:1", "http://b:2/"]), ["http://a:1", "http://b:2"])

    def test_an_empty_entry_is_refused(self) -> None:
        for bad in ("", "http://a,,http://b", [], ["http://a", ""]):
            with self.assertRaises(ValueError):
                g._server_list(bad)  # type: ignore[arg-type]

    def test_the_shim_keeps_server_as_the_first_url(self) -> None:
        shim = g.GlidepathShim(["http://127.0.0.1:1", "http://127.0.0.1:2"], "m", baseline="a")
        self.assertEqual(shim.server, "http://127.0.0.1:1")
        self.assertEqual(shim.servers, ["http://127.0.0.1:1", "http://127.0.0.1:2"])
        with self.assertRaises(ValueError):
            g.GlidepathShim("http://127.0.0.1:1,ftp://x", "m", baseline="a")


class FailoverTests(unittest.TestCase):
    def test_a_refused_primary_fails_over_and_the_standby_sticks(self) -> None:
        s, fakes, log, _, switches = servers()
        fakes[0].answer = ConnectionRefusedError("refused")
        self.assertEqual(s.request("GET", "/w", None, {})[0], 200)
        self.assertEqual(s.request("GET", "/w", None, {})[0], 200)
        self.assertEqual(log, ["p0", "p1", "p1"])
        self.assertEqual(switches, [("http://p0", "http://p1")])

    def test_5xx_fails_over_but_304_and_404_are_answers(self) -> None:
        s, fakes, log, _, _ = servers()
        fakes[0].answer = 503
        self.assertEqual(s.request("POST", "/o", b"x", {})[0], 200)
        self.assertEqual(log, ["p0", "p1"])
        s2, fakes2, log2, _, _ = servers()
        for status in (304, 404):
            fakes2[0].answer = status
            self.assertEqual(s2.request("GET", "/w", None, {})[0], status)
        self.assertEqual(log2, ["p0", "p0"])

    def test_the_first_is_tried_again_after_the_back_off(self) -> None:
        s, fakes, log, clock, switches = servers()
        fakes[0].answer = TimeoutError("timed out")
        s.request("GET", "/w", None, {})
        fakes[0].answer = 200
        clock.now += 29
        s.request("GET", "/w", None, {})
        self.assertEqual(log[-1], "p1")
        clock.now += 2
        s.request("GET", "/w", None, {})
        self.assertEqual(log[-1], "p0")
        self.assertEqual(s.current, 0)
        self.assertEqual(switches[-1], ("http://p1", "http://p0"))

    def test_a_first_still_down_at_the_retry_waits_another_back_off(self) -> None:
        s, fakes, log, clock, _ = servers()
        fakes[0].answer = ConnectionRefusedError()
        s.request("GET", "/w", None, {})
        clock.now += 31
        s.request("GET", "/w", None, {})
        self.assertEqual(log, ["p0", "p1", "p0", "p1"])
        clock.now += 10
        s.request("GET", "/w", None, {})
        self.assertEqual(log[-1], "p1")
        self.assertEqual(len(log), 5)

    def test_when_all_fail_the_last_answer_or_error_comes_back_and_the_next_starts_at_the_first(self) -> None:
        s, fakes, log, _, _ = servers(3)
        fakes[0].answer = ConnectionRefusedError()
        fakes[1].answer = 503
        fakes[2].answer = 200
        s.request("GET", "/w", None, {})
        self.assertEqual(s.current, 2)
        fakes[2].answer = ConnectionResetError("reset")
        self.assertEqual(s.request("GET", "/w", None, {})[0], 503)  # p2, p0, then p1's 503
        self.assertEqual(log[-3:], ["p2", "p0", "p1"])
        self.assertEqual(s.current, 0)
        fakes[1].answer = ConnectionAbortedError("aborted")
        with self.assertRaises(ConnectionResetError):
            s.request("GET", "/w", None, {})
        self.assertEqual(log[-3:], ["p0", "p1", "p2"])

    def test_writes_skip_a_standby_503_and_reach_the_promoted_one_later(self) -> None:
        s, fakes, log, _, _ = servers()
        fakes[0].answer = ConnectionRefusedError()
        fakes[1].answer = 503
        self.assertEqual(s.request("POST", "/o", b"x", {})[0], 503)
        fakes[1].answer = 202  # promoted
        self.assertEqual(s.request("POST", "/o", b"x", {})[0], 202)
        self.assertEqual(s.current, 1)


if __name__ == "__main__":
    unittest.main()
