// node --test shims/node/overrides.test.mjs — override rules: ../vectors/overrides-routing.json and forced reports.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GlidepathShim, checkOverrides } from "./glidepath-shim.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(fs.readFileSync(path.join(HERE, "..", "vectors", "overrides-routing.json"), "utf8"));

function document(v, state, weight, overrides = v.overrides) {
  return { migration: v.migration, revision: 4, state, step: 0, baseline: v.baseline, candidate: v.candidate,
    weights: { [v.baseline]: 100 - weight, [v.candidate]: weight }, pollAfterSeconds: 5, overrides };
}

function shimWith(v, state, weight, opts = {}) {
  const shim = new GlidepathShim({ server: "http://127.0.0.1:9", migration: v.migration, baseline: v.baseline,
    candidate: v.candidate, ...opts });
  const doc = document(v, state, weight);
  assert.equal(shim._validate(doc), null);
  shim._apply(doc, null);
  return shim;
}

describe("override routing (../vectors/overrides-routing.json)", () => {
  test("the file covers every state and both arms", () => {
    assert.ok(vectors.cases.length >= 25);
    assert.deepEqual(new Set(vectors.cases.map((c) => c.state)),
      new Set(["ramping", "waiting", "paused", "rolled_back", "promoted"]));
    assert.ok(vectors.cases.some((c) => c.forced && c.arm === vectors.baseline));
    assert.ok(vectors.cases.some((c) => c.key === null));
    assert.equal(checkOverrides(vectors.overrides), null);
  });

  for (const c of vectors.cases) {
    test(c.name, () => {
      const shim = shimWith(vectors, c.state, c.weight);
      assert.deepEqual(shim.route(c.key, c.attributes), { arm: c.arm, forced: c.forced });
    });
  }

  test("before any weights the default arm is not forced", () => {
    const shim = new GlidepathShim({ server: "http://127.0.0.1:9", migration: "chat-completions", baseline: "openai" });
    assert.deepEqual(shim.route("qa-1", { "header:x-canary": "always" }), { arm: "openai", forced: false });
  });

  test("route(key) without attributes applies no rules", () => {
    const shim = shimWith(vectors, "ramping", 100);
    assert.equal(shim.route("blocked-1"), "holysheep");
    assert.deepEqual(shim.route("blocked-1", {}), { arm: "openai", forced: true });
  });

  test("an open breaker skips candidate rules but not evenWhenRolledBack", () => {
    let now = 1000;
    const shim = shimWith(vectors, "ramping", 5, { clock: () => now });
    const hdr = { "header:X-Canary": "always" };
    assert.deepEqual(shim.route("merchant-42", hdr), { arm: "holysheep", forced: true });
    for (let i = 0; i < 5; i++) shim.record({ arm: "holysheep", status: 503, latencyMs: 5, forced: true });
    assert.deepEqual(shim.route("merchant-42", hdr), { arm: "openai", forced: false });
    assert.deepEqual(shim.route("qa-1", {}), { arm: "holysheep", forced: true });
    now += 31000;
    assert.deepEqual(shim.route("merchant-42", hdr), { arm: "holysheep", forced: true });
  });
});

describe("forced reports", () => {
  const v = { migration: "chat-completions", baseline: "openai", candidate: "holysheep",
    overrides: [{ attribute: "cookie:canary", equals: "1", arm: "candidate" }, { keys: ["vip"], arm: "baseline" }] };

  test("record writes forced=1 only when forced is true", () => {
    const shim = shimWith(v, "ramping", 0);
    const r = shim.route("merchant-42", { "cookie:canary": "1" });
    shim.record({ arm: r.arm, status: 200, latencyMs: 12.5, forced: r.forced });
    shim.record({ arm: "openai", status: 200, latencyMs: 5, tokens: 7 });
    assert.deepEqual(shim._buffer, ["holysheep 200 12.5 forced=1", "openai 200 5 tokens=7"]);
  });

  test("call applies the rules and records forced requests, the fallback too", async () => {
    const shim = shimWith(v, "ramping", 100);
    const out = await shim.call("merchant-42", (arm) => ({ status: arm === "holysheep" ? 503 : 200, result: arm }),
      { "cookie:canary": "1" });
    assert.deepEqual(out, { arm: "openai", status: 200, result: "openai", fallback: true });
    assert.equal((await shim.call("vip", (arm) => ({ status: 200, result: arm }))).arm, "openai");
    assert.equal((await shim.call("merchant-42", (arm) => ({ status: 200, result: arm }))).arm, "holysheep");
    assert.deepEqual(shim._buffer.map((l) => [l.split(" ")[0], l.endsWith(" forced=1")]),
      [["holysheep", true], ["openai", true], ["openai", true], ["holysheep", false]]);
  });
});
