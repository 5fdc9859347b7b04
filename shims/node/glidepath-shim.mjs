// glidepath client shim for Node >= 18. No dependencies.
//
// Routes each request to the baseline or the candidate arm of a glidepath migration,
// sticky by a key, and reports each outcome to the controller in batches. The controller
// is never on the request path: route() does no I/O, record() never awaits the network,
// and when the controller is away the shim keeps routing by the last good weights.
//
// The policy travels in the weights document: `errorStatuses` decides what counts as a candidate
// error (for the breaker and for call()'s fallback to the baseline) and `breaker` sets the
// breaker (consecutiveErrors, openSeconds). Breaker trips and fallbacks are reported to the
// controller as Glidepath-Breaker-Trips / Glidepath-Fallbacks headers on the next accepted batch.
//
// `overrides` (the policy's rules) force an arm by key, header, cookie or segment:
// route(key, attributes) applies them before the bucket and answers { arm, forced }; a forced
// request is recorded with forced=1 and stays out of the judge's evidence. While the migration is
// rolled back or paused, or the breaker is open, a rule forcing the candidate is skipped unless
// it says evenWhenRolledBack; rules forcing the baseline always apply.

import { readFileSync } from "node:fs";
import { X509Certificate } from "node:crypto";
import https from "node:https";

const TWO32 = 4294967296;

// ---------------------------------------------------------------------------------------
// Sticky bucketing: mix64(fnv1a64(utf8(migration + ":" + key))) mod 10000.
// 64-bit arithmetic is done on two unsigned 32-bit halves: in V8 this is several times
// faster than BigInt (see bench-route.mjs) and allocates nothing.
// ---------------------------------------------------------------------------------------

// FNV-1a state, kept in module variables so the hot loop allocates nothing.
let fnvHi = 0;
let fnvLo = 0;

/** One FNV-1a step: xor the byte in, multiply by 0x100000001b3 = 2^40 + 0x1b3 (mod 2^64). */
function fnvByte(b) {
  const lo = (fnvLo ^ b) >>> 0;
  const m = lo * 0x1b3; // < 2^41: exact in a double
  const newLo = m >>> 0;
  const carry = (m - newLo) / TWO32;
  fnvHi = (Math.imul(fnvHi, 0x1b3) + carry + (lo << 8)) >>> 0; // (lo << 40) lands as lo << 8 in the high half
  fnvLo = newLo;
}

/** Feeds the UTF-8 encoding of `s` (lone surrogates as U+FFFD, like TextEncoder). */
function fnvString(s) {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      fnvByte(c);
    } else if (c < 0x800) {
      fnvByte(0xc0 | (c >> 6));
      fnvByte(0x80 | (c & 0x3f));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        i++;
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        fnvByte(0xf0 | (c >> 18));
        fnvByte(0x80 | ((c >> 12) & 0x3f));
        fnvByte(0x80 | ((c >> 6) & 0x3f));
        fnvByte(0x80 | (c & 0x3f));
      } else {
        fnvByte(0xef); fnvByte(0xbf); fnvByte(0xbd);
      }
    } else {
      fnvByte(0xe0 | (c >> 12));
      fnvByte(0x80 | ((c >> 6) & 0x3f));
      fnvByte(0x80 | (c & 0x3f));
    }
  }
}

/** FNV-1a 64 state after feeding `prefix` (so a shim hashes "migration:" once). */
function prefixState(prefix) {
  fnvHi = 0xcbf29ce4; fnvLo = 0x84222325;
  fnvString(prefix);
  return [fnvHi, fnvLo];
}

function bucketFrom(state, key) {
  // ASCII fast path with the FNV state in locals (module variables are slower in V8).
  let hi = state[0], lo = state[1];
  const n = key.length;
  let i = 0;
  for (; i < n; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) break;
    const x = (lo ^ c) >>> 0;
    const m = x * 0x1b3;
    lo = m >>> 0;
    hi = (Math.imul(hi, 0x1b3) + (m - lo) / TWO32 + (x << 8)) >>> 0;
  }
  if (i < n) {
    fnvHi = hi; fnvLo = lo;
    fnvString(i === 0 ? key : key.slice(i));
    hi = fnvHi; lo = fnvLo;
  }
  return finish(hi, lo);
}

/** mix64 then mod 10000, with everything in locals (the hot path of route()). */
function finish(hi, lo) {
  let a1, a0, mid, low, nlo;
  // z ^= z >> 30; z *= 0xbf58476d1ce4e5b9
  lo = (lo ^ ((lo >>> 30) | (hi << 2))) >>> 0; hi = (hi ^ (hi >>> 30)) >>> 0;
  a1 = lo >>> 16; a0 = lo & 0xffff;
  mid = a0 * 0x1ce4 + a1 * 0xe5b9;
  low = a0 * 0xe5b9 + (mid % 65536) * 65536;
  nlo = low >>> 0;
  hi = (a1 * 0x1ce4 + Math.floor(mid / 65536) + (low - nlo) / TWO32
    + Math.imul(hi, 0x1ce4e5b9) + Math.imul(lo, 0xbf58476d)) >>> 0;
  lo = nlo;
  // z ^= z >> 27; z *= 0x94d049bb133111eb
  lo = (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0; hi = (hi ^ (hi >>> 27)) >>> 0;
  a1 = lo >>> 16; a0 = lo & 0xffff;
  mid = a0 * 0x1331 + a1 * 0x11eb;
  low = a0 * 0x11eb + (mid % 65536) * 65536;
  nlo = low >>> 0;
  hi = (a1 * 0x1331 + Math.floor(mid / 65536) + (low - nlo) / TWO32
    + Math.imul(hi, 0x133111eb) + Math.imul(lo, 0x94d049bb)) >>> 0;
  lo = nlo;
  // z ^= z >> 31
  lo = (lo ^ ((lo >>> 31) | (hi << 1))) >>> 0; hi = (hi ^ (hi >>> 31)) >>> 0;
  return ((hi % 10000) * 7296 + lo) % 10000;
}

/** fnv1a64 of the UTF-8 of `s`, as a 16-digit hex string (for tests and debugging). */
export function fnv1a64Hex(s) {
  prefixState(s);
  return fnvHi.toString(16).padStart(8, "0") + fnvLo.toString(16).padStart(8, "0");
}

/** The sticky bucket (0..9999) of `key` in `migration`, identical in every glidepath shim. */
export function bucket(migration, key) {
  return bucketFrom(prefixState(migration + ":"), String(key));
}

// ---------------------------------------------------------------------------------------
// The shim
// ---------------------------------------------------------------------------------------

const MAX_BACKOFF_MS = 30000;
const DEFAULT_POLL_SECONDS = 5;
const MAX_REPORTED = 1000000; // the controller's bound for one Glidepath-Breaker-Trips / -Fallbacks value

/** The policy's default error statuses, used before any document and when a document has none. */
export const DEFAULT_ERROR_STATUSES = Object.freeze([0, 429, "5xx"]);
/** The default breaker (a document without `breaker` and no explicit constructor settings). */
export const DEFAULT_BREAKER = Object.freeze({ consecutiveErrors: 5, openSeconds: 30 });
/** Shadow copies (`call(key, fn, { mirror })`) running at once per shim; more are dropped and counted. */
export const MAX_MIRRORS_IN_FLIGHT = 4;

/** The default error classes: 0 (no answer), 429 and 5xx. A running shim uses `shim.isError`. */
export function isErrorStatus(status) {
  return status === 0 || status === 429 || (status >= 500 && status <= 599);
}

const STATUS_CLASS = /^[1-5]xx$/;
const kindOf = (v) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v === "object" ? "an object" : JSON.stringify(v));

/**
 * Checks a weights document's `errorStatuses`: a non-empty array of integers (0 or 100..599)
 * and class strings "1xx".."5xx" (lower-case x). Returns the problem (naming the element), or null.
 */
export function checkErrorStatuses(value) {
  if (!Array.isArray(value)) return `errorStatuses must be an array, found ${kindOf(value)}`;
  if (value.length === 0) return "errorStatuses must list at least one status";
  for (let i = 0; i < value.length; i++) {
    const p = value[i];
    if (typeof p === "number") {
      if (!Number.isInteger(p) || !(p === 0 || (p >= 100 && p <= 599))) {
        return `errorStatuses[${i}] must be 0 or an integer status from 100 to 599, found ${p}`;
      }
    } else if (typeof p === "string") {
      if (!STATUS_CLASS.test(p)) return `errorStatuses[${i}] must be a class "1xx".."5xx" (lower-case x) or an integer status, found ${JSON.stringify(p)}`;
    } else {
      return `errorStatuses[${i}] must be an integer status or a class like "5xx", found ${kindOf(p)}`;
    }
  }
  return null;
}

/**
 * Checks a weights document's `breaker`: `consecutiveErrors` (integer 1..1000) and `openSeconds`
 * (integer 1..3600), both required; other members are ignored. Returns the problem, or null.
 */
export function checkBreaker(value) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return `breaker must be an object, found ${kindOf(value)}`;
  for (const [name, high] of [["consecutiveErrors", 1000], ["openSeconds", 3600]]) {
    if (!(name in value)) return `breaker.${name} is missing`;
    const n = value[name];
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > high) {
      return `breaker.${name} must be an integer from 1 to ${high}, found ${kindOf(n)}`;
    }
  }
  return null;
}

const isStringList = (v) => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string");

/**
 * Checks a weights document's `overrides`: an array of rules, each with `arm` ("baseline" or
 * "candidate"), exactly one of `keys` (non-empty array of strings) or `attribute` ("header:<name>" /
 * "cookie:<name>" with `equals`, a string; "segment" with `in`, a non-empty array of strings), and
 * optionally `evenWhenRolledBack` (boolean). Other members are ignored. Returns the problem, or null.
 */
export function checkOverrides(value) {
  if (!Array.isArray(value)) return `overrides must be an array of rules, found ${kindOf(value)}`;
  for (const [i, rule] of value.entries()) {
    const at = `overrides[${i}]`;
    if (rule === null || typeof rule !== "object" || Array.isArray(rule)) return `${at} must be an object, found ${kindOf(rule)}`;
    if (rule.arm !== "baseline" && rule.arm !== "candidate") return `${at}.arm must be "baseline" or "candidate", found ${kindOf(rule.arm)}`;
    if ("evenWhenRolledBack" in rule && typeof rule.evenWhenRolledBack !== "boolean") return `${at}.evenWhenRolledBack must be true or false`;
    if (("keys" in rule) === ("attribute" in rule)) return `${at} needs exactly one of "keys" and "attribute"`;
    if ("keys" in rule) {
      if (!isStringList(rule.keys)) return `${at}.keys must be a non-empty array of strings`;
    } else if (rule.attribute === "segment") {
      if (!isStringList(rule.in)) return `${at}.in must be a non-empty array of strings`;
    } else if (typeof rule.attribute === "string" && /^(header|cookie):./.test(rule.attribute)) {
      if (typeof rule.equals !== "string") return `${at}.equals must be a string`;
    } else {
      return `${at}.attribute must be "header:<name>", "cookie:<name>" or "segment", found ${kindOf(rule.attribute)}`;
    }
  }
  return null;
}

/** Validated `overrides` → rules ready to match: { kind, name, values: Set, candidate, even }. */
function compileOverrides(rules) {
  return Object.freeze((rules ?? []).map((r) => {
    const even = r.evenWhenRolledBack === true, candidate = r.arm === "candidate";
    if ("keys" in r) return { kind: "keys", name: "", values: new Set(r.keys), candidate, even };
    if (r.attribute === "segment") return { kind: "segment", name: "segment", values: new Set(r.in), candidate, even };
    const kind = r.attribute.slice(0, 6), rest = r.attribute.slice(7);
    return { kind, name: kind === "header" ? "header:" + rest.toLowerCase() : "cookie:" + rest,
      values: new Set([r.equals]), candidate, even };
  }));
}

/** status (0..599) → 1 when an error under `patterns` (validated `errorStatuses`). */
function errorTable(patterns) {
  const t = new Uint8Array(600);
  for (const p of patterns) {
    if (typeof p === "string") t.fill(1, Number(p[0]) * 100, Number(p[0]) * 100 + 100);
    else t[p] = 1;
  }
  return t;
}
const DEFAULT_ERROR_TABLE = errorTable(DEFAULT_ERROR_STATUSES);
const monotonicMs = () => performance.now();

/** Formats a non-negative decimal without exponent notation (the ingest grammar has none). */
function decimal(x) {
  if (!Number.isFinite(x) || x <= 0) return "0";
  if (x >= 1e15) return "1000000000000000";
  const r = Math.round(x * 1000) / 1000;
  return r < 0.001 ? "0" : String(r);
}


// ---------------------------------------------------------------------------------------
// TLS with a named CA. Node's fetch cannot be given a CA without the undici package, so with
// `caFile` the two calls go through node:https with an Agent whose `ca` is that file: the
// certificate chain and the host name are verified against it, never skipped.
// ---------------------------------------------------------------------------------------

/** A controller answer above this is refused (a weights document is a few hundred bytes). */
const MAX_RESPONSE_BYTES = 1 << 20;

/**
 * The https.Agent for `caFile`: keep-alive, TLS 1.2 at least, `ca` = the file's certificates.
 * Throws (TypeError, or the fs error) when the server is not https:// or the file holds no
 * readable certificate: at construction, never in a background poll.
 */
function tlsAgent(servers, caFile) {
  const server = servers.find((u) => !/^https:\/\//i.test(u));
  if (server !== undefined) {
    throw new TypeError(`caFile is set but server ${JSON.stringify(server)} is not https://: the ingest token would cross in plaintext; use the TLS front's https:// URL`);
  }
  const pem = readFileSync(caFile, "utf8");
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new TypeError(`caFile ${caFile} holds no PEM certificate`);
  for (const b of blocks) {
    try { new X509Certificate(b); } catch (err) { throw new TypeError(`caFile ${caFile}: a certificate does not parse (${err.message})`); }
  }
  return new https.Agent({ ca: blocks, keepAlive: true, maxSockets: 4, minVersion: "TLSv1.2", rejectUnauthorized: true });
}

/** The slice of fetch the shim uses (status, headers.get, text, arrayBuffer) over node:https. */
function agentFetch(agent, url, { method = "GET", headers = {}, body, signal } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (body !== undefined) h["Content-Length"] = String(Buffer.byteLength(body));
    const fail = (err) => { const e = new Error(`request failed: ${err?.message ?? err}`); e.cause = err; reject(e); };
    const req = https.request(url, { method, headers: h, agent, signal }, (res) => {
      const chunks = [];
      let size = 0;
      res.on("data", (chunk) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) { req.destroy(Object.assign(new Error("response too large"), { code: "ERESPONSETOOLARGE" })); return; }
        chunks.push(chunk);
      });
      res.on("error", fail);
      res.on("end", () => {
        const buf = Buffer.concat(chunks);
        resolve({
          status: res.statusCode,
          headers: { get: (name) => { const v = res.headers[String(name).toLowerCase()]; return v === undefined ? null : String(v); } },
          text: async () => buf.toString("utf8"),
          arrayBuffer: async () => buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength),
        });
      });
    });
    req.on("error", fail);
    req.end(body);
  });
}

/** At most this many controller URLs (a primary and its standbys). */
export const MAX_SERVERS = 8;
/** While routed to a URL after the first, the first is tried again after this many milliseconds. */
export const RETRY_FIRST_AFTER_MS = 30000;

/**
 * `server`: one URL, a comma-separated string of URLs, or an array of URLs, in failover order.
 * Throws a TypeError naming the problem.
 */
export function serverList(server) {
  const items = Array.isArray(server) ? server : String(server ?? "").split(",");
  const urls = items.map((u) => (typeof u === "string" ? u.trim().replace(/\/+$/, "") : ""));
  if (urls.length === 0 || urls.length > MAX_SERVERS || urls.some((u) => !/^https?:\/\/[^/]/.test(u))) {
    throw new TypeError(`server must be 1 to ${MAX_SERVERS} http(s) URLs (a string, comma-separated, or an array), found ${JSON.stringify(server)}`);
  }
  return urls;
}

/**
 * The controller URLs in order. A request goes to the URL that answered last (sticky); on a
 * connection error, a timeout or a 5xx answer (a standby refuses writes with 503) it tries the
 * next, round to the first. While on a later URL, the first is tried again every
 * `retryFirstAfterMs`, so traffic returns to the primary once it is back. 304 and 4xx are answers.
 * When every URL fails, the last answer comes back (or the last error is thrown) and the next
 * request starts again from the first.
 */
export class ServerList {
  constructor(urls, { fetchImpl = (...a) => fetch(...a), clock = monotonicMs, retryFirstAfterMs = RETRY_FIRST_AFTER_MS, onSwitch } = {}) {
    this.urls = urls;
    this.current = 0;
    this._fetch = fetchImpl;
    this._clock = clock;
    this._retryFirstAfterMs = retryFirstAfterMs;
    this._retryFirstAt = 0;
    this._onSwitch = onSwitch;
  }

  /** `fetch(url + path, init)` with `makeInit()` called per attempt (a fresh timeout signal each). */
  async fetch(path, makeInit) {
    const n = this.urls.length;
    let start = this.current;
    if (start !== 0 && this._clock() >= this._retryFirstAt) start = 0;
    let last = null, error = null;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      let res;
      try {
        res = await this._fetch(this.urls[i] + path, makeInit());
      } catch (err) {
        error = err; last = null;
        continue;
      }
      if (res.status >= 500) {
        if (k < n - 1) await res.arrayBuffer().catch(() => {});
        last = res; error = null;
        continue;
      }
      if (i !== 0 && start === 0) this._retryFirstAt = this._clock() + this._retryFirstAfterMs;
      if (i !== this.current) {
        const old = this.urls[this.current];
        this.current = i;
        this._onSwitch?.(old, this.urls[i]);
      }
      return res;
    }
    this.current = 0;
    if (last) return last;
    throw error;
  }
}

export class GlidepathShim {
  /**
   * @param {object} o
   * @param {string|string[]} o.server controller base URL, e.g. "http://127.0.0.1:8470"; or several in
   *   failover order (an array or a comma-separated string): a primary, then its standbys
   * @param {string} o.migration migration name
   * @param {string} [o.ingestToken] bearer token for the observations endpoint
   * @param {string} [o.baseline] expected baseline arm name (also the default arm)
   * @param {string} [o.candidate] expected candidate arm name
   * @param {string} [o.defaultArm] arm used before any weights were seen
   * @param {number} [o.breakerThreshold] consecutive candidate errors that open the breaker while
   *   the weights document carries no `breaker` (the policy's settings win); 0 disables the breaker
   * @param {number} [o.breakerCooldownMs] how long it stays open, same rule
   * @param {() => number} [o.clock] monotonic milliseconds for the breaker (tests inject one)
   * @param {string} [o.caFile] PEM file of the CA that signed the TLS front's certificate: an https://
   *   server is verified against it (instead of Node's bundled CAs) through an https.Agent
   */
  constructor({
    server, migration, ingestToken, baseline, candidate, defaultArm, shimId,
    fallbackToBaseline = false, breakerThreshold, breakerCooldownMs,
    maxBufferedLines = 10000, batchLines = 500, batchIntervalMs = 1000,
    onEvent, timeoutMs = 2000, clock, caFile,
  } = {}) {
    if (!server || !migration) throw new TypeError("GlidepathShim needs `server` and `migration`");
    const dflt = defaultArm ?? baseline;
    if (!dflt) throw new TypeError("GlidepathShim needs `baseline` or `defaultArm` (the arm used before any weights are seen)");
    this.servers = Object.freeze(serverList(server));
    this.server = this.servers[0];
    this.migration = migration;
    this.ingestToken = ingestToken;
    this.baselineHint = baseline;
    this.candidateHint = candidate;
    this.defaultArm = dflt;
    this.shimId = shimId ?? `node-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
    this.fallbackToBaseline = fallbackToBaseline;
    // The user's explicit breaker settings (undefined = not set): used while no document has one.
    this.breakerThreshold = breakerThreshold;
    this.breakerCooldownMs = breakerCooldownMs;
    if (breakerThreshold !== undefined && !(Number.isInteger(breakerThreshold) && breakerThreshold >= 0)) {
      throw new TypeError("breakerThreshold must be an integer >= 0 (0 disables the breaker)");
    }
    if (breakerCooldownMs !== undefined && !(Number.isFinite(breakerCooldownMs) && breakerCooldownMs > 0)) {
      throw new TypeError("breakerCooldownMs must be a number > 0");
    }
    this._ownBreaker = Object.freeze({
      consecutiveErrors: breakerThreshold || DEFAULT_BREAKER.consecutiveErrors,
      openSeconds: breakerCooldownMs === undefined ? DEFAULT_BREAKER.openSeconds : breakerCooldownMs / 1000,
    });
    this._clock = clock ?? monotonicMs;
    this.maxBufferedLines = maxBufferedLines;
    this.batchLines = batchLines;
    this.batchIntervalMs = batchIntervalMs;
    this.onEvent = onEvent;
    this.timeoutMs = timeoutMs;
    // How HTTP is sent: global fetch, or with caFile an https.Agent trusting that CA (fetch takes no CA).
    this.caFile = caFile;
    this._agent = caFile === undefined ? null : tlsAgent(this.servers, caFile);
    this._fetch = this._agent ? (url, init) => agentFetch(this._agent, url, init) : (url, init) => fetch(url, init);

    const enc = encodeURIComponent(migration);
    this._weightsPath = `/v1/migrations/${enc}/weights`;
    this._ingestPath = `/v1/migrations/${enc}/observations`;
    this._activeServer = this.server;
    const onSwitch = (from, to) => { this._activeServer = to; this._emit({ type: "failover", from, to }); };
    // One list for polls, one for reports: each sticks to the URL that last answered it.
    this._pollServers = new ServerList(this.servers, { onSwitch, fetchImpl: this._fetch });
    this._sendServers = new ServerList(this.servers, { onSwitch, fetchImpl: this._fetch });
    this._prefix = prefixState(migration + ":");

    // Current routing table (replaced as a whole, never mutated).
    this._doc = null; // last good weights document
    this._baseline = dflt;
    this._candidate = candidate ?? null;
    this._threshold = -1; // bucket < threshold → candidate; -1 = no weights yet
    this._etag = null;
    this._pollAfterSeconds = DEFAULT_POLL_SECONDS;
    this._errorStatuses = DEFAULT_ERROR_STATUSES; // the last good document's, as written
    this._errorTable = DEFAULT_ERROR_TABLE;
    this._docBreaker = null; // the last good document's breaker, null when it had none
    this._overrides = Object.freeze([]); // the last good document's override rules, compiled

    this._buffer = [];
    this._dropped = 0;
    this._dropReported = false;
    this._invalid = 0;
    this._sentLines = 0;
    this._rejectedLines = 0;
    this._sendFailures = 0;
    this._backoffMs = 0;
    this._nextSendAt = 0;
    this._sending = null;

    this._consecutiveCandidateErrors = 0;
    this._breakerUntil = 0; // clock time the open breaker closes; 0 = closed
    this._breakerTrips = 0;
    this._fallbacks = 0;
    this._unreportedTrips = 0; // not yet carried by an accepted batch
    this._unreportedFallbacks = 0;

    this._mirrorThreshold = 0; // bucket < this and served by the baseline → mirrored (document's mirror)
    this._mirrorsInFlight = 0;
    this._mirrored = 0; // shadow copies started
    this._mirrorsDropped = 0; // shadow copies dropped: MAX_MIRRORS_IN_FLIGHT were running

    this._running = false;
    this._pollTimer = null;
    this._flushTimer = null;
    this._polling = null;
  }

  // ----- routing -------------------------------------------------------------------------

  /**
   * The arm name for this request: sticky by `key`, or a random bucket when no key. No I/O.
   * With `attributes` (an object, even {}): applies the override rules first and answers
   * `{ arm, forced }` — record it with `forced` (call() does) so it stays out of the evidence.
   */
  route(key, attributes) {
    if (attributes !== undefined) return this._routeWithRules(key, attributes ?? {});
    if (this._threshold < 0) return this.defaultArm;
    if (this._breakerUntil !== 0) {
      if (this._clock() < this._breakerUntil) return this._baseline;
      this._breakerUntil = 0;
      this._consecutiveCandidateErrors = 0;
      this._emit({ type: "breaker_closed" });
    }
    const b = key === undefined || key === null
      ? Math.floor(Math.random() * 10000)
      : bucketFrom(this._prefix, typeof key === "string" ? key : String(key));
    return b < this._threshold ? this._candidate : this._baseline;
  }

  _routeWithRules(key, attributes) {
    const forced = this._forcedRoute(key, attributes);
    return forced !== null ? { arm: forced, forced: true } : { arm: this.route(key), forced: false };
  }

  /** The arm the first applicable matching override rule forces; null when the bucket decides. */
  _forcedRoute(key, attributes) {
    if (this._threshold >= 0 && this._overrides.length > 0) {
      const state = this._doc.state;
      const held = state === "rolled_back" || state === "paused"
        || (this._breakerUntil !== 0 && this._clock() < this._breakerUntil);
      let headers = null;
      for (const rule of this._overrides) {
        if (held && rule.candidate && !rule.even) continue;
        let value;
        if (rule.kind === "keys") value = key === undefined || key === null ? undefined : String(key);
        else if (rule.kind === "header") {
          if (headers === null) {
            headers = new Map();
            for (const [k, v] of Object.entries(attributes)) {
              if (k.slice(0, 7).toLowerCase() === "header:") headers.set(k.toLowerCase(), v);
            }
          }
          value = headers.get(rule.name);
        } else value = attributes[rule.name];
        if (typeof value === "string" && rule.values.has(value)) {
          return rule.candidate ? this._candidate : this._baseline;
        }
      }
    }
    return null;
  }

  /**
   * Whether to retry a failed candidate request once on the baseline (fallbackToBaseline on,
   * `status` an error under the policy's errorStatuses). A true answer counts one fallback
   * (reported to the controller). `call()` does all of this in one step.
   */
  shouldRetryOnBaseline(arm, status) {
    const yes = this.fallbackToBaseline && this._isCandidate(arm) && this.isError(status);
    if (yes) this._countFallback();
    return yes;
  }

  /** Whether `status` is an error: the last good document's errorStatuses, else [0, 429, "5xx"]. */
  isError(status) {
    return Number.isInteger(status) && status >= 0 && status < 600 && this._errorTable[status] === 1;
  }

  /** The error statuses in force, as the policy wrote them. */
  get errorStatuses() { return [...this._errorStatuses]; }

  /** The breaker in force: the document's, else the constructor's, else 5 errors / 30 s. */
  get breakerSettings() { return { ...(this._docBreaker ?? this._ownBreaker) }; }

  /**
   * Routes by `key`, awaits `fn(arm)` and records the outcome with its latency. `fn` returns (or
   * resolves to) `{ status, result?, tokens?, ttftMs? }`; a throw or rejection is recorded as
   * status 0. When the arm was the candidate and the status is an error (`isError`), the baseline
   * is called the same way, both outcomes are recorded and one fallback is counted. Resolves to
   * `{ arm, status, result, fallback }` of the arm that answered; rethrows when that arm threw.
   *
   * The third argument is `{ attributes?, mirror? }`, or the attributes map itself (older form; an
   * attributes map never has an `attributes` or `mirror` member). The policy's override rules apply
   * first (`route(key, attributes)`): a forced request's outcomes, its fallback's too, are recorded
   * with forced=1, and a forced request is never mirrored (not a random sample).
   *
   * `options.mirror(candidate)` (same reply shape; its answer is discarded): on a shadow step, when
   * the baseline serves the request and its bucket is below the document's `mirror`, it runs in
   * the background and its outcome is recorded as a `mirror=1` line. At most
   * MAX_MIRRORS_IN_FLIGHT copies run at once; a copy beyond that is dropped and counted
   * (`stats().mirrorsDropped`). It never delays or changes the answer.
   */
  async call(key, fn, options = {}) {
    // The third argument is either `{ attributes?, mirror? }` or (older form) the attributes map itself.
    const opts = options ?? {};
    const isOptions = Object.hasOwn(opts, "attributes") || Object.hasOwn(opts, "mirror");
    const attributes = (isOptions ? opts.attributes : opts) ?? {};
    const mirror = isOptions ? opts.mirror : undefined;
    const forcedArm = this._forcedRoute(key, attributes);
    const forced = forcedArm !== null;
    let arm;
    if (forced) {
      arm = forcedArm; // a forced request is never mirrored: not a random sample
    } else if (typeof mirror !== "function") {
      arm = this.route(key);
    } else {
      const b = key === undefined || key === null
        ? Math.floor(Math.random() * 10000)
        : bucketFrom(this._prefix, typeof key === "string" ? key : String(key));
      arm = this._routeBucket(b);
      if (this.mirrors(b, arm)) this._startMirror(this._candidate, mirror);
    }
    const first = await this._callArm(arm, fn, forced);
    if (!this._isCandidate(arm) || !this.isError(first.status)) {
      if (first.threw) throw first.error;
      return { arm, status: first.status, result: first.result, fallback: false };
    }
    this._countFallback();
    const baseline = this._baseline;
    const second = await this._callArm(baseline, fn, forced);
    if (second.threw) throw second.error;
    return { arm: baseline, status: second.status, result: second.result, fallback: true };
  }

  /** `route()` for an already drawn bucket. */
  _routeBucket(b) {
    if (this._threshold < 0) return this.defaultArm;
    if (this._breakerUntil !== 0) {
      if (this._clock() < this._breakerUntil) return this._baseline;
      this._breakerUntil = 0;
      this._consecutiveCandidateErrors = 0;
      this._emit({ type: "breaker_closed" });
    }
    return b < this._threshold ? this._candidate : this._baseline;
  }

  /**
   * Whether a request in bucket `b` served by `arm` is mirrored to the candidate: the baseline
   * serves it and `b < round(mirror × 100)` (the last good document's `mirror`).
   */
  mirrors(b, arm) {
    return this._doc !== null && arm === this._baseline && arm !== this._candidate && b < this._mirrorThreshold;
  }

  /** Starts one shadow copy unless MAX_MIRRORS_IN_FLIGHT run; never awaited by the caller. */
  _startMirror(candidate, mirror) {
    if (this._mirrorsInFlight >= MAX_MIRRORS_IN_FLIGHT) { this._mirrorsDropped++; return false; }
    this._mirrorsInFlight++;
    this._mirrored++;
    const t0 = performance.now();
    const done = (reply) => {
      this._mirrorsInFlight--;
      this.record({ arm: candidate, status: reply?.status, latencyMs: performance.now() - t0,
        tokens: reply?.tokens, ttftMs: reply?.ttftMs, mirror: true });
    };
    // On the next turn, so the user's call starts first; a throw or rejection is status 0.
    Promise.resolve().then(() => mirror(candidate)).then(done, () => done({ status: 0 }));
    return true;
  }

  async _callArm(arm, fn, forced) {
    const t0 = performance.now();
    let reply;
    try {
      reply = await fn(arm);
    } catch (error) {
      this.record({ arm, status: 0, latencyMs: performance.now() - t0, forced });
      return { status: 0, threw: true, error };
    }
    const status = reply?.status;
    this.record({ arm, status, latencyMs: performance.now() - t0, tokens: reply?.tokens, ttftMs: reply?.ttftMs, forced });
    return { status, result: reply?.result, threw: false };
  }

  _isCandidate(arm) {
    return this._candidate !== null && arm === this._candidate && arm !== this._baseline;
  }

  _countFallback() {
    this._fallbacks++;
    this._unreportedFallbacks++;
  }

  /** The last good weights document (or null), its state and revision. */
  get weights() { return this._doc ? { ...this._doc.weights } : null; }
  get state() { return this._doc ? this._doc.state : null; }
  get revision() { return this._doc ? this._doc.revision : null; }
  get baseline() { return this._baseline; }
  get candidate() { return this._candidate; }

  // ----- recording -----------------------------------------------------------------------

  /**
   * Records one request outcome (`forced`: an override rule chose the arm; `mirror`: a background
   * shadow copy sent to the candidate; never both). Never throws, never awaits the network.
   */
  record({ arm, status, latencyMs, tokens, ttftMs, forced, mirror = false } = {}) {
    if (typeof arm !== "string" || arm === "" || /\s/.test(arm)
      || !Number.isInteger(status) || !(status === 0 || (status >= 100 && status <= 599))
      || (mirror && this._candidate !== null && arm !== this._candidate)
      || (mirror && forced === true)) {
      this._invalid++;
      this._emit({ type: "invalid_record", arm, status });
      return false;
    }
    if (!mirror && this._candidate !== null && arm === this._candidate && arm !== this._baseline) {
      this._countCandidate(status); // a mirrored copy never feeds the breaker: no user saw it
    }
    if (this._buffer.length >= this.maxBufferedLines) {
      this._dropped++;
      if (!this._dropReported) {
        this._dropReported = true;
        this._emit({ type: "dropped", dropped: this._dropped, buffered: this._buffer.length });
      }
      return false;
    }
    let line = `${arm} ${status} ${decimal(latencyMs)}`;
    if (Number.isFinite(tokens) && tokens >= 0) line += ` tokens=${Math.floor(tokens)}`;
    if (Number.isFinite(ttftMs) && ttftMs >= 0) line += ` ttft_ms=${decimal(ttftMs)}`;
    if (mirror) line += " mirror=1";
    else if (forced === true) line += " forced=1";
    this._buffer.push(line);
    if (this._running && this._buffer.length >= this.batchLines && this._sending === null) {
      setImmediate(() => this._flushOnce()).unref?.();
    }
    return true;
  }

  _countCandidate(status) {
    if (this.breakerThreshold === 0) return; // turned off by the user, whatever the document says
    const now = this._clock();
    if (this._breakerUntil !== 0) {
      if (now < this._breakerUntil) return; // open: answers to requests routed before do not count
      this._breakerUntil = 0;
      this._consecutiveCandidateErrors = 0;
      this._emit({ type: "breaker_closed" });
    }
    if (!this.isError(status)) { this._consecutiveCandidateErrors = 0; return; }
    this._consecutiveCandidateErrors++;
    const settings = this._docBreaker ?? this._ownBreaker;
    if (this._consecutiveCandidateErrors >= settings.consecutiveErrors) {
      this._breakerUntil = now + settings.openSeconds * 1000;
      this._consecutiveCandidateErrors = 0;
      this._breakerTrips++;
      this._unreportedTrips++;
      this._emit({ type: "breaker_open", consecutiveErrors: settings.consecutiveErrors,
        openSeconds: settings.openSeconds, cooldownMs: settings.openSeconds * 1000 });
    }
  }

  /** Counters for dashboards and tests. */
  stats() {
    return {
      buffered: this._buffer.length, dropped: this._dropped, invalid: this._invalid,
      sent: this._sentLines, rejected: this._rejectedLines, sendFailures: this._sendFailures,
      revision: this.revision, state: this.state, weights: this.weights,
      breakerOpen: this._breakerUntil !== 0 && this._clock() < this._breakerUntil,
      breakerTrips: this._breakerTrips, fallbacks: this._fallbacks,
      unreportedBreakerTrips: this._unreportedTrips, unreportedFallbacks: this._unreportedFallbacks,
      errorStatuses: this.errorStatuses, breaker: this.breakerSettings,
      mirror: this._mirrorThreshold / 100, mirrored: this._mirrored, mirrorsDropped: this._mirrorsDropped,
      mirrorsInFlight: this._mirrorsInFlight, server: this._activeServer,
    };
  }

  // ----- lifecycle -----------------------------------------------------------------------

  /** Starts polling (immediately) and the batch timer. Timers never keep the process alive. */
  start() {
    if (this._running) return this;
    this._running = true;
    this._schedulePoll(0);
    this._flushTimer = setInterval(() => this._flushOnce(), this.batchIntervalMs);
    this._flushTimer.unref();
    return this;
  }

  /** Stops the timers; with flush (default) tries once to send everything buffered. */
  async stop({ flush = true } = {}) {
    this._running = false;
    clearTimeout(this._pollTimer); this._pollTimer = null;
    clearInterval(this._flushTimer); this._flushTimer = null;
    if (this._sending) await this._sending;
    if (flush) {
      this._nextSendAt = 0;
      while (this._buffer.length > 0) {
        // A send started just before stop() (an already-queued immediate) finishes first.
        if (this._sending) { await this._sending; continue; }
        const ok = await this._flushOnce(true);
        if (!ok) break;
      }
    }
    if (this._polling) await this._polling;
    this._agent?.destroy();
  }

  // ----- polling -------------------------------------------------------------------------

  _schedulePoll(ms) {
    if (!this._running) return;
    clearTimeout(this._pollTimer);
    this._pollTimer = setTimeout(() => {
      this.pollNow().finally(() => {
        const period = this._pollAfterSeconds * 1000;
        this._schedulePoll(period * (0.9 + 0.2 * Math.random()));
      });
    }, ms);
    this._pollTimer.unref();
  }

  /** Polls the weights once now. Resolves to true when weights are current; never rejects. */
  pollNow() {
    if (this._polling) return this._polling;
    this._polling = this._poll().catch((err) => {
      this._emit({ type: "poll_failed", reason: String(err?.message ?? err) });
      return false;
    }).finally(() => { this._polling = null; });
    return this._polling;
  }

  async _poll() {
    const headers = { "Glidepath-Shim": this.shimId, Accept: "application/json" };
    if (this._etag) headers["If-None-Match"] = this._etag;
    let res;
    try {
      res = await this._pollServers.fetch(this._weightsPath, () => ({ headers, signal: AbortSignal.timeout(this.timeoutMs) }));
    } catch (err) {
      this._emit({ type: "poll_failed", reason: `controller unreachable: ${err?.cause?.code ?? err?.name ?? err}` });
      return false;
    }
    if (res.status === 304) { await res.arrayBuffer().catch(() => {}); return true; }
    const text = await res.text().catch(() => "");
    if (res.status !== 200) {
      this._emit({ type: "poll_failed", status: res.status, reason: `weights answered ${res.status}` });
      return false;
    }
    let doc;
    try { doc = JSON.parse(text); } catch {
      this._emit({ type: "weights_rejected", reason: "weights body is not JSON" });
      return false;
    }
    const problem = this._validate(doc);
    if (problem) {
      this._emit({ type: "weights_rejected", reason: problem });
      return false;
    }
    this._apply(doc, res.headers.get("etag"));
    return true;
  }

  /** Returns why `doc` is not acceptable, or null. */
  _validate(doc) {
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return "weights body is not an object";
    const { baseline, candidate, weights, revision } = doc;
    if (typeof baseline !== "string" || typeof candidate !== "string" || baseline === "" || candidate === "") return "baseline/candidate missing";
    if (baseline === candidate) return "baseline and candidate are the same arm";
    if (doc.migration !== undefined && doc.migration !== this.migration) return `weights are for migration ${JSON.stringify(doc.migration)}`;
    if (this.baselineHint !== undefined && baseline !== this.baselineHint) return `unexpected baseline ${JSON.stringify(baseline)} (expected ${JSON.stringify(this.baselineHint)})`;
    if (this.candidateHint !== undefined && candidate !== this.candidateHint) return `unexpected candidate ${JSON.stringify(candidate)} (expected ${JSON.stringify(this.candidateHint)})`;
    if (weights === null || typeof weights !== "object" || Array.isArray(weights)) return "weights missing";
    const names = Object.keys(weights);
    if (names.length !== 2 || !(baseline in weights) || !(candidate in weights)) return `weights must name exactly the two arms, got ${JSON.stringify(names)}`;
    const wb = weights[baseline], wc = weights[candidate];
    if (![wb, wc].every((w) => typeof w === "number" && Number.isFinite(w) && w >= 0 && w <= 100)) return "weights must be numbers between 0 and 100";
    if (Math.abs(wb + wc - 100) > 0.01) return `weights sum to ${wb + wc}, not 100`;
    if (!Number.isInteger(revision) || revision < 0) return "revision missing";
    if (this._doc && revision < this._doc.revision) return `revision went backwards (${revision} < ${this._doc.revision})`;
    // An older controller sends neither member (defaults apply); a malformed one refuses the document.
    if ("errorStatuses" in doc) { const p = checkErrorStatuses(doc.errorStatuses); if (p) return p; }
    if ("breaker" in doc) { const p = checkBreaker(doc.breaker); if (p) return p; }
    if ("mirror" in doc && !(typeof doc.mirror === "number" && Number.isFinite(doc.mirror) && doc.mirror >= 0
      && doc.mirror <= 100)) return `mirror must be a percentage from 0 to 100, found ${kindOf(doc.mirror)}`;
    if ("overrides" in doc) { const p = checkOverrides(doc.overrides); if (p) return p; }
    return null;
  }

  _apply(doc, etag) {
    const changed = !this._doc || this._doc.revision !== doc.revision
      || this._doc.weights[doc.candidate] !== doc.weights[doc.candidate];
    this._doc = { migration: this.migration, revision: doc.revision, state: doc.state ?? null,
      step: doc.step ?? null, baseline: doc.baseline, candidate: doc.candidate,
      weights: { [doc.baseline]: doc.weights[doc.baseline], [doc.candidate]: doc.weights[doc.candidate] } };
    this._baseline = doc.baseline;
    this._candidate = doc.candidate;
    this._threshold = Math.round(doc.weights[doc.candidate] * 100);
    this._mirrorThreshold = doc.mirror === undefined ? 0 : Math.round(doc.mirror * 100);
    this._errorStatuses = doc.errorStatuses === undefined ? DEFAULT_ERROR_STATUSES : Object.freeze([...doc.errorStatuses]);
    this._errorTable = doc.errorStatuses === undefined ? DEFAULT_ERROR_TABLE : errorTable(doc.errorStatuses);
    this._docBreaker = doc.breaker === undefined ? null
      : Object.freeze({ consecutiveErrors: doc.breaker.consecutiveErrors, openSeconds: doc.breaker.openSeconds });
    this._overrides = compileOverrides(doc.overrides);
    this._etag = etag ?? `"${doc.revision}"`;
    const p = Number(doc.pollAfterSeconds);
    if (Number.isFinite(p) && p > 0) this._pollAfterSeconds = Math.min(p, 3600);
    if (changed) this._emit({ type: "weights", revision: doc.revision, state: this._doc.state, weights: this.weights });
  }

  // ----- sending -------------------------------------------------------------------------

  /** Sends one batch if due. Resolves to true when the batch left the buffer. */
  _flushOnce(force = false) {
    if (this._sending) return this._sending.then(() => false);
    if (this._buffer.length === 0) return Promise.resolve(true);
    if (!force && Date.now() < this._nextSendAt) return Promise.resolve(false);
    this._sending = this._send().catch(() => false).finally(() => { this._sending = null; });
    return this._sending;
  }

  async _send() {
    const n = Math.min(this.batchLines, this._buffer.length);
    const body = this._buffer.slice(0, n).join("\n") + "\n";
    const headers = { "Content-Type": "text/plain", "Glidepath-Shim": this.shimId };
    if (this.ingestToken) headers.Authorization = `Bearer ${this.ingestToken}`;
    if (this._doc) headers["Glidepath-Revision"] = String(this._doc.revision);
    // Counts since the last accepted batch; kept when this one is not accepted.
    const trips = Math.min(this._unreportedTrips, MAX_REPORTED);
    const fallbacks = Math.min(this._unreportedFallbacks, MAX_REPORTED);
    if (trips > 0) headers["Glidepath-Breaker-Trips"] = String(trips);
    if (fallbacks > 0) headers["Glidepath-Fallbacks"] = String(fallbacks);
    let status = 0, reason;
    try {
      const res = await this._sendServers.fetch(this._ingestPath, () => ({ method: "POST", headers, body, signal: AbortSignal.timeout(this.timeoutMs) }));
      status = res.status;
      reason = await res.text().catch(() => "");
    } catch (err) {
      reason = `controller unreachable: ${err?.cause?.code ?? err?.name ?? err}`;
    }
    if (status >= 200 && status < 300) {
      this._buffer.splice(0, n);
      this._sentLines += n;
      this._unreportedTrips -= trips;
      this._unreportedFallbacks -= fallbacks;
      this._backoffMs = 0; this._nextSendAt = 0; this._dropReported = false;
      this._emit({ type: "sent", lines: n });
      if (this._running && this._buffer.length >= this.batchLines) setImmediate(() => this._flushOnce()).unref?.();
      return true;
    }
    if (status === 400 || status === 413) {
      // The controller will never accept this batch: keep going with the rest.
      this._buffer.splice(0, n);
      this._rejectedLines += n;
      this._emit({ type: "batch_rejected", status, lines: n, reason });
      return true;
    }
    this._sendFailures++;
    this._backoffMs = Math.min(MAX_BACKOFF_MS, this._backoffMs ? this._backoffMs * 2 : this.batchIntervalMs);
    this._nextSendAt = Date.now() + this._backoffMs;
    this._emit({ type: "send_failed", status, reason, retryInMs: this._backoffMs, buffered: this._buffer.length });
    return false;
  }

  _emit(event) {
    if (!this.onEvent) return;
    try { this.onEvent({ migration: this.migration, ...event }); } catch { /* a callback must not break the shim */ }
  }
}

