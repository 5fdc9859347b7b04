import GlidepathCore

/// The durable `MigrationStore`: one SQLite file in WAL mode.
public final class SQLiteMigrationStore: MigrationStore, @unchecked Sendable {
    /// Opens (creating if needed) the database at `path`, sets WAL (verified) and runs schema migrations.
    public init(path: String) throws { fatalError("TODO") }

    public func loadAll() throws -> [StoredMigration] { fatalError("TODO") }
    public func save(_ change: StoreChange) throws { fatalError("TODO") }
    public func decisions(migration: String, limit: Int) throws -> [Decision] { fatalError("TODO") }
    public func policyVersions(migration: String) throws -> [(version: Int, source: String)] { fatalError("TODO") }
    /// Closes the connection.
    public func close() { fatalError("TODO") }
}
