import Testing
@testable import GlidepathCore

@Suite struct TimeSpanParsingTests {
    @Test("valid durations parse to exact milliseconds", arguments: [
        ("500ms", Int64(500)),
        ("30s", 30_000),
        ("10m", 600_000),
        ("6h", 21_600_000),
        ("1d", 86_400_000),
        ("1h30m", 5_400_000),
        ("1d6h", 108_000_000),
        ("2m30s500ms", 150_500),
        ("1s500ms", 1_500),
        ("90s", 90_000),
        ("0s", 0),
        ("0ms", 0),
        ("007s", 7_000),
        ("1d2h3m4s5ms", 93_784_005),
        ("1w", 604_800_000),
        ("2w", 1_209_600_000),
        ("1w3d", 864_000_000),
        ("1w12h", 648_000_000),
        ("52w2d", 31_622_400_000),
    ])
    func parsesValid(text: String, milliseconds: Int64) throws {
        #expect(try TimeSpan(parsing: text).milliseconds == milliseconds)
    }

    @Test("invalid durations fail with an exact message", arguments: [
        ("", "empty duration; expected a number and a unit like \"30s\""),
        ("-5s", "negative durations are not allowed: \"-5s\""),
        ("s", "missing number before \"s\" in \"s\""),
        ("h30m", "missing number before \"h\" in \"h30m\""),
        ("1hm", "unknown unit \"hm\" in \"1hm\"; use ms, s, m, h, d or w"),
        ("30", "missing unit after \"30\" in \"30\"; use ms, s, m, h, d or w"),
        ("1h30", "missing unit after \"30\" in \"1h30\"; use ms, s, m, h, d or w"),
        ("30sec", "unknown unit \"sec\" in \"30sec\"; did you mean \"s\"?"),
        ("10minutes", "unknown unit \"minutes\" in \"10minutes\"; did you mean \"m\"?"),
        ("2hrs", "unknown unit \"hrs\" in \"2hrs\"; did you mean \"h\"?"),
        ("1day", "unknown unit \"day\" in \"1day\"; did you mean \"d\"?"),
        ("5MS", "unknown unit \"MS\" in \"5MS\"; did you mean \"ms\"?"),
        ("30S", "unknown unit \"S\" in \"30S\"; did you mean \"s\"?"),
        ("100us", "unknown unit \"us\" in \"100us\"; use ms, s, m, h, d or w"),
        ("1.5h", "fractions are not allowed in \"1.5h\"; combine units instead, like \"1h30m\""),
        ("30m1h", "units must go from largest to smallest in \"30m1h\", like \"1h30m\""),
        ("1h1h", "unit \"h\" appears twice in \"1h1h\""),
        ("1h 30m", "unexpected character \" \" in \"1h 30m\""),
        (" 30s", "unexpected character \" \" in \" 30s\""),
        ("+5s", "unexpected character \"+\" in \"+5s\""),
        ("10s!", "unexpected character \"!\" in \"10s!\""),
        ("5µs", "unexpected character \"µ\" in \"5µs\""),
        ("99999999999999999999s", "duration too large: \"99999999999999999999s\""),
        ("999999999999999d", "duration too large: \"999999999999999d\""),
        ("99999999999999w", "duration too large: \"99999999999999w\""),
        ("1d1w", "units must go from largest to smallest in \"1d1w\", like \"1h30m\""),
        ("1w1w", "unit \"w\" appears twice in \"1w1w\""),
        ("2weeks", "unknown unit \"weeks\" in \"2weeks\"; did you mean \"w\"?"),
        ("1W", "unknown unit \"W\" in \"1W\"; did you mean \"w\"?"),
    ])
    func rejectsInvalid(text: String, message: String) {
        #expect(throws: TimeSpanError(text: text, message: message)) { try TimeSpan(parsing: text) }
    }

    @Test("description is the canonical spelling", arguments: [
        (Int64(0), "0s"),
        (500, "500ms"),
        (1_500, "1s500ms"),
        (30_000, "30s"),
        (90_000, "1m30s"),
        (600_000, "10m"),
        (5_400_000, "1h30m"),
        (86_400_000, "1d"),
        (108_000_000, "1d6h"),
        (93_784_005, "1d2h3m4s5ms"),
        (-1_500, "-1s500ms"),
        (604_800_000, "1w"),
        (691_200_000, "8d"),
        (1_209_600_000, "2w"),
        (648_000_000, "1w12h"),
        (31_622_400_000, "366d"),
        (31_449_600_000, "52w"),
    ])
    func description(milliseconds: Int64, text: String) {
        #expect(TimeSpan(milliseconds: milliseconds).description == text)
    }

    @Test("description parses back to the same span", arguments: [Int64(1), 999, 1_000, 61_001, 3_599_999, 90_061_001, 604_800_000, 1_900_800_001, 1 << 50])
    func roundTrips(milliseconds: Int64) throws {
        let span = TimeSpan(milliseconds: milliseconds)
        #expect(try TimeSpan(parsing: span.description) == span)
    }
}
