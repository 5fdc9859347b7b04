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

    /// `candidate share of first tokens slower than the baseline's TTFT p90 (250 ms) 21.0% vs baseline 9.8%`.
    func ttftSentence(_ l: SequentialMemory.Latency) -> String {
        let threshold = l.seconds.map { " (\(ReasonFormat.latency(seconds: $0)))" } ?? ""
        return "candidate share of first tokens slower than the baseline's TTFT \(ReasonFormat.quantileName(l.quantile))"
            + "\(threshold) \(ReasonFormat.percent(l.state.candidateShare)) vs baseline "
            + ReasonFormat.percent(l.state.baselineShare)
    }

    /// The rule and the sentence (before `after N candidate requests`) of a relative rollback whose
    /// largest weighted term is `top`.
    func rollbackSentence(_ top: EvidenceGuard) -> (Verdict.Rule, String) {
        let c = input.step.candidate, b = input.step.baseline
        if let j = latencyNames.firstIndex(of: top) { return (.latencyEvidence, latencySentence(mem.latency[j])) }
        if let j = ttftNames.firstIndex(of: top) { return (.ttftEvidence, ttftSentence(mem.ttft[j])) }
        if top == .tokens, let g = mem.tokens {
            return (.tokensEvidence, "candidate \(ReasonFormat.amount(g.candidateMean ?? 0)) tokens per successful "
                + "request vs baseline \(ReasonFormat.amount(g.baselineMean ?? 0)) (max ratio "
                + "\(ReasonFormat.plain(g.rollback.null)))")
        }
        if let name = top.customName, let j = mem.custom.firstIndex(where: { $0.name == name }) {
            return (.customEvidence, customSentence(j))
        }
        if top == .cost, let g = mem.cost {
            let (cm, bm) = ReasonFormat.money(g.candidateMean ?? 0, g.baselineMean ?? 0)
            return (.costEvidence, "candidate cost per request \(cm) vs baseline \(bm) (max ratio "
                + "\(ReasonFormat.plain(g.rollback.null)))")
        }
        return (.errorEvidence, "candidate error rate \(ReasonFormat.percent(c.errorRate)) vs "
            + "baseline \(ReasonFormat.percent(b.errorRate))")
    }

    /// `12.0% of candidate first tokens slower than 2.50 s, above the 1.0% that a TTFT p99 of at most
    /// 2.00 s allows`.
    func ttftMaxSentence(_ cap: TimeSpan, _ e: BinomialEProcess) -> String {
        let c = input.step.candidate
        let index = LatencyBuckets.index(ofSeconds: cap.seconds)
        let bound = LatencyBuckets.bounds[min(index, LatencyBuckets.bounds.count - 1)]
        let total = LatencyThresholds.total(c.ttft)
        let share = total == 0 ? 0 : Double(LatencyThresholds.countAbove(index: index, histogram: c.ttft)) / Double(total)
        return "\(ReasonFormat.percent(share)) of candidate first tokens slower than "
            + "\(ReasonFormat.latency(seconds: bound)), above the \(ReasonFormat.percent(e.null)) that a TTFT "
            + "\(ReasonFormat.quantileName(policy.guards.ttft?.quantile ?? 0.99)) of at most "
            + "\(ReasonFormat.latency(seconds: cap.seconds)) allows"
    }

    /// What the verdict exports as `glidepath_guard_evidence` and stores with each decision. Latency
    /// and TTFT guards still warming up export only their e-values (1); the tokens and cost guards
    /// their means per arm (once counting), their unit (once frozen) and their rollback e-value.
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
        for (j, l) in mem.ttft.enumerated() {
            let name = ttftNames[j]
            if let seconds = l.seconds {
                out.append(GuardEvidence(guardName: name, test: .thresholdSeconds, value: seconds))
                out.append(GuardEvidence(guardName: name, test: .candidateShareAbove, value: l.state.candidateShare))
                out.append(GuardEvidence(guardName: name, test: .baselineShareAbove, value: l.state.baselineShare))
            }
            out.append(GuardEvidence(guardName: name, test: .rollbackEValue, value: exp(ttftRollback[j])))
            out.append(GuardEvidence(guardName: name, test: .safetyEValue, value: exp(ttftSafety[j])))
        }
        if let e = mem.ttftMax {
            out.append(GuardEvidence(guardName: .ttftMax, test: .eValue, value: exp(e.logEValue)))
        }
        for (name, g) in [(EvidenceGuard.tokens, mem.tokens), (.cost, mem.cost)] {
            guard let g else { continue }
            if let m = g.candidateMean { out.append(GuardEvidence(guardName: name, test: .candidateMean, value: m)) }
            if let m = g.baselineMean { out.append(GuardEvidence(guardName: name, test: .baselineMean, value: m)) }
            if let u = g.unit { out.append(GuardEvidence(guardName: name, test: .unit, value: u)) }
            out.append(GuardEvidence(guardName: name, test: .rollbackEValue, value: g.rollback.eValue))
        }
        out += customEvidence
        out.append(GuardEvidence(guardName: .combined, test: .rollbackEValue, value: exp(combinedLog)))
        if rollbackThreshold.isFinite {
            out.append(GuardEvidence(guardName: .combined, test: .rollbackThreshold, value: rollbackThreshold))
        }
        if mem.maxRate != nil || mem.maxP99 != nil || mem.ttftMax != nil || mem.custom.contains(where: { $0.maxRate != nil }) {
            out.append(GuardEvidence(guardName: .combined, test: .absoluteThreshold, value: absoluteThreshold))
        }
        out.append(GuardEvidence(guardName: .combined, test: .safetyThreshold, value: safetyThreshold))
        out.append(GuardEvidence(guardName: .exposure, test: .candidateRequests, value: Double(c.requests)))
        out.append(GuardEvidence(guardName: .exposure, test: .baselineRequests, value: Double(b.requests)))
        return out
    }
}
