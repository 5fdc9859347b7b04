import GlidepathCore

/// One migration as the controller holds it in memory: the mirror of what the store has.
public struct MigrationEntry: Sendable {
    public var policy: Policy
    public var policySource: String
    public var status: MigrationStatus
    public var judge: JudgeState
    /// The newest audit-log entry (nil when the store had none).
    public var lastDecision: Decision?
    /// False while the current status is served but not yet written (the store was failing when a rollback
    /// or pause was decided); it is written when the store recovers.
    public var durable = true

    public init(policy: Policy, policySource: String, status: MigrationStatus, judge: JudgeState, lastDecision: Decision?) {
        self.policy = policy
        self.policySource = policySource
        self.status = status
        self.judge = judge
        self.lastDecision = lastDecision
    }

    public var name: String { status.migration }
}

/// What `Controller.apply` did with a policy.
public enum ApplyOutcome: String, Sendable {
    case created, updated, unchanged
}
