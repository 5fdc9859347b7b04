import Testing
@testable import GlidepathCore

/// Windows, schedules and `notBefore`: parsing, DST and midnight, and what the control tick does with them.
@Suite struct CalendarTests {
    static func utc(_ text: String) -> Int64 { FakeZone.utc(text) }

    @Test("days", arguments: [
        ("Mon-Fri", Set([0, 1, 2, 3, 4])), ("Sat,Sun", [5, 6]), ("Mon", [0]), ("Fri-Mon", [4, 5, 6, 0]),
        ("mon-wed,Sat", [0, 1, 2, 5]), ("Sun-Sat", [6, 0, 1, 2, 3, 4, 5]),
    ] as [(String, Set<Int>)])
    func parsesDays(text: String, days: Set<Int>) {
        #expect(PolicyParser.parseDays(text) == days)
    }

    @Test("bad days", arguments: ["", "Monday", "Mon-", "Mon-Mon", "Mon--Fri", "Mon,,Tue", "Mon Fri", "Mo-Fr"])
    func rejectsDays(text: String) {
        #expect(PolicyParser.parseDays(text) == nil)
    }

    @Test("hours", arguments: [
        ("09:00-17:00", 540, 1020), ("22:00-02:00", 1320, 120), ("00:00-24:00", 0, 1440), ("23:30-00:00", 1410, 1440),
        ("00:00-00:30", 0, 30),
    ])
    func parsesHours(text: String, start: Int, end: Int) {
        let span = PolicyParser.parseHours(text)
        #expect(span?.start == start && span?.end == end)
    }

    @Test("bad hours", arguments: ["9:00-17:00", "09:00-09:00", "09:00", "09:00-25:00", "24:00-02:00", "09:60-10:00",
                                   "09:00-17:00-18:00", "24:30-01:00", "ab:cd-10:00", ""])
    func rejectsHours(text: String) {
        #expect(PolicyParser.parseHours(text) == nil)
    }

    @Test("a window across midnight belongs to the day it starts on", arguments: [
        // Fri 22:00-02:00: Friday evening and the early hours of Saturday, not Friday's early hours.
        (4, 23 * 60, true), (5, 60, true), (4, 60, false), (5, 23 * 60, false), (5, 120, false), (4, 22 * 60, true),
    ])
    func acrossMidnight(weekday: Int, minute: Int, inside: Bool) {
        let w = CalendarWindow(days: [4], start: 1320, end: 120, daysText: "Fri", hoursText: "22:00-02:00")
        #expect(w.contains(weekday: weekday, minute: minute) == inside)
    }

    @Test("RFC 3339", arguments: [
        ("2026-12-14T00:00:00+07:00", Optional(Int64(1_797_181_200_000))),
        ("2026-12-13T17:00:00Z", 1_797_181_200_000), ("2026-12-13T17:00:00.250z", 1_797_181_200_250),
        ("2024-02-29T12:00:00-05:30", 1_709_227_800_000),
        ("2026-12-14T00:00:00", nil), ("2026-12-14 00:00:00+07:00", nil), ("2025-02-29T00:00:00Z", nil),
        ("2026-13-01T00:00:00Z", nil), ("2026-12-14T24:00:00Z", nil), ("1969-12-31T23:59:59Z", nil),
        ("2026-12-14T00:00:00+0700", nil), ("2026-12-14T00:00:00+07:00 ", nil),
    ])
    func rfc3339(text: String, ms: Int64?) {
        #expect(CivilTime.parseRFC3339(text) == ms)
    }

    static let bangkok = Schedule(timezone: "Asia/Bangkok",
                                  advance: [CalendarWindow(days: Set(0...4), start: 540, end: 1020, daysText: "Mon-Fri", hoursText: "09:00-17:00")],
                                  blackout: [CalendarWindow(days: Set(0...6), start: 540, end: 660, daysText: nil, hoursText: "09:00-11:00")])

    @Test("Bangkok business hours without the 9-11 peak", arguments: [
        // 2026-12-07 is a Monday.
        ("2026-12-07T08:59:00+07:00", false, "2026-12-07T11:00:00+07:00"),
        ("2026-12-07T10:30:00+07:00", false, "2026-12-07T11:00:00+07:00"),
        ("2026-12-07T11:00:00+07:00", true, "2026-12-07T11:00:00+07:00"),
        ("2026-12-07T16:59:59+07:00", true, "2026-12-07T16:59:59+07:00"),
        ("2026-12-11T17:00:00+07:00", false, "2026-12-14T11:00:00+07:00"),
        ("2026-12-12T12:00:00+07:00", false, "2026-12-14T11:00:00+07:00"),
    ])
    func bangkokWindow(at text: String, open: Bool, opens: String) {
        let t = Self.utc(text)
        #expect(Self.bangkok.allows(wall: t, rules: FakeZone.bangkok) == open)
        #expect(Self.bangkok.nextOpening(after: t, rules: FakeZone.bangkok) == Self.utc(opens))
    }

    /// Every day 09:00-17:00 local: the night before the spring change is an hour shorter in UTC, the
    /// night before the autumn change an hour longer; New York changes on other dates than Berlin.
    @Test("DST changes move the window in UTC", arguments: [
        ("Europe/Berlin", "2026-03-28T16:00:00Z", "2026-03-29T07:00:00Z", "15h"),
        ("Europe/Berlin", "2026-10-24T15:00:00Z", "2026-10-25T08:00:00Z", "17h"),
        ("America/New_York", "2026-03-07T22:00:00Z", "2026-03-08T13:00:00Z", "15h"),
        ("America/New_York", "2026-10-31T21:00:00Z", "2026-11-01T14:00:00Z", "17h"),
        ("Europe/Berlin", "2026-03-08T22:00:00Z", "2026-03-09T08:00:00Z", "10h"),
    ])
    func dst(zone: String, closedAt: String, opensAt: String, wait: String) throws {
        let everyDay = Schedule(timezone: zone, advance: [CalendarWindow(days: Set(0...6), start: 540, end: 1020,
                                                                         daysText: "Mon-Sun", hoursText: "09:00-17:00")])
        let rules = try #require(FakeZones().rules(named: zone))
        let from = Self.utc(closedAt)
        #expect(!everyDay.allows(wall: from, rules: rules))
        let opening = try #require(everyDay.nextOpening(after: from, rules: rules))
        #expect(opening == Self.utc(opensAt))
        #expect(CalendarGate.span(opening - from) == wait)
    }

    @Test func aBlackoutCoveringEverythingNeverOpens() {
        let s = Schedule(timezone: "UTC", blackout: [CalendarWindow(days: Set(0...6), start: 0, end: 1440, daysText: nil,
                                                                    hoursText: "00:00-24:00")])
        #expect(s.nextOpening(after: 0, rules: FixedOffsetZone(seconds: 0)) == nil)
    }
}
