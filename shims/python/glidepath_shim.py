"""glidepath client shim for Python (standard library only, Python >= 3.9).

Drop this file into a service that calls a provider, and let glidepath decide, request by
request, whether the legacy provider (the *baseline* arm) or the new one (the *candidate*
arm) answers:

    shim = GlidepathShim("http://127.0.0.1:8470", "chat-completions",
                         baseline="openai", candidate="holysheep")
    shim.start()
    arm = shim.route(key=merchant_id)           # "openai" or "holysheep", sticky per key
    ... call the provider of that arm, time it ...
    shim.record(arm, status, latency_ms)         # 0 as status for a transport failure
    shim.stop()                                  # flushes what is still buffered

Contract (the glidepath wire protocol, v1):

* ``route`` does no I/O and takes no lock: it reads a reference to an immutable weights
  snapshot. A key goes to the candidate iff
  ``mix64(fnv1a64(utf8(migration + ":" + key))) % 10000 < round(candidate_weight * 100)``,
  so a key that is on the candidate stays there as the weight grows. Without a key a
  uniform random bucket is drawn per request.
* Before the controller was ever reached the shim cannot know the arm names: pass them as
  hints (``baseline=``, ``candidate=``). Until the first weights arrive every request goes
  to ``default_arm``, which defaults to the ``baseline`` hint. One of the two is required.
  When hints are given, a weights document naming other arms is rejected.
* A poller thread GETs ``/v1/migrations/{migration}/weights`` every ``pollAfterSeconds``
  (jittered +-10 %) with ``If-None-Match``. Anything wrong (unreachable, 5xx, 404, garbage,
  weights not summing to 100, unknown arms, a revision going backwards) keeps the last good
  weights ("fail static") and is reported through ``on_event``; nothing is ever raised
  into the caller.
* ``record`` appends one line to a bounded in-memory buffer and returns; a sender thread
  posts batches (every ``batch_interval`` seconds or ``batch_lines`` lines) to
  ``/v1/migrations/{migration}/observations``. While the controller is away the lines are
  kept (the oldest are dropped and counted when the buffer is full) and the batch is retried
  with exponential backoff capped at 30 s. A ``400`` answer drops that batch. Delivery is
  at least once: a batch whose answer was lost may be counted twice.
* What counts as an error is the policy's: the weights document's ``errorStatuses``
  (integers and classes like ``"5xx"``; ``[0, 429, "5xx"]`` before any document and when an
  older controller leaves the member out). ``is_error(status)`` answers with the last good
  document's list.
* The local breaker: after ``consecutiveErrors`` consecutive candidate errors ``route``
  answers the baseline for ``openSeconds`` (the document's ``breaker``; without one, the
  ``breaker_threshold`` / ``breaker_cooldown`` given to the constructor, else 5 and 30 s).
  Each opening is one trip. ``breaker_threshold=0`` turns the breaker off whatever the
  document says.
* Overrides: ``route(key, attributes)`` applies the policy's ``overrides`` rules (from the
  weights document) before the bucket. ``attributes`` is a dict the application fills from
  the request: ``"header:<name>"`` (names compared case-insensitively), ``"cookie:<name>"``
  and ``"segment"``, each with a string value. The first matching rule wins and the answer
  is a ``Route`` (a ``str``, the arm's name) with ``forced=True``; ``record`` reports it with
  ``forced=1`` so it stays out of the judge's evidence. While the migration is rolled back or
  paused, or the breaker is open, a rule forcing the candidate is skipped unless it says
  ``evenWhenRolledBack``; rules forcing the baseline always apply. ``route(key)`` without
  attributes applies no rules (the hot path of older callers is unchanged); ``call`` always
  applies them.
* ``call(key, fn)`` routes, calls ``fn(arm)``, records the outcome and, when the candidate
  failed with an error status (or ``fn`` raised: status 0), records that, calls the baseline,
  records it too and counts one fallback.
* Shadow steps: ``call(key, fn, mirror_fn=...)`` also runs ``mirror_fn(candidate)`` on a
  background thread when the baseline serves the request and its bucket is below the weights
  document's ``mirror`` (at most ``MAX_MIRRORS_IN_FLIGHT`` at once, the rest dropped and
  counted), recording its outcome as a ``mirror=1`` line; the user's answer is unchanged.
* Breaker trips and fallbacks since the last accepted batch travel with the next batch as
  ``Glidepath-Breaker-Trips`` / ``Glidepath-Fallbacks`` headers; a batch that is not
  accepted leaves them counted for the next one.

Events reach ``on_event(kind, info)`` (``info`` is a dict; exceptions raised by the callback
are swallowed); without a callback they are logged on the ``glidepath_shim`` logger. Kinds:
``weights``, ``poll_failed``, ``weights_rejected``, ``batch_sent``, ``send_failed``,
``batch_rejected``, ``dropped``, ``record_rejected``, ``breaker_open``, ``breaker_closed``.
"""

from __future__ import annotations

import collections
import http.client
import json
import logging
import math
import random
import re
import ssl
import threading
import time
import urllib.parse
import uuid
from typing import (Any, Callable, Dict, FrozenSet, Generic, List, NamedTuple, Optional,
                    Sequence, Set, Tuple, TypeVar, Union, cast)

__all__ = ["GlidepathShim", "WeightsSnapshot", "BreakerSettings", "CallOutcome", "Reply", "Route",
           "OverrideRule", "parse_overrides",
           "StatusPattern", "DEFAULT_ERROR_STATUSES", "DEFAULT_BREAKER", "bucket", "fnv1a64",
           "mix64", "is_error_status", "parse_error_statuses", "parse_breaker", "tls_context",
           "MAX_MIRRORS_IN_FLIGHT"]

__version__ = "0.1.0"

T = TypeVar("T")
#: One entry of ``errorStatuses``: a status (0 or 100..599) or a class ``"1xx"``..``"5xx"``.
StatusPattern = Union[int, str]
#: What the function given to ``GlidepathShim.call`` returns: ``(status, result)``, optionally
#: followed by ``tokens`` and ``ttft_ms`` (each may be None).
Reply = Union[Tuple[int, T], Tuple[int, T, Optional[int]],
              Tuple[int, T, Optional[int], Optional[float]]]

_MASK = 0xFFFFFFFFFFFFFFFF
_FNV_OFFSET = 0xCBF29CE484222325
_FNV_PRIME = 0x100000001B3
_ARM_NAME = re.compile(r"[A-Za-z0-9._-]{1,63}\Z")
_BACKOFF_CAP = 30.0
_KEY_CACHE_SIZE = 65536
_STATUS_CLASS = re.compile(r"[1-5]xx\Z")
_MAX_REPORTED = 1000000  # the controller's bound for one header value
#: Shadow copies (``call(..., mirror_fn=...)``) running at once per shim; more are dropped.
MAX_MIRRORS_IN_FLIGHT = 4

_log = logging.getLogger("glidepath_shim")


def _fnv_update(h: int, data: bytes, _prime: int = _FNV_PRIME, _mask: int = _MASK) -> int:
    # Only the low 64 bits of (h ^ b) * prime depend on the low 64 bits of h, so masking
    # can wait; masking every 32 bytes keeps the intermediate integers small (speed).
    if len(data) <= 32:
        for b in data:
            h = (h ^ b) * _prime
        return h & _mask
    for start in range(0, len(data), 32):
        for b in data[start:start + 32]:
            h = (h ^ b) * _prime
        h &= _mask
    return h


def fnv1a64(data: bytes) -> int:
    """FNV-1a, 64 bits: xor then multiply, per byte, mod 2**64."""
    return _fnv_update(_FNV_OFFSET, data)


def mix64(z: int) -> int:
    """SplitMix64's finaliser (mod 2**64)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def bucket(migration: str, key: str) -> int:
    """The sticky bucket of ``key`` in ``migration``, 0..9999, identical in every shim."""
    return mix64(fnv1a64((migration + ":" + key).encode("utf-8"))) % 10000


def is_error_status(status: int) -> bool:
    """The default error classes: 0 (transport failure or timeout), 429 and 5xx.

    A running shim uses the policy's list instead: ``GlidepathShim.is_error``."""
    return status == 0 or status == 429 or 500 <= status <= 599


class BreakerSettings(NamedTuple):
    """The weights document's ``breaker``: open after ``consecutive_errors`` consecutive
    candidate errors, for ``open_seconds``."""
    consecutive_errors: int
    open_seconds: float


DEFAULT_ERROR_STATUSES: Tuple[StatusPattern, ...] = (0, 429, "5xx")
DEFAULT_BREAKER = BreakerSettings(5, 30.0)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def parse_error_statuses(value: Any) -> Tuple[StatusPattern, ...]:
    """Validates a weights document's ``errorStatuses``: a non-empty array of integers (0 or
    100..599) and class strings ``"1xx"``..``"5xx"`` (lower-case x). Raises ValueError
    naming the element at fault."""
    if not isinstance(value, list):
        raise ValueError("errorStatuses must be an array, found %s" % _json_type(value))
    if not value:
        raise ValueError("errorStatuses must list at least one status")
    for i, p in enumerate(value):
        if _is_int(p):
            if not (p == 0 or 100 <= p <= 599):
                raise ValueError("errorStatuses[%d] must be 0 or a status from 100 to 599, "
                                 "found %d" % (i, p))
        elif isinstance(p, str):
            if not _STATUS_CLASS.match(p):
                raise ValueError('errorStatuses[%d] must be a class "1xx".."5xx" (lower-case x) '
                                 "or an integer status, found %s" % (i, json.dumps(p)))
        else:
            raise ValueError("errorStatuses[%d] must be an integer status or a class like "
                             '"5xx", found %s' % (i, json.dumps(p)))
    return tuple(value)


def parse_breaker(value: Any) -> BreakerSettings:
    """Validates a weights document's ``breaker``: ``consecutiveErrors`` (integer 1..1000)
    and ``openSeconds`` (integer 1..3600), both required; other members are ignored."""
    if not isinstance(value, dict):
        raise ValueError("breaker must be an object, found %s" % _json_type(value))
    out = []
    for name, high in (("consecutiveErrors", 1000), ("openSeconds", 3600)):
        if name not in value:
            raise ValueError("breaker.%s is missing" % name)
        n = value[name]
        if not _is_int(n) or not 1 <= n <= high:
            raise ValueError("breaker.%s must be an integer from 1 to %d, found %s"
                             % (name, high, json.dumps(n)))
        out.append(n)
    return BreakerSettings(out[0], float(out[1]))


class OverrideRule(NamedTuple):
    """One rule of the weights document's ``overrides``. ``kind`` is ``"keys"``, ``"header"``,
    ``"cookie"`` or ``"segment"``; ``name`` the header (lower-case) or cookie name, else "";
    ``values`` the listed keys or segments, or the one value ``equals`` names; ``arm`` the
    role (``"baseline"`` or ``"candidate"``)."""
    kind: str
    name: str
    values: FrozenSet[str]
    arm: str
    even_when_rolled_back: bool


def _string_list(value: Any) -> Optional[List[str]]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        return None
    return value


def parse_overrides(value: Any) -> Tuple[OverrideRule, ...]:
    """Validates a weights document's ``overrides``: an array of rules, each with ``arm``
    (``"baseline"`` or ``"candidate"``), exactly one of ``keys`` (non-empty array of strings)
    or ``attribute`` (``"header:<name>"`` / ``"cookie:<name>"`` with ``equals``, a string;
    ``"segment"`` with ``in``, a non-empty array of strings), and optionally
    ``evenWhenRolledBack`` (boolean). Other members of a rule are ignored. Raises ValueError
    naming the rule at fault."""
    if not isinstance(value, list):
        raise ValueError("overrides must be an array of rules, found %s" % _json_type(value))
    rules = []
    for i, rule in enumerate(value):
        where = "overrides[%d]" % i
        if not isinstance(rule, dict):
            raise ValueError("%s must be an object, found %s" % (where, _json_type(rule)))
        arm = rule.get("arm")
        if arm not in ("baseline", "candidate"):
            raise ValueError('%s.arm must be "baseline" or "candidate", found %s'
                             % (where, json.dumps(arm)))
        even = rule.get("evenWhenRolledBack", False)
        if not isinstance(even, bool):
            raise ValueError("%s.evenWhenRolledBack must be true or false" % where)
        if ("keys" in rule) == ("attribute" in rule):
            raise ValueError('%s needs exactly one of "keys" and "attribute"' % where)
        if "keys" in rule:
            keys = _string_list(rule["keys"])
            if keys is None:
                raise ValueError("%s.keys must be a non-empty array of strings" % where)
            rules.append(OverrideRule("keys", "", frozenset(keys), arm, even))
            continue
        attribute = rule["attribute"]
        if attribute == "segment":
            names = _string_list(rule.get("in"))
            if names is None:
                raise ValueError("%s.in must be a non-empty array of strings" % where)
            rules.append(OverrideRule("segment", "", frozenset(names), arm, even))
            continue
        if (not isinstance(attribute, str) or attribute[:7] not in ("header:", "cookie:")
                or len(attribute) <= 7):
            raise ValueError('%s.attribute must be "header:<name>", "cookie:<name>" or "segment", '
                             "found %s" % (where, json.dumps(attribute)))
        equals = rule.get("equals")
        if not isinstance(equals, str):
            raise ValueError("%s.equals must be a string" % where)
        kind, name = attribute[:6], attribute[7:]
        rules.append(OverrideRule(kind, name.lower() if kind == "header" else name,
                                  frozenset([equals]), arm, even))
    return tuple(rules)


class Route(str):
    """What ``route(key, attributes)`` answers: the arm's name (a ``str``) and ``forced``,
    whether an override rule chose it (``record`` then reports it with ``forced=1``)."""

    forced: bool

    def __new__(cls, arm: str, forced: bool = False) -> "Route":
        self = super().__new__(cls, arm)
        self.forced = forced
        return self

    def __repr__(self) -> str:
        return "Route(%s, forced=%r)" % (str.__repr__(self), self.forced)


def _status_set(patterns: Sequence[StatusPattern]) -> FrozenSet[int]:
    statuses: Set[int] = set()
    for p in patterns:
        if isinstance(p, str):
            hundreds = int(p[0]) * 100
            statuses.update(range(hundreds, hundreds + 100))
        else:
            statuses.add(p)
    return frozenset(statuses)


_DEFAULT_ERROR_SET = _status_set(DEFAULT_ERROR_STATUSES)


class WeightsSnapshot:
    """One validated weights document. Immutable by convention: replaced, never changed.

    ``error_statuses`` is the document's list (the default when it had none); ``breaker``
    is None when the document carried no ``breaker`` member."""

    __slots__ = ("revision", "state", "step", "baseline", "candidate", "weights",
                 "threshold", "poll_after", "etag", "error_statuses", "breaker", "overrides",
                 "_errors", "mirror", "mirror_threshold")

    def __init__(self, revision: int, state: str, step: Optional[int], baseline: str,
                 candidate: str, weights: Dict[str, float], poll_after: float,
                 etag: Optional[str],
                 error_statuses: Sequence[StatusPattern] = DEFAULT_ERROR_STATUSES,
                 breaker: Optional[BreakerSettings] = None, mirror: float = 0,
                 overrides: Sequence[OverrideRule] = ()) -> None:
        self.revision = revision
        self.state = state
        self.step = step
        self.baseline = baseline
        self.candidate = candidate
        self.weights = dict(weights)
        # round half up: weights have at most two decimals, so this is exact basis points
        self.threshold = int(math.floor(weights[candidate] * 100 + 0.5))
        self.poll_after = poll_after
        self.etag = etag
        self.error_statuses: Tuple[StatusPattern, ...] = tuple(error_statuses)
        self.breaker = breaker
        self.overrides: Tuple[OverrideRule, ...] = tuple(overrides)
        self._errors = _status_set(self.error_statuses)
        #: the document's ``mirror`` (percent, 0 when absent) and its bucket threshold
        self.mirror = mirror
        self.mirror_threshold = int(math.floor(mirror * 100 + 0.5))

    def is_error(self, status: int) -> bool:
        """Whether ``status`` is an error under this document's ``errorStatuses``."""
        return status in self._errors


class CallOutcome(Generic[T]):
    """What ``GlidepathShim.call`` returns: the arm that produced ``result`` with ``status``,
    whether the call fell back from the candidate to the baseline, and whether an override
    rule forced the request (``forced``)."""

    __slots__ = ("arm", "status", "result", "fallback", "forced")

    def __init__(self, arm: str, status: int, result: T, fallback: bool,
                 forced: bool = False) -> None:
        self.arm = arm
        self.status = status
        self.result = result
        self.fallback = fallback
        self.forced = forced

    def __repr__(self) -> str:
        return "CallOutcome(arm=%r, status=%r, result=%r, fallback=%r, forced=%r)" % (
            self.arm, self.status, self.result, self.fallback, self.forced)


def tls_context(ca_file: Optional[str]) -> ssl.SSLContext:
    """The TLS settings for an ``https://`` controller: certificate and host name verified, TLS 1.2 at
    least. ``ca_file`` (a PEM file of CA certificates, e.g. your own CA in front of glidepath)
    replaces the system's trust store; without it the system's store is used. A file that cannot be
    read raises here (``OSError``/``ssl.SSLError``), never later in a thread; verification is never
    turned off."""
    context = ssl.create_default_context(cafile=ca_file) if ca_file is not None \
        else ssl.create_default_context()
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


class _Connection:
    """A keep-alive HTTP/1.1 connection to the controller, owned by one thread."""

    def __init__(self, server: str, timeout: float,
                 context: Optional[ssl.SSLContext] = None) -> None:
        parts = urllib.parse.urlsplit(server)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("server must be an http:// or https:// URL, found %r" % server)
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self.prefix = parts.path.rstrip("/")
        self._timeout = timeout
        self._context = context
        self._conn: Optional[http.client.HTTPConnection] = None

    def request(self, method: str, path: str, body: Optional[bytes],
                headers: Dict[str, str]) -> Tuple[int, Dict[str, str], bytes]:
        for attempt in (0, 1):
            fresh = self._conn is None
            if self._conn is None:
                if self._https:
                    self._conn = http.client.HTTPSConnection(self._host, self._port,
                                                             timeout=self._timeout,
                                                             context=self._context)
                else:
                    self._conn = http.client.HTTPConnection(self._host, self._port,
                                                            timeout=self._timeout)
            try:
                self._conn.request(method, self.prefix + path, body=body, headers=headers)
                resp = self._conn.getresponse()
                data = resp.read()
                hdrs = {k.lower(): v for k, v in resp.getheaders()}
                if hdrs.get("connection", "").lower() == "close":
                    self.close()
                return resp.status, hdrs, data
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # a kept-alive connection the server had closed: one retry on a fresh one
                self.close()
                if fresh or attempt == 1:
                    raise
            except BaseException:
                self.close()
                raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except OSError:
                pass
            self._conn = None


def _server_list(server: Union[str, Sequence[str]]) -> List[str]:
    """``server=``: one URL, a comma-separated string of URLs, or a list of URLs, in failover order."""
    items = server.split(",") if isinstance(server, str) else list(server)
    urls: List[str] = []
    for u in items:
        if not isinstance(u, str) or not u.strip():
            raise ValueError("server must be a URL, a comma-separated string of URLs or a list "
                             "of URLs, found %r" % (server,))
        urls.append(u.strip().rstrip("/"))
    if not urls or len(urls) > MAX_SERVERS:
        raise ValueError("give 1 to %d controller URLs, found %d" % (MAX_SERVERS, len(urls)))
    return urls


#: At most this many controller URLs (a primary and its standbys).
MAX_SERVERS = 8
#: While routed to a URL after the first, try the first again after this many seconds.
RETRY_FIRST_AFTER = 30.0


class _Servers:
    """The controller URLs in order, one connection each, owned by one thread.

    A request goes to the URL that answered last (sticky); on a connection error, a timeout or
    a 5xx answer (a standby refuses writes with 503) it tries the next URL, round to the first.
    While stuck to a later URL, the first is tried again every ``retry_first_after`` seconds, so
    traffic returns to the primary once it is back. 304 and 4xx (404 included) are answers.
    """

    def __init__(self, urls: Sequence[str], timeout: float, clock: Callable[[], float],
                 retry_first_after: float = RETRY_FIRST_AFTER,
                 on_switch: Optional[Callable[[str, str], None]] = None,
                 tls: Optional[ssl.SSLContext] = None) -> None:
        self.urls = list(urls)
        self._conns = [_Connection(u, timeout, tls) for u in self.urls]
        self._clock = clock
        self._retry_first_after = retry_first_after
        self._on_switch = on_switch
        self.current = 0
        self._retry_first_at = 0.0

    def request(self, method: str, path: str, body: Optional[bytes],
                headers: Dict[str, str]) -> Tuple[int, Dict[str, str], bytes]:
        n = len(self._conns)
        start = self.current
        if start != 0 and self._clock() >= self._retry_first_at:
            start = 0
        last: Optional[Tuple[int, Dict[str, str], bytes]] = None
        error: Optional[BaseException] = None
        for k in range(n):
            i = (start + k) % n
            try:
                answer = self._conns[i].request(method, path, body, headers)
            except Exception as e:  # refused, timeout, reset, TLS: the next URL
                error, last = e, None
                continue
            if answer[0] >= 500:
                last, error = answer, None
                continue
            if i != 0 and start == 0:  # the first failed: try it again after the back-off
                self._retry_first_at = self._clock() + self._retry_first_after
            if i != self.current:
                old, self.current = self.urls[self.current], i
                if self._on_switch is not None:
                    self._on_switch(old, self.urls[i])
            return answer
        self.current = 0  # every URL failed: the next request starts again from the first
        if last is not None:
            return last
        assert error is not None
        raise error

    def close(self) -> None:
        for c in self._conns:
            c.close()


class GlidepathShim:
    """Sticky routing, fail-static weight polling and outcome reporting for one migration.

    Thread-safe: ``route``, ``record``, ``call``, ``should_retry_on_baseline`` and ``stats``
    may be called from any number of threads.

    ``breaker_threshold`` / ``breaker_cooldown`` are used only while the last good weights
    document carries no ``breaker`` (none yet, or an older controller): the policy's settings
    win when present. ``clock`` (seconds, monotonic) times the breaker; tests inject one.
    """

    def __init__(self, server: Union[str, Sequence[str]], migration: str, ingest_token: Optional[str] = None,
                 default_arm: Optional[str] = None, shim_id: Optional[str] = None,
                 fallback_to_baseline: bool = False, breaker_threshold: Optional[int] = None,
                 breaker_cooldown: Optional[float] = None, max_buffered_lines: int = 10000,
                 batch_lines: int = 500, batch_interval: float = 1.0,
                 on_event: Optional[Callable[[str, Dict[str, Any]], None]] = None,
                 timeout: float = 2.0, baseline: Optional[str] = None,
                 candidate: Optional[str] = None, poll_after: float = 5.0,
                 clock: Optional[Callable[[], float]] = None,
                 ca_file: Optional[str] = None) -> None:
        for name, value in (("baseline", baseline), ("candidate", candidate),
                            ("default_arm", default_arm)):
            if value is not None and not _ARM_NAME.match(value):
                raise ValueError("%s must match [A-Za-z0-9._-]{1,63}, found %r" % (name, value))
        if default_arm is None:
            default_arm = baseline
        if default_arm is None:
            raise ValueError("give the baseline arm's name (baseline=...) or default_arm=...: "
                             "it serves every request until the first weights arrive")
        if max_buffered_lines < 1 or batch_lines < 1 or (breaker_threshold or 0) < 0:
            raise ValueError("max_buffered_lines and batch_lines must be >= 1, "
                             "breaker_threshold >= 0 (0 disables the breaker)")
        if breaker_cooldown is not None and not breaker_cooldown > 0:
            raise ValueError("breaker_cooldown must be > 0 seconds, found %r" % (breaker_cooldown,))
        #: the controller URLs in failover order (a primary, then its standbys)
        self.servers = _server_list(server)
        self.server = self.servers[0]
        self.migration = migration
        self.shim_id = shim_id or "py-" + uuid.uuid4().hex[:12]
        self.ingest_token = ingest_token
        self.default_arm = default_arm
        self.baseline_hint = baseline
        self.candidate_hint = candidate
        self.fallback_to_baseline = fallback_to_baseline
        # the user's explicit settings (None = not set): used while no document has a breaker
        self.breaker_threshold = breaker_threshold
        self.breaker_cooldown = breaker_cooldown
        self._own_breaker = BreakerSettings(
            DEFAULT_BREAKER.consecutive_errors if not breaker_threshold else breaker_threshold,
            DEFAULT_BREAKER.open_seconds if breaker_cooldown is None else float(breaker_cooldown))
        self._clock: Callable[[], float] = clock or time.monotonic
        self.max_buffered_lines = max_buffered_lines
        self.batch_lines = batch_lines
        self.batch_interval = batch_interval
        self.timeout = timeout
        self.poll_after = poll_after
        self._on_event = on_event
        self._quoted = urllib.parse.quote(migration, safe="")
        plain = [u for u in self.servers if not u.lower().startswith("https://")]
        if ca_file is not None and plain:
            raise ValueError("ca_file is set but server %r is not https://: the ingest token would "
                             "cross in plaintext; use the TLS front's https:// URL" % plain[0])
        self.ca_file = ca_file
        #: The TLS settings of every https connection (built once: a bad ca_file raises here).
        self.tls_context = tls_context(ca_file)
        for url in self.servers:
            _Connection(url, timeout, self.tls_context)  # validates the URLs now, not in a thread
        self._active_server = self.servers[0]

        self._snapshot: Optional[WeightsSnapshot] = None
        self._prefix_hash = fnv1a64((migration + ":").encode("utf-8"))
        self._key_cache: Dict[str, int] = {}
        self._breaker_until = 0.0  # clock time the open breaker closes; 0.0 = closed
        self._consecutive_errors = 0
        self._breaker_trips = 0
        self._fallbacks = 0
        self._unreported_trips = 0      # not yet carried by an accepted batch
        self._unreported_fallbacks = 0
        self._mirrors_in_flight = 0
        self._mirrored = 0              # shadow copies started
        self._mirrors_dropped = 0       # shadow copies dropped: MAX_MIRRORS_IN_FLIGHT were running

        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._buffer: "collections.deque[str]" = collections.deque()
        self._dropped = 0
        self._sent = 0
        self._rejected_batches = 0
        self._rejected_records = 0
        self._last_error: Optional[str] = None
        self._first_weights = threading.Event()
        self._stopping = threading.Event()
        self._threads: List[threading.Thread] = []
        self._flush_on_stop = True
        self._stop_deadline = 0.0
        self._rng = random.Random()

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> "GlidepathShim":
        """Start the poller and sender threads (daemons). Returns self."""
        if self._threads:
            return self
        self._stopping.clear()
        self._threads = [
            threading.Thread(target=self._poll_loop, name="glidepath-poll", daemon=True),
            threading.Thread(target=self._send_loop, name="glidepath-send", daemon=True),
        ]
        for t in self._threads:
            t.start()
        return self

    def stop(self, flush: bool = True, timeout: float = 5.0) -> None:
        """Stop both threads; with ``flush`` the sender first tries (for at most ``timeout``
        seconds) to deliver every buffered line."""
        self._flush_on_stop = flush
        self._stop_deadline = time.monotonic() + timeout
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        for t in self._threads:
            t.join(timeout + self.timeout + 1.0)
        self._threads = []

    def __enter__(self) -> "GlidepathShim":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def wait_for_weights(self, timeout: float) -> bool:
        """Block until the first valid weights arrived (True) or ``timeout`` passed (False)."""
        return self._first_weights.wait(timeout)

    # -- hot path -------------------------------------------------------------------------

    def route(self, key: Optional[str] = None,
              attributes: Optional[Dict[str, str]] = None) -> str:
        """The arm that serves this request: sticky by ``key``, random without one.

        With ``attributes`` (even ``{}``) the policy's override rules apply first and the answer
        is a ``Route`` whose ``forced`` says whether a rule chose it."""
        if attributes is not None:
            return self._route_with_rules(key, attributes)
        snap = self._snapshot
        if snap is None:
            return self.default_arm
        until = self._breaker_until
        if until:
            if self._clock() < until:
                return snap.baseline
            self._close_breaker(until)
        if key is None:
            b = self._rng.randrange(10000)
        else:
            cached = self._key_cache.get(key)
            if cached is not None:
                b = cached
            else:
                b = mix64(_fnv_update(self._prefix_hash, key.encode("utf-8"))) % 10000
                if len(self._key_cache) >= _KEY_CACHE_SIZE:
                    self._key_cache = {}
                self._key_cache[key] = b
        return snap.candidate if b < snap.threshold else snap.baseline

    def _route_with_rules(self, key: Optional[str], attributes: Dict[str, str]) -> Route:
        return self._forced_route(key, attributes) or Route(self.route(key), False)

    def _forced_route(self, key: Optional[str], attributes: Dict[str, str]) -> Optional[Route]:
        """The ``Route`` the first applicable matching rule forces; None when the bucket decides."""
        snap = self._snapshot
        if snap is not None and snap.overrides:
            until = self._breaker_until
            held = (snap.state in ("rolled_back", "paused")
                    or bool(until and self._clock() < until))
            headers: Optional[Dict[str, Any]] = None
            for rule in snap.overrides:
                if held and rule.arm == "candidate" and not rule.even_when_rolled_back:
                    continue
                if rule.kind == "keys":
                    value: Any = key
                elif rule.kind == "segment":
                    value = attributes.get("segment")
                elif rule.kind == "cookie":
                    value = attributes.get("cookie:" + rule.name)
                else:
                    if headers is None:
                        headers = {k.lower(): v for k, v in attributes.items()
                                   if isinstance(k, str) and k[:7].lower() == "header:"}
                    value = headers.get("header:" + rule.name)
                if isinstance(value, str) and value in rule.values:
                    return Route(snap.candidate if rule.arm == "candidate" else snap.baseline, True)
        return None

    def bucket(self, key: str) -> int:
        """This migration's bucket for ``key`` (0..9999)."""
        return bucket(self.migration, key)

    def record(self, arm: str, status: int, latency_ms: float, tokens: Optional[int] = None,
               ttft_ms: Optional[float] = None, forced: Optional[bool] = None,
               mirror: bool = False) -> bool:
        """Buffer one observed request; never blocks on the network, never raises.

        ``status`` is the HTTP status, or 0 for a transport failure or timeout. ``forced``
        (default: the ``forced`` of a ``Route`` given as ``arm``) adds ``forced=1``: an override
        rule chose the arm, the controller keeps it out of the evidence. ``mirror=True`` marks a
        background shadow copy sent to the candidate (``mirror=1``): the candidate's evidence
        for the controller, never fed to the breaker. A line is never both (refused). Returns
        False (and reports ``record_rejected``) when the arguments cannot form a valid line."""
        if forced is None:
            forced = bool(getattr(arm, "forced", False))
        line = self._format_line(arm, status, latency_ms, tokens, ttft_ms, mirror, forced)
        if line is None:
            return False
        if not mirror:
            self._note_outcome(arm, status)
        dropped_now = 0
        with self._wake:
            if len(self._buffer) >= self.max_buffered_lines:
                self._buffer.popleft()  # keep the most recent window
                self._dropped += 1
                dropped_now = self._dropped
            self._buffer.append(line)
            if len(self._buffer) >= self.batch_lines:
                self._wake.notify()
        if dropped_now and (dropped_now == 1 or dropped_now % 1000 == 0):
            self._emit("dropped", {"dropped": dropped_now,
                                   "reason": "buffer full (%d lines)" % self.max_buffered_lines})
        return True

    def call(self, key: Optional[str], fn: Callable[[str], Reply[T]],
             attributes: Optional[Dict[str, str]] = None,
             mirror_fn: Optional[Callable[[str], Reply[Any]]] = None) -> CallOutcome[T]:
        """Route by ``key``, call ``fn(arm)`` and record the outcome with its latency.

        ``fn`` returns ``(status, result)`` or ``(status, result, tokens)`` or
        ``(status, result, tokens, ttft_ms)``; an exception it raises is recorded as status 0.
        When the arm was the candidate and the status is an error (``is_error``), the
        baseline is called the same way, both outcomes are recorded and one fallback is
        counted. Returns the answering arm's ``CallOutcome``; re-raises the last arm's
        exception when that arm raised. Override rules apply (``route(key, attributes)``);
        a forced request's outcomes, the fallback's too, are recorded with ``forced=1``.

        ``mirror_fn(candidate)`` (same return shapes as ``fn``; its answer is discarded): on a
        shadow step, when the baseline serves the request and its bucket is below the
        document's ``mirror``, ``mirror_fn`` runs on a background thread before ``fn`` is called
        and its outcome is recorded as a ``mirror=1`` line (an exception is status 0). At most
        ``MAX_MIRRORS_IN_FLIGHT`` copies run at once; a copy beyond that is dropped and
        counted (``stats()["mirrors_dropped"]``). It never delays or changes the answer.
        A request an override rule forces is never mirrored (forced traffic is no random
        sample; one forced to the candidate is already served by it)."""
        routed = self._forced_route(key, attributes or {})
        forced = routed is not None
        if routed is not None:
            arm = str(routed)
        elif mirror_fn is None:
            arm = self.route(key)
        else:
            arm, b = self._route_bucket(key)
            snap = self._snapshot
            if snap is not None and self.mirrors(b, arm):
                self._start_mirror(snap.candidate, mirror_fn)
        status, result, error = self._call_arm(arm, fn, forced)
        baseline = self.baseline_arm()
        if arm == baseline or arm != self._candidate_name() or not self.is_error(status):
            if error is not None:
                raise error
            return CallOutcome(arm, status, cast(T, result), False, forced)
        self._count_fallback()
        status, result, error = self._call_arm(baseline, fn, forced)
        if error is not None:
            raise error
        return CallOutcome(baseline, status, cast(T, result), True, forced)

    def mirrors(self, bucket_: int, arm: str) -> bool:
        """Whether a request in ``bucket_`` served by ``arm`` is mirrored to the candidate:
        the baseline serves it and ``bucket_ < round(mirror * 100)`` (the last good document)."""
        snap = self._snapshot
        return (snap is not None and arm == snap.baseline and arm != snap.candidate
                and bucket_ < snap.mirror_threshold)

    def _route_bucket(self, key: Optional[str]) -> Tuple[str, int]:
        """``route`` that also returns the bucket it drew (keyless: a random one)."""
        b = self._rng.randrange(10000) if key is None else self.bucket(key)
        snap = self._snapshot
        if snap is None:
            return self.default_arm, b
        until = self._breaker_until
        if until:
            if self._clock() < until:
                return snap.baseline, b
            self._close_breaker(until)
        return (snap.candidate if b < snap.threshold else snap.baseline), b

    def _start_mirror(self, candidate: str, mirror_fn: Callable[[str], Reply[Any]]) -> bool:
        with self._lock:
            if self._mirrors_in_flight >= MAX_MIRRORS_IN_FLIGHT:
                self._mirrors_dropped += 1
                return False
            self._mirrors_in_flight += 1
            self._mirrored += 1

        def run() -> None:
            started = time.monotonic()
            try:
                try:
                    parts: Tuple[Any, ...] = tuple(mirror_fn(candidate))
                except Exception:
                    self.record(candidate, 0, (time.monotonic() - started) * 1000.0, mirror=True)
                    return
                self.record(candidate, parts[0], (time.monotonic() - started) * 1000.0,
                            tokens=parts[2] if len(parts) > 2 else None,
                            ttft_ms=parts[3] if len(parts) > 3 else None, mirror=True)
            finally:
                with self._lock:
                    self._mirrors_in_flight -= 1

        threading.Thread(target=run, name="glidepath-mirror", daemon=True).start()
        return True

    def _call_arm(self, arm: str, fn: Callable[[str], Reply[T]], forced: bool = False
                  ) -> Tuple[int, Optional[T], Optional[BaseException]]:
        started = time.monotonic()
        try:
            reply = fn(arm)
        except Exception as e:
            self.record(arm, 0, (time.monotonic() - started) * 1000.0, forced=forced)
            return 0, None, e
        latency_ms = (time.monotonic() - started) * 1000.0
        parts: Tuple[Any, ...] = tuple(reply)
        status = parts[0]
        tokens = parts[2] if len(parts) > 2 else None
        ttft_ms = parts[3] if len(parts) > 3 else None
        self.record(arm, status, latency_ms, tokens=tokens, ttft_ms=ttft_ms, forced=forced)
        return status, cast(T, parts[1]), None

    def should_retry_on_baseline(self, arm: str, status: int) -> bool:
        """True when the optional fallback is on and ``arm`` is the candidate that failed
        with an error status (the policy's ``errorStatuses``): retry once on the baseline
        (and still record the failure against the candidate). A True answer counts one
        fallback (reported to the controller). ``call`` does all of this in one step."""
        if not self.fallback_to_baseline or not self.is_error(status):
            return False
        candidate = self._candidate_name()
        if candidate is None or arm != candidate or self.baseline_arm() == arm:
            return False
        self._count_fallback()
        return True

    def is_error(self, status: int) -> bool:
        """Whether ``status`` counts as an error: the last good document's ``errorStatuses``,
        ``[0, 429, "5xx"]`` before any document."""
        snap = self._snapshot
        if snap is not None:
            return snap.is_error(status)
        return status in _DEFAULT_ERROR_SET

    def breaker_settings(self) -> BreakerSettings:
        """The breaker in force: the document's, else the constructor's, else 5 and 30 s."""
        snap = self._snapshot
        if snap is not None and snap.breaker is not None:
            return snap.breaker
        return self._own_breaker

    def _candidate_name(self) -> Optional[str]:
        snap = self._snapshot
        return snap.candidate if snap is not None else self.candidate_hint

    def baseline_arm(self) -> str:
        """The baseline's name: from the weights, else the hint, else the default arm."""
        snap = self._snapshot
        if snap is not None:
            return snap.baseline
        return self.baseline_hint or self.default_arm

    @property
    def weights(self) -> Optional[WeightsSnapshot]:
        """The weights in use (None before the first valid document)."""
        return self._snapshot

    def stats(self) -> Dict[str, Any]:
        """Counters for logs and health pages."""
        snap = self._snapshot
        settings = self.breaker_settings()
        with self._lock:
            out: Dict[str, Any] = {
                "buffered": len(self._buffer), "dropped": self._dropped, "sent": self._sent,
                "rejected_batches": self._rejected_batches,
                "rejected_records": self._rejected_records, "last_error": self._last_error,
                "breaker_trips": self._breaker_trips, "fallbacks": self._fallbacks,
                "unreported_breaker_trips": self._unreported_trips,
                "unreported_fallbacks": self._unreported_fallbacks,
                "mirrored": self._mirrored, "mirrors_dropped": self._mirrors_dropped,
                "mirrors_in_flight": self._mirrors_in_flight}
        until = self._breaker_until
        out.update({
            "shim_id": self.shim_id,
            "server": self._active_server,
            "revision": snap.revision if snap else None,
            "state": snap.state if snap else None,
            "weights": dict(snap.weights) if snap else None,
            "mirror": snap.mirror if snap else 0,
            "breaker_open": bool(until and self._clock() < until),
            "error_statuses": list(snap.error_statuses if snap else DEFAULT_ERROR_STATUSES),
            "breaker": {"consecutive_errors": settings.consecutive_errors,
                        "open_seconds": settings.open_seconds},
        })
        return out

    # -- internals: recording -------------------------------------------------------------

    def _format_line(self, arm: Any, status: Any, latency_ms: Any, tokens: Any,
                     ttft_ms: Any, mirror: bool = False, forced: bool = False) -> Optional[str]:
        problem = None
        snap = self._snapshot
        if not isinstance(arm, str) or not _ARM_NAME.match(arm):
            problem = "arm must match [A-Za-z0-9._-]{1,63}, found %r" % (arm,)
        elif snap is not None and arm != snap.baseline and arm != snap.candidate:
            problem = "arm %r is neither %r nor %r" % (arm, snap.baseline, snap.candidate)
        elif (not isinstance(status, int) or isinstance(status, bool)
              or not (status == 0 or 100 <= status <= 599)):
            problem = "status must be 0 or 100..599, found %r" % (status,)
        elif not _finite_non_negative(latency_ms):
            problem = "latency_ms must be a finite number >= 0, found %r" % (latency_ms,)
        elif tokens is not None and (not isinstance(tokens, int) or isinstance(tokens, bool)
                                     or tokens < 0):
            problem = "tokens must be an integer >= 0, found %r" % (tokens,)
        elif ttft_ms is not None and not _finite_non_negative(ttft_ms):
            problem = "ttft_ms must be a finite number >= 0, found %r" % (ttft_ms,)
        elif mirror and arm != self._candidate_name():
            problem = "a mirrored copy must be recorded on the candidate, found %r" % (arm,)
        elif mirror and forced:
            problem = "a line is forced or mirrored, never both"
        if problem is not None:
            with self._lock:
                self._rejected_records += 1
            self._emit("record_rejected", {"reason": problem})
            return None
        line = "%s %d %s" % (arm, status, _decimal(latency_ms))
        if tokens is not None:
            line += " tokens=%d" % tokens
        if ttft_ms is not None:
            line += " ttft_ms=" + _decimal(ttft_ms)
        if mirror:
            line += " mirror=1"
        elif forced:
            line += " forced=1"
        return line

    def _note_outcome(self, arm: str, status: int) -> None:
        if self.breaker_threshold == 0:
            return
        if arm != self._candidate_name() or arm == self.baseline_arm():
            return
        settings = self.breaker_settings()
        error = self.is_error(status)
        now = self._clock()
        opened = False
        with self._lock:
            if self._breaker_until and now < self._breaker_until:
                return  # open: answers of requests routed before it opened do not count
            if error:
                self._consecutive_errors += 1
                if self._consecutive_errors >= settings.consecutive_errors:
                    self._consecutive_errors = 0
                    self._breaker_until = now + settings.open_seconds
                    self._breaker_trips += 1
                    self._unreported_trips += 1
                    opened = True
            else:
                self._consecutive_errors = 0
        if opened:
            self._emit("breaker_open", {
                "reason": "%d consecutive candidate errors" % settings.consecutive_errors,
                "open_seconds": settings.open_seconds,
                "cooldown_seconds": settings.open_seconds})

    def _close_breaker(self, until: float) -> None:
        with self._lock:
            if self._breaker_until != until:
                return  # another thread closed it first
            self._breaker_until = 0.0
            self._consecutive_errors = 0
        self._emit("breaker_closed", {"reason": "open for %s s" % self.breaker_settings().open_seconds})

    def _count_fallback(self) -> None:
        with self._lock:
            self._fallbacks += 1
            self._unreported_fallbacks += 1

    # -- internals: threads ---------------------------------------------------------------

    def _emit(self, kind: str, info: Dict[str, Any]) -> None:
        if kind in ("poll_failed", "weights_rejected", "send_failed", "batch_rejected"):
            with self._lock:
                self._last_error = "%s: %s" % (kind, info.get("reason"))
        if self._on_event is None:
            level = logging.INFO if kind in ("weights", "batch_sent") else logging.WARNING
            _log.log(level, "glidepath %s %s: %s", self.migration, kind, info)
            return
        try:
            self._on_event(kind, info)
        except Exception:  # the callback must never break the shim
            _log.exception("glidepath on_event callback raised")

    def _headers(self) -> Dict[str, str]:
        return {"Glidepath-Shim": self.shim_id, "User-Agent": "glidepath-shim-python/1"}

    def _connect(self) -> "_Servers":
        def switched(old: str, new: str) -> None:
            self._active_server = new
            self._emit("failover", {"from": old, "to": new})
        return _Servers(self.servers, self.timeout, time.monotonic, on_switch=switched, tls=self.tls_context)

    def _poll_loop(self) -> None:
        conn = self._connect()
        try:
            while not self._stopping.is_set():
                self._poll_once(conn)
                snap = self._snapshot
                period = snap.poll_after if snap is not None else self.poll_after
                self._stopping.wait(period * self._rng.uniform(0.9, 1.1))
        finally:
            conn.close()

    def _poll_once(self, conn: "_Servers") -> None:
        headers = self._headers()
        snap = self._snapshot
        if snap is not None and snap.etag:
            headers["If-None-Match"] = snap.etag
        try:
            status, hdrs, body = conn.request(
                "GET", "/v1/migrations/%s/weights" % self._quoted, None, headers)
        except Exception as e:  # unreachable, timeout, reset: fail static
            self._emit("poll_failed", {"reason": "controller unreachable: %s" % _describe(e)})
            return
        if status == 304:
            return
        if status != 200:
            reason = "controller answered %d" % status
            if status == 404:
                reason += " (unknown migration %r)" % self.migration
            self._emit("poll_failed", {"reason": reason, "status": status})
            return
        try:
            new = self._validate(body, hdrs.get("etag"), snap)
        except ValueError as e:
            self._emit("weights_rejected", {"reason": str(e)})
            return
        self._snapshot = new
        self._first_weights.set()
        if snap is None or snap.revision != new.revision:
            self._emit("weights", {"revision": new.revision, "state": new.state,
                                   "weights": dict(new.weights)})

    def _validate(self, body: bytes, etag: Optional[str],
                  old: Optional[WeightsSnapshot]) -> WeightsSnapshot:
        try:
            doc = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise ValueError("weights document is not JSON: %s" % e) from None
        if not isinstance(doc, dict):
            raise ValueError("weights document is not a JSON object")
        if "migration" in doc and doc["migration"] != self.migration:
            raise ValueError("weights document is for migration %r" % (doc["migration"],))
        baseline, candidate = doc.get("baseline"), doc.get("candidate")
        weights = doc.get("weights")
        revision: Any = doc.get("revision")
        if not isinstance(baseline, str) or not isinstance(candidate, str) or baseline == candidate:
            raise ValueError("baseline and candidate must be two different arm names")
        if self.baseline_hint is not None and baseline != self.baseline_hint:
            raise ValueError("unknown baseline arm %r (expected %r)" % (baseline, self.baseline_hint))
        if self.candidate_hint is not None and candidate != self.candidate_hint:
            raise ValueError("unknown candidate arm %r (expected %r)"
                             % (candidate, self.candidate_hint))
        if not isinstance(weights, dict) or set(weights) != {baseline, candidate}:
            raise ValueError("weights must name exactly the arms %r and %r, found %r"
                             % (baseline, candidate, weights))
        for arm, w in weights.items():
            if not _finite_non_negative(w) or w > 100:
                raise ValueError("weight of %r must be a number in 0..100, found %r" % (arm, w))
        total = weights[baseline] + weights[candidate]
        if abs(total - 100) > 0.01:
            raise ValueError("weights sum to %s, not 100" % total)
        if not _is_int(revision) or revision < 0:
            raise ValueError("revision must be a non-negative integer, found %r" % (revision,))
        if old is not None and revision < old.revision:
            raise ValueError("revision went backwards from %d to %d" % (old.revision, revision))
        # an older controller sends neither member: the defaults (and the user's breaker)
        error_statuses = (parse_error_statuses(doc["errorStatuses"]) if "errorStatuses" in doc
                          else DEFAULT_ERROR_STATUSES)
        breaker = parse_breaker(doc["breaker"]) if "breaker" in doc else None
        overrides = parse_overrides(doc["overrides"]) if "overrides" in doc else ()
        mirror: Any = doc.get("mirror", 0)
        if not _finite_non_negative(mirror) or mirror > 100:
            raise ValueError("mirror must be a percentage in 0..100, found %r" % (mirror,))
        poll_after: Any = doc.get("pollAfterSeconds")
        if not _finite_non_negative(poll_after) or poll_after <= 0:
            poll_after = self.poll_after
        state = doc.get("state") if isinstance(doc.get("state"), str) else "unknown"
        step = doc.get("step") if _is_int(doc.get("step")) else None
        return WeightsSnapshot(revision, str(state), step, baseline, candidate,
                               {baseline: weights[baseline], candidate: weights[candidate]},
                               float(poll_after), etag or '"%d"' % revision,
                               error_statuses=error_statuses, breaker=breaker, mirror=mirror,
                               overrides=overrides)

    def _send_loop(self) -> None:
        conn = self._connect()
        failures = 0
        next_attempt = 0.0  # monotonic time before which no batch is sent (backoff)
        last_send = time.monotonic()
        try:
            while True:
                with self._wake:
                    while not self._stopping.is_set():
                        now = time.monotonic()
                        n = len(self._buffer)
                        due = max(next_attempt,
                                  now if n >= self.batch_lines else last_send + self.batch_interval)
                        if n and now >= due:
                            break
                        self._wake.wait(max(due - now, 0.001) if n else self.batch_interval)
                    stopping = self._stopping.is_set()
                    if stopping:
                        if not self._flush_on_stop or not self._buffer:
                            return
                        if time.monotonic() >= self._stop_deadline:
                            return
                    count = min(len(self._buffer), self.batch_lines)
                    batch = [self._buffer.popleft() for _ in range(count)]
                last_send = time.monotonic()
                ok = self._post(conn, batch)
                if ok:
                    failures = 0
                    next_attempt = 0.0
                else:
                    failures += 1
                    delay = min(_BACKOFF_CAP, 0.5 * (2 ** min(failures - 1, 16)))
                    next_attempt = time.monotonic() + delay * self._rng.uniform(0.8, 1.0)
                    if stopping:
                        # one more try is pointless before the backoff: wait inside the deadline
                        wait = min(next_attempt, self._stop_deadline) - time.monotonic()
                        if wait > 0:
                            time.sleep(wait)
        finally:
            conn.close()

    def _post(self, conn: "_Servers", batch: List[str]) -> bool:
        """Send one batch. True when it is settled (accepted, or rejected for good)."""
        headers = self._headers()
        headers["Content-Type"] = "text/plain"
        if self.ingest_token:
            headers["Authorization"] = "Bearer " + self.ingest_token
        snap = self._snapshot
        if snap is not None:
            headers["Glidepath-Revision"] = str(snap.revision)
        with self._lock:  # counts since the last accepted batch, within the header's bound
            trips = min(self._unreported_trips, _MAX_REPORTED)
            fallbacks = min(self._unreported_fallbacks, _MAX_REPORTED)
        if trips:
            headers["Glidepath-Breaker-Trips"] = str(trips)
        if fallbacks:
            headers["Glidepath-Fallbacks"] = str(fallbacks)
        body = ("\n".join(batch) + "\n").encode("utf-8")
        path = "/v1/migrations/%s/observations" % self._quoted
        try:
            status, _, data = conn.request("POST", path, body, headers)
        except Exception as e:
            reason = "controller unreachable: %s" % _describe(e)
        else:
            if 200 <= status < 300:
                with self._lock:
                    self._sent += len(batch)
                    self._unreported_trips -= trips
                    self._unreported_fallbacks -= fallbacks
                self._emit("batch_sent", {"lines": len(batch)})
                return True
            if status in (400, 413):
                with self._lock:
                    self._rejected_batches += 1
                self._emit("batch_rejected", {"reason": "controller answered %d: %s"
                                              % (status, data[:300].decode("utf-8", "replace")),
                                              "lines": len(batch), "status": status})
                return True
            reason = "controller answered %d" % status
        self._requeue(batch)
        self._emit("send_failed", {"reason": reason, "lines": len(batch)})
        return False

    def _requeue(self, batch: List[str]) -> None:
        dropped = 0
        with self._lock:
            self._buffer.extendleft(reversed(batch))
            while len(self._buffer) > self.max_buffered_lines:
                self._buffer.popleft()
                dropped += 1
            self._dropped += dropped
            total = self._dropped
        if dropped:
            self._emit("dropped", {"dropped": total,
                                   "reason": "buffer full (%d lines)" % self.max_buffered_lines})


def _finite_non_negative(x: Any) -> bool:
    return (isinstance(x, (int, float)) and not isinstance(x, bool)
            and math.isfinite(x) and x >= 0)


def _decimal(x: float) -> str:
    if isinstance(x, int):
        return str(x)
    s = "%.3f" % x
    s = s.rstrip("0").rstrip(".")
    return s or "0"


def _json_type(x: Any) -> str:
    if x is None:
        return "null"
    if isinstance(x, bool):
        return "a boolean"
    if isinstance(x, (int, float)):
        return "a number"
    if isinstance(x, str):
        return "a string"
    if isinstance(x, list):
        return "an array"
    return "an object"


def _describe(e: BaseException) -> str:
    return "%s: %s" % (type(e).__name__, e) if str(e) else type(e).__name__
