// node --test shims/node/failover.test.mjs — failover across controller URLs (a primary, then standbys)
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { GlidepathShim, ServerList, serverList } from "./glidepath-shim.mjs";

/** A fetch answering per base URL from `answers` (a status, or an Error to throw); logs the bases it was asked. */
function fakeFetch(answers, log) {
  return async (url) => {
    const base = Object.keys(answers).find((b) => url.startsWith(b + "/"));
    log.push(base);
    const a = answers[base];
    if (a instanceof Error) throw a;
    return new Response(a === 304 || a === 204 ? null : "{}", { status: a });
  };
}

function list(answers, opts = {}) {
  const log = [], switches = [];
  const clock = { now: 1000 };
  const s = new ServerList(Object.keys(answers), {
    fetchImpl: fakeFetch(answers, log), clock: () => clock.now, retryFirstAfterMs: 30000,
    onSwitch: (a, b) => switches.push([a, b]), ...opts,
  });
  return { s, log, switches, clock };
}

const init = () => ({});

describe("serverList", () => {
  test("one URL, a comma-separated string or an array", () => {
    assert.deepEqual(serverList("http://a:1/"), ["http://a:1"]);
    assert.deepEqual(serverList("http://a:1, https://b:2"), ["http://a:1", "https://b:2"]);
    assert.deepEqual(serverList(["http://a:1", "http://b:2/"]), ["http://a:1", "http://b:2"]);
  });
  test("an empty entry or another scheme is refused", () => {
    for (const bad of ["", "http://a,,http://b", [], ["http://a", ""], "ftp://x"]) {
      assert.throws(() => serverList(bad), TypeError);
    }
  });
  test("the shim keeps `server` as the first URL", () => {
    const shim = new GlidepathShim({ server: ["http://127.0.0.1:1", "http://127.0.0.1:2"], migration: "m", baseline: "a" });
    assert.equal(shim.server, "http://127.0.0.1:1");
    assert.deepEqual(shim.servers, ["http://127.0.0.1:1", "http://127.0.0.1:2"]);
    assert.equal(shim.stats().server, "http://127.0.0.1:1");
  });
});

describe("ServerList", () => {
  test("a refused primary fails over and the standby sticks", async () => {
    const { s, log, switches } = list({ "http://p": new TypeError("fetch failed"), "http://s": 200 });
    assert.equal((await s.fetch("/w", init)).status, 200);
    assert.equal((await s.fetch("/w", init)).status, 200);
    assert.deepEqual(log, ["http://p", "http://s", "http://s"]);
    assert.deepEqual(switches, [["http://p", "http://s"]]);
  });

  test("5xx fails over; 304 and 404 are answers", async () => {
    const a = list({ "http://p": 503, "http://s": 202 });
    assert.equal((await a.s.fetch("/o", init)).status, 202);
    assert.deepEqual(a.log, ["http://p", "http://s"]);
    for (const status of [304, 404]) {
      const b = list({ "http://p": status, "http://s": 200 });
      assert.equal((await b.s.fetch("/w", init)).status, status);
      assert.deepEqual(b.log, ["http://p"]);
    }
  });

  test("the first is tried again after the back-off", async () => {
    const answers = { "http://p": new Error("timeout"), "http://s": 200 };
    const { s, log, clock, switches } = list(answers);
    await s.fetch("/w", init);
    answers["http://p"] = 200;
    clock.now += 29000;
    await s.fetch("/w", init);
    assert.equal(log.at(-1), "http://s");
    clock.now += 2000;
    await s.fetch("/w", init);
    assert.equal(log.at(-1), "http://p");
    assert.equal(s.current, 0);
    assert.deepEqual(switches.at(-1), ["http://s", "http://p"]);
  });

  test("when all fail the last error is thrown and the next request starts at the first", async () => {
    const answers = { "http://p": new Error("refused"), "http://s": 200 };
    const { s, log } = list(answers);
    await s.fetch("/w", init);
    answers["http://s"] = new Error("reset");
    await assert.rejects(s.fetch("/w", init), /refused/);
    assert.deepEqual(log.slice(-2), ["http://s", "http://p"]);
    assert.equal(s.current, 0);
    answers["http://s"] = 502;
    assert.equal((await s.fetch("/w", init)).status, 502);
    assert.deepEqual(log.slice(-2), ["http://p", "http://s"]);
  });

  test("reports skip a standby's 503 and reach it once promoted", async () => {
    const answers = { "http://p": new Error("refused"), "http://s": 503 };
    const { s } = list(answers);
    assert.equal((await s.fetch("/o", init)).status, 503);
    answers["http://s"] = 202;
    assert.equal((await s.fetch("/o", init)).status, 202);
    assert.equal(s.current, 1);
  });
});
