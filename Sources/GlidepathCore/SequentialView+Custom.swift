#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sequential judge's custom guards in the verdict: their limits, sentences, evidence and gating.
extension SequentialView {
    /// The policy's custom guard `j` of the memory (the memory was built under the policy).
    func customSpec(_ j: Int) -> CustomGuard? {
        let all = policy.guards.custom
        return j < all.count && all[j].name == mem.custom[j].name ? all[j] : nil
    }

    /// The first custom guard whose `maxRate` test reached its threshold, with that test.
    var customOverLimit: (index: Int, test: BinomialEProcess)? {
        for (j, g) in mem.custom.enumerated() {
            if let e = g.maxRate, e.logEValue >= logAbsoluteThreshold { return (j, e) }
        }
        return nil
    }

    /// `custom guard json_parse: candidate 7.0% bad, above the limit of 5.0%` (the step's share).
    func customRateSentence(_ j: Int, _ e: BinomialEProcess) -> String {
        let share = customSpec(j).flatMap { $0.badShare(in: input.step.candidate, index: j) } ?? 0
        return "custom guard \(mem.custom[j].name): candidate \(ReasonFormat.percent(share)) bad, above the limit of "
            + ReasonFormat.percent(e.null)
    }

    /// `custom guard json_parse: candidate 4.1% bad vs baseline 0.9%` (since the guard began counting).
    func customSentence(_ j: Int) -> String {
        let g = mem.custom[j]
        return "custom guard \(g.name): candidate \(ReasonFormat.percent(g.state.candidateShare)) bad vs baseline "
            + ReasonFormat.percent(g.state.baselineShare)
    }

    /// Custom guards that gate advancing: those the source gave a counter for on both arms in this step.
    var gatedCustom: [Int] {
        mem.custom.indices.filter { mem.custom[$0].state.candidateTrials > 0 && mem.custom[$0].state.baselineTrials > 0 }
    }

    /// Gated custom guards whose safety e-value is below `1/beta`: `json_parse 3.2`.
    var pendingCustom: [String] {
        gatedCustom.compactMap { j in
            let e = mem.custom[j].state.safetyLogEValue
            return e < logSafetyThreshold ? "\(mem.custom[j].name) \(ReasonFormat.evidence(exp(e)))" : nil
        }
    }

    /// `custom:<name>` entries: `candidate_rate` and `baseline_rate` over the step (when the source gave
    /// the counter), `rollback_evalue`, `safety_evalue` and, with `maxRate`, `max_rate_evalue`.
    var customEvidence: [GuardEvidence] {
        var out: [GuardEvidence] = []
        for (j, g) in mem.custom.enumerated() {
            let name = EvidenceGuard.custom(g.name)
            if let spec = customSpec(j) {
                if let s = spec.badShare(in: input.step.candidate, index: j) {
                    out.append(GuardEvidence(guardName: name, test: .candidateRate, value: s))
                }
                if let s = spec.badShare(in: input.step.baseline, index: j) {
                    out.append(GuardEvidence(guardName: name, test: .baselineRate, value: s))
                }
            }
            out.append(GuardEvidence(guardName: name, test: .rollbackEValue, value: exp(g.state.rollback.logEValue)))
            out.append(GuardEvidence(guardName: name, test: .safetyEValue, value: exp(g.state.safetyLogEValue)))
            if let e = g.maxRate {
                out.append(GuardEvidence(guardName: name, test: .maxRateEValue, value: exp(e.logEValue)))
            }
        }
        return out
    }
}
