/// The threshold judge's `guards.custom` checks: each guard's bad share per arm over the step, compared
/// like the error rate (ratio with `minDelta` slack, optional absolute `maxRate`).
extension ThresholdChecks {
    /// One custom guard's shares over the step.
    struct Custom {
        var guardSpec: CustomGuard
        var candidateShare: Double
        var baselineShare: Double
        /// Candidate share over baseline share; 1 when both are 0, nil when only the baseline's is 0.
        var ratio: Double?
    }

    /// Every custom guard the source gave a value for on the candidate in this step, and the failures
    /// they add (rules `custom-ratio`, `custom-rate`; each sentence names the guard).
    static func customChecks(_ guards: Guards, step: ArmPair, relative: Bool) -> ([Custom], [Failure]) {
        var checks: [Custom] = []
        var failures: [Failure] = []
        for (i, g) in guards.custom.enumerated() {
            guard let (nc, _) = g.events(in: step.candidate, index: i), nc > 0,
                  let cs = g.badShare(in: step.candidate, index: i) else { continue }
            let bs = g.badShare(in: step.baseline, index: i) ?? 0
            let ratio: Double? = bs > 0 ? cs / bs : (cs == 0 ? 1 : nil)
            checks.append(Custom(guardSpec: g, candidateShare: cs, baselineShare: bs, ratio: ratio))
            let shares = "custom guard \(g.name): candidate \(ReasonFormat.percent(cs)) bad"
            let limit = max(bs * g.maxRatio, bs + g.minDeltaPercent / 100)
            // Compared only when the baseline reported the counter in this step.
            if relative, g.events(in: step.baseline, index: i) != nil, cs > limit {
                failures.append(Failure(rule: .customRatio, sentence: "\(shares) vs baseline "
                    + "\(ReasonFormat.percent(bs)) (limit \(ReasonFormat.ratio(g.maxRatio)) or "
                    + "+\(ReasonFormat.fixed(g.minDeltaPercent, 1)) pt)"))
            }
            if let cap = g.maxRatePercent, cs * 100 > cap {
                failures.append(Failure(rule: .customRate, sentence: "\(shares), above the limit of "
                    + "\(ReasonFormat.fixed(cap, 1))%"))
            }
        }
        return (checks, failures)
    }

    /// `, json_parse 1.2% vs 0.9% bad` per custom guard with data.
    var customSummary: String {
        custom.map { ", \($0.guardSpec.name) \(ReasonFormat.percent($0.candidateShare)) vs "
            + "\(ReasonFormat.percent($0.baselineShare)) bad" }.joined()
    }

    /// `custom:<name>` entries: `candidate_rate`, `baseline_rate` and (when defined) `ratio`.
    var customEvidence: [GuardEvidence] {
        custom.flatMap { c -> [GuardEvidence] in
            let name = c.guardSpec.evidenceName
            var out = [GuardEvidence(guardName: name, test: .candidateRate, value: c.candidateShare),
                       GuardEvidence(guardName: name, test: .baselineRate, value: c.baselineShare)]
            if let r = c.ratio { out.append(GuardEvidence(guardName: name, test: .ratio, value: r)) }
            return out
        }
    }
}
