// The CA option: node --test shims/node/
// `caFile` names the CA that signed the TLS front's certificate (README "Across the network"): the
// shim then talks through an https.Agent trusting exactly that CA. The real handshake against nginx
// is scripts/e2e-tls.sh.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GlidepathShim } from "./glidepath-shim.mjs";

// A public certificate only (its key was thrown away): enough to load as a trust anchor.
const FIXTURE_CA = `-----BEGIN CERTIFICATE-----
MIIBnzCCAUWgAwIBAgIUAL0o4cVse9xS/ehRSDGpzpZ8gfowCgYIKoZIzj0EAwIw
JDEiMCAGA1UEAwwZZ2xpZGVwYXRoIHRlc3QgZml4dHVyZSBDQTAgFw0yNjEyMDIx
ODE1NTVaGA8yMTI2MTEwODE4MTU1NVowJDEiMCAGA1UEAwwZZ2xpZGVwYXRoIHRl
c3QgZml4dHVyZSBDQTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKevc1bcUq4Y
OzizJYskexQiI1sgDTn+Yior2NJpoXJc93CHQ9u6AKt7dYprSr6ISohf7b3TYrg5
E9M2cVMp7uCjUzBRMB0GA1UdDgQWBBSKTpJDQaCEDsd6aiCEYTWZEQxNAzAfBgNV
HSMEGDAWgBSKTpJDQaCEDsd6aiCEYTWZEQxNAzAPBgNVHRMBAf8EBTADAQH/MAoG
CCqGSM49BAMCA0gAMEUCIQDZ9Fg3xcRmItc3iEtxu7ayFVnbSWWrSTPJg3yDiBH/
MgIgOtUFdA09MgZ7763E7d0oaPul3U/iqfQv6y74Vy4OLYU=
-----END CERTIFICATE-----`;

function withFile(text, fn) {
  const dir = mkdtempSync(join(tmpdir(), "glidepath-ca-"));
  const path = join(dir, "ca.pem");
  writeFileSync(path, text);
  try { return fn(path); } finally { rmSync(dir, { recursive: true, force: true }); }
}

const options = (extra) => ({ server: "https://glidepath.example:8443", migration: "chat-completions",
  baseline: "openai", candidate: "holysheep", ...extra });

test("caFile: the agent trusts exactly the file's certificates and verifies", () => {
  withFile(FIXTURE_CA + "\n", (path) => {
    const shim = new GlidepathShim(options({ caFile: path }));
    const agent = shim._agent;
    assert.deepEqual(agent.options.ca, [FIXTURE_CA]);
    assert.equal(agent.options.rejectUnauthorized, true);
    assert.equal(agent.options.minVersion, "TLSv1.2");
    assert.equal(agent.options.keepAlive, true);
    agent.destroy();
  });
});

test("caFile: the shim sends through its agent; without one it uses fetch", async () => {
  await withFile(FIXTURE_CA, async (path) => {
    const shim = new GlidepathShim(options({ caFile: path }));
    assert.equal(shim.caFile, path);
    assert.deepEqual(shim._agent.options.ca, [FIXTURE_CA]);
    await shim.stop({ flush: false });
    assert.equal(shim._agent.destroyed ?? true, true);
  });
  const plain = new GlidepathShim(options({}));
  assert.equal(plain.caFile, undefined);
  assert.equal(plain._agent, null);
});

test("caFile: an unreachable controller through the agent is a poll_failed event, not a throw", async () => {
  await withFile(FIXTURE_CA, async (path) => {
    const events = [];
    const shim = new GlidepathShim(options({ server: "https://127.0.0.1:9", caFile: path, timeoutMs: 500,
      onEvent: (e) => events.push(e) }));
    assert.equal(await shim.pollNow(), false);
    assert.equal(events[0].type, "poll_failed");
    assert.match(events[0].reason, /controller unreachable: ECONNREFUSED/);
    await shim.stop({ flush: false });
  });
});

test("caFile with plain http:// is refused at construction", () => {
  withFile(FIXTURE_CA, (path) => {
    assert.throws(() => new GlidepathShim(options({ server: "http://10.0.0.5:8470", caFile: path })),
      { name: "TypeError", message: /is not https:\/\/: the ingest token would cross in plaintext/ });
  });
});

test("caFile that is missing or holds no certificate is refused at construction", () => {
  assert.throws(() => new GlidepathShim(options({ caFile: "/nonexistent/ca.pem" })), { code: "ENOENT" });
  withFile("not a certificate\n", (path) => {
    assert.throws(() => new GlidepathShim(options({ caFile: path })), { name: "TypeError", message: /holds no PEM certificate/ });
  });
  withFile("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", (path) => {
    assert.throws(() => new GlidepathShim(options({ caFile: path })), { name: "TypeError", message: /does not parse/ });
  });
});
