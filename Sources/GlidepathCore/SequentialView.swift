#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The sequential judge's decision on one tick's updated memory: which rule fires, with the evidence
/// entries and the sentence that explain it. See `SequentialJudge` for the rules.
struct SequentialView {
    let input: JudgeInput
    let mem: SequentialMemory
    let sole: Bool
    let now: Int64
    let policy: Policy
    let here: String
    /// `1/α_i` of the relative rollback test at this step (infinite at a 100 % step, where it does not
    /// run), `1/(alpha / steps)` of the absolute limits and `1/beta`, and their logs (the e-values are
    /// compared in logs).
    let rollbackThreshold: Double
    let absoluteThreshold: Double
    let safetyThreshold: Double
    let logRollbackThreshold: Double
    let logAbsoluteThreshold: Double
    let logSafetyThreshold: Double
    /// Weighted contributions (log) of each relative guard to the combined rollback e-value:
    /// errors first, then the latency thresholds.
    let rollbackTerms: [(name: EvidenceGuard, log: Double)]
    /// `log` of the combined rollback e-value (weights sum to 1).
    let combinedLog: Double
    /// Each guard's e-values in logs and the latency guards' names, computed once per tick
    /// (the verdict, its reason and its evidence all read them).
    let errorsRollback: Double
    let errorsSafety: Double
    let latencyRollback: [Double]
    let latencySafety: [Double]
    let latencyNames: [EvidenceGuard]

    init(input: JudgeInput, memory: SequentialMemory, sole: Bool, now: Int64) {
        self.input = input
        self.mem = memory
        self.sole = sole
        self.now = now
        policy = input.policy
        here = ReasonFormat.step(input.status.step, input.policy)
        rollbackThreshold = SequentialJudge.rollbackAlpha(input.policy, step: input.status.step).map { 1 / $0 }
            ?? .infinity
        absoluteThreshold = 1 / SequentialJudge.absoluteAlpha(input.policy)
        safetyThreshold = 1 / input.policy.sequential.beta
        logRollbackThreshold = log(rollbackThreshold)
        logAbsoluteThreshold = log(absoluteThreshold)
        logSafetyThreshold = log(safetyThreshold)
        errorsRollback = memory.errors.rollback.logEValue
        errorsSafety = memory.errors.safetyLogEValue
        latencyRollback = memory.latency.map(\.state.rollback.logEValue)
        latencySafety = memory.latency.map(\.state.safetyLogEValue)
        latencyNames = memory.latency.map { Self.guardName($0.quantile) }
        let weights = SequentialJudge.rollbackWeights(latencyQuantiles: memory.latency.map(\.quantile))
        var terms: [(name: EvidenceGuard, log: Double)] = [(.errors, errorsRollback + log(weights[0]))]
        for (j, w) in weights.dropFirst().enumerated() where j < latencyRollback.count {
            terms.append((latencyNames[j], latencyRollback[j] + log(w)))
        }
        rollbackTerms = terms
        combinedLog = EProcess.logSumExp(terms.map(\.log))  // the weights are already in the terms
    }

    /// The latency guards' names: `latency_p99`.
    static func guardName(_ q: Double) -> EvidenceGuard { .latency(quantile: q) }

    func verdict() -> Verdict {
        let evidence = self.evidence()
        func make(_ action: Verdict.Action, _ rule: Verdict.Rule, _ reason: String) -> Verdict {
            Verdict(action: action, rule: rule, reason: reason, evidence: evidence)
        }
        let c = input.step.candidate, b = input.step.baseline

        if !sole, combinedLog >= logRollbackThreshold {
            let top = rollbackTerms.max { $0.log < $1.log }?.name ?? .errors
            if top == .errors {
                return make(.rollback, .errorEvidence, "candidate error rate \(ReasonFormat.percent(c.errorRate)) vs "
                    + "baseline \(ReasonFormat.percent(b.errorRate)) after \(ReasonFormat.count(c.requests)) candidate "
                    + "requests; \(relativeConfidence)")
            }
            let l = mem.latency[latencyNames.firstIndex(of: top) ?? 0]
            return make(.rollback, .latencyEvidence, "\(latencySentence(l)) after "
                + "\(ReasonFormat.count(c.requests)) candidate requests; \(relativeConfidence)")
        }
        if let e = mem.maxRate, e.logEValue >= logAbsoluteThreshold {
            return make(.rollback, .errorRate, "candidate error rate \(ReasonFormat.percent(c.errorRate)) above the "
                + "limit of \(ReasonFormat.percent(e.null)) after \(ReasonFormat.count(c.requests)) candidate requests; "
                + absoluteConfidence(e.logEValue))
        }
        if let e = mem.maxP99, let cap = policy.guards.maxP99, e.logEValue >= logAbsoluteThreshold {
            let bound = LatencyBuckets.bounds[min(LatencyBuckets.index(ofSeconds: cap.seconds), LatencyBuckets.bounds.count - 1)]
            let above = LatencyThresholds.countAbove(index: LatencyBuckets.index(ofSeconds: cap.seconds), histogram: c.latency)
            let total = LatencyThresholds.total(c.latency)
            let share = total == 0 ? 0 : Double(above) / Double(total)
            return make(.rollback, .latencyMax, "\(ReasonFormat.percent(share)) of candidate requests slower than "
                + "\(ReasonFormat.latency(seconds: bound)), above the \(ReasonFormat.percent(e.null)) that a "
                + "\(ReasonFormat.quantileName(policy.guards.latencyQuantile)) of at most "
                + "\(ReasonFormat.latency(seconds: cap.seconds)) allows, after \(ReasonFormat.count(c.requests)) "
                + "candidate requests; \(absoluteConfidence(e.logEValue))")
        }

        if c.requests == 0 && b.requests == 0 {
            return make(.hold, .noData, "no requests on either arm since \(here) began; "
                + "no data never advances or rolls back")
        }
        let minimum = UInt64(max(0, policy.minRequests))
        if sole, c.requests < minimum {
            return make(.hold, .minRequests, "waiting for \(ReasonFormat.count(minimum)) candidate requests at "
                + "\(here), where the candidate takes all traffic: \(ReasonFormat.count(c.requests)) so far")
        }
        if !sole, c.requests < minimum || b.requests < minimum {
            return make(.hold, .minRequests, "waiting for \(ReasonFormat.count(minimum)) requests per arm at \(here): "
                + "baseline has \(ReasonFormat.count(min(b.requests, minimum))) of \(ReasonFormat.count(minimum)), "
                + "candidate \(ReasonFormat.count(min(c.requests, minimum))) of \(ReasonFormat.count(minimum))")
        }
        if !sole {
            let pending = pendingSafety
            if !pending.isEmpty {
                return make(.hold, .evidence, "waiting for evidence that the candidate is no worse than "
                    + "\(ReasonFormat.ratio(policy.sequential.badRatio)) the baseline (\(ReasonFormat.threshold(safetyThreshold)) "
                    + "each) after \(ReasonFormat.count(c.requests)) candidate requests: "
                    + pending.joined(separator: ", "))
            }
        }
        let bake = policy.steps.indices.contains(input.status.step) ? policy.steps[input.status.step].bake : .zero
        let elapsed = now.subtractingSaturating(input.status.stepStartedAt)
        let safe = sole
            ? "candidate takes all traffic: \(ReasonFormat.count(c.requests)) requests, no absolute limit crossed"
            : "safe: candidate no worse than \(ReasonFormat.ratio(policy.sequential.badRatio)) the baseline on "
                + "\(gatedNames) (evidence ≥ \(ReasonFormat.threshold(safetyThreshold)) each) after "
                + "\(ReasonFormat.count(c.requests)) candidate requests"
        if elapsed < bake.milliseconds {
            return make(.hold, .bake, "\(safe); \(ReasonFormat.duration(milliseconds: bake.milliseconds.subtractingSaturating(elapsed))) "
                + "of the \(ReasonFormat.duration(bake)) bake left at \(here)")
        }
        return make(.advance, .healthy, bake.milliseconds > 0 ? "\(safe); bake done" : safe)
    }

    /// True when the baseline has latency data to take thresholds from (this step's, or a frozen
    /// threshold from the previous one), so the latency guards gate advancing. A baseline that reports
    /// no latency leaves only errors to compare.
    var hasLatency: Bool {
        LatencyThresholds.total(input.step.baseline.latency) > 0 || mem.latency.contains { $0.bucket != nil }
    }

    /// Gated latency guards.
    var gatedLatency: [SequentialMemory.Latency] {
        hasLatency ? mem.latency.filter { $0.quantile <= SequentialJudge.highestGatedQuantile } : []
    }

    /// `errors and p50/p90/p99 latency`.
    var gatedNames: String {
        let names = gatedLatency.map { ReasonFormat.quantileName($0.quantile) }
        return names.isEmpty ? "errors" : "errors and \(names.joined(separator: "/")) latency"
    }

    /// Gated guards whose safety e-value is below `1/beta`, as `errors 3.2` / `p99 warming up`.
    var pendingSafety: [String] {
        var out: [String] = []
        if errorsSafety < logSafetyThreshold {
            out.append("errors \(ReasonFormat.evidence(exp(errorsSafety)))")
        }
        for l in gatedLatency {
            let name = ReasonFormat.quantileName(l.quantile)
            if l.bucket == nil {
                out.append("\(name) threshold warming up (\(ReasonFormat.count(LatencyThresholds.total(input.step.baseline.latency))) "
                    + "of \(ReasonFormat.count(LatencyThresholds.minimumBaseline(for: l.quantile))) baseline requests)")
            } else if let j = mem.latency.firstIndex(where: { $0.quantile == l.quantile }),
                      latencySafety[j] < logSafetyThreshold {
                out.append("\(name) \(ReasonFormat.evidence(exp(latencySafety[j])))")
            }
        }
        return out
    }
}
