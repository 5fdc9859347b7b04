import GlidepathCore
import Testing

/// The `MigrationStore` contract, run against both stores.
@Suite struct MigrationStoreContractTests {
    @Test(arguments: StoreKind.allCases)
    func saveThenLoadRoundTripsEveryField(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            let change = Fixture.advance(revision: 2)
            try store.save(change)

            let all = try store.loadAll()
            #expect(all.count == 1)
            #expect(all.first?.status == change.status)
            #expect(all.first?.judge == Fixture.judge(requests: 200))
            #expect(all.first?.policySource == Fixture.policyV1)
            #expect(try store.decisions(migration: "chat-completions", limit: 10)
                    == [change.decision!, Fixture.creation().decision!])
            let versions = try store.policyVersions(migration: "chat-completions")
            #expect(versions.map(\.version) == [1])
            #expect(versions.map(\.source) == [Fixture.policyV1])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func loadAllIsOrderedByNameWithTheCurrentPolicySource(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation("image-tagging"))
            try store.save(Fixture.creation("chat-completions"))
            try store.save(StoreChange(status: Fixture.status("chat-completions", revision: 2, policyVersion: 2),
                                       judge: .initial, newPolicySource: Fixture.policyV2,
                                       decision: Fixture.decision(revision: 2, action: .policy, from: 0, to: 0)))

            let all = try store.loadAll()
            #expect(all.map(\.status.migration) == ["chat-completions", "image-tagging"])
            #expect(all.map(\.policySource) == [Fixture.policyV2, Fixture.policyV1])
            #expect(all.map(\.status.policyVersion) == [2, 1])
            let versions = try store.policyVersions(migration: "chat-completions")
            #expect(versions.map(\.version) == [1, 2])
            #expect(versions.map(\.source) == [Fixture.policyV1, Fixture.policyV2])
        }
    }

    /// Who the operator was survives the store; the judge's decisions have nobody.
    @Test(arguments: StoreKind.allCases)
    func theOperatorsNameRoundTrips(kind: StoreKind) throws {
        try kind.with { store throws in
            var creation = Fixture.creation()
            creation.decision?.actor = .operator
            creation.decision?.by = "alice@laptop"
            try store.save(creation)
            try store.save(Fixture.advance(revision: 2))
            let log = try store.decisions(migration: "chat-completions", limit: 10)
            #expect(log.map(\.by) == [nil, "alice@laptop"])
            #expect(log.last == creation.decision)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func decisionsComeNewestFirstUpToTheLimit(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            for revision in Int64(2)...5 { try store.save(Fixture.advance(revision: revision)) }
            try store.save(Fixture.creation("other"))

            #expect(try store.decisions(migration: "chat-completions", limit: 3).map(\.revision) == [5, 4, 3])
            #expect(try store.decisions(migration: "chat-completions", limit: 100).map(\.revision) == [5, 4, 3, 2, 1])
            #expect(try store.decisions(migration: "chat-completions", limit: 0).isEmpty)
            #expect(try store.decisions(migration: "other", limit: 10).map(\.action) == [.created])
            #expect(try store.decisions(migration: "unknown", limit: 10).isEmpty)
            #expect(try store.decisions(migration: "chat-completions", limit: 1).first?.evidence
                    == [GuardEvidence(guardName: .errors, test: .ratio, value: 1.5)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func staleRevisionIsRefusedAndChangesNothing(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            try store.save(Fixture.advance(revision: 2))
            try store.save(Fixture.advance(revision: 3))

            var stale = Fixture.advance(revision: 2)
            stale.judge = Fixture.judge(requests: 9, failedChecks: 7)
            #expect(throws: MigrationStoreError(code: .staleRevision, migration: "chat-completions", message:
                "migration \"chat-completions\": revision 2 is older than stored revision 3; save refused")) {
                try store.save(stale)
            }
            let loaded = try store.loadAll()
            #expect(loaded.first?.status == Fixture.advance(revision: 3).status)
            #expect(loaded.first?.judge == Fixture.judge(requests: 300))
            #expect(try store.decisions(migration: "chat-completions", limit: 100).map(\.revision) == [3, 2, 1])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func decisionWithAnotherRevisionIsRefused(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            var change = Fixture.advance(revision: 2)
            change.decision?.revision = 3
            #expect(throws: MigrationStoreError(code: .decisionRevisionMismatch, migration: "chat-completions", message:
                "migration \"chat-completions\": decision revision 3 differs from status revision 2; save refused")) {
                try store.save(change)
            }
            #expect(try store.loadAll().first?.status.revision == 1)
            #expect(try store.decisions(migration: "chat-completions", limit: 10).count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func newMigrationWithoutPolicySourceIsRefused(kind: StoreKind) throws {
        try kind.with { store throws in
            var change = Fixture.creation()
            change.newPolicySource = nil
            let message = "migration \"chat-completions\": policy version 1 is not stored and "
                + "a new migration's first save must carry its policy source; save refused"
            #expect(throws: MigrationStoreError(code: .missingPolicyVersion, migration: "chat-completions",
                                                message: message)) {
                try store.save(change)
            }
            #expect(try store.loadAll().isEmpty)
            #expect(try store.decisions(migration: "chat-completions", limit: 10).isEmpty)
            #expect(try store.policyVersions(migration: "chat-completions").isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func unknownPolicyVersionWithoutSourceIsRefused(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            #expect(throws: MigrationStoreError(code: .missingPolicyVersion, migration: "chat-completions", message:
                "migration \"chat-completions\": policy version 2 is not stored and the change carries no policy source for it; save refused")) {
                try store.save(Fixture.advance(revision: 2, policyVersion: 2))
            }
            #expect(try store.loadAll().first?.status.revision == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func duplicatePolicyVersionIsRefused(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            var change = Fixture.advance(revision: 2)
            change.newPolicySource = Fixture.policyV2
            #expect(throws: MigrationStoreError(code: .duplicatePolicyVersion, migration: "chat-completions", message:
                "migration \"chat-completions\": policy version 1 already exists; save refused")) {
                try store.save(change)
            }
            let versions = try store.policyVersions(migration: "chat-completions")
            #expect(versions.map(\.source) == [Fixture.policyV1])
            #expect(try store.loadAll().first?.status.revision == 1)
            #expect(try store.decisions(migration: "chat-completions", limit: 10).count == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func judgeStateOnlySaveKeepsTheRevision(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            try store.save(Fixture.advance(revision: 2))
            let status = Fixture.advance(revision: 2).status
            let judge = Fixture.judge(requests: 5_000, failedChecks: 2)
            try store.save(StoreChange(status: status, judge: judge))

            let loaded = try store.loadAll()
            #expect(loaded.first?.status == status)
            #expect(loaded.first?.judge == judge)
            #expect(try store.decisions(migration: "chat-completions", limit: 10).map(\.revision) == [2, 1])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func nonFiniteEvidenceIsSavedAndLoaded(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            let evidence = [GuardEvidence(guardName: .errors, test: .ratio, value: .nan),
                            GuardEvidence(guardName: .latency, test: .ratio, value: .infinity),
                            GuardEvidence(guardName: .latency, test: .ratio, value: -.infinity)]
            var change = Fixture.advance(revision: 2)
            change.decision?.evidence = evidence
            change.judge.lastVerdict?.evidence = evidence
            change.judge.step.candidate.latencySum = .nan
            try store.save(change)

            let values = try store.decisions(migration: "chat-completions", limit: 1).first?.evidence.map(\.value) ?? []
            #expect(values.count == 3 && values[0].isNaN && values[1] == .infinity && values[2] == -.infinity)
            let judge = try store.loadAll().first?.judge
            #expect(judge?.step.candidate.latencySum.isNaN == true)
            #expect(judge?.lastVerdict?.evidence.map(\.value).last == -.infinity)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func countersBeyondDoublePrecisionSurvive(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            var change = Fixture.advance(revision: 2)
            change.judge.lastSnapshot?.baseline.requests = (1 << 53) + 1
            change.judge.lastSnapshot?.baseline.tokens = UInt64.max
            try store.save(change)
            let snapshot = try store.loadAll().first?.judge.lastSnapshot?.baseline
            #expect(snapshot?.requests == (1 << 53) + 1)
            #expect(snapshot?.tokens == UInt64.max)
        }
    }
}

/// An operator hold (`set-weight`) survives a restart: the held weight is stored with the status.
@Suite struct HeldWeightStoreTests {
    @Test(arguments: StoreKind.allCases)
    func theHeldWeightRoundTrips(kind: StoreKind) throws {
        try kind.with { store throws in
            try store.save(Fixture.creation())
            var status = Fixture.status(revision: 2, phase: .paused)
            status.heldWeight = Weight(basisPoints: 250)
            try store.save(StoreChange(status: status, judge: .initial,
                                       decision: Fixture.decision(revision: 2, action: .setWeight, from: 0, to: 0,
                                                                  weight: 250)))
            #expect(try store.loadAll().first?.status.heldWeight == Weight(basisPoints: 250))
            #expect(try store.decisions(migration: "chat-completions", limit: 1).first?.action == .setWeight)
            var resumed = Fixture.status(revision: 3)
            resumed.heldWeight = nil
            try store.save(StoreChange(status: resumed, judge: .initial,
                                       decision: Fixture.decision(revision: 3, action: .resume, from: 0, to: 0)))
            #expect(try store.loadAll().first?.status.heldWeight == nil)
        }
    }
}
