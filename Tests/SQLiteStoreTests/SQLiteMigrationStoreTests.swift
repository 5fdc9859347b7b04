import Dispatch
import GlidepathCore
import Synchronization
import SQLiteStore
import Testing

/// What only the SQLite store promises: WAL on disk, survival across reopen, atomic saves, concurrent use.
@Suite struct SQLiteMigrationStoreTests {
    private let dbName = "glidepath.db"

    @Test func storeRunsInWalModeAndWritesTheWalFile() throws {
        try TempDirectory.with { directory in
            let store = try SQLiteMigrationStore(path: directory.file(dbName))
            defer { store.close() }
            try store.save(Fixture.creation())
            #expect(directory.exists(dbName + "-wal"))
            let reader = try SQLiteConnection(path: directory.file(dbName), flags: [.readOnly])
            #expect(try reader.scalarText("PRAGMA journal_mode") == "wal")
        }
    }

    @Test func reopenedStoreHasEverythingBack() throws {
        try TempDirectory.with { directory in
            let path = directory.file(dbName)
            let store = try SQLiteMigrationStore(path: path)
            try store.save(Fixture.creation())
            try store.save(Fixture.advance(revision: 2))
            let policyChange = StoreChange(status: Fixture.status(revision: 3, policyVersion: 2, step: 0),
                                           judge: Fixture.judge(requests: 77, failedChecks: 3),
                                           newPolicySource: Fixture.policyV2,
                                           decision: Fixture.decision(revision: 3, action: .policy, from: 1, to: 0))
            try store.save(policyChange)
            try store.save(Fixture.creation("image-tagging"))
            let before = try store.decisions(migration: "chat-completions", limit: 10)
            store.close()

            let reopened = try SQLiteMigrationStore(path: path)
            defer { reopened.close() }
            let all = try reopened.loadAll()
            #expect(all.map(\.status) == [policyChange.status, Fixture.status("image-tagging", revision: 1)])
            #expect(all.map(\.judge) == [policyChange.judge, .initial])
            #expect(all.first?.judge.step.baseline.latency == [0, 5, 900, 295, 0, 0])
            #expect(all.first?.judge.lastVerdict?.evidence.count == 2)
            #expect(all.map(\.policySource) == [Fixture.policyV2, Fixture.policyV1])
            #expect(try reopened.decisions(migration: "chat-completions", limit: 10) == before)
            #expect(before.map(\.revision) == [3, 2, 1])
            #expect(try reopened.policyVersions(migration: "chat-completions").map(\.version) == [1, 2])
            // Revisions keep increasing across restarts: an older one is still refused.
            #expect(throws: MigrationStoreError.self) { try reopened.save(Fixture.advance(revision: 2, policyVersion: 2)) }
        }
    }

    @Test func failureInsideTheTransactionLeavesTheStatusUntouched() throws {
        try TempDirectory.with { directory in
            let path = directory.file(dbName)
            let store = try SQLiteMigrationStore(path: path)
            defer { store.close() }
            try store.save(Fixture.creation())
            // Fault injection from a second connection: the decision insert, the last write of a save, fails.
            let saboteur = try SQLiteConnection(path: path)
            try saboteur.exec("""
                CREATE TRIGGER refuse_decisions BEFORE INSERT ON decisions
                BEGIN SELECT RAISE(ABORT, 'injected decision failure'); END
                """)

            let change = StoreChange(status: Fixture.advance(revision: 2).status, judge: Fixture.judge(),
                                     newPolicySource: nil, decision: Fixture.decision(revision: 2))
            let error = #expect(throws: SQLiteError.self) { try store.save(change) }
            #expect(error?.resultCode == 19) // SQLITE_CONSTRAINT
            #expect(error?.extendedCode == 1811) // SQLITE_CONSTRAINT_TRIGGER
            #expect(error?.message == "injected decision failure")
            #expect(error?.operation == "sqlite3_step")

            let after = try store.loadAll()
            #expect(after.map(\.status) == [Fixture.creation().status])
            #expect(after.map(\.judge) == [.initial])
            #expect(try store.decisions(migration: "chat-completions", limit: 10).map(\.revision) == [1])

            try saboteur.exec("DROP TRIGGER refuse_decisions")
            try store.save(change)
            #expect(try store.loadAll().map(\.status.revision) == [2])
        }
    }

    @Test func secondConnectionReadsASnapshotWhileTheStoreWrites() throws {
        try TempDirectory.with { directory in
            let path = directory.file(dbName)
            let store = try SQLiteMigrationStore(path: path)
            defer { store.close() }
            try store.save(Fixture.creation())

            let reader = try SQLiteConnection(path: path, flags: [.readOnly])
            try reader.setBusyTimeout(milliseconds: 1_000)
            try reader.exec("BEGIN")
            #expect(try reader.scalarInt("SELECT revision FROM migrations") == 1)
            // In WAL the writer is not blocked by the open read transaction...
            try store.save(Fixture.advance(revision: 2))
            try store.save(Fixture.advance(revision: 3))
            // ...and the reader keeps its snapshot until it ends.
            #expect(try reader.scalarInt("SELECT revision FROM migrations") == 1)
            #expect(try reader.scalarInt("SELECT count(*) FROM decisions") == 1)
            try reader.exec("COMMIT")
            #expect(try reader.scalarInt("SELECT revision FROM migrations") == 3)
            #expect(try reader.scalarInt("SELECT count(*) FROM decisions") == 3)
        }
    }

    @Test func concurrentSavesAndReadsAreSerialized() throws {
        try TempDirectory.with { directory in
            let store = try SQLiteMigrationStore(path: directory.file(dbName))
            defer { store.close() }
            let names = ["a", "b", "c", "d"]
            for name in names { try store.save(Fixture.creation(name)) }
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: names.count) { index in
                do {
                    for revision in Int64(2)...6 {
                        try store.save(Fixture.advance(names[index], revision: revision))
                        _ = try store.loadAll()
                    }
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            #expect(failures.withLock { $0 } == [])
            #expect(try store.loadAll().map(\.status.revision) == [6, 6, 6, 6])
            for name in names {
                #expect(try store.decisions(migration: name, limit: 10).map(\.revision) == [6, 5, 4, 3, 2, 1])
            }
        }
    }

    @Test func closedStoreRefusesCalls() throws {
        try TempDirectory.with { directory in
            let path = directory.file(dbName)
            let store = try SQLiteMigrationStore(path: path)
            store.close()
            store.close()
            let error = #expect(throws: SQLiteError.self) { _ = try store.loadAll() }
            #expect(error?.message == "store \(path) is closed")
            #expect(error?.operation == "loadAll")
        }
    }
}
