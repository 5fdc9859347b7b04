// A typed service using the shim as an installed package ("glidepath-shim"): a key rotation where
// the new key may answer 401/403. scripts/check-shim-packages.sh type-checks it with
// `tsc --strict -p shims/node` against glidepath-shim.d.ts (no @types/node needed).
//
// To run it, compile it (`tsc -p shims/node --noEmit false --outDir /tmp/typed-app`) or use a
// TypeScript-aware runner; it expects a controller and an OpenAI-compatible provider.
import {
  GlidepathShim, type CallOutcome, type CallReply, type GlidepathEvent, type StatusPattern,
} from "glidepath-shim";

interface ChatAnswer {
  id: string;
  choices: { message: { content: string } }[];
  usage?: { total_tokens?: number };
}

const config = {
  server: "http://127.0.0.1:8470",
  migration: "key-rotation",
  providerURL: "https://api.example.com/v1",
  apiKeys: { "key-old": "sk-old", "key-new": "sk-new" } as Record<string, string>,
};

function onEvent(e: GlidepathEvent): void {
  switch (e.type) {
    case "breaker_open":
      console.warn(`${e.migration}: breaker open for ${e.openSeconds} s after ${e.consecutiveErrors} errors`);
      break;
    case "weights":
      console.info(`${e.migration}: revision ${e.revision}, state ${e.state ?? "?"}`);
      break;
    case "poll_failed":
    case "weights_rejected":
      console.warn(`${e.migration}: ${e.reason}`);
      break;
    default:
      break;
  }
}

const shim = new GlidepathShim({
  server: config.server,
  migration: config.migration,
  baseline: "key-old",
  candidate: "key-new",
  onEvent,
}).start();

/** An abort signal that fires after `ms` (AbortSignal.timeout is missing from older TypeScript libs). */
function timeout(ms: number): AbortSignal {
  const c = new AbortController();
  setTimeout(() => c.abort(), ms);
  return c.signal;
}

/** One provider call for an arm: the status (0 = no answer), the parsed answer and its tokens. */
async function chat(arm: string, tenant: string, prompt: string): Promise<CallReply<ChatAnswer>> {
  try {
    const res = await fetch(`${config.providerURL}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${config.apiKeys[arm] ?? ""}` },
      body: JSON.stringify({ model: "gpt-4o-mini", user: tenant, messages: [{ role: "user", content: prompt }] }),
      signal: timeout(30_000),
    });
    if (!res.ok) return { status: res.status };
    const answer = (await res.json()) as ChatAnswer;
    return { status: res.status, result: answer, tokens: answer.usage?.total_tokens };
  } catch {
    return { status: 0 };
  }
}

/** A request: 401/403 from the new key (when the policy lists them) fall back to the old key. */
export async function answer(tenant: string, prompt: string): Promise<string> {
  const out: CallOutcome<ChatAnswer> = await shim.call(tenant, (arm) => chat(arm, tenant, prompt));
  if (out.result === undefined) throw new Error(`${out.arm} answered ${out.status}`);
  return out.result.choices[0]?.message.content ?? "";
}

/** A streamed request recorded by hand, with the time to the first token. */
export async function streamed(tenant: string, prompt: string): Promise<void> {
  const arm = shim.route(tenant);
  const t0 = performance.now();
  let ttftMs: number | undefined;
  let status = 0;
  try {
    const res = await fetch(`${config.providerURL}/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${config.apiKeys[arm] ?? ""}` },
      body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: prompt }] }),
    });
    status = res.status;
    const reader = res.body?.getReader();
    while (reader) {
      const { done } = await reader.read();
      if (ttftMs === undefined) ttftMs = performance.now() - t0;
      if (done) break;
    }
  } finally {
    shim.record({ arm, status, latencyMs: performance.now() - t0, ttftMs });
  }
}

export function health(): { statuses: StatusPattern[]; trips: number; fallbacks: number; open: boolean } {
  const s = shim.stats();
  return { statuses: shim.errorStatuses, trips: s.breakerTrips, fallbacks: s.fallbacks, open: s.breakerOpen };
}

export async function shutdown(): Promise<void> {
  await shim.stop({ flush: true });
}
