/// The inputs of one judgement.
package struct JudgeInput: Sendable {
    package var policy: Policy
    package var status: MigrationStatus
    /// Everything since the current step began, this tick included.
    package var step: ArmPair
    /// This tick's increments alone.
    package var tick: ArmPair
    package var memory: JudgeMemory

    package init(policy: Policy, status: MigrationStatus, step: ArmPair, tick: ArmPair, memory: JudgeMemory) {
        self.policy = policy
        self.status = status
        self.step = step
        self.tick = tick
        self.memory = memory
    }
}

/// A judge's answer: the verdict and what it remembers for the next tick.
package struct Assessment: Sendable {
    package var verdict: Verdict
    package var memory: JudgeMemory

    package init(verdict: Verdict, memory: JudgeMemory) {
        self.verdict = verdict
        self.memory = memory
    }
}

/// Decides advance, hold or roll back from counts. Pure: `now` is passed in, no I/O.
package protocol Judge: Sendable {
    func assess(_ input: JudgeInput, now: Int64) -> Assessment
}
