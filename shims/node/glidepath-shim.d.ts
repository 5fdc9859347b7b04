// TypeScript declarations for glidepath-shim.mjs (the glidepath client shim for Node >= 18).
// The package has no dependencies; these declarations need none either (no @types/node).

/** One entry of the policy's error statuses: a status (0 = no answer, or 100..599) or a class. */
export type StatusPattern = number | `${1 | 2 | 3 | 4 | 5}xx`;

/** The weights document's `breaker`: open after N consecutive candidate errors, for openSeconds. */
export interface BreakerSettings {
  consecutiveErrors: number;
  openSeconds: number;
}

/** `[0, 429, "5xx"]`: before any weights document, and when a document has no `errorStatuses`. */
export declare const DEFAULT_ERROR_STATUSES: readonly StatusPattern[];
/** `{ consecutiveErrors: 5, openSeconds: 30 }`. */
export declare const DEFAULT_BREAKER: Readonly<BreakerSettings>;
/** Shadow copies (`call(key, fn, { mirror })`) running at once per shim; more are dropped and counted. */
export declare const MAX_MIRRORS_IN_FLIGHT: number;

/** The sticky bucket (0..9999) of `key` in `migration`, identical in every glidepath shim. */
export declare function bucket(migration: string, key: string | number): number;
/** FNV-1a 64 of the UTF-8 of `s`, as 16 hex digits. */
export declare function fnv1a64Hex(s: string): string;
/** The default error classes (0, 429, 5xx). A running shim uses `shim.isError`, the policy's list. */
export declare function isErrorStatus(status: number): boolean;
/** Why a weights document's `errorStatuses` is malformed (naming the element), or null. */
export declare function checkErrorStatuses(value: unknown): string | null;
/** Why a weights document's `breaker` is malformed (naming the member), or null. */
export declare function checkBreaker(value: unknown): string | null;
/** Why a weights document's `overrides` is malformed (naming the rule), or null. */
export declare function checkOverrides(value: unknown): string | null;

/**
 * What the application knows about a request, for the override rules: `"header:<name>"` (names
 * compared case-insensitively), `"cookie:<name>"` and `"segment"`, each with its value.
 */
export type RequestAttributes = Record<string, string>;

/** Where `route(key, attributes)` sends a request, and whether an override rule forced it. */
export interface Route {
  arm: string;
  forced: boolean;
}

export interface GlidepathShimOptions {
  /**
   * Controller base URL, e.g. "http://127.0.0.1:8470"; or several in failover order (an array or a
   * comma-separated string): a primary, then its standbys. A connection error, timeout or 5xx moves to
   * the next; the shim sticks to the one that answered and tries the first again every 30 s.
   */
  server: string | readonly string[];
  migration: string;
  /** Sent as `Authorization: Bearer …` with the reports. */
  ingestToken?: string;
  /** Expected arm names: weights naming other arms are refused. `baseline` is also the default arm. */
  baseline?: string;
  candidate?: string;
  /** The arm before any weights were seen (default: `baseline`). One of the two is required. */
  defaultArm?: string;
  /** Sent as `Glidepath-Shim` (default `node-<pid>-<random>`). */
  shimId?: string;
  /** Makes `shouldRetryOnBaseline` answer true for candidate errors (`call()` always falls back). */
  fallbackToBaseline?: boolean;
  /** Used only while the weights document has no `breaker` (the policy wins); 0 turns the breaker off. */
  breakerThreshold?: number;
  /** Same rule; milliseconds. */
  breakerCooldownMs?: number;
  /** Bound of the report buffer (10000). */
  maxBufferedLines?: number;
  /** A batch leaves at this many lines (500) or this often (1000 ms). */
  batchLines?: number;
  batchIntervalMs?: number;
  /** Per HTTP call to the controller (2000). */
  timeoutMs?: number;
  /** Monotonic milliseconds for the breaker (default `performance.now()`); tests inject one. */
  clock?: () => number;
  /**
   * PEM file of the CA that signed the TLS front's certificate (README "Across the network"): the
   * https:// server is verified against it instead of Node's bundled CAs. Throws at construction
   * when the server is not https:// or the file holds no certificate.
   */
  caFile?: string;
  onEvent?: (event: GlidepathEvent) => void;
}

interface EventBase { migration: string }
export type GlidepathEvent = EventBase & (
  | { type: "weights"; revision: number; state: string | null; weights: Record<string, number> | null }
  | { type: "poll_failed"; reason: string; status?: number }
  | { type: "weights_rejected"; reason: string }
  | { type: "sent"; lines: number }
  | { type: "send_failed"; status: number; reason: string; retryInMs: number; buffered: number }
  | { type: "batch_rejected"; status: number; lines: number; reason: string }
  | { type: "dropped"; dropped: number; buffered: number }
  | { type: "invalid_record"; arm: unknown; status: unknown }
  | { type: "breaker_open"; consecutiveErrors: number; openSeconds: number; cooldownMs: number }
  | { type: "breaker_closed" }
);

/** One observed request. `status` 0 = transport failure or timeout. */
export interface Outcome {
  arm: string;
  status: number;
  latencyMs: number;
  tokens?: number;
  /** Time to the first token of a streamed answer. */
  ttftMs?: number;
  /** An override rule chose the arm (`Route.forced`): reported with forced=1, outside the evidence. */
  forced?: boolean;
  /** A background shadow copy sent to the candidate (`mirror=1`); never feeds the breaker. Never with `forced`. */
  mirror?: boolean;
}

/** What the function given to `call()` returns (or resolves to) for one arm. */
export interface CallReply<T> {
  status: number;
  result?: T;
  tokens?: number;
  ttftMs?: number;
}

/** What `call()` resolves to: the arm that answered, and whether it fell back from the candidate. */
export interface CallOutcome<T> {
  arm: string;
  status: number;
  result: T | undefined;
  fallback: boolean;
}

export interface ShimStats {
  buffered: number;
  dropped: number;
  invalid: number;
  sent: number;
  rejected: number;
  sendFailures: number;
  revision: number | null;
  state: string | null;
  weights: Record<string, number> | null;
  breakerOpen: boolean;
  /** Breaker openings and fallbacks since the shim started. */
  breakerTrips: number;
  fallbacks: number;
  /** Not yet carried by an accepted batch (sent as Glidepath-Breaker-Trips / Glidepath-Fallbacks). */
  unreportedBreakerTrips: number;
  unreportedFallbacks: number;
  errorStatuses: StatusPattern[];
  breaker: BreakerSettings;
  /** The weights document's `mirror` (0 when absent). */
  mirror: number;
  /** Shadow copies started, dropped (MAX_MIRRORS_IN_FLIGHT were running) and running now. */
  mirrored: number;
  mirrorsDropped: number;
  mirrorsInFlight: number;
  /** The controller URL that answered the last request (polls or reports). */
  server: string;
}

/** Options of `call()`. */
export interface CallOptions {
  /**
   * What the application knows about the request (`"header:<name>"`, `"cookie:<name>"`, `"segment"`):
   * the policy's override rules apply first; a forced request is recorded with forced=1 and never mirrored.
   */
  attributes?: RequestAttributes;
  /**
   * The application's own candidate call for a shadow copy: runs in the background when the baseline
   * serves the request and its bucket is below the document's `mirror`; its answer is discarded and
   * its outcome recorded as `mirror=1`.
   */
  mirror?: (candidate: string) => CallReply<unknown> | Promise<CallReply<unknown>>;
}

export declare class GlidepathShim {
  constructor(options: GlidepathShimOptions);
  /** The first controller URL. */
  readonly server: string;
  /** Every controller URL, in failover order. */
  readonly servers: readonly string[];
  readonly migration: string;
  readonly shimId: string;
  readonly defaultArm: string;
  /** The `caFile` option as given (undefined: Node's bundled CAs verify an https:// server). */
  readonly caFile: string | undefined;

  /** The arm for this request: sticky by `key`, a random bucket without one. No I/O. No override rules. */
  route(key?: string | number | null): string;
  /** The override rules first (first match wins, `forced: true`), then the bucket. Record with `forced`. */
  route(key: string | number | null | undefined, attributes: RequestAttributes): Route;
  /** Buffers one outcome: true when buffered, false when dropped (buffer full) or invalid. Never throws. */
  record(outcome: Outcome): boolean;
  /**
   * Routes by `key` (override rules first, with `options.attributes`), awaits `fn(arm)`, records the
   * outcome; when the candidate's status is an error
   * under the policy (or `fn` threw: status 0) calls the baseline too, records it and counts a fallback.
   * Rejects with the answering arm's error when that arm threw.
   */
  call<T>(key: string | number | null | undefined,
    fn: (arm: string) => CallReply<T> | Promise<CallReply<T>>, options?: CallOptions): Promise<CallOutcome<T>>;
  /** Older form: the request's attributes as the third argument (same as `{ attributes }`). */
  call<T>(key: string | number | null | undefined,
    fn: (arm: string) => CallReply<T> | Promise<CallReply<T>>,
    attributes: RequestAttributes): Promise<CallOutcome<T>>;
  /** Whether a request in `bucket` served by `arm` is mirrored to the candidate. */
  mirrors(bucket: number, arm: string): boolean;
  /** True (and one fallback counted) for a candidate error when `fallbackToBaseline` is on. */
  shouldRetryOnBaseline(arm: string, status: number): boolean;
  /** Whether `status` is an error under the last good document's `errorStatuses`. */
  isError(status: number): boolean;

  /** Polls now: true when the weights are current. Never rejects. */
  pollNow(): Promise<boolean>;
  /** Starts polling and the batch timer (unref'd timers). */
  start(): this;
  /** Stops the timers; with `flush` (default) tries to send everything buffered. */
  stop(options?: { flush?: boolean }): Promise<void>;
  stats(): ShimStats;

  readonly weights: Record<string, number> | null;
  readonly state: string | null;
  readonly revision: number | null;
  readonly baseline: string;
  readonly candidate: string | null;
  /** The error statuses in force, as the policy wrote them. */
  readonly errorStatuses: StatusPattern[];
  /** The breaker in force: the document's, else the constructor's, else 5 / 30 s. */
  readonly breakerSettings: BreakerSettings;
}

/** `server`: one URL, a comma-separated string of URLs, or an array, in failover order (TypeError otherwise). */
export declare function serverList(server: string | readonly string[]): string[];
export declare const MAX_SERVERS: number;
export declare const RETRY_FIRST_AFTER_MS: number;

/** The controller URLs in order, sticky to the one that answered, failing over on errors, timeouts and 5xx. */
export declare class ServerList {
  constructor(urls: readonly string[], options?: {
    fetchImpl?: (url: string, init: RequestInit) => Promise<Response>;
    clock?: () => number;
    retryFirstAfterMs?: number;
    onSwitch?: (from: string, to: string) => void;
  });
  readonly urls: readonly string[];
  readonly current: number;
  fetch(path: string, makeInit: () => RequestInit): Promise<Response>;
}
