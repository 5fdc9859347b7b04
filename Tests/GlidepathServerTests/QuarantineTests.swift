import Foundation
import GlidepathCore
import SQLiteStore
import Testing
@testable import GlidepathServer

/// A stored migration this build cannot decode loads as broken: shown with its reason, its last weights
/// still served, repaired by applying a valid policy; the others load as usual.
@Suite struct QuarantineTests {
    let policy = Fixture.policy(steps: #"[{"weight": 10, "bake": "1m"}, {"weight": 50, "bake": "1m"}, {"weight": 100}]"#)
    let other = Fixture.policy("other")

    enum Damage: String, CaseIterable {
        case newerJudgeState, garbageJudgeState, unparsablePolicy, unknownPhase
        var sql: String {
            switch self {
            case .newerJudgeState:
                #"UPDATE judge_state SET state = '{"version": 9, "judge": {}}' WHERE migration = 'chat-completions'"#
            case .garbageJudgeState: "UPDATE judge_state SET state = 'not json' WHERE migration = 'chat-completions'"
            case .unparsablePolicy:
                #"UPDATE policy_versions SET source = '{"migration": "chat-completions", "stepz": []}' WHERE migration = 'chat-completions'"#
            case .unknownPhase:
                // The CHECK constraint guards the column; a future build's phase is written around it.
                "PRAGMA ignore_check_constraints = ON; UPDATE migrations SET phase = 'canarying' WHERE name = 'chat-completions'"
            }
        }
        var reasonStart: String {
            switch self {
            case .newerJudgeState: "stored judge state does not decode: encoding version 9 is newer than this build reads (1)"
            case .garbageJudgeState: "stored judge state does not decode"
            case .unparsablePolicy: "stored policy version 1 no longer parses"
            case .unknownPhase: #"stored status does not decode: unknown phase "canarying""#
            }
        }
    }

    /// A database with two migrations, chat-completions advanced once (revision 2, 50 %), then damaged.
    func damagedDatabase(_ dir: TempDirectory, _ damage: Damage) throws -> String {
        let path = dir.file("g.db")
        let store = try SQLiteMigrationStore(path: path)
        let c = Controller(store: store, time: ManualTimeSource(Fixture.start))
        _ = try c.apply(policySource: policy, name: "chat-completions")
        _ = try c.apply(policySource: other, name: "other")
        _ = try c.perform(.advance, migration: "chat-completions", reason: nil)
        c.runOnce(now: Fixture.start + 10_000, source: InMemoryMetricsSource())
        store.close()
        let db = try SQLiteConnection(path: path)
        try db.exec(damage.sql)
        try db.close()
        return path
    }

    @Test(arguments: Damage.allCases)
    func aDamagedMigrationIsQuarantinedAndTheOthersLoad(_ damage: Damage) throws {
        try TempDirectory.with { dir in
            let store = try SQLiteMigrationStore(path: try damagedDatabase(dir, damage))
            defer { store.close() }
            let c = Controller(store: store, time: ManualTimeSource(Fixture.start + 60_000))
            #expect(try c.load() == 2)
            #expect(c.entry("other") != nil)
            let b = try #require(c.brokenMigration("chat-completions"))
            #expect(b.reason.hasPrefix(damage.reasonStart))
            #expect(b.revision == 2)
            // Its last weights are still served (same revision, so shims see nothing change).
            let doc = String(decoding: try #require(c.served("chat-completions")).weights.body, as: UTF8.self)
            #expect(doc.contains(#""revision":2"#) && doc.contains(#""holysheep":50"#))
            #expect(c.metrics.broken.value(labels: ["chat-completions"]) == 1)
            let router = Router(controller: c)
            let list = router.handle(Fixture.request("GET", "/v1/migrations")).list
            #expect(list.map { $0["state"] as? String } == ["broken", "ramping"])
            let status = router.handle(Fixture.request("GET", "/v1/migrations/chat-completions")).object
            #expect((status["brokenReason"] as? String)?.hasPrefix(damage.reasonStart) == true)
            #expect(router.handle(Fixture.request("GET", "/v1/migrations/chat-completions/decisions")).list.count == 2)
            // Not judged, refuses operator actions with the reason.
            #expect(c.runOnce(now: Fixture.start + 120_000, source: InMemoryMetricsSource()).ticked == ["other"])
            #expect(router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/pause")).status == 409)

            // Applying a valid policy repairs it: the next revision and policy version, never above 50 %.
            let (outcome, e) = try c.apply(policySource: policy, name: "chat-completions")
            #expect(outcome == .updated)
            #expect(e.status.revision == 3 && e.status.policyVersion == 2)
            #expect(e.status.candidateWeight(e.policy) <= Weight(basisPoints: 5000))
            #expect(c.brokenMigration("chat-completions") == nil)
            #expect(c.metrics.broken.value(labels: ["chat-completions"]) == nil)
            #expect(try store.decisions(migration: "chat-completions", limit: 1).first?.revision == 3)
        }
    }
}
