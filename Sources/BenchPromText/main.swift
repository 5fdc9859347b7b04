import Foundation
import PromText

// Times `PromTextParser.parse` on the exposition of N migrations as the controller renders it: a
// `MetricRegistry(indexedLabel: "migration")` filled like ServerMetrics (per arm: requests by class and
// code, two 55-bucket histograms, tokens, cost, weight; per migration: step, revision, decisions).
// Only the registry's long-standing API is used, so the same file builds against older PromText copies
// (scripts/bench-parse.sh times the old and the new parser side by side).
//
//   BenchPromText [MIGRATIONS=100] [ITERATIONS=25]
// Prints one line: `migrations=N lines=L bytes=B families=F samples=S digest=D median_ms=M min_ms=m`.

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let migrations = max(1, min(arguments.first ?? 100, 20_000))
let iterations = max(3, min(arguments.dropFirst().first ?? 25, 1_000))

/// The E12 bounds from 1 ms to 68 s, as LatencyBuckets computes them.
let bounds: [Double] = {
    var out: [Double] = []
    for scale in [0.001, 0.01, 0.1, 1.0, 10.0] {
        for m in [1.0, 1.2, 1.5, 1.8, 2.2, 2.7, 3.3, 3.9, 4.7, 5.6, 6.8, 8.2] {
            let v = (m * scale * 1_000_000).rounded() / 1_000_000
            if v <= 68 { out.append(v) }
        }
    }
    return out
}()

/// A seeded LCG, so every run (old and new) parses the same text.
final class Seeded {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ limit: UInt64) -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return (state >> 33) % max(limit, 1)
    }
}
let seeded = Seeded()
@MainActor func random(_ limit: UInt64) -> UInt64 { seeded.next(limit) }

let registry = MetricRegistry(indexedLabel: "migration")
let requests = registry.counter("glidepath_requests_total", help: "Observed requests per migration, arm, outcome class and status code group.",
                                labels: ["migration", "arm", "class", "code"])
let duration = registry.histogram("glidepath_request_duration_seconds", help: "Observed request latency in seconds.",
                                  labels: ["migration", "arm"], buckets: bounds)
let tokens = registry.counter("glidepath_tokens_total", help: "Tokens reported by observed requests.", labels: ["migration", "arm"])
let ttft = registry.histogram("glidepath_ttft_seconds", help: "Observed time to first token in seconds.",
                              labels: ["migration", "arm"], buckets: bounds)
let cost = registry.counter("glidepath_cost_total", help: "Cost of observed requests at the policy's prices (currency units).",
                            labels: ["migration", "arm"])
let weight = registry.gauge("glidepath_weight_percent", help: "Current traffic weight of each arm in percent.", labels: ["migration", "arm"])
let step = registry.gauge("glidepath_step", help: "Current step (0-based index).", labels: ["migration"])
let revision = registry.gauge("glidepath_revision", help: "Current revision of the migration.", labels: ["migration"])
let decisions = registry.counter("glidepath_decisions_total", help: "Decisions taken per migration and action.", labels: ["migration", "action"])
let fallbacks = registry.counter("glidepath_fallbacks_total", help: "Shim fallbacks to the baseline.", labels: ["migration"])

for index in 0..<migrations {
    let migration = "checkout-model-\(index)"
    for arm in ["gpt-4o", "claude-sonnet"] {
        for (cls, code) in [("success", "2xx"), ("error", "5xx"), ("client_error", "4xx"), ("error", "timeout")] {
            requests.add(Double(random(cls == "success" ? 100_000 : 300)), labels: [migration, arm, cls, code])
        }
        for histogram in [duration, ttft] {
            var counts = [UInt64](repeating: 0, count: bounds.count + 1)
            for i in 8..<40 { counts[i] = random(i < 25 ? 4_000 : 200) }
            histogram.add(bucketCounts: counts, sum: Double(random(10_000_000)) / 997, labels: [migration, arm])
        }
        tokens.add(Double(random(50_000_000)), labels: [migration, arm])
        cost.add(Double(random(1_000_000)) / 1_000, labels: [migration, arm])
        weight.set(arm == "gpt-4o" ? 75 : 25, labels: [migration, arm])
    }
    step.set(Double(random(5)), labels: [migration])
    revision.set(Double(1 + random(9)), labels: [migration])
    for action in ["advance", "hold", "rollback", "promote", "pause"] { decisions.add(Double(random(40)), labels: [migration, action]) }
    fallbacks.add(Double(random(10)), labels: [migration])
}

let text = String(decoding: registry.render(), as: UTF8.self)
let lines = text.utf8.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
var families: [MetricFamily] = []
do { families = try PromTextParser.parse(text) } catch {
    FileHandle.standardError.write("the rendered exposition does not parse: \(error)\n".data(using: .utf8)!)
    exit(1)
}
let samples = families.reduce(0) { $0 + $1.samples.count }
/// FNV-1a over everything parsed (names, types, help, labels in order, value bits), so the old and the
/// new parser can be seen to return the same families.
var digest: UInt64 = 0xCBF2_9CE4_8422_2325
@MainActor func feed(_ text: String) { for b in text.utf8 { digest = (digest ^ UInt64(b)) &* 0x100_0000_01B3 }; digest = (digest ^ 0xFF) &* 0x100_0000_01B3 }
for family in families {
    feed(family.name); feed(family.type.rawValue); feed(family.help ?? "-")
    for sample in family.samples {
        feed(sample.name)
        for label in sample.labels { feed(label.name); feed(label.value) }
        feed(String(sample.value.bitPattern)); feed(sample.timestampMs.map(String.init) ?? "-")
    }
}

var times: [Double] = []
for _ in 0..<iterations {
    let start = DispatchTime.now().uptimeNanoseconds
    let parsed = try PromTextParser.parse(text)
    let elapsed = DispatchTime.now().uptimeNanoseconds - start
    precondition(parsed.count == families.count)
    times.append(Double(elapsed) / 1e6)
}
times.sort()
let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
print("migrations=\(migrations) lines=\(lines) bytes=\(text.utf8.count) families=\(families.count) samples=\(samples) "
      + "digest=\(String(digest, radix: 16)) "
      + String(format: "median_ms=%.3f min_ms=%.3f", median, times[0]))
