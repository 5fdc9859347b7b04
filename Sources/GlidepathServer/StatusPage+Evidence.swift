#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import GlidepathCore

extension StatusPage {
    /// Where a meter draws its threshold: 80 % of the way, so values past it still show.
    package static let meterThreshold = 0.8

    /// The share of a meter an e-value fills against `threshold`, on a log scale (1 → empty, the
    /// threshold → `meterThreshold`, capped at full).
    package static func logMeterFraction(_ value: Double, threshold: Double) -> Double {
        guard value > 1, threshold > 1, threshold.isFinite else { return 0 }
        guard value.isFinite else { return 1 }
        return min(1, log(value) / log(threshold) * meterThreshold)
    }

    /// The share of a meter `value` fills against a linear `limit` (the limit at `meterThreshold`).
    package static func linearMeterFraction(_ value: Double, limit: Double) -> Double {
        guard value > 0, limit > 0 else { return 0 }
        guard value.isFinite else { return 1 }
        return min(1, value / limit * meterThreshold)
    }

    /// A meter whose colour says where the value stands against its threshold mark: `ok` (green: enough
    /// evidence), `pending` (blue: not yet), `warn` (amber: heading for a limit), `bad` (red: past it) or
    /// `info` (grey: measured, decides nothing).
    static func meter(_ fraction: Double, kind: String) -> String {
        "<div class=\"meter \(kind)\"><i style=\"width:\(percentWidth(fraction))\"></i>"
            + "<b style=\"left:\(percentWidth(meterThreshold))\"></b></div>"
    }

    /// The evidence the judge last computed, against the thresholds it compares it with, and every number
    /// behind it.
    static func evidenceCard(_ e: MigrationEntry) -> String {
        let evidence = e.judge.lastVerdict?.evidence ?? []
        let over = e.status.phase.isTerminal ? " <span class=\"muted\">(the last verdict's; the migration is over)</span>" : ""
        var out = "<div class=\"card\"><h2>Evidence\(over)</h2>"
        guard !evidence.isEmpty else {
            return out + "<p class=\"muted\">No evidence yet: the judge computes it at its next tick with traffic.</p></div>"
        }
        out += exposureTable(e, evidence)
        out += e.policy.judge == .sequential ? sequentialTables(e.policy, evidence) : thresholdTable(e.policy, evidence)
        out += "<details><summary>All numbers (the <code>glidepath_guard_evidence</code> series)</summary><table class=\"ev\">"
            + "<thead><tr><th>guard</th><th>test</th><th class=\"num\">value</th></tr></thead><tbody>"
        for item in evidence {
            out += "<tr><td>\(HTML.escape(item.guardName.rawValue))</td><td>\(HTML.escape(item.test.rawValue))</td>"
                + "<td class=\"num\">\(rawNumber(item.value))</td></tr>"
        }
        return out + "</tbody></table></details></div>"
    }

    /// Requests seen this step against `minRequests` per arm.
    static func exposureTable(_ e: MigrationEntry, _ ev: [GuardEvidence]) -> String {
        let minimum = Double(max(1, e.policy.minRequests))
        let c = ev.value(.exposure, .candidateRequests) ?? 0, b = ev.value(.exposure, .baselineRequests) ?? 0
        // At a 100 % step the candidate alone must reach the minimum.
        let seen = e.status.candidateWeight(e.policy) == .full ? c : min(c, b)
        var out = "<table class=\"ev\"><tbody><tr><td style=\"width:22%\"><b>Exposure</b></td>"
            + "<td>candidate \(ReasonFormat.count(Int64(c))), baseline \(ReasonFormat.count(Int64(b))) requests this step; "
            + "at least \(ReasonFormat.count(e.policy.minRequests)) per arm before advancing</td>"
            + "<td class=\"m\">\(meter(linearMeterFraction(seen, limit: minimum), kind: seen >= minimum ? "ok" : "pending"))</td>"
            + "<td class=\"num\">\(ReasonFormat.count(Int64(seen))) / \(ReasonFormat.count(e.policy.minRequests))</td></tr>"
        if let idle = ev.value(.exposure, .candidateIdleSeconds), let after = e.policy.noDataAfter {
            out += "<tr><td><b>No data</b></td><td>candidate idle for \(ReasonFormat.duration(milliseconds: Int64(idle * 1000))); "
                + "reported as no data after \(after)</td>"
                + "<td class=\"m\">\(meter(linearMeterFraction(idle, limit: after.seconds), kind: idle >= after.seconds ? "bad" : "warn"))</td>"
                + "<td class=\"num\">\((ev.value(.exposure, .noData) ?? 0) >= 1 ? "no data" : "ok")</td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// The sequential judge: per guard the safety evidence against `1/β` (advancing needs each), the
    /// combined rollback evidence against `1/α_i`, and the absolute limits against theirs.
    static func sequentialTables(_ p: Policy, _ ev: [GuardEvidence]) -> String {
        let safetyT = ev.value(.combined, .safetyThreshold) ?? 1 / p.sequential.beta
        var guards: [EvidenceGuard] = []
        for item in ev where !guards.contains(item.guardName) { guards.append(item.guardName) }
        var out = "<h3 class=\"sub\" style=\"margin-top:12px\">To advance: evidence that the candidate is no worse than "
            + "\(ReasonFormat.ratio(p.sequential.badRatio)) the baseline, ≥ \(ReasonFormat.threshold(safetyT)) "
            + "(1/β) on each guard</h3><table class=\"ev\"><tbody>"
        // Quantiles above p99 are measured (and can roll back) but do not hold a step.
        let informational = Set(p.sequential.latencyQuantiles.filter { $0 > SequentialJudge.highestGatedQuantile }
            .flatMap { [EvidenceGuard.latency(quantile: $0), .ttft(quantile: $0)] })
        for g in guards {
            guard let safety = ev.value(g, .safetyEValue) else { continue }
            let gated = !informational.contains(g)
            out += "<tr><td style=\"width:22%\"><b>\(guardLabel(g))</b></td><td>\(guardDetail(g, ev))"
                + (gated ? "" : " <span class=\"muted\">(measured, not required to advance)</span>") + "</td>"
                + "<td class=\"m\">\(meter(logMeterFraction(safety, threshold: safetyT), kind: !gated ? "info" : (safety >= safetyT ? "ok" : "pending")))</td>"
                + "<td class=\"num\">\(ReasonFormat.evidence(safety)) / \(ReasonFormat.threshold(safetyT))</td></tr>"
        }
        out += "</tbody></table>"
        let combined = ev.value(.combined, .rollbackEValue) ?? 1
        out += "<h3 class=\"sub\" style=\"margin-top:12px\">To roll back: evidence that the candidate is worse than "
            + "\(ReasonFormat.plain(p.sequential.tolerance))× the baseline (all guards combined), or past an absolute limit"
            + "</h3><table class=\"ev\"><tbody>"
        let parts = guards.compactMap { g in ev.value(g, .rollbackEValue).map { "\(guardLabel(g)) \(ReasonFormat.evidence($0))" } }
            .filter { !$0.hasPrefix("combined") }
        if let rollbackT = ev.value(.combined, .rollbackThreshold) {
            out += "<tr><td style=\"width:22%\"><b>combined</b></td><td>by guard: \(parts.joined(separator: " · "))</td>"
                + "<td class=\"m\">\(meter(logMeterFraction(combined, threshold: rollbackT), kind: combined >= rollbackT ? "bad" : "warn"))</td>"
                + "<td class=\"num\">\(ReasonFormat.evidence(combined)) / \(ReasonFormat.threshold(rollbackT))</td></tr>"
        } else {
            out += "<tr><td style=\"width:22%\"><b>combined</b></td><td colspan=\"3\" class=\"muted\">not compared at a "
                + "100% step (no baseline traffic to compare with); the absolute limits still apply</td></tr>"
        }
        let absoluteT = ev.value(.combined, .absoluteThreshold)
        let limits: [(EvidenceGuard, EvidenceTest, String)] = [
            (.errors, .maxRateEValue, "error rate above \(p.guards.maxErrorRatePercent.map { ReasonFormat.plain($0) + "%" } ?? "maxRate")"),
            (.latencyMax, .eValue, "p99 latency above \(p.guards.maxP99.map { "\($0)" } ?? "maxP99")"),
            (.ttftMax, .eValue, "TTFT above \(p.guards.ttft?.max.map { "\($0)" } ?? "its max")"),
        ] + p.guards.custom.compactMap { g in
            g.maxRatePercent.map { (g.evidenceName, .maxRateEValue, "\(g.name) bad share above \(ReasonFormat.plain($0))%") }
        }
        for (g, test, text) in limits {
            guard let value = ev.value(g, test), let t = absoluteT else { continue }
            out += "<tr><td><b>limit</b></td><td>\(HTML.escape(text))</td>"
                + "<td class=\"m\">\(meter(logMeterFraction(value, threshold: t), kind: value >= t ? "bad" : "warn"))</td>"
                + "<td class=\"num\">\(ReasonFormat.evidence(value)) / \(ReasonFormat.threshold(t))</td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// The threshold judge: each check's ratio against its limit, and failed checks against the threshold.
    static func thresholdTable(_ p: Policy, _ ev: [GuardEvidence]) -> String {
        let g = p.guards
        var rows: [(String, String, Double, Double, String)] = []  // label, detail, value, limit, value text
        if let r = ev.value(.errors, .ratio) {
            rows.append(("errors", guardDetail(.errors, ev), r, g.maxErrorRatio,
                         "\(ReasonFormat.ratio(r)) / \(ReasonFormat.ratio(g.maxErrorRatio))"))
        }
        if let cap = g.maxErrorRatePercent, let rate = ev.value(.errors, .candidateRate) {
            rows.append(("error rate", "candidate error rate against maxRate", rate * 100, cap,
                         "\(ReasonFormat.percent(rate)) / \(ReasonFormat.plain(cap))%"))
        }
        for (name, guardName, limit) in [("latency", EvidenceGuard.latency, g.maxLatencyRatio),
                                         ("TTFT", .ttft, g.ttft?.maxRatio ?? 1.5),
                                         ("tokens", .tokens, g.tokens?.maxRatio ?? 1.5), ("cost", .cost, g.cost?.maxRatio ?? 1.5)] {
            guard let r = ev.value(guardName, .ratio) else { continue }
            rows.append((name, guardDetail(guardName, ev), r, limit, "\(ReasonFormat.ratio(r)) / \(ReasonFormat.ratio(limit))"))
        }
        for cg in g.custom {
            let name = cg.evidenceName
            if let r = ev.value(name, .ratio) {
                rows.append((cg.name, guardDetail(name, ev), r, cg.maxRatio,
                             "\(ReasonFormat.ratio(r)) / \(ReasonFormat.ratio(cg.maxRatio))"))
            }
            if let cap = cg.maxRatePercent, let rate = ev.value(name, .candidateRate) {
                rows.append(("\(cg.name) rate", "candidate bad share against maxRate", rate * 100, cap,
                             "\(ReasonFormat.percent(rate)) / \(ReasonFormat.plain(cap))%"))
            }
        }
        let failed = ev.value(.checks, .failedChecks) ?? 0
        rows.append(("failed checks", "consecutive ticks with a failed check; \(g.failureThreshold) roll back",
                     failed, Double(g.failureThreshold), "\(Int(failed)) / \(g.failureThreshold)"))
        var out = "<h3 class=\"sub\" style=\"margin-top:12px\">Checks: candidate against baseline, at most the limit</h3>"
            + "<table class=\"ev\"><tbody>"
        for (label, detail, value, limit, text) in rows {
            out += "<tr><td style=\"width:22%\"><b>\(HTML.escape(label))</b></td><td>\(detail)</td>"
                + "<td class=\"m\">\(meter(linearMeterFraction(value, limit: limit), kind: value > limit ? "bad" : "pending"))</td>"
                + "<td class=\"num\">\(text)</td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// `errors`, `p99 latency`, `TTFT p90`, `tokens`, `json_parse` (a custom guard): a guard as people say it.
    static func guardLabel(_ g: EvidenceGuard) -> String {
        let raw = g.rawValue
        if raw.hasPrefix("latency_p") { return HTML.escape(String(raw.dropFirst(8)) + " latency") }
        if raw.hasPrefix("ttft_p") { return HTML.escape("TTFT " + String(raw.dropFirst(5))) }
        if let name = g.customName { return HTML.escape(name) }
        return HTML.escape(raw.replacingOccurrences(of: "_", with: " "))
    }

    /// What a guard compares, from its evidence, as HTML: `candidate 1.2% vs baseline 1.0% errors`.
    static func guardDetail(_ g: EvidenceGuard, _ ev: [GuardEvidence]) -> String {
        if g == .errors, let c = ev.value(g, .candidateRate), let b = ev.value(g, .baselineRate) {
            return "error rate: candidate \(ReasonFormat.percent(c)) vs baseline \(ReasonFormat.percent(b))"
        }
        if g.customName != nil {
            guard let c = ev.value(g, .candidateRate) else {
                return "<span class=\"muted\">custom guard: no counter from the metrics source yet</span>"
            }
            let b = ev.value(g, .baselineRate).map { " vs baseline \(ReasonFormat.percent($0))" } ?? ""
            return "custom guard, bad share: candidate \(ReasonFormat.percent(c))\(b)"
        }
        if let t = ev.value(g, .thresholdSeconds) {
            let what = g.rawValue.hasPrefix("ttft") ? "first tokens" : "requests"
            let c = ev.value(g, .candidateShareAbove) ?? 0, b = ev.value(g, .baselineShareAbove) ?? 0
            return "\(what) slower than \(ReasonFormat.latency(seconds: t)): candidate \(ReasonFormat.percent(c)) vs "
                + "baseline \(ReasonFormat.percent(b))"
        }
        if let c = ev.value(g, .candidateQuantileSeconds), let b = ev.value(g, .baselineQuantileSeconds) {
            return "candidate \(ReasonFormat.latency(seconds: c)) vs baseline \(ReasonFormat.latency(seconds: b))"
        }
        if let c = ev.value(g, .candidateMean), let b = ev.value(g, .baselineMean) {
            return "per request: candidate \(rawNumber(c)) vs baseline \(rawNumber(b))"
        }
        if g.rawValue.hasPrefix("latency_p") || g.rawValue.hasPrefix("ttft_p") {
            return "<span class=\"muted\">threshold warming up (the baseline's quantile is not known yet)</span>"
        }
        return ""
    }

    /// An evidence number: `1,204`, `0.0123`, `3.2e51`.
    package static func rawNumber(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x < 0 ? "-∞" : "∞") }
        if x == x.rounded(), abs(x) < 1e15 { return ReasonFormat.count(Int64(x)) }
        if abs(x) >= 1e6 { return (x < 0 ? "-" : "") + ReasonFormat.evidence(abs(x)) }
        var text = ReasonFormat.fixed(x, abs(x) < 1 ? 4 : 2)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
