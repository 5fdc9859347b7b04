// Measures GlidepathShim.route(key) in ns per call, and compares the shim's 32-bit-halves
// hash with a straightforward BigInt implementation of the same function.
//   node shims/node/bench-route.mjs [iterations]
import { GlidepathShim, bucket } from "./glidepath-shim.mjs";

const N = Number(process.argv[2] ?? 2_000_000);
const KEYS = Array.from({ length: 1000 }, (_, i) => `merchant-${i}`);

const M64 = (1n << 64n) - 1n;
const encoder = new TextEncoder();
function bucketBigInt(migration, key) {
  let h = 0xcbf29ce484222325n;
  for (const b of encoder.encode(migration + ":" + key)) h = ((h ^ BigInt(b)) * 0x100000001b3n) & M64;
  h = ((h ^ (h >> 30n)) * 0xbf58476d1ce4e5b9n) & M64;
  h = ((h ^ (h >> 27n)) * 0x94d049bb133111ebn) & M64;
  h ^= h >> 31n;
  return Number(h % 10000n);
}

function time(label, fn, n) {
  let sink = 0;
  for (let i = 0; i < Math.min(n, 200_000); i++) sink += fn(i); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += fn(i);
  const ns = Number(process.hrtime.bigint() - t0) / n;
  console.log(`${label.padEnd(34)} ${ns.toFixed(1).padStart(8)} ns/op`);
  return sink;
}

const shim = new GlidepathShim({ server: "http://127.0.0.1:9", migration: "chat-completions", baseline: "openai" });
shim._apply({ revision: 1, state: "ramping", baseline: "openai", candidate: "holysheep",
  weights: { openai: 75, holysheep: 25 }, pollAfterSeconds: 5 }, '"1"');

for (let i = 0; i < 1000; i++) {
  if (bucket("chat-completions", KEYS[i]) !== bucketBigInt("chat-completions", KEYS[i])) throw new Error(`mismatch on ${KEYS[i]}`);
}
time("bucket() BigInt + TextEncoder", (i) => bucketBigInt("chat-completions", KEYS[i % 1000]), Math.floor(N / 10));
time("bucket() 32-bit halves", (i) => bucket("chat-completions", KEYS[i % 1000]), N);
time("route(key) (prefix hashed once)", (i) => shim.route(KEYS[i % 1000]).length, N);
time("route() without key", () => shim.route().length, N);
