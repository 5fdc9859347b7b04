import GlidepathCore
import Testing

/// `save(batch:)`: a round's judge states in one transaction, all or nothing, on both stores.
@Suite struct BatchSaveContractTests {
    static func held(_ name: String, revision: Int64, requests: UInt64) -> StoreChange {
        StoreChange(status: Fixture.status(name, revision: revision), judge: Fixture.judge(requests: requests))
    }

    @Test(arguments: StoreKind.allCases)
    func aBatchWritesEveryChange(kind: StoreKind) throws {
        try kind.with { store throws in
            for name in ["a", "b", "c"] { try store.save(Fixture.creation(name)) }
            try store.save(batch: ["a", "b", "c"].map { Self.held($0, revision: 1, requests: 300) })
            let all = try store.loadAll()
            #expect(all.map(\.status.migration) == ["a", "b", "c"])
            #expect(all.allSatisfy { $0.judge == Fixture.judge(requests: 300) })
            #expect(try store.decisions(migration: "b", limit: 10).count == 1)  // judge states only
            try store.save(batch: [])
            #expect(try store.loadAll().count == 3)
        }
    }

    /// One refused change (its revision would go backwards) and nothing of the batch is written, the
    /// changes before it included.
    @Test(arguments: StoreKind.allCases)
    func aRefusedChangeWritesNothing(kind: StoreKind) throws {
        try kind.with { store throws in
            for name in ["a", "b", "c"] { try store.save(Fixture.creation(name)) }
            try store.save(Fixture.advance("b", revision: 2))
            let before = try store.loadAll()
            let batch = [Self.held("a", revision: 1, requests: 900), Self.held("b", revision: 1, requests: 900),
                         Self.held("c", revision: 1, requests: 900)]
            #expect(throws: MigrationStoreError.self) { try store.save(batch: batch) }
            let after = try store.loadAll()
            #expect(after.map(\.judge) == before.map(\.judge))
            #expect(after.map(\.status) == before.map(\.status))
        }
    }

    /// Later changes of a batch see the earlier ones (a migration created and then ticked in one batch).
    @Test(arguments: StoreKind.allCases)
    func changesApplyInOrder(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(batch: [Fixture.creation("n"), Self.held("n", revision: 1, requests: 100)])
            let all = try store.loadAll()
            #expect(all.first?.judge == Fixture.judge(requests: 100))
            #expect(all.first?.policySource == Fixture.policyV1)
        }
    }
}
