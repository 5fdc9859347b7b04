import GlidepathCore

/// One migration as the controller holds it in memory: the mirror of what the store has.
package struct MigrationEntry: Sendable {
    package var policy: Policy
    package var policySource: String
    package var status: MigrationStatus
    package var judge: JudgeState
    /// The newest audit-log entry (nil when the store had none).
    package var lastDecision: Decision?
    /// False while the current status is served but not yet written (the store was failing when a rollback
    /// or pause was decided); it is written when the store recovers.
    package var durable = true

    package init(policy: Policy, policySource: String, status: MigrationStatus, judge: JudgeState, lastDecision: Decision?) {
        self.policy = policy
        self.policySource = policySource
        self.status = status
        self.judge = judge
        self.lastDecision = lastDecision
    }

    package var name: String { status.migration }
}

/// What `Controller.apply` did with a policy.
package enum ApplyOutcome: String, Sendable {
    case created, updated, unchanged
}
