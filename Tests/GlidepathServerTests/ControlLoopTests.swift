import GlidepathCore
import Testing
@testable import GlidepathServer

/// Drives `Controller.runOnce(now:)` by hand: a manual clock and an in-memory metrics source.
@Suite struct ControlLoopTests {
    let w = Fixture.world()

    init() {
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: Fixture.policy(), headers: Fixture.admin))
    }

    /// Ticks every 10 s with `perTick` traffic until the migration leaves the live phases (at most `limit` ticks).
    func drive(_ perTick: ArmPair, limit: Int = 200) -> [String] {
        var decisions: [String] = []
        for _ in 0..<limit {
            w.clock.advance(milliseconds: 10_000)
            w.source.add(perTick, for: "chat-completions")
            decisions += w.controller.runOnce(now: w.clock.now(), source: w.source).decisions
            if w.controller.entry("chat-completions")?.status.phase.isTerminal == true { break }
        }
        return decisions
    }

    @Test func healthyCandidateIsPromoted() {
        let decisions = drive(traffic(100, baselineErrors: 1, candidateErrors: 1))
        let e = w.controller.entry("chat-completions")
        #expect(e?.status.phase == .promoted)
        #expect(decisions.last == "chat-completions:promote")
        #expect(decisions.contains("chat-completions:advance"))
        #expect(w.controller.served("chat-completions")?.weights.body.count ?? 0 > 0)
        let weights = String(decoding: w.controller.served("chat-completions")?.weights.body ?? [], as: UTF8.self)
        #expect(weights.contains(#""weights":{"openai":0,"holysheep":100}"#))
        #expect(w.controller.metrics.weightPercent.value(labels: ["chat-completions", "holysheep"]) == 100)
        #expect(w.controller.metrics.migrationState.value(labels: ["chat-completions", "promoted"]) == 1)
        // Terminal migrations are not read nor judged any more (a restart takes a new snapshot).
        w.clock.advance(milliseconds: 60_000)
        w.source.add(traffic(100, baselineErrors: 50, candidateErrors: 50), for: "chat-completions")
        let saves = w.store.saves.count
        let report = w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(report.ticked.isEmpty && report.decisions.isEmpty)
        #expect(w.store.saves.count == saves)
        #expect(w.controller.entry("chat-completions")?.status.phase == .promoted)
        #expect(w.controller.entry("chat-completions")?.judge.lastVerdict?.rule == .healthy)
    }

    @Test func trafficSeenWhileOverDoesNotLeakIntoARestartedStep() throws {
        _ = drive(traffic(100, baselineErrors: 1, candidateErrors: 60), limit: 30)
        #expect(w.controller.entry("chat-completions")?.status.phase == .rolledBack)
        // The rolled-back candidate keeps failing for a while (shims still report it), then an operator restarts.
        for _ in 0..<5 {
            w.clock.advance(milliseconds: 10_000)
            w.source.add(traffic(100, baselineErrors: 1, candidateErrors: 60), for: "chat-completions")
            w.controller.runOnce(now: w.clock.now(), source: w.source)
        }
        let restarted = w.router.handle(Fixture.request("POST", "/v1/migrations/chat-completions/restart", headers: Fixture.admin))
        #expect(restarted.status == 200)
        w.clock.advance(milliseconds: 10_000)
        w.controller.runOnce(now: w.clock.now(), source: w.source)
        let e = try #require(w.controller.entry("chat-completions"))
        #expect(e.status.phase == .ramping)
        #expect(e.judge.step.candidate.requests == 0 && e.judge.step.baseline.requests == 0)
    }

    @Test func failingCandidateIsRolledBack() throws {
        let decisions = drive(traffic(100, baselineErrors: 1, candidateErrors: 60), limit: 30)
        #expect(decisions == ["chat-completions:rollback"])
        let e = try #require(w.controller.entry("chat-completions"))
        #expect(e.status.phase == .rolledBack)
        #expect(e.lastDecision?.actor == .judge)
        #expect(e.lastDecision?.reason.isEmpty == false)
        let log = try w.controller.decisions(migration: "chat-completions", limit: 10)
        #expect(log.first?.action == .rollback)
        #expect(log.first?.evidence.isEmpty == false)
    }

    @Test func quietTicksSaveOnlyJudgeState() throws {
        w.clock.advance(milliseconds: 10_000)
        let report = w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(report.ticked == ["chat-completions"] && report.decisions.isEmpty)
        let last = try #require(w.store.saves.last)
        #expect(last.decision == nil && last.newPolicySource == nil)
        #expect(last.status.revision == 1)
        #expect(last.judge.lastTickAt == w.clock.now())
        // Not due again until the interval has passed.
        w.clock.advance(milliseconds: 5_000)
        #expect(w.controller.runOnce(now: w.clock.now(), source: w.source).ticked.isEmpty)
        #expect(w.controller.isReady)
    }

    @Test func aFailedScrapeJudgesNobody() {
        struct Down: Error, CustomStringConvertible { var description: String { "connection refused" } }
        w.source.fail(with: Down())
        let before = w.store.saves.count
        let report = w.controller.runOnce(now: w.clock.now() + 10_000, source: w.source)
        #expect(report.sourceError == "connection refused")
        #expect(report.ticked.isEmpty)
        #expect(w.store.saves.count == before)
        #expect(!w.controller.isReady)
        #expect(w.controller.metrics.sourceErrors.value(labels: []) == 1)
    }

    @Test func pausedMigrationRecordsEvidenceButDoesNotMove() throws {
        _ = try w.controller.perform(.pause, migration: "chat-completions", reason: "investigating")
        _ = drive(traffic(100, baselineErrors: 0, candidateErrors: 90), limit: 10)
        let e = try #require(w.controller.entry("chat-completions"))
        #expect(e.status.phase == .paused)
        #expect(e.judge.lastTickAt == w.clock.now())
    }

    @Test func sequentialIsTheDefaultAndExplainsItself() throws {
        let e = try #require(w.controller.entry("chat-completions"))
        #expect(e.policy.judge == .sequential)
        _ = drive(traffic(100, baselineErrors: 1, candidateErrors: 1), limit: 4)  // the first tick takes a snapshot
        let verdict = try #require(w.controller.entry("chat-completions")?.judge.lastVerdict)
        #expect(verdict.rule == .evidence)
        #expect(verdict.reason.hasPrefix("waiting for evidence that the candidate is no worse than 2.0× the baseline (20 each) after 300 candidate requests: errors "))
        // Steps 5/50/100: the 5 % step gets 20/(20 + 2) of alpha 0.01, a threshold of 110.
        #expect(abs((w.controller.metrics.guardEvidence.value(labels: ["chat-completions", "combined", "rollback_threshold"]) ?? 0) - 110) < 1e-9)
        #expect(w.controller.metrics.guardEvidence.value(labels: ["chat-completions", "errors", "safety_evalue"]) ?? 0 > 1)
        #expect(w.controller.metrics.noData.value(labels: ["chat-completions"]) == 0)
    }

    @Test func idleCandidateRaisesTheNoDataGauge() throws {
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/idle", body: Fixture.policy("idle", extra: #", "noDataAfter": "1m""#),
                                           headers: Fixture.admin))
        let baselineOnly = ArmPair(baseline: traffic(100).baseline)
        for _ in 0..<5 {
            w.clock.advance(milliseconds: 10_000)
            w.source.add(baselineOnly, for: "idle")
            _ = w.controller.runOnce(now: w.clock.now(), source: w.source)
        }
        #expect(w.controller.metrics.noData.value(labels: ["idle"]) == 0)
        w.clock.advance(milliseconds: 10_000)
        w.source.add(baselineOnly, for: "idle")
        _ = w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(w.controller.metrics.noData.value(labels: ["idle"]) == 1)
        let verdict = try #require(w.controller.entry("idle")?.judge.lastVerdict)
        #expect(verdict.rule == .noData)
        #expect(verdict.reason.hasPrefix("no candidate request for 1m at step 0 (5%)"))
        w.clock.advance(milliseconds: 10_000)
        w.source.add(traffic(100), for: "idle")
        _ = w.controller.runOnce(now: w.clock.now(), source: w.source)
        #expect(w.controller.metrics.noData.value(labels: ["idle"]) == 0)
    }
}
