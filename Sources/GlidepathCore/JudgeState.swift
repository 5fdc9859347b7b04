/// What a judge remembers between ticks (persisted with the migration; comes back after a restart).
public struct JudgeMemory: Hashable, Sendable, Codable {
    /// Threshold judge: consecutive failed checks in the current step.
    public var failedChecks: Int
    /// Sequential judge: the e-processes of the current step (nil before its first tick).
    public var sequential: SequentialMemory?

    public init(failedChecks: Int = 0, sequential: SequentialMemory? = nil) {
        self.failedChecks = failedChecks
        self.sequential = sequential
    }
}

/// Everything the control loop keeps per migration between ticks, persisted in the store.
public struct JudgeState: Hashable, Sendable, Codable {
    /// Sum of increments since the current step began.
    public var step: ArmPair
    /// The cumulative counter values seen at the last tick (nil before the first), to take increments.
    public var lastSnapshot: ArmPair?
    /// When the last tick ran (ms since the Unix epoch).
    public var lastTickAt: Int64?
    /// When either arm last saw a request (ms since the Unix epoch).
    public var lastDataAt: Int64?
    /// When the candidate last saw a request (ms since the Unix epoch), for `noDataAfter`.
    public var lastCandidateAt: Int64?
    public var memory: JudgeMemory
    /// The last verdict (served in status, exported as guard evidence).
    public var lastVerdict: Verdict?

    public init(step: ArmPair = .zero, lastSnapshot: ArmPair? = nil, lastTickAt: Int64? = nil,
                lastDataAt: Int64? = nil, lastCandidateAt: Int64? = nil, memory: JudgeMemory = JudgeMemory(),
                lastVerdict: Verdict? = nil) {
        self.step = step
        self.lastSnapshot = lastSnapshot
        self.lastTickAt = lastTickAt
        self.lastDataAt = lastDataAt
        self.lastCandidateAt = lastCandidateAt
        self.memory = memory
        self.lastVerdict = lastVerdict
    }

    public static let initial = JudgeState()
}
