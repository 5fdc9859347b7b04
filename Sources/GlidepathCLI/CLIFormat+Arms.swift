import Foundation

extension CLIFormat {
    /// What `glidepath status NAME` prints under the migration's row: per arm over the current step its
    /// requests, error rate, time to first token at the TTFT guard's quantile, tokens per successful
    /// request and cost per request (`-` where the arm has none: no TTFT reported, no price), the bad share
    /// of each custom guard (`guards.custom`), then the evidence of the TTFT, tokens, cost and custom
    /// guards when the judge computed any. Empty for a status
    /// without `stepCounts` (a quarantined migration).
    package static func armTable(_ status: [String: Any]) -> String {
        guard let counts = status["stepCounts"] as? [String: Any] else { return "" }
        // One column per custom guard, in the order the first arm lists them.
        let customNames = customGuardNames(status)
        var rows = [["ARM", "REQUESTS", "ERRORS", "TTFT", "TOKENS/SUCCESS", "COST/REQUEST"]
            + customNames.map { "\($0.uppercased()) BAD" }]
        for arm in [status["baseline"], status["candidate"]].compactMap({ $0 as? String }) {
            let c = counts[arm] as? [String: Any] ?? [:]
            let requests = (c["requests"] as? NSNumber)?.doubleValue ?? 0
            let judged = requests - ((c["clientErrors"] as? NSNumber)?.doubleValue ?? 0)
            let errors = (c["errors"] as? NSNumber)?.doubleValue ?? 0
            var ttft = "-"
            if let t = c["ttft"] as? [String: Any], let q = (t["quantile"] as? NSNumber)?.doubleValue,
               let s = (t["seconds"] as? NSNumber)?.doubleValue {
                ttft = "\(quantileName(q)) \(seconds(s))"
            }
            rows.append([
                arm, number(c["requests"]), judged > 0 ? String(format: "%.1f%%", errors / judged * 100) : "-", ttft,
                (c["tokensPerSuccessfulRequest"] as? NSNumber).map { String(format: "%.1f", $0.doubleValue) } ?? "-",
                (c["costPerRequest"] as? NSNumber).map { String(format: "%.4g", $0.doubleValue) } ?? "-",
            ] + customNames.map { name in
                let g = (c["custom"] as? [String: Any])?[name] as? [String: Any]
                return (g?["badShare"] as? NSNumber).map { String(format: "%.1f%%", $0.doubleValue * 100) } ?? "-"
            })
        }
        var text = "\n" + table(rows)
        let newer = (status["evidence"] as? [[String: Any]] ?? []).filter { e in
            let name = e["guard"] as? String ?? ""
            return name.hasPrefix("ttft") || name == "tokens" || name == "cost" || name.hasPrefix("custom:")
        }
        if !newer.isEmpty {
            var evidence = [["GUARD", "TEST", "VALUE"]]
            for e in newer {
                evidence.append([e["guard"] as? String ?? "", e["test"] as? String ?? "",
                                 (e["value"] as? NSNumber).map { String(format: "%.4g", $0.doubleValue) } ?? "-"])
            }
            text += "\n" + table(evidence)
        }
        return text
    }

    /// The custom guards' names in `stepCounts.<baseline>.custom`, sorted (JSON objects carry no order).
    static func customGuardNames(_ status: [String: Any]) -> [String] {
        guard let counts = status["stepCounts"] as? [String: Any], let arm = status["baseline"] as? String,
              let custom = (counts[arm] as? [String: Any])?["custom"] as? [String: Any] else { return [] }
        return custom.keys.sorted()
    }

    /// `0.99` → `p99`, `0.999` → `p99.9`.
    static func quantileName(_ q: Double) -> String {
        var text = String(format: "%.3f", q * 100)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return "p" + text
    }

    /// `0.0998` → `100 ms`, `5.591` → `5.59 s`.
    static func seconds(_ s: Double) -> String {
        s < 1 ? String(format: "%.0f ms", s * 1000) : String(format: "%.2f s", s)
    }
}
