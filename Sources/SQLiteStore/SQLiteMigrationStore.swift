import CSQLite
import GlidepathCore
import Synchronization

/// The durable `MigrationStore`: one SQLite file in WAL mode with `synchronous=FULL`.
///
/// Every `save` is one `BEGIN IMMEDIATE` transaction (status, judge state, policy version, decision,
/// notifications), so a crash leaves either the old or the new revision, never a mix. Refusals throw
/// `MigrationStoreError`; SQLite failures throw `SQLiteError`; undecodable rows `SQLiteStoreError`.
/// Thread-safe: one lock serializes the event-loop threads and the control loop on one connection.
/// Other processes may read the file concurrently (WAL readers never block the writer).
package final class SQLiteMigrationStore: MigrationStore, NotificationOutbox, @unchecked Sendable {
    package let path: String
    /// The connection, whether the next call should reopen it first, and whether `close()` was called.
    /// `db` is nil after `close()`, or after a reopen that failed (retried at the next call).
    private let connection: Mutex<(db: SQLiteConnection?, reopen: Bool, closed: Bool)>

    /// How long a write waits for another connection's lock before failing with `SQLITE_BUSY`.
    package static let busyTimeoutMilliseconds: Int32 = 5_000

    /// Opens (creating if needed) the database at `path`, sets WAL (verified) and runs schema migrations.
    package init(path: String) throws {
        self.path = path
        connection = Mutex((try Self.open(path), false, false))
    }

    private static func open(_ path: String) throws -> SQLiteConnection {
        let db = try SQLiteConnection(path: path)
        do {
            try db.setBusyTimeout(milliseconds: Self.busyTimeoutMilliseconds)
            try db.configureDurable()
            try SQLiteSchema.migrate(db)
        } catch {
            // The setup error is what the caller needs; a close failure on top of it adds nothing.
            try? db.close()
            throw error
        }
        return db
    }

    /// Runs `body` on the open connection, holding the lock.
    ///
    /// A call that failed because the file could not be written (read-only, I/O error, cannot open)
    /// marks the connection for reopening: SQLite keeps a connection that fell back to read-only — and
    /// the shared-memory index every connection of the process to that file shares — read-only for
    /// good, so once the filesystem is writable again only a fresh connection, opened after the old one
    /// is closed, can write.
    func withConnection<T: Sendable>(_ operation: String, _ body: (SQLiteConnection) throws -> T) throws -> T {
        try connection.withLock { state throws -> T in
            guard !state.closed else {
                throw SQLiteError(resultCode: SQLITE_MISUSE, extendedCode: SQLITE_MISUSE,
                                  message: "store \(path) is closed", operation: operation,
                                  location: "\(#fileID):\(#line)")
            }
            if state.reopen || state.db == nil {
                try? state.db?.close()
                state.db = nil
                state.reopen = true
                state.db = try Self.open(path)
                state.reopen = false
            }
            guard let db = state.db else { preconditionFailure("opened above") }
            do {
                return try body(db)
            } catch let error as SQLiteError {
                if [SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN].contains(error.resultCode) { state.reopen = true }
                throw error
            }
        }
    }

    package func loadAll() throws -> [StoredMigration] {
        let json = StoreJSON()
        return try withConnection("loadAll") { db in
            let query = try db.prepare(Self.selectAllSQL)
            var result: [StoredMigration] = []
            while try query.step() { result.append(Self.storedMigration(from: query, json: json)) }
            return result
        }
    }

    package func save(_ change: StoreChange) throws {
        try save(batch: [change])
    }

    /// One `BEGIN IMMEDIATE` transaction (one fsync) for every change: a round's judge states cost one
    /// commit, not one per migration. Any failure or refusal rolls the whole batch back.
    package func save(batch changes: [StoreChange]) throws {
        guard !changes.isEmpty else { return }
        // Encode before taking the lock: JSON work needs no database.
        let json = StoreJSON()
        let encoded = try changes.map { change in
            (change, try StoredJudgeState.encode(change.judge, json: json), try change.decision.map { try json.encode($0.evidence) })
        }
        try withConnection("save") { db in
            // A failed rollback (the disk went away mid-write) can leave a transaction open; clear it so
            // the store works again once the disk does.
            if !db.isAutocommit { try? db.exec("ROLLBACK") }
            try db.transaction {
                for (change, judgeText, evidenceText) in encoded {
                    try Self.write(change, judgeText: judgeText, evidenceText: evidenceText, db)
                }
            }
        }
    }

    /// The statements of one change, inside the caller's transaction.
    private static func write(_ change: StoreChange, judgeText: String, evidenceText: String?,
                              _ db: SQLiteConnection) throws {
        let status = change.status
        let stored = try storedRevision(db, migration: status.migration)
        let hasVersion = try policyVersionExists(db, migration: status.migration, version: status.policyVersion)
        try change.validate(storedRevision: stored, policyVersionExists: hasVersion)
        try upsertStatus(db, status)
        if let source = change.newPolicySource {
            try insertPolicyVersion(db, migration: status.migration, version: status.policyVersion,
                                    source: source, createdAt: status.updatedAt)
        }
        try upsertJudgeState(db, migration: status.migration, state: judgeText,
                             updatedAt: change.judge.lastTickAt ?? status.updatedAt)
        if let decision = change.decision, let evidenceText {
            try insertDecision(db, migration: status.migration, decision, evidence: evidenceText)
        }
        try insertNotifications(db, change.notifications)
    }

    package func decisions(migration: String, limit: Int) throws -> [Decision] {
        let json = StoreJSON()
        return try withConnection("decisions") { db in
            let query = try db.prepare(Self.selectDecisionsSQL)
            try query.bind(.text(migration), .int(max(0, limit)))
            var result: [Decision] = []
            while try query.step() { result.append(try Self.decision(from: query, json: json)) }
            return result
        }
    }

    package func policyVersions(migration: String) throws -> [(version: Int, source: String)] {
        try withConnection("policyVersions") { db in
            let query = try db.prepare("SELECT version, source FROM policy_versions WHERE migration = ? ORDER BY version")
            try query.bind(.text(migration))
            var result: [(version: Int, source: String)] = []
            while try query.step() { result.append((query.int(at: 0), query.text(at: 1))) }
            return result
        }
    }

    /// Closes the connection. Idempotent; later calls on the store throw `SQLITE_MISUSE`.
    package func close() {
        let db = connection.withLock { state -> SQLiteConnection? in
            let current = state.db
            state = (nil, false, true)
            return current
        }
        // close_v2 fails only on a bad handle; nothing useful can be done with that at shutdown.
        try? db?.close()
    }
}
