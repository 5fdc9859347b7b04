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
            GuardEvidence(guardName: .errors, test: .candidateRate, value: c.errorRate),
            GuardEvidence(guardName: .errors, test: .baselineRate, value: b.errorRate),
            GuardEvidence(guardName: .errors, test: .rollbackEValue, value: exp(errorsRollback)),
            GuardEvidence(guardName: .errors, test: .safetyEValue, value: exp(errorsSafety)),
        ]
        if let e = mem.maxRate {
            out.append(GuardEvidence(guardName: .errors, test: .maxRateEValue, value: exp(e.logEValue)))
        }
        for (j, l) in mem.latency.enumerated() {
            let name = latencyNames[j]
            if let seconds = l.seconds {
                out.append(GuardEvidence(guardName: name, test: .thresholdSeconds, value: seconds))
                out.append(GuardEvidence(guardName: name, test: .candidateShareAbove, value: l.state.candidateShare))
                out.append(GuardEvidence(guardName: name, test: .baselineShareAbove, value: l.state.baselineShare))
            }
            out.append(GuardEvidence(guardName: name, test: .rollbackEValue, value: exp(latencyRollback[j])))
            out.append(GuardEvidence(guardName: name, test: .safetyEValue, value: exp(latencySafety[j])))
        }
        if let e = mem.maxP99 {
            out.append(GuardEvidence(guardName: .latencyMax, test: .eValue, value: exp(e.logEValue)))
        }
        out.append(GuardEvidence(guardName: .combined, test: .rollbackEValue, value: exp(combinedLog)))
        if rollbackThreshold.isFinite {
            out.append(GuardEvidence(guardName: .combined, test: .rollbackThreshold, value: rollbackThreshold))
        }
        if mem.maxRate != nil || mem.maxP99 != nil {
            out.append(GuardEvidence(guardName: .combined, test: .absoluteThreshold, value: absoluteThreshold))
        }
        out.append(GuardEvidence(guardName: .combined, test: .safetyThreshold, value: safetyThreshold))
        out.append(GuardEvidence(guardName: .exposure, test: .candidateRequests, value: Double(c.requests)))
        out.append(GuardEvidence(guardName: .exposure, test: .baselineRequests, value: Double(b.requests)))
        return out
    }
}
