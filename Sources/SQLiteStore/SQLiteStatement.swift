import CSQLite

/// Text binds are copied by SQLite (the Swift buffer does not outlive the call).
let SQLITE_TRANSIENT = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// One compiled statement (a thin wrapper over `sqlite3_stmt*`), finalized in `deinit`.
///
/// Parameters and columns are indexed as in SQLite: parameters from 1, columns from 0.
/// Holds its connection strongly so the handle outlives the statement.
package final class SQLiteStatement {
    /// The connection kept alive by this statement; nil for one its connection caches (it finalizes them
    /// before it closes, so the handle still outlives them — and no reference cycle keeps both alive).
    private let keepAlive: SQLiteConnection?
    package let sql: String
    private let statement: OpaquePointer
    private let db: OpaquePointer

    init(connection: SQLiteConnection, sql: String, cached: Bool = false, fileID: StaticString, line: UInt) throws {
        let db = try connection.requireHandle("sqlite3_prepare_v2", fileID: fileID, line: line)
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(db, sql, -1, &statement, nil)
        guard rc == SQLITE_OK else {
            let error = SQLiteError(code: rc, db: db, sql: sql, operation: "sqlite3_prepare_v2",
                                    fileID: fileID, line: line)
            // prepare sets the statement to NULL on failure; finalize(NULL) is a harmless no-op.
            sqlite3_finalize(statement)
            throw error
        }
        guard let statement else {
            throw SQLiteError(resultCode: SQLITE_MISUSE, extendedCode: SQLITE_MISUSE,
                              message: "no statement in SQL text", sql: sql,
                              operation: "sqlite3_prepare_v2", location: "\(fileID):\(line)")
        }
        keepAlive = cached ? nil : connection
        self.sql = sql
        self.statement = statement
        self.db = db
    }

    deinit {
        // finalize returns the error of the last step, already reported by `step()`.
        sqlite3_finalize(statement)
    }

    private func check(_ rc: Int32, _ operation: String, _ fileID: StaticString, _ line: UInt) throws {
        guard rc == SQLITE_OK else {
            throw SQLiteError(code: rc, db: db, sql: sql, operation: operation, fileID: fileID, line: line)
        }
    }

    // MARK: Binding

    package func bind(_ value: Int64, at index: Int32, fileID: StaticString = #fileID, line: UInt = #line) throws {
        try check(sqlite3_bind_int64(statement, index, value), "sqlite3_bind_int64(\(index))", fileID, line)
    }

    package func bind(_ value: Int, at index: Int32, fileID: StaticString = #fileID, line: UInt = #line) throws {
        try bind(Int64(value), at: index, fileID: fileID, line: line)
    }

    package func bind(_ value: Double, at index: Int32, fileID: StaticString = #fileID, line: UInt = #line) throws {
        try check(sqlite3_bind_double(statement, index, value), "sqlite3_bind_double(\(index))", fileID, line)
    }

    package func bind(_ value: String, at index: Int32, fileID: StaticString = #fileID, line: UInt = #line) throws {
        var text = value
        let rc = text.withUTF8 { bytes -> Int32 in
            guard bytes.count <= Int(Int32.max) else { return SQLITE_TOOBIG }
            // A nil base address would bind NULL; an empty string must stay an empty string.
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                return sqlite3_bind_text(statement, index, "", 0, SQLITE_TRANSIENT)
            }
            return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                sqlite3_bind_text(statement, index, $0, Int32(bytes.count), SQLITE_TRANSIENT)
            }
        }
        try check(rc, "sqlite3_bind_text(\(index))", fileID, line)
    }

    package func bindNull(at index: Int32, fileID: StaticString = #fileID, line: UInt = #line) throws {
        try check(sqlite3_bind_null(statement, index), "sqlite3_bind_null(\(index))", fileID, line)
    }

    /// Binds `values` to parameters 1, 2, ... in order.
    package func bind(_ values: SQLiteValue..., fileID: StaticString = #fileID, line: UInt = #line) throws {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .integer(let v): try bind(v, at: index, fileID: fileID, line: line)
            case .real(let v): try bind(v, at: index, fileID: fileID, line: line)
            case .text(let v): try bind(v, at: index, fileID: fileID, line: line)
            case .null: try bindNull(at: index, fileID: fileID, line: line)
            }
        }
    }

    // MARK: Stepping

    /// Advances: true when a row is available, false when the statement is done.
    @discardableResult
    package func step(fileID: StaticString = #fileID, line: UInt = #line) throws -> Bool {
        let rc = sqlite3_step(statement)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            throw SQLiteError(code: rc, db: db, sql: sql, operation: "sqlite3_step", fileID: fileID, line: line)
        }
    }

    /// True between a step that returned a row and the reset: the statement holds a read snapshot.
    package var isRunning: Bool { sqlite3_stmt_busy(statement) != 0 }

    /// Makes a cached statement runnable again with no bindings. The code `sqlite3_reset` answers is that
    /// of the last step, already reported by `step()`.
    func rewind() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    /// Makes the statement runnable again and clears its bindings.
    package func reset(fileID: StaticString = #fileID, line: UInt = #line) throws {
        try check(sqlite3_reset(statement), "sqlite3_reset", fileID, line)
        try check(sqlite3_clear_bindings(statement), "sqlite3_clear_bindings", fileID, line)
    }

    // MARK: Columns (valid after `step()` returned true)

    package func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(statement, column) == SQLITE_NULL
    }

    package func int64(at column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }

    package func int(at column: Int32) -> Int {
        Int(truncatingIfNeeded: sqlite3_column_int64(statement, column))
    }

    package func double(at column: Int32) -> Double {
        sqlite3_column_double(statement, column)
    }

    /// The column as UTF-8 text ("" for NULL). Reads the length, so embedded NULs survive.
    package func text(at column: Int32) -> String {
        // sqlite3_column_text must be called before sqlite3_column_bytes for the length to match.
        guard let bytes = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    /// The column as text, nil for NULL.
    package func optionalText(at column: Int32) -> String? {
        isNull(at: column) ? nil : text(at: column)
    }
}

extension SQLiteStatement {
    /// The column as an integer, nil for NULL.
    package func optionalInt64(at column: Int32) -> Int64? {
        isNull(at: column) ? nil : int64(at: column)
    }
}
