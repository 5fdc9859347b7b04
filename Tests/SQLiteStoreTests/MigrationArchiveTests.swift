import GlidepathCore
import SQLiteStore
import Testing

/// Deleting into the archive and history retention, the same on both stores.
@Suite struct MigrationArchiveContractTests {
    static let day: Int64 = 86_400_000

    /// A decision of `name` at revision `revision`, taken at `at`.
    static func change(_ name: String, revision: Int64, at: Int64) -> StoreChange {
        var d = Fixture.decision(revision: revision, from: 0, to: 0)
        d.at = at
        if revision == 1 { d.action = .created }
        return StoreChange(status: Fixture.status(name, revision: revision), judge: .initial,
                           newPolicySource: revision == 1 ? Fixture.policyV1 : nil, decision: d)
    }

    /// Saves `name` with one decision per entry of `days` (revision 1, 2, ...), each taken at t0 + days[i].
    static func seed(_ store: any MigrationStore, _ name: String, days: [Int64]) throws {
        for (i, d) in days.enumerated() { try store.save(change(name, revision: Int64(i + 1), at: Fixture.t0 + d * day)) }
    }

    static func archive(_ store: any MigrationStore) -> any MigrationArchive { store as! any MigrationArchive }

    @Test(arguments: StoreKind.allCases)
    func archiveMovesTheMigrationAndItsDecisions(kind: StoreKind) throws {
        try kind.with { store in
            try store.save(Fixture.creation())
            try store.save(Fixture.advance(revision: 2))
            try store.save(Fixture.creation("other"))
            let before = try store.decisions(migration: "chat-completions", limit: 10)
            let record = try Self.archive(store).archive(ArchiveRequest(
                migration: "chat-completions", expectedRevision: 2, at: Fixture.t0 + 99, by: "alice@laptop",
                reason: "done"))
            #expect(record.revision == 2)
            #expect(record.phase == "ramping")
            #expect(record.decisionCount == 2)
            #expect(record.policyDigests == [PolicyDigest.of(Fixture.policyV1)])
            #expect(try store.loadAll().map(\.status.migration) == ["other"])
            #expect(try store.decisions(migration: "chat-completions", limit: 10).isEmpty)
            #expect(try store.policyVersions(migration: "chat-completions").isEmpty)
            let listed = try Self.archive(store).archives(migration: "chat-completions")
            #expect(listed == [record])
            #expect(listed.first?.by == "alice@laptop")
            #expect(listed.first?.archivedAt == Fixture.t0 + 99)
            let archived = try Self.archive(store).archivedDecisions(archiveID: record.id, limit: 10)
            #expect(archived == before)
            #expect(try store.decisions(migration: "other", limit: 10).count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func anUnknownOrChangedMigrationIsNotArchived(kind: StoreKind) throws {
        try kind.with { store in
            try store.save(Fixture.creation())
            let a = Self.archive(store)
            #expect(throws: MigrationStoreError(code: .unknownMigration, migration: "nope",
                                                message: "migration \"nope\" is not stored; nothing deleted")) {
                try a.archive(ArchiveRequest(migration: "nope", expectedRevision: 1, at: 0, by: nil, reason: ""))
            }
            #expect(throws: MigrationStoreError(code: .staleRevision, migration: "chat-completions",
                message: "migration \"chat-completions\" is at revision 1, not 3; nothing deleted")) {
                try a.archive(ArchiveRequest(migration: "chat-completions", expectedRevision: 3, at: 0, by: nil, reason: ""))
            }
            #expect(try store.loadAll().count == 1)
            #expect(try a.archives(migration: "chat-completions").isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func severalArchivesOfOneNameAreToldApartNewestFirst(kind: StoreKind) throws {
        try kind.with { store in
            let a = Self.archive(store)
            try store.save(Fixture.creation())
            let first = try a.archive(ArchiveRequest(migration: "chat-completions", expectedRevision: 1, at: 10,
                                                     by: nil, reason: "one"))
            // Applied again later: a fresh migration (policy version 1 again) above the archived revision.
            var again = Fixture.creation(source: Fixture.policyV2)
            again.status.revision = 2
            again.decision?.revision = 2
            try store.save(again)
            let second = try a.archive(ArchiveRequest(migration: "chat-completions", expectedRevision: 2, at: 20,
                                                      by: nil, reason: "two"))
            #expect(second.id > first.id)
            #expect(try a.archives(migration: "chat-completions").map(\.reason) == ["two", "one"])
            #expect(try a.archivedDecisions(archiveID: second.id, limit: 5).map(\.revision) == [2])
            #expect(try a.archivedDecisions(archiveID: first.id, limit: 5).map(\.revision) == [1])
            #expect(second.policyDigests == [PolicyDigest.of(Fixture.policyV2)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func retentionByAgeKeepsTheNewestDecisionOfEachMigration(kind: StoreKind) throws {
        try kind.with { store in
            try Self.seed(store, "a", days: [0, 1, 2, 3, 4, 5])
            try Self.seed(store, "b", days: [0, 1])
            // Now t0 + 5.5 days, 2 days kept: a's decisions of days 0...3 go; b's day 0 goes, its newest stays.
            let report = try Self.archive(store).applyRetention(HistoryRetention(days: 2, maxDecisions: 0, batch: 2),
                                                                 now: Fixture.t0 + 5 * Self.day + Self.day / 2)
            #expect(report.decisions == 5)
            #expect(report.archivedDecisions == 0)
            #expect(try store.decisions(migration: "a", limit: 10).map(\.revision) == [6, 5])
            #expect(try store.decisions(migration: "b", limit: 10).map(\.revision) == [2])
            // Nothing more to delete: a second pass deletes nothing.
            let again = try Self.archive(store).applyRetention(HistoryRetention(days: 2, maxDecisions: 0, batch: 2),
                                                                now: Fixture.t0 + 5 * Self.day + Self.day / 2)
            #expect(again.decisions == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func retentionCapsDecisionsPerMigrationAndArchive(kind: StoreKind) throws {
        try kind.with { store in
            try Self.seed(store, "a", days: [0, 0, 0, 0, 0, 0])
            try Self.seed(store, "b", days: [0, 0, 0, 0, 0])
            let a = Self.archive(store)
            let archived = try a.archive(ArchiveRequest(migration: "b", expectedRevision: 5, at: 0, by: nil, reason: ""))
            let report = try a.applyRetention(HistoryRetention(days: 0, maxDecisions: 3, batch: 2), now: Fixture.t0)
            #expect(report == RetentionReport(decisions: 3, archivedDecisions: 2, batches: report.batches))
            #expect(try store.decisions(migration: "a", limit: 10).map(\.revision) == [6, 5, 4])
            #expect(try a.archivedDecisions(archiveID: archived.id, limit: 10).map(\.revision) == [5, 4, 3])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func retentionByAgeEmptiesOldArchives(kind: StoreKind) throws {
        try kind.with { store in
            try Self.seed(store, "old", days: [0, 1])
            let a = Self.archive(store)
            let archived = try a.archive(ArchiveRequest(migration: "old", expectedRevision: 2, at: 0, by: nil, reason: ""))
            let report = try a.applyRetention(HistoryRetention(days: 30), now: Fixture.t0 + 100 * Self.day)
            #expect(report.archivedDecisions == 2)
            #expect(try a.archivedDecisions(archiveID: archived.id, limit: 10).isEmpty)
            // The record itself stays (the policy digests keep a deleted file from coming back).
            #expect(try a.archives(migration: "old").map(\.decisionCount) == [0])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func keepingForeverDeletesNothing(kind: StoreKind) throws {
        try kind.with { store in
            try Self.seed(store, "a", days: [0, 1, 2])
            let report = try Self.archive(store).applyRetention(HistoryRetention(days: 0, maxDecisions: 0),
                                                                 now: Fixture.t0 + 1_000 * Self.day)
            #expect(report == RetentionReport())
            #expect(try store.decisions(migration: "a", limit: 10).count == 3)
        }
    }
}

/// SQLite only: schema 5 → 6 keeps data, and a delete that fails half way changes nothing.
@Suite struct SQLiteArchiveTests {
    @Test func schemaFiveDatabaseKeepsItsDataAndCanArchive() throws {
        try TempDirectory.with { directory in
            let path = directory.file("glidepath.db")
            let db = try SQLiteConnection(path: path)
            try SQLiteSchema.migrate(db, migrations: Array(SQLiteSchema.migrations.prefix(5)))
            try db.exec("""
                INSERT INTO policy_versions VALUES ('m', 1, '\(Fixture.policyV1)', 5);
                INSERT INTO migrations (name, policy_version, phase, step, revision, step_started_at, updated_at, reason)
                    VALUES ('m', 1, 'rolled_back', 0, 4, 1764000000000, 1764000000000, 'rolled back');
                INSERT INTO decisions (migration, at, revision, action, from_step, to_step, baseline, candidate,
                                       candidate_bp, actor, reason, evidence, actor_name)
                    VALUES ('m', 1764000000000, 4, 'rollback', 0, 0, 'openai', 'holysheep', 0, 'operator', 'r', '[]', 'bob');
                """)
            try db.close()
            let store = try SQLiteMigrationStore(path: path)
            defer { store.close() }
            #expect(try store.loadAll().map(\.status.revision) == [4])
            #expect(try store.decisions(migration: "m", limit: 5).map(\.by) == ["bob"])
            let record = try store.archive(ArchiveRequest(migration: "m", expectedRevision: 4, at: 7, by: nil, reason: "x"))
            #expect(record.phase == "rolled_back")
            #expect(try store.archivedDecisions(archiveID: record.id, limit: 5).map(\.by) == ["bob"])
        }
    }

    @Test func aDeleteThatFailsHalfWayChangesNothing() throws {
        try TempDirectory.with { directory in
            let path = directory.file("glidepath.db")
            let store = try SQLiteMigrationStore(path: path)
            defer { store.close() }
            try store.save(Fixture.creation())
            try store.save(Fixture.advance(revision: 2))
            // The last statement of the transaction fails: everything before it must be undone.
            let other = try SQLiteConnection(path: path)
            try other.exec("CREATE TRIGGER refuse BEFORE DELETE ON migrations BEGIN SELECT RAISE(ABORT, 'disk gone'); END")
            #expect(throws: SQLiteError.self) {
                try store.archive(ArchiveRequest(migration: "chat-completions", expectedRevision: 2, at: 1, by: nil, reason: ""))
            }
            #expect(try store.loadAll().map(\.status.revision) == [2])
            #expect(try store.decisions(migration: "chat-completions", limit: 5).count == 2)
            #expect(try store.policyVersions(migration: "chat-completions").count == 1)
            #expect(try store.archives(migration: "chat-completions").isEmpty)
            #expect(try other.scalarInt("SELECT COUNT(*) FROM archived_decisions") == 0)
            try other.exec("DROP TRIGGER refuse")
            try other.close()
            let record = try store.archive(ArchiveRequest(migration: "chat-completions", expectedRevision: 2, at: 1,
                                                          by: nil, reason: ""))
            #expect(record.decisionCount == 2)
        }
    }

    @Test func aStoppedPassEndsBetweenBatches() throws {
        try TempDirectory.with { directory in
            let store = try SQLiteMigrationStore(path: directory.file("glidepath.db"))
            defer { store.close() }
            try MigrationArchiveContractTests.seed(store, "a", days: [0, 0, 0, 0, 0, 0, 0])
            var batches = 0
            let report = try store.applyRetention(HistoryRetention(days: 0, maxDecisions: 1, batch: 2),
                                                  now: Fixture.t0, shouldContinue: {
                batches += 1
                return batches <= 2
            })
            #expect(report == RetentionReport(decisions: 4, archivedDecisions: 0, batches: 2))
            #expect(try store.decisions(migration: "a", limit: 10).map(\.revision) == [7, 6, 5])
        }
    }

    @Test func outstandingNotificationsOfADeletedMigrationAreDropped() throws {
        try TempDirectory.with { directory in
            let store = try SQLiteMigrationStore(path: directory.file("glidepath.db"))
            defer { store.close() }
            try store.save(Fixture.creation())
            try store.enqueue([OutboxNotification(migration: "chat-completions", event: .rollback, dedupeKey: "k1",
                                                  url: "http://127.0.0.1:1/", format: .json, body: "{}", createdAt: 0)])
            #expect(try store.dueNotifications(atWall: 10, limit: 5).count == 1)
            _ = try store.archive(ArchiveRequest(migration: "chat-completions", expectedRevision: 1, at: 5, by: nil, reason: ""))
            #expect(try store.dueNotifications(atWall: 10, limit: 5).isEmpty)
        }
    }
}
