import CSQLite

extension SQLiteConnection {
    /// Switches to WAL with `synchronous=FULL` and foreign keys on, and verifies each setting.
    ///
    /// `journal_mode=WAL` answers the mode actually in force; anything but `wal` (an in-memory
    /// database, a filesystem without shared memory) is an error rather than a silent downgrade.
    /// `FULL` syncs the WAL on every commit: decisions are rare and must survive power loss.
    package func configureDurable(fileID: StaticString = #fileID, line: UInt = #line) throws {
        let mode = try scalarText("PRAGMA journal_mode=WAL", fileID: fileID, line: line)
        guard mode?.lowercased() == "wal" else {
            throw pragmaError("journal_mode=WAL answered \"\(mode ?? "nothing")\"; WAL is required",
                              "PRAGMA journal_mode=WAL", fileID, line)
        }
        try exec("PRAGMA synchronous=FULL", fileID: fileID, line: line)
        let synchronous = try scalarInt("PRAGMA synchronous", fileID: fileID, line: line)
        guard synchronous == 2 else {
            throw pragmaError("synchronous reads back \(synchronous.map(String.init) ?? "nothing"), expected 2 (FULL)",
                              "PRAGMA synchronous", fileID, line)
        }
        try exec("PRAGMA foreign_keys=ON", fileID: fileID, line: line)
        let foreignKeys = try scalarInt("PRAGMA foreign_keys", fileID: fileID, line: line)
        guard foreignKeys == 1 else {
            throw pragmaError("foreign_keys reads back \(foreignKeys.map(String.init) ?? "nothing"), expected 1",
                              "PRAGMA foreign_keys", fileID, line)
        }
    }

    private func pragmaError(_ message: String, _ sql: String, _ fileID: StaticString, _ line: UInt) -> SQLiteError {
        SQLiteError(resultCode: SQLITE_ERROR, extendedCode: SQLITE_ERROR, message: message, sql: sql,
                    operation: "configureDurable", location: "\(fileID):\(line)")
    }
}
