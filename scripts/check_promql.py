#!/usr/bin/env python3
"""Evaluates every PromQL expression of the dashboards and of the loaded rule files in a real Prometheus
(its HTTP API), as Grafana and the rule manager would (Python standard library only).

    python3 scripts/check_promql.py --prometheus http://127.0.0.1:9090 --migration NAME \
        [--rules dashboards/alerts.yml] [--range 5m] [--interval 5s] [--rate-interval 30s] \
        [--expect 'glidepath-migration/Rollbacks (1 day)=1'] dashboards/*.json

Dashboards: every panel target, every annotation query and every variable query. `$migration` becomes
NAME (`.+`-style regex values stay as they are: `=~"NAME"` matches it), `$__rate_interval`, `$__interval`
and `$__range` the given durations; any other `$variable` is a failure. Range targets (the timeseries
panels) run as /api/v1/query_range over the last --range at --interval steps, instant targets (stat, table)
as /api/v1/query, `label_values(metric, label)` as /api/v1/label/<label>/values?match[]=metric (it must list
NAME). Every expression must answer `success`; the main panels (MAIN below) must return at least one finite
value for every target, and the per-arm ones a series for two arms.

Rules: every rule Prometheus loaded (/api/v1/rules) must be healthy with no evaluation error, its
expression must evaluate, and each --rules file must have as many rules loaded as it defines.
--expect 'uid/Panel title=VALUE' evaluates that panel's first target now and wants VALUE from every
series it returns (at least one). Exit status 1 when anything fails; one line per expression either way.
"""

import argparse
import json
import math
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

# The panels that must show data once a migration has had traffic (issue 10: weights, request rate, error
# rate, p99, TTFT), plus the evidence, the state and the overview's table. `True`: both arms must appear.
MAIN = {
    "glidepath-migration": {
        "Weights per arm (%)": True,
        "Requests per second per arm and class": True,
        "Error rate per arm": True,
        "p99 latency per arm": True,
        "Time to first token per arm (p50 / p90 / p99)": True,
        "Evidence against its threshold (log scale)": False,
        "State": False,
        "Candidate weight": False,
        "Rollbacks (1 day)": False,
        "Requests per second by status code per arm (429 highlighted)": True,
        "Cost per request per arm": False,
    },
    "glidepath-overview": {
        "Migrations": False,
        "Candidate weight (%)": False,
        "State": False,
        "Rollbacks in the last day": False,
        "Time in step": False,
    },
}

DURATION_RE = re.compile(r"^(\d+)(ms|s|m|h|d)$")
VAR_RE = re.compile(r"\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)\]\]|\$([A-Za-z_][A-Za-z0-9_]*)")


def seconds(d):
    m = DURATION_RE.match(d)
    if not m:
        raise SystemExit(f"bad duration {d!r} (want e.g. 30s, 5m)")
    return int(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


class Prometheus:
    def __init__(self, base):
        self.base = base.rstrip("/")

    def call(self, path, params):
        data = urllib.parse.urlencode(params, doseq=True).encode()
        req = urllib.request.Request(self.base + path, data=data,
                                     headers={"Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=20) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:  # 400/422 carry the parse or execution error as JSON
            try:
                return json.loads(e.read())
            except ValueError:
                return {"status": "error", "error": f"HTTP {e.code}"}
        except (urllib.error.URLError, OSError, ValueError) as e:
            return {"status": "error", "error": f"{type(e).__name__}: {e}"}

    def get(self, path, params=None):
        url = self.base + path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
        try:
            with urllib.request.urlopen(url, timeout=20) as r:
                return json.loads(r.read())
        except urllib.error.HTTPError as e:
            try:
                return json.loads(e.read())
            except ValueError:
                return {"status": "error", "error": f"HTTP {e.code}"}
        except (urllib.error.URLError, OSError, ValueError) as e:
            return {"status": "error", "error": f"{type(e).__name__}: {e}"}


def finite_values(result):
    """(series count, series with a finite value, label sets) of a query or query_range answer."""
    data = result.get("data", {})
    rtype, rows = data.get("resultType"), data.get("result")
    if rtype == "scalar":
        return 1, (1 if math.isfinite(float(rows[1])) else 0), [{}]
    if not isinstance(rows, list):
        return 0, 0, []
    with_data, labels = 0, []
    for row in rows:
        values = row.get("values") or ([row["value"]] if "value" in row else [])
        if any(math.isfinite(float(v[1])) for v in values):
            with_data += 1
            labels.append(row.get("metric", {}))
    return len(rows), with_data, labels


class Checker:
    def __init__(self, args):
        self.prom = Prometheus(args.prometheus)
        self.migration = args.migration
        self.now = time.time()
        self.range_s = seconds(args.range)
        self.step_s = max(1, seconds(args.interval))
        self.subst = {"migration": args.migration, "__rate_interval": args.rate_interval,
                      "__interval": args.interval, "__range": args.range,
                      "__range_s": str(int(self.range_s)), "__interval_ms": str(int(self.step_s * 1000))}
        self.failures = []
        self.count = 0

    def fail(self, where, why):
        self.failures.append(f"{where}: {why}")
        print(f"FAIL  {where}: {why}")

    def substitute(self, text, where):
        unknown = []

        def rep(m):
            name = m.group(1) or m.group(2) or m.group(3)
            if name in self.subst:
                return self.subst[name]
            unknown.append(name)
            return m.group(0)
        out = VAR_RE.sub(rep, text)
        if unknown:
            self.fail(where, f"unknown variable(s) {sorted(set(unknown))} in {text!r}")
            return None
        return out

    def evaluate(self, expr, instant):
        if instant:
            return self.prom.call("/api/v1/query", {"query": expr, "time": f"{self.now:.3f}"})
        return self.prom.call("/api/v1/query_range", {"query": expr, "start": f"{self.now - self.range_s:.3f}",
                                                      "end": f"{self.now:.3f}", "step": str(self.step_s)})

    def query(self, where, raw, instant, need_data=False, need_arms=False):
        self.count += 1
        expr = self.substitute(raw, where)
        if expr is None:
            return None
        r = self.evaluate(expr, instant)
        if r.get("status") != "success":
            self.fail(where, f"{r.get('errorType', 'error')}: {r.get('error')} in {expr!r}")
            return None
        n, with_data, labels = finite_values(r)
        arms = sorted({m.get("arm") for m in labels if m.get("arm")})
        if need_data and with_data == 0:
            self.fail(where, f"no data ({n} series, none with a finite value) for {expr!r}")
        elif need_arms and len(arms) < 2:
            self.fail(where, f"data for arms {arms}, want both arms, for {expr!r}")
        else:
            note = f"{with_data}/{n} series with data" + (f", arms {arms}" if arms else "")
            print(f"ok    {where} ({'instant' if instant else 'range'}; {note})")
        return r

    def dashboard(self, path):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        uid = d.get("uid", path)
        main = MAIN.get(uid, {})
        seen = set()
        for v in d.get("templating", {}).get("list", []):
            if v.get("type") != "query":
                continue
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            where = f"{uid} variable ${v.get('name')}"
            m = re.fullmatch(r"\s*label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*", q or "")
            if m:
                match = self.substitute(m.group(1), where)
                if match is None:
                    continue
                self.query(where + " (selector)", match, instant=True, need_data=True)
                r = self.prom.get(f"/api/v1/label/{m.group(2)}/values", {"match[]": match})
                values = r.get("data") or []
                if r.get("status") != "success" or self.migration not in values:
                    self.fail(where, f"label values {values} ({r.get('error', '')}) lack {self.migration!r}")
                else:
                    print(f"ok    {where}: label_values lists {len(values)} value(s), {self.migration!r} among them")
            else:
                m = re.fullmatch(r"\s*query_result\((.*)\)\s*", q or "")
                self.query(where, m.group(1) if m else q, instant=True)
        for a in d.get("annotations", {}).get("list", []):
            if a.get("builtIn") or not a.get("expr"):
                continue
            self.query(f"{uid} annotation {a.get('name')!r}", a["expr"], instant=False)

        def panels(ps):
            for p in ps:
                yield p
                yield from panels(p.get("panels") or [])
        for p in panels(d.get("panels", [])):
            title = p.get("title", "")
            is_main = title in main
            if is_main:
                seen.add(title)
            for t in p.get("targets") or []:
                if not t.get("expr"):
                    continue
                instant = bool(t.get("instant")) and not t.get("range", False)
                self.query(f"{uid} panel {title!r} {t.get('refId')}", t["expr"], instant,
                           need_data=is_main, need_arms=is_main and main[title] and "arm" in t.get("legendFormat", ""))
        for title in sorted(set(main) - seen):
            self.fail(f"{uid} panel {title!r}", "a main panel this check wants is not in the dashboard")
        return d

    def expect(self, dashboards, spec):
        m = re.fullmatch(r"([^/]+)/(.+)=(-?[0-9.]+)", spec)
        if not m:
            raise SystemExit(f"bad --expect {spec!r} (want 'uid/Panel title=VALUE')")
        uid, title, want = m.group(1), m.group(2), float(m.group(3))
        where = f"expect {uid} panel {title!r} = {m.group(3)}"
        panel = next((p for d in dashboards if d.get("uid") == uid for p in d.get("panels", [])
                      if p.get("title") == title and p.get("targets")), None)
        if panel is None:
            self.fail(where, "no such panel")
            return
        expr = self.substitute(panel["targets"][0]["expr"], where)
        r = self.evaluate(expr, instant=True) if expr else {}
        rows = r.get("data", {}).get("result") or []
        got = [float(row["value"][1]) for row in rows if "value" in row]
        if r.get("status") != "success" or not got or any(abs(g - want) > 1e-9 for g in got):
            self.fail(where, f"got {got} ({r.get('error', 'ok')}) from {expr!r}")
        else:
            print(f"ok    {where} (got {got})")

    def rules(self, files):
        r = self.prom.get("/api/v1/rules")
        if r.get("status") != "success":
            self.fail("rules", f"/api/v1/rules: {r.get('error')}")
            return
        loaded = {}
        for g in r["data"]["groups"]:
            for rule in g.get("rules", []):
                name = rule.get("name")
                where = f"rule {name} ({g.get('file')})"
                loaded[g.get("file")] = loaded.get(g.get("file"), 0) + 1
                if rule.get("health") != "ok" or rule.get("lastError"):
                    self.fail(where, f"health {rule.get('health')!r}, last error {rule.get('lastError')!r}")
                self.query(where, rule.get("query", ""), instant=True)
        for path in files:
            with open(path, encoding="utf-8") as f:
                defined = len(re.findall(r"(?m)^\s*-\s*(?:alert|record):", f.read()))
            n = sum(c for file, c in loaded.items() if file and (file == path or file.endswith("/" + path.lstrip("./"))))
            if n != defined:
                self.fail(f"rules {path}", f"{defined} rules defined, {n} loaded by Prometheus")
            else:
                print(f"ok    rules {path}: all {n} loaded and healthy")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--prometheus", required=True)
    ap.add_argument("--migration", required=True)
    ap.add_argument("--rules", action="append", default=[])
    ap.add_argument("--range", default="5m")
    ap.add_argument("--interval", default="5s")
    ap.add_argument("--rate-interval", default="30s")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("dashboards", nargs="+")
    args = ap.parse_args()
    c = Checker(args)
    c.rules(args.rules)
    dashboards = [c.dashboard(path) for path in args.dashboards]
    for spec in args.expect:
        c.expect(dashboards, spec)
    print(f"check_promql: {c.count} expressions evaluated, {len(c.failures)} failure(s)")
    for f in c.failures:
        print(f"  failure: {f}")
    return 1 if c.failures else 0


if __name__ == "__main__":
    sys.exit(main())
