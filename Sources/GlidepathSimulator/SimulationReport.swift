import GlidepathCore

/// Renders the benchmark's rows: an aligned table for people, a JSON array for tools.
package enum SimulationReport {
    /// The JSON array of `--json`: one object per row with the fields of `SimulationRow`
    /// (`falseRollbackRate` and `falseRollbackUpper95` are null for scenarios regressed from the start).
    /// Rates to 6 decimals, seconds and excess failures to 2.
    package static func json(_ rows: [SimulationRow]) -> String {
        func num(_ x: Double, _ scale: Double) -> JSONValue { .number((x * scale).rounded() / scale) }
        func optional(_ x: Double?) -> JSONValue { x.map { num($0, 1e6) } ?? JSONValue(.null) }
        let values = rows.map { r -> JSONValue in
            .object([
                ("scenario", .string(r.scenario)),
                ("rate", .number(r.rate)),
                ("judge", .string(r.judge)),
                ("runs", .integer(r.runs)),
                ("falseRollbackRate", optional(r.falseRollbackRate)),
                ("falseRollbackUpper95", optional(r.falseRollbackUpper95)),
                ("rolledBackRate", num(r.rolledBackRate, 1e6)),
                ("promotedRate", num(r.promotedRate, 1e6)),
                ("heldRate", num(r.heldRate, 1e6)),
                ("stuckRate", num(r.stuckRate, 1e6)),
                ("medianDecisionSeconds", num(r.medianDecisionSeconds, 100)),
                ("p90DecisionSeconds", num(r.p90DecisionSeconds, 100)),
                ("medianExcessFailures", num(r.medianExcessFailures, 100)),
                ("p90ExcessFailures", num(r.p90ExcessFailures, 100)),
            ])
        }
        return JSONValue.array(values).rendered(pretty: true) + "\n"
    }

    /// `policy policies/x.json: steps 5/10/25/50/100 %, bakes 10m/10m/10m/10m/0s, interval 10s`; a shadow
    /// step reads `0 (shadow 100)`.
    package static func policyLine(_ policy: Policy, file: String) -> String {
        let steps = policy.steps.map { $0.mirror > .zero ? "\($0.weight) (shadow \($0.mirror))" : "\($0.weight)" }
            .joined(separator: "/")
        let bakes = policy.steps.map { "\($0.bake)" }.joined(separator: "/")
        return "policy \(file): steps \(steps) %, bakes \(bakes), interval \(policy.interval)"
    }

    static let header = ["scenario", "rate", "judge", "runs", "false rb (95% ub)", "rolled back", "promoted",
                         "held", "stuck", "median t", "p90 t", "median excess", "p90 excess"]

    /// The aligned table: one line per row, then a legend of the scenarios shown (titles from `scenarios`).
    package static func table(_ rows: [SimulationRow], scenarios: [Scenario] = Scenario.catalogue) -> String {
        var lines: [[String]] = [header]
        for r in rows {
            let falseRollbacks = r.falseRollbackRate.map { "\(percent($0)) (\(percent(r.falseRollbackUpper95 ?? 1)))" }
            lines.append([r.scenario, rateText(r.rate), r.judge, String(r.runs), falseRollbacks ?? "-",
                          percent(r.rolledBackRate), percent(r.promotedRate), percent(r.heldRate),
                          percent(r.stuckRate), duration(r.medianDecisionSeconds),
                          duration(r.p90DecisionSeconds), fixed(r.medianExcessFailures, 1),
                          fixed(r.p90ExcessFailures, 1)])
        }
        var widths = Array(repeating: 0, count: header.count)
        for l in lines { for (i, c) in l.enumerated() { widths[i] = max(widths[i], c.count) } }
        var out = ""
        for l in lines {
            var cells: [String] = []
            for (i, c) in l.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - c.count)
                // Text columns left-aligned, numbers right-aligned.
                cells.append(i == 0 || i == 2 ? c + pad : pad + c)
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        var seen: Set<String> = []
        out += "\nt: time to the right decision (A/A: start to promotion; otherwise onset to rollback; "
            + "runs without it count as the horizon). excess: candidate errors beyond the baseline's rate.\n"
        for r in rows where !seen.contains(r.scenario) {
            seen.insert(r.scenario)
            if let s = scenarios.first(where: { $0.id == r.scenario }) { out += "\(s.id): \(s.title)\n" }
        }
        return out
    }

    /// `0.15%`, `12.3%`, `100%`, `0%`.
    static func percent(_ x: Double) -> String {
        let p = x * 100
        if p == 0 || p == 100 { return "\(Int(p))%" }
        return p < 1 ? fixed(p, 2) + "%" : fixed(p, 1) + "%"
    }

    /// `x` with `digits` decimals, no exponent.
    static func fixed(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        let whole = Int64(scaled / scale)
        let frac = Int64(scaled) - whole * Int64(scale)
        var text = String(whole)
        if digits > 0 {
            let f = String(frac)
            text += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return (x < 0 && scaled > 0 ? "-" : "") + text
    }

    /// `1000`, `0.1`.
    static func rateText(_ r: Double) -> String {
        r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : r.description
    }

    /// `40s`, `6.5m`, `2.0h`, `3.5d` (from 3 days: `--horizon` runs).
    static func duration(_ seconds: Double) -> String {
        if seconds < 120 { return "\(Int(seconds.rounded()))s" }
        if seconds < 7200 { return fixed(seconds / 60, 1) + "m" }
        if seconds < 3 * 86_400 { return fixed(seconds / 3600, 1) + "h" }
        return fixed(seconds / 86_400, 1) + "d"
    }
}
