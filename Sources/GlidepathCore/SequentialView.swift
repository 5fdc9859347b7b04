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
    /// errors first, then the latency thresholds, the TTFT thresholds, tokens, cost and the custom guards.
    let rollbackTerms: [(name: EvidenceGuard, log: Double)]
    /// `log` of the combined rollback e-value (weights sum to 1).
    let combinedLog: Double
    /// Each guard's e-values in logs and the threshold guards' names, computed once per tick
    /// (the verdict, its reason and its evidence all read them).
    let errorsRollback: Double
    let errorsSafety: Double
    let latencyRollback: [Double]
    let latencySafety: [Double]
    let latencyNames: [EvidenceGuard]
    let ttftRollback: [Double]
    let ttftSafety: [Double]
    let ttftNames: [EvidenceGuard]

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
        ttftRollback = memory.ttft.map(\.state.rollback.logEValue)
        ttftSafety = memory.ttft.map(\.state.safetyLogEValue)
        ttftNames = memory.ttft.map { EvidenceGuard.ttft(quantile: $0.quantile) }
        // The weights come from the policy (what it configures); the memory was built under it.
        let weights = SequentialJudge.rollbackWeights(input.policy)
        var relative = Array(zip(latencyNames, latencyRollback)) + Array(zip(ttftNames, ttftRollback))
        if input.policy.guards.tokens != nil { relative.append((.tokens, memory.tokens?.rollback.logEValue ?? 0)) }
        if input.policy.guards.cost != nil { relative.append((.cost, memory.cost?.rollback.logEValue ?? 0)) }
        relative += memory.custom.map { (EvidenceGuard.custom($0.name), $0.state.rollback.logEValue) }
        var terms: [(name: EvidenceGuard, log: Double)] = [(.errors, errorsRollback + log(weights[0]))]
        for (g, w) in zip(relative, weights.dropFirst()) {
            terms.append((g.0, g.1 + log(w)))
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
            let (rule, sentence) = rollbackSentence(top)
            return make(.rollback, rule, "\(sentence) after \(ReasonFormat.count(c.requests)) candidate "
                + "requests; \(relativeConfidence)")
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

        if let e = mem.ttftMax, let cap = policy.guards.ttft?.max, e.logEValue >= logAbsoluteThreshold {
            return make(.rollback, .ttftMax, "\(ttftMaxSentence(cap, e)), after \(ReasonFormat.count(c.requests)) "
                + "candidate requests; \(absoluteConfidence(e.logEValue))")
        }

        if let (j, e) = customOverLimit {
            return make(.rollback, .customRate, "\(customRateSentence(j, e)) after \(ReasonFormat.count(c.requests)) "
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
}
