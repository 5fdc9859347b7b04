/// Calendar arithmetic on the proleptic Gregorian calendar, without Foundation: days since the Unix epoch,
/// weekdays, minutes of the day, and RFC 3339 timestamps with an offset.
package enum CivilTime {
    static let dayMilliseconds: Int64 = 86_400_000

    /// Days since 1970-01-01 of a civil date (Howard Hinnant's `days_from_civil`).
    package static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date of a day count since 1970-01-01.
    package static func date(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    /// Local weekday (0 = Monday … 6 = Sunday) and minute of the day (0…1439) of a local-time instant.
    package static func weekdayAndMinute(localMilliseconds ms: Int64) -> (weekday: Int, minute: Int) {
        let days = ms >= 0 ? ms / dayMilliseconds : (ms - dayMilliseconds + 1) / dayMilliseconds
        let rest = ms - days * dayMilliseconds
        // 1970-01-01 was a Thursday (3 when Monday is 0).
        let weekday = Int(((days + 3) % 7 + 7) % 7)
        return (weekday, Int(rest / 60_000))
    }

    /// Parses an RFC 3339 timestamp with an offset (`2026-12-14T00:00:00+07:00`, `…Z`, optional fraction of a
    /// second) into milliseconds since the Unix epoch; nil when it is not one, or before 1970 or after 9999.
    package static func parseRFC3339(_ text: String) -> Int64? {
        let c = Array(text.utf8)
        guard c.count >= 20 else { return nil }
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= c.count else { return nil }
            var n = 0
            for i in from..<(from + count) {
                guard (48...57).contains(c[i]) else { return nil }
                n = n * 10 + Int(c[i] - 48)
            }
            return n
        }
        guard let year = digits(0, 4), c[4] == UInt8(ascii: "-"), let month = digits(5, 2), c[7] == UInt8(ascii: "-"),
              let day = digits(8, 2), c[10] == UInt8(ascii: "T") || c[10] == UInt8(ascii: "t"),
              let hour = digits(11, 2), c[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
              c[16] == UInt8(ascii: ":"), let second = digits(17, 2) else { return nil }
        guard (1970...9999).contains(year), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
              hour <= 23, minute <= 59, second <= 59 else { return nil }
        var i = 19
        var millis = 0
        if i < c.count, c[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < c.count, (48...57).contains(c[i]) {
                if i - start < 3 { millis = millis * 10 + Int(c[i] - 48) }
                i += 1
            }
            guard i > start, i - start <= 9 else { return nil }
            for _ in 0..<max(0, 3 - (i - start)) { millis *= 10 }
        }
        guard i < c.count else { return nil }
        var offsetMinutes = 0
        if c[i] == UInt8(ascii: "Z") || c[i] == UInt8(ascii: "z") {
            i += 1
        } else if c[i] == UInt8(ascii: "+") || c[i] == UInt8(ascii: "-") {
            let sign = c[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = digits(i + 1, 2), i + 3 < c.count, c[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2),
                  oh <= 23, om <= 59 else { return nil }
            offsetMinutes = sign * (oh * 60 + om)
            i += 6
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        let local = days(year: year, month: month, day: day) * dayMilliseconds
            + Int64(hour * 3_600_000 + minute * 60_000 + second * 1000 + millis)
        return local - Int64(offsetMinutes) * 60_000
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `2026-12-14 09:00` in local time (for reasons).
    package static func localText(localMilliseconds ms: Int64) -> String {
        let days = ms >= 0 ? ms / dayMilliseconds : (ms - dayMilliseconds + 1) / dayMilliseconds
        let (y, m, d) = date(days: days)
        let minute = Int((ms - days * dayMilliseconds) / 60_000)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(y)-\(two(m))-\(two(d)) \(two(minute / 60)):\(two(minute % 60))"
    }
}
