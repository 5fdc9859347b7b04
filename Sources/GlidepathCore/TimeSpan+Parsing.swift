/// A duration string that does not parse, with the reason.
package struct TimeSpanError: Error, Hashable, Sendable, CustomStringConvertible {
    package var text: String
    package var message: String
    package init(text: String, message: String) { self.text = text; self.message = message }
    package var description: String { message }
}

extension TimeSpan {
    /// Units from largest to smallest, with their length in milliseconds.
    static let units: [(name: String, milliseconds: Int64)] = [
        ("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Spellings people reach for, mapped to the unit they mean (for the "did you mean" hint).
    static let unitAliases: [String: String] = [
        "sec": "s", "secs": "s", "second": "s", "seconds": "s",
        "min": "m", "mins": "m", "minute": "m", "minutes": "m",
        "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
        "day": "d", "days": "d",
        "wk": "w", "wks": "w", "week": "w", "weeks": "w",
        "msec": "ms", "msecs": "ms", "millis": "ms", "millisecond": "ms", "milliseconds": "ms",
    ]

    /// Parses `500ms`, `30s`, `10m`, `6h`, `1d`, `2w` (and combinations such as `1h30m`, `1w3d`).
    ///
    /// Whole numbers only, each followed by a unit (`ms`, `s`, `m`, `h`, `d`, `w` = 7 days); units go from
    /// largest to smallest, each at most once; no spaces, signs or fractions. `0s` parses:
    /// whether zero is allowed is the caller's decision.
    package init(parsing text: String) throws(TimeSpanError) {
        func fail(_ message: String) -> TimeSpanError { TimeSpanError(text: text, message: message) }
        let quoted = jsonQuoted(text)
        let chars = Array(text.unicodeScalars)
        if chars.isEmpty { throw fail("empty duration; expected a number and a unit like \"30s\"") }
        if chars[0] == "-" { throw fail("negative durations are not allowed: \(quoted)") }

        var i = 0
        var total: Int64 = 0
        var previousRank = -1
        while i < chars.count {
            let numberStart = i
            while i < chars.count, ("0"..."9").contains(chars[i]) { i += 1 }
            let number = String(String.UnicodeScalarView(chars[numberStart..<i]))
            let unitStart = i
            while i < chars.count, ("a"..."z").contains(chars[i]) || ("A"..."Z").contains(chars[i]) { i += 1 }
            let unit = String(String.UnicodeScalarView(chars[unitStart..<i]))

            if number.isEmpty {
                if unit.isEmpty { throw fail("unexpected character \(jsonQuoted(String(chars[i]))) in \(quoted)") }
                throw fail("missing number before \(jsonQuoted(unit)) in \(quoted)")
            }
            if unit.isEmpty {
                if i < chars.count, chars[i] == "." {
                    throw fail("fractions are not allowed in \(quoted); combine units instead, like \"1h30m\"")
                }
                if i < chars.count { throw fail("unexpected character \(jsonQuoted(String(chars[i]))) in \(quoted)") }
                throw fail("missing unit after \(jsonQuoted(number)) in \(quoted); use ms, s, m, h, d or w")
            }
            guard let rank = Self.units.firstIndex(where: { $0.name == unit }) else {
                if let hint = Self.unitAliases[unit.lowercased()] ?? Self.units.first(where: { $0.name == unit.lowercased() })?.name {
                    throw fail("unknown unit \(jsonQuoted(unit)) in \(quoted); did you mean \(jsonQuoted(hint))?")
                }
                throw fail("unknown unit \(jsonQuoted(unit)) in \(quoted); use ms, s, m, h, d or w")
            }
            if rank == previousRank { throw fail("unit \(jsonQuoted(unit)) appears twice in \(quoted)") }
            if rank < previousRank {
                throw fail("units must go from largest to smallest in \(quoted), like \"1h30m\"")
            }
            previousRank = rank
            guard let count = Int64(number) else { throw fail("duration too large: \(quoted)") }
            let (part, overflow1) = count.multipliedReportingOverflow(by: Self.units[rank].milliseconds)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            if overflow1 || overflow2 { throw fail("duration too large: \(quoted)") }
            total = sum
        }
        self.init(milliseconds: total)
    }
}

extension TimeSpan {
    /// The canonical policy spelling, largest unit first, zero parts left out:
    /// `500ms`, `30s`, `1m30s` (for 90 s), `1s500ms`, `1d6h`; zero is `0s`. Whole days are
    /// written in weeks when they are a multiple of 7 (`2w`, `1w6h`) and in days otherwise
    /// (`8d`, `366d`), so the familiar spellings stay as they were.
    /// `TimeSpan(parsing: span.description)` gives back `span`.
    package var description: String {
        if milliseconds == 0 { return "0s" }
        var out = milliseconds < 0 ? "-" : ""
        var rest = milliseconds.magnitude
        for unit in Self.units where unit.name != "w" {
            let size = UInt64(unit.milliseconds)
            let count = rest / size
            if count > 0 {
                out += unit.name == "d" && count % 7 == 0 ? "\(count / 7)w" : "\(count)\(unit.name)"
                rest -= count * size
            }
        }
        return out
    }
}
