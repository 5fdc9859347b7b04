#!/usr/bin/env node
// A small service that sends chat completions through the glidepath shim.
//
//   node demo-app.mjs --server URL --migration NAME --baseline-url URL --candidate-url URL \
//        --requests N --rate R --ingest-token T [--keys K] [--baseline NAME --candidate NAME] [--fallback]
//
// For N requests at R req/s it picks the key merchant-<i % K>, asks the shim for the arm,
// calls that arm's provider (POST {url}/v1/chat/completions) and records the outcome
// (status 0 on a transport failure). With --fallback each request goes through shim.call():
// a candidate answer the policy counts as an error is retried once on the baseline. It keeps
// serving while the controller is down and prints one JSON summary line at the end.
import { parseArgs } from "node:util";
import { GlidepathShim } from "../glidepath-shim.mjs";

const { values: a } = parseArgs({
  options: {
    server: { type: "string" }, migration: { type: "string" },
    "baseline-url": { type: "string" }, "candidate-url": { type: "string" },
    baseline: { type: "string" }, candidate: { type: "string" },
    requests: { type: "string", default: "1000" }, rate: { type: "string", default: "100" },
    "ingest-token": { type: "string" }, keys: { type: "string", default: "1000" },
    timeout: { type: "string", default: "10000" }, verbose: { type: "boolean", default: false },
    fallback: { type: "boolean", default: false },
  },
});
for (const k of ["server", "migration", "baseline-url", "candidate-url"]) {
  if (!a[k]) { process.stderr.write(`demo-app: --${k} is required\n`); process.exit(2); }
}
const N = Number(a.requests), R = Number(a.rate), K = Math.max(1, Number(a.keys));
const timeoutMs = Number(a.timeout);

const shim = new GlidepathShim({
  server: a.server, migration: a.migration, ingestToken: a["ingest-token"],
  baseline: a.baseline, candidate: a.candidate,
  // Without a baseline name hint the arm used before the first weights is "baseline",
  // which this app maps to --baseline-url.
  defaultArm: a.baseline ?? "baseline",
  onEvent: a.verbose ? (e) => process.stderr.write(JSON.stringify(e) + "\n") : undefined,
}).start();
await shim.pollNow();

/** The provider URL of an arm: the candidate's URL for the candidate, the baseline's otherwise. */
const urlFor = (arm) => (arm === shim.candidate && arm !== shim.baseline ? a["candidate-url"] : a["baseline-url"]);

const byArm = {};
let errors = 0;

let fallbacks = 0;

/** One provider call: { status, tokens } (status 0 on a transport failure or timeout). */
async function provider(arm, key, i) {
  try {
    const res = await fetch(`${urlFor(arm)}/v1/chat/completions`, {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "demo", user: key, messages: [{ role: "user", content: `hello ${i}` }] }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.json().catch(() => null);
    return { status: res.status, tokens: body?.usage?.total_tokens };
  } catch { return { status: 0 }; }
}

async function one(i) {
  const key = `merchant-${i % K}`;
  let arm, status;
  if (a.fallback) {
    const out = await shim.call(key, (armName) => provider(armName, key, i));
    arm = out.fallback ? shim.candidate : out.arm; // the routed arm
    status = out.status;
    if (out.fallback) fallbacks++;
  } else {
    arm = shim.route(key);
    const t0 = performance.now();
    const r = await provider(arm, key, i);
    status = r.status;
    shim.record({ arm, status, latencyMs: performance.now() - t0, tokens: r.tokens });
  }
  byArm[arm] = (byArm[arm] ?? 0) + 1;
  if (shim.isError(status)) errors++;
}

const inflight = new Set();
const start = performance.now();
for (let i = 0; i < N; i++) {
  const due = start + (i * 1000) / R;
  const wait = due - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const p = one(i).finally(() => inflight.delete(p));
  inflight.add(p);
}
await Promise.all(inflight);
await shim.stop({ flush: true });
await shim.pollNow(); // the weights after the last reports, for the summary

const st = shim.stats();
process.stdout.write(JSON.stringify({
  sent: N, byArm, errors, fallbacks, breakerTrips: st.breakerTrips, dropped: st.dropped, finalWeights: shim.weights, finalState: shim.state,
  revision: shim.revision, reported: st.sent, unreported: st.buffered,
}) + "\n");
process.exit(0);
