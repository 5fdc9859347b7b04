/// A deleted migration as the archive keeps it: its last state and policy, who deleted it and why. Its
/// decisions are kept with it (`MigrationArchive.archivedDecisions`) under the history retention rules.
///
/// Several archives of one name (deleted, applied again, deleted again) are told apart by `id` (strictly
/// increasing) and `archivedAt`.
package struct ArchivedMigration: Sendable, Equatable {
    package var id: Int64
    package var migration: String
    /// Wall time of the delete (ms since the Unix epoch).
    package var archivedAt: Int64
    /// The phase it was deleted in (`promoted`, `rolled_back` or `paused`), as stored.
    package var phase: String
    package var step: Int
    /// Its last revision: a migration applied again under this name continues above it, so a shim that
    /// still holds the old weights never sees a revision go backwards.
    package var revision: Int64
    package var policyVersion: Int
    /// The source of its last policy version.
    package var policySource: String
    /// Lowercase hex SHA-256 of every policy version it ever had: `serve` does not bring it back from a
    /// policy file whose text is one of them (`PolicyDigest`).
    package var policyDigests: [String]
    /// The operator's name, when given.
    package var by: String?
    package var reason: String
    /// Decisions kept in the archive now (retention may have removed older ones).
    package var decisionCount: Int

    package init(id: Int64, migration: String, archivedAt: Int64, phase: String, step: Int, revision: Int64,
                 policyVersion: Int, policySource: String, policyDigests: [String], by: String?, reason: String,
                 decisionCount: Int) {
        self.id = id
        self.migration = migration
        self.archivedAt = archivedAt
        self.phase = phase
        self.step = step
        self.revision = revision
        self.policyVersion = policyVersion
        self.policySource = policySource
        self.policyDigests = policyDigests
        self.by = by
        self.reason = reason
        self.decisionCount = decisionCount
    }
}

/// What to delete: the migration at the revision the caller checked (a change since refuses the delete).
package struct ArchiveRequest: Sendable, Equatable {
    package var migration: String
    package var expectedRevision: Int64
    /// Wall time (ms) recorded as `archivedAt`.
    package var at: Int64
    package var by: String?
    package var reason: String

    package init(migration: String, expectedRevision: Int64, at: Int64, by: String?, reason: String) {
        self.migration = migration
        self.expectedRevision = expectedRevision
        self.at = at
        self.by = by
        self.reason = reason
    }
}

/// How long decisions are kept (`serve --history-days`, `--history-max-decisions`).
package struct HistoryRetention: Sendable, Equatable {
    package static let defaultDays = 90
    package static let defaultMaxDecisions = 10_000
    package static let maxDays = 36_500
    package static let maxDecisionsLimit = 100_000_000
    /// Rows deleted per transaction: short write locks, so the control loop never waits long.
    package static let defaultBatch = 500

    /// Decisions older than this many days go; 0 keeps them forever.
    package var days: Int
    /// At most this many decisions per migration (and per archive); 0 means no cap.
    package var maxDecisions: Int
    package var batch: Int

    package init(days: Int = HistoryRetention.defaultDays, maxDecisions: Int = HistoryRetention.defaultMaxDecisions,
                 batch: Int = HistoryRetention.defaultBatch) {
        self.days = min(max(0, days), Self.maxDays)
        self.maxDecisions = min(max(0, maxDecisions), Self.maxDecisionsLimit)
        self.batch = min(max(1, batch), 100_000)
    }

    /// Decisions taken before this wall time (ms) are too old at `now`; nil when kept forever.
    package func cutoff(now: Int64) -> Int64? {
        days == 0 ? nil : now.subtractingSaturating(Int64(days) * 86_400_000)
    }

    /// True when it removes nothing.
    package var keepsEverything: Bool { days == 0 && maxDecisions == 0 }
}

/// What one retention pass deleted.
package struct RetentionReport: Sendable, Equatable {
    package var decisions = 0
    package var archivedDecisions = 0
    /// Transactions it took.
    package var batches = 0

    package init(decisions: Int = 0, archivedDecisions: Int = 0, batches: Int = 0) {
        self.decisions = decisions
        self.archivedDecisions = archivedDecisions
        self.batches = batches
    }
}

/// Deleting migrations into an archive, reading the archive, and history retention.
///
/// `archive` is one transaction: afterwards the migration (its status, policy versions, judge state and
/// decisions) is gone and its archive holds it, or nothing changed. Retention never deletes the newest
/// decision of a migration.
package protocol MigrationArchive: AnyObject, Sendable {
    /// Moves a migration into the archive. Throws `MigrationStoreError` (`unknownMigration`,
    /// `staleRevision`) when it is not stored at `expectedRevision`; nothing changes then.
    func archive(_ request: ArchiveRequest) throws -> ArchivedMigration
    /// The archives of a name, newest first.
    func archives(migration: String) throws -> [ArchivedMigration]
    /// The decisions of one archive, newest first.
    func archivedDecisions(archiveID: Int64, limit: Int) throws -> [Decision]
    /// Deletes decisions (live and archived) older than the retention's days or beyond its cap, in
    /// batches of `retention.batch` rows, each its own transaction; the newest decision of each migration
    /// stays. `now` is wall ms. Stops between two batches once `shouldContinue` answers false (shutdown).
    func applyRetention(_ retention: HistoryRetention, now: Int64,
                        shouldContinue: () -> Bool) throws -> RetentionReport
}

extension MigrationArchive {
    /// A whole retention pass.
    package func applyRetention(_ retention: HistoryRetention, now: Int64) throws -> RetentionReport {
        try applyRetention(retention, now: now, shouldContinue: { true })
    }
}

/// The digest `ArchivedMigration.policyDigests` keeps of a policy's source text.
package enum PolicyDigest {
    package static func of(_ source: String) -> String { HMACSHA256.hex(SHA256.hash(source.utf8)) }
}

extension Phase {
    /// Whether a migration in this phase may be deleted: nothing moves it on its own (the judge acts only in
    /// `ramping` and `waiting`).
    package var isDeletable: Bool { self == .promoted || self == .rolledBack || self == .paused }
}
