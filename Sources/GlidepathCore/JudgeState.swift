/// What a judge remembers between ticks (persisted with the migration; comes back after a restart).
package struct JudgeMemory: Hashable, Sendable, Codable {
    /// Threshold judge: consecutive failed checks in the current step.
    package var failedChecks: Int
    /// Sequential judge: the e-processes of the current step (nil before its first tick).
    package var sequential: SequentialMemory?

    package init(failedChecks: Int = 0, sequential: SequentialMemory? = nil) {
        self.failedChecks = failedChecks
        self.sequential = sequential
    }
}

/// Everything the control loop keeps per migration between ticks, persisted in the store.
package struct JudgeState: Hashable, Sendable, Codable {
    /// Sum of increments since the current step began.
    package var step: ArmPair
    /// The cumulative counter values seen at the last tick (nil before the first), to take increments.
    package var lastSnapshot: ArmPair?
    /// When the last tick ran (ms since the Unix epoch).
    package var lastTickAt: Int64?
    /// When either arm last saw a request (ms since the Unix epoch).
    package var lastDataAt: Int64?
    /// When the candidate last saw a request (ms since the Unix epoch), for `noDataAfter`.
    package var lastCandidateAt: Int64?
    package var memory: JudgeMemory
    /// The last verdict (served in status, exported as guard evidence).
    package var lastVerdict: Verdict?

    package init(step: ArmPair = .zero, lastSnapshot: ArmPair? = nil, lastTickAt: Int64? = nil,
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

    package static let initial = JudgeState()
}
