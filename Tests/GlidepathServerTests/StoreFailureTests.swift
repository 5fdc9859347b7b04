import GlidepathCore
import Testing
@testable import GlidepathServer

/// A store that fails writes (full disk, read-only file): rollbacks and pauses still take effect at once,
/// advances do not, readiness and metrics say so, and the pending changes are written on recovery.
@Suite struct StoreFailureTests {
    let w = Fixture.world()
    let name = "chat-completions"

    init() {
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: Fixture.policy(), headers: Fixture.admin))
        // A first round takes the counter snapshot and makes the controller ready.
        w.controller.runOnce(now: w.clock.now(), source: w.source)
    }

    func tick(_ traffic: ArmPair) -> RoundReport {
        w.clock.advance(milliseconds: 10_000)
        w.source.add(traffic, for: name)
        return w.controller.runOnce(now: w.clock.now(), source: w.source)
    }

    func readyz() -> (Int, String) {
        let r = w.router.handle(Fixture.request("GET", "/readyz"))
        return (r.status, r.text)
    }

    @Test func aJudgeRollbackIsServedWhileTheStoreFailsAndWrittenWhenItRecovers() {
        #expect(readyz().0 == 200)
        w.store.failSaves = true
        var report = RoundReport()
        for _ in 0..<10 where !report.decisions.contains("\(name):rollback") {
            report = tick(traffic(100, candidateErrors: 100))
        }
        #expect(report.decisions == ["\(name):rollback"])
        // Served at once: the weights document and the gauges say 0 %.
        let doc = String(decoding: w.controller.served(name)?.weights.body ?? [], as: UTF8.self)
        #expect(doc.contains(#""state":"rolled_back""#) && doc.contains(#""holysheep":0"#))
        #expect(w.controller.metrics.weightPercent.value(labels: [name, "holysheep"]) == 0)
        let status = w.router.handle(Fixture.request("GET", "/v1/migrations/\(name)")).object
        #expect(status["durable"] as? Bool == false)
        // Not ready, with the plain reason; metrics show it.
        let (code, text) = readyz()
        #expect(code == 503)
        #expect(text == "not ready: the store is failing: the disk is full; 1 decision(s) served but not yet written\n")
        #expect(w.controller.metrics.storeUp.value(labels: []) == 0)
        #expect((w.controller.metrics.storeErrors.value(labels: ["decision"])) >= 1)
        #expect(w.controller.metrics.storePending.value(labels: []) == 1)
        #expect(w.store.saves.last?.decision?.action != .rollback)

        // Recovery: the next round writes the pending rollback, with its decision.
        w.store.failSaves = false
        _ = tick(traffic(10))
        #expect(w.store.saves.contains { $0.decision?.action == .rollback && $0.status.phase == .rolledBack })
        #expect(readyz().0 == 200)
        #expect(w.controller.metrics.storeUp.value(labels: []) == 1)
        #expect(w.controller.metrics.storePending.value(labels: []) == 0)
        let after = w.router.handle(Fixture.request("GET", "/v1/migrations/\(name)")).object
        #expect(after["durable"] as? Bool == true)
        #expect(after["state"] as? String == "rolled_back")
    }

    @Test func anOperatorPauseThenRollbackAreServedAndWrittenInOrder() throws {
        w.store.failSaves = true
        let pause = w.router.handle(Fixture.request("POST", "/v1/migrations/\(name)/pause", headers: Fixture.admin))
        #expect(pause.status == 200)
        #expect(pause.object["durable"] as? Bool == false)
        let rollback = w.router.handle(Fixture.request("POST", "/v1/migrations/\(name)/rollback", headers: Fixture.admin))
        #expect(rollback.status == 200)
        #expect(rollback.object["state"] as? String == "rolled_back")
        // A restart would raise the candidate: refused while the store fails, and nothing changes.
        let restart = w.router.handle(Fixture.request("POST", "/v1/migrations/\(name)/restart", headers: Fixture.admin))
        #expect(restart.status == 503)
        let message = try #require(restart.object["error"] as? String)
        #expect(!message.contains("SQL") && !message.contains(".swift"))
        #expect(w.controller.served(name)?.weights.revision == 3)

        w.store.failSaves = false
        _ = tick(traffic(10))
        let written = w.store.saves.compactMap { $0.decision.map { "\($0.revision):\($0.action)" } }
        #expect(written == ["1:created", "2:pause", "3:rollback"])
    }

    @Test func aPolicyChangeIsNotServedBeforeItIsDurable() {
        w.store.failSaves = true
        let changed = Fixture.policy(steps: #"[{"weight": 1, "bake": "1m"}, {"weight": 100}]"#)
        let r = w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)", body: changed, headers: Fixture.admin))
        #expect(r.status == 503)
        #expect(w.controller.served(name)?.weights.revision == 1)
        #expect(w.controller.entry(name)?.status.policyVersion == 1)
    }

    @Test func aFailingAuditLogReadIsA503WithAPlainSentence() {
        w.store.failReads = true
        let r = w.router.handle(Fixture.request("GET", "/v1/migrations/\(name)/decisions", headers: Fixture.admin))
        #expect(r.status == 503)
        #expect(r.object["error"] as? String == "the audit log cannot be read right now: the disk is full; retry later")
        #expect(w.controller.metrics.storeErrors.value(labels: ["read"]) == 1)
    }

    @Test func judgeStateSavesThatFailAreCountedAndLoggedOnce() {
        w.store.failSaves = true
        for _ in 0..<3 { _ = tick(traffic(10)) }
        #expect(w.controller.metrics.storeErrors.value(labels: ["judge_state"]) == 3)
        #expect(w.controller.metrics.storeUp.value(labels: []) == 0)
        w.store.failSaves = false
        _ = tick(traffic(10))
        #expect(w.controller.metrics.storeUp.value(labels: []) == 1)
    }
}
