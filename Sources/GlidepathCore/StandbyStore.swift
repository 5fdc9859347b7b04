import Synchronization

/// Where a standby keeps what it followed, so a restarted standby serves the last weights it saw.
///
/// Implementations: `SQLiteStandbyStore` (tables of the standby's own database) and `InMemoryStandbyStore`.
package protocol StandbyStore: AnyObject, Sendable {
    /// Every followed migration, ordered by name.
    func loadFollowed() throws -> [FollowedMigration]
    /// Inserts or replaces one followed migration.
    func saveFollowed(_ migration: FollowedMigration) throws
    /// Forgets a migration the primary no longer lists.
    func removeFollowed(_ name: String) throws
}

/// A `StandbyStore` in memory (tests); `setFailing(true)` makes every call throw.
package final class InMemoryStandbyStore: StandbyStore, Sendable {
    private let state: Mutex<(rows: [String: FollowedMigration], failing: Bool)>

    package init(_ initial: [FollowedMigration] = []) {
        var rows: [String: FollowedMigration] = [:]
        for m in initial { rows[m.name] = m }
        state = Mutex((rows, false))
    }

    package func setFailing(_ failing: Bool) { state.withLock { $0.failing = failing } }

    private static let failure = FollowError(kind: .store, message: "the in-memory standby store is set to fail")

    package func loadFollowed() throws -> [FollowedMigration] {
        try state.withLock { s throws -> [FollowedMigration] in
            if s.failing { throw Self.failure }
            return s.rows.values.sorted { $0.name < $1.name }
        }
    }

    package func saveFollowed(_ migration: FollowedMigration) throws {
        try state.withLock { s throws in
            if s.failing { throw Self.failure }
            s.rows[migration.name] = migration
        }
    }

    package func removeFollowed(_ name: String) throws {
        try state.withLock { s throws in
            if s.failing { throw Self.failure }
            s.rows[name] = nil
        }
    }
}
