import CSQLite
import GlidepathCore

extension SQLiteError: PlainStoreFailure {
    /// What went wrong in words an operator acts on; no SQL, no source location (those stay in the log).
    package var plainReason: String {
        switch resultCode {
        case SQLITE_FULL: "the disk holding the database is full"
        case SQLITE_READONLY: "the database is read-only"
        case SQLITE_IOERR: "the disk reported an I/O error"
        case SQLITE_BUSY, SQLITE_LOCKED: "the database is locked by another process"
        case SQLITE_CANTOPEN: "the database file cannot be opened"
        case SQLITE_PERM: "the database file may not be written"
        case SQLITE_CORRUPT, SQLITE_NOTADB: "the database file is damaged"
        case SQLITE_NOMEM: "the controller ran out of memory writing the database"
        case SQLITE_MISUSE: "the database is closed"
        default: "the database refused the write (SQLite code \(resultCode))"
        }
    }
}
