/// The inputs of one judgement.
public struct JudgeInput: Sendable {
    public var policy: Policy
    public var status: MigrationStatus
    /// Everything since the current step began, this tick included.
    public var step: ArmPair
    /// This tick's increments alone.
    public var tick: ArmPair
    public var memory: JudgeMemory

    public init(policy: Policy, status: MigrationStatus, step: ArmPair, tick: ArmPair, memory: JudgeMemory) {
        self.policy = policy
        self.status = status
        self.step = step
        self.tick = tick
        self.memory = memory
    }
}

/// A judge's answer: the verdict and what it remembers for the next tick.
public struct Assessment: Sendable {
    public var verdict: Verdict
    public var memory: JudgeMemory

    public init(verdict: Verdict, memory: JudgeMemory) {
        self.verdict = verdict
        self.memory = memory
    }
}

/// Decides advance, hold or roll back from counts. Pure: `now` is passed in, no I/O.
public protocol Judge: Sendable {
    func assess(_ input: JudgeInput, now: Int64) -> Assessment
}
