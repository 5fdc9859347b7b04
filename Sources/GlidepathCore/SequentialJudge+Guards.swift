/// The sequential judge's guards on time to first token, tokens and cost (`guards.ttft`,
/// `guards.tokens`, `guards.cost`). Each does nothing when the policy does not set it.
extension SequentialJudge {
    /// Freezes the TTFT thresholds and the units of `tokens` and `cost` still warming up that the
    /// baseline's `counts` can estimate (the previous step's, or this step's so far).
    static func freezeOthers(_ mem: inout SequentialMemory, from counts: ArmCounts, _ policy: Policy) {
        freeze(&mem.ttft, from: counts.ttft)
        mem.tokens?.freeze(trials: counts.successes, amount: Double(counts.tokens))
        if mem.cost != nil, let price = policy.price(of: .baseline) {
            mem.cost?.freeze(trials: counts.judgedRequests, amount: counts.cost(at: price))
        }
    }

    /// Feeds one tick into the TTFT thresholds, `tokens` and `cost` (relative: both arms share traffic)
    /// and into `guards.ttft.max` (the candidate alone, at every step).
    static func updateOthers(_ mem: inout SequentialMemory, tick: ArmPair, relative: Bool, _ policy: Policy) {
        let c = tick.candidate, b = tick.baseline
        if relative {
            let hc = LatencyThresholds.total(c.ttft), hb = LatencyThresholds.total(b.ttft)
            for j in mem.ttft.indices {
                guard let bucket = mem.ttft[j].bucket else { continue }
                mem.ttft[j].state.update(
                    candidateTrials: hc, candidateEvents: LatencyThresholds.countAbove(index: bucket, histogram: c.ttft),
                    baselineTrials: hb, baselineEvents: LatencyThresholds.countAbove(index: bucket, histogram: b.ttft))
            }
            mem.tokens?.update(candidateTrials: c.successes, candidateAmount: Double(c.tokens),
                               baselineTrials: b.successes, baselineAmount: Double(b.tokens))
            if mem.cost != nil, let pc = policy.price(of: .candidate), let pb = policy.price(of: .baseline) {
                mem.cost?.update(candidateTrials: c.judgedRequests, candidateAmount: c.cost(at: pc),
                                 baselineTrials: b.judgedRequests, baselineAmount: b.cost(at: pb))
            }
        }
        if mem.ttftMax != nil, let cap = policy.guards.ttft?.max {
            let bucket = LatencyBuckets.index(ofSeconds: cap.seconds)
            mem.ttftMax?.update(trials: LatencyThresholds.total(c.ttft),
                                events: LatencyThresholds.countAbove(index: bucket, histogram: c.ttft))
        }
    }
}
