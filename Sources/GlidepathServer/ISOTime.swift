import GlidepathCore

/// Formats epoch milliseconds as ISO-8601 UTC (`2026-11-25T18:04:02.123Z`) without a calendar object:
/// the status and decision endpoints render many of these and the output must not depend on locale.
package enum ISOTime {
    package static func format(milliseconds ms: Int64) -> String {
        let millis = Int(((ms % 1000) + 1000) % 1000)
        let totalSeconds = (ms - Int64(millis)) / 1000
        var days = totalSeconds / 86_400
        var secondsOfDay = totalSeconds % 86_400
        if secondsOfDay < 0 { secondsOfDay += 86_400; days -= 1 }
        let (year, month, day) = CivilTime.date(days: days)
        let h = secondsOfDay / 3600, m = (secondsOfDay % 3600) / 60, s = secondsOfDay % 60
        return "\(pad(Int64(year), 4))-\(pad(Int64(month), 2))-\(pad(Int64(day), 2))T\(pad(h, 2)):\(pad(m, 2)):\(pad(s, 2)).\(pad(Int64(millis), 3))Z"
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
