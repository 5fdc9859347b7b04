extension JudgeState {
    /// The state for a fresh step: no step evidence and a blank judge memory, while the counter
    /// snapshot and the tick/data times carry on (increments keep flowing across steps).
    ///
    /// The sequential judge takes its latency thresholds from data it does not test: the step that just
    /// ended. So when it was in use, the ending step's baseline histogram is kept (added to the one
    /// carried before when the step saw too few baseline requests to estimate every threshold). With a
    /// TTFT, tokens or cost guard, the baseline's TTFT histogram and its tokens and requests are carried
    /// the same way (`previousBaselineCounts`), for the TTFT thresholds and the units of the mean-ratio
    /// guards.
    package func resetForNewStep() -> JudgeState {
        var out = self
        out.step = .zero
        out.memory = JudgeMemory()
        if let old = memory.sequential {
            var carried = step.baseline.latency
            let needed = old.latency.map { LatencyThresholds.minimumBaseline(for: $0.quantile) }.max() ?? 100
            if LatencyThresholds.total(carried) < needed {
                var merged = ArmCounts(latency: carried)
                merged.merge(ArmCounts(latency: old.previousBaseline))
                carried = merged.latency
            }
            var fresh = SequentialMemory()
            fresh.previousBaseline = carried
            if !old.ttft.isEmpty || old.tokens != nil || old.cost != nil {
                fresh.previousBaselineCounts = Self.carriedCounts(step.baseline, old)
            }
            out.memory.sequential = fresh
        }
        return out
    }

    /// The ending step's baseline counts beyond latency, each part merged with the one carried before
    /// when too small: the TTFT histogram below the largest TTFT threshold's minimum, the tokens and
    /// requests below `MeanRatioGuard.minimumBaseline` successful requests.
    static func carriedCounts(_ baseline: ArmCounts, _ old: SequentialMemory) -> ArmCounts {
        var out = baseline
        out.latency = []
        out.latencySum = 0
        out.custom = []
        let prior = old.previousBaselineCounts
        let needed = old.ttft.map { LatencyThresholds.minimumBaseline(for: $0.quantile) }.max() ?? 100
        if LatencyThresholds.total(out.ttft) < needed {
            ArmCounts.add(prior.ttft, into: &out.ttft)
            out.ttftSum += prior.ttftSum
        }
        if out.successes < MeanRatioGuard.minimumBaseline {
            out.requests &+= prior.requests
            out.errors &+= prior.errors
            out.clientErrors &+= prior.clientErrors
            out.tokens &+= prior.tokens
        }
        return out
    }
}
