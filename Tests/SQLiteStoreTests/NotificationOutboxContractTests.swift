import GlidepathCore
import SQLiteStore
import Testing

/// The `NotificationOutbox` contract on both stores, and the SQLite outbox across a reopen.
@Suite struct NotificationOutboxContractTests {
    static func note(_ key: String, migration: String = "chat-completions", at: Int64 = Fixture.t0,
                     event: NotifyEvent = .rollback) -> OutboxNotification {
        OutboxNotification(migration: migration, event: event, dedupeKey: key, url: "https://hooks.example.com/h",
                           format: .slack, body: #"{"text":"\#(key)"}"#, createdAt: at)
    }

    static func outbox(_ store: any MigrationStore) throws -> any NotificationOutbox {
        try #require(store as? any NotificationOutbox)
    }

    @Test(arguments: StoreKind.allCases)
    func notificationsArriveWithTheirDecisionAndNotWithARefusedOne(kind: StoreKind) throws {
        try kind.with { store throws in
            let outbox = try Self.outbox(store)
            var creation = Fixture.creation()
            creation.notifications = [Self.note("created-0")]
            try store.save(creation)
            var advance = Fixture.advance(revision: 2)
            advance.notifications = [Self.note("advance-0", event: .advance), Self.note("advance-1", event: .advance)]
            try store.save(advance)
            var stale = Fixture.advance(revision: 1)
            stale.notifications = [Self.note("stale-0")]
            #expect(throws: MigrationStoreError.self) { try store.save(stale) }

            let due = try outbox.dueNotifications(atWall: Fixture.t0, limit: 10)
            #expect(due.map(\.notification.dedupeKey) == ["created-0", "advance-0", "advance-1"])
            #expect(due.first == OutboxRow(id: due[0].id, notification: Self.note("created-0"), attempts: 0,
                                           nextAttemptAt: Fixture.t0, lastError: nil))
            #expect(due[1].notification.event == .advance && due[1].notification.format == .slack)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRepeatedKeyIsIgnoredUntilItsSettledRowIsForgotten(kind: StoreKind) throws {
        try kind.with { store throws in
            let outbox = try Self.outbox(store)
            try outbox.enqueue([Self.note("stuck"), Self.note("stuck")])
            try outbox.enqueue([Self.note("stuck")])
            let due = try outbox.dueNotifications(atWall: .max, limit: 10)
            #expect(due.count == 1)
            try outbox.settle(id: due[0].id, .delivered, atWall: Fixture.t0 + 100)
            try outbox.enqueue([Self.note("stuck")])
            #expect(try outbox.dueNotifications(atWall: .max, limit: 10).isEmpty)
            _ = try outbox.trim(maxOutstanding: 5, forgetSettledBefore: Fixture.t0 + 100, atWall: Fixture.t0 + 200)
            try outbox.enqueue([Self.note("stuck")])
            #expect(try outbox.dueNotifications(atWall: .max, limit: 10).isEmpty)  // settled at t0+100, not before it
            _ = try outbox.trim(maxOutstanding: 5, forgetSettledBefore: Fixture.t0 + 101, atWall: Fixture.t0 + 200)
            try outbox.enqueue([Self.note("stuck")])
            #expect(try outbox.dueNotifications(atWall: .max, limit: 10).count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func retriesComeDueLaterAndDroppedRowsNever(kind: StoreKind) throws {
        try kind.with { store throws in
            let outbox = try Self.outbox(store)
            try outbox.enqueue([Self.note("a"), Self.note("b", at: Fixture.t0 + 1)])
            var due = try outbox.dueNotifications(atWall: Fixture.t0 + 1, limit: 1)
            #expect(due.map(\.notification.dedupeKey) == ["a"])
            try outbox.settle(id: due[0].id, .retry(at: Fixture.t0 + 4000, error: "500 (boom)"), atWall: Fixture.t0 + 1)
            due = try outbox.dueNotifications(atWall: Fixture.t0 + 3999, limit: 10)
            #expect(due.map(\.notification.dedupeKey) == ["b"])
            due = try outbox.dueNotifications(atWall: Fixture.t0 + 4000, limit: 10)
            #expect(due.map(\.notification.dedupeKey) == ["b", "a"])
            #expect(due.map(\.attempts) == [0, 1])
            #expect(due.map(\.lastError) == [nil, "500 (boom)"])
            try outbox.settle(id: due[1].id, .dropped(error: "500 (boom)"), atWall: Fixture.t0 + 4000)
            try outbox.settle(id: due[1].id, .retry(at: 0, error: "late"), atWall: Fixture.t0 + 4000)  // settled: no effect
            #expect(try outbox.dueNotifications(atWall: .max, limit: 10).map(\.notification.dedupeKey) == ["b"])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func trimCapsEachMigrationAndCountsWhatItDropped(kind: StoreKind) throws {
        try kind.with { store throws in
            let outbox = try Self.outbox(store)
            try outbox.enqueue((0..<5).map { Self.note("x\($0)", migration: "x") } + [Self.note("y0", migration: "y")])
            let trim = try outbox.trim(maxOutstanding: 3, forgetSettledBefore: 0, atWall: Fixture.t0)
            #expect(trim == OutboxTrim(dropped: ["x": 2], outstanding: ["x": 3, "y": 1]))
            #expect(try outbox.dueNotifications(atWall: .max, limit: 10).map(\.notification.dedupeKey)
                    == ["x2", "x3", "x4", "y0"])
        }
    }

    @Test func outstandingRowsSurviveReopeningTheDatabase() throws {
        try TempDirectory.with { directory in
            let path = directory.file("glidepath.db")
            let first = try SQLiteMigrationStore(path: path)
            var creation = Fixture.creation()
            creation.notifications = [Self.note("n0"), Self.note("n1")]
            try first.save(creation)
            let due = try first.dueNotifications(atWall: .max, limit: 10)
            try first.settle(id: due[0].id, .retry(at: Fixture.t0 + 1000, error: "timed out"), atWall: Fixture.t0)
            first.close()

            let reopened = try SQLiteMigrationStore(path: path)
            defer { reopened.close() }
            let again = try reopened.dueNotifications(atWall: .max, limit: 10)
            #expect(again.map(\.notification.dedupeKey) == ["n1", "n0"])
            #expect(again.map(\.attempts) == [0, 1])
            #expect(again[0].notification == Self.note("n1"))
        }
    }
}
