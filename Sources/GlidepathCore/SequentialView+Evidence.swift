#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SequentialView {
    /// `evidence 187 ≥ 180 (99% confidence over 4 steps)`: the combined relative e-value against this
    /// step's threshold; the steps are those compared with a baseline, which share `alpha`.
    var relativeConfidence: String {
        confidence(combinedLog, threshold: rollbackThreshold, steps: SequentialJudge.comparedSteps(policy).count)
    }

    /// `evidence 512 ≥ 500 (99% confidence over 5 steps)`: an absolute limit's e-value (alpha split
    /// evenly over every step).
    func absoluteConfidence(_ logE: Double) -> String {
        confidence(logE, threshold: absoluteThreshold, steps: policy.steps.count)
    }

    func confidence(_ logE: Double, threshold: Double, steps: Int) -> String {
        "evidence \(ReasonFormat.evidence(exp(logE))) ≥ \(ReasonFormat.threshold(threshold)) "
            + "(\(ReasonFormat.confidence(alpha: policy.sequential.alpha)) confidence over \(steps) "
            + "\(steps == 1 ? "step" : "steps"))"
    }

    /// `candidate share above the baseline's p99 (330 ms) 4.1% vs baseline 0.9%`.
    func latencySentence(_ l: SequentialMemory.Latency) -> String {
        let threshold = l.seconds.map { " (\(ReasonFormat.latency(seconds: $0)))" } ?? ""
        return "candidate share of requests slower than the baseline's \(ReasonFormat.quantileName(l.quantile))"
            + "\(threshold) \(ReasonFormat.percent(l.state.candidateShare)) vs baseline "
            + ReasonFormat.percent(l.state.baselineShare)
    }

    /// What the verdict exports as `glidepath_guard_evidence` and stores with each decision. Latency
    /// guards still warming up export only their e-values (1).
    func evidence() -> [GuardEvidence] {
        let c = input.step.candidate, b = input.step.baseline
        var out = [
            GuardEvidence(guardName: "errors", test: "candidate_rate", value: c.errorRate),
            GuardEvidence(guardName: "errors", test: "baseline_rate", value: b.errorRate),
            GuardEvidence(guardName: "errors", test: "rollback_evalue", value: exp(errorsRollback)),
            GuardEvidence(guardName: "errors", test: "safety_evalue", value: exp(errorsSafety)),
        ]
        if let e = mem.maxRate {
            out.append(GuardEvidence(guardName: "errors", test: "max_rate_evalue", value: exp(e.logEValue)))
        }
        for (j, l) in mem.latency.enumerated() {
            let name = latencyNames[j]
            if let seconds = l.seconds {
                out.append(GuardEvidence(guardName: name, test: "threshold_seconds", value: seconds))
                out.append(GuardEvidence(guardName: name, test: "candidate_share_above", value: l.state.candidateShare))
                out.append(GuardEvidence(guardName: name, test: "baseline_share_above", value: l.state.baselineShare))
            }
            out.append(GuardEvidence(guardName: name, test: "rollback_evalue", value: exp(latencyRollback[j])))
            out.append(GuardEvidence(guardName: name, test: "safety_evalue", value: exp(latencySafety[j])))
        }
        if let e = mem.maxP99 {
            out.append(GuardEvidence(guardName: "latency_max", test: "evalue", value: exp(e.logEValue)))
        }
        out.append(GuardEvidence(guardName: "combined", test: "rollback_evalue", value: exp(combinedLog)))
        if rollbackThreshold.isFinite {
            out.append(GuardEvidence(guardName: "combined", test: "rollback_threshold", value: rollbackThreshold))
        }
        if mem.maxRate != nil || mem.maxP99 != nil {
            out.append(GuardEvidence(guardName: "combined", test: "absolute_threshold", value: absoluteThreshold))
        }
        out.append(GuardEvidence(guardName: "combined", test: "safety_threshold", value: safetyThreshold))
        out.append(GuardEvidence(guardName: "exposure", test: "candidate_requests", value: Double(c.requests)))
        out.append(GuardEvidence(guardName: "exposure", test: "baseline_requests", value: Double(b.requests)))
        return out
    }
}
