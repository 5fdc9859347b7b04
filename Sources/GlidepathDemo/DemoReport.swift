import GlidepathCore

/// The demo's texts: what runs (printed at the start) and how it ended. Pure.
package enum DemoReport {
    /// The lines printed before the first view: the URLs to open, and the providers and traffic behind them.
    package static func intro(_ plan: DemoPlan, controllerURL: String, keep: Bool) -> String {
        var out = "glidepath demo: a controller on a temporary database, \(plan.providers.count) simulated providers, "
            + "shim traffic; \(plan.migrations.map(\.name).joined(separator: " and ")) run at the same time.\n"
        out += "  status page  \(controllerURL)/\n"
        out += "  metrics      \(controllerURL)/metrics\n"
        out += "  watch        glidepath status --watch --server \(controllerURL)\n"
        for p in plan.providers {
            out += "  provider     \(pad(p.name, 14)) \(p.summary)\n"
        }
        out += "  traffic      \(number(plan.requestsPerSecond)) req/s per migration from \(plan.workersPerMigration) workers "
            + "over \(plan.shimsPerMigration) shims, \(plan.keys) sticky keys; steps "
            + plan.stepWeights.map { "\($0)%" }.joined(separator: "/") + ", \(plan.bakeSeconds) s bakes, 1 s ticks\n"
        out += keep ? "  Ctrl-C stops the demo; with --keep the controller stays up after the outcome.\n\n"
                    : "  Ctrl-C stops the demo.\n\n"
        return out
    }

    /// `sent  legacy 12,345 (1.0% failed)  candidate-ok 612 (0.5% failed)  …  after 23 s`: the live traffic line.
    package static func progress(_ plan: DemoPlan, sent: [String: DemoTraffic.Tally], elapsed: Double) -> String {
        let arms = plan.providers.map { p -> String in
            let t = sent[p.name] ?? DemoTraffic.Tally()
            return "\(p.name) \(number(Double(t.requests))) (\(percent(t.errors, of: t.requests)) failed)"
        }
        return "  sent         " + arms.joined(separator: "  ") + "  after \(Int(elapsed.rounded())) s\n"
    }

    /// One line per migration (how it ended, when, and why) and one for the traffic.
    package static func summary(_ plan: DemoPlan, observed: [String: DemoOutcome.Observed], reachedAfter: [String: Double],
                                sent: [String: DemoTraffic.Tally], fallbacks: Int) -> String {
        var out = ""
        for m in plan.migrations {
            guard let o = observed[m.name] else {
                out += "\(pad(m.name, 13)) missing\n"
                continue
            }
            let expected = DemoOutcome.words(m.expected)
            if !o.phase.isTerminal {
                out += "\(pad(m.name, 13)) still \(o.phase.rawValue) at step \(o.step + 1)/\(plan.stepWeights.count), "
                    + "expected \(expected): \(o.reason)\n"
                continue
            }
            let when = reachedAfter[m.name].map { " after \(Int($0.rounded())) s" } ?? ""
            let verdict = o.phase == m.expected ? "as expected" : "expected \(expected)"
            out += "\(pad(m.name, 13)) \(DemoOutcome.words(o.phase))\(when), \(verdict): \(o.reason)\n"
        }
        let total = sent.values.reduce(0) { $0 + $1.requests }
        let arms = plan.providers.compactMap { p -> String? in
            guard let t = sent[p.name], t.requests > 0 else { return nil }
            return "\(p.name) \(number(Double(t.requests))) (\(percent(t.errors, of: t.requests)) failed)"
        }
        out += "\(pad("traffic", 13)) \(number(Double(total))) requests" + (arms.isEmpty ? "" : ": " + arms.joined(separator: ", "))
            + "; \(number(Double(fallbacks))) failed candidate calls answered by the baseline instead\n"
        return out
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// `1,234`; fractions to one decimal.
    static func number(_ value: Double) -> String {
        if value != value.rounded() { return String((value * 10).rounded() / 10) }
        var digits = String(Int(value))
        var out = ""
        while digits.count > 3 {
            out = "," + digits.suffix(3) + out
            digits.removeLast(3)
        }
        return digits + out
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        guard whole > 0 else { return "0%" }
        return "\((Double(part) / Double(whole) * 1000).rounded() / 10)%"
    }
}
