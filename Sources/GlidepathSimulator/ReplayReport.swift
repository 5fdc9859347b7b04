import GlidepathCore

/// Renders a finished replay: the decisions as a table for people, or one JSON object for tools.
/// `wall` formats a time (ms since the Unix epoch) for people (the command passes ISO-8601 UTC).
package enum ReplayReport {
    /// The summary line, the decisions (offset, time, action, steps, weights, rule, reason) and the end state.
    package static func text(_ r: Replayer, file: String, policyName: String, wall: (Int64) -> String) -> String {
        let first = r.firstMilliseconds ?? 0
        var out = "replay \(file): \(count(r.lines)) lines from \(wall(first)) to \(wall(r.lastMilliseconds)) "
            + "(\(span(r.lastMilliseconds - first))), \(count(r.ticks)) ticks of \(r.policy.interval)\n"
        out += "policy \(policyName): judge \(r.policy.judge.rawValue), steps "
            + r.policy.steps.map { "\($0.weight)" }.joined(separator: "/") + " %, bakes "
            + r.policy.steps.map { "\($0.bake)" }.joined(separator: "/") + "\n"
        out += "requests: " + [Arm.baseline, .candidate].map { arm in
            let c = r.requests[arm]
            return "\(r.policy.name(of: arm)) \(count(Int(c.requests))) (\(SimulationReport.percent(c.errorRate)) errors)"
        }.joined(separator: ", ") + "\n\n"
        if r.decisions.isEmpty {
            out += "no decision: the policy would have held at step 0 (\(weights(r.policy, .zero))) throughout\n"
        } else {
            var rows = [["offset", "time", "action", "step", "weights", "rule"]]
            for d in r.decisions {
                rows.append([span(d.offsetMilliseconds), wall(d.atMilliseconds), d.decision.action.rawValue,
                             "\(d.decision.fromStep) → \(d.decision.toStep)",
                             weights(r.policy, d.decision.candidateWeight), d.rule.rawValue])
            }
            var widths = Array(repeating: 0, count: rows[0].count)
            for row in rows { for (i, c) in row.enumerated() { widths[i] = max(widths[i], c.count) } }
            for (k, row) in rows.enumerated() {
                let cells = row.enumerated().map { i, c in c + String(repeating: " ", count: widths[i] - c.count) }
                let reason = k == 0 ? "reason" : r.decisions[k - 1].decision.reason
                out += cells.joined(separator: "  ") + "  " + reason + "\n"
            }
        }
        out += "\nend: \(phase(r.status.phase)) at step \(r.status.step) "
            + "(\(weights(r.policy, r.status.candidateWeight(r.policy))))"
        if let v = r.lastVerdict, !r.status.phase.isTerminal {
            out += "; last verdict \(v.action.rawValue) (\(v.rule.rawValue)): \(v.reason)"
        }
        return out + "\n"
    }

    /// `{"file", "lines", "firstAt", "lastAt", "ticks", "interval", "policy", "judge", "requests": {arm:
    /// {"requests", "errors"}}, "decisions": [{"offsetSeconds", "at", "action", "fromStep", "toStep",
    /// "weights": {arm: percent}, "rule", "reason"}], "end": {"phase", "step", "weights", "rule", "reason"}}`.
    package static func json(_ r: Replayer, file: String, policyName: String, wall: (Int64) -> String) -> String {
        func w(_ weight: Weight) -> JSONValue {
            .object([(r.policy.baseline, .number(100 - weight.percent)), (r.policy.candidate, .number(weight.percent))])
        }
        let decisions = r.decisions.map { d -> JSONValue in
            .object([
                ("offsetSeconds", .number(Double(d.offsetMilliseconds) / 1000)),
                ("at", .string(wall(d.atMilliseconds))),
                ("action", .string(d.decision.action.rawValue)),
                ("fromStep", .integer(d.decision.fromStep)),
                ("toStep", .integer(d.decision.toStep)),
                ("weights", w(d.decision.candidateWeight)),
                ("rule", .string(d.rule.rawValue)),
                ("reason", .string(d.decision.reason)),
            ])
        }
        let verdict = r.lastVerdict
        let arms = [Arm.baseline, .candidate].map { arm -> (String, JSONValue) in
            (r.policy.name(of: arm), .object([("requests", .integer(Int(r.requests[arm].requests))),
                                              ("errors", .integer(Int(r.requests[arm].errors)))]))
        }
        let value: JSONValue = .object([
            ("file", .string(file)),
            ("lines", .integer(r.lines)),
            ("firstAt", .string(wall(r.firstMilliseconds ?? 0))),
            ("lastAt", .string(wall(r.lastMilliseconds))),
            ("ticks", .integer(r.ticks)),
            ("interval", .string(r.policy.interval.description)),
            ("policy", .string(policyName)),
            ("judge", .string(r.policy.judge.rawValue)),
            ("requests", .object(arms)),
            ("decisions", .array(decisions)),
            ("end", .object([
                ("phase", .string(r.status.phase.rawValue)),
                ("step", .integer(r.status.step)),
                ("weights", w(r.status.candidateWeight(r.policy))),
                ("rule", verdict.map { .string($0.rule.rawValue) } ?? JSONValue(.null)),
                ("reason", verdict.map { .string($0.reason) } ?? JSONValue(.null)),
            ])),
        ])
        return value.rendered(pretty: true) + "\n"
    }

    /// `95/5` (baseline/candidate, percent).
    static func weights(_ policy: Policy, _ candidate: Weight) -> String {
        "\(Weight(basisPoints: 10_000 - candidate.basisPoints))/\(candidate)"
    }

    static func phase(_ p: Phase) -> String {
        switch p {
        case .rolledBack: "rolled back"
        default: p.rawValue
        }
    }

    /// `12m30s`, `0s`: a duration in the policy's spelling (whole seconds).
    static func span(_ ms: Int64) -> String { TimeSpan(milliseconds: ms / 1000 * 1000).description }

    /// `30,000`.
    static func count(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return out
    }
}
