extension JudgeState {
    /// The state for a fresh step: no step evidence and a blank judge memory, while the counter
    /// snapshot and the tick/data times carry on (increments keep flowing across steps).
    ///
    /// The sequential judge takes its latency thresholds from data it does not test: the step that just
    /// ended. So when it was in use, the ending step's baseline histogram is kept (added to the one
    /// carried before when the step saw too few baseline requests to estimate every threshold).
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
            out.memory.sequential = fresh
        }
        return out
    }
}
