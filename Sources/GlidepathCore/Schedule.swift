/// A policy's calendar (`schedule`): advances (the judge's or a bake's) happen only inside an `advance`
/// window and outside every `blackout`, in the zone's local time. Rollbacks and operator actions are not
/// restricted.
package struct Schedule: Hashable, Sendable {
    /// IANA zone name (`Asia/Bangkok`), resolved through a `TimeZoneResolver`.
    package var timezone: String
    /// Windows in which advances may happen; empty: any time (outside blackouts).
    package var advance: [CalendarWindow]
    package var blackout: [CalendarWindow]

    package init(timezone: String, advance: [CalendarWindow] = [], blackout: [CalendarWindow] = []) {
        self.timezone = timezone
        self.advance = advance
        self.blackout = blackout
    }

    /// How far ahead `nextOpening` looks (8 days: every weekly window has come round by then).
    package static let lookahead: Int64 = 8 * 86_400_000

    /// Whether an advance may happen at local time `localMilliseconds`.
    package func allows(localMilliseconds ms: Int64) -> Bool {
        let (weekday, minute) = CivilTime.weekdayAndMinute(localMilliseconds: ms)
        if blackout.contains(where: { $0.contains(weekday: weekday, minute: minute) }) { return false }
        return advance.isEmpty || advance.contains(where: { $0.contains(weekday: weekday, minute: minute) })
    }

    /// Whether an advance may happen at UTC instant `wall` under `rules`.
    package func allows(wall: Int64, rules: any TimeZoneRules) -> Bool {
        allows(localMilliseconds: wall + Int64(rules.offsetSeconds(atUTC: wall)) * 1000)
    }

    /// The first UTC instant at or after `wall` at which an advance may happen (minute resolution: windows
    /// are written in minutes), or nil when none comes within `lookahead`.
    ///
    /// Jumps from one local boundary (a window's start or end, midnight) to the next; when the zone's offset
    /// changes within a jump (DST: a skipped or repeated local hour), that stretch is walked minute by
    /// minute in UTC, so the zone's rules decide, not arithmetic on local times.
    package func nextOpening(after wall: Int64, rules: any TimeZoneRules) -> Int64? {
        if allows(wall: wall, rules: rules) { return wall }
        let boundaries = Set((advance + blackout).flatMap { [$0.start % 1440, $0.end % 1440] } + [0])
        var t = (wall / 60_000 + 1) * 60_000
        let end = wall + Self.lookahead
        while t <= end {
            if allows(wall: t, rules: rules) { return t }
            let offset = rules.offsetSeconds(atUTC: t)
            let minute = CivilTime.weekdayAndMinute(localMilliseconds: t + Int64(offset) * 1000).minute
            let jump = boundaries.map { b in let d = ((b - minute) % 1440 + 1440) % 1440; return d == 0 ? 1440 : d }
                .min() ?? 1
            let next = t + Int64(jump) * 60_000
            if jump > 1, rules.offsetSeconds(atUTC: next) != offset {
                var u = t + 60_000
                while u < next, u <= end {
                    if allows(wall: u, rules: rules) { return u }
                    u += 60_000
                }
            }
            t = next
        }
        return nil
    }
}

/// One window of a schedule: days of the week and a span of the day, `{"days": "Mon-Fri", "hours":
/// "09:00-17:00"}`. A span whose end is not after its start crosses midnight (`22:00-02:00`: from 22:00 on
/// a listed day to 02:00 the next day).
package struct CalendarWindow: Hashable, Sendable {
    /// Weekdays the window starts on, 0 = Monday … 6 = Sunday; all seven when the policy gives no `days`.
    package var days: Set<Int>
    /// Minutes of the day, start inclusive, end exclusive (0…1440; `24:00` is 1440).
    package var start: Int
    package var end: Int
    /// The policy's spellings, rendered back as given.
    package var daysText: String?
    package var hoursText: String

    package init(days: Set<Int>, start: Int, end: Int, daysText: String?, hoursText: String) {
        self.days = days
        self.start = start
        self.end = end
        self.daysText = daysText
        self.hoursText = hoursText
    }

    package func contains(weekday: Int, minute: Int) -> Bool {
        if start < end { return days.contains(weekday) && minute >= start && minute < end }
        // Across midnight: the evening of a listed day, or the early hours after one.
        return (days.contains(weekday) && minute >= start) || (days.contains((weekday + 6) % 7) && minute < end)
    }
}

/// A step's `notBefore`: the step is not entered before this instant.
package struct NotBefore: Hashable, Sendable {
    /// Milliseconds since the Unix epoch.
    package var wall: Int64
    /// As the policy wrote it (RFC 3339 with its offset), shown in reasons.
    package var text: String

    package init(wall: Int64, text: String) {
        self.wall = wall
        self.text = text
    }
}
