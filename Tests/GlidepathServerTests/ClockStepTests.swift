import Foundation
import GlidepathCore
import SQLiteStore
import Testing
@testable import GlidepathServer

/// Bakes, `maxHold`, due ticks and idle time run on the steady clock: wall-clock steps change nothing,
/// and a restart continues a bake where it was.
@Suite struct ClockStepTests {
    let w = Fixture.world()
    let name = "chat-completions"
    /// A 10-minute bake, `maxHold` 1 h with `onStuck: rollback`.
    let policy = Fixture.policy(steps: #"[{"weight": 10, "bake": "10m"}, {"weight": 100}]"#,
                                extra: #", "maxHold": "1h", "onStuck": "rollback""#)

    init() {
        _ = w.router.handle(Fixture.request("PUT", "/v1/migrations/chat-completions", body: policy, headers: Fixture.admin))
        w.controller.runOnce(at: w.clock.read(), source: w.source)
    }

    func tick(_ traffic: ArmPair, wallStep: Int64 = 0) -> RoundReport {
        w.clock.advance(milliseconds: 10_000)
        w.clock.stepWall(milliseconds: wallStep)
        w.source.add(traffic, for: name)
        return w.controller.runOnce(at: w.clock.read(), source: w.source)
    }

    @Test func aWallClockStepForwardSkipsNoBakeAndTriggersNoMaxHold() throws {
        _ = tick(traffic(50))
        let report = tick(traffic(50), wallStep: 2 * 3_600_000)
        #expect(report.ticked == [name] && report.decisions.isEmpty)
        let e = try #require(w.controller.entry(name))
        #expect(e.status.phase == .ramping && e.status.step == 0)
        #expect(w.controller.metrics.stepStuck.value(labels: [name]) == 0)
        // Decisions still carry wall time for people: the audit log shows the stepped clock.
        _ = try w.controller.perform(.pause, migration: name, reason: nil)
        #expect(try w.controller.decisions(migration: name, limit: 1).first?.at == w.clock.read().wall)
    }

    @Test func aWallClockStepBackStillRollsBackAFailingCandidateInTheUsualTime() throws {
        _ = tick(traffic(50), wallStep: -3_600_000)
        var decisions: [String] = []
        for _ in 0..<3 where decisions.isEmpty { decisions = tick(traffic(100, candidateErrors: 100)).decisions }
        #expect(decisions == ["\(name):rollback"])
    }

    @Test func theBakeCountsSteadyTimeOnly() throws {
        // 10 healthy minutes of steady time advance the step, whatever the wall clock did meanwhile.
        var decisions: [String] = []
        for i in 0..<70 where decisions.isEmpty {
            decisions = tick(traffic(100), wallStep: i == 5 ? -3_600_000 : 0).decisions
        }
        #expect(decisions == ["\(name):advance"])
        let e = try #require(w.controller.entry(name))
        #expect(e.status.step == 1 || e.status.phase == .promoted)
    }

    @Test func aRestartContinuesTheBakeWhereItWas() throws {
        try TempDirectory.with { dir in
            let store = try SQLiteMigrationStore(path: dir.file("g.db"))
            let clock = ManualTimeSource(Fixture.start)
            let first = Controller(store: store, time: clock)
            _ = try first.apply(policySource: policy, name: name)
            let source = InMemoryMetricsSource()
            // 6 minutes of the 10-minute bake.
            for _ in 0..<36 {
                clock.advance(milliseconds: 10_000)
                source.add(traffic(100), for: name)
                first.runOnce(at: clock.read(), source: source)
            }
            let before = try #require(first.entry(name))
            store.close()

            // Back 3 hours later (wall and monotonic both moved on): 4 more minutes finish the bake, not 0.
            let reopened = try SQLiteMigrationStore(path: dir.file("g.db"))
            defer { reopened.close() }
            let later = ManualTimeSource(Fixture.start + 3 * 3_600_000 + 360_000)
            let second = Controller(store: reopened, time: later)
            try second.load()
            #expect(later.now() == before.judge.lastTickAt)
            let status = StatusJSON.full(try #require(second.entry(name)), now: later.read()).rendered
            #expect(status.contains(#""stepElapsedSeconds":360"#))
            var ticks = 0
            var decided: [String] = []
            while decided.isEmpty && ticks < 60 {
                later.advance(milliseconds: 10_000)
                source.add(traffic(100), for: name)
                decided = second.runOnce(at: later.read(), source: source).decisions
                ticks += 1
            }
            #expect(decided == ["\(name):advance"])
            #expect(ticks == 24)
        }
    }
}
