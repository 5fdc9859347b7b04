import GlidepathCore
import Testing
@testable import GlidepathServer

/// The system's tz database behind `schedule.timezone`: offsets across DST changes, unknown names refused.
@Suite struct SystemTimeZonesTests {
    static func utc(_ text: String) -> Int64 { CivilTime.parseRFC3339(text)! }

    @Test("offsets from zoneinfo", arguments: [
        ("Europe/Berlin", "2026-03-29T00:59:00Z", 3600), ("Europe/Berlin", "2026-03-29T01:00:00Z", 7200),
        ("Europe/Berlin", "2026-10-25T00:59:00Z", 7200), ("Europe/Berlin", "2026-10-25T01:00:00Z", 3600),
        ("America/New_York", "2026-03-08T06:59:00Z", -18_000), ("America/New_York", "2026-03-08T07:00:00Z", -14_400),
        ("Asia/Bangkok", "2026-12-14T00:00:00Z", 25_200), ("UTC", "2026-06-01T00:00:00Z", 0),
    ])
    func offsets(zone: String, at text: String, seconds: Int) throws {
        let rules = try #require(SystemTimeZones().rules(named: zone))
        #expect(rules.offsetSeconds(atUTC: Self.utc(text)) == seconds)
    }

    @Test(arguments: ["Mars/Olympus", "", "Asia/Bangkok/x", "../etc/passwd"])
    func unknownZones(name: String) {
        #expect(SystemTimeZones().rules(named: name) == nil)
    }

    @Test func anUnknownZoneIsALintErrorWithItsPath() {
        let source = #"{"migration": "m", "baseline": "a", "candidate": "b", "steps": [{"weight": 100}], "#
            + #""schedule": {"timezone": "Asia/Bangkokk", "advance": [{"days": "Mon-Fri", "hours": "09:00-17:00"}]}}"#
        guard case .failure(let e) = PolicyParser.parse(source, zones: SystemTimeZones()) else {
            Issue.record("accepted an unknown zone")
            return
        }
        #expect(e.problems.map(\.path) == ["schedule.timezone"])
        #expect(PolicyParser.parse(source.replacingOccurrences(of: "Bangkokk", with: "Bangkok"),
                                   zones: SystemTimeZones()).map(\.migration) == .success("m"))
    }
}
