extension JudgeState {
    /// The state for a fresh step: no step evidence and a blank judge memory, while the counter
    /// snapshot and the tick/data times carry on (increments keep flowing across steps).
    public func resetForNewStep() -> JudgeState {
        var out = self
        out.step = .zero
        out.memory = JudgeMemory()
        return out
    }
}
