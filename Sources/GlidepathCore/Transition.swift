/// A change of a migration's state: the new status, the audit-log entry, and the judge state that goes
/// with it (evidence restarts when the step changes). The store writes all three in one transaction.
package struct Transition: Hashable, Sendable {
    package var status: MigrationStatus
    package var decision: Decision
    package var judge: JudgeState

    package init(status: MigrationStatus, decision: Decision, judge: JudgeState) {
        self.status = status
        self.decision = decision
        self.judge = judge
    }
}
