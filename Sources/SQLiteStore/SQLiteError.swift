import CSQLite

/// A failed SQLite call: the result codes, SQLite's message, the SQL involved and where it happened.
///
/// `resultCode` is the primary code (`SQLITE_CONSTRAINT` = 19, `SQLITE_BUSY` = 5, ...);
/// `extendedCode` refines it (`SQLITE_CONSTRAINT_TRIGGER` = 1811, ...). `operation` names the
/// C function (or the check) that failed; `location` is the Swift call site.
package struct SQLiteError: Error, Hashable, Sendable, CustomStringConvertible {
    package var resultCode: Int32
    package var extendedCode: Int32
    package var message: String
    package var sql: String?
    package var operation: String
    package var location: String

    package init(resultCode: Int32, extendedCode: Int32, message: String, sql: String? = nil,
                operation: String, location: String) {
        self.resultCode = resultCode
        self.extendedCode = extendedCode
        self.message = message
        self.sql = sql
        self.operation = operation
        self.location = location
    }

    /// Builds the error for return code `code` of `operation` on connection `db` (nil before open succeeded).
    init(code: Int32, db: OpaquePointer?, sql: String?, operation: String,
         fileID: StaticString, line: UInt) {
        // Extended result codes are enabled on every connection, so `code` is already extended.
        let message: String
        if let db, let text = sqlite3_errmsg(db) {
            message = String(cString: text)
        } else if let text = sqlite3_errstr(code) {
            message = String(cString: text)
        } else {
            message = "unknown error"
        }
        self.init(resultCode: code & 0xff, extendedCode: code, message: message, sql: sql,
                  operation: operation, location: "\(fileID):\(line)")
    }

    package var description: String {
        var text = "SQLite error \(resultCode) (extended \(extendedCode)) in \(operation): \(message)"
        if let sql { text += " [SQL: \(sql)]" }
        return text + " at \(location)"
    }
}
