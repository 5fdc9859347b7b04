import Glibc

/// The `Date` header line (RFC 9110 §6.6.1, IMF-fixdate), formatted at most once per second: each event
/// loop owns one and refreshes it once per wake-up, so a response only copies the bytes.
struct HTTPDate {
    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n`.
    private(set) var line: [UInt8] = []
    private var second: Int = .min

    /// Reformats the line when the wall-clock second changed since the last call.
    mutating func refresh() {
        let now = Int(time(nil))
        guard now != second else { return }
        second = now
        line = Array("Date: \(Self.imfFixdate(now))\r\n".utf8)
    }

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `Sun, 06 Nov 1994 08:49:37 GMT` for Unix time `seconds` (UTC; no locale, no allocation but the result).
    static func imfFixdate(_ seconds: Int) -> String {
        var t = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&t, &parts) != nil else { return "Thu, 01 Jan 1970 00:00:00 GMT" }
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = days[Int(max(0, min(6, parts.tm_wday)))]
        let month = months[Int(max(0, min(11, parts.tm_mon)))]
        return "\(day), \(two(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
