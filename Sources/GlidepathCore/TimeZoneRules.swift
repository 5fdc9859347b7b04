/// A time zone's rules, as the calendar needs them: the offset from UTC in effect at an instant.
/// The core has no tz database; `GlidepathServer` implements this with Foundation's `TimeZone` (the
/// system's zoneinfo), tests with a fake.
package protocol TimeZoneRules: Sendable {
    /// Seconds to add to UTC to get local time at `milliseconds` since the Unix epoch (UTC).
    func offsetSeconds(atUTC milliseconds: Int64) -> Int
}

/// Finds a zone's rules by its IANA name (`Asia/Bangkok`); nil for a name the database does not know.
package protocol TimeZoneResolver: Sendable {
    func rules(named name: String) -> (any TimeZoneRules)?
}

/// A zone whose offset never changes (`UTC`, tests).
package struct FixedOffsetZone: TimeZoneRules, Hashable {
    package var seconds: Int
    package init(seconds: Int) { self.seconds = seconds }
    package func offsetSeconds(atUTC milliseconds: Int64) -> Int { seconds }
}

/// The wall clock and the zones, for a tick that must respect a policy's calendar (`schedule`,
/// `steps[].notBefore`). Steady `now` still measures every duration; only the calendar reads `wall`.
package struct CalendarInput: Sendable {
    /// Milliseconds since the Unix epoch (UTC).
    package var wall: Int64
    package var zones: any TimeZoneResolver

    package init(wall: Int64, zones: any TimeZoneResolver) {
        self.wall = wall
        self.zones = zones
    }
}
