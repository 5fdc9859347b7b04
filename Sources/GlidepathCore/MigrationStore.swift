/// A migration as the store keeps it.
package struct StoredMigration: Sendable {
    package var status: MigrationStatus
    /// The source text (JSON) of the policy version `status.policyVersion`.
    package var policySource: String
    package var judge: JudgeState
    /// Set when part of the stored row could not be decoded by this build: the migration loads as broken
    /// (quarantined) instead of stopping the others. `judge` is then blank.
    package var problem: StoredProblem?

    package init(status: MigrationStatus, policySource: String, judge: JudgeState, problem: StoredProblem? = nil) {
        self.status = status
        self.policySource = policySource
        self.judge = judge
        self.problem = problem
    }
}

/// What could not be decoded of a stored migration.
package enum StoredProblem: Hashable, Sendable, CustomStringConvertible {
    /// The judge state (evidence) does not decode; the status and policy do.
    case judgeState(String)
    /// The status row itself does not decode (an unknown phase, say): only the name, revision and policy
    /// version can be trusted.
    case status(String)

    package var description: String {
        switch self {
        case .judgeState(let why): "stored judge state does not decode: \(why)"
        case .status(let why): "stored status does not decode: \(why)"
        }
    }
}

/// A store failure an operator can be told about in a plain sentence, without SQL or source locations
/// ("the disk holding the database is full").
package protocol PlainStoreFailure: Error {
    var plainReason: String { get }
}

/// One atomic change to the store: everything in it is written in one transaction, or nothing is.
package struct StoreChange: Sendable {
    package var status: MigrationStatus
    package var judge: JudgeState
    /// A new policy version to record (`status.policyVersion` is its number), if any.
    package var newPolicySource: String?
    /// An audit-log entry to append, if any.
    package var decision: Decision?
    /// Webhooks reporting this change (`NotificationPlan`), added to the outbox in the same transaction
    /// (skipping dedupe keys already there). A store that keeps no outbox ignores them.
    package var notifications: [OutboxNotification]

    package init(status: MigrationStatus, judge: JudgeState, newPolicySource: String? = nil, decision: Decision? = nil,
                 notifications: [OutboxNotification] = []) {
        self.status = status
        self.judge = judge
        self.newPolicySource = newPolicySource
        self.decision = decision
        self.notifications = notifications
    }
}

/// Durable storage of migrations, policy versions, judge state and the audit log.
///
/// Implementations: `SQLiteMigrationStore` (SQLite, WAL) and `InMemoryMigrationStore` (tests, simulator).
/// A failed `save` changes nothing. A `save` whose revision is lower than the stored one is refused,
/// so revisions never go backwards.
package protocol MigrationStore: AnyObject, Sendable {
    /// Every migration with its current policy source and judge state, ordered by name.
    func loadAll() throws -> [StoredMigration]
    /// Writes one change atomically.
    func save(_ change: StoreChange) throws
    /// Writes several changes (a control-loop round's judge states) in one transaction: all of them or,
    /// when any fails or is refused, none. In order, so a later change may build on an earlier one.
    func save(batch changes: [StoreChange]) throws
    /// The audit log of one migration, newest first.
    func decisions(migration: String, limit: Int) throws -> [Decision]
    /// All versions of a migration's policy, oldest first: `(version, source)`.
    func policyVersions(migration: String) throws -> [(version: Int, source: String)]
}
