// node --test shims/node/glidepath-shim.test.mjs
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  GlidepathShim, bucket, fnv1a64Hex, isErrorStatus, checkErrorStatuses, checkBreaker, DEFAULT_ERROR_STATUSES,
  MAX_MIRRORS_IN_FLIGHT,
} from "./glidepath-shim.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Waits until `cond()` holds (polling every 10 ms), so slow CI machines don't flake. */
async function waitFor(cond, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Reference implementation with BigInt and TextEncoder, straight from the protocol text. */
const M64 = (1n << 64n) - 1n;
function referenceBucket(migration, key) {
  let h = 0xcbf29ce484222325n;
  for (const b of new TextEncoder().encode(migration + ":" + key)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & M64;
  h = ((h ^ (h >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  h = ((h ^ (h >> 27n)) * 0x94d049bb133111ebn) & M64;
  h ^= h >> 31n;
  return Number(h % 10000n);
}

/** A fake controller: answers weights from `state.doc` (or `state.weightsHandler`) and records batches. */
async function fakeController() {
  const state = {
    doc: null, weightsStatus: 200, weightsBody: null, ingestStatus: 202,
    batches: [], polls: [], ingestHeaders: [],
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => { body += c; });
    req.on("end", () => {
      if (req.method === "GET" && req.url === "/v1/migrations/chat-completions/weights") {
        state.polls.push(req.headers);
        if (state.weightsStatus !== 200) { res.writeHead(state.weightsStatus); res.end("oops"); return; }
        if (state.doc === null && state.weightsBody === null) { res.writeHead(404); res.end('{"error":"unknown migration"}'); return; }
        if (state.weightsBody !== null) { res.writeHead(200, { "Content-Type": "application/json" }); res.end(state.weightsBody); return; }
        const etag = `"${state.doc.revision}"`;
        if (req.headers["if-none-match"] === etag) { res.writeHead(304, { ETag: etag }); res.end(); return; }
        res.writeHead(200, { "Content-Type": "application/json", ETag: etag });
        res.end(JSON.stringify(state.doc));
        return;
      }
      if (req.method === "POST" && req.url === "/v1/migrations/chat-completions/observations") {
        state.ingestHeaders.push(req.headers);
        if (state.ingestStatus === 202) state.batches.push(body.split("\n").filter(Boolean));
        res.writeHead(state.ingestStatus, { "Content-Type": "application/json" });
        res.end(state.ingestStatus === 202 ? `{"accepted":${body.split("\n").filter(Boolean).length}}` : '{"error":"bad line","line":1}');
        return;
      }
      res.writeHead(404); res.end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  state.url = `http://127.0.0.1:${server.address().port}`;
  state.close = () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); });
  return state;
}

const doc = (revision, candidateWeight, extra = {}) => ({
  migration: "chat-completions", revision, state: "ramping", step: 0, baseline: "openai", candidate: "holysheep",
  weights: { openai: 100 - candidateWeight, holysheep: candidateWeight }, pollAfterSeconds: 0.05, ...extra,
});

const shims = [];
function makeShim(server, opts = {}) {
  const events = [];
  const shim = new GlidepathShim({
    server, migration: "chat-completions", baseline: "openai", candidate: "holysheep",
    ingestToken: "tok", shimId: "test-shim", onEvent: (e) => events.push(e), ...opts,
  });
  shim.events = events;
  shims.push(shim);
  return shim;
}
after(async () => { for (const s of shims) await s.stop({ flush: false }); });

describe("bucketing", () => {
  test("protocol vectors", () => {
    const vectors = [
      ["chat-completions", "merchant-42", "ffb8e95683a2ddd6", 2724],
      ["chat-completions", "merchant-43", "ffb8ea5683a2df89", 3230],
      ["chat-completions", "", "0c30b6358c291fe1", 9639],
      ["image-tagging", "SKU-001", "b4203ad5d86f733d", 9782],
      ["key-rotation", "tenant/α", "652f9ca7e851e2a3", 2778],
    ];
    for (const [m, k, fnv, b] of vectors) {
      assert.equal(fnv1a64Hex(`${m}:${k}`), fnv, `fnv1a64 of ${m}:${k}`);
      assert.equal(bucket(m, k), b, `bucket of ${m}:${k}`);
    }
  });

  test("matches a BigInt reference on ASCII, multi-byte, astral and lone-surrogate keys", () => {
    const keys = ["", "a", "Ünïcödé", "租户-7", "😀x", "tenant/α😀", "\ud800", "x\udc00y", "é".repeat(300)];
    for (let i = 0; i < 2000; i++) keys.push(`merchant-${i}`, `user/${i}/ß`);
    for (const k of keys) assert.equal(bucket("m", k), referenceBucket("m", k), JSON.stringify(k));
  });

  test("vectors file shared by every shim (../vectors/bucketing.json)", (t) => {
    const file = path.join(HERE, "..", "vectors", "bucketing.json");
    if (!fs.existsSync(file)) { t.skip(`no vectors file at ${file}`); return; }
    const data = JSON.parse(fs.readFileSync(file, "utf8"));
    const entries = Array.isArray(data) ? data : (data.vectors ?? data.entries ?? []);
    assert.ok(entries.length > 0, "vectors file has entries");
    for (const v of entries) {
      assert.equal(bucket(v.migration, v.key), v.bucket, `bucket of ${JSON.stringify(v.migration)}:${JSON.stringify(v.key)}`);
      if (v.fnv1a64 !== undefined) {
        assert.equal(fnv1a64Hex(`${v.migration}:${v.key}`), String(v.fnv1a64).replace(/^0x/, "").padStart(16, "0"));
      }
    }
  });
});

describe("routing", () => {
  test("default arm before any weights, then weights from the controller", async () => {
    const c = await fakeController();
    try {
      c.doc = doc(3, 30);
      const shim = makeShim(c.url);
      assert.equal(shim.route("merchant-42"), "openai");
      const custom = makeShim(c.url, { defaultArm: "holysheep" });
      assert.equal(custom.route("merchant-42"), "holysheep");
      assert.equal(await shim.pollNow(), true);
      assert.equal(shim.route("merchant-42"), "holysheep"); // 2724 < 3000
      assert.equal(shim.route("merchant-43"), "openai"); // 3230 >= 3000
      assert.deepEqual(shim.weights, { openai: 70, holysheep: 30 });
      assert.equal(shim.revision, 3);
      assert.equal(c.polls[0]["glidepath-shim"], "test-shim");
    } finally { await c.close(); }
  });

  test("sticky: a key on the candidate stays there as the weight grows", () => {
    const shim = makeShim("http://127.0.0.1:9");
    const onCandidate = new Set();
    for (const [rev, w] of [[1, 5], [2, 10], [3, 25], [4, 50], [5, 100]]) {
      shim._apply(doc(rev, w), null);
      const now = new Set();
      for (let i = 0; i < 2000; i++) {
        const k = `merchant-${i}`;
        if (shim.route(k) === "holysheep") now.add(k);
        assert.equal(shim.route(k), shim.route(k));
      }
      for (const k of onCandidate) assert.ok(now.has(k), `${k} left the candidate at ${w}%`);
      onCandidate.clear(); for (const k of now) onCandidate.add(k);
    }
    assert.equal(onCandidate.size, 2000);
  });

  test("distribution follows the weight, with and without keys", () => {
    const shim = makeShim("http://127.0.0.1:9");
    shim._apply(doc(1, 25), null);
    let keyed = 0, random = 0;
    for (let i = 0; i < 20000; i++) {
      if (shim.route(`k${i}`) === "holysheep") keyed++;
      if (shim.route() === "holysheep") random++;
    }
    assert.ok(Math.abs(keyed / 20000 - 0.25) < 0.02, `keyed share ${keyed / 20000}`);
    assert.ok(Math.abs(random / 20000 - 0.25) < 0.02, `random share ${random / 20000}`);
    shim._apply(doc(2, 0.07), null); // 7 basis points
    let small = 0;
    for (let i = 0; i < 10000; i++) if (bucket("chat-completions", `k${i}`) < 7) small++;
    let routed = 0;
    for (let i = 0; i < 10000; i++) if (shim.route(`k${i}`) === "holysheep") routed++;
    assert.equal(routed, small);
  });
});

describe("fail static", () => {
  const bad = [
    ["5xx", (c) => { c.weightsStatus = 503; }, /weights answered 503/],
    ["garbage JSON", (c) => { c.weightsBody = "{not json"; }, /not JSON/],
    ["bad sum", (c) => { c.weightsBody = JSON.stringify(doc(9, 30, { weights: { openai: 80, holysheep: 30 } })); }, /sum to 110/],
    ["unknown arm", (c) => { c.weightsBody = JSON.stringify(doc(9, 30, { candidate: "other", weights: { openai: 70, other: 30 } })); }, /unexpected candidate "other"/],
    ["three arms", (c) => { c.weightsBody = JSON.stringify(doc(9, 30, { weights: { openai: 60, holysheep: 30, x: 10 } })); }, /exactly the two arms/],
    ["revision backwards", (c) => { c.weightsBody = JSON.stringify(doc(1, 90)); }, /revision went backwards/],
  ];
  for (const [name, breakIt, reason] of bad) {
    test(`keeps the last good weights on ${name}`, async () => {
      const c = await fakeController();
      try {
        c.doc = doc(2, 30);
        const shim = makeShim(c.url);
        assert.equal(await shim.pollNow(), true);
        breakIt(c);
        assert.equal(await shim.pollNow(), false);
        assert.deepEqual(shim.weights, { openai: 70, holysheep: 30 });
        assert.equal(shim.route("merchant-42"), "holysheep");
        const ev = shim.events.find((e) => e.type === "poll_failed" || e.type === "weights_rejected");
        assert.match(ev.reason, reason);
      } finally { await c.close(); }
    });
  }

  test("unreachable controller: default arm, event, no throw", async () => {
    const c = await fakeController();
    const url = c.url;
    await c.close();
    const shim = makeShim(url);
    assert.equal(await shim.pollNow(), false);
    assert.equal(shim.route("merchant-42"), "openai");
    assert.match(shim.events[0].reason, /controller unreachable/);
  });

  test("304 keeps the weights and sends If-None-Match", async () => {
    const c = await fakeController();
    try {
      c.doc = doc(4, 50);
      const shim = makeShim(c.url);
      await shim.pollNow();
      assert.equal(await shim.pollNow(), true);
      assert.equal(c.polls[1]["if-none-match"], '"4"');
      assert.deepEqual(shim.weights, { openai: 50, holysheep: 50 });
      c.doc = doc(5, 100, { state: "promoted" });
      await shim.pollNow();
      assert.equal(shim.state, "promoted");
      assert.equal(shim.route("anything"), "holysheep");
    } finally { await c.close(); }
  });

  test("the poller runs by itself with the served pollAfterSeconds", async () => {
    const c = await fakeController();
    try {
      c.doc = doc(1, 10);
      const shim = makeShim(c.url).start();
      await waitFor(() => shim.revision === 1, "first weights");
      c.doc = doc(2, 60);
      await waitFor(() => shim.revision === 2, "second weights");
      assert.deepEqual(shim.weights, { openai: 40, holysheep: 60 });
      assert.ok(c.polls.length >= 2, `polled ${c.polls.length} times`);
      await shim.stop();
    } finally { await c.close(); }
  });
});

describe("reporting", () => {
  test("batches by line count, with the protocol headers and line format", async () => {
    const c = await fakeController();
    try {
      c.doc = doc(7, 5);
      const shim = makeShim(c.url, { batchLines: 10, batchIntervalMs: 60000 });
      await shim.pollNow();
      shim.start();
      for (let i = 0; i < 25; i++) shim.record({ arm: "holysheep", status: 200, latencyMs: 142.5 });
      shim.record({ arm: "openai", status: 0, latencyMs: 10000, tokens: 0 });
      shim.record({ arm: "holysheep", status: 200, latencyMs: 812, tokens: 512, ttftMs: 95.5 });
      await waitFor(() => c.batches.length === 2, "two full batches");
      await sleep(50);
      assert.equal(c.batches.length, 2); // the 7 left wait for the (60 s) interval
      assert.deepEqual(c.batches[0], Array(10).fill("holysheep 200 142.5"));
      const h = c.ingestHeaders[0];
      assert.equal(h["content-type"], "text/plain");
      assert.equal(h.authorization, "Bearer tok");
      assert.equal(h["glidepath-shim"], "test-shim");
      assert.equal(h["glidepath-revision"], "7");
      await shim.stop();
      assert.equal(c.batches.length, 3);
      assert.deepEqual(c.batches[2].slice(-2), ["openai 0 10000 tokens=0", "holysheep 200 812 tokens=512 ttft_ms=95.5"]);
      assert.equal(shim.stats().sent, 27);
      assert.equal(shim.stats().buffered, 0);
    } finally { await c.close(); }
  });

  test("batches by time", async () => {
    const c = await fakeController();
    try {
      const shim = makeShim(c.url, { batchIntervalMs: 50 }).start();
      c.doc = doc(1, 5);
      shim.record({ arm: "openai", status: 200, latencyMs: 1 });
      shim.record({ arm: "openai", status: 503, latencyMs: 2003 });
      assert.equal(c.batches.length, 0); // record never sends inline
      await waitFor(() => c.batches.flat().length === 2, "the timed batch");
      assert.deepEqual(c.batches.flat(), ["openai 200 1", "openai 503 2003"]);
      await shim.stop();
    } finally { await c.close(); }
  });

  test("bounded buffer drops and counts when the controller is away, then delivers", async () => {
    const c = await fakeController();
    try {
      c.doc = doc(1, 5);
      c.ingestStatus = 503;
      const shim = makeShim(c.url, { maxBufferedLines: 100, batchLines: 50, batchIntervalMs: 20 }).start();
      for (let i = 0; i < 130; i++) shim.record({ arm: "openai", status: 200, latencyMs: i });
      assert.equal(shim.stats().dropped, 30);
      assert.equal(shim.stats().buffered, 100);
      assert.equal(shim.events.filter((e) => e.type === "dropped").length, 1);
      await waitFor(() => shim.stats().sendFailures >= 1, "a failed send");
      assert.ok(shim.events.some((e) => e.type === "send_failed" && e.retryInMs >= 20));
      assert.equal(shim.stats().buffered, 100); // nothing lost while it fails
      c.ingestStatus = 202;
      await shim.stop(); // flush sends what is left even if backing off
      assert.equal(c.batches.flat().length, 100);
      assert.equal(c.batches.flat()[0], "openai 200 0");
    } finally { await c.close(); }
  });

  test("a 400 drops that batch and says so", async () => {
    const c = await fakeController();
    try {
      c.ingestStatus = 400;
      const shim = makeShim(c.url, { batchIntervalMs: 20 }).start();
      shim.record({ arm: "openai", status: 200, latencyMs: 1 });
      await waitFor(() => shim.stats().rejected === 1, "the rejected batch");
      assert.equal(shim.stats().buffered, 0);
      const ev = shim.events.find((e) => e.type === "batch_rejected");
      assert.equal(ev.status, 400);
      assert.match(ev.reason, /bad line/);
      await shim.stop();
    } finally { await c.close(); }
  });

  test("invalid records are counted, not sent", () => {
    const shim = makeShim("http://127.0.0.1:9");
    assert.equal(shim.record({ arm: "openai", status: 42, latencyMs: 1 }), false);
    assert.equal(shim.record({ arm: "open ai", status: 200, latencyMs: 1 }), false);
    assert.equal(shim.record({ arm: "openai", status: 200, latencyMs: -5 }), true);
    assert.equal(shim.stats().invalid, 2);
    assert.equal(shim._buffer[0], "openai 200 0");
  });

  test("stop() flushes everything buffered", async () => {
    const c = await fakeController();
    try {
      const shim = makeShim(c.url, { batchLines: 500, batchIntervalMs: 60000 }).start();
      for (let i = 0; i < 1200; i++) shim.record({ arm: "openai", status: 200, latencyMs: 5 });
      await shim.stop();
      assert.equal(c.batches.flat().length, 1200);
      assert.ok(c.batches.every((b) => b.length <= 500));
    } finally { await c.close(); }
  });
});

describe("breaker and fallback", () => {
  test("N consecutive candidate errors route to the baseline for the cool-down", async () => {
    const shim = makeShim("http://127.0.0.1:9", { breakerThreshold: 3, breakerCooldownMs: 80 });
    shim._apply(doc(1, 100), null);
    assert.equal(shim.route("k"), "holysheep");
    shim.record({ arm: "holysheep", status: 500, latencyMs: 1 });
    shim.record({ arm: "holysheep", status: 0, latencyMs: 1 });
    shim.record({ arm: "holysheep", status: 200, latencyMs: 1 }); // resets
    shim.record({ arm: "holysheep", status: 429, latencyMs: 1 });
    shim.record({ arm: "holysheep", status: 404, latencyMs: 1 }); // client error: not counted, resets
    assert.equal(shim.route("k"), "holysheep");
    for (let i = 0; i < 3; i++) shim.record({ arm: "holysheep", status: 503, latencyMs: 1 });
    assert.equal(shim.route("k"), "openai");
    assert.equal(shim.stats().breakerOpen, true);
    assert.ok(shim.events.some((e) => e.type === "breaker_open"));
    await sleep(120);
    assert.equal(shim.route("k"), "holysheep");
    assert.ok(shim.events.some((e) => e.type === "breaker_closed"));
  });

  test("shouldRetryOnBaseline only for candidate errors with fallback on", () => {
    const off = makeShim("http://127.0.0.1:9");
    off._apply(doc(1, 50), null);
    assert.equal(off.shouldRetryOnBaseline("holysheep", 503), false);
    const on = makeShim("http://127.0.0.1:9", { fallbackToBaseline: true });
    on._apply(doc(1, 50), null);
    assert.equal(on.shouldRetryOnBaseline("holysheep", 503), true);
    assert.equal(on.shouldRetryOnBaseline("holysheep", 0), true);
    assert.equal(on.shouldRetryOnBaseline("holysheep", 429), true);
    assert.equal(on.shouldRetryOnBaseline("holysheep", 400), false);
    assert.equal(on.shouldRetryOnBaseline("holysheep", 200), false);
    assert.equal(on.shouldRetryOnBaseline("openai", 503), false);
    assert.deepEqual([0, 429, 500, 599, 200, 404, 499].map(isErrorStatus), [true, true, true, true, false, false, false]);
  });
});

/** A monotonic clock (ms) the test moves by hand. */
function fakeClock(start = 1_000_000) {
  const c = () => c.now;
  c.now = start;
  return c;
}
const KEY_ROTATION_STATUSES = [0, 401, 403, 429, "5xx"];

describe("weights documents: errorStatuses and breaker (../vectors/weights-documents.json)", () => {
  const vectors = JSON.parse(fs.readFileSync(path.join(HERE, "..", "vectors", "weights-documents.json"), "utf8"));
  const keyRotationShim = (opts = {}) => new GlidepathShim({
    server: "http://127.0.0.1:9", migration: "key-rotation", baseline: "key-old", candidate: "key-new", ...opts,
  });

  test("the file covers valid, older-controller and malformed documents", () => {
    const cases = vectors.cases;
    assert.ok(cases.length >= 40, `${cases.length} cases`);
    assert.ok(cases.some((c) => c.valid && !("errorStatuses" in c.document)));
    assert.ok(cases.some((c) => !c.valid && c.member === "breaker"));
    assert.ok(cases.some((c) => !c.valid && c.member === "errorStatuses"));
    assert.deepEqual(vectors.defaults.errorStatuses, [...DEFAULT_ERROR_STATUSES]);
  });

  for (const c of vectors.cases) {
    test(`${c.valid ? "accepts" : "refuses"}: ${c.name}`, () => {
      const shim = keyRotationShim();
      const problem = shim._validate(JSON.parse(JSON.stringify(c.document)));
      if (!c.valid) {
        assert.ok(problem, "the document must be refused");
        assert.ok(problem.includes(c.member), `the reason names ${c.member}: ${problem}`);
        return;
      }
      assert.equal(problem, null);
      shim._apply(c.document, null);
      assert.deepEqual(shim.breakerSettings, c.breaker);
      const verdicts = Object.fromEntries(vectors.statuses.map((st) => [String(st), shim.isError(st)]));
      assert.deepEqual(verdicts, c.isError);
      assert.equal(shim.stats().mirror, c.mirror ?? 0);
    });
  }

  test("mirror decisions: bucket, weight and mirror → arm and mirrored", () => {
    const table = vectors.mirrorDecisions;
    assert.ok(table.cases.length >= 8);
    for (const row of table.cases) {
      const shim = new GlidepathShim({ server: "http://127.0.0.1:9", migration: table.migration, baseline: "key-old", candidate: "key-new" });
      const d = { migration: table.migration, revision: 1, baseline: "key-old", candidate: "key-new",
        weights: { "key-old": 100 - row.weight, "key-new": row.weight }, pollAfterSeconds: 5, mirror: row.mirror };
      assert.equal(shim._validate(d), null);
      shim._apply(d, null);
      const what = `${row.key} at ${row.weight} %, mirror ${row.mirror} %`;
      assert.equal(bucket(table.migration, row.key), row.bucket, what);
      const arm = shim.route(row.key);
      assert.equal(arm, row.arm === "candidate" ? "key-new" : "key-old", what);
      assert.equal(shim.mirrors(row.bucket, arm), row.mirrored, what);
    }
  });

  test("before any document: the defaults", () => {
    const shim = keyRotationShim();
    const older = vectors.cases.find((c) => c.name === "older controller: no errorStatuses, no breaker");
    for (const st of vectors.statuses) assert.equal(shim.isError(st), older.isError[String(st)], `status ${st}`);
    assert.deepEqual(shim.breakerSettings, vectors.defaults.breaker);
  });

  test("explicit constructor settings apply only while the document has no breaker", () => {
    const shim = keyRotationShim({ breakerThreshold: 2, breakerCooldownMs: 7000 });
    assert.deepEqual(shim.breakerSettings, { consecutiveErrors: 2, openSeconds: 7 });
    const byName = Object.fromEntries(vectors.cases.map((c) => [c.name, c]));
    shim._apply(byName["older controller: no errorStatuses, no breaker"].document, null);
    assert.deepEqual(shim.breakerSettings, { consecutiveErrors: 2, openSeconds: 7 });
    shim._apply(byName["custom breaker"].document, null);
    assert.deepEqual(shim.breakerSettings, { consecutiveErrors: 3, openSeconds: 10 }); // the policy wins
  });

  test("problems name the element at fault", () => {
    assert.equal(checkErrorStatuses([0, 600]), "errorStatuses[1] must be 0 or an integer status from 100 to 599, found 600");
    assert.match(checkErrorStatuses(["5XX"]), /errorStatuses\[0\] must be a class "1xx".."5xx" \(lower-case x\)/);
    assert.equal(checkBreaker({ consecutiveErrors: 5, openSeconds: 1.5 }), "breaker.openSeconds must be an integer from 1 to 3600, found 1.5");
    assert.equal(checkBreaker(null), "breaker must be an object, found null");
    assert.equal(checkErrorStatuses([0, 401, "5xx"]), null);
  });
});

describe("the policy's breaker", () => {
  test("401 opens it when the policy lists 401; it closes after openSeconds (injected clock)", async () => {
    const c = await fakeController();
    try {
      c.doc = doc(3, 100, { errorStatuses: KEY_ROTATION_STATUSES, breaker: { consecutiveErrors: 3, openSeconds: 10 } });
      const clock = fakeClock();
      const shim = makeShim(c.url, { clock });
      assert.equal(await shim.pollNow(), true);
      assert.deepEqual(shim.breakerSettings, { consecutiveErrors: 3, openSeconds: 10 });
      shim.record({ arm: "holysheep", status: 401, latencyMs: 5 });
      shim.record({ arm: "holysheep", status: 401, latencyMs: 5 });
      assert.equal(shim.route("k"), "holysheep");
      shim.record({ arm: "holysheep", status: 403, latencyMs: 5 }); // the third consecutive error
      assert.equal(shim.route("k"), "openai");
      shim.record({ arm: "holysheep", status: 401, latencyMs: 5 }); // in flight while open: not counted
      assert.equal(shim.stats().breakerOpen, true);
      assert.equal(shim.stats().breakerTrips, 1);
      clock.now += 9990;
      assert.equal(shim.route("k"), "openai");
      clock.now += 20;
      assert.equal(shim.route("k"), "holysheep");
      assert.equal(shim.events.filter((e) => e.type === "breaker_open").length, 1);
      assert.equal(shim.events.filter((e) => e.type === "breaker_closed").length, 1);
      assert.equal(shim.stats().breakerOpen, false);
    } finally { await c.close(); }
  });

  test("401 is not an error under the default statuses (an older controller)", () => {
    const shim = makeShim("http://127.0.0.1:9", { clock: fakeClock() });
    shim._apply(doc(1, 100), null);
    for (let i = 0; i < 10; i++) shim.record({ arm: "holysheep", status: 401, latencyMs: 1 });
    assert.equal(shim.route("k"), "holysheep");
    for (let i = 0; i < 5; i++) shim.record({ arm: "holysheep", status: 503, latencyMs: 1 }); // default: 5
    assert.equal(shim.route("k"), "openai");
  });

  test("the last good statuses and breaker stay when a document is malformed or the controller is away", async () => {
    const c = await fakeController();
    try {
      c.doc = doc(3, 100, { errorStatuses: KEY_ROTATION_STATUSES, breaker: { consecutiveErrors: 2, openSeconds: 60 } });
      const shim = makeShim(c.url, { clock: fakeClock() });
      assert.equal(await shim.pollNow(), true);
      c.doc = doc(4, 100, { errorStatuses: [0, 600], breaker: { consecutiveErrors: 9, openSeconds: 9 } });
      assert.equal(await shim.pollNow(), false);
      assert.match(shim.events.find((e) => e.type === "weights_rejected").reason, /errorStatuses\[1\]/);
      c.weightsStatus = 503;
      assert.equal(await shim.pollNow(), false);
      assert.equal(shim.revision, 3);
      assert.equal(shim.isError(401), true);
      assert.deepEqual(shim.breakerSettings, { consecutiveErrors: 2, openSeconds: 60 });
      shim.record({ arm: "holysheep", status: 401, latencyMs: 1 });
      shim.record({ arm: "holysheep", status: 403, latencyMs: 1 });
      assert.equal(shim.route("k"), "openai");
    } finally { await c.close(); }
  });

  test("breakerThreshold 0 turns it off whatever the document says", () => {
    const shim = makeShim("http://127.0.0.1:9", { breakerThreshold: 0, clock: fakeClock() });
    shim._apply(doc(1, 100, { breaker: { consecutiveErrors: 1, openSeconds: 30 } }), null);
    shim.record({ arm: "holysheep", status: 503, latencyMs: 1 });
    assert.equal(shim.route("k"), "holysheep");
    assert.equal(shim.stats().breakerTrips, 0);
  });
});

describe("reported counts (Glidepath-Breaker-Trips, Glidepath-Fallbacks)", () => {
  test("kept across a failed POST, sent with the next accepted batch, then not again", async () => {
    const c = await fakeController();
    try {
      c.doc = doc(2, 100, { errorStatuses: KEY_ROTATION_STATUSES, breaker: { consecutiveErrors: 2, openSeconds: 30 } });
      c.ingestStatus = 503;
      const shim = makeShim(c.url, { clock: fakeClock(), batchIntervalMs: 20 });
      assert.equal(await shim.pollNow(), true);
      shim.record({ arm: "holysheep", status: 401, latencyMs: 5 });
      shim.record({ arm: "holysheep", status: 401, latencyMs: 5 }); // trip 1
      shim._countFallback();
      assert.equal(await shim._flushOnce(true), false);
      assert.equal(c.ingestHeaders[0]["glidepath-breaker-trips"], "1");
      assert.equal(c.ingestHeaders[0]["glidepath-fallbacks"], "1");
      shim._countFallback(); // another while the controller refuses
      assert.equal(shim.stats().unreportedFallbacks, 2);
      c.ingestStatus = 202;
      assert.equal(await shim._flushOnce(true), true);
      assert.equal(c.ingestHeaders[1]["glidepath-breaker-trips"], "1");
      assert.equal(c.ingestHeaders[1]["glidepath-fallbacks"], "2");
      assert.deepEqual(c.batches[0], ["holysheep 401 5", "holysheep 401 5"]);
      shim.record({ arm: "openai", status: 200, latencyMs: 5 });
      assert.equal(await shim._flushOnce(true), true);
      assert.equal(c.ingestHeaders[2]["glidepath-breaker-trips"], undefined);
      assert.equal(c.ingestHeaders[2]["glidepath-fallbacks"], undefined);
      const st = shim.stats();
      assert.deepEqual([st.breakerTrips, st.fallbacks, st.unreportedBreakerTrips, st.unreportedFallbacks], [1, 2, 0, 0]);
    } finally { await c.close(); }
  });

  test("a controller that is unreachable keeps the counts too", async () => {
    const c = await fakeController();
    const url = c.url;
    await c.close();
    const shim = makeShim(url, { timeoutMs: 500 });
    shim._apply(doc(1, 100), null);
    shim._countFallback();
    shim.record({ arm: "openai", status: 200, latencyMs: 1 });
    assert.equal(await shim._flushOnce(true), false);
    assert.equal(shim.stats().unreportedFallbacks, 1);
  });
});

describe("call(key, fn)", () => {
  const withDoc = (extra = {}, weight = 100) => {
    const shim = makeShim("http://127.0.0.1:9", { clock: fakeClock() });
    shim._apply(doc(1, weight, extra), null);
    return shim;
  };
  const lines = (shim) => shim._buffer.map((l) => { const p = l.split(" "); return [p[0], p[1], ...p.slice(3)]; });

  test("a candidate 401 the policy lists falls back to the baseline, both recorded", async () => {
    const shim = withDoc({ errorStatuses: KEY_ROTATION_STATUSES });
    const calls = [];
    const out = await shim.call("merchant-42", async (arm) => {
      calls.push(arm);
      return arm === "holysheep" ? { status: 401 } : { status: 200, result: `from ${arm}`, tokens: 42, ttftMs: 12.5 };
    });
    assert.deepEqual(calls, ["holysheep", "openai"]);
    assert.deepEqual(out, { arm: "openai", status: 200, result: "from openai", fallback: true });
    assert.deepEqual(lines(shim), [["holysheep", "401"], ["openai", "200", "tokens=42", "ttft_ms=12.5"]]);
    assert.equal(shim.stats().fallbacks, 1);
    assert.equal(shim.stats().unreportedFallbacks, 1);
  });

  test("401 is returned as is when the policy does not list it", async () => {
    const shim = withDoc();
    const out = await shim.call("merchant-42", () => ({ status: 401, result: "denied" }));
    assert.deepEqual(out, { arm: "holysheep", status: 401, result: "denied", fallback: false });
    assert.equal(shim.stats().fallbacks, 0);
  });

  test("a throwing candidate is status 0 and falls back", async () => {
    const shim = withDoc();
    const out = await shim.call(undefined, async (arm) => {
      if (arm === "holysheep") throw new Error("ECONNRESET");
      return { status: 200, result: arm };
    });
    assert.deepEqual(out, { arm: "openai", status: 200, result: "openai", fallback: true });
    assert.deepEqual(lines(shim), [["holysheep", "0"], ["openai", "200"]]);
  });

  test("the baseline's errors are returned or thrown, never retried", async () => {
    const shim = withDoc({}, 0);
    assert.deepEqual(await shim.call("k", () => ({ status: 503, result: "busy" })), { arm: "openai", status: 503, result: "busy", fallback: false });
    await assert.rejects(shim.call("k", () => { throw new Error("timed out"); }), /timed out/);
    assert.deepEqual(lines(shim), [["openai", "503"], ["openai", "0"]]);
    assert.equal(shim.stats().fallbacks, 0);
  });

  test("when the baseline throws too, its error reaches the caller", async () => {
    const shim = withDoc();
    await assert.rejects(shim.call("k", (arm) => { throw new Error(`down: ${arm}`); }), /down: openai/);
    assert.deepEqual(lines(shim), [["holysheep", "0"], ["openai", "0"]]);
    assert.equal(shim.stats().fallbacks, 1);
  });

  test("fallbacks feed the breaker", async () => {
    const shim = withDoc({ errorStatuses: KEY_ROTATION_STATUSES, breaker: { consecutiveErrors: 2, openSeconds: 30 } });
    const fn = (arm) => (arm === "holysheep" ? { status: 403 } : { status: 200, result: "ok" });
    assert.equal((await shim.call("k", fn)).fallback, true);
    assert.equal((await shim.call("k", fn)).fallback, true);
    const out = await shim.call("k", fn); // open: straight to the baseline
    assert.deepEqual([out.arm, out.fallback], ["openai", false]);
    assert.deepEqual([shim.stats().breakerTrips, shim.stats().fallbacks], [1, 2]);
  });

  test("shouldRetryOnBaseline follows the policy's statuses and counts", () => {
    const shim = makeShim("http://127.0.0.1:9", { fallbackToBaseline: true });
    shim._apply(doc(1, 50, { errorStatuses: KEY_ROTATION_STATUSES }), null);
    assert.equal(shim.shouldRetryOnBaseline("holysheep", 401), true);
    assert.equal(shim.shouldRetryOnBaseline("holysheep", 404), false);
    assert.equal(shim.shouldRetryOnBaseline("openai", 401), false);
    assert.equal(shim.stats().fallbacks, 1);
  });
});

describe("package", () => {
  test("glidepath-shim.d.ts declares every export and every public method", async () => {
    const dts = fs.readFileSync(path.join(HERE, "glidepath-shim.d.ts"), "utf8");
    const mod = await import("./glidepath-shim.mjs");
    for (const name of Object.keys(mod)) {
      assert.match(dts, new RegExp(`export declare (const|function|class) ${name}\\b`), `export ${name}`);
    }
    const members = Object.getOwnPropertyNames(mod.GlidepathShim.prototype).filter((n) => !n.startsWith("_") && n !== "constructor");
    assert.ok(members.includes("call") && members.includes("isError"));
    for (const name of members) assert.match(dts, new RegExp(`^ +(readonly )?${name}[(<:]`, "m"), `member ${name}`);
  });

  test("package.json: ESM exports of files that exist, no dependencies", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(HERE, "package.json"), "utf8"));
    assert.equal(pkg.name, "glidepath-shim");
    assert.equal(pkg.type, "module");
    assert.equal(pkg.dependencies, undefined);
    assert.equal(pkg.devDependencies, undefined);
    const entry = pkg.exports["."];
    for (const f of [entry.types, entry.default, ...pkg.files]) assert.ok(fs.existsSync(path.join(HERE, f)), f);
  });
});

test("constructor needs a default arm", () => {
  assert.throws(() => new GlidepathShim({ server: "http://x", migration: "m" }), /needs `baseline` or `defaultArm`/);
});

test("timers are unref'd: a started shim never keeps the process alive", () => {
  const mod = new URL("./glidepath-shim.mjs", import.meta.url).href;
  const code = `import { GlidepathShim } from ${JSON.stringify(mod)};
    const s = new GlidepathShim({ server: "http://127.0.0.1:9", migration: "m", baseline: "a" }).start();
    s.record({ arm: "a", status: 200, latencyMs: 1 });`;
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { timeout: 10000 });
  assert.equal(r.status, 0, String(r.stderr));
  assert.ok(Date.now() - t0 < 5000);
});

describe("call(key, fn, { mirror })", () => {
  const shadow = (extra = { mirror: 100 }, weight = 0) => {
    const shim = makeShim("http://127.0.0.1:9", { clock: fakeClock() });
    shim._apply(doc(1, weight, extra), null);
    return shim;
  };

  test("the copy runs in the background and is recorded as a mirror line", async () => {
    const shim = shadow();
    const copies = [];
    const out = await shim.call("merchant-42", (arm) => ({ status: 200, result: `from ${arm}` }),
      { mirror: async (arm) => { copies.push(arm); return { status: 503, result: "discarded", tokens: 7 }; } });
    assert.deepEqual(out, { arm: "openai", status: 200, result: "from openai", fallback: false });
    await waitFor(() => shim.stats().mirrorsInFlight === 0 && shim._buffer.length === 2, "the mirror line");
    assert.deepEqual(copies, ["holysheep"]);
    const mirrorLine = shim._buffer.find((l) => l.startsWith("holysheep "));
    assert.match(mirrorLine, /^holysheep 503 \S+ tokens=7 mirror=1$/);
    const st = shim.stats();
    assert.deepEqual([st.mirrored, st.mirrorsDropped, st.breakerTrips], [1, 0, 0]);
  });

  test("a throwing copy is status 0 and never reaches the user", async () => {
    const shim = shadow();
    const out = await shim.call(null, (arm) => ({ status: 200, result: arm }), { mirror: () => { throw new Error("down"); } });
    assert.equal(out.result, "openai");
    await waitFor(() => shim._buffer.some((l) => l.endsWith(" mirror=1")), "the mirror line");
    assert.ok(shim._buffer.some((l) => l.startsWith("holysheep 0 ")));
  });

  test(`at most ${MAX_MIRRORS_IN_FLIGHT} copies in flight; the rest dropped and counted`, async () => {
    const shim = shadow();
    let release;
    const gate = new Promise((r) => { release = r; });
    for (let i = 0; i < 10; i++) {
      const out = await shim.call(`k${i}`, (arm) => ({ status: 200, result: arm }), { mirror: async () => { await gate; return { status: 200 }; } });
      assert.equal(out.result, "openai");
    }
    let st = shim.stats();
    assert.deepEqual([st.mirrored, st.mirrorsDropped, st.mirrorsInFlight], [4, 6, 4]);
    release();
    await waitFor(() => shim.stats().mirrorsInFlight === 0 && shim._buffer.length === 14, "the copies to finish");
  });

  test("no copy without a mirror, or when the candidate serves", async () => {
    for (const shim of [shadow({}, 0), shadow({ mirror: 100 }, 100)]) {
      await shim.call("k", (arm) => ({ status: 200, result: arm }), { mirror: () => ({ status: 200 }) });
      await sleep(5);
      assert.equal(shim.stats().mirrored, 0);
    }
  });

  test("a mirror record on the baseline is refused", () => {
    const shim = shadow();
    assert.equal(shim.record({ arm: "openai", status: 200, latencyMs: 5, mirror: true }), false);
    assert.equal(shim.record({ arm: "holysheep", status: 200, latencyMs: 5, mirror: true }), true);
    assert.deepEqual(shim._buffer, ["holysheep 200 5 mirror=1"]);
  });

  test("a request forced by an override rule is never mirrored; attributes in options or as the map", async () => {
    const shim = shadow({ mirror: 100, overrides: [
      { attribute: "segment", in: ["premium"], arm: "baseline" },
      { attribute: "header:x-canary", equals: "always", arm: "candidate" }] });
    const fn = (arm) => ({ status: 200, result: arm });
    const mirror = () => ({ status: 200 });
    const base = await shim.call("k", fn, { attributes: { segment: "premium" }, mirror });
    const cand = await shim.call("k", fn, { "header:X-Canary": "always" });
    assert.deepEqual([base.arm, cand.arm], ["openai", "holysheep"]);
    await sleep(5);
    assert.equal(shim.stats().mirrored, 0);
    assert.deepEqual(shim._buffer.map((l) => l.split(" ")[0] + " " + l.split(" ").at(-1)),
      ["openai forced=1", "holysheep forced=1"]);
    await shim.call("k", fn, { attributes: { segment: "free" }, mirror });
    assert.equal(shim.stats().mirrored, 1); // no rule matched: the bucket decides, mirrored
    await waitFor(() => shim.stats().mirrorsInFlight === 0, "the copy");
  });

  test("a line is never both forced and mirrored", () => {
    const shim = shadow();
    assert.equal(shim.record({ arm: "holysheep", status: 200, latencyMs: 5, forced: true, mirror: true }), false);
    assert.deepEqual(shim._buffer, []);
  });
});
