import Foundation
import GlidepathCore

/// The frames of `glidepath status --watch`: per migration a header line (state, step, a weight bar), the
/// steps as a progress line with the bake countdown, what the judge says now, and the last decision.
/// Pure: it renders the API's status JSON (`GET /v1/migrations/{name}`), nothing else.
package enum WatchView {
    /// Width of the weight bar in characters.
    static let barWidth = 20

    /// The lines for one migration.
    package static func lines(_ s: [String: Any]) -> [String] {
        let name = s["migration"] as? String ?? "?"
        let state = s["state"] as? String ?? "?"
        let candidate = s["candidate"] as? String ?? "candidate"
        let baseline = s["baseline"] as? String ?? "baseline"
        let weights = s["weights"] as? [String: Any] ?? [:]
        let w = (weights[candidate] as? NSNumber)?.doubleValue ?? 0
        let step = (s["step"] as? NSNumber)?.intValue ?? 0
        let count = (s["steps"] as? NSNumber)?.intValue ?? 0
        var out = ["\(name)  \(state)  step \(step + 1)/\(count)  \(bar(percent: w))  \(candidate) \(CLIFormat.number(weights[candidate]))%"
                   + "  \(baseline) \(CLIFormat.number(weights[baseline]))%"]
        if let broken = s["brokenReason"] as? String {
            out.append("  quarantined: \(broken)")
            return out
        }
        out.append("  steps  \(stepsLine(s, current: step, state: state))")
        if let v = s["verdict"] as? [String: Any], let reason = v["reason"] as? String {
            out.append("  judge  \(v["action"] as? String ?? "?") (\(v["rule"] as? String ?? "?")): \(reason)")
        }
        if let d = s["lastDecision"] as? [String: Any] {
            let from = CLIFormat.number(d["fromStep"]), to = CLIFormat.number(d["toStep"])
            out.append("  last   \(d["action"] as? String ?? "?") \(from)→\(to) by \(CLIFormat.actor(d)) at "
                       + "\(d["at"] as? String ?? "?"): \(d["reason"] as? String ?? "")")
        }
        return out
    }

    /// `[#####...............]`: the candidate's share of traffic.
    static func bar(percent: Double) -> String {
        let filled = max(0, min(barWidth, Int((percent / 100 * Double(barWidth)).rounded())))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: barWidth - filled) + "]"
    }

    /// `5% ✓  10% ✓  [25%]  50%  100%   bake 4m12s left of 10m`: the steps passed, the current one, the
    /// ones to come, and the current bake's countdown (from `stepElapsedSeconds`) while ramping.
    static func stepsLine(_ s: [String: Any], current: Int, state: String) -> String {
        let policy = s["policy"] as? [String: Any] ?? [:]
        let steps = policy["steps"] as? [[String: Any]] ?? []
        let finished = state == "promoted" || state == "rolled_back"
        var parts: [String] = []
        for (i, st) in steps.enumerated() {
            let gated = (st["gate"] as? String) == "manual" || st["gate"] is [String: Any]
            let weight = "\(CLIFormat.number(st["weight"]))%" + (gated ? " (gate)" : "")
            if i < current || (state == "promoted" && i == current) {
                parts.append("\(weight) ✓")
            } else if i == current && !finished {
                parts.append("[\(weight)]")
            } else {
                parts.append(weight)
            }
        }
        var line = parts.joined(separator: "  ")
        guard !finished, steps.indices.contains(current),
              let bakeText = steps[current]["bake"] as? String, let bake = try? TimeSpan(parsing: bakeText),
              let elapsed = (s["stepElapsedSeconds"] as? NSNumber)?.int64Value else { return line }
        if bake.milliseconds > 0 {
            let left = max(0, bake.milliseconds - elapsed * 1000)
            line += left > 0 ? "   bake \(ReasonFormat.duration(milliseconds: left)) left of \(bake)" : "   bake \(bake) done"
        }
        return line
    }

    /// A whole frame: a header with the time and every migration's lines, blank-line separated.
    package static func frame(_ statuses: [[String: Any]], at time: String, server: String) -> String {
        var out = "glidepath status --watch  \(server)  \(time)\n\n"
        if statuses.isEmpty { out += "no migrations\n" }
        for s in statuses { out += lines(s).joined(separator: "\n") + "\n\n" }
        return out
    }
}
