import SQLiteStore
import Testing

/// The thin wrapper: pragmas, binding, errors, transactions.
@Suite struct SQLiteConnectionTests {
    @Test func durableSetupReadsBackWalFullSyncAndForeignKeys() throws {
        try TempDirectory.with { directory in
            let db = try SQLiteConnection(path: directory.file("a.db"))
            try db.configureDurable()
            #expect(try db.scalarText("PRAGMA journal_mode") == "wal")
            #expect(try db.scalarInt("PRAGMA synchronous") == 2)
            #expect(try db.scalarInt("PRAGMA foreign_keys") == 1)
            try db.close()
        }
    }

    @Test func inMemoryDatabaseIsRefusedBecauseItCannotBeWal() throws {
        let db = try SQLiteConnection(path: ":memory:")
        let error = #expect(throws: SQLiteError.self) { try db.configureDurable() }
        #expect(error?.message == "journal_mode=WAL answered \"memory\"; WAL is required")
        #expect(error?.resultCode == 1)
    }

    @Test func openFailureReportsCodeAndPath() throws {
        let error = #expect(throws: SQLiteError.self) {
            _ = try SQLiteConnection(path: "/nonexistent-dir/x.db", flags: [.readWrite])
        }
        #expect(error?.resultCode == 14) // SQLITE_CANTOPEN
        #expect(error?.operation == "sqlite3_open_v2(/nonexistent-dir/x.db)")
        #expect(error?.message == "unable to open database file")
    }

    @Test func textBindsKeepEmptyStringsUnicodeAndEmbeddedNul() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.exec("CREATE TABLE t (i INTEGER, a TEXT, b TEXT, c TEXT, d REAL, e TEXT)")
        let insert = try db.prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)")
        try insert.bind(Int64.min, at: 1)
        try insert.bind("", at: 2)
        try insert.bind("tenant/α 🚀", at: 3)
        try insert.bind("a\u{0}b", at: 4)
        try insert.bind(0.1, at: 5)
        try insert.bindNull(at: 6)
        #expect(try insert.step() == false)

        let row = try db.prepare("SELECT i, a, b, c, d, e, typeof(a) FROM t")
        #expect(try row.step())
        #expect(row.int64(at: 0) == Int64.min)
        #expect(row.text(at: 1) == "")
        #expect(row.text(at: 6) == "text")
        #expect(row.text(at: 2) == "tenant/α 🚀")
        #expect(row.text(at: 3) == "a\u{0}b")
        #expect(row.double(at: 4) == 0.1)
        #expect(row.optionalText(at: 5) == nil)
        #expect(try row.step() == false)
    }

    @Test func statementRunsAgainAfterReset() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.exec("CREATE TABLE t (x INTEGER)")
        let insert = try db.prepare("INSERT INTO t VALUES (?)")
        for value in 1...3 {
            try insert.bind(.int(value))
            try insert.step()
            try insert.reset()
        }
        #expect(try db.scalarInt("SELECT sum(x) FROM t") == 6)
    }

    @Test func prepareErrorCarriesMessageAndSQL() throws {
        let db = try SQLiteConnection(path: ":memory:")
        let error = #expect(throws: SQLiteError.self) { _ = try db.prepare("SELECT * FROM nope") }
        #expect(error?.resultCode == 1)
        #expect(error?.message == "no such table: nope")
        #expect(error?.sql == "SELECT * FROM nope")
        #expect(error?.operation == "sqlite3_prepare_v2")
        #expect(error?.description.hasPrefix(
            "SQLite error 1 (extended 1) in sqlite3_prepare_v2: no such table: nope [SQL: SELECT * FROM nope] at ") == true)
    }

    @Test func constraintErrorHasExtendedCode() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.exec("CREATE TABLE t (x INTEGER PRIMARY KEY)")
        try db.exec("INSERT INTO t VALUES (1)")
        let insert = try db.prepare("INSERT INTO t VALUES (1)")
        let error = #expect(throws: SQLiteError.self) { try insert.step() }
        #expect(error?.resultCode == 19) // SQLITE_CONSTRAINT
        #expect(error?.extendedCode == 1555) // SQLITE_CONSTRAINT_PRIMARYKEY
        #expect(error?.message == "UNIQUE constraint failed: t.x")
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        struct Boom: Error {}
        let db = try SQLiteConnection(path: ":memory:")
        try db.exec("CREATE TABLE t (x INTEGER)")
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.exec("INSERT INTO t VALUES (1)")
                throw Boom()
            }
        }
        #expect(db.isAutocommit)
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 0)
        try db.transaction { try db.exec("INSERT INTO t VALUES (2)") }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 1)
    }

    @Test func transactionRollsBackWhenCommitFailsOnADeferredForeignKey() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.exec("PRAGMA foreign_keys=ON")
        try db.exec("""
            CREATE TABLE parent (id INTEGER PRIMARY KEY);
            CREATE TABLE child (p INTEGER REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED);
            """)
        let error = #expect(throws: SQLiteError.self) {
            try db.transaction { try db.exec("INSERT INTO child VALUES (7)") }
        }
        #expect(error?.extendedCode == 787) // SQLITE_CONSTRAINT_FOREIGNKEY
        #expect(error?.sql == "COMMIT")
        #expect(db.isAutocommit)
        #expect(try db.scalarInt("SELECT count(*) FROM child") == 0)
    }

    @Test func closedConnectionRefusesWork() throws {
        let db = try SQLiteConnection(path: ":memory:")
        try db.close()
        try db.close()
        let error = #expect(throws: SQLiteError.self) { try db.exec("SELECT 1") }
        #expect(error?.resultCode == 21) // SQLITE_MISUSE
        #expect(error?.message == "connection to :memory: is closed")
    }
}
