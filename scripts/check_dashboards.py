#!/usr/bin/env python3
"""Structural check of the Grafana dashboards in dashboards/ (Python standard library only).

    python3 scripts/check_dashboards.py dashboards/*.json     # check the files, exit 1 on any problem
    python3 scripts/check_dashboards.py --self-test           # break a good dashboard a dozen ways, each caught

What "imports cleanly" means here, since Grafana itself is not in Debian and CI cannot import them:
  - the file is JSON, with a unique `uid`, a `title` and `schemaVersion` >= 39 (Grafana 10.4+);
  - a data source is chosen by a template variable of type `datasource` (query `prometheus`) or by a
    `${DS_...}` entry of `__inputs`, and every panel, target and annotation uses one of them;
  - a `migration` variable of type `query` fed by `label_values(<metric>, migration)`;
  - panel ids are unique (row panels and panels nested in collapsed rows included), every panel has a
    type Grafana ships and a gridPos inside the 24-column grid, and no two panels overlap;
  - every query target has a non-empty `expr` and a `refId` unique within its panel; every annotation
    query on Prometheus has an `expr`;
  - every `$var` / `${var}` / `[[var]]` used anywhere is a defined variable or one of Grafana's own.
The PromQL inside is checked against a real Prometheus by scripts/check_promql.py (scripts/e2e-alerts.sh).
"""

import copy
import json
import re
import sys

MIN_SCHEMA_VERSION = 39
GRID_COLUMNS = 24
PANEL_TYPES = {"row", "timeseries", "stat", "gauge", "bargauge", "table", "state-timeline", "status-history",
               "barchart", "heatmap", "histogram", "piechart", "text", "logs", "news", "dashlist", "alertlist",
               "annolist", "nodeGraph", "trend", "xychart", "candlestick", "canvas", "geomap", "flamegraph",
               "traces", "datagrid"}
BUILTIN_VARIABLES = {"__interval", "__interval_ms", "__rate_interval", "__rate_interval_ms", "__range",
                     "__range_s", "__range_ms", "__from", "__to", "__dashboard", "__org", "__user", "__name",
                     "__value", "__field", "__series", "__data", "__cell", "__all_variables", "__url_time_range",
                     "timeFilter", "__timeFilter", "__auto_interval", "__timezone"}
VARIABLE_RE = re.compile(r"\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]|\$([A-Za-z_][A-Za-z0-9_]*)")


def all_panels(panels):
    """Every panel, including those nested in collapsed rows."""
    for p in panels:
        yield p
        for inner in p.get("panels") or []:
            yield inner


def variables_used(value):
    """Names referenced as $name, ${name[:fmt]} or [[name]] in every string inside `value`."""
    if isinstance(value, str):
        for m in VARIABLE_RE.finditer(value):
            yield m.group(1) or m.group(2) or m.group(3)
    elif isinstance(value, dict):
        for k, v in value.items():
            if k not in ("description",):  # prose may mention $ amounts
                yield from variables_used(v)
    elif isinstance(value, list):
        for v in value:
            yield from variables_used(v)


def check(d, name):
    """The problems found in dashboard `d` (a parsed JSON object), each a sentence naming where."""
    problems = []
    err = problems.append
    if not isinstance(d, dict):
        return [f"{name}: the top level is not a JSON object"]
    for key, kind in (("uid", str), ("title", str), ("panels", list)):
        if not isinstance(d.get(key), kind) or not d.get(key):
            err(f"{name}: `{key}` missing or not a non-empty {kind.__name__}")
    sv = d.get("schemaVersion")
    if not isinstance(sv, int) or isinstance(sv, bool) or sv < MIN_SCHEMA_VERSION:
        err(f"{name}: schemaVersion {sv!r} is not an integer >= {MIN_SCHEMA_VERSION}")
    if isinstance(d.get("uid"), str) and not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", d["uid"]):
        err(f"{name}: uid {d['uid']!r} is not 1-40 of [A-Za-z0-9_-]")

    # Variables and data sources.
    templating = d.get("templating", {}).get("list", [])
    if not isinstance(templating, list):
        err(f"{name}: templating.list is not a list")
        templating = []
    defined = set()
    for i, v in enumerate(templating):
        vname = v.get("name") if isinstance(v, dict) else None
        if not vname:
            err(f"{name}: templating.list[{i}] has no name")
            continue
        if vname in defined:
            err(f"{name}: variable `{vname}` defined twice")
        defined.add(vname)
        if v.get("type") not in ("query", "datasource", "custom", "constant", "interval", "textbox", "adhoc"):
            err(f"{name}: variable `{vname}` has unknown type {v.get('type')!r}")
    inputs = {i.get("name") for i in d.get("__inputs", []) if isinstance(i, dict) and i.get("type") == "datasource"}
    ds_vars = {v["name"] for v in templating if isinstance(v, dict) and v.get("type") == "datasource"
               and v.get("query") == "prometheus"}
    allowed_ds = {"${%s}" % n for n in ds_vars | inputs} | {"$%s" % n for n in ds_vars | inputs}
    if not allowed_ds:
        err(f"{name}: no Prometheus data source variable (type datasource, query prometheus) and no ${{DS_...}} input")
    mig = [v for v in templating if isinstance(v, dict) and v.get("name") == "migration"]
    if not mig:
        err(f"{name}: no `migration` variable")
    else:
        m = mig[0]
        q = m.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        if m.get("type") != "query" or not isinstance(q, str) or not re.fullmatch(
                r"\s*label_values\(\s*[^,()]+(\{[^}]*\})?\s*,\s*migration\s*\)\s*", q):
            err(f"{name}: the `migration` variable is not a query variable of label_values(<metric>, migration)")
        if m.get("datasource", {}).get("uid") not in allowed_ds:
            err(f"{name}: the `migration` variable's datasource is not the data source variable")
    known = defined | BUILTIN_VARIABLES | inputs
    for used in sorted(set(variables_used({k: v for k, v in d.items() if k != "__inputs"}))):
        if used not in known:
            err(f"{name}: `${used}` is used but no variable defines it")

    def check_ds(where, ds):
        if not isinstance(ds, dict) or ds.get("type") != "prometheus" or ds.get("uid") not in allowed_ds:
            err(f"{where}: datasource {ds!r} is not the Prometheus data source variable")

    # Annotations.
    for i, a in enumerate(d.get("annotations", {}).get("list", [])):
        where = f"{name}: annotation {a.get('name', i)!r}"
        if a.get("builtIn"):
            continue
        check_ds(where, a.get("datasource"))
        if not isinstance(a.get("expr"), str) or not a["expr"].strip():
            err(f"{where}: no expr")
        if not a.get("name"):
            err(f"{where}: no name")

    # Panels.
    ids = {}
    rects = []
    for p in all_panels(d.get("panels") or []):
        if not isinstance(p, dict):
            err(f"{name}: a panel is not an object")
            continue
        title = p.get("title", "?")
        where = f"{name}: panel {p.get('id')!r} {title!r}"
        pid = p.get("id")
        if not isinstance(pid, int) or isinstance(pid, bool):
            err(f"{where}: id is not an integer")
        elif pid in ids:
            err(f"{where}: id {pid} also used by {ids[pid]!r}")
        else:
            ids[pid] = title
        if p.get("type") not in PANEL_TYPES:
            err(f"{where}: unknown panel type {p.get('type')!r}")
        if not title or title == "?":
            err(f"{where}: no title")
        g = p.get("gridPos")
        if not isinstance(g, dict) or not all(isinstance(g.get(k), int) and not isinstance(g.get(k), bool)
                                              for k in "xywh"):
            err(f"{where}: gridPos needs integer x, y, w, h")
        elif g["x"] < 0 or g["y"] < 0 or g["w"] < 1 or g["h"] < 1 or g["x"] + g["w"] > GRID_COLUMNS:
            err(f"{where}: gridPos {g} is outside the {GRID_COLUMNS}-column grid")
        else:
            rects.append((g["x"], g["y"], g["w"], g["h"], where))
        if p.get("type") == "row":
            if p.get("targets"):
                err(f"{where}: a row has targets")
            continue
        check_ds(where, p.get("datasource"))
        targets = p.get("targets")
        if p.get("type") != "text" and (not isinstance(targets, list) or not targets):
            err(f"{where}: no targets")
            continue
        refs = set()
        for j, t in enumerate(targets or []):
            tw = f"{where} target {j}"
            if not isinstance(t.get("expr"), str) or not t["expr"].strip():
                err(f"{tw}: no expr")
            ref = t.get("refId")
            if not isinstance(ref, str) or not ref:
                err(f"{tw}: no refId")
            elif ref in refs:
                err(f"{tw}: refId {ref} used twice in the panel")
            refs.add(ref)
            if "datasource" in t:
                check_ds(tw, t["datasource"])
    for i in range(len(rects)):
        x1, y1, w1, h1, a = rects[i]
        for j in range(i + 1, len(rects)):
            x2, y2, w2, h2, b = rects[j]
            if x1 < x2 + w2 and x2 < x1 + w1 and y1 < y2 + h2 and y2 < y1 + h1:
                err(f"{a} overlaps {b.split(': ', 1)[1]}")
    return problems


def check_files(paths):
    problems, uids = [], {}
    for path in paths:
        try:
            with open(path, encoding="utf-8") as f:
                d = json.load(f)
        except (OSError, ValueError) as e:
            problems.append(f"{path}: does not parse as JSON: {e}")
            continue
        found = check(d, path)
        problems += found
        uid = d.get("uid") if isinstance(d, dict) else None
        if uid in uids:
            problems.append(f"{path}: uid {uid!r} also used by {uids[uid]}")
        uids[uid] = path
        panels = sum(1 for p in all_panels(d.get("panels") or []) if p.get("type") != "row") if isinstance(d, dict) else 0
        targets = sum(len(p.get("targets") or []) for p in all_panels(d.get("panels") or [])) if isinstance(d, dict) else 0
        print(f"{path}: {'ok' if not found else 'FAILED'} ({panels} panels, {targets} queries, "
              f"schemaVersion {d.get('schemaVersion') if isinstance(d, dict) else '?'})")
    return problems


def self_test():
    """Each way of breaking a valid dashboard must be reported; the valid one must pass."""
    good = {
        "uid": "t", "title": "t", "schemaVersion": 39,
        "templating": {"list": [
            {"name": "datasource", "type": "datasource", "query": "prometheus"},
            {"name": "migration", "type": "query", "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "query": {"query": "label_values(glidepath_revision, migration)", "refId": "A"}}]},
        "annotations": {"list": [{"name": "Decisions", "expr": "glidepath_decisions_total",
                                  "datasource": {"type": "prometheus", "uid": "${datasource}"}}]},
        "panels": [
            {"id": 1, "type": "row", "title": "r", "gridPos": {"x": 0, "y": 0, "w": 24, "h": 1}, "panels": []},
            {"id": 2, "type": "timeseries", "title": "a", "gridPos": {"x": 0, "y": 1, "w": 12, "h": 8},
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "targets": [{"refId": "A", "expr": 'rate(x{migration="$migration"}[$__rate_interval])'}]},
            {"id": 3, "type": "stat", "title": "b", "gridPos": {"x": 12, "y": 1, "w": 12, "h": 8},
             "datasource": {"type": "prometheus", "uid": "${datasource}"},
             "targets": [{"refId": "A", "expr": "y"}, {"refId": "B", "expr": "z"}]}]}

    def mutate(f):
        d = copy.deepcopy(good)
        f(d)
        return d

    cases = {
        "schemaVersion 27": lambda d: d.update(schemaVersion=27),
        "duplicate panel id": lambda d: d["panels"][2].update(id=2),
        "overlapping gridPos": lambda d: d["panels"][2]["gridPos"].update(x=6),
        "outside the grid": lambda d: d["panels"][2]["gridPos"].update(w=13),
        "target without refId": lambda d: d["panels"][1]["targets"][0].pop("refId"),
        "target without expr": lambda d: d["panels"][2]["targets"][1].update(expr=""),
        "duplicate refId": lambda d: d["panels"][2]["targets"][1].update(refId="A"),
        "undefined variable": lambda d: d["panels"][1]["targets"][0].update(expr='x{arm="$arm"}'),
        "no migration variable": lambda d: d["templating"]["list"].pop(1),
        "hard-coded data source": lambda d: d["panels"][1].update(datasource={"type": "prometheus", "uid": "abc"}),
        "annotation without expr": lambda d: d["annotations"]["list"][0].pop("expr"),
        "unknown panel type": lambda d: d["panels"][1].update(type="graph-old"),
    }
    failures = []
    if check(good, "good"):
        failures.append(f"the valid dashboard fails: {check(good, 'good')}")
    for label, f in cases.items():
        found = check(mutate(f), label)
        print(f"self-test: {label}: {'caught: ' + found[0] if found else 'MISSED'}")
        if not found:
            failures.append(f"{label} was not reported")
    return failures


def main(argv):
    if argv[1:] == ["--self-test"]:
        problems = self_test()
    elif len(argv) > 1:
        problems = check_files(argv[1:])
    else:
        print(__doc__.strip().split("\n\n")[1])
        return 2
    for p in problems:
        print(f"  problem: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
