@testable import GlidepathCore

/// Time-zone rules for tests: a standard offset and, optionally, daylight saving between two UTC instants
/// per year (only 2026 is modelled, which is all the tests use).
struct FakeZone: TimeZoneRules {
    var standard: Int
    var daylight: (from: Int64, to: Int64)?

    func offsetSeconds(atUTC ms: Int64) -> Int {
        if let d = daylight, ms >= d.from, ms < d.to { return standard + 3600 }
        return standard
    }

    static func utc(_ text: String) -> Int64 { CivilTime.parseRFC3339(text)! }
    /// Europe/Berlin 2026: CET +1, CEST +2 from 29 March 01:00 UTC to 25 October 01:00 UTC.
    static let berlin = FakeZone(standard: 3600, daylight: (utc("2026-03-29T01:00:00Z"), utc("2026-10-25T01:00:00Z")))
    /// America/New_York 2026: EST −5, EDT −4 from 8 March 07:00 UTC to 1 November 06:00 UTC.
    static let newYork = FakeZone(standard: -18_000, daylight: (utc("2026-03-08T07:00:00Z"), utc("2026-11-01T06:00:00Z")))
    static let bangkok = FakeZone(standard: 25_200, daylight: nil)
}

/// A tz database of three zones (and UTC).
struct FakeZones: TimeZoneResolver {
    func rules(named name: String) -> (any TimeZoneRules)? {
        switch name {
        case "Europe/Berlin": FakeZone.berlin
        case "America/New_York": FakeZone.newYork
        case "Asia/Bangkok": FakeZone.bangkok
        case "UTC": FixedOffsetZone(seconds: 0)
        default: nil
        }
    }
}
