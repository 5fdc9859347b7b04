import GlidepathCore
import Synchronization

/// The standby's `StandbyStore`: a table in the standby's own database (`--db`), on its own connection.
///
/// The table is created with `IF NOT EXISTS` rather than as a numbered schema migration: it belongs to the
/// standby role, not to the migrations store, and a database that never ran as a standby never has it.
/// Rows keep the weights document's exact bytes and are parsed again when loaded, so a row this build
/// cannot read is skipped (logged by the caller through the thrown count) rather than served.
package final class SQLiteStandbyStore: StandbyStore, @unchecked Sendable {
    package let path: String
    private let connection: Mutex<SQLiteConnection?>

    static let createSQL = """
        CREATE TABLE IF NOT EXISTS standby_followed (
            name TEXT NOT NULL PRIMARY KEY,
            revision INTEGER NOT NULL,
            weights_body TEXT NOT NULL,
            etag TEXT NOT NULL,
            cache_control TEXT NOT NULL,
            decisions TEXT NOT NULL,
            followed_at INTEGER NOT NULL
        )
        """

    /// Opens (creating if needed) the database at `path` in WAL mode and creates the table.
    package init(path: String) throws {
        self.path = path
        let db = try SQLiteConnection(path: path)
        do {
            try db.setBusyTimeout(milliseconds: SQLiteMigrationStore.busyTimeoutMilliseconds)
            try db.configureDurable()
            try db.exec(Self.createSQL)
        } catch {
            try? db.close()
            throw error
        }
        connection = Mutex(db)
    }

    private func with<T: Sendable>(_ operation: String, _ body: (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { db throws -> T in
            guard let db else {
                throw FollowError(kind: .store, message: "standby store \(path) is closed (\(operation))")
            }
            return try body(db)
        }
    }

    package func loadFollowed() throws -> [FollowedMigration] {
        try with("loadFollowed") { db in
            let q = try db.prepare("SELECT name, weights_body, etag, cache_control, decisions, followed_at "
                + "FROM standby_followed ORDER BY name")
            var out: [FollowedMigration] = []
            while try q.step() {
                let name = q.text(at: 0)
                guard var f = try? FollowedMigration.parse(name: name, body: Array(q.text(at: 1).utf8),
                                                           etag: q.text(at: 2), cacheControl: q.text(at: 3),
                                                           followedAt: q.int64(at: 5)) else { continue }
                f.decisionsJSON = q.text(at: 4)
                out.append(f)
            }
            return out
        }
    }

    package func saveFollowed(_ m: FollowedMigration) throws {
        try with("saveFollowed") { db in
            let q = try db.prepare("INSERT OR REPLACE INTO standby_followed "
                + "(name, revision, weights_body, etag, cache_control, decisions, followed_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
            try q.bind(.text(m.name), .integer(m.revision), .text(String(decoding: m.weightsBody, as: UTF8.self)),
                       .text(m.etag), .text(m.cacheControl), .text(m.decisionsJSON), .integer(m.followedAt))
            try q.step()
        }
    }

    package func removeFollowed(_ name: String) throws {
        try with("removeFollowed") { db in
            let q = try db.prepare("DELETE FROM standby_followed WHERE name = ?")
            try q.bind(.text(name))
            try q.step()
        }
    }

    /// Closes the connection; later calls throw.
    package func close() {
        connection.withLock { db in
            try? db?.close()
            db = nil
        }
    }
}
