import GlidepathCore
import Testing
@testable import GlidepathSimulator

/// `simulate` honours a policy's calendar: a ramp started on a Saturday waits for Monday's window.
@Suite struct CalendarSimulationTests {
    struct UTCOnly: TimeZoneResolver {
        func rules(named name: String) -> (any TimeZoneRules)? { name == "UTC" ? FixedOffsetZone(seconds: 0) : nil }
    }

    static let policy = #"{"migration": "m", "baseline": "a", "candidate": "b", "judge": "threshold", "minRequests": 20, "interval": "1m", "#
        + #""steps": [{"weight": 50, "bake": "2m"}, {"weight": 100}], "#
        + #""schedule": {"timezone": "UTC", "advance": [{"days": "Mon-Fri", "hours": "09:00-17:00"}]}}"#

    @Test func aWeekendStartWaitsForMondayMorning() throws {
        let policy = try PolicyParser.parse(Self.policy).get()
        var options = SimulationOptions(scenarios: ["S1"], rates: [20], runs: 6, judges: [.threshold], policy: policy,
                                        horizon: .days(2))
        options.start = CivilTime.parseRFC3339("2026-12-12T12:00:00Z")  // a Saturday noon
        let calendar = try #require(Simulator.run(options, zones: UTCOnly()).first)
        let monday = Double(45 * 3600)  // Saturday 12:00 → Monday 09:00
        #expect(calendar.promotedRate == 1)
        #expect(calendar.medianDecisionSeconds >= monday && calendar.medianDecisionSeconds < monday + 600)
        // The same policy without a wall clock (no zones): promoted within minutes.
        let plain = try #require(Simulator.run(options).first)
        #expect(plain.medianDecisionSeconds < 900)
        // Started inside the window: no wait.
        options.start = CivilTime.parseRFC3339("2026-12-14T10:00:00Z")
        let inside = try #require(Simulator.run(options, zones: UTCOnly()).first)
        #expect(inside.medianDecisionSeconds < 900)
    }
}
