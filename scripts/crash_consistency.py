#!/usr/bin/env python3
"""Crash consistency of the real controller: kill -9 at random moments during a fast ramp, restart on
the same database, and check after every restart that nothing committed was lost, changed or reused.

    python3 scripts/crash_consistency.py --bin .build/release/glidepath --work DIR [--kills 50] [--seed N]

(scripts/crash-consistency.sh BINARY [KILLS] runs it with a temporary DIR.) Standard library only,
127.0.0.1 only; the controller is the only process started, and it is stopped by PID.

While it runs:
  * three migrations with a 1 s interval and 1-2 s bakes ramp on their own: cc-healthy (healthy
    candidate), cc-flaky (a candidate that fails 100 % in bursts: judge rollbacks) and cc-gated (a
    manual gate);
  * a sender posts observations for every migration every 0.2 s over keep-alive connections;
  * a poller reads GET /weights of every migration every 50 ms and logs each (revision, state, step,
    weights) it sees (DIR/polls.log);
  * an operator acts at random every 0.3-1.2 s: pause, resume, rollback, advance, and restart (mostly
    after a promotion or rollback, to keep the ramps going); every 200 answer is an acknowledged write.
Each round the controller runs 0.1-4 s (sometimes it is killed while starting), the decisions and status
of every migration are read just before the kill, the process gets SIGKILL, PRAGMA integrity_check runs on
the database, and the controller restarts on it. Checks (each reported once over all rounds):
  integrity          PRAGMA integrity_check = ok after every kill
  restart            the controller comes back on the same database every time
  decisions-kept     every decision seen before a kill is still there, unchanged (no loss)
  decisions-order    revisions in the audit log strictly increase, no duplicate revision, no decision
                     written twice (two neighbours identical but for revision and time)
  state-is-last      the state after restart (revision, step, weights, state) is the last committed decision's
  evidence-continues same revision across the kill: the step start is kept and the step's request counts
                     do not go down (beyond what may not have been persisted yet: one interval's traffic)
  revisions          the poller never saw a revision go down, nor one revision with two different documents
  acked-durable      every operator action answered 200 is in the audit log after every later restart
  exercised          the run moved: judge advances, promotions and judge rollbacks all happened
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime

ADMIN = "cc-admin-token"
INGEST = "cc-ingest-token"
BASE, CAND = "base", "cand"
MIGRATIONS = {
    "cc-healthy": [{"weight": 5, "bake": "1s"}, {"weight": 20, "bake": "2s"}, {"weight": 50, "bake": "1s"},
                   {"weight": 100, "bake": "1s"}],
    "cc-flaky": [{"weight": 10, "bake": "1s"}, {"weight": 50, "bake": "2s"}, {"weight": 100, "bake": "1s"}],
    "cc-gated": [{"weight": 10, "bake": "1s"}, {"weight": 50, "bake": "1s", "gate": "manual"},
                 {"weight": 100, "bake": "1s"}],
}
STATE_AFTER = {"rollback": "rolled_back", "promote": "promoted", "pause": "paused", "restart": "ramping"}
LINES_PER_POST = 200          # per arm, every 0.2 s: 1,000 requests/s per arm and migration
INTERVAL_TRAFFIC = 1000       # requests per arm in one 1 s interval (the unpersisted allowance)


def iso_ms(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def body_of(candidate_status, n, seed):
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        bs = 503 if rnd.random() < 0.01 else 200
        cs = candidate_status if candidate_status != 200 else (503 if rnd.random() < 0.01 else 200)
        out.append(f"{BASE} {bs} {rnd.uniform(80, 140):.1f}\n{CAND} {cs} {rnd.uniform(80, 140):.1f}\n")
    return "".join(out).encode()


class Client:
    """A keep-alive HTTP client that reconnects after any error (the controller comes and goes)."""

    def __init__(self, port, timeout=3.0):
        self.port, self.timeout, self.conn = port, timeout, None

    def request(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                return r.status, data
            except (OSError, http.client.HTTPException):
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                if attempt == 1 or method != "GET":
                    return None, b""
        return None, b""

    def json(self, path, admin=False):
        code, data = self.request("GET", path, headers={"Authorization": f"Bearer {ADMIN}"} if admin else {})
        if code != 200:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return None


class Run:
    def __init__(self, args):
        self.args = args
        self.rnd = random.Random(args.seed)
        self.work = args.work
        self.db = os.path.join(self.work, "glidepath.db")
        self.policies = os.path.join(self.work, "policies")
        self.port = self.free_port()
        self.proc = None
        self.epoch = 0
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.failures = {}      # check -> [messages]
        self.counts = {}        # check -> how many times it was checked
        self.polls = 0
        self.seen = {m: {} for m in MIGRATIONS}      # revision -> document key
        self.last_rev = {m: 0 for m in MIGRATIONS}
        self.acked = []         # (migration, decision dict) acknowledged with 200
        self.posted_lines = 0
        self.actions = {}
        self.poll_log = open(os.path.join(self.work, "polls.log"), "w")
        self.flaky_failing = False

    @staticmethod
    def free_port():
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        return port

    # ----------------------------------------------------------------------------- bookkeeping
    def checked(self, name, ok, message=""):
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + 1
            if not ok:
                self.failures.setdefault(name, []).append(message)
                print(f"   ! {name}: {message}", flush=True)

    # ----------------------------------------------------------------------------- controller
    def start(self):
        env = dict(os.environ, GLIDEPATH_ADMIN_TOKEN=ADMIN, GLIDEPATH_INGEST_TOKEN=INGEST)
        log = open(os.path.join(self.work, "server.log"), "ab")
        self.proc = subprocess.Popen([self.args.bin, "serve", "--listen", f"127.0.0.1:{self.port}", "--db", self.db,
                                      "--policies", self.policies], stdout=log, stderr=log, env=env)
        log.close()
        self.epoch += 1

    def wait_healthy(self, timeout=15.0):
        deadline = time.monotonic() + timeout
        c = Client(self.port, timeout=1.0)
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            code, _ = c.request("GET", "/healthz")
            if code == 200:
                return True
            time.sleep(0.05)
        return False

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        if self.proc:
            self.proc.wait()

    def terminate(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGKILL)
                self.proc.wait()

    # ----------------------------------------------------------------------------- workers
    def sender(self):
        c = Client(self.port)
        healthy = [body_of(200, LINES_PER_POST, s) for s in range(4)]
        failing = body_of(503, LINES_PER_POST, 99)
        headers = {"Authorization": f"Bearer {INGEST}", "Content-Type": "text/plain"}
        rnd = random.Random(self.args.seed + 1)
        phase_until = time.monotonic() + rnd.uniform(2, 5)
        i = 0
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= phase_until:   # cc-flaky: healthy for 2-5 s, then failing for 1.5-3 s
                self.flaky_failing = not self.flaky_failing
                phase_until = now + (rnd.uniform(1.5, 3) if self.flaky_failing else rnd.uniform(2, 5))
            for m in MIGRATIONS:
                body = failing if (m == "cc-flaky" and self.flaky_failing) else healthy[i % 4]
                code, _ = c.request("POST", f"/v1/migrations/{m}/observations", body, headers)
                if code == 202:
                    self.posted_lines += 2 * LINES_PER_POST
            i += 1
            self.stop.wait(0.2)

    def poller(self):
        c = Client(self.port, timeout=1.0)
        while not self.stop.is_set():
            for m in MIGRATIONS:
                code, data = c.request("GET", f"/v1/migrations/{m}/weights")
                if code != 200:
                    continue
                doc = json.loads(data)
                key = (doc["state"], doc["step"], tuple(sorted(doc["weights"].items())))
                rev = doc["revision"]
                self.polls += 1
                self.poll_log.write(f"{time.time():.3f} epoch={self.epoch} {m} rev={rev} {key[0]} step={key[1]} "
                                    f"{dict(key[2])}\n")
                with self.lock:
                    if rev < self.last_rev[m]:
                        self.failures.setdefault("revisions", []).append(
                            f"{m}: revision went down from {self.last_rev[m]} to {rev} (epoch {self.epoch})")
                    self.last_rev[m] = max(self.last_rev[m], rev)
                    old = self.seen[m].get(rev)
                    if old is None:
                        self.seen[m][rev] = key
                    elif old != key:
                        self.failures.setdefault("revisions", []).append(
                            f"{m}: revision {rev} served as {old} and as {key} (epoch {self.epoch})")
                        self.seen[m][rev] = key
            self.stop.wait(0.05)

    def operator(self):
        c = Client(self.port)
        rnd = random.Random(self.args.seed + 2)
        headers = {"Authorization": f"Bearer {ADMIN}", "Content-Type": "application/json"}
        n = 0
        while not self.stop.is_set():
            self.stop.wait(rnd.uniform(0.3, 1.2))
            m = rnd.choice(list(MIGRATIONS))
            code, data = c.request("GET", f"/v1/migrations/{m}/weights")
            state = json.loads(data)["state"] if code == 200 else None
            if state in ("promoted", "rolled_back") and rnd.random() < 0.8:
                action = "restart"
            elif m == "cc-healthy" and state == "ramping" and rnd.random() < 0.8:
                continue   # mostly left alone, so that it reaches promotion even in a short run
            elif state in ("waiting", "paused") and rnd.random() < 0.7:
                action = "resume"
            else:
                action = rnd.choices(["pause", "resume", "rollback", "advance", "restart"], [3, 3, 1, 1, 1])[0]
            n += 1
            body = json.dumps({"reason": f"crash-consistency operator #{n}"}).encode()
            code, data = c.request("POST", f"/v1/migrations/{m}/{action}", body, headers)
            key = f"{action} {code}"
            self.actions[key] = self.actions.get(key, 0) + 1
            if code == 200:
                try:
                    decision = json.loads(data).get("lastDecision")
                except ValueError:
                    decision = None
                if decision:
                    with self.lock:
                        self.acked.append((m, decision))

    # ----------------------------------------------------------------------------- snapshots
    def snapshot(self, c):
        """{migration: (decisions newest first, status)}: or None when the controller did not answer."""
        out = {}
        for m in MIGRATIONS:
            ds = c.json(f"/v1/migrations/{m}/decisions?limit=1000", admin=True)
            st = c.json(f"/v1/migrations/{m}")
            if ds is None or st is None:
                return None
            out[m] = (ds, st)
        return out

    def consistent_snapshot(self, c, tries=40):
        """A snapshot whose status matches its newest decision's revision (the loop did not commit between
        the two reads); read twice to be sure."""
        for _ in range(tries):
            a = self.snapshot(c)
            if a is None:
                time.sleep(0.05)
                continue
            if all(ds and ds[0]["revision"] == st["revision"] for ds, st in a.values()):
                b = self.snapshot(c)
                if b is not None and all(b[m][1]["revision"] == a[m][1]["revision"] for m in MIGRATIONS):
                    return a
        return self.snapshot(c)

    # ----------------------------------------------------------------------------- checks
    def integrity(self, k):
        try:
            con = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=5)
            result = con.execute("PRAGMA integrity_check").fetchall()
            con.close()
            ok = result == [("ok",)]
            self.checked("integrity", ok, f"kill {k}: integrity_check = {result[:3]}")
        except sqlite3.Error as e:
            self.checked("integrity", False, f"kill {k}: {e}")

    def compare(self, k, before, after, downtime, acked_count):
        for m in MIGRATIONS:
            ds_a, st_a = after[m]
            by_rev = {d["revision"]: d for d in ds_a}
            # decisions-order
            revs = [d["revision"] for d in ds_a]
            self.checked("decisions-order", all(x > y for x, y in zip(revs, revs[1:])),
                         f"kill {k}: {m}: revisions not strictly decreasing newest-first: {revs[:12]}")
            # a decision written twice (under two revisions) shows as two identical neighbours
            def what(d):
                return (d["action"], d["fromStep"], d["toStep"], json.dumps(d["weights"], sort_keys=True),
                        d["actor"], d["reason"])
            twins = [(x["revision"], y["revision"]) for x, y in zip(ds_a, ds_a[1:]) if what(x) == what(y)]
            self.checked("decisions-order", not twins, f"kill {k}: {m}: the same decision twice, revisions {twins[:3]}")
            # decisions-kept
            if before is not None:
                ds_b, st_b = before[m]
                lost = [d["revision"] for d in ds_b if d["revision"] not in by_rev and
                        (len(ds_a) < 1000 or d["revision"] >= ds_a[-1]["revision"])]
                changed = [d["revision"] for d in ds_b if d["revision"] in by_rev and by_rev[d["revision"]] != d]
                self.checked("decisions-kept", not lost and not changed,
                             f"kill {k}: {m}: lost revisions {lost[:5]}, changed {changed[:5]}"
                             + (f" e.g. before {ds_b[0]} after {by_rev.get(changed[0])}" if changed else ""))
                self.checked("revisions", st_a["revision"] >= st_b["revision"],
                             f"kill {k}: {m}: revision {st_b['revision']} before the kill, {st_a['revision']} after")
            # state-is-last
            last = ds_a[0] if ds_a else None
            if last is None:
                self.checked("state-is-last", False, f"kill {k}: {m}: no decision at all after restart")
            else:
                want_state = STATE_AFTER.get(last["action"])
                problems = []
                if st_a["revision"] != last["revision"]:
                    problems.append(f"revision {st_a['revision']} vs decision {last['revision']}")
                if st_a["step"] != last["toStep"]:
                    problems.append(f"step {st_a['step']} vs decision toStep {last['toStep']}")
                if st_a["weights"] != last["weights"]:
                    problems.append(f"weights {st_a['weights']} vs decision {last['weights']}")
                if want_state and st_a["state"] != want_state:
                    problems.append(f"state {st_a['state']} after a {last['action']}")
                self.checked("state-is-last", not problems, f"kill {k}: {m}: " + "; ".join(problems))
            # evidence-continues
            if before is not None:
                ds_b, st_b = before[m]
                if st_a["revision"] == st_b["revision"] and st_b["state"] not in ("promoted", "rolled_back"):
                    problems = []
                    t_b, t_a = iso_ms(st_b["stepStartedAt"]), iso_ms(st_a["stepStartedAt"])
                    if not (t_b - 0.001 <= t_a <= t_b + downtime + 1.0):
                        problems.append(f"stepStartedAt {st_b['stepStartedAt']} -> {st_a['stepStartedAt']}")
                    for arm in (BASE, CAND):
                        nb = st_b["stepCounts"][arm]["requests"]
                        na = st_a["stepCounts"][arm]["requests"]
                        if na < nb:
                            if na >= nb - INTERVAL_TRAFFIC * 1.5:
                                self.counts["evidence-unpersisted-allowance"] = \
                                    self.counts.get("evidence-unpersisted-allowance", 0) + 1
                            else:
                                problems.append(f"{arm} step requests {nb} -> {na}")
                    self.checked("evidence-continues", not problems, f"kill {k}: {m}: " + "; ".join(problems))
        # acked-durable: every operator action answered 200 before the snapshot `after` was begun
        with self.lock:
            acked = list(self.acked[:acked_count])
        for m, d in acked:
            ds_a = after[m][0]
            if len(ds_a) >= 1000 and d["revision"] < ds_a[-1]["revision"]:
                continue
            match = [x for x in ds_a if x["revision"] == d["revision"]]
            self.checked("acked-durable", len(match) == 1 and match[0] == d,
                         f"kill {k}: {m}: operator {d['action']} acknowledged at revision {d['revision']} "
                         f"is {'missing' if not match else 'changed: ' + json.dumps(match[0])[:200]}")

    # ----------------------------------------------------------------------------- main
    def write_policies(self):
        os.makedirs(self.policies, exist_ok=True)
        for m, steps in MIGRATIONS.items():
            with open(os.path.join(self.policies, f"{m}.json"), "w") as f:
                json.dump({"migration": m, "baseline": BASE, "candidate": CAND, "interval": "1s", "pollAfter": "1s",
                           "steps": steps, "minRequests": 20}, f)

    def run(self):
        kills = self.args.kills
        print(f"crash consistency: {kills} kill -9, seed {self.args.seed}, port {self.port}, work {self.work}", flush=True)
        self.write_policies()
        self.start()
        if not self.wait_healthy():
            print("FAIL restart: the controller did not start")
            return 1
        c = Client(self.port)
        after = self.consistent_snapshot(c)
        workers = [threading.Thread(target=f, daemon=True) for f in (self.sender, self.poller, self.operator)]
        for w in workers:
            w.start()
        started = time.monotonic()
        killed_while_starting = 0
        # Kill intervals are random: a short-drawn run (10 kills in 7 s) gives the judge no time to decide
        # anything, so keep killing past `kills` until the run has lasted 2 s per kill (at most 3 × kills).
        min_seconds = 2.0 * kills
        k = 0
        while k < kills or (time.monotonic() - started < min_seconds and k < 3 * kills):
            k += 1
            before = after
            early = self.rnd.random() < 0.1
            if early:
                # Kill while the controller is starting (restoring, applying policies, first round).
                time.sleep(self.rnd.uniform(0.0, 0.15))
                killed_while_starting += 1
                up = "starting"
            else:
                uptime = self.rnd.uniform(0.1, 4.0)
                if uptime > 0.6:
                    time.sleep(uptime - 0.4)
                    snap = self.snapshot(c)
                    if snap is not None:
                        before = snap
                    time.sleep(self.rnd.uniform(0.0, 0.4))
                else:
                    time.sleep(uptime)
                up = f"{uptime:.2f}s"
            t_kill = time.monotonic()
            self.kill9()
            self.integrity(k)
            self.start()
            healthy = self.wait_healthy()
            if early and not healthy and self.proc.poll() is not None:
                healthy = False
            self.checked("restart", healthy, f"kill {k}: the controller did not come back on the database "
                                             f"(exit {self.proc.poll()})")
            if not healthy:
                break
            downtime = time.monotonic() - t_kill
            if early:
                # This round's kill hit a controller that may not have finished starting: compare with the last
                # snapshot anyway (nothing committed may be lost).
                pass
            with self.lock:
                acked_count = len(self.acked)
            after = self.consistent_snapshot(c)
            if after is None:
                self.checked("restart", False, f"kill {k}: no snapshot after restart")
                break
            self.compare(k, before, after, downtime, acked_count)
            revs = " ".join(f"{m.split('-')[1]}={after[m][1]['revision']}:{after[m][1]['state']}" for m in MIGRATIONS)
            print(f"kill {k}/{max(k, kills)}: up {up}, back in {downtime:.2f}s; {revs}", flush=True)
        self.stop.set()
        for w in workers:
            w.join(timeout=5)
        acked_count = len(self.acked)
        final = self.consistent_snapshot(c)
        self.terminate()
        self.integrity("final")
        if final is not None:
            self.compare("final", after, final, 0.0, acked_count)
        self.poll_log.close()

        # exercised: the ramps really moved (otherwise the checks above prove little)
        judge = {"advance": 0, "promotion": 0, "rollback": 0}
        totals = {}
        for m in MIGRATIONS:
            ds = final[m][0] if final else []
            totals[m] = len(ds)
            for d in ds:
                if d["actor"] != "judge":
                    continue
                if d["action"] in ("advance", "rollback"):
                    judge[d["action"]] += 1
                if d["weights"].get(CAND) == 100:
                    judge["promotion"] += 1
        elapsed = time.monotonic() - started
        print(f"summary: {k} kills in {elapsed:.0f} s ({killed_while_starting} while starting); "
              f"decisions {totals}; judge {judge}; operator answers {dict(sorted(self.actions.items()))}; "
              f"{len(self.acked)} acknowledged operator writes; {self.polls} polls; "
              f"{self.posted_lines} observation lines accepted; "
              f"{self.counts.get('evidence-unpersisted-allowance', 0)} evidence comparisons within the unpersisted allowance")
        self.checked("exercised", judge["advance"] > 0 and judge["rollback"] > 0 and judge["promotion"] > 0,
                     f"judge decisions {judge}: the ramp did not move enough for the checks to mean much")

        names = ["integrity", "restart", "decisions-kept", "decisions-order", "state-is-last", "evidence-continues",
                 "revisions", "acked-durable", "exercised"]
        passed = failed = 0
        for name in names:
            n = self.counts.get(name, 0)
            if name == "revisions":
                n += self.polls
            errs = self.failures.get(name, [])
            if errs:
                failed += 1
                print(f"FAIL {name}: {len(errs)} of {n} checks failed; first: {errs[0]}")
            elif n == 0:
                failed += 1
                print(f"FAIL {name}: never checked")
            else:
                passed += 1
                print(f"PASS {name} ({n} checks)")
        print(f"{passed} passed, {failed} failed")
        return 1 if failed else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--kills", type=int, default=50)
    p.add_argument("--seed", type=int, default=int(time.time()) % 100000)
    args = p.parse_args()
    run = Run(args)
    try:
        return run.run()
    finally:
        run.stop.set()
        if run.proc is not None and run.proc.poll() is None:
            run.proc.send_signal(signal.SIGKILL)
            run.proc.wait()


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
