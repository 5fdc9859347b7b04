import SQLiteStore
import Testing

/// `SQLiteConnection.withCached`: one compiled statement per SQL text, rewound around every use, and no
/// reference cycle between a connection and the statements it keeps.
@Suite struct StatementCacheTests {
    private static func table() throws -> SQLiteConnection {
        let db = try SQLiteConnection(path: ":memory:")
        try db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        for k in 1...5 { try db.exec("INSERT INTO t VALUES (\(k), 'v\(k)')") }
        return db
    }

    @Test func theSameStatementServesEveryCallWithFreshBindings() throws {
        let db = try Self.table()
        var seen: [ObjectIdentifier] = []
        var values: [String] = []
        for k in [3, 1, 5] {
            values.append(try db.withCached("SELECT v FROM t WHERE k = ?") { q in
                seen.append(ObjectIdentifier(q))
                try q.bind(.int(k))
                return try q.step() ? q.text(at: 0) : "none"
            })
        }
        #expect(values == ["v3", "v1", "v5"])
        #expect(Set(seen).count == 1)
        // A parameter left unbound reads as NULL, not as the previous call's value.
        let unbound = try db.withCached("SELECT v FROM t WHERE k = ?") { q in try q.step() ? q.text(at: 0) : "none" }
        #expect(unbound == "none")
    }

    @Test func aQueryStoppedAtItsFirstRowIsResetAfterwards() throws {
        let db = try Self.table()
        var inside = false
        var kept: SQLiteStatement?
        let first = try db.withCached("SELECT k FROM t ORDER BY k") { q in
            defer { inside = q.isRunning; kept = q }
            return try q.step() ? q.int64(at: 0) : -1
        }
        #expect(first == 1)
        #expect(inside)
        #expect(kept?.isRunning == false)
    }

    @Test func anErrorInsideLeavesTheStatementUsable() throws {
        let db = try Self.table()
        #expect(throws: SQLiteError.self) {
            try db.withCached("INSERT INTO t VALUES (?, ?)") { q in
                try q.bind(.int(1), .text("duplicate"))
                try q.step()
            }
        }
        try db.withCached("INSERT INTO t VALUES (?, ?)") { q in
            try q.bind(.int(6), .text("v6"))
            try q.step()
        }
        #expect(try db.scalarInt("SELECT count(*) FROM t") == 6)
    }

    @Test func moreTextsThanTheCacheHoldsStillRun() throws {
        let db = try Self.table()
        var total: Int64 = 0
        for i in 0..<80 {
            total += try db.withCached("SELECT k + \(i) FROM t WHERE k = 1") { q in try q.step() ? q.int64(at: 0) : 0 }
        }
        #expect(total == (0..<80).reduce(0) { $0 + 1 + Int64($1) })
    }

    @Test func aConnectionWithCachedStatementsIsFreedAndClosed() throws {
        try TempDirectory.with { directory in
            weak var weakDB: SQLiteConnection?
            do {
                let db = try SQLiteConnection(path: directory.file("c.db"))
                try db.configureDurable()
                try db.exec("CREATE TABLE t (k INTEGER PRIMARY KEY)")
                for i in 0..<40 {
                    try db.withCached("INSERT INTO t VALUES (?) -- \(i)") { q in try q.bind(.int(i)); try q.step() }
                }
                weakDB = db
            }
            #expect(weakDB == nil)
            // Closed for good: the WAL was checkpointed and removed by the last connection's close.
            #expect(!directory.exists("c.db-wal"))
            let reopened = try SQLiteConnection(path: directory.file("c.db"))
            #expect(try reopened.scalarInt("SELECT count(*) FROM t") == 40)
        }
    }
}
