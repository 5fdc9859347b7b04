import CSQLite

extension SQLiteConnection {
    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT`; any error thrown by `body` or by `COMMIT`
    /// rolls the whole transaction back and is rethrown.
    ///
    /// `IMMEDIATE` takes the write lock up front, so a read-then-write body never fails half way
    /// with `SQLITE_BUSY` on the lock upgrade, and what it read stays true until it commits.
    package func transaction<T>(fileID: StaticString = #fileID, line: UInt = #line,
                               _ body: () throws -> T) throws -> T {
        try exec("BEGIN IMMEDIATE", fileID: fileID, line: line)
        do {
            let result = try body()
            // A failing COMMIT (a deferred foreign key, SQLITE_BUSY, I/O) leaves the transaction open.
            try exec("COMMIT", fileID: fileID, line: line)
            return result
        } catch {
            try rollbackAfter(error, fileID: fileID, line: line)
            throw error
        }
    }

    /// Rolls back the open transaction, if SQLite has not already done so itself.
    private func rollbackAfter(_ original: any Error, fileID: StaticString, line: UInt) throws {
        // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) make SQLite roll back on its own.
        guard !isAutocommit else { return }
        do {
            try exec("ROLLBACK", fileID: fileID, line: line)
        } catch var rollbackError as SQLiteError {
            // Reporting the rollback failure matters more: the connection is still inside a transaction.
            rollbackError.message = "rollback failed (\(rollbackError.message)) after: \(original)"
            throw rollbackError
        }
    }
}
