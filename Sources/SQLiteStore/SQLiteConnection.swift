import CSQLite

/// One SQLite database connection (a thin wrapper over `sqlite3*`).
///
/// Not thread-safe by itself: callers serialize access (the store holds it behind a lock).
/// Every C return code is checked where it is called; failures throw `SQLiteError`.
/// The handle is closed by `close()` or, at the latest, when the last reference goes away
/// (statements keep their connection alive, so a statement never outlives its handle).
package final class SQLiteConnection {
    /// `sqlite3_open_v2` flags.
    package struct OpenFlags: OptionSet, Sendable {
        package let rawValue: Int32
        package init(rawValue: Int32) { self.rawValue = rawValue }

        package static let readOnly = OpenFlags(rawValue: SQLITE_OPEN_READONLY)
        package static let readWrite = OpenFlags(rawValue: SQLITE_OPEN_READWRITE)
        package static let create = OpenFlags(rawValue: SQLITE_OPEN_CREATE)
        /// No SQLite-level mutex: the caller serializes all use of the connection.
        package static let noMutex = OpenFlags(rawValue: SQLITE_OPEN_NOMUTEX)
        package static let fullMutex = OpenFlags(rawValue: SQLITE_OPEN_FULLMUTEX)

        package static let readWriteCreate: OpenFlags = [.readWrite, .create, .noMutex]
    }

    package let path: String
    /// nil once closed.
    private(set) var handle: OpaquePointer?
    /// Compiled statements of `withCached`, by SQL text (at most `cacheLimit`).
    private var cache: [String: SQLiteStatement] = [:]
    private static let cacheLimit = 32

    /// Opens `path` with `flags`; extended result codes are switched on.
    package init(path: String, flags: OpenFlags = .readWriteCreate,
                fileID: StaticString = #fileID, line: UInt = #line) throws {
        self.path = path
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags.rawValue, nil)
        guard rc == SQLITE_OK, let db else {
            let error = SQLiteError(code: rc, db: db, sql: nil, operation: "sqlite3_open_v2(\(path))",
                                    fileID: fileID, line: line)
            // A handle is usually allocated even when opening fails; it must still be released.
            if let db { sqlite3_close_v2(db) }
            throw error
        }
        let ext = sqlite3_extended_result_codes(db, 1)
        guard ext == SQLITE_OK else {
            let error = SQLiteError(code: ext, db: db, sql: nil, operation: "sqlite3_extended_result_codes",
                                    fileID: fileID, line: line)
            sqlite3_close_v2(db)
            throw error
        }
        handle = db
    }

    deinit {
        cache.removeAll()
        // close_v2 only fails on misuse (a bad handle); there is nobody left to report to here.
        if let handle { _ = sqlite3_close_v2(handle) }
    }

    /// The open handle, or `SQLITE_MISUSE` once closed.
    func requireHandle(_ operation: String, fileID: StaticString = #fileID, line: UInt = #line) throws -> OpaquePointer {
        guard let handle else {
            throw SQLiteError(resultCode: SQLITE_MISUSE, extendedCode: SQLITE_MISUSE,
                              message: "connection to \(path) is closed", operation: operation,
                              location: "\(fileID):\(line)")
        }
        return handle
    }

    /// Sets how long a statement waits on a lock held by another connection before `SQLITE_BUSY`.
    package func setBusyTimeout(milliseconds: Int32, fileID: StaticString = #fileID, line: UInt = #line) throws {
        let db = try requireHandle("sqlite3_busy_timeout", fileID: fileID, line: line)
        let rc = sqlite3_busy_timeout(db, milliseconds)
        guard rc == SQLITE_OK else {
            throw SQLiteError(code: rc, db: db, sql: nil, operation: "sqlite3_busy_timeout",
                              fileID: fileID, line: line)
        }
    }

    /// Runs one or more statements that return no rows needed by the caller.
    package func exec(_ sql: String, fileID: StaticString = #fileID, line: UInt = #line) throws {
        let db = try requireHandle("sqlite3_exec", fileID: fileID, line: line)
        var errorText: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &errorText)
        defer { sqlite3_free(errorText) }
        guard rc == SQLITE_OK else {
            var error = SQLiteError(code: rc, db: db, sql: sql, operation: "sqlite3_exec",
                                    fileID: fileID, line: line)
            if let errorText { error.message = String(cString: errorText) }
            throw error
        }
    }

    /// Compiles one statement.
    package func prepare(_ sql: String, fileID: StaticString = #fileID, line: UInt = #line) throws -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql, fileID: fileID, line: line)
    }

    /// Runs `body` with a statement compiled once per connection and kept: the store's write path runs the
    /// same few statements for every migration of every round, and compiling them was a tenth of a round.
    /// The statement is rewound (reset, bindings cleared) before and after, so a query that stopped at its
    /// first row never holds a read snapshot open.
    package func withCached<T>(_ sql: String, fileID: StaticString = #fileID, line: UInt = #line,
                               _ body: (SQLiteStatement) throws -> T) throws -> T {
        let statement: SQLiteStatement
        if let known = cache[sql] {
            statement = known
        } else {
            _ = try requireHandle("sqlite3_prepare_v2", fileID: fileID, line: line)
            let full = cache.count >= Self.cacheLimit
            statement = try SQLiteStatement(connection: self, sql: sql, cached: !full, fileID: fileID, line: line)
            if !full { cache[sql] = statement }
        }
        statement.rewind()
        defer { statement.rewind() }
        return try body(statement)
    }

    /// Runs a query and returns the first column of its first row as text (nil when no row or NULL).
    package func scalarText(_ sql: String, fileID: StaticString = #fileID, line: UInt = #line) throws -> String? {
        let statement = try prepare(sql, fileID: fileID, line: line)
        guard try statement.step() else { return nil }
        return statement.isNull(at: 0) ? nil : statement.text(at: 0)
    }

    /// Runs a query and returns the first column of its first row as an integer (nil when no row or NULL).
    package func scalarInt(_ sql: String, fileID: StaticString = #fileID, line: UInt = #line) throws -> Int64? {
        let statement = try prepare(sql, fileID: fileID, line: line)
        guard try statement.step() else { return nil }
        return statement.isNull(at: 0) ? nil : statement.int64(at: 0)
    }

    /// True while no explicit transaction is open.
    package var isAutocommit: Bool {
        guard let handle else { return true }
        return sqlite3_get_autocommit(handle) != 0
    }

    /// Closes the handle. Idempotent. Statements still alive keep SQLite's handle until they are finalized.
    package func close(fileID: StaticString = #fileID, line: UInt = #line) throws {
        guard let db = handle else { return }
        cache.removeAll()
        handle = nil
        let rc = sqlite3_close_v2(db)
        guard rc == SQLITE_OK else {
            throw SQLiteError(code: rc, db: nil, sql: nil, operation: "sqlite3_close_v2",
                              fileID: fileID, line: line)
        }
    }
}
