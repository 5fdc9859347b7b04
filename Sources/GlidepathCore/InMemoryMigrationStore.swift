import Synchronization

/// Why a store refused a `save`. Nothing was changed. Both stores throw it with the same messages.
// Lives here because this file is the one GlidepathCore file the store work owns; it may move to
// its own `MigrationStoreError.swift`.
public struct MigrationStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable {
        /// The change's revision is lower than the stored one.
        case staleRevision
        /// The decision's revision is not the status revision it comes with.
        case decisionRevisionMismatch
        /// `newPolicySource` was given for a version that is already stored.
        case duplicatePolicyVersion
        /// `status.policyVersion` is not stored and the change carries no source for it.
        case missingPolicyVersion
    }

    public var code: Code
    public var migration: String
    public var message: String

    public init(code: Code, migration: String, message: String) {
        self.code = code
        self.migration = migration
        self.message = message
    }

    public var description: String { message }
}

extension StoreChange {
    /// Checks this change against what is stored, the rules every `MigrationStore` enforces.
    ///
    /// - Parameters:
    ///   - storedRevision: the migration's stored revision, nil for a brand-new migration.
    ///   - policyVersionExists: whether `status.policyVersion` is already stored.
    public func validate(storedRevision: Int64?, policyVersionExists: Bool) throws(MigrationStoreError) {
        let name = status.migration
        if let decision, decision.revision != status.revision {
            throw MigrationStoreError(code: .decisionRevisionMismatch, migration: name, message:
                "migration \"\(name)\": decision revision \(decision.revision) differs from status revision \(status.revision); save refused")
        }
        if let storedRevision, status.revision < storedRevision {
            throw MigrationStoreError(code: .staleRevision, migration: name, message:
                "migration \"\(name)\": revision \(status.revision) is older than stored revision \(storedRevision); save refused")
        }
        if newPolicySource != nil, policyVersionExists {
            throw MigrationStoreError(code: .duplicatePolicyVersion, migration: name, message:
                "migration \"\(name)\": policy version \(status.policyVersion) already exists; save refused")
        }
        if newPolicySource == nil, !policyVersionExists {
            let hint = storedRevision == nil ? "a new migration's first save must carry its policy source"
                                             : "the change carries no policy source for it"
            throw MigrationStoreError(code: .missingPolicyVersion, migration: name, message:
                "migration \"\(name)\": policy version \(status.policyVersion) is not stored and \(hint); save refused")
        }
    }
}

/// The `MigrationStore` contract held in memory: for tests and the simulator.
///
/// Same rules and messages as the SQLite store; values are kept as they are (no encoding).
/// Thread-safe: one lock around everything, so every `save` is atomic.
public final class InMemoryMigrationStore: MigrationStore {
    private struct Entry {
        var status: MigrationStatus
        var judge: JudgeState
        /// Oldest first.
        var policies: [(version: Int, source: String)]
        /// Oldest first (appended).
        var decisions: [Decision]
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    public func loadAll() throws -> [StoredMigration] {
        entries.withLock { entries in
            entries.values
                .map { entry in
                    let source = entry.policies.first { $0.version == entry.status.policyVersion }?.source ?? ""
                    return StoredMigration(status: entry.status, policySource: source, judge: entry.judge)
                }
                // Byte order of UTF-8, like SQLite's BINARY collation.
                .sorted { $0.status.migration.utf8.lexicographicallyPrecedes($1.status.migration.utf8) }
        }
    }

    public func save(_ change: StoreChange) throws {
        try entries.withLock { entries throws(MigrationStoreError) in
            let name = change.status.migration
            let existing = entries[name]
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
            entries[name] = entry
        }
    }

    public func decisions(migration: String, limit: Int) throws -> [Decision] {
        entries.withLock { entries in
            Array((entries[migration]?.decisions ?? []).reversed().prefix(max(0, limit)))
        }
    }

    public func policyVersions(migration: String) throws -> [(version: Int, source: String)] {
        entries.withLock { entries in entries[migration]?.policies ?? [] }
    }
}
