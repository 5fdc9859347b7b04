import Foundation
import GlidepathCore
import Testing
@testable import GlidepathServer

/// The control loop hands the wall clock and the system's zones to the tick: a policy's schedule holds
/// advances, the status says why, and the advance comes once the wall clock is inside the window.
@Suite struct CalendarLoopTests {
    let w = Fixture.world()
    let name = "chat-completions"
    // Fixture.start is Monday 2025-11-24 16:00 UTC; advances only on Tuesdays 09:00-10:00 in Berlin (08:00 UTC).
    let policy = Fixture.policy(steps: #"[{"weight": 10, "bake": "1m"}, {"weight": 100}]"#,
                                extra: #", "judge": "threshold", "schedule": {"timezone": "Europe/Berlin", "#
                                    + #""advance": [{"days": "Tue", "hours": "09:00-10:00"}]}"#)

    func tick() -> RoundReport {
        w.clock.advance(milliseconds: 10_000)
        w.source.add(traffic(50), for: name)
        return w.controller.runOnce(at: w.clock.read(), source: w.source)
    }

    @Test func holdsUntilTheWindowThenAdvances() throws {
        #expect(w.router.handle(Fixture.request("PUT", "/v1/migrations/\(name)", body: policy,
                                                headers: Fixture.admin)).status == 201)
        w.controller.runOnce(at: w.clock.read(), source: w.source)
        for _ in 0..<12 { #expect(tick().decisions.isEmpty) }
        let held = try #require(w.controller.entry(name))
        #expect(held.status.step == 0)
        #expect(held.judge.lastVerdict?.rule == .schedule)
        let status = StatusJSON.full(held, now: w.clock.read()).rendered
        #expect(status.contains(#""reason":"waiting for the advance window (opens in 15h58m, 2025-11-25 09:00 Europe/Berlin); the judge would advance: "#))
        // Operator actions do not wait for the window.
        _ = try w.controller.perform(.pause, migration: name, reason: nil)
        _ = try w.controller.perform(.resume, migration: name, reason: nil)
        // Tuesday 09:00 Berlin.
        w.clock.stepWall(milliseconds: Fixture.start + 16 * 3_600_000 - w.clock.read().wall)
        var decisions: [String] = []
        for _ in 0..<3 where decisions.isEmpty { decisions = tick().decisions }
        #expect(decisions == ["\(name):advance"])
    }
}
