import Synchronization

/// The `MigrationStore` contract held in memory: for tests and the simulator.
///
/// Same rules and messages as the SQLite store; values are kept as they are (no encoding).
/// Thread-safe: one lock around everything, so every `save` (with its notifications) is atomic.
package final class InMemoryMigrationStore: MigrationStore, NotificationOutbox {
    struct Entry {
        var status: MigrationStatus
        var judge: JudgeState
        /// Oldest first.
        var policies: [(version: Int, source: String)]
        /// Oldest first (appended).
        var decisions: [Decision]
    }

    /// Everything the store holds, under one lock.
    struct Contents {
        var entries: [String: Entry] = [:]
        var outbox = InMemoryOutbox()
        /// Deleted migrations, oldest first, each with its decisions (oldest first).
        var archives: [(record: ArchivedMigration, decisions: [Decision])] = []
    }

    let contents = Mutex(Contents())

    package init() {}

    package func loadAll() throws -> [StoredMigration] {
        contents.withLock { contents in
            contents.entries.values
                .map { entry in
                    let source = entry.policies.first { $0.version == entry.status.policyVersion }?.source ?? ""
                    return StoredMigration(status: entry.status, policySource: source, judge: entry.judge)
                }
                // Byte order of UTF-8, like SQLite's BINARY collation.
                .sorted { $0.status.migration.utf8.lexicographicallyPrecedes($1.status.migration.utf8) }
        }
    }

    package func save(_ change: StoreChange) throws {
        try contents.withLock { contents throws(MigrationStoreError) in try Self.apply(change, to: &contents) }
    }

    package func save(batch changes: [StoreChange]) throws {
        try contents.withLock { contents throws(MigrationStoreError) in
            // On a copy, so a refusal halfway leaves the store as it was.
            var working = contents
            for change in changes { try Self.apply(change, to: &working) }
            contents = working
        }
    }

    /// Validates and applies one change; a refusal leaves `contents` untouched.
    static func apply(_ change: StoreChange, to contents: inout Contents) throws(MigrationStoreError) {
        let name = change.status.migration
        let existing = contents.entries[name]
        let hasVersion = existing?.policies.contains { $0.version == change.status.policyVersion } ?? false
        try change.validate(storedRevision: existing?.status.revision, policyVersionExists: hasVersion)

        var entry = existing ?? Entry(status: change.status, judge: change.judge, policies: [], decisions: [])
        entry.status = change.status
        entry.judge = change.judge
        if let source = change.newPolicySource {
            entry.policies.append((change.status.policyVersion, source))
            entry.policies.sort { $0.version < $1.version }
        }
        if let decision = change.decision { entry.decisions.append(decision) }
        contents.entries[name] = entry
        contents.outbox.insert(change.notifications)
    }

    package func decisions(migration: String, limit: Int) throws -> [Decision] {
        contents.withLock { contents in
            Array((contents.entries[migration]?.decisions ?? []).reversed().prefix(max(0, limit)))
        }
    }

    package func policyVersions(migration: String) throws -> [(version: Int, source: String)] {
        contents.withLock { $0.entries[migration]?.policies ?? [] }
    }
}
