#!/usr/bin/env node
// A fake OpenAI-compatible provider for local runs and CI.
//   node fake-provider.mjs [--port 0] [--error-rate 0.0] [--latency-ms 20] [--status 503]
// Prints "listening http://127.0.0.1:<port>" on stdout once ready; SIGTERM/SIGINT stop it.
import http from "node:http";
import { parseArgs } from "node:util";

const { values: a } = parseArgs({
  options: {
    port: { type: "string", default: "0" }, "error-rate": { type: "string", default: "0" },
    "latency-ms": { type: "string", default: "20" }, status: { type: "string", default: "503" },
  },
});
const errorRate = Number(a["error-rate"]), latency = Number(a["latency-ms"]), errStatus = Number(a.status);

const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") { res.writeHead(404); res.end(); return; }
    setTimeout(() => {
      if (Math.random() < errorRate) {
        res.writeHead(errStatus, { "Content-Type": "application/json" });
        res.end('{"error":{"message":"fake failure"}}');
        return;
      }
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({
        id: "chatcmpl-fake", object: "chat.completion", model: "fake",
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
      }));
    }, latency * (0.8 + 0.4 * Math.random()));
  });
});
server.listen(Number(a.port), "127.0.0.1", () => {
  process.stdout.write(`listening http://127.0.0.1:${server.address().port}\n`);
});
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => { server.closeAllConnections?.(); server.close(() => process.exit(0)); });
