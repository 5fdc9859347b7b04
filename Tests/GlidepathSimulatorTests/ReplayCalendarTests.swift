import GlidepathCore
import Testing
@testable import GlidepathSimulator

/// `simulate --replay` applies a policy's calendar at the recorded times.
@Suite struct ReplayCalendarTests {
    struct UTCOnly: TimeZoneResolver {
        func rules(named name: String) -> (any TimeZoneRules)? { name == "UTC" ? FixedOffsetZone(seconds: 0) : nil }
    }

    func replay(hours: String, zones: (any TimeZoneResolver)?) throws -> Replayer {
        let policy = try PolicyParser.parse(
            #"{"migration": "m", "baseline": "old", "candidate": "new", "interval": "10s", "judge": "threshold", "#
                + #""steps": [{"weight": 10, "bake": "1m"}, {"weight": 100}], "#
                + #""schedule": {"timezone": "UTC", "advance": [{"days": "Tue", "hours": "\#(hours)"}]}}"#).get()
        var r = Replayer(policy: policy, judge: policy.judge.makeJudge(), zones: zones)
        // The healthy 20-minute log from 2026-03-03 (a Tuesday) 14:00 UTC.
        for (i, line) in ReplayTests.incidentLog(badFrom: 1_000).enumerated() {
            let bytes = Array(line.utf8)
            try bytes.withUnsafeBufferPointer { (p) throws(ReplayError) in try r.feed(p, number: i + 1) }
        }
        try r.finish()
        return r
    }

    @Test func outsideTheWindowNothingAdvances() throws {
        let closed = try replay(hours: "09:00-10:00", zones: UTCOnly())
        #expect(closed.decisions.isEmpty)
        #expect(closed.lastVerdict?.rule == .schedule)
        let open = try replay(hours: "14:00-15:00", zones: UTCOnly())
        #expect(open.decisions.map(\.decision.action).first == .advance)
        let ignored = try replay(hours: "09:00-10:00", zones: nil)
        #expect(ignored.decisions.map(\.decision.action).first == .advance)
    }
}
