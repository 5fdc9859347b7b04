/// A change of a migration's state: the new status, the audit-log entry, and the judge state that goes
/// with it (evidence restarts when the step changes). The store writes all three in one transaction.
public struct Transition: Hashable, Sendable {
    public var status: MigrationStatus
    public var decision: Decision
    public var judge: JudgeState

    public init(status: MigrationStatus, decision: Decision, judge: JudgeState) {
        self.status = status
        self.decision = decision
        self.judge = judge
    }
}
